//! First sync of N issues from the fake GitLab with per-request latency, then an idle
//! incremental sync: wall time and requests. Prints; asserts nothing.
//!
//! cargo bench --bench sync -- [ISSUES] [LATENCY_MS]     (defaults 10000, 50)

use std::time::Instant;

use sm_board::config::{Scope, Secret};
use sm_board::demo::generate;
use sm_board::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig};
use sm_board::gitlab::{Client, RetryPolicy};
use sm_board::store::Store;
use sm_board::sync::{SyncTarget, sync};
use sm_board::workflow::Workflow;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let issues = args.first().copied().unwrap_or(10_000) as usize;
    let latency_ms = args.get(1).copied().unwrap_or(50);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let milestones = match generate::milestones() {
            serde_json::Value::Array(all) => all,
            _ => vec![],
        };
        let fake = fake_gitlab::start(
            FakeConfig {
                issues: generate::generate(issues, 7, generate::default_anchor()).into(),
                milestones,
                token: DEFAULT_TOKEN.into(),
                latency_ms,
            },
            "127.0.0.1:0".parse()?,
        )
        .await?;
        let dir = tempfile::tempdir()?;
        let store = Store::open(&dir.path().join("bench.sqlite3"))?;
        let client = Client::new(
            &fake.base_url(),
            Secret::new(DEFAULT_TOKEN.into()),
            RetryPolicy::default(),
        )?;
        let target = SyncTarget {
            scope: Scope::Group("marketing/strategic-marketing".into()),
            scope_label: "sm_request".into(),
            board: None,
            activity_per_pass: 0,
            listing_windows: sm_board::sync::target::WINDOWS_FOREGROUND,
        };
        let wf = Workflow::default();
        println!("issues: {issues}, latency per request: {latency_ms} ms");
        let start = Instant::now();
        let first = sync(&client, &store, &wf, &target, false, &mut |_| {}).await?;
        println!(
            "first sync: {:?}, {} requests ({} issue pages), {} issues",
            start.elapsed(),
            first.requests,
            fake.shared.stats().kind("GET issues"),
            first.pulled
        );
        fake.shared.reset_stats();
        let start = Instant::now();
        let idle = sync(&client, &store, &wf, &target, false, &mut |_| {}).await?;
        println!(
            "idle incremental sync: {:?}, {} request(s) ({} issues seen again in the overlap)",
            start.elapsed(),
            idle.requests,
            idle.pulled
        );
        fake.stop().await;
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}

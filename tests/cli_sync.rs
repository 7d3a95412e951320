//! `sm-board sync`, `move` and `label` as the real binary against a fake GitLab over loopback
//! TCP: exit codes and messages for success, offline and a rejected token, and crash safety
//! (SIGKILL mid-push, then every edit lands exactly once).
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Sandbox, text};
use sm_board::demo::generate;
use sm_board::fake_gitlab::faults::FaultUpdate;
use sm_board::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig, RunningFake};
use sm_board::store::{self, Store};
use sm_board::workflow::Workflow;
use sm_board::workflow::edit::set_field;

struct Server {
    runtime: tokio::runtime::Runtime,
    fake: Option<RunningFake>,
}

impl Server {
    fn start(issues: usize, latency_ms: u64) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let milestones = match generate::milestones() {
            serde_json::Value::Array(all) => all,
            _ => vec![],
        };
        let fake = runtime
            .block_on(fake_gitlab::start(
                FakeConfig {
                    issues: generate::generate(issues, 21, generate::default_anchor()),
                    milestones,
                    token: DEFAULT_TOKEN.into(),
                    latency_ms,
                },
                "127.0.0.1:0".parse().unwrap(),
            ))
            .unwrap();
        Server {
            runtime,
            fake: Some(fake),
        }
    }

    fn fake(&self) -> &RunningFake {
        self.fake.as_ref().unwrap()
    }

    fn url(&self) -> String {
        self.fake().base_url()
    }

    fn stop(&mut self) {
        if let Some(fake) = self.fake.take() {
            self.runtime.block_on(fake.stop());
        }
    }
}

fn cmd(sandbox: &Sandbox, url: &str, db: &std::path::Path, token: &str, args: &[&str]) -> Command {
    let mut command = sandbox.command();
    command
        .env("GITLAB_TOKEN", token)
        .args(args)
        .args(["--gitlab-url", url, "--group", "strategic-marketing"])
        .arg("--db")
        .arg(db);
    command
}

#[test]
fn sync_move_and_label_report_success_offline_and_a_rejected_token() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("gl.sqlite3");
    let mut server = Server::start(140, 0);
    let url = server.url();

    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("pulled 140 issue(s) (full pass)"), "{err}");
    assert!(err.contains("in step with GitLab"), "{err}");

    let id = store::load_issues(Store::open(&db).unwrap().conn())
        .unwrap()
        .into_iter()
        .find(|r| r.facts.open && r.facts.labels.iter().any(|l| l == "p::2"))
        .unwrap();
    let reference = id.reference.clone();
    let out = cmd(
        &sandbox,
        &url,
        &db,
        DEFAULT_TOKEN,
        &["label", &reference, "p::1"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("pushed to GitLab"),
        "{}",
        text(&out.stdout)
    );
    let remote: Vec<String> = server.fake().shared.lock().issues[&id.id]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    assert!(remote.contains(&"p::1".to_string()) && !remote.contains(&"p::2".to_string()));

    // A rejected token: exit 1, a message that says what to do, and never the token itself.
    let out = cmd(&sandbox, &url, &db, "glpat-not-valid", &["sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("401") && err.contains("GITLAB_TOKEN"), "{err}");
    assert!(!err.contains("glpat-not-valid"), "the token leaked: {err}");

    // Offline: the edit is queued, the command says so and succeeds; sync exits 2.
    server.stop();
    let out = cmd(
        &sandbox,
        &url,
        &db,
        DEFAULT_TOKEN,
        &["label", &reference, "p::3"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("offline, queued"),
        "{}",
        text(&out.stdout)
    );
    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("offline") && err.contains("1 edit(s) not on GitLab yet"),
        "{err}"
    );
    let status = common::status_json(&sandbox, &db);
    assert_eq!(status["pending_edits"], 1);
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("x.sqlite3");
    let out = cmd(&sandbox, "http://gitlab.example.com", &db, "t", &["sync"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("use https://"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_push_killed_at_any_point_lands_every_edit_exactly_once() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("crash.sqlite3");
    let server = Server::start(120, 60);
    let url = server.url();
    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A long outbox: priority 1 on 40 open requests that do not have it.
    let wf = Workflow::default();
    let targets: Vec<i64> = {
        let store = Store::open(&db).unwrap();
        let ids: Vec<i64> = store::load_issues(store.conn())
            .unwrap()
            .into_iter()
            .filter(|r| r.facts.open && !r.facts.labels.iter().any(|l| l == "p::1"))
            .take(40)
            .map(|r| r.id)
            .collect();
        for id in &ids {
            let record = store::load_issue(store.conn(), *id).unwrap();
            let edit = set_field(&record.facts, &wf.fields.priority, "1");
            store::apply_edit(store.conn(), *id, &edit, &wf.state_key, chrono::Utc::now()).unwrap();
        }
        ids
    };
    assert_eq!(targets.len(), 40);

    // Kill the pushing process at several points: some while a request waits, and some just
    // after GitLab applied a PUT but before its answer reached the client (the replay case).
    let puts = || server.fake().shared.stats().kind("PUT issue");
    // Edits applied on GitLab whose local entry is still queued: they will be replayed.
    let in_limbo = || {
        let store = Store::open(&db).unwrap();
        let model = server.fake().shared.lock();
        store::pending_entries(store.conn())
            .unwrap()
            .iter()
            .filter(|e| {
                model.issues[&e.issue_id]["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l == "p::1")
            })
            .count()
    };
    let mut replays = 0;
    for (round, wait_ms) in [700u64, 0, 450, 0, 0, 600].into_iter().enumerate() {
        let mut child = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if wait_ms > 0 {
            std::thread::sleep(Duration::from_millis(wait_ms));
        } else {
            let before = puts();
            let started = std::time::Instant::now();
            while puts() == before {
                assert!(
                    started.elapsed() < Duration::from_secs(20),
                    "round {round}: no PUT"
                );
                std::thread::sleep(Duration::from_millis(1));
            }
            // The fake applies the PUT after half its latency (30 ms) and answers after 60 ms.
            std::thread::sleep(Duration::from_millis(45));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        replays += in_limbo();
    }
    let pushed_before_restart = {
        let model = server.fake().shared.lock();
        targets
            .iter()
            .filter(|id| {
                model.issues[*id]["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l == "p::1")
            })
            .count()
    };
    assert!(
        pushed_before_restart > 0,
        "the kills came too early to test anything"
    );
    assert!(
        pushed_before_restart < 40,
        "the kills came too late to interrupt the push"
    );
    eprintln!(
        "pushed before the final run: {pushed_before_restart} of 40; applied on GitLab but \
         still queued locally (replayed): {replays}"
    );
    assert!(
        replays >= 1,
        "no kill landed between GitLab applying a PUT and the client recording it"
    );

    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let model = server.fake().shared.lock();
    for id in &targets {
        let labels = model.issues[id]["labels"].as_array().unwrap();
        assert!(
            labels.iter().any(|l| l == "p::1"),
            "issue {id} lost its edit"
        );
        assert_eq!(
            labels
                .iter()
                .filter(|l| l.as_str().unwrap().starts_with("p::"))
                .count(),
            1
        );
        let added = model
            .label_events
            .iter()
            .filter(|e| e.issue_id == *id && e.label == "p::1" && e.add)
            .count();
        assert_eq!(added, 1, "issue {id}: p::1 added {added} times");
    }
    drop(model);
    assert_eq!(common::status_json(&sandbox, &db)["pending_edits"], 0);
    let _ = server.fake().shared.set_faults(FaultUpdate::default());
}

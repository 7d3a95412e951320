//! The first day of a glab user, as the real binary: `sm-board sync` of a subgroup board whose
//! milestones live on the parent group, logged in with glab's OAuth (browser) login, against a
//! GitLab behind a private CA that rate-limits like gitlab.com, with pages shifting under the
//! listing. It must end in step with exactly GitLab's issues.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Sandbox, text};
use sm_board::demo::generate;
use sm_board::fake_gitlab::faults::FaultUpdate;
use sm_board::fake_gitlab::tls::TlsFiles;
use sm_board::fake_gitlab::{self, FakeConfig, RunningFake};
use sm_board::store::{self, Store};

const OAUTH: &str = "oauth-access-token-from-glab";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

fn serve(runtime: &tokio::runtime::Runtime) -> RunningFake {
    let milestones = match generate::milestones() {
        serde_json::Value::Array(all) => all,
        _ => vec![],
    };
    let fake = runtime
        .block_on(fake_gitlab::start_with(
            FakeConfig {
                issues: generate::generate(250, 31, generate::default_anchor()).into(),
                milestones,
                token: "a-personal-token-nobody-has".into(),
                latency_ms: 0,
            },
            "127.0.0.1:0".parse().unwrap(),
            Some(TlsFiles {
                cert: fixture("server.pem"),
                key: fixture("server.key"),
            }),
        ))
        .unwrap();
    fake.shared.add_oauth_token(OAUTH, None);
    fake.shared
        .set_faults(FaultUpdate {
            profile: Some("gitlab.com".into()),
            // Small enough that a first sync meets it whatever the clock: a fast sync spans
            // at most two fixed windows, and its dozen or so requests (histories coming fifty
            // issues a GraphQL request) are more than two windows' budget. Short enough to
            // wait out.
            rate_limit: Some(4),
            rate_limit_window_secs: Some(2),
            live_updates: Some(1),
            ..FaultUpdate::default()
        })
        .unwrap();
    fake
}

/// glab's config after `glab auth login` in the browser, for the fake's host and port.
fn glab_login(sandbox: &Sandbox, port: u16, ca_cert: Option<&Path>) {
    let dir = sandbox.dir.path().join("config").join("glab-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let ca = ca_cert
        .map(|p| format!("        ca_cert: {}\n", p.display()))
        .unwrap_or_default();
    std::fs::write(
        dir.join("config.yml"),
        format!(
            "# written by glab\ngit_protocol: ssh\nhost: 127.0.0.1\nhosts:\n    127.0.0.1:\n        \
             api_host: 127.0.0.1:{port}\n        api_protocol: https\n        token: {OAUTH}\n        \
             is_oauth2: \"true\"\n        oauth2_refresh_token: refresh-me\n        \
             oauth2_expiry_date: 01 Jan 99 00:00 UTC\n{ca}        user: triager\n"
        ),
    )
    .unwrap();
}

/// Every issue of the board on the fake, with its `updated_at`.
fn board_on(fake: &RunningFake) -> BTreeMap<i64, String> {
    fake.shared.lock().updated_at_by_id("sm_request")
}

fn board_in(db: &Path) -> BTreeMap<i64, String> {
    store::load_issues(Store::open(db).unwrap().conn())
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.updated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
        })
        .collect()
}

fn sync(
    sandbox: &Sandbox,
    url: &str,
    db: &Path,
    extra_env: &[(&str, &Path)],
) -> std::process::Output {
    let mut command = sandbox.command();
    for (name, value) in extra_env {
        command.env(name, value);
    }
    command
        .args([
            "sync",
            "--gitlab-url",
            url,
            "--group",
            "marketing/strategic-marketing",
            "--db",
        ])
        .arg(db)
        .output()
        .unwrap()
}

#[test]
fn a_glab_oauth_user_syncs_a_subgroup_board_behind_a_private_ca_under_gitlab_com_limits() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = serve(&runtime);
    let url = fake.base_url();
    assert!(url.starts_with("https://"));

    // The CA from glab's per-host `ca_cert`.
    let sandbox = Sandbox::new();
    glab_login(&sandbox, fake.addr.port(), Some(&fixture("ca.pem")));
    let db = sandbox.path("board.sqlite3");
    let out = sync(&sandbox, &url, &db, &[]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("in step with GitLab"), "{err}");
    assert!(err.contains("rate-limiting"), "the wait is said: {err}");
    assert!(!err.contains(OAUTH), "{err}");
    // Pages shifted under the first listing; one more pass picks up what changed after.
    let out = sync(&sandbox, &url, &db, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    fake.shared
        .set_faults(FaultUpdate {
            live_updates: Some(0),
            ..FaultUpdate::default()
        })
        .unwrap();
    let out = sync(&sandbox, &url, &db, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(board_in(&db), board_on(&fake));
    let milestones: Vec<String> = store::load_milestones(Store::open(&db).unwrap().conn())
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect();
    assert!(
        milestones.contains(&"SM_Backlog".to_string()),
        "{milestones:?}"
    );

    // The CA from SSL_CERT_FILE instead.
    let sandbox = Sandbox::new();
    glab_login(&sandbox, fake.addr.port(), None);
    let db = sandbox.path("board.sqlite3");
    let ca = fixture("ca.pem");
    let out = sync(&sandbox, &url, &db, &[("SSL_CERT_FILE", &ca)]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Without the CA: a certificate problem, exit 1, never "offline".
    let sandbox = Sandbox::new();
    glab_login(&sandbox, fake.addr.port(), None);
    let out = sync(&sandbox, &url, &sandbox.path("b.sqlite3"), &[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("does not trust") && err.contains("ca_cert"),
        "{err}"
    );
    assert!(!err.contains("offline"), "{err}");
    runtime.block_on(fake.stop());
}

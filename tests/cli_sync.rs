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
        Server::serve(
            generate::generate(issues, 21, generate::default_anchor()),
            latency_ms,
        )
    }

    fn serve(issues: Vec<serde_json::Value>, latency_ms: u64) -> Server {
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
                    issues: issues.into(),
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
        .args([
            "--gitlab-url",
            url,
            "--group",
            "marketing/strategic-marketing",
        ])
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
    let remote: Vec<String> = server.fake().shared.lock().issues[&id.id].value()["labels"]
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
                model.issues[&e.issue_id].value()["labels"]
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
                model.issues[*id].value()["labels"]
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
        let issue = model.issues[id].value();
        let labels = issue["labels"].as_array().unwrap();
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
            .all_label_events()
            .into_iter()
            .filter(|e| e.issue_id == *id && &*e.label == "p::1" && e.add)
            .count();
        assert_eq!(added, 1, "issue {id}: p::1 added {added} times");
    }
    drop(model);
    assert_eq!(common::status_json(&sandbox, &db)["pending_edits"], 0);
    let _ = server.fake().shared.set_faults(FaultUpdate::default());
}

/// `status --format json` after a real sync of the bundled demo data, at a pinned "now": every
/// count checked against the data itself (the issues' JSON and the fake's label events).
#[test]
fn status_json_after_a_sync_counts_exactly_what_gitlab_holds() {
    use chrono::{DateTime, NaiveDate, Utc};
    let sandbox = Sandbox::new();
    let db = sandbox.path("standup.sqlite3");
    let issues = sm_board::demo::bundled_issues().unwrap();
    let mut server = Server::serve(issues.clone(), 0);
    let url = server.url();
    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cmd(
        &sandbox,
        &url,
        &db,
        DEFAULT_TOKEN,
        &["status", "--format", "json", "--since", "2026-11-16"],
    )
    .env("SM_BOARD_NOW", "2026-11-23T10:00:00Z")
    .env("TZ", "UTC")
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let since: DateTime<Utc> = "2026-11-16T00:00:00Z".parse().unwrap();
    let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let time = |v: &serde_json::Value| -> Option<DateTime<Utc>> { v.as_str()?.parse().ok() };
    let labels = |v: &serde_json::Value| -> Vec<String> {
        v["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let iids = |key: &str| -> Vec<i64> {
        let mut out: Vec<i64> = status[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key} in {status}"))
            .iter()
            .map(|r| r["iid"].as_i64().unwrap())
            .collect();
        out.sort();
        out
    };
    let expect = |keep: &dyn Fn(&serde_json::Value) -> bool| -> Vec<i64> {
        let mut out: Vec<i64> = issues
            .iter()
            .filter(|i| keep(i))
            .map(|i| i["iid"].as_i64().unwrap())
            .collect();
        out.sort();
        out
    };
    let due = |i: &serde_json::Value| {
        i["due_date"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let open = |i: &serde_json::Value| i["state"] == "opened";
    for key in [
        "new_requests",
        "overdue",
        "due_soon",
        "grooming_queue",
        "wip_by_team",
    ] {
        assert!(
            !status[key].as_array().unwrap().is_empty(),
            "{key} is empty: the check would prove nothing"
        );
    }
    assert_eq!(
        iids("new_requests"),
        expect(&|i| time(&i["created_at"]).is_some_and(|t| t >= since && t <= now))
    );
    assert_eq!(
        iids("overdue"),
        expect(&|i| open(i) && due(i).is_some_and(|d| d < today))
    );
    assert_eq!(
        iids("due_soon"),
        expect(&|i| open(i) && due(i).is_some_and(|d| d >= today && (d - today).num_days() <= 7))
    );
    // Every move GitLab recorded in the window: a state label added after the request was filed.
    let moves_on_gitlab: usize = {
        let model = server.fake().shared.lock();
        model
            .all_label_events()
            .into_iter()
            .filter(|e| e.add && e.label.starts_with("sm_req::"))
            .filter(|e| e.created_at >= since && e.created_at <= now)
            .filter(|e| {
                let created = time(&model.issues[&e.issue_id].value()["created_at"]).unwrap();
                e.created_at > created
            })
            .count()
    };
    assert!(moves_on_gitlab > 0, "the seeded histories move requests");
    assert_eq!(status["moved"].as_array().unwrap().len(), moves_on_gitlab);
    let backlog_now = issues
        .iter()
        .filter(|i| labels(i).iter().any(|l| l == "sm_req::backlog"))
        .count();
    assert_eq!(
        status["backlog_trend"].as_array().unwrap().last().unwrap()["count"],
        backlog_now
    );
    assert_eq!(status["total"], issues.len());
    assert_eq!(
        status["cache_age_seconds"].as_i64().map(|s| s >= 0),
        Some(true)
    );
    server.stop();
}

/// Two processes push the same cache at the same moment (the board's worker and a `sync`, two
/// cron jobs): every comment is posted once, every edit lands once, none is replayed over a
/// newer one, and no conflict is invented. Five trials (`SM_BOARD_TRIALS`), each with its own
/// outbox.
#[test]
fn two_processes_pushing_one_cache_post_each_comment_once_and_invent_no_conflicts() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("shared.sqlite3");
    let server = Server::start(90, 25);
    let url = server.url();
    let out = cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let wf = Workflow::default();
    // More trials for a reliability run: SM_BOARD_TRIALS=20.
    let trials: usize = std::env::var("SM_BOARD_TRIALS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(5);
    for trial in 0..trials {
        let (ids, markers) = {
            let store = Store::open(&db).unwrap();
            let open: Vec<store::IssueRecord> = store::load_issues(store.conn())
                .unwrap()
                .into_iter()
                .filter(|r| r.facts.open)
                .skip((trial * 4) % 40)
                .take(4)
                .collect();
            let mut markers = Vec::new();
            for record in &open {
                // Two edits of one key, in order: the later must win.
                for value in ["1", "3"] {
                    let current = store::load_issue(store.conn(), record.id).unwrap();
                    let edit = set_field(&current.facts, &wf.fields.priority, value);
                    store::apply_edit(
                        store.conn(),
                        record.id,
                        &edit,
                        &wf.state_key,
                        chrono::Utc::now(),
                    )
                    .unwrap();
                }
                let body = format!("trial {trial}: a note on {}", record.reference);
                store::queue_comment(store.conn(), record.id, &body, chrono::Utc::now()).unwrap();
                markers.push(body);
            }
            (open.iter().map(|r| r.id).collect::<Vec<_>>(), markers)
        };
        let spawn = || {
            cmd(&sandbox, &url, &db, DEFAULT_TOKEN, &["sync"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for out in [&a, &b] {
            let err = text(&out.stderr);
            assert!(!err.contains("conflict"), "trial {trial}: {err}");
            assert!(!err.contains("locked"), "trial {trial}: {err}");
        }
        let model = server.fake().shared.lock();
        for body in &markers {
            let posted = model
                .all_notes()
                .into_iter()
                .filter(|n| n.body.starts_with(body.as_str()))
                .count();
            assert_eq!(posted, 1, "trial {trial}: {body} posted {posted} times");
        }
        for id in &ids {
            let labels = model.issues[id].value()["labels"].to_string();
            assert!(
                labels.contains("p::3") && !labels.contains("p::1"),
                "trial {trial}: the later edit wins: {labels}"
            );
        }
        drop(model);
        let status = common::status_json(&sandbox, &db);
        assert_eq!(status["pending_edits"], 0, "trial {trial}");
    }
}

/// GitLab's text is hostile: titles, label names, usernames and milestone titles carrying an
/// OSC 52 clipboard write, colours, C1 controls and bidi overrides. None of it may reach a
/// terminal raw through any command's stdout or stderr, nor the log.
#[test]
fn hostile_gitlab_text_never_reaches_an_output_raw() {
    const EVIL: &str = "\u{1b}]52;c;cGF3bmVk\u{7}\u{1b}[31m\u{9b}2J\u{202e}\u{2066}";
    let mut issues = generate::generate(40, 41, generate::default_anchor());
    for issue in &mut issues {
        let title = issue["title"].as_str().unwrap().to_string();
        issue["title"] = serde_json::json!(format!("{EVIL}{title}"));
        issue["labels"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!(format!("team{EVIL}")));
        if let Some(user) = issue["assignees"].get_mut(0) {
            let id = user["id"].as_i64().unwrap();
            user["username"] = serde_json::json!(format!("al{EVIL}{id}"));
        }
        if issue["milestone"].is_object() {
            issue["milestone"]["title"] = serde_json::json!(format!("Q{EVIL}"));
        }
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("hostile.sqlite3");
    let server = Server::serve(issues, 0);
    let url = server.url();
    let run = |args: &[&str]| {
        cmd(&sandbox, &url, &db, DEFAULT_TOKEN, args)
            .env("SM_BOARD_LOG", "debug")
            .output()
            .unwrap()
    };
    let raw = |bytes: &[u8]| -> Option<char> {
        String::from_utf8_lossy(bytes)
            .chars()
            .find(|c| sm_board::sanitize::is_unsafe(*c) && *c != '\n' && *c != '\t')
    };
    let mut outputs = vec![("sync", run(&["sync"]))];
    // A conflict whose labels are hostile: someone sets p:: to a hostile value on GitLab.
    let record = store::load_issues(Store::open(&db).unwrap().conn())
        .unwrap()
        .into_iter()
        .find(|r| r.facts.open && r.facts.labels.iter().any(|l| l.starts_with("p::")))
        .unwrap();
    let wf = Workflow::default();
    {
        let store = Store::open(&db).unwrap();
        let edit = set_field(&record.facts, &wf.fields.priority, "1");
        store::apply_edit(
            store.conn(),
            record.id,
            &edit,
            &wf.state_key,
            chrono::Utc::now(),
        )
        .unwrap();
    }
    server
        .fake()
        .shared
        .lock()
        .update_issue(
            record.id,
            &sm_board::fake_gitlab::model::IssueUpdate {
                add_labels: vec![format!("p::{EVIL}")],
                ..Default::default()
            },
        )
        .unwrap();
    outputs.push(("sync with a conflict", run(&["sync"])));
    for format in ["table", "markdown", "json"] {
        outputs.push(("status", run(&["status", "--format", format])));
    }
    outputs.push(("board", run(&["board", "--width", "160", "--height", "48"])));
    outputs.push(("resolve", run(&["resolve", &record.reference, "--theirs"])));
    outputs.push((
        "label",
        run(&["label", &record.reference, &format!("x{EVIL}")]),
    ));
    outputs.push((
        "unknown state",
        run(&["move", &record.reference, &format!("s{EVIL}")]),
    ));
    let conflict_said = text(&outputs[1].1.stderr);
    assert!(conflict_said.contains("conflict"), "{conflict_said}");
    for (what, out) in &outputs {
        assert_eq!(
            raw(&out.stdout),
            None,
            "{what} stdout: {}",
            text(&out.stdout)
        );
        assert_eq!(
            raw(&out.stderr),
            None,
            "{what} stderr: {}",
            text(&out.stderr)
        );
    }
    let log = std::fs::read(sandbox.path("state").join("sm-board").join("sm-board.log"))
        .unwrap_or_default();
    assert_eq!(raw(&log), None, "the log");
    // JSON keeps the data, escaped.
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["status", "--format", "json"]).stdout).unwrap();
    assert!(json.to_string().contains("cGF3bmVk"));
}

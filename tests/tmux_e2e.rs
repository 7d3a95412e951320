//! End to end: the real binary in a real terminal (tmux), driven by keys, checked by reading the
//! screen and then the cache through `sm-board status --format json`.
//!
//! Needs tmux. Without it the test is skipped locally but fails under CI (`CI` set), where
//! `.ci/run` installs it.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{BIN, Sandbox, count, status_json};

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(sandbox: &Sandbox, args: &str, width: u16, height: u16) -> Tmux {
        Tmux::start_with_env(sandbox, &[], args, width, height)
    }

    /// `env` goes to the session's environment (`new-session -e`), not the command line.
    fn start_with_env(
        sandbox: &Sandbox,
        env: &[(&str, &str)],
        args: &str,
        width: u16,
        height: u16,
    ) -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let session = format!("smb-e2e-{}-{n}", std::process::id());
        let home = sandbox.dir.path();
        let command = format!(
            "env HOME={home} XDG_CONFIG_HOME={home}/config XDG_DATA_HOME={home}/data \
             XDG_STATE_HOME={home}/state {BIN} {args}",
            home = home.display()
        );
        // A tmux server whose last session just ended exits; a session started at that
        // moment fails, so it is tried again.
        let start = || {
            Command::new("tmux")
                .args([
                    "new-session",
                    "-d",
                    "-s",
                    &session,
                    "-x",
                    &width.to_string(),
                ])
                .args(
                    env.iter()
                        .flat_map(|(k, v)| ["-e".to_string(), format!("{k}={v}")]),
                )
                .args(["-y", &height.to_string(), &command])
                .status()
                .unwrap()
                .success()
        };
        let ok = (0..3).any(|attempt| {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
            start()
        });
        assert!(ok, "tmux could not start the session");
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            let ok = Command::new("tmux")
                .args(["send-keys", "-t", &self.session, key])
                .status()
                .unwrap()
                .success();
            assert!(ok, "send-keys {key}");
        }
    }

    /// Waits until the screen shows `text` (the app redraws asynchronously).
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn display(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.session, format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn wait_exit(&self) {
        let start = Instant::now();
        while self.alive() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the app did not quit"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

/// A fake GitLab serving the bundled board, on a runtime of its own, held by the test so its
/// state can be checked directly.
fn bundled_fake() -> (tokio::runtime::Runtime, sm_board::fake_gitlab::RunningFake) {
    fake_serving(sm_board::demo::bundled_issues().unwrap(), 0)
}

/// A fake GitLab serving `issues`, each answer `latency_ms` away, on a runtime of its own.
fn fake_serving(
    issues: Vec<serde_json::Value>,
    latency_ms: u64,
) -> (tokio::runtime::Runtime, sm_board::fake_gitlab::RunningFake) {
    use sm_board::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = runtime
        .block_on(fake_gitlab::start(
            FakeConfig {
                issues: issues.into(),
                milestones: vec![],
                token: DEFAULT_TOKEN.into(),
                latency_ms,
            },
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    (runtime, fake)
}

/// The bundled demo with its GitLab unreachable, on the cache `db`, in a 160x48 pane.
fn offline_demo(sandbox: &Sandbox, env: &[(&str, &str)], db: &std::path::Path) -> Tmux {
    Tmux::start_with_env(
        sandbox,
        env,
        &format!("demo --offline --db {}", db.display()),
        160,
        48,
    )
}

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI"
        );
        eprintln!("tmux not found: skipping the end-to-end test");
    }
    found
}

#[test]
fn move_a_card_set_a_priority_quit_and_find_both_edits_in_the_cache() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("e2e.sqlite3");
    // Offline: the demo's GitLab is unreachable, so both edits stay queued in the cache.
    let tmux = offline_demo(&sandbox, &[], &db);
    let screen = tmux.wait_for("new request 8");
    assert!(screen.contains("DEMO"));
    assert!(
        screen.contains("▌#41"),
        "the first new request is selected:\n{screen}"
    );

    // #41 already has a team, so L moves it to triage straight away.
    tmux.keys(&["L"]);
    let screen = tmux.wait_for("#41: move new_request -> triage (queued)");
    assert!(screen.contains("new request 7"), "{screen}");
    assert!(screen.contains("triage 9"), "{screen}");
    assert!(screen.contains("↑1 pending"), "{screen}");
    tmux.wait_for("offline ·");

    // The selection stays in new_request: give the next request priority 1.
    tmux.keys(&["p"]);
    tmux.wait_for("priority for #42");
    tmux.keys(&["1", "Enter"]);
    tmux.wait_for("#42: p:: none -> 1 (queued)");
    tmux.wait_for("↑2 pending");

    // Esc does not quit; q does.
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(tmux.alive(), "Esc must never quit");
    tmux.keys(&["q"]);
    tmux.wait_exit();

    let status = status_json(&sandbox, &db);
    assert_eq!(count(&status, "new_request"), 7);
    assert_eq!(count(&status, "triage"), 9);
    assert_eq!(status["pending_edits"], 2);
    assert_eq!(status["total"], 66);
}

#[test]
fn a_tiny_terminal_gets_a_message_not_garbage() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("tiny.sqlite3");
    let tmux = Tmux::start(&sandbox, &format!("demo --db {}", db.display()), 40, 10);
    let screen = tmux.wait_for("Terminal too small");
    assert!(screen.contains("need 60x15, have 40x10"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_exit();
}

#[test]
fn term_hup_int_and_quit_signals_quit_cleanly_and_restore_the_terminal() {
    if !tmux_available() {
        return;
    }
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let sandbox = Sandbox::new();
        let db = sandbox.path("term.sqlite3");
        let tmux = Tmux::start(&sandbox, &format!("demo --db {}", db.display()), 100, 30);
        let ok = Command::new("tmux")
            .args(["set-option", "-t", &tmux.session, "remain-on-exit", "on"])
            .status()
            .unwrap()
            .success();
        assert!(ok);
        tmux.wait_for("SM Request Board");
        assert_eq!(
            tmux.display("#{alternate_on}"),
            "1",
            "the board uses the alternate screen"
        );
        assert_eq!(
            tmux.display("#{mouse_any_flag}"),
            "1",
            "mouse reporting is on"
        );
        let pid = tmux.display("#{pane_pid}");
        assert!(
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
        let start = Instant::now();
        while tmux.display("#{pane_dead}") != "1" {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sm-board ignored SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(
            tmux.display("#{alternate_on}"),
            "0",
            "SIG{signal}: alternate screen left on"
        );
        assert_eq!(
            tmux.display("#{mouse_any_flag}"),
            "0",
            "SIG{signal}: mouse reporting left on"
        );
        assert!(
            !tmux.screen().contains("SM Request Board"),
            "{}",
            tmux.screen()
        );
    }
}

#[test]
fn online_demo_pushes_edits_to_its_gitlab_in_the_background() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("online.sqlite3");
    let tmux = Tmux::start(&sandbox, &format!("demo --db {}", db.display()), 160, 48);
    tmux.wait_for("synced just now");
    tmux.keys(&["L"]);
    tmux.wait_for("#41: move new_request -> triage (queued)");
    // The worker pushes the edit: the pending mark goes away without any key press.
    let start = Instant::now();
    loop {
        let screen = tmux.screen();
        let status_line = screen.lines().last().unwrap_or_default().to_string();
        if !status_line.contains("pending") && !status_line.contains("syncing") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "edit not pushed:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["r"]);
    tmux.wait_for("synced just now");
    tmux.keys(&["q"]);
    tmux.wait_exit();
    let status = status_json(&sandbox, &db);
    assert_eq!(status["pending_edits"], 0);
    assert_eq!(count(&status, "triage"), 9);
    assert!(status["last_synced_at"].is_string());
}

#[test]
fn filter_bulk_move_and_undo_reach_gitlab_exactly() {
    if !tmux_available() {
        return;
    }
    use sm_board::fake_gitlab::DEFAULT_TOKEN;
    let (runtime, fake) = bundled_fake();
    let labels_of = |id: i64| -> Vec<String> {
        fake.shared.lock().issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let new_requests: Vec<i64> = {
        let model = fake.shared.lock();
        model
            .issues
            .iter()
            .filter(|(_, v)| v.facts().has_label("sm_req::new_request"))
            .map(|(id, _)| *id)
            .collect()
    };
    assert_eq!(new_requests.len(), 8);
    let before: Vec<Vec<String>> = new_requests.iter().map(|id| labels_of(*id)).collect();

    let sandbox = Sandbox::new();
    let db = sandbox.path("triage.sqlite3");
    let args = format!(
        "--gitlab-url {} --group marketing/strategic-marketing --db {}",
        fake.base_url(),
        db.display()
    );
    // The token travels in the environment, never on the command line.
    let tmux = Tmux::start_with_env(&sandbox, &[("GITLAB_TOKEN", DEFAULT_TOKEN)], &args, 160, 48);
    tmux.wait_for("synced just now");
    tmux.wait_for("66 requests");

    tmux.keys(&["/"]);
    for c in "state:new_request".chars() {
        tmux.keys(&[&c.to_string()]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("8 of 66 requests");
    tmux.keys(&["V"]);
    tmux.wait_for("8 marked");
    tmux.keys(&["L"]);
    tmux.wait_for("for 5 of 8 requests");
    tmux.keys(&["p", "m", "m", "Enter"]);
    tmux.wait_for("moved 8 requests to triage");
    tmux.keys(&["Escape"]);
    let pushed = |want: &str| {
        let start = Instant::now();
        loop {
            if new_requests
                .iter()
                .all(|id| labels_of(*id).iter().any(|l| l == want))
            {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "not on GitLab: {want}\n{}",
                tmux.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    pushed("sm_req::triage");
    for id in &new_requests {
        let labels = labels_of(*id);
        let teams = labels
            .iter()
            .filter(|l| {
                [
                    "pmm",
                    "tech-pmm",
                    "Competitive Intelligence",
                    "Partner Marketing",
                    "mrci",
                ]
                .contains(&l.as_str())
            })
            .count();
        assert_eq!(teams, 1, "#{id}: exactly one team: {labels:?}");
    }

    tmux.keys(&["z"]);
    tmux.wait_for("undid: move new_request -> triage");
    pushed("sm_req::new_request");
    let after: Vec<Vec<String>> = new_requests.iter().map(|id| labels_of(*id)).collect();
    assert_eq!(
        after, before,
        "undo restored every request's labels on GitLab exactly"
    );
    tmux.keys(&["q"]);
    tmux.wait_exit();
    runtime.block_on(fake.stop());
}

#[test]
fn a_comment_written_in_the_editor_reaches_gitlab_once() {
    if !tmux_available() {
        return;
    }
    use sm_board::fake_gitlab::DEFAULT_TOKEN;
    let (runtime, fake) = bundled_fake();
    let sandbox = Sandbox::new();
    // The "editor": a script that writes the comment above the template.
    let editor = sandbox.path("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Can we get the deck by Friday?\\n# Open questions\\n#41 covers the same request\\ntoken: %s\\n' \"${GITLAB_TOKEN:-unset}\" | cat - \"$1\" > \"$1.new\" && mv \"$1.new\" \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = sandbox.path("comment.sqlite3");
    let args = format!(
        "--gitlab-url {} --group marketing/strategic-marketing --db {}",
        fake.base_url(),
        db.display()
    );
    let tmux = Tmux::start_with_env(
        &sandbox,
        &[
            ("GITLAB_TOKEN", DEFAULT_TOKEN),
            ("EDITOR", editor.to_str().unwrap()),
        ],
        &args,
        160,
        48,
    );
    tmux.wait_for("synced just now");
    // Comments posted from here on (the fake's issues come with comments of their own).
    let seeded: std::collections::HashSet<i64> = fake
        .shared
        .lock()
        .all_notes()
        .iter()
        .map(|n| n.id)
        .collect();
    let notes = || -> Vec<String> {
        fake.shared
            .lock()
            .all_notes()
            .into_iter()
            .filter(|n| !n.system && !seeded.contains(&n.id))
            .map(|n| n.body.to_string())
            .collect()
    };
    tmux.keys(&["n"]);
    tmux.wait_for("#41: comment queued");
    let start = Instant::now();
    while notes().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["r"]);
    tmux.wait_for("synced just now");
    let posted = notes();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert!(
        posted[0].starts_with("Can we get the deck by Friday?"),
        "{posted:?}"
    );
    assert!(
        !posted[0].contains("Comment on") && !posted[0].contains(">8"),
        "template lines are dropped: {posted:?}"
    );
    // Lines the user typed that start with # are the user's: a heading, a reference.
    assert!(
        posted[0].contains("\n# Open questions\n#41 covers the same request"),
        "{posted:?}"
    );
    // The editor runs without the user's token in its environment.
    assert!(posted[0].contains("token: unset"), "{posted:?}");
    assert!(
        tmux.screen().contains("SM Request Board"),
        "the board came back"
    );
    tmux.keys(&["q"]);
    tmux.wait_exit();
    runtime.block_on(fake.stop());
}

#[test]
fn the_triage_queue_decides_three_requests_and_gitlab_gets_exactly_that() {
    if !tmux_available() {
        return;
    }
    use sm_board::fake_gitlab::DEFAULT_TOKEN;
    let (runtime, fake) = bundled_fake();
    let id_of = |iid: i64| -> i64 {
        let model = fake.shared.lock();
        *model
            .issues
            .iter()
            .find(|(_, v)| v.facts().iid == Some(iid))
            .map(|(id, _)| id)
            .unwrap()
    };
    let labels_of = |id: i64| -> Vec<String> {
        let mut labels: Vec<String> = fake.shared.lock().issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        labels.sort();
        labels
    };
    // The first three of the queue, in the new_request column's order.
    let (first, second, third) = (id_of(41), id_of(42), id_of(43));
    let before: Vec<Vec<String>> = [first, second, third].map(labels_of).to_vec();
    let expect = |labels: &[String], add: &[&str], drop_key: &[&str]| -> Vec<String> {
        let mut out: Vec<String> = labels
            .iter()
            .filter(|l| !drop_key.iter().any(|k| l.starts_with(k)))
            .cloned()
            .collect();
        out.extend(add.iter().map(|a| a.to_string()));
        out.sort();
        out
    };
    let want_first = expect(
        &before[0],
        &["sm_req::triage", "p::1"],
        &["sm_req::", "p::"],
    );
    let want_third = expect(&before[2], &["sm_req::triage"], &["sm_req::"]);

    let sandbox = Sandbox::new();
    let db = sandbox.path("queue.sqlite3");
    let args = format!(
        "--gitlab-url {} --group marketing/strategic-marketing --db {}",
        fake.base_url(),
        db.display()
    );
    let tmux = Tmux::start_with_env(&sandbox, &[("GITLAB_TOKEN", DEFAULT_TOKEN)], &args, 160, 48);
    tmux.wait_for("synced just now");
    tmux.keys(&["T"]);
    tmux.wait_for("TRIAGE 1 of 13");
    // #41: set the priority (it stays on screen), then move it on (the decision).
    tmux.keys(&["p"]);
    tmux.wait_for("priority for #41");
    tmux.keys(&["1", "Enter"]);
    tmux.wait_for("#41: p:: none -> 1");
    tmux.keys(&["L"]);
    tmux.wait_for("TRIAGE 2 of 13");
    // #42: skipped.
    tmux.keys(&["s"]);
    tmux.wait_for("TRIAGE 3 of 13");
    // #43: moved on.
    tmux.keys(&["L"]);
    tmux.wait_for("TRIAGE 4 of 13");
    tmux.keys(&["Escape"]);
    tmux.wait_for("triage ended at 4 of 13");
    let start = Instant::now();
    while labels_of(first) != want_first || labels_of(third) != want_third {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "not on GitLab yet: {:?} {:?}\n{}",
            labels_of(first),
            labels_of(third),
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        labels_of(second),
        before[1],
        "the skipped request is untouched"
    );
    // The standup lists the two decisions; the flow view draws its charts.
    tmux.keys(&["S"]);
    tmux.wait_for("#41 new_request -> triage");
    tmux.wait_for("#43 new_request -> triage");
    tmux.keys(&["F"]);
    tmux.wait_for("Cumulative flow");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_exit();
    assert_eq!(status_json(&sandbox, &db)["pending_edits"], 0);
    runtime.block_on(fake.stop());
}

#[test]
fn browser_with_arguments_and_a_fallback_list_opens_the_request() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    // `$BROWSER` as a list: a browser that is not installed, then one with arguments and %s.
    let browser = sandbox.path("browser.sh");
    let seen = sandbox.path("opened.txt");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n", seen.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let list = format!(
        "/nonexistent/browser:{} --new-tab --url=%s",
        browser.display()
    );
    let db = sandbox.path("browser.sqlite3");
    let tmux = offline_demo(&sandbox, &[("BROWSER", &list)], &db);
    tmux.wait_for("▌#41");
    tmux.keys(&["o"]);
    tmux.wait_for("opening #41 in the browser");
    let start = Instant::now();
    while !seen.exists() || std::fs::read_to_string(&seen).unwrap().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let args: Vec<String> = std::fs::read_to_string(&seen)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(args.len(), 2, "{args:?}");
    assert_eq!(args[0], "--new-tab");
    assert!(
        args[1].starts_with("--url=https://") && args[1].ends_with("/-/issues/41"),
        "{args:?}"
    );
    tmux.keys(&["q"]);
    tmux.wait_exit();
}

#[test]
fn sync_on_a_terminal_shows_a_bar_with_counts_rate_and_time_left() {
    if !tmux_available() {
        return;
    }
    use sm_board::fake_gitlab::DEFAULT_TOKEN;
    // 400 requests with histories, each 25 ms away: a few seconds, long enough to watch.
    let (runtime, fake) = fake_serving(
        sm_board::demo::generate::generate(400, 3, sm_board::demo::generate::default_anchor()),
        25,
    );
    let sandbox = Sandbox::new();
    let db = sandbox.path("progress.sqlite3");
    let args = format!(
        "--gitlab-url {} --group marketing/strategic-marketing --db {} sync; sleep 30",
        fake.base_url(),
        db.display()
    );
    let tmux = Tmux::start_with_env(&sandbox, &[("GITLAB_TOKEN", DEFAULT_TOKEN)], &args, 120, 12);
    let screen = tmux.wait_for("comments and label history [");
    let line = screen
        .lines()
        .find(|l| l.contains("comments and label history ["))
        .unwrap();
    assert!(line.contains("/400"), "{line}");
    assert!(line.contains("/s") && line.contains("left"), "{line}");
    let screen = tmux.wait_for("in step with GitLab");
    assert!(
        !screen.contains("comments and label history ["),
        "the bar is cleared at the end:\n{screen}"
    );
    runtime.block_on(fake.stop());
}

/// tmux's global `set-clipboard`, read and set on the test's tmux server.
fn tmux_set_clipboard(value: Option<&str>) -> String {
    let out = Command::new("tmux")
        .args(["show-options", "-gv", "set-clipboard"])
        .output()
        .unwrap();
    if let Some(value) = value {
        Command::new("tmux")
            .args(["set-option", "-g", "set-clipboard", value])
            .status()
            .unwrap();
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn copying_inside_tmux_reaches_its_buffer_and_says_when_it_goes_no_further() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("copy.sqlite3");
    let tmux = offline_demo(&sandbox, &[], &db);
    tmux.wait_for("▌#41");
    let buffer = || {
        let out = Command::new("tmux").args(["show-buffer"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // With set-clipboard on, tmux passes the copy on to the terminal: "copied".
    let before = tmux_set_clipboard(Some("on"));
    tmux.keys(&["Y"]);
    let screen = tmux.wait_for("copied marketing/");
    assert!(!screen.contains("paste buffer only"), "{screen}");
    let reference = buffer();
    assert!(
        reference.starts_with("marketing/") && reference.ends_with("#41"),
        "{reference:?}"
    );
    // With it off, the copy stays in tmux's buffer, and the status line says how to go on.
    tmux_set_clipboard(Some("off"));
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("paste buffer only");
    tmux_set_clipboard(Some(if before.is_empty() {
        "external"
    } else {
        &before
    }));
    assert!(screen.contains("set-clipboard on"), "{screen}");
    let link = buffer();
    assert!(
        link.starts_with("https://") && link.ends_with("/-/issues/41"),
        "{link:?}"
    );
    tmux.keys(&["q"]);
    tmux.wait_exit();
}

/// The suggested labels the grooming pane shows (`–  pmm? 78%` beside an empty field), as
/// labels, and the request's short reference from the pane's title.
fn suggested_on_screen(screen: &str) -> (String, Vec<String>) {
    let fields = sm_board::learn::fields(&sm_board::workflow::Workflow::default());
    let reference = screen
        .lines()
        .find_map(|line| {
            let after = line.split("Grooming ─").nth(1)?;
            Some(after.split([' ', '─']).next()?.to_string())
        })
        .unwrap_or_default();
    let mut labels = Vec::new();
    for line in screen.lines() {
        let Some(pane) = line.rsplit("││").next() else {
            continue;
        };
        let Some((before, after)) = pane.split_once("–  ") else {
            continue;
        };
        let Some((value, _)) = after.split_once("? ") else {
            continue;
        };
        if let Some(field) = fields
            .iter()
            .find(|f| before.contains(&format!(" {} ", f.name)))
        {
            labels.push(field.label(value.trim()));
        }
    }
    (reference, labels)
}

#[test]
fn one_key_accepts_the_suggestions_and_gitlab_gets_those_labels() {
    if !tmux_available() {
        return;
    }
    use sm_board::fake_gitlab::DEFAULT_TOKEN;
    let issues =
        sm_board::demo::generate::generate(600, 12, sm_board::demo::generate::default_anchor());
    let (runtime, fake) = fake_serving(issues, 0);
    let sandbox = Sandbox::new();
    let db = sandbox.path("learn.sqlite3");
    let args = format!(
        "--gitlab-url {} --group marketing/strategic-marketing --db {}",
        fake.base_url(),
        db.display()
    );
    let tmux = Tmux::start_with_env(&sandbox, &[("GITLAB_TOKEN", DEFAULT_TOKEN)], &args, 160, 48);
    tmux.wait_for("synced just now");
    tmux.keys(&["T"]);
    let screen = tmux.wait_for("accept the suggested");
    let (reference, labels) = suggested_on_screen(&screen);
    assert!(!labels.is_empty(), "{screen}");
    // The pane names the request by iid; its first line, the title, says which project's.
    let iid: i64 = reference.trim_start_matches('#').parse().unwrap();
    let lines: Vec<&str> = screen.lines().collect();
    let header = lines.iter().position(|l| l.contains("Grooming ─")).unwrap();
    let pane_title = lines[header + 1]
        .trim_end()
        .trim_end_matches('│')
        .rsplit('│')
        .next()
        .unwrap()
        .trim()
        .to_string();
    let id = {
        let model = fake.shared.lock();
        let found: Vec<i64> = model
            .issues
            .iter()
            .filter(|(_, v)| {
                let v = v.value();
                v["iid"] == iid && v["title"].as_str().unwrap().starts_with(&pane_title)
            })
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(found.len(), 1, "#{iid} \"{pane_title}\"\n{screen}");
        found[0]
    };
    let labels_on_gitlab = || -> Vec<String> {
        fake.shared.lock().issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    let before = labels_on_gitlab();
    assert!(
        labels.iter().all(|l| !before.contains(l)),
        "{before:?} {labels:?}"
    );
    tmux.keys(&["A"]);
    tmux.wait_for(&format!("labels {}", labels.join(" ")));
    let start = Instant::now();
    while !labels.iter().all(|l| labels_on_gitlab().contains(l)) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "not on GitLab yet: {:?} (want {labels:?})\n{}",
            labels_on_gitlab(),
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Exactly those were added; nothing else changed.
    let mut want = before.clone();
    want.extend(labels.iter().cloned());
    want.sort();
    let mut got = labels_on_gitlab();
    got.sort();
    assert_eq!(got, want);
    tmux.keys(&["Escape", "q"]);
    tmux.wait_exit();
    runtime.block_on(fake.stop());
}

#[test]
fn a_large_board_opens_on_its_first_screen_then_takes_keys_on_the_whole_board() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("large.sqlite3");
    let issues =
        sm_board::demo::generate::generate(6000, 3, sm_board::demo::generate::default_anchor());
    sm_board::demo::seed_store(&sm_board::store::Store::open(&db).unwrap(), &issues).unwrap();
    let expected = status_json(&sandbox, &db);
    let backlog = count(&expected, "backlog");
    // Offline (nothing listens on port 9): the board opens from its cache.
    let db_text = db.display().to_string();
    let tmux = Tmux::start_with_env(
        &sandbox,
        &[
            ("SM_BOARD_DB", db_text.as_str()),
            ("SM_BOARD_GITLAB_URL", "http://127.0.0.1:9"),
            ("SM_BOARD_GROUP", "marketing/strategic-marketing"),
            ("GITLAB_TOKEN", "glpat-e2e-not-a-real-token"),
            ("SM_BOARD_LOG", "sm_board=debug"),
        ],
        "",
        160,
        48,
    );
    let screen = tmux.wait_for("6000 requests");
    assert!(screen.contains(&format!("backlog {backlog} ")), "{screen}");
    tmux.wait_for("offline ·");
    // Keys reach the whole board: a filter counts over all 6000 requests.
    let store = sm_board::store::Store::open(&db).unwrap();
    let p1 = sm_board::store::load_issues(store.conn())
        .unwrap()
        .iter()
        .filter(|r| r.facts.labels.iter().any(|l| l.contains("p::1")))
        .count();
    drop(store);
    assert!(p1 > 500, "{p1}");
    tmux.keys(&["/", "p", "::", "1"]);
    // Every request labelled p::1 matches (descriptions that mention it add more): far more
    // than a first screen holds.
    let start = Instant::now();
    loop {
        let screen = tmux.wait_for("/p::1▏  ");
        let matching: usize = screen
            .split("/p::1▏  ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if matching >= p1 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{screen}");
        std::thread::sleep(Duration::from_millis(50));
    }
    tmux.keys(&["Escape", "Escape", "q"]);
    tmux.wait_exit();
    let log = std::fs::read_to_string(sandbox.path("state/sm-board/sm-board.log")).unwrap();
    let first = log
        .find("first screen loaded")
        .expect("the first screen was drawn");
    let whole = log.find("whole board drawn").expect("then the whole board");
    assert!(first < whole, "{log}");
}

#[test]
fn a_large_demo_opens_on_its_board_and_writes_the_descriptions_after() {
    if !tmux_available() {
        return;
    }
    let sandbox = Sandbox::new();
    let db = sandbox.path("demo-large.sqlite3");
    let tmux = Tmux::start(
        &sandbox,
        &format!("demo --offline --issues 6000 --db {}", db.display()),
        160,
        48,
    );
    tmux.wait_for("6000 requests");
    // The demo's sync starts once the descriptions are in.
    tmux.wait_for("offline ·");
    tmux.keys(&["q"]);
    tmux.wait_exit();
    let store = sm_board::store::Store::open(&db).unwrap();
    let pending = sm_board::store::get_state(store.conn(), sm_board::demo::BODIES_PENDING);
    assert_eq!(pending.unwrap(), None);
    let described: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM issue_bodies WHERE raw_json <> '' AND description <> ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(described > 3000, "{described}");
}

//! The headless commands, run as the real binary: the DESIGN.md contract (status JSON, global
//! flags anywhere, env), exit codes, and errors that say what to do.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Sandbox, count, status_json, text};

#[test]
fn status_json_follows_the_contract_with_exact_counts() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let status = status_json(&sandbox, &db);
    let columns = status["columns"].as_array().unwrap();
    let states: Vec<&str> = columns
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "new_request",
            "triage",
            "backlog",
            "assigned",
            "completed",
            "transfered",
            "declined",
            "unlabelled"
        ]
    );
    assert_eq!(columns[2]["label"], "sm_req::backlog");
    let counts: Vec<u64> = columns
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [8, 8, 18, 12, 10, 4, 4, 2]);
    assert_eq!(status["total"], 66);
    assert_eq!(status["pending_edits"], 0);
    assert!(status["last_synced_at"].is_null());
}

#[test]
fn global_flags_work_before_and_after_the_subcommand_and_from_the_environment() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db = db.to_str().unwrap();
    let before = sandbox.run(&["--db", db, "status", "--format", "json"]);
    let after = sandbox.run(&["status", "--format", "json", "--db", db]);
    let env = sandbox
        .command()
        .args(["status", "--format", "json"])
        .env("SM_BOARD_DB", db)
        .output()
        .unwrap();
    assert!(before.status.success(), "{}", text(&before.stderr));
    assert_eq!(before.stdout, after.stdout);
    assert_eq!(before.stdout, env.stdout);
}

#[test]
fn status_table_and_markdown_show_the_same_counts() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let table = text(
        &sandbox
            .run(&["status", "--db", db.to_str().unwrap()])
            .stdout,
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("backlog") && l.ends_with("18")),
        "{table}"
    );
    assert!(table.contains("never synced"));
    let md = text(
        &sandbox
            .run(&[
                "status",
                "--format",
                "markdown",
                "--db",
                db.to_str().unwrap(),
            ])
            .stdout,
    );
    assert!(md.contains("| backlog | 18 |"), "{md}");
    assert!(md.contains("| **total** | **66** |"));
}

#[test]
fn move_queues_the_edit_and_status_sees_it() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db_arg = db.to_str().unwrap();
    let out = sandbox.run(&["move", "#41", "triage", "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some("queued: marketing/strategic-marketing/sm-requests#41 move new_request -> triage")
    );
    assert!(
        stdout.contains("no GitLab configured: the edit stays in this cache"),
        "{stdout}"
    );
    let status = status_json(&sandbox, &db);
    assert_eq!(count(&status, "new_request"), 7);
    assert_eq!(count(&status, "triage"), 9);
    assert_eq!(status["pending_edits"], 1);
}

#[test]
fn an_unknown_state_lists_the_valid_ones() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let out = sandbox.run(&["move", "41", "transferred", "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("unknown state `transferred`"), "{err}");
    assert!(
        err.contains("new_request, triage, backlog, assigned, completed, transfered, declined")
    );
    assert_eq!(
        status_json(&sandbox, &db)["pending_edits"],
        0,
        "nothing queued"
    );
}

#[test]
fn a_move_that_needs_a_team_says_which_flag_gives_it() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db_arg = db.to_str().unwrap();
    let out = sandbox.run(&["move", "42", "triage", "--db", db_arg]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--team"),
        "{}",
        text(&out.stderr)
    );
    let out = sandbox.run(&["move", "42", "triage", "--team", "mrci", "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("team mrci"));
}

#[test]
fn an_unusual_move_needs_yes_when_nobody_can_be_asked() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db_arg = db.to_str().unwrap();
    let out = sandbox.run(&["move", "59", "new_request", "--db", db_arg]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("Unusual move") && err.contains("--yes"),
        "{err}"
    );
    let out = sandbox.run(&["move", "59", "new_request", "--yes", "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn label_replaces_scoped_values_and_removes_with_a_minus() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db_arg = db.to_str().unwrap();
    let out = sandbox.run(&[
        "label",
        "59",
        "p::3",
        "campaign",
        "--remove",
        "devops::verify",
        "--db",
        db_arg,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("queued: marketing/strategic-marketing/sm-requests#59"));
    let again = sandbox.run(&["label", "59", "p::3", "--db", db_arg]);
    assert!(
        text(&again.stdout).contains("nothing queued"),
        "{}",
        text(&again.stdout)
    );
    let dashed = sandbox.run(&["label", "--db", db_arg, "59", "--", "-campaign"]);
    assert!(dashed.status.success(), "{}", text(&dashed.stderr));
    assert!(
        text(&dashed.stdout).contains("queued"),
        "{}",
        text(&dashed.stdout)
    );
    assert_eq!(status_json(&sandbox, &db)["pending_edits"], 2);
}

#[test]
fn an_unknown_reference_is_refused_with_the_accepted_forms() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let out = sandbox.run(&["move", "#99999", "triage", "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no cached request matches `#99999`"));
}

#[test]
fn a_malformed_config_names_file_line_and_key() {
    let sandbox = Sandbox::new();
    let config = sandbox.path("config.toml");
    std::fs::write(
        &config,
        "[gitlab]\nurl = \"https://gitlab.com\"\n\n[ui]\nshow_closd = false\n",
    )
    .unwrap();
    let out = sandbox.run(&["status", "--config", config.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("config.toml, line 5"), "{err}");
    assert!(err.contains("show_closd"), "{err}");
}

#[test]
fn status_without_any_cache_explains_how_to_get_one() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["status"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("sm-board demo --db"), "{err}");
}

#[test]
fn a_cache_path_that_cannot_exist_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let blocker = sandbox.path("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let db = blocker.join("board.sqlite3");
    let out = sandbox.run(&["status", "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("pass --db"), "{err}");
}

#[test]
fn board_prints_the_tui_screen_as_text() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let out = sandbox.run(&[
        "board",
        "--width",
        "120",
        "--height",
        "30",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    assert_eq!(screen.lines().count(), 30);
    assert!(screen.contains("SM Request Board"));
    assert!(screen.contains("new request 8"));
    assert!(!screen.contains('\u{1b}'), "plain text, no escape codes");
}

#[test]
fn the_tui_refuses_to_start_without_a_terminal() {
    let sandbox = Sandbox::new();
    let db = sandbox.path("demo.sqlite3");
    let out = sandbox.run(&["demo", "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("needs a terminal"));
}

#[test]
fn status_json_carries_confidential_and_markdown_leaves_the_titles_out() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let json = common::status_json(&sandbox, &db);
    let text = json.to_string();
    assert!(text.contains("\"confidential\":true"), "{text}");
    let db = db.to_str().unwrap();
    let markdown = text_of(&sandbox.run(&["status", "--format", "markdown", "--db", db]));
    assert!(markdown.contains("(confidential)"), "{markdown}");
    assert!(
        !markdown.contains("Azure DevOps Boards objection handling"),
        "{markdown}"
    );
    let all = text_of(&sandbox.run(&[
        "status",
        "--format",
        "markdown",
        "--include-confidential",
        "--db",
        db,
    ]));
    assert!(
        all.contains("Azure DevOps Boards objection handling"),
        "{all}"
    );
}

fn text_of(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    common::text(&out.stdout)
}

#[test]
fn a_glab_keyring_login_without_a_reachable_keyring_says_what_to_do() {
    let sandbox = Sandbox::new();
    let glab = sandbox.path("config").join("glab-cli");
    std::fs::create_dir_all(&glab).unwrap();
    std::fs::write(
        glab.join("config.yml"),
        "hosts:\n  gitlab.example.com:\n    use_keyring: \"true\"\n    is_oauth2: \"true\"\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = sandbox.run(&[
        "sync",
        "--gitlab-url",
        "https://gitlab.example.com",
        "--group",
        "g",
        "--db",
        sandbox.path("c.sqlite3").to_str().unwrap(),
    ]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let err = common::text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("system keyring") && err.contains("GITLAB_TOKEN"),
        "{err}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    use std::io::Read;
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    // Far more than a pipe holds, so the writer meets the closed pipe.
    let mut child = sandbox
        .command()
        .args(["board", "--width", "400", "--height", "600", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here, like `| head -c 16`.
    let out = child.wait_with_output().unwrap();
    let err = common::text(&out.stderr);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn an_explicit_team_replaces_the_one_the_request_has() {
    let sandbox = Sandbox::new();
    let db = sandbox.seeded_db();
    let db_arg = db.to_str().unwrap();
    // #41 is a new request that already carries tech-pmm.
    let out = sandbox.run(&[
        "move", "41", "triage", "--team", "pmm", "--yes", "--db", db_arg,
    ]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let store = sm_board::store::Store::open(&db).unwrap();
    let issue = sm_board::store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .find(|r| r.iid == 41 && r.reference.contains("sm-requests"))
        .unwrap();
    let labels = &issue.facts.labels;
    assert!(labels.contains(&"pmm".into()), "{labels:?}");
    assert!(!labels.contains(&"tech-pmm".into()), "{labels:?}");
    assert!(labels.contains(&"sm_req::triage".into()), "{labels:?}");
}

#[test]
fn completions_parse_in_bash_and_the_man_page_renders_even_with_a_broken_config() {
    let sandbox = Sandbox::new();
    let config = sandbox.path("config.toml");
    std::fs::write(&config, "[ui\n").unwrap();
    let config = config.to_str().unwrap();
    let out = sandbox.run(&["completions", "bash", "--config", config]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = sandbox.path("sm-board.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    // The script defines its function and registers it, as bash reads it.
    let bash = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p sm-board",
            script.display()
        ))
        .output()
        .unwrap();
    assert!(bash.status.success(), "{}", text(&bash.stderr));
    assert!(text(&bash.stdout).contains("sm-board"));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = sandbox.run(&["completions", shell]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
    let man = sandbox.run(&["man", "--config", config]);
    assert!(man.status.success(), "{}", text(&man.stderr));
    let page = text(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH sm-board 1"),
        "{page}"
    );
    assert!(page.contains("completions") && page.contains("GITLAB_TOKEN"));
}

/// A cache of generated requests whose titles say their team and use case most of the time,
/// one of them with a hostile title.
fn learning_db(sandbox: &Sandbox) -> std::path::PathBuf {
    let db = sandbox.path("learn.sqlite3");
    let store = sm_board::store::Store::open(&db).unwrap();
    let mut issues =
        sm_board::demo::generate::generate(1500, 4, sm_board::demo::generate::default_anchor());
    issues[0]["title"] =
        serde_json::json!("Battlecard \u{1b}]52;c;ZXZpbA==\u{7} for CI at enterprise scale");
    sm_board::demo::seed_store(&store, &issues).unwrap();
    db
}

#[test]
fn suggest_evaluates_honestly_and_similar_lists_look_alikes_for_scripts() {
    let sandbox = Sandbox::new();
    let db = learning_db(&sandbox);
    let db = db.to_str().unwrap();
    let out = sandbox.run(&["suggest", "--evaluate", "--format", "json", "--db", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let field = |name: &str| {
        report["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .unwrap()
            .clone()
    };
    let team = field("team");
    assert_eq!(team["suggested"], true);
    assert!(team["accuracy"].as_f64().unwrap() > team["baseline"].as_f64().unwrap() + 0.2);
    // The generator's priorities are noise: never suggested.
    assert_eq!(field("priority")["suggested"], false);

    let reference = "marketing/strategic-marketing/sm-requests#1";
    let out = sandbox.run(&["similar", reference, "--format", "json", "--db", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let similar: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = similar["similar"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let scores: Vec<f64> = list.iter().map(|s| s["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]) && scores[0] > 0.3,
        "{scores:?}"
    );

    // People get a table; a hostile title reaches neither output raw.
    for args in [
        vec!["suggest", reference, "--db", db],
        vec!["similar", reference, "--db", db],
    ] {
        let out = sandbox.run(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let printed = text(&out.stdout);
        assert!(printed.contains("sm-requests#1 Battlecard"), "{printed}");
        assert!(
            !printed.contains('\u{1b}') && !printed.contains('\u{7}'),
            "{printed:?}"
        );
    }
    let out = sandbox.run(&["suggest", reference, "--format", "json", "--db", db]);
    let printed = text(&out.stdout);
    assert!(
        printed.contains("Battlecard") && !printed.contains('\u{1b}'),
        "{printed:?}"
    );
    let out = sandbox.run(&["suggest", "--db", db]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("REFERENCE"),
        "{}",
        text(&out.stderr)
    );
}

//! Tests of `config`: run with `cargo test --lib config::`.

use super::*;

#[test]
fn glab_s_host_variables_name_a_gitlab_in_glab_s_order() {
    let env = crate::test_env::vars;
    assert_eq!(glab_host_url(&env(&[])), None);
    assert_eq!(
        glab_host_url(&env(&[
            ("GL_HOST", "gitlab.example.com"),
            ("GITLAB_URI", "x")
        ])),
        Some("https://gitlab.example.com".into())
    );
    assert_eq!(
        glab_host_url(&env(&[
            ("GITLAB_HOST", "http://127.0.0.1:8080/"),
            ("GL_HOST", "other")
        ])),
        Some("http://127.0.0.1:8080".into())
    );
}

fn load_text(text: &str) -> Result<Config, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    load(&Overrides {
        config: Some(path),
        ..Overrides::default()
    })
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let err = load_text("[gitlab]\nurl = \"https://gitlab.com\"\ngroupp = \"x\"\n").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("groupp"), "{text}");
    assert!(text.contains("config.toml"), "{text}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let err = load_text("[ui]\nshow_closed = true\n\n[gitlab\n").unwrap_err();
    assert!(err.to_string().contains("line 4"), "{err}");
}

#[test]
fn a_wrong_type_names_the_line() {
    let err = load_text("[gitlab]\nsync_interval_secs = \"often\"\n").unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn an_empty_file_gives_the_built_in_workflow_and_no_gitlab() {
    let config = load_text("").unwrap();
    assert_eq!(config.workflow, Workflow::default());
    assert!(config.gitlab.is_none());
}

#[test]
fn the_workflow_is_configurable() {
    let config = load_text(
        r#"
[workflow]
state_key = "req"
teams = ["alpha", "beta"]
[[workflow.states]]
name = "open"
[[workflow.states]]
name = "parked"
milestone = "Parking"
[[workflow.states]]
name = "done"
closed = true
[[workflow.moves]]
from = "open"
to = "done"
[workflow.fields.priority]
key = "prio"
values = ["high", "low"]
"#,
    )
    .unwrap();
    let wf = config.workflow;
    assert_eq!(wf.state_names(), "open, parked, done");
    assert_eq!(wf.state_label(2).as_deref(), Some("req::done"));
    assert!(wf.states[2].closed);
    assert_eq!(
        wf.states[1].milestone,
        Some(MilestoneRule::Named("Parking".into()))
    );
    assert_eq!(wf.usual_moves.len(), 1);
    assert_eq!(wf.fields.priority.key, "prio");
    assert_eq!(wf.teams, ["alpha", "beta"]);
}

#[test]
fn a_move_to_an_unknown_state_is_rejected_with_the_list() {
    let err = load_text("[[workflow.moves]]\nfrom = \"triage\"\nto = \"nowhere\"\n").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("nowhere") && text.contains("new_request, triage"),
        "{text}"
    );
}

#[test]
fn flags_beat_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        "[gitlab]\nurl = \"https://a.example\"\ngroup = \"g\"\n",
    )
    .unwrap();
    let config = load(&Overrides {
        config: Some(path),
        gitlab_url: Some("https://b.example/".into()),
        project: Some("g/p".into()),
        ..Overrides::default()
    })
    .unwrap();
    let gitlab = config.gitlab.unwrap();
    assert_eq!(gitlab.url, "https://b.example");
    assert_eq!(gitlab.scope, Scope::Project("g/p".into()));
    assert_eq!(gitlab.host(), "b.example");
}

fn private_config(text: &str, mode: u32) -> Result<Config, ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    load(&Overrides {
        config: Some(path),
        ..Overrides::default()
    })
}

#[test]
fn a_token_in_a_private_file_is_used_and_never_shows_in_debug_output() {
    let config =
        private_config("[gitlab]\ngroup = \"g\"\ntoken = \"glpat-SECRET\"\n", 0o600).unwrap();
    assert!(!format!("{config:?}").contains("glpat-SECRET"));
    assert_eq!(
        config.gitlab.unwrap().token.unwrap().expose(),
        "glpat-SECRET"
    );
}

#[test]
fn a_token_in_a_file_others_can_read_is_refused_without_echoing_it() {
    let err = private_config("[gitlab]\ngroup = \"g\"\ntoken = \"glpat-SECRET\"\n", 0o644)
        .unwrap_err()
        .to_string();
    assert!(err.contains("chmod 600"), "{err}");
    assert!(!err.contains("glpat-SECRET"));
}

#[test]
fn keys_rebind_actions_and_mistakes_name_their_line() {
    use crate::keymap::{Action, Key, Mode};
    let config =
        load_text("[keys.board]\nmove_next = [\">\", \"L\"]\nundo = \"u\"\nset_use_case = \"U\"\n")
            .unwrap();
    assert_eq!(
        config.keymap.action(Mode::Board, Key::char('>')),
        Some(Action::MoveNext)
    );
    assert_eq!(
        config.keymap.action(Mode::Board, Key::char('L')),
        Some(Action::MoveNext)
    );
    assert_eq!(
        config.keymap.action(Mode::Board, Key::char('u')),
        Some(Action::Undo)
    );
    let err = |text: &str| load_text(text).unwrap_err().to_string();
    let dup = err("[ui]\nshow_closed = true\n[keys.board]\nsync_now = \"q\"\n");
    assert!(
        dup.contains("line 4") && dup.contains("quit and sync_now")
            || dup.contains("sync_now and quit"),
        "{dup}"
    );
    let unknown = err("[keys.board]\nteleport = \"x\"\n");
    assert!(
        unknown.contains("line 2") && unknown.contains("`teleport` is not an action"),
        "{unknown}"
    );
    let mode = err("[keys.everywhere]\nquit = \"x\"\n");
    assert!(
        mode.contains("unknown mode") && mode.contains("board, grooming"),
        "{mode}"
    );
    let key = err("[keys.board]\nquit = \"Hyper-q\"\n");
    assert!(key.contains("line 2") && key.contains("not a key"), "{key}");
}

#[test]
fn the_theme_is_dark_or_light() {
    assert_eq!(load_text("").unwrap().theme, ThemeKind::Dark);
    assert_eq!(
        load_text("[ui]\ntheme = \"light\"\n").unwrap().theme,
        ThemeKind::Light
    );
    let err = load_text("[ui]\ntheme = \"solarized\"\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("use \"dark\" or \"light\""), "{err}");
}

#[test]
fn views_are_read() {
    let config = load_text("[views]\n\"my backlog\" = \"state:backlog team:pmm\"\n").unwrap();
    assert_eq!(
        config.views,
        [(
            "my backlog".to_string(),
            "state:backlog team:pmm".to_string()
        )]
    );
}

#[test]
fn a_missing_explicit_config_file_is_an_error() {
    let err = load(&Overrides {
        config: Some("/nonexistent/sm-board.toml".into()),
        ..Overrides::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/sm-board.toml"));
}

#[test]
fn the_example_config_is_valid_and_spells_out_the_defaults() {
    let text = include_str!("../../assets/config.example.toml");
    let raw = parse(Path::new("config.example.toml"), text).unwrap();
    let workflow = build_workflow(raw.workflow.unwrap()).unwrap();
    assert_eq!(workflow, Workflow::default());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    let config = load(&Overrides {
        config: Some(path),
        ..Overrides::default()
    })
    .unwrap();
    assert_eq!(config.views.len(), 3, "its views parse");
    assert!(config.gitlab.is_some());
}

//! The TUI's screens, rendered with ratatui's TestBackend from the bundled demo board at a fixed
//! clock, snapshotted with insta. Also layout safety: escape sequences and wide characters.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sm_board::app::state::Focus;
use sm_board::app::{AppState, Keymap, Msg, Source, update};
use sm_board::commands::board::render_text;
use sm_board::store::{self, Store};
use sm_board::workflow::Workflow;
use sm_board::{demo, session};

fn demo_state(width: u16, height: u16) -> AppState {
    let store = Store::open_in_memory().unwrap();
    demo::seed_store(&store, demo::bundled_issues().unwrap()).unwrap();
    state_from(&store, width, height)
}

fn state_from(store: &Store, width: u16, height: u16) -> AppState {
    let data = session::load_board(store).unwrap();
    let mut state = AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    );
    update(&mut state, Msg::Resize(width, height));
    state
}

fn press(state: &mut AppState, keys: &[KeyCode]) {
    for &code in keys {
        update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn screen(state: &AppState) -> String {
    render_text(state, state.viewport.0, state.viewport.1).unwrap()
}

#[test]
fn board_160x48() {
    insta::assert_snapshot!(screen(&demo_state(160, 48)));
}

#[test]
fn board_80x24() {
    insta::assert_snapshot!(screen(&demo_state(80, 24)));
}

#[test]
fn board_80x24_scrolled_to_the_closed_columns_and_collapsed() {
    let mut state = demo_state(80, 24);
    press(&mut state, &[KeyCode::Char('l'); 6]);
    let scrolled = screen(&state);
    assert!(scrolled.contains("declined"), "{scrolled}");
    press(&mut state, &[KeyCode::Char('c')]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn grooming_pane_focused_at_100x32() {
    let mut state = demo_state(100, 32);
    press(
        &mut state,
        &[
            KeyCode::Char('l'),
            KeyCode::Char('l'),
            KeyCode::Tab,
            KeyCode::Down,
        ],
    );
    assert_eq!(state.focus, Focus::Grooming);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn help_overlay_lists_every_board_binding() {
    let mut state = demo_state(100, 52);
    press(&mut state, &[KeyCode::Char('?')]);
    let text = screen(&state);
    for (action, _) in state.keymap.bindings(sm_board::app::Mode::Board) {
        assert!(
            text.contains(action.describe()),
            "help misses {action:?}: {text}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn priority_picker() {
    let mut state = demo_state(100, 30);
    press(
        &mut state,
        &[KeyCode::Char('l'), KeyCode::Char('l'), KeyCode::Char('p')],
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn team_question_during_a_move() {
    let mut state = demo_state(100, 30);
    // The first new request without a team.
    let column = state.focused_column;
    let position = state.columns[column]
        .cards
        .iter()
        .position(|&i| state.cards[i].class.team.is_none())
        .unwrap();
    state.columns[column].selected = position;
    press(&mut state, &[KeyCode::Char('L')]);
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn unusual_move_confirmation() {
    let mut state = demo_state(100, 30);
    press(
        &mut state,
        &[KeyCode::Char('l'), KeyCode::Char('l'), KeyCode::Char('H')],
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn detail_view_renders_markdown() {
    let store = Store::open_in_memory().unwrap();
    demo::seed_store(&store, demo::bundled_issues().unwrap()).unwrap();
    let mut state = state_from(&store, 100, 36);
    press(&mut state, &[KeyCode::Enter]);
    let id = state.selected_card().unwrap().record.id;
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id: id,
            content: Box::new(sm_board::effects::load_detail(&store, id)),
        },
    );
    let text = screen(&state);
    assert!(text.contains("☐ Draft shared"), "{text}");
    insta::assert_snapshot!(text);
}

/// GitLab-flavoured markdown in a description: one of each construct the detail view renders.
const RICH_DESCRIPTION: &str = "## Launch brief\n\n\
Assets for the **FY27 *partner* launch**, ~~draft~~ final.\n\n\
| Asset | Owner | Due |\n|:---|:---:|---:|\n| Deck | pmm | Dec 4 |\n| Battlecard | ci | Dec 11 |\n\n\
- [x] brief agreed\n- [ ] deck\n  1. outline\n  2. review\n\n\
![Q3 pipeline chart](https://img.example.com/q3.png)\n\n\
See [the brief][brief] and <https://gitlab.example.com/g/p/-/issues/9>.\n\n\
<details>\n<summary>Earlier plan</summary>\n\nMoved to Q1.\n\n</details>\n\n\
> Quoted from the request\n\n\
```yaml\nlaunch: 2026-12-04\n```\n\n\
[brief]: https://docs.example.com/brief\n";

#[test]
fn detail_view_renders_gitlab_markdown_extensions() {
    let store = Store::open_in_memory().unwrap();
    demo::seed_store(&store, demo::bundled_issues().unwrap()).unwrap();
    let mut state = state_from(&store, 100, 48);
    let record = state.selected_card().unwrap().record.clone();
    store::upsert_issues(
        store.conn(),
        &[(record.clone(), Some(RICH_DESCRIPTION.into()), "{}".into())],
    )
    .unwrap();
    press(&mut state, &[KeyCode::Enter]);
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id: record.id,
            content: Box::new(sm_board::effects::load_detail(&store, record.id)),
        },
    );
    let text = screen(&state);
    for shown in [
        "Asset      │ Owner │    Due",
        "☑ brief agreed",
        "  1. outline",
        "[image: Q3 pipeline chart] [1]",
        "the brief [2]",
        "▸ Earlier plan",
        "│ Quoted from the request",
        "  ┌ yaml",
    ] {
        assert!(text.contains(shown), "{shown:?} missing:\n{text}");
    }
    insta::assert_snapshot!(text);
}

/// A request with a history and a conversation, as the sync caches them.
fn store_with_activity() -> (Store, i64) {
    let store = Store::open_in_memory().unwrap();
    demo::seed_store(&store, demo::bundled_issues().unwrap()).unwrap();
    let record = store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .find(|r| r.facts.labels.iter().any(|l| l == "sm_req::backlog"))
        .unwrap();
    let at = |day: u32, hour: u32| Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap();
    let event = |id: i64, label: &str, added: bool, who: &str, when| store::LabelEvent {
        id,
        issue_id: record.id,
        label: label.into(),
        added,
        actor: Some(who.into()),
        created_at: when,
    };
    let events = [
        event(1, "sm_req::new_request", true, "dana", at(2, 9)),
        event(2, "sm_request", true, "dana", at(2, 9)),
        event(3, "sm_req::new_request", false, "alice", at(3, 10)),
        event(4, "sm_req::triage", true, "alice", at(3, 10)),
        event(5, "Partner Marketing", true, "alice", at(3, 10)),
        event(6, "sm_req::triage", false, "bob", at(5, 15)),
        event(7, "sm_req::backlog", true, "bob", at(5, 15)),
        event(8, "p::2", true, "bob", at(5, 15)),
    ];
    let note = |id: i64, who: &str, body: &str, system: bool, when| store::Note {
        id,
        issue_id: record.id,
        author: Some(who.into()),
        body: body.into(),
        system,
        created_at: when,
    };
    let notes = [
        note(
            11,
            "alice",
            "Which **launch** is this for? The brief is at \
             [the doc](https://docs.example.com/brief).\n\n- [ ] confirm date",
            false,
            at(3, 11),
        ),
        note(
            12,
            "bob",
            "changed the due date to December 4, 2026",
            true,
            at(5, 15),
        ),
        note(
            13,
            "dana",
            "Q1 launch, see https://slides.example.com/d/9 \u{1b}[31m<!-- sm-board:x -->",
            false,
            at(6, 8),
        ),
    ];
    let stale = store::StaleActivity::of(&record);
    store::store_activity(
        store.conn(),
        &stale,
        &notes,
        &events,
        store::HistorySource::Events,
        "sm_req",
    )
    .unwrap();
    (store, record.id)
}

#[test]
fn detail_view_shows_label_history_comments_and_links() {
    let (store, id) = store_with_activity();
    let mut state = state_from(&store, 110, 60);
    let column = state
        .columns
        .iter()
        .position(|c| c.cards.iter().any(|&i| state.cards[i].record.id == id))
        .unwrap();
    state.focused_column = column;
    let row = state.columns[column]
        .cards
        .iter()
        .position(|&i| state.cards[i].record.id == id)
        .unwrap();
    state.columns[column].selected = row;
    press(&mut state, &[KeyCode::Enter]);
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id: id,
            content: Box::new(sm_board::effects::load_detail(&store, id)),
        },
    );
    let text = screen(&state);
    assert!(text.contains("triage → backlog"), "{text}");
    assert!(text.contains("the doc [2]"), "{text}");
    assert!(
        text.contains("[3] https://slides.example.com/d/9"),
        "{text}"
    );
    assert!(text.contains("changed the due date"), "{text}");
    assert!(!text.contains("sm-board:x"), "markers stay hidden: {text}");
    insta::assert_snapshot!(text);
    // `s` hides system notes; Tab selects the first link.
    press(&mut state, &[KeyCode::Char('s'), KeyCode::Tab]);
    let text = screen(&state);
    assert!(!text.contains("changed the due date"), "{text}");
    assert!(text.contains("1 system hidden"), "{text}");
}

#[test]
fn too_small_a_terminal_says_so() {
    let state = demo_state(50, 12);
    let text = screen(&state);
    assert!(text.contains("Terminal too small"));
    assert!(text.contains("need 60x15, have 50x12"));
}

fn store_with_titles(titles: &[&str]) -> Store {
    let store = Store::open_in_memory().unwrap();
    let mut issues = demo::bundled_issues().unwrap();
    for (issue, title) in issues
        .iter_mut()
        .filter(|i| {
            i["labels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "sm_req::new_request")
        })
        .zip(titles)
    {
        issue["title"] = serde_json::Value::String(title.to_string());
    }
    demo::seed_store(&store, &issues).unwrap();
    store
}

#[test]
fn escape_sequences_in_titles_never_reach_the_terminal() {
    let store = store_with_titles(&[
        "Evil \u{1b}[2J\u{1b}]0;owned\u{7} title",
        "Bidi \u{202e}desrever title",
    ]);
    let mut state = state_from(&store, 160, 48);
    press(&mut state, &[KeyCode::Enter]);
    let text = screen(&state);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("␛[2J"));
    assert!(!text.contains('\u{202e}'));
}

#[test]
fn wide_characters_never_break_the_columns() {
    let store = store_with_titles(&[
        "日本語のリクエスト：競合分析のバトルカードを更新してください",
        "🚀🚀 Launch kit 👩‍👩‍👧 for partners 🎉 with emoji everywhere 🎉🎉",
        "한국어 웨비나 콘텐츠 요청 (고객 사례 포함)",
    ]);
    for (w, h) in [(80u16, 24u16), (160, 48), (97, 30)] {
        let state = state_from(&store, w, h);
        let text = screen(&state);
        let lines: Vec<&str> = text.lines().collect();
        // Every row of the board body closes its first column at the same cell.
        let border_cells: Vec<usize> = lines[2..lines.len() - 2]
            .iter()
            .map(|l| {
                let first = l.find('│').unwrap();
                let after = &l[first + '│'.len_utf8()..];
                let second = after.find('│').unwrap();
                sm_board::ui::text::width(&after[..second])
            })
            .collect();
        assert!(
            border_cells.windows(2).all(|p| p[0] == p[1]),
            "{w}x{h}: column border moved: {border_cells:?}\n{text}"
        );
        for line in &lines {
            assert!(
                sm_board::ui::text::width(line) <= w as usize,
                "{w}x{h}: {line}"
            );
        }
    }
}

#[test]
fn filter_line_while_typing() {
    let mut state = demo_state(120, 30);
    press(&mut state, &[KeyCode::Char('/')]);
    for c in "team:pmm is:open".chars() {
        press(&mut state, &[KeyCode::Char(c)]);
    }
    let text = screen(&state);
    assert!(
        text.lines().last().unwrap().contains("match · Enter keeps"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn triage_queue() {
    let mut state = demo_state(120, 32);
    press(&mut state, &[KeyCode::Char('T')]);
    let text = screen(&state);
    assert!(text.contains("TRIAGE 1 of"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn command_palette() {
    let mut state = demo_state(100, 30);
    press(&mut state, &[KeyCode::Char(':')]);
    for c in "mov".chars() {
        press(&mut state, &[KeyCode::Char(c)]);
    }
    insta::assert_snapshot!(screen(&state));
}

fn mouse(state: &mut AppState, kind: crossterm::event::MouseEventKind, x: u16, y: u16) {
    update(
        state,
        Msg::Mouse(crossterm::event::MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }),
    );
}

/// Where the screen shows `text` (first cell), as the renderer drew it.
fn find(screen: &str, text: &str) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        if let Some(byte) = line.find(text) {
            let x = sm_board::ui::text::width(&line[..byte]);
            return (x as u16, y as u16);
        }
    }
    panic!("{text:?} is not on screen:\n{screen}");
}

#[test]
fn a_click_selects_the_card_under_it_and_the_wheel_scrolls_its_column() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let mut state = demo_state(160, 48);
    let before = screen(&state);
    let (x, y) = find(&before, "#59 P1");
    mouse(
        &mut state,
        MouseEventKind::Down(MouseButton::Left),
        x + 2,
        y + 1,
    );
    assert_eq!(state.selected_card().unwrap().record.iid, 59);
    mouse(&mut state, MouseEventKind::ScrollDown, x, y);
    mouse(&mut state, MouseEventKind::ScrollDown, x, y);
    let backlog = state.focused_column;
    assert_eq!(
        state.columns[backlog].selected, 2,
        "two wheel steps down the same column"
    );
    // A click on another column's top border focuses that column.
    let (hx, hy) = find(&before, "triage 8");
    mouse(&mut state, MouseEventKind::Down(MouseButton::Left), hx, hy);
    assert_eq!(
        state.columns[state.focused_column].placement,
        sm_board::workflow::Placement::State(1)
    );
    // Outside the board (the grooming pane) nothing happens.
    let focused = state.focused_column;
    mouse(&mut state, MouseEventKind::Down(MouseButton::Left), 150, 10);
    assert_eq!(state.focused_column, focused);
}

#[test]
fn the_light_theme_selects_with_a_pale_background() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;
    for (kind, expected) in [
        (sm_board::ui::theme::ThemeKind::Dark, Color::Rgb(45, 55, 75)),
        (
            sm_board::ui::theme::ThemeKind::Light,
            Color::Rgb(212, 224, 246),
        ),
    ] {
        let mut state = demo_state(160, 48);
        state.theme = kind;
        let text = screen(&state);
        let (x, y) = find(&text, "▌#41");
        let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
        terminal.draw(|f| sm_board::ui::render(f, &state)).unwrap();
        let cell = &terminal.backend().buffer()[(x + 2, y)];
        assert_eq!(cell.bg, expected, "{kind:?}");
    }
}

#[test]
fn which_key_lists_what_may_follow_g() {
    let mut state = demo_state(100, 30);
    press(&mut state, &[KeyCode::Char('g')]);
    let text = screen(&state);
    assert!(text.contains("g…"), "{text}");
    assert!(text.contains("e  last"), "{text}");
    insta::assert_snapshot!(text);
}

/// The bundled demo data with the label histories the fake GitLab gives it, as a sync would
/// cache them (no network: the fake's model is read directly).
fn demo_store_with_history() -> Store {
    let issues = demo::bundled_issues().unwrap();
    let store = Store::open_in_memory().unwrap();
    demo::seed_store(&store, &issues).unwrap();
    let model = sm_board::fake_gitlab::model::Model::new(issues, vec![]);
    for record in store::load_issues(store.conn()).unwrap() {
        let events: Vec<store::LabelEvent> = model
            .all_label_events()
            .into_iter()
            .filter(|e| e.issue_id == record.id)
            .map(|e| store::LabelEvent {
                id: e.id,
                issue_id: e.issue_id,
                label: e.label.to_string(),
                added: e.add,
                actor: model.user(e.user_id)["username"]
                    .as_str()
                    .map(str::to_string),
                created_at: e.created_at,
            })
            .collect();
        let stale = store::StaleActivity::of(&record);
        store::store_activity(
            store.conn(),
            &stale,
            &[],
            &events,
            store::HistorySource::Events,
            "sm_req",
        )
        .unwrap();
    }
    store
}

/// Opens the standup (S) or flow (F) view and hands it the cached histories, as the TUI does.
fn insight(store: &Store, width: u16, height: u16, key: char) -> AppState {
    let mut state = state_from(store, width, height);
    let ask = update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE)),
    )
    .into_iter()
    .find_map(|effect| match effect {
        sm_board::app::msg::Effect::ComputeInsight(ask) => Some(ask),
        _ => None,
    })
    .expect("opening the view asks for its figures");
    let data = sm_board::insight_worker::compute_from(store.conn(), &state.workflow, ask).unwrap();
    update(&mut state, Msg::InsightComputed(Ok(Box::new(data))));
    state
}

#[test]
fn standup_view_160x48() {
    let store = demo_store_with_history();
    let mut state = insight(&store, 160, 48, 'S');
    let text = screen(&state);
    assert!(text.contains("Moved since Fri 2026-11-20 00:00"), "{text}");
    assert!(text.contains("Overdue"), "{text}");
    insta::assert_snapshot!(text);
    // Enter jumps to the selected (here: the second listed) request on the board.
    let Some(sm_board::app::state::Overlay::Insight(view)) = &state.overlay else {
        panic!("the standup view is open");
    };
    let second = view.listed()[1];
    press(&mut state, &[KeyCode::Char('j'), KeyCode::Enter]);
    assert!(state.overlay.is_none());
    // Its figures wait for the loop to hand them back to the worker's thread to free.
    assert!(state.retired_insight.is_some());
    assert_eq!(state.selected_card().unwrap().record.id, second);
}

#[test]
fn flow_view_80x24_and_160x48() {
    let store = demo_store_with_history();
    let state = insight(&store, 80, 24, 'F');
    let small = screen(&state);
    assert!(small.contains("Flow · last 30 days"), "{small}");
    assert!(small.contains("Cycle med"), "{small}");
    insta::assert_snapshot!("flow_80x24", small);
    let mut state = insight(&store, 160, 48, 'F');
    press(&mut state, &[KeyCode::Char('w')]);
    let large = screen(&state);
    assert!(large.contains("Flow · last 90 days"), "{large}");
    insta::assert_snapshot!("flow_160x48_90_days", large);
}

#[test]
fn status_markdown_of_the_demo_with_history() {
    let store = demo_store_with_history();
    let data = session::load_board(&store).unwrap();
    let events = store::load_events_with_prefix(store.conn(), "sm_req::").unwrap();
    let clock = sm_board::metrics::Clock {
        now: Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        offset: chrono::FixedOffset::east_opt(0).unwrap(),
    };
    let report = sm_board::commands::status::report(
        &Workflow::default(),
        &data,
        &events,
        clock,
        clock.previous_working_day(),
    );
    let render = |include_confidential: bool| {
        sm_board::commands::status::render(
            &report,
            sm_board::cli::StatusFormat::Markdown,
            &clock,
            false,
            include_confidential,
        )
    };
    let markdown = render(false);
    assert!(
        markdown.contains("### Moved since Fri 2026-11-20 00:00"),
        "{markdown}"
    );
    assert!(!markdown.contains('\u{1b}'), "no colour codes in markdown");
    // Confidential titles stay out of what is pasted elsewhere, unless asked for.
    let secret: Vec<&str> = data
        .issues
        .iter()
        .filter(|r| r.confidential)
        .map(|r| r.title.as_str())
        .collect();
    assert_eq!(secret.len(), 2, "the demo has two confidential requests");
    for title in &secret {
        assert!(!markdown.contains(title), "{title} leaked:\n{markdown}");
    }
    assert!(markdown.contains("(confidential)"), "{markdown}");
    let everything = render(true);
    assert!(
        secret.iter().any(|t| everything.contains(t)),
        "{everything}"
    );
    insta::assert_snapshot!(markdown);
}

/// Every picker and the due-date input, opened on the selected request.
#[test]
fn each_picker() {
    for (key, name, expect) in [
        ('m', "picker_state", "Move #"),
        ('u', "picker_use_case", "use case"),
        ('t', "picker_team", "team"),
        ('a', "picker_assignee", "assignee"),
        ('M', "picker_milestone", "milestone"),
        ('D', "input_due_date", "Due date for"),
        ('f', "picker_gtm_phase", "GTM"),
    ] {
        let mut state = demo_state(100, 30);
        press(
            &mut state,
            &[KeyCode::Char('l'), KeyCode::Char('l'), KeyCode::Char(key)],
        );
        let text = screen(&state);
        assert!(
            text.to_lowercase().contains(&expect.to_lowercase()),
            "{key}: {text}"
        );
        insta::assert_snapshot!(name, text);
    }
}

/// Confidential requests carry a lock, in ASCII where emoji may not show.
#[test]
fn confidential_requests_are_marked_in_utf8_and_ascii() {
    let mut state = demo_state(160, 48);
    assert!(screen(&state).contains("#12 P? 🔒"), "{}", screen(&state));
    state.ascii_marks = true;
    let text = screen(&state);
    assert!(
        text.contains("#12 P? [c]") && !text.contains('🔒'),
        "{text}"
    );
}

/// A pass waiting out GitLab's rate limit says so, and so does one that stopped at it.
#[test]
fn the_status_bar_shows_rate_limit_waits() {
    use sm_board::app::{Msg, update};
    let mut state = demo_state(160, 48);
    let until = Utc::now() + chrono::Duration::seconds(40);
    update(&mut state, Msg::SyncStarted);
    update(&mut state, Msg::SyncWaiting(until));
    let text = screen(&state);
    assert!(text.contains("rate limited, waiting until"), "{text}");
    let report = sm_board::sync::SyncReport {
        offline: Some("GitLab is rate-limiting this token".into()),
        rate_limited_until: Some(until),
        ..Default::default()
    };
    update(
        &mut state,
        Msg::SyncFinished {
            report: Box::new(report),
            data: None,
        },
    );
    let text = screen(&state);
    assert!(
        text.contains("rate limited until") && !text.contains("waiting"),
        "{text}"
    );
}

/// Whatever a view forgets to clean, the rendered screen holds no control or bidi character.
#[test]
fn no_raw_control_character_reaches_the_screen() {
    let mut state = demo_state(160, 48);
    let evil = "\u{1b}]52;c;cGF3bmVk\u{7}\u{9b}2J\u{202e}";
    state.message = Some(sm_board::app::state::Message {
        text: format!("sync: GitLab said {evil}"),
        tone: sm_board::app::state::Tone::Error,
    });
    let text = screen(&state);
    let raw: Vec<char> = text
        .chars()
        .filter(|c| sm_board::sanitize::is_unsafe(*c) && *c != '\n')
        .collect();
    assert!(raw.is_empty(), "{raw:?}");
    assert!(text.contains("GitLab said ␛"), "{text}");
}

#[test]
fn triage_queue_with_suggestions_and_look_alikes() {
    let store = Store::open_in_memory().unwrap();
    let anchor = demo::generate::default_anchor();
    demo::seed_store(&store, demo::generate::generate(600, 12, anchor)).unwrap();
    let mut state = state_from(&store, 120, 36);
    let learned =
        sm_board::learner::learn_from(store.conn(), &Workflow::default(), anchor).unwrap();
    assert_eq!(learned.requests, 600);
    update(&mut state, Msg::Learned(std::sync::Arc::new(learned)));
    press(&mut state, &[KeyCode::Char('T')]);
    let text = screen(&state);
    assert!(text.contains("TRIAGE 1 of"), "{text}");
    assert!(text.contains("similar"), "{text}");
    assert!(text.contains("accept the suggested"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn detail_view_names_possible_duplicates() {
    let store = Store::open_in_memory().unwrap();
    let anchor = demo::generate::default_anchor();
    demo::seed_store(&store, demo::generate::generate(300, 12, anchor)).unwrap();
    let mut state = state_from(&store, 120, 30);
    let learned =
        sm_board::learner::learn_from(store.conn(), &Workflow::default(), anchor).unwrap();
    update(&mut state, Msg::Learned(std::sync::Arc::new(learned)));
    // The new-request column, first card.
    press(&mut state, &[KeyCode::Char('l'), KeyCode::Enter]);
    let text = screen(&state);
    assert_eq!(text.matches("similar ").count(), 3, "{text}");
    insta::assert_snapshot!(text);
}

/// Every cell (text and style) of `state` drawn at its viewport.
fn cells(state: &AppState) -> ratatui::buffer::Buffer {
    let (width, height) = state.viewport;
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| sm_board::ui::render(f, state)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn a_large_boards_first_screen_draws_exactly_what_the_whole_board_draws() {
    use sm_board::app::first_screen;
    // On a file: its keys are scanned in two halves at once, as on a user's machine.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.sqlite3")).unwrap();
    let mut issues = demo::generate::generate(3000, 7, demo::generate::default_anchor());
    // A request with no state label: the unlabelled column shows first.
    issues[10]["labels"] = serde_json::json!(["sm_request"]);
    demo::seed_store(&store, &issues).unwrap();
    for (width, height, show_closed) in [
        (160, 48, true),
        (80, 24, true),
        (120, 40, false),
        (220, 70, true),
    ] {
        let mut whole = state_from(&store, width, height);
        let parts = first_screen::Parts {
            workflow: Workflow::default(),
            keymap: Keymap::default(),
            data: session::board_data(&store).unwrap(),
            source: Source::Demo,
            now: whole.now,
            today: whole.today,
        };
        let mut first = first_screen::load(&store, parts, usize::from(height)).unwrap();
        update(&mut first, Msg::Resize(width, height));
        whole.show_closed = show_closed;
        first.show_closed = show_closed;
        assert!(
            first.cards.len() * 4 < whole.cards.len(),
            "{}",
            first.cards.len()
        );
        assert_eq!(first.request_count(), whole.cards.len());
        assert_eq!(cells(&first), cells(&whole), "{width}x{height}");
    }
}

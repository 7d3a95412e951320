//! The board itself: navigation, scrolling, quitting, help, views, key sequences.

use super::*;

#[test]
fn esc_never_quits_and_q_does() {
    let mut state = board();
    for _ in 0..3 {
        assert!(press(&mut state, KeyCode::Esc).is_empty());
    }
    assert!(!state.should_quit);
    assert_eq!(keys(&mut state, "q"), [Effect::Quit]);
    assert!(state.should_quit);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    let mut state = board();
    keys(&mut state, "p");
    let effects = update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert_eq!(effects, [Effect::Quit]);
}

#[test]
fn q_in_a_picker_is_text_not_quit() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "t");
    assert!(keys(&mut state, "q").is_empty());
    assert!(!state.should_quit);
}

#[test]
fn c_hides_and_shows_the_closed_columns_keeping_focus_valid() {
    let mut state = board();
    select(&mut state, 6);
    let all = state.visible_columns().len();
    keys(&mut state, "c");
    assert_eq!(state.visible_columns().len(), all - 3);
    assert!(state.visible_columns().contains(&state.focused_column));
    keys(&mut state, "c");
    assert_eq!(state.visible_columns().len(), all);
}

#[test]
fn arrows_and_hjkl_move_the_selection_within_bounds() {
    let mut state = board();
    let start = state.focused_column;
    keys(&mut state, "l");
    assert_eq!(state.focused_column, start + 1);
    press(&mut state, KeyCode::Left);
    assert_eq!(state.focused_column, start);
    keys(&mut state, "jjjj");
    assert_eq!(
        state.columns[start].selected, 1,
        "two cards: stops at the last"
    );
    keys(&mut state, "k");
    assert_eq!(state.columns[start].selected, 0);
    keys(&mut state, "hhhhhh");
    assert_eq!(state.focused_column, 0);
}

#[test]
fn long_columns_scroll_to_keep_the_selection_visible() {
    let mut state = board();
    let issues: Vec<IssueRecord> = (100..400)
        .map(|id| record(id, &["sm_req::backlog"], true))
        .collect();
    for r in issues {
        state
            .cards
            .push(crate::app::state::Card::new(&state.workflow, r, 0));
    }
    state.rebuild_columns();
    update(&mut state, Msg::Resize(80, 24));
    let backlog = state
        .columns
        .iter()
        .position(|c| c.placement == Placement::State(2))
        .unwrap();
    state.focused_column = backlog;
    press(&mut state, KeyCode::End);
    let column = &state.columns[backlog];
    assert_eq!(column.selected, 300);
    let page = state.cards_per_page();
    assert!(column.offset <= column.selected && column.selected < column.offset + page);
    press(&mut state, KeyCode::PageUp);
    assert_eq!(state.columns[backlog].selected, 300 - page);
    keys(&mut state, "gg");
    assert_eq!(state.columns[backlog].offset, 0);
}

#[test]
fn question_mark_shows_help_for_the_mode_it_was_pressed_in() {
    let mut state = board();
    press(&mut state, KeyCode::Tab);
    keys(&mut state, "?");
    assert!(matches!(
        state.overlay,
        Some(Overlay::Help {
            mode: crate::app::Mode::Grooming,
            ..
        })
    ));
    press(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none());
}

#[test]
fn an_empty_column_says_so_instead_of_editing() {
    let mut state = board();
    state.cards.retain(|c| c.record.id != 3);
    state.rebuild_columns();
    state.focused_column = state
        .columns
        .iter()
        .position(|c| c.placement == Placement::State(1))
        .unwrap();
    assert!(keys(&mut state, "p").is_empty());
    assert!(state.message.as_ref().unwrap().text.contains("empty"));
}

#[test]
fn v_switches_between_named_views() {
    let mut state = board();
    state.views = vec![
        ("pmm backlog".into(), "team:pmm state:backlog".into()),
        ("mrci".into(), "team:mrci".into()),
    ];
    keys(&mut state, "v");
    keys(&mut state, "mrci");
    press(&mut state, KeyCode::Enter);
    assert_eq!(visible_ids(&state), [5]);
    assert_eq!(state.filter.as_ref().unwrap().text, "team:mrci");
    keys(&mut state, "v");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!();
    };
    assert!(picker.options[1].current, "the view in force is marked");
    keys(&mut state, "no filter");
    press(&mut state, KeyCode::Enter);
    assert!(state.filter.is_none());
    assert_eq!(visible_ids(&state).len(), 7);
}

#[test]
fn an_unbound_alt_key_is_esc_then_the_key() {
    let mut state = board();
    keys(&mut state, "T");
    assert!(state.triage.is_some());
    // Esc and `/` arriving together, as tmux delivers them.
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT)),
    );
    assert!(state.triage.is_none(), "the Esc ended the triage");
    assert_eq!(
        state.mode(),
        crate::app::Mode::Filter,
        "and / opened the filter"
    );
}

#[test]
fn the_command_palette_runs_any_board_action_by_name() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, ":");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("the palette");
    };
    assert!(picker.options.len() > 25, "every board action");
    assert!(
        picker
            .options
            .iter()
            .any(|o| o.label.starts_with("priority") && o.detail == "p")
    );
    keys(&mut state, "definition");
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(
        saved(&effects).labels.add,
        ["dod::Y"],
        "ran: toggle definition of done"
    );
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
    );
    assert!(matches!(&state.overlay, Some(Overlay::Picker(p)) if p.title == "Command"));
}

#[test]
fn g_waits_for_the_next_key_and_shows_what_may_follow() {
    let mut state = board();
    let first = state.focused_column;
    keys(&mut state, "gl");
    assert_ne!(state.focused_column, first, "g l: last column");
    assert!(state.pending_key.is_none());
    keys(&mut state, "g");
    assert_eq!(state.pending_key, Some(crate::app::keymap::Key::char('g')));
    keys(&mut state, "h");
    assert_eq!(
        state.focused_column,
        state.visible_columns()[0],
        "g h: first column"
    );
    // An unbound second key is said, not silently eaten into something else.
    keys(&mut state, "gx");
    assert!(state.pending_key.is_none());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("g x is not bound")
    );
    // Esc cancels quietly.
    state.message = None;
    keys(&mut state, "g");
    press(&mut state, KeyCode::Esc);
    assert!(state.pending_key.is_none());
    assert!(state.message.is_none());
}

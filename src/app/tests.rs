//! `update` tests: key presses in, state and effects out. No IO, no async, no clock.

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::state::{AppState, BoardData, DetailContent, Focus, Overlay, PickPurpose, Source};
use crate::app::{Effect, Keymap, Msg, update};
use crate::store::{IssueRecord, Member};
use crate::workflow::edit::{Change, StateEvent};
use crate::workflow::{IssueFacts, MilestoneInfo, Placement, UserRef, Workflow};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn record(id: i64, labels: &[&str], open: bool) -> IssueRecord {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    // Sorted, as GitLab returns labels.
    let mut labels = labels.to_vec();
    labels.sort();
    IssueRecord {
        id,
        iid: id,
        project_id: 1,
        reference: format!("g/p#{id}"),
        title: format!("Request {id}"),
        facts: IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open,
            ..IssueFacts::default()
        },
        author: None,
        created_at: at,
        updated_at: at,
        closed_at: None,
        web_url: format!("https://gitlab.example/g/p/-/issues/{id}"),
        state_since: None,
        confidential: false,
    }
}

/// A board with one request per interesting situation.
fn board() -> AppState {
    let issues = vec![
        record(1, &["sm_req::new_request", "sm_request"], true),
        record(2, &["sm_req::new_request", "pmm"], true),
        record(3, &["sm_req::triage", "pmm"], true),
        record(4, &["sm_req::backlog", "pmm", "p::2"], true),
        record(5, &["sm_req::assigned", "mrci"], true),
        record(6, &["sm_req::completed"], false),
        record(7, &["sm_request"], true),
    ];
    let data = BoardData {
        issues,
        milestones: vec![
            MilestoneInfo {
                id: 10,
                title: "SM_Backlog".into(),
                active: true,
                start_date: None,
                due_date: None,
            },
            MilestoneInfo {
                id: 11,
                title: "FY27-Q4".into(),
                active: true,
                start_date: NaiveDate::from_ymd_opt(2026, 11, 1),
                due_date: NaiveDate::from_ymd_opt(2027, 1, 31),
            },
        ],
        members: vec![
            Member {
                id: 100,
                username: "alice".into(),
                name: "Alice".into(),
            },
            Member {
                id: 101,
                username: "bob".into(),
                name: "Bob".into(),
            },
        ],
        ..BoardData::default()
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let mut state = AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        now,
        today(),
    );
    state.viewport = (160, 48);
    state
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(state: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(state, KeyCode::Char(c)));
    }
    effects
}

fn select(state: &mut AppState, id: i64) {
    for (ci, column) in state.columns.iter_mut().enumerate() {
        if let Some(pos) = column
            .cards
            .iter()
            .position(|&i| state.cards[i].record.id == id)
        {
            column.selected = pos;
            state.focused_column = ci;
            return;
        }
    }
    panic!("no card {id}");
}

fn saved(effects: &[Effect]) -> &crate::workflow::IssueEdit {
    match effects {
        [Effect::SaveEdit { edit, .. }] => edit,
        other => panic!("expected one saved edit, got {other:?}"),
    }
}

/// Plays back what the loop would do with a saved edit.
fn land(state: &mut AppState, effects: &[Effect]) {
    for effect in effects {
        if let Effect::SaveEdit {
            issue_id,
            edit,
            origin,
        } = effect
        {
            let mut record = state.card_by_id(*issue_id).unwrap().record.clone();
            record.facts = edit.apply(&record.facts);
            update(
                state,
                Msg::EditSaved {
                    record: Box::new(record),
                    pending_for_issue: 1,
                    pending_edits: 1,
                    edit: Box::new(edit.clone()),
                    origin: *origin,
                },
            );
        }
    }
}

#[test]
fn the_board_starts_on_the_first_workflow_column_and_shows_unlabelled_first() {
    let state = board();
    assert_eq!(state.columns[0].placement, Placement::Unlabelled);
    assert_eq!(
        state.columns[state.focused_column].placement,
        Placement::State(0)
    );
}

#[test]
fn l_on_a_request_without_team_asks_for_one_then_moves_it_to_triage() {
    let mut state = board();
    select(&mut state, 1);
    assert!(keys(&mut state, "L").is_empty());
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("expected the team picker");
    };
    assert_eq!(picker.purpose, PickPurpose::MoveAnswer);
    assert!(keys(&mut state, "tech").is_empty());
    let effects = press(&mut state, KeyCode::Enter);
    let edit = saved(&effects);
    assert_eq!(edit.labels.add, ["sm_req::triage", "tech-pmm"]);
    assert_eq!(edit.labels.remove, ["sm_req::new_request"]);
    assert!(state.overlay.is_none());
}

#[test]
fn escaping_the_team_question_cancels_the_move_entirely() {
    let mut state = board();
    select(&mut state, 1);
    keys(&mut state, "L");
    assert!(press(&mut state, KeyCode::Esc).is_empty());
    assert!(state.pending_move.is_none());
    assert!(state.message.as_ref().unwrap().text.contains("cancelled"));
}

#[test]
fn backlog_to_assigned_asks_who_and_sets_the_current_quarter() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "L");
    assert!(matches!(&state.overlay, Some(Overlay::Picker(p)) if p.title.starts_with("Assignee")));
    press(&mut state, KeyCode::Down);
    let effects = press(&mut state, KeyCode::Enter);
    let edit = saved(&effects);
    assert_eq!(edit.assignees.as_ref().unwrap()[0].username, "bob");
    assert!(matches!(&edit.milestone, Some(Change::Set(m)) if m.title == "FY27-Q4"));
}

#[test]
fn an_unusual_move_defaults_to_no() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "H");
    assert!(matches!(&state.overlay, Some(Overlay::Confirm(c)) if !c.yes_selected));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(state.overlay.is_none());
    assert!(state.pending_move.is_none());
}

#[test]
fn an_unusual_move_happens_on_y() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "H");
    let effects = keys(&mut state, "y");
    assert_eq!(saved(&effects).labels.add, ["sm_req::triage"]);
}

#[test]
fn moving_a_completed_request_back_reopens_it_after_confirmation() {
    let mut state = board();
    select(&mut state, 6);
    keys(&mut state, "H");
    assert!(
        keys(&mut state, "y").is_empty(),
        "assigned still needs someone"
    );
    let effects = press(&mut state, KeyCode::Enter);
    let edit = saved(&effects);
    assert_eq!(edit.state_event, Some(StateEvent::Reopen));
    assert_eq!(edit.assignees.as_ref().unwrap()[0].username, "alice");
}

#[test]
fn assigned_to_completed_closes_without_questions() {
    let mut state = board();
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    assert_eq!(saved(&effects).state_event, Some(StateEvent::Close));
}

#[test]
fn a_saved_move_lands_the_card_in_its_new_column_and_marks_it_pending() {
    let mut state = board();
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    land(&mut state, &effects);
    let card = state.card_by_id(5).unwrap();
    assert_eq!(card.class.placement, Placement::State(4));
    assert_eq!(card.pending, 1);
    assert_eq!(state.pending_edits, 1);
    assert_eq!(
        state.columns[state.focused_column].placement,
        Placement::State(3)
    );
    assert!(state.message.as_ref().unwrap().text.contains("queued"));
}

#[test]
fn m_offers_every_state_with_the_current_one_marked() {
    let mut state = board();
    select(&mut state, 3);
    keys(&mut state, "m");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("expected the state picker");
    };
    assert_eq!(picker.options.len(), 7);
    assert!(picker.options[1].current);
    // Choosing the state it is already in is refused with a message, not an edit.
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("already in triage")
    );
}

#[test]
fn p_sets_a_priority_from_a_picker_with_the_current_value_marked() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "p");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("expected the priority picker");
    };
    let current: Vec<&str> = picker
        .options
        .iter()
        .filter(|o| o.current)
        .map(|o| o.label.as_str())
        .collect();
    assert_eq!(current, ["2"]);
    keys(&mut state, "1");
    let effects = press(&mut state, KeyCode::Enter);
    let edit = saved(&effects);
    assert_eq!(edit.labels.add, ["p::1"]);
    assert_eq!(edit.labels.remove, ["p::2"]);
}

#[test]
fn choosing_the_value_already_held_changes_nothing() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "p");
    assert!(press(&mut state, KeyCode::Enter).is_empty());
}

#[test]
fn d_and_e_toggle_their_fields_in_one_key() {
    let mut state = board();
    select(&mut state, 4);
    assert_eq!(saved(&keys(&mut state, "d")).labels.add, ["dod::Y"]);
    assert_eq!(saved(&keys(&mut state, "e")).labels.add, ["eteam::Y"]);
}

#[test]
fn t_replaces_the_team() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "t");
    keys(&mut state, "mrci");
    let effects = press(&mut state, KeyCode::Enter);
    let edit = saved(&effects);
    assert_eq!(edit.labels.add, ["mrci"]);
    assert_eq!(edit.labels.remove, ["pmm"]);
}

#[test]
fn milestone_picker_preselects_the_current_quarter() {
    let mut state = board();
    select(&mut state, 3);
    keys(&mut state, "M");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("expected the milestone picker");
    };
    assert_eq!(picker.filtered()[picker.cursor].label, "FY27-Q4");
    let effects = press(&mut state, KeyCode::Enter);
    assert!(matches!(&saved(&effects).milestone, Some(Change::Set(m)) if m.id == 11));
}

#[test]
fn assignee_picker_can_unassign() {
    let mut state = board();
    select(&mut state, 5);
    state
        .cards
        .iter_mut()
        .find(|c| c.record.id == 5)
        .unwrap()
        .record
        .facts
        .assignees = vec![UserRef {
        id: 100,
        username: "alice".into(),
        name: "Alice".into(),
    }];
    keys(&mut state, "a");
    keys(&mut state, "unass");
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(saved(&effects).assignees.as_deref(), Some(&[][..]));
}

#[test]
fn due_dates_accept_relative_input_and_explain_bad_input() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "D");
    keys(&mut state, "soon");
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    let Some(Overlay::DateInput(input)) = &state.overlay else {
        panic!("the input stays open on an error");
    };
    assert!(input.error.as_ref().unwrap().contains("not a date"));
    for _ in 0..4 {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "+3d");
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(
        saved(&effects).due_date,
        Some(Change::Set(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()))
    );
}

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
fn tab_focuses_the_grooming_pane_where_enter_edits_the_row() {
    let mut state = board();
    select(&mut state, 4);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.focus, Focus::Grooming);
    keys(&mut state, "jj");
    press(&mut state, KeyCode::Enter);
    assert!(matches!(&state.overlay, Some(Overlay::Picker(p)) if p.title.starts_with("priority")));
    press(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none());
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.focus, Focus::Board);
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
fn enter_opens_the_detail_and_asks_for_the_description() {
    let mut state = board();
    select(&mut state, 3);
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(effects, [Effect::LoadDetail { issue_id: 3 }]);
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id: 3,
            content: Box::new(DetailContent {
                description: Some("## Why\n\nBecause.".into()),
                ..DetailContent::default()
            }),
        },
    );
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    let content = detail.content.as_ref().unwrap();
    assert_eq!(content.description.as_deref(), Some("## Why\n\nBecause."));
    keys(&mut state, "jj");
    press(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none());
}

fn open_detail_with_links(state: &mut AppState, links: &[&str]) {
    select(state, 3);
    press(state, KeyCode::Enter);
    update(
        state,
        Msg::DetailLoaded {
            issue_id: 3,
            content: Box::new(DetailContent {
                links: links.iter().map(|l| l.to_string()).collect(),
                ..DetailContent::default()
            }),
        },
    );
}

#[test]
fn tab_steps_through_the_links_and_o_opens_the_selected_one() {
    let mut state = board();
    open_detail_with_links(&mut state, &["https://a.example/1", "https://b.example/2"]);
    let web_url = state.card_by_id(3).unwrap().record.web_url.clone();
    // Nothing selected: o opens the request itself.
    assert_eq!(keys(&mut state, "o"), [Effect::OpenUrl(web_url.clone())]);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl("https://b.example/2".into())]
    );
    assert_eq!(
        keys(&mut state, "y"),
        [Effect::Copy("https://b.example/2".into())]
    );
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("copied https://b.example/2")
    );
    // Past the last link, back to the request; L goes backwards.
    press(&mut state, KeyCode::Tab);
    assert_eq!(keys(&mut state, "o"), [Effect::OpenUrl(web_url)]);
    keys(&mut state, "L");
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl("https://b.example/2".into())]
    );
    assert!(
        matches!(state.overlay, Some(Overlay::Detail(_))),
        "still open"
    );
}

#[test]
fn s_hides_and_shows_system_notes_and_a_request_without_links_says_so() {
    let mut state = board();
    open_detail_with_links(&mut state, &[]);
    keys(&mut state, "s");
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    assert!(!detail.show_system);
    keys(&mut state, "s");
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    assert!(detail.show_system);
    press(&mut state, KeyCode::Tab);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("links nowhere")
    );
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
fn a_failed_save_is_shown_as_an_error() {
    let mut state = board();
    update(
        &mut state,
        Msg::EditFailed {
            summary: "p:: 2 -> 1".into(),
            error: "disk full".into(),
        },
    );
    let message = state.message.unwrap();
    assert_eq!(message.tone, crate::app::state::Tone::Error);
    assert!(message.text.contains("disk full"));
}

#[test]
fn r_syncs_only_when_a_gitlab_is_configured() {
    let mut state = board();
    assert!(keys(&mut state, "r").is_empty());
    assert!(state.message.as_ref().unwrap().text.contains("no GitLab"));
    // A GitLab without a token says what is missing, not "no GitLab".
    state.sync.unavailable =
        Some("not syncing: no GitLab token for gitlab.com: set GITLAB_TOKEN".into());
    assert!(keys(&mut state, "r").is_empty());
    let said = &state.message.as_ref().unwrap().text;
    assert!(
        said.contains("GITLAB_TOKEN") && !said.contains("no GitLab configured"),
        "{said}"
    );
    state.sync.enabled = true;
    assert_eq!(keys(&mut state, "r"), [Effect::SyncNow { full: false }]);
    state.sync.running = true;
    assert!(keys(&mut state, "r").is_empty(), "one pass at a time");
}

#[test]
fn a_saved_edit_wakes_the_sync_when_there_is_one() {
    let mut state = board();
    state.sync.enabled = true;
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    let Effect::SaveEdit { issue_id, edit, .. } = &effects[0] else {
        panic!("{effects:?}");
    };
    let mut record = state.card_by_id(*issue_id).unwrap().record.clone();
    record.facts = edit.apply(&record.facts);
    let after = update(
        &mut state,
        Msg::EditSaved {
            record: Box::new(record),
            pending_for_issue: 1,
            pending_edits: 1,
            edit: Box::new(edit.clone()),
            origin: crate::app::EditOrigin::User { batch: 1 },
        },
    );
    assert_eq!(after, [Effect::SyncNow { full: false }]);
}

fn conflicted_board() -> AppState {
    let mut state = board();
    let card = state.cards.iter_mut().find(|c| c.record.id == 4).unwrap();
    card.conflict = Some("p:: changed on GitLab to p::3".into());
    select(&mut state, 4);
    state
}

#[test]
fn c_offers_to_keep_mine_or_take_theirs_and_esc_decides_later() {
    let mut state = conflicted_board();
    keys(&mut state, "C");
    let Some(Overlay::Confirm(confirm)) = &state.overlay else {
        panic!("expected the conflict question");
    };
    assert!(confirm.question.contains("p:: changed on GitLab"));
    assert!(press(&mut state, KeyCode::Esc).is_empty());
    assert!(state.overlay.is_none());
    keys(&mut state, "C");
    assert_eq!(
        keys(&mut state, "y"),
        [Effect::ResolveConflict {
            issue_id: 4,
            keep_mine: true
        }]
    );
    keys(&mut state, "C");
    assert_eq!(
        keys(&mut state, "n"),
        [Effect::ResolveConflict {
            issue_id: 4,
            keep_mine: false
        }]
    );
}

#[test]
fn a_finished_sync_reloads_the_board_and_keeps_the_selection() {
    let mut state = board();
    state.sync.enabled = true;
    select(&mut state, 4);
    let mut data = BoardData {
        issues: state.cards.iter().map(|c| c.record.clone()).collect(),
        milestones: state.milestones.clone(),
        members: state.members.clone(),
        ..BoardData::default()
    };
    data.issues
        .push(record(50, &["sm_req::backlog", "p::1"], true));
    data.conflicts
        .insert(3, "sm_req:: changed on GitLab".into());
    let report = crate::sync::SyncReport {
        conflicts: vec!["g/p#3: sm_req:: changed on GitLab".into()],
        ..crate::sync::SyncReport::default()
    };
    update(
        &mut state,
        Msg::SyncFinished {
            report: Box::new(report),
            data: Some(Box::new(data)),
        },
    );
    assert_eq!(
        state.selected_card().unwrap().record.id,
        4,
        "selection kept"
    );
    assert!(state.card_by_id(50).is_some());
    assert_eq!(state.conflicts, 1);
    assert!(state.card_by_id(3).unwrap().conflict.is_some());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("C settles it")
    );
    assert!(!state.sync.running);
}

fn visible_ids(state: &AppState) -> Vec<i64> {
    let mut ids: Vec<i64> = state
        .columns
        .iter()
        .flat_map(|c| c.cards.iter().map(|&i| state.cards[i].record.id))
        .collect();
    ids.sort();
    ids
}

#[test]
fn slash_filters_live_as_you_type() {
    let mut state = board();
    keys(&mut state, "/");
    assert_eq!(state.mode(), crate::app::Mode::Filter);
    keys(&mut state, "team:pmm");
    assert_eq!(visible_ids(&state), [2, 3, 4]);
    assert_eq!(state.filter.as_ref().unwrap().matching, 3);
    keys(&mut state, " p:2");
    assert_eq!(visible_ids(&state), [4]);
    press(&mut state, KeyCode::Enter);
    assert!(state.overlay.is_none());
    assert_eq!(visible_ids(&state), [4], "Enter keeps the filter");
    assert!(
        keys(&mut state, "q").len() == 1,
        "back on the board, q quits again"
    );
}

#[test]
fn a_term_that_does_not_parse_is_explained_and_finishing_it_applies_it() {
    let mut state = board();
    keys(&mut state, "/team:mrci state:doi");
    let Some(Overlay::Filter(input)) = &state.overlay else {
        panic!("the filter line stays open");
    };
    assert!(
        input
            .error
            .as_ref()
            .unwrap()
            .contains("unknown state `doi`")
    );
    for _ in 0.."doi".len() {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "assigned");
    match &state.overlay {
        Some(Overlay::Filter(input)) => assert_eq!(input.error, None),
        other => panic!("{other:?}"),
    }
    assert_eq!(visible_ids(&state), [5]);
}

#[test]
fn free_words_are_looked_up_in_descriptions_and_comments_once() {
    let mut state = board();
    keys(&mut state, "/");
    let mut effects = keys(&mut state, "web");
    // "w" and "we" are too short to look up; "web" is asked for once.
    effects.retain(|e| matches!(e, Effect::SearchText { .. }));
    assert_eq!(
        effects,
        [Effect::SearchText {
            words: vec!["web".into()]
        }]
    );
    assert!(visible_ids(&state).is_empty(), "no title says web");
    update(
        &mut state,
        Msg::TextHits {
            word: "web".into(),
            ids: [4, 5].into(),
        },
    );
    assert_eq!(visible_ids(&state), [4, 5]);
    // Narrowing keeps the answer of words still there and asks only for new ones.
    let effects = keys(&mut state, " p:2");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SearchText { .. })),
        "{effects:?}"
    );
    assert_eq!(visible_ids(&state), [4]);
    // An answer for a word no longer in the filter is ignored.
    update(
        &mut state,
        Msg::TextHits {
            word: "gone".into(),
            ids: [1].into(),
        },
    );
    assert_eq!(visible_ids(&state), [4]);
}

#[test]
fn esc_clears_the_filter_and_slash_reopens_it_with_its_text() {
    let mut state = board();
    keys(&mut state, "/@alice");
    press(&mut state, KeyCode::Enter);
    keys(&mut state, "/");
    let Some(Overlay::Filter(input)) = &state.overlay else {
        panic!();
    };
    assert_eq!(input.text, "@alice ");
    press(&mut state, KeyCode::Esc);
    assert!(state.filter.is_none());
    assert_eq!(visible_ids(&state).len(), 7);
    // Esc on the board also clears an active filter, before anything else.
    keys(&mut state, "/is:open");
    press(&mut state, KeyCode::Enter);
    assert_eq!(visible_ids(&state).len(), 6);
    press(&mut state, KeyCode::Esc);
    assert!(state.filter.is_none());
    assert!(!state.should_quit);
}

#[test]
fn edits_under_a_filter_move_cards_out_of_it() {
    let mut state = board();
    keys(&mut state, "/state:assigned");
    press(&mut state, KeyCode::Enter);
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    land(&mut state, &effects);
    assert!(
        visible_ids(&state).is_empty(),
        "completed no longer matches state:assigned"
    );
}

fn labels_of(state: &AppState, id: i64) -> Vec<crate::workflow::Label> {
    state.card_by_id(id).unwrap().record.facts.labels.clone()
}

#[test]
fn z_undoes_and_shift_z_redoes_as_new_edits() {
    let mut state = board();
    select(&mut state, 4);
    let original = labels_of(&state, 4);
    let effects = keys(&mut state, "d");
    land(&mut state, &effects);
    assert!(labels_of(&state, 4).contains(&"dod::Y".into()));
    let undo = keys(&mut state, "z");
    assert!(matches!(
        &undo[..],
        [Effect::SaveEdit {
            origin: crate::app::EditOrigin::Undo { .. },
            ..
        }]
    ));
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("undid: dod::")
    );
    land(&mut state, &undo);
    assert_eq!(labels_of(&state, 4), original);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("undid: dod::")
    );
    let redo = keys(&mut state, "Z");
    land(&mut state, &redo);
    assert!(labels_of(&state, 4).contains(&"dod::Y".into()));
    // And undo again after the redo.
    let again = keys(&mut state, "z");
    land(&mut state, &again);
    assert_eq!(labels_of(&state, 4), original);
}

#[test]
fn undo_takes_a_move_back_with_its_side_effects() {
    let mut state = board();
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    land(&mut state, &effects);
    assert!(!state.card_by_id(5).unwrap().record.facts.open);
    let undo = keys(&mut state, "z");
    let Effect::SaveEdit { edit, .. } = &undo[0] else {
        panic!("{undo:?}");
    };
    assert_eq!(edit.state_event, Some(StateEvent::Reopen));
    land(&mut state, &undo);
    let card = state.card_by_id(5).unwrap();
    assert!(card.record.facts.open);
    assert_eq!(card.class.placement, Placement::State(3));
}

#[test]
fn a_new_edit_forgets_what_could_be_redone() {
    let mut state = board();
    select(&mut state, 4);
    let effects = keys(&mut state, "d");
    land(&mut state, &effects);
    let undo = keys(&mut state, "z");
    land(&mut state, &undo);
    let effects = keys(&mut state, "e");
    land(&mut state, &effects);
    assert!(keys(&mut state, "Z").is_empty());
    assert_eq!(state.message.as_ref().unwrap().text, "nothing to redo");
    assert!(
        keys(&mut state, "zzz").len() <= 2,
        "one step left to undo, then nothing"
    );
}

#[test]
fn space_marks_and_moves_down_v_marks_the_column_esc_unmarks() {
    let mut state = board();
    select(&mut state, 1);
    keys(&mut state, " ");
    assert_eq!(state.marked.iter().copied().collect::<Vec<_>>(), [1]);
    assert_eq!(
        state.selected_card().unwrap().record.id,
        2,
        "the cursor moved on"
    );
    keys(&mut state, "V");
    assert_eq!(state.marked.len(), 2, "the whole new_request column");
    keys(&mut state, "V");
    assert!(state.marked.is_empty(), "V again unmarks the column");
    keys(&mut state, " ");
    press(&mut state, KeyCode::Esc);
    assert!(state.marked.is_empty());
    assert!(!state.should_quit);
}

#[test]
fn a_bulk_priority_is_one_batch_and_one_undo() {
    let mut state = board();
    state.marked.extend([3, 5]);
    select(&mut state, 3);
    keys(&mut state, "p1");
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(effects.len(), 2);
    let batches: std::collections::HashSet<_> = effects
        .iter()
        .map(|e| match e {
            Effect::SaveEdit { origin, .. } => *origin,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(batches.len(), 1, "one batch");
    land(&mut state, &effects);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("on 2 requests (queued)")
    );
    for id in [3, 5] {
        assert!(labels_of(&state, id).contains(&"p::1".into()));
    }
    let undo = keys(&mut state, "z");
    assert_eq!(undo.len(), 2, "undo takes the whole batch back");
    land(&mut state, &undo);
    for id in [3, 5] {
        assert!(!labels_of(&state, id).contains(&"p::1".into()));
    }
}

#[test]
fn a_bulk_move_asks_each_question_once_for_the_cards_that_need_it() {
    let mut state = board();
    state.marked.extend([1, 2]); // #1 has no team, #2 has pmm
    select(&mut state, 1);
    assert!(keys(&mut state, "L").is_empty());
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("the team question");
    };
    assert!(
        picker.title.contains("for 1 of 2 requests"),
        "{}",
        picker.title
    );
    keys(&mut state, "mrci");
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(effects.len(), 2);
    land(&mut state, &effects);
    assert!(labels_of(&state, 1).contains(&"mrci".into()));
    assert!(
        labels_of(&state, 2).contains(&"pmm".into()),
        "#2 kept its team"
    );
    for id in [1, 2] {
        assert_eq!(
            state.card_by_id(id).unwrap().class.placement,
            Placement::State(1)
        );
    }
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("moved 2 requests to triage")
    );
}

#[test]
fn an_unusual_bulk_move_is_confirmed_once() {
    let mut state = board();
    state.marked.extend([3, 4]); // triage and backlog
    select(&mut state, 3);
    keys(&mut state, "m");
    keys(&mut state, "new");
    press(&mut state, KeyCode::Enter);
    let Some(Overlay::Confirm(confirm)) = &state.overlay else {
        panic!("one confirmation");
    };
    assert!(
        confirm.question.starts_with("2 of the 2 moves ask"),
        "{}",
        confirm.question
    );
    let effects = keys(&mut state, "y");
    assert_eq!(effects.len(), 2);
}

#[test]
fn q_with_marked_cards_asks_first() {
    let mut state = board();
    state.marked.insert(3);
    assert!(keys(&mut state, "q").is_empty());
    assert!(matches!(&state.overlay, Some(Overlay::Confirm(c)) if c.question.contains("marked")));
    keys(&mut state, "n");
    assert!(!state.should_quit);
    keys(&mut state, "q");
    assert_eq!(keys(&mut state, "y"), [Effect::Quit]);
}

#[test]
fn o_opens_and_y_copies_the_link_and_shift_y_the_reference() {
    let mut state = board();
    select(&mut state, 3);
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl(
            "https://gitlab.example/g/p/-/issues/3".into()
        )]
    );
    assert_eq!(
        keys(&mut state, "y"),
        [Effect::Copy("https://gitlab.example/g/p/-/issues/3".into())]
    );
    assert_eq!(keys(&mut state, "Y"), [Effect::Copy("g/p#3".into())]);
    assert_eq!(state.message.as_ref().unwrap().text, "copied g/p#3");
}

#[test]
fn the_triage_queue_walks_new_requests_then_ungroomed_backlog() {
    let mut state = board();
    keys(&mut state, "T");
    let queue = state.triage.clone().unwrap();
    assert_eq!(
        queue.ids,
        [1, 2, 4],
        "two new requests, then the ungroomed backlog one"
    );
    assert_eq!(state.focus, Focus::Grooming);
    assert_eq!(state.selected_card().unwrap().record.id, 1);
    // Moving the request on is the decision: the next one comes up.
    keys(&mut state, "L");
    let effects = keys(&mut state, "pmm");
    assert!(effects.is_empty());
    let effects = press(&mut state, KeyCode::Enter);
    land(&mut state, &effects);
    assert_eq!(state.triage.as_ref().unwrap().position, 1);
    assert_eq!(state.selected_card().unwrap().record.id, 2);
    // A grooming edit keeps the request on screen; s skips.
    let effects = keys(&mut state, "d");
    land(&mut state, &effects);
    assert_eq!(state.selected_card().unwrap().record.id, 2);
    keys(&mut state, "s");
    assert_eq!(state.selected_card().unwrap().record.id, 4);
    keys(&mut state, "s");
    assert!(state.triage.is_none());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("triage done: 3")
    );
}

#[test]
fn esc_ends_the_triage_queue() {
    let mut state = board();
    keys(&mut state, "T");
    press(&mut state, KeyCode::Esc);
    assert!(state.triage.is_none());
    assert_eq!(state.focus, Focus::Board);
    assert!(!state.should_quit);
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
fn pickers_match_fuzzily_with_substrings_first() {
    let mut state = board();
    select(&mut state, 4);
    keys(&mut state, "t");
    keys(&mut state, "cmpi");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!();
    };
    let labels: Vec<&str> = picker.filtered().iter().map(|o| o.label.as_str()).collect();
    assert_eq!(labels, ["Competitive Intelligence"]);
    for _ in 0..4 {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "pm");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!();
    };
    let labels: Vec<&str> = picker.filtered().iter().map(|o| o.label.as_str()).collect();
    assert_eq!(
        labels[..2],
        ["pmm", "tech-pmm"],
        "substring matches before fuzzy ones"
    );
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

/// A board large enough for the filter to split its work over threads, with titles that
/// share beginnings (`par`, `part`, `partner`) and full-text answers that shrink as a word
/// grows, as FTS prefix answers do.
fn big_board() -> AppState {
    let words = [
        "partner",
        "part",
        "party",
        "pricing",
        "paragraph",
        "prtnr",
        "polar",
        "spare",
    ];
    let issues: Vec<IssueRecord> = (1..=6000)
        .map(|id| {
            let mut r = record(
                id,
                &[["sm_req::triage", "sm_req::backlog", "pmm"][id as usize % 3]],
                true,
            );
            r.title = format!(
                "{} {} {id}",
                words[id as usize % 8],
                words[(id as usize / 8) % 8]
            );
            r
        })
        .collect();
    let data = BoardData {
        issues,
        ..BoardData::default()
    };
    AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        today(),
    )
}

/// The requests whose description holds `word` as a prefix: fewer as the word grows.
fn fake_hits(word: &str) -> std::collections::HashSet<i64> {
    let step = 1i64 << word.chars().count().min(12);
    (1..=6000).filter(|id| id % step == 3).collect()
}

fn answer(state: &mut AppState, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::SearchText { words } = effect {
            for word in words {
                let ids = fake_hits(&word);
                update(state, Msg::TextHits { word, ids });
            }
        }
    }
}

fn fresh_result(filter: &str) -> Vec<i64> {
    let mut state = big_board();
    let effects = keys(&mut state, &format!("/{filter}"));
    answer(&mut state, effects);
    visible_ids(&state)
}

#[test]
fn typing_narrows_to_exactly_what_a_fresh_filter_finds() {
    for typed in ["partner", "par", "team:pmm part", "-spare part", "prtn"] {
        let expected = fresh_result(typed);
        // Answers as soon as asked.
        let mut state = big_board();
        keys(&mut state, "/");
        for c in typed.chars() {
            let effects = keys(&mut state, &c.to_string());
            answer(&mut state, effects);
        }
        assert_eq!(visible_ids(&state), expected, "answered at once: {typed}");
        // Answers only after the last key, newest first.
        let mut state = big_board();
        let mut asked = keys(&mut state, &format!("/{typed}"));
        asked.reverse();
        answer(&mut state, asked);
        assert_eq!(visible_ids(&state), expected, "answered late: {typed}");
        // Before any answer, the cards' own text: typed key by key, or applied at once.
        let mut state = big_board();
        keys(&mut state, &format!("/{typed}"));
        let mut at_once = big_board();
        crate::app::overlays::set_filter(&mut at_once, typed);
        assert_eq!(
            visible_ids(&state),
            visible_ids(&at_once),
            "unanswered: {typed}"
        );
    }
    // Back and forth: answers cached for a longer word, none yet for the shorter one.
    let expected = fresh_result("partn");
    let mut state = big_board();
    let effects = keys(&mut state, "/partner");
    answer(&mut state, effects);
    for _ in 0..4 {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "tn");
    assert_eq!(visible_ids(&state), expected, "retyped after backspace");
    assert!(!expected.is_empty() && expected.len() < 6000);
    // The longer word's answer is in, the shorter one's never came: no narrowing then.
    let mut state = big_board();
    let asked = keys(&mut state, "/partn");
    assert!(asked.contains(&Effect::SearchText {
        words: vec!["partn".into()]
    }));
    update(
        &mut state,
        Msg::TextHits {
            word: "partn".into(),
            ids: fake_hits("partn"),
        },
    );
    press(&mut state, KeyCode::Backspace);
    keys(&mut state, "n");
    assert_eq!(
        visible_ids(&state),
        expected,
        "an answer the shorter word lacked"
    );
}

#[test]
fn fetched_histories_patch_time_in_state_and_look_the_filter_words_up_again() {
    let mut state = board();
    let effects = keys(&mut state, "/request");
    answer_with(&mut state, effects, &[7]);
    press(&mut state, KeyCode::Enter);
    let before = visible_ids(&state);
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
    let effects = update(
        &mut state,
        Msg::HistoryFetched(vec![(4, Some(at)), (99, None)]),
    );
    assert_eq!(state.card_by_id(4).unwrap().record.state_since, Some(at));
    assert_eq!(state.card_by_id(3).unwrap().record.state_since, None);
    // The words are asked again; the old answer stands until the new one comes.
    assert_eq!(
        effects,
        [Effect::SearchText {
            words: vec!["request".into()]
        }]
    );
    assert_eq!(visible_ids(&state), before);
    update(
        &mut state,
        Msg::TextHits {
            word: "request".into(),
            ids: [5].into(),
        },
    );
    assert_eq!(
        state.filter.as_ref().unwrap().text_hits["request"],
        [5].into()
    );
}

fn answer_with(state: &mut AppState, effects: Vec<Effect>, ids: &[i64]) {
    for effect in effects {
        if let Effect::SearchText { words } = effect {
            for word in words {
                let ids = ids.iter().copied().collect();
                update(state, Msg::TextHits { word, ids });
            }
        }
    }
}

#[test]
fn text_fields_edit_in_place_and_a_prefilled_date_is_replaced_by_typing() {
    let mut state = board();
    keys(&mut state, "/team:pxm");
    press(&mut state, KeyCode::Left);
    press(&mut state, KeyCode::Backspace);
    assert!(visible_ids(&state).is_empty(), "team:pm matches no team");
    press(&mut state, KeyCode::End);
    keys(&mut state, "m");
    assert_eq!(visible_ids(&state), [2, 3, 4]);
    press(&mut state, KeyCode::Enter);

    let mut state = board();
    select(&mut state, 4);
    let index = state.cards.iter().position(|c| c.record.id == 4).unwrap();
    state.cards[index].record.facts.due_date = NaiveDate::from_ymd_opt(2026, 12, 1);
    keys(&mut state, "D");
    let Some(Overlay::DateInput(input)) = &state.overlay else {
        panic!("the due date input opens");
    };
    assert_eq!(input.text.value(), "2026-12-01");
    assert!(input.text.is_fresh(), "shown as a selection");
    keys(&mut state, "fri");
    let Some(Overlay::DateInput(input)) = &state.overlay else {
        panic!();
    };
    assert_eq!(
        input.text.value(),
        "fri",
        "typing replaced the prefilled date"
    );
}

/// What the learner would send: request 1 likely pmm and CN; request 4's team is set already.
fn learned() -> Msg {
    let mut learned = crate::learner::Learned {
        fields: crate::learn::fields(&Workflow::default()),
        ..crate::learner::Learned::default()
    };
    learned.guess(1, "team", "pmm", 0.78);
    learned.guess(1, "use case", "CN", 0.64);
    learned.guess(4, "team", "mrci", 0.9);
    learned.similar.insert(
        1,
        vec![crate::learner::LookAlike {
            id: 3,
            reference: "#3".into(),
            full_reference: "g/p#3".into(),
            title: "Request 3".into(),
            state: "triage".into(),
            score: 0.82,
        }],
    );
    Msg::Learned(std::sync::Arc::new(learned))
}

#[test]
fn a_accepts_every_suggestion_shown_as_one_undoable_edit() {
    let mut state = board();
    update(&mut state, learned());
    select(&mut state, 1);
    let shown: Vec<String> = state
        .suggestions_for(state.selected_card().unwrap())
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(shown, ["pmm", "ucase::CN"]);
    let before = labels_of(&state, 1);
    let effects = keys(&mut state, "A");
    let edit = saved(&effects);
    assert_eq!(edit.labels.add, ["pmm", "ucase::CN"]);
    land(&mut state, &effects);
    let card = state.card_by_id(1).unwrap();
    assert_eq!(card.class.team.as_deref(), Some("pmm"));
    // Accepted: nothing more is suggested, and one undo takes both back.
    assert!(
        state
            .suggestions_for(state.card_by_id(1).unwrap())
            .is_empty()
    );
    let undo = keys(&mut state, "z");
    assert_eq!(undo.len(), 1);
    land(&mut state, &undo);
    assert_eq!(labels_of(&state, 1), before);
}

#[test]
fn a_set_field_is_never_overwritten_by_a_suggestion() {
    let mut state = board();
    update(&mut state, learned());
    select(&mut state, 4);
    assert!(
        state
            .suggestions_for(state.selected_card().unwrap())
            .is_empty()
    );
    assert!(keys(&mut state, "A").is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("no suggestion to accept")
    );
}

#[test]
fn the_team_and_field_pickers_start_on_the_suggested_value() {
    let mut state = board();
    update(&mut state, learned());
    select(&mut state, 1);
    keys(&mut state, "t");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("no picker");
    };
    let chosen = &picker.options[picker.cursor];
    assert_eq!(chosen.label, "pmm");
    assert_eq!(chosen.detail, "suggested 78%");
    press(&mut state, KeyCode::Esc);
    keys(&mut state, "u");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("no picker");
    };
    assert_eq!(picker.options[picker.cursor].label, "CN");
    // Enter takes it.
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(saved(&effects).labels.add, ["ucase::CN"]);
}

#[test]
fn x_closes_a_request_as_a_duplicate_of_a_look_alike_with_the_quick_action() {
    let mut state = board();
    update(&mut state, learned());
    select(&mut state, 1);
    keys(&mut state, "x");
    let Some(Overlay::Picker(picker)) = &state.overlay else {
        panic!("no picker: {:?}", state.message);
    };
    assert_eq!(picker.options[0].label, "#3 Request 3");
    let effects = press(&mut state, KeyCode::Enter);
    assert!(!effects.is_empty(), "{:?}", state.message);
    // The comment first in the list: effects run last first, so the move is queued before it.
    let [
        Effect::QueueComment { issue_id, body },
        Effect::SaveEdit { edit, .. },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!((*issue_id, body.as_str()), (1, "/duplicate g/p#3"));
    assert_eq!(edit.state_event, Some(StateEvent::Close));
    assert!(
        edit.labels.add.contains(&"sm_req::declined".to_string()),
        "{edit:?}"
    );
    land(&mut state, &effects);
    assert!(!state.card_by_id(1).unwrap().record.facts.open);
    // Undone like any move.
    let undo = keys(&mut state, "z");
    land(&mut state, &undo);
    assert!(state.card_by_id(1).unwrap().record.facts.open);
    // A request with no known look-alike says so.
    select(&mut state, 4);
    assert!(keys(&mut state, "x").is_empty());
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .starts_with("no look-alike")
    );
}

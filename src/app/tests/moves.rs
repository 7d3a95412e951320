//! Moving cards between states: the questions a move asks and its side effects.

use super::*;

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

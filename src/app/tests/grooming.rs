//! Grooming fields: pickers, toggles, due dates and the grooming pane.

use super::*;

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
    }]
    .into();
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

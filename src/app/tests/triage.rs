//! The triage queue, suggestions and duplicates.

use super::*;

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

//! Undo and redo.

use super::*;

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

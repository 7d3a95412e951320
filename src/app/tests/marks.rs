//! Marked cards: bulk actions asked once and undone as one.

use super::*;

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

//! IO results: failed saves, syncs, conflicts, fetched histories.

use super::*;

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

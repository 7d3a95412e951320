//! Undo and redo. Every saved edit is filed with the request as it was before; undo sends the
//! inverse edits as new deltas (so it works after the edit reached GitLab), redo sends the
//! originals again. One key press is one batch, however many requests it touched.

use crate::app::msg::{EditOrigin, Effect};
use crate::app::state::{AppState, BatchNote, Tone, UndoBatch, UndoStep};
use crate::workflow::{IssueEdit, IssueFacts};

/// How many actions undo remembers.
const LIMIT: usize = 200;

/// A fresh batch id for the edits of one action.
pub fn new_batch(state: &mut AppState) -> u64 {
    let id = state.next_batch;
    state.next_batch += 1;
    id
}

/// Files a saved edit: a user's edit or a redo joins (or starts) its batch on the undo stack; a
/// user's edit also forgets what could be redone. An undo's step already moved to redo.
pub fn record(
    state: &mut AppState,
    issue_id: i64,
    edit: IssueEdit,
    before: IssueFacts,
    origin: EditOrigin,
) {
    let batch = match origin {
        EditOrigin::User { batch } => {
            state.redo.clear();
            batch
        }
        EditOrigin::Redo { batch } => batch,
        EditOrigin::Undo { .. } => return,
    };
    let step = UndoStep {
        issue_id,
        edit,
        before,
    };
    match state.undo.last_mut() {
        Some(last) if last.id == batch => last.steps.push(step),
        _ => state.undo.push(UndoBatch {
            id: batch,
            steps: vec![step],
        }),
    }
    if state.undo.len() > LIMIT {
        state.undo.remove(0);
    }
}

fn describe(batch: &UndoBatch) -> String {
    match batch.steps.as_slice() {
        [one] => one.edit.summary.clone(),
        many => format!("{} ({} requests)", many[0].edit.summary, many.len()),
    }
}

/// Says `summary` now and again once all `count` edits of `batch` are saved.
fn note(state: &mut AppState, batch: u64, count: usize, summary: String) {
    state.say(Tone::Info, summary.clone());
    state.batch_note = Some(BatchNote {
        id: batch,
        remaining: count,
        summary,
    });
}

pub fn undo(state: &mut AppState) -> Vec<Effect> {
    let Some(undone) = state.undo.pop() else {
        state.say(Tone::Info, "nothing to undo".into());
        return Vec::new();
    };
    let batch = new_batch(state);
    let effects: Vec<Effect> = undone
        .steps
        .iter()
        .rev()
        .map(|step| Effect::SaveEdit {
            issue_id: step.issue_id,
            edit: step.edit.inverse(&step.before),
            origin: EditOrigin::Undo { batch },
        })
        .collect();
    let summary = format!("undid: {} (Z redoes)", describe(&undone));
    note(state, batch, effects.len(), summary);
    state.redo.push(undone);
    effects
}

pub fn redo(state: &mut AppState) -> Vec<Effect> {
    let Some(batch) = state.redo.pop() else {
        state.say(Tone::Info, "nothing to redo".into());
        return Vec::new();
    };
    let id = new_batch(state);
    note(
        state,
        id,
        batch.steps.len(),
        format!("redid: {}", describe(&batch)),
    );
    batch
        .steps
        .into_iter()
        .map(|step| Effect::SaveEdit {
            issue_id: step.issue_id,
            edit: step.edit,
            origin: EditOrigin::Redo { batch: id },
        })
        .collect()
}

/// Saves edits of one action as one batch (one undo step); no-ops are dropped. Several edits
/// are summarised once all are saved.
pub fn save_batch(state: &mut AppState, edits: Vec<(i64, IssueEdit)>, what: String) -> Vec<Effect> {
    let edits: Vec<(i64, IssueEdit)> = edits.into_iter().filter(|(_, e)| !e.is_noop()).collect();
    if edits.is_empty() {
        state.say(Tone::Info, "nothing to change".into());
        return Vec::new();
    }
    let batch = new_batch(state);
    if edits.len() > 1 {
        state.batch_note = Some(BatchNote {
            id: batch,
            remaining: edits.len(),
            summary: format!("{what} on {} requests", edits.len()),
        });
    }
    edits
        .into_iter()
        .map(|(issue_id, edit)| Effect::SaveEdit {
            issue_id,
            edit,
            origin: EditOrigin::User { batch },
        })
        .collect()
}

//! Undo and redo. Every saved edit is filed with the request as it was before; undo sends the
//! inverse edits as new deltas (so it works after the edit reached GitLab), redo sends the
//! originals again. One key press is one batch, however many requests it touched.

use crate::app::state::{AppState, Tone, UndoBatch, UndoStep};
use crate::app::update::{EditOrigin, Effect};
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
        EditOrigin::Undo => return,
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

pub fn undo(state: &mut AppState) -> Vec<Effect> {
    let Some(batch) = state.undo.pop() else {
        state.say(Tone::Info, "nothing to undo".into());
        return Vec::new();
    };
    let effects = batch
        .steps
        .iter()
        .rev()
        .map(|step| Effect::SaveEdit {
            issue_id: step.issue_id,
            edit: step.edit.inverse(&step.before),
            origin: EditOrigin::Undo,
        })
        .collect();
    state.say(
        Tone::Info,
        format!("undid: {} (Z redoes)", describe(&batch)),
    );
    state.redo.push(batch);
    effects
}

pub fn redo(state: &mut AppState) -> Vec<Effect> {
    let Some(batch) = state.redo.pop() else {
        state.say(Tone::Info, "nothing to redo".into());
        return Vec::new();
    };
    state.say(Tone::Info, format!("redid: {}", describe(&batch)));
    let id = new_batch(state);
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

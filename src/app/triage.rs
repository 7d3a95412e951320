//! The triage queue (`T`): new requests first, then backlog requests that need grooming, one at
//! a time with the grooming pane focused. Moving the request on is the decision and brings the
//! next one; `s` skips; `Esc` ends.

use crate::app::state::{AppState, Focus, Tone};
use crate::workflow::Placement;

/// The queue in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriageQueue {
    pub ids: Vec<i64>,
    /// Position of the request shown.
    pub position: usize,
}

/// The requests to go through, in board order: `new_request`, then ungroomed `backlog`.
fn queue(state: &AppState) -> Vec<i64> {
    let wf = &state.workflow;
    let stages = [wf.state_index("new_request"), wf.state_index("backlog")];
    let mut ids = Vec::new();
    for (n, stage) in stages.into_iter().enumerate() {
        let Some(stage) = stage else { continue };
        let Some(column) = state
            .columns
            .iter()
            .find(|c| c.placement == Placement::State(stage))
        else {
            continue;
        };
        for &i in &column.cards {
            let card = &state.cards[i];
            if n == 0 || !card.class.groomed {
                ids.push(card.record.id);
            }
        }
    }
    ids
}

/// Selects request `id` on the board (focusing its column). False when it is not shown.
pub(crate) fn select(state: &mut AppState, id: i64) -> bool {
    for (c, column) in state.columns.iter_mut().enumerate() {
        if let Some(pos) = column
            .cards
            .iter()
            .position(|&i| state.cards[i].record.id == id)
        {
            column.selected = pos;
            state.focused_column = c;
            return true;
        }
    }
    false
}

pub fn start(state: &mut AppState) {
    let ids = queue(state);
    if ids.is_empty() {
        state.say(
            Tone::Info,
            "nothing to triage: no new requests, the backlog is groomed".into(),
        );
        return;
    }
    state.triage = Some(TriageQueue { ids, position: 0 });
    state.focus = Focus::Grooming;
    state.groom_row = 0;
    show_current(state);
}

/// Shows the request at the current position, skipping any no longer on the board.
fn show_current(state: &mut AppState) {
    loop {
        let Some(queue) = &state.triage else { return };
        let Some(&id) = queue.ids.get(queue.position) else {
            let total = queue.ids.len();
            state.triage = None;
            state.focus = Focus::Board;
            state.say(Tone::Info, format!("triage done: {total} requests seen"));
            return;
        };
        if select(state, id) {
            return;
        }
        if let Some(queue) = &mut state.triage {
            queue.position += 1;
        }
    }
}

/// On to the next request (`s`, or after a decision).
pub fn next(state: &mut AppState) {
    if let Some(queue) = &mut state.triage {
        queue.position += 1;
    }
    show_current(state);
}

pub fn end(state: &mut AppState) {
    if let Some(queue) = state.triage.take() {
        state.say(
            Tone::Info,
            format!(
                "triage ended at {} of {}",
                queue.position + 1,
                queue.ids.len()
            ),
        );
    }
}

/// After an edit of `id` was saved: a move of the current request is a decision, so show the
/// next one; other edits (grooming fields) keep it on screen.
pub fn after_edit(state: &mut AppState, id: i64, moved: bool) {
    let current = state
        .triage
        .as_ref()
        .and_then(|q| q.ids.get(q.position).copied());
    if current == Some(id) {
        if moved {
            next(state);
        } else {
            select(state, id);
        }
    }
}

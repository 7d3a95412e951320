//! What IO reports back: an edit saved, a comment queued, a sync pass ended, histories fetched,
//! a conflict settled. Each result updates the state and says what happened on the status line.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::app::msg::{EditOrigin, Effect};
use crate::app::state::BoardData;
use crate::app::state::{AppState, Card, Tone};
use crate::app::{history, triage};
use crate::store::IssueRecord;
use crate::sync::SyncReport;
use crate::workflow::edit::IssueEdit;

/// An edit reached the cache (and the outbox): the card shows it, the undo history records it, and
/// the status line says so once per batch.
pub(crate) fn edit_saved(
    state: &mut AppState,
    record: Box<IssueRecord>,
    pending_for_issue: u32,
    pending_edits: i64,
    edit: IssueEdit,
    origin: EditOrigin,
) -> Vec<Effect> {
    let reference = format!("#{}", record.iid);
    let summary = edit.summary.clone();
    let before = state.card_by_id(record.id).map(|c| c.record.facts.clone());
    let placement_before = state.card_by_id(record.id).map(|c| c.class.placement);
    let saved_id = record.id;
    if let Some(before) = before {
        history::record(state, record.id, edit, before, origin);
    }
    // A batch says its summary once, when its last edit is saved.
    let batch = match origin {
        EditOrigin::User { batch } | EditOrigin::Undo { batch } | EditOrigin::Redo { batch } => {
            Some(batch)
        }
    };
    let in_batch = match (&mut state.batch_note, batch) {
        (Some(note), Some(id)) if note.id == id => {
            note.remaining = note.remaining.saturating_sub(1);
            true
        }
        _ => false,
    };
    let mut card = Card::new(&state.workflow, *record, pending_for_issue);
    let index = match state.cards.iter().position(|c| c.record.id == saved_id) {
        Some(index) => {
            // A local edit does not settle a conflict: keep showing it.
            card.conflict = state.cards[index].conflict.take();
            state.cards[index] = card;
            index
        }
        None => {
            state.cards.push(card);
            state.cards.len() - 1
        }
    };
    state.search.set(index, &state.cards[index].record);
    state.pending_edits = pending_edits;
    state.rebuild_columns();
    let moved = placement_before != state.card_by_id(saved_id).map(|c| c.class.placement);
    triage::after_edit(state, saved_id, moved);
    if in_batch {
        if let Some(note) = state.batch_note.take_if(|n| n.remaining == 0) {
            state.say(Tone::Info, format!("{} (queued)", note.summary));
        }
    } else if state.message.as_ref().is_none_or(|m| m.tone == Tone::Info) {
        state.say(Tone::Info, format!("{reference}: {summary} (queued)"));
    }
    // Push soon: the worker coalesces a burst of edits into one pass.
    if state.sync.enabled {
        vec![Effect::SyncNow { full: false }]
    } else {
        Vec::new()
    }
}

/// A comment was queued (`Ok(false)`: the editor came back empty) or could not be.
pub(crate) fn comment_queued(
    state: &mut AppState,
    reference: String,
    outcome: Result<bool, String>,
    pending_edits: i64,
) -> Vec<Effect> {
    state.pending_edits = pending_edits;
    match outcome {
        Ok(true) => {
            state.say(Tone::Info, format!("{reference}: comment queued"));
            if state.sync.enabled {
                return vec![Effect::SyncNow { full: false }];
            }
        }
        Ok(false) => state.say(Tone::Info, "empty comment: nothing queued".into()),
        Err(error) => state.say(Tone::Error, format!("comment not queued: {error}")),
    }
    Vec::new()
}

/// A pass ended: the board reloaded when it changed, and what needs the user's eye said.
pub(crate) fn sync_finished(
    state: &mut AppState,
    report: Box<SyncReport>,
    data: Option<Box<BoardData>>,
) -> Vec<Effect> {
    state.sync.running = false;
    state.sync.error = None;
    state.sync.offline = report.offline.clone();
    state.sync.waiting_until = None;
    state.sync.rate_limited_until = report.rate_limited_until;
    if let Some(data) = data {
        // Descriptions and comments may have changed: look the words up again.
        if let Some(filter) = &mut state.filter {
            filter.text_hits.clear();
            filter.searching.clear();
        }
        state.replace_data(*data);
    }
    if report.offline.is_none() {
        state.last_synced_at = Some(state.now);
    }
    if let Some(first) = report.conflicts.first() {
        state.say(Tone::Warn, format!("conflict: {first} (C settles it)"));
    } else if let Some(first) = report.failed.first() {
        state.say(Tone::Error, format!("not applied: {first}"));
    } else if !report.removed.is_empty() {
        state.say(
            Tone::Info,
            format!(
                "{} request(s) no longer on GitLab were removed: {}",
                report.removed.len(),
                report.removed.join(", ")
            ),
        );
    }
    Vec::new()
}

/// Histories were fetched: time in state patched into the live cards, and the filter's words
/// looked up again (their comments may hold them now).
pub(crate) fn history_fetched(
    state: &mut AppState,
    since: Vec<(i64, Option<DateTime<Utc>>)>,
) -> Vec<Effect> {
    let since: HashMap<i64, Option<DateTime<Utc>>> = since.into_iter().collect();
    for card in &mut state.cards {
        if let Some(&at) = since.get(&card.record.id) {
            card.record.state_since = at;
        }
    }
    // Their comments may hold the filter's words now: look them up again, showing the
    // old answers until the new ones come.
    let Some(filter) = &mut state.filter else {
        return Vec::new();
    };
    let words: Vec<String> = filter.query.text_words().map(str::to_string).collect();
    filter.text_hits.retain(|word, _| words.contains(word));
    filter.searching.extend(words.iter().cloned());
    if words.is_empty() {
        Vec::new()
    } else {
        vec![Effect::SearchText { words }]
    }
}

/// A conflict was settled in the cache.
pub(crate) fn conflict_resolved(
    state: &mut AppState,
    keep_mine: bool,
    data: BoardData,
) -> Vec<Effect> {
    state.replace_data(data);
    if keep_mine {
        state.say(
            Tone::Info,
            "keeping your edit: it goes to GitLab now".into(),
        );
        if state.sync.enabled {
            return vec![Effect::SyncNow { full: false }];
        }
    } else {
        state.say(
            Tone::Info,
            "took GitLab's version; your edit was dropped".into(),
        );
    }
    Vec::new()
}

//! Comments and label events: kept in arrival order, indexed by issue.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::json;

use crate::fake_gitlab::model::{LabelEvent, Model, Note, timestamp};
use crate::fake_gitlab::stored::StoredIssue;

/// A position in the notes or events, as the per-issue index keeps it. A fake holding more
/// than 4 billion events would have run out of memory long before.
fn position(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Model {
    /// Keeps a note, indexed by its issue.
    pub(super) fn record_note(&mut self, note: Note) {
        self.notes_at
            .entry(note.issue_id)
            .or_default()
            .push(position(self.notes.len()));
        self.notes.push(note);
    }

    /// Gives back what seeding over-reserved: vectors grow by doubling, and the seeded history
    /// is most of the fake's memory.
    pub(super) fn shrink_activity(&mut self) {
        self.notes.shrink_to_fit();
        self.label_events.shrink_to_fit();
        for positions in self
            .notes_at
            .values_mut()
            .chain(self.events_at.values_mut())
        {
            positions.shrink_to_fit();
        }
    }

    /// The shared copy of a label name, for events.
    pub(super) fn intern(&mut self, name: &str) -> Arc<str> {
        self.label_names.get(name)
    }

    /// Records a label event.
    pub fn push_event(&mut self, event: LabelEvent) {
        self.events_at
            .entry(event.issue_id)
            .or_default()
            .push(position(self.label_events.len()));
        self.label_events.push(event);
    }

    /// An issue's notes, oldest first.
    pub fn notes_of(&self, issue_id: i64) -> impl Iterator<Item = &Note> {
        self.notes_at
            .get(&issue_id)
            .into_iter()
            .flatten()
            .filter_map(|&at| self.notes.get(at as usize))
    }

    /// An issue's label events, as recorded.
    pub fn events_of(&self, issue_id: i64) -> impl Iterator<Item = &LabelEvent> {
        self.events_at
            .get(&issue_id)
            .into_iter()
            .flatten()
            .filter_map(|&at| self.label_events.get(at as usize))
    }

    /// Records a note (user or system) and bumps the issue like GitLab does.
    pub fn add_note(&mut self, issue_id: i64, body: String, system: bool) -> Note {
        let now = self.tick();
        let note = Note {
            id: self.next_id(),
            issue_id,
            body: Cow::Owned(body),
            system,
            author_id: crate::fake_gitlab::filters::API_USER_ID,
            created_at: now,
        };
        self.record_note(note.clone());
        if let Some(mut issue) = self.issues.get(&issue_id).map(StoredIssue::value) {
            issue["updated_at"] = json!(timestamp(now));
            if !system {
                let count = issue["user_notes_count"].as_i64().unwrap_or(0) + 1;
                issue["user_notes_count"] = json!(count);
            }
            self.store_issue(issue_id, &issue);
        }
        note
    }
}

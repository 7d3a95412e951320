//! Comments and label events, by issue: a seeded issue's past is made again from what it was
//! made of whenever it is asked for (the same each time: `history` is deterministic), then
//! what was recorded since seeding follows.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::fake_gitlab::history;
use crate::fake_gitlab::model::{LabelEvent, Model, Note, STATE_PREFIX, timestamp};
use crate::fake_gitlab::stored::StoredIssue;

/// What a seeded issue's comments and label events are made from: its labels when seeded,
/// its times, who wrote it and who worked it, how many comments it claimed, and the first of
/// the ids its past took (comments first, then label events, in the order made).
#[derive(Debug)]
pub(super) struct SeededPast {
    pub labels: Arc<[Arc<str>]>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub closed_ms: Option<i64>,
    /// The author's user id: the first label events are theirs.
    pub author: i64,
    /// Whoever worked the request (its assignee, else its author): comments and moves.
    pub mover: i64,
    pub comments: u32,
    pub first_id: i64,
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl SeededPast {
    fn times(&self) -> (DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>) {
        (
            at(self.created_ms),
            at(self.updated_ms),
            self.closed_ms.map(at),
        )
    }

    /// The seeded comments, oldest first.
    fn notes(&self, issue_id: i64) -> Vec<Note> {
        let (created, updated, _) = self.times();
        history::comments(issue_id, i64::from(self.comments), created, updated)
            .into_iter()
            .zip(self.first_id..)
            .map(|((created_at, body), id)| Note {
                id,
                issue_id,
                body: Cow::Borrowed(body),
                system: false,
                author_id: self.mover,
                created_at,
            })
            .collect()
    }

    /// The seeded label events: every label added when the issue was created, and a state
    /// label's path through the workflow (each move removes the state before).
    pub fn events(&self, issue_id: i64) -> Vec<LabelEvent> {
        let (created, updated, closed) = self.times();
        let mut ids = self.first_id + i64::from(self.comments)..;
        let mut events = Vec::new();
        for name in self.labels.iter() {
            let walk = if name.starts_with(STATE_PREFIX) {
                history::state_walk(issue_id, name, created, updated, closed)
                    .into_iter()
                    .map(|(label, at)| (Arc::<str>::from(label), at))
                    .collect()
            } else {
                vec![(name.clone(), created)]
            };
            let mut previous: Option<Arc<str>> = None;
            for (label, at) in walk {
                let user_id = if previous.is_some() {
                    self.mover
                } else {
                    self.author
                };
                if let Some(old) = previous.take() {
                    events.push(LabelEvent {
                        id: ids.next().unwrap_or_default(),
                        issue_id,
                        label: old,
                        add: false,
                        user_id,
                        created_at: at,
                    });
                }
                events.push(LabelEvent {
                    id: ids.next().unwrap_or_default(),
                    issue_id,
                    label: label.clone(),
                    add: true,
                    user_id,
                    created_at: at,
                });
                previous = Some(label);
            }
        }
        events
    }
}

impl Model {
    /// The shared copy of a seeded label set.
    pub(super) fn past_label_set(&mut self, names: &[String]) -> Arc<[Arc<str>]> {
        let key = names.join("\u{1f}");
        if let Some(known) = self.past_labels.get(key.as_str()) {
            return known.clone();
        }
        let set: Arc<[Arc<str>]> = names.iter().map(|n| self.intern(n)).collect();
        self.past_labels.insert(key.into(), set.clone());
        set
    }

    /// The shared copy of a label name, for events.
    pub(super) fn intern(&mut self, name: &str) -> Arc<str> {
        self.label_names.get(name)
    }

    /// Records a label event.
    pub fn push_event(&mut self, event: LabelEvent) {
        self.events.entry(event.issue_id).or_default().push(event);
    }

    /// An issue's notes, oldest first.
    pub fn notes_of(&self, issue_id: i64) -> impl Iterator<Item = Note> + '_ {
        let seeded = self
            .pasts
            .get(&issue_id)
            .map(|past| past.notes(issue_id))
            .unwrap_or_default();
        seeded
            .into_iter()
            .chain(self.notes.get(&issue_id).into_iter().flatten().cloned())
    }

    /// An issue's label events, the seeded ones first.
    pub fn events_of(&self, issue_id: i64) -> impl Iterator<Item = LabelEvent> + '_ {
        let seeded = self
            .pasts
            .get(&issue_id)
            .map(|past| past.events(issue_id))
            .unwrap_or_default();
        seeded
            .into_iter()
            .chain(self.events.get(&issue_id).into_iter().flatten().cloned())
    }

    /// Every issue's label events, by issue id.
    pub fn all_label_events(&self) -> Vec<LabelEvent> {
        self.issues
            .keys()
            .flat_map(|&id| self.events_of(id))
            .collect()
    }

    /// Every issue's notes, by issue id.
    pub fn all_notes(&self) -> Vec<Note> {
        self.issues
            .keys()
            .flat_map(|&id| self.notes_of(id))
            .collect()
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
        self.notes.entry(issue_id).or_default().push(note.clone());
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

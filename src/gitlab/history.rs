//! An issue's activity from GitLab's shapes into the store's: notes, label events, and the label
//! history read back from system notes ("added ~"p::1" label and removed ~"p::2" label") for
//! servers without `resource_label_events`.

use std::collections::HashMap;

use crate::store::{LabelEvent, Note};
use crate::wire;

pub fn note(issue_id: i64, note: &wire::Note) -> Note {
    Note {
        id: note.id,
        issue_id,
        author: note.author.as_ref().map(|a| a.username.clone()),
        body: note.body.clone(),
        system: note.system,
        created_at: note.created_at,
    }
}

/// `None` for events of a label that no longer exists or an action other than add/remove.
pub fn label_event(issue_id: i64, event: &wire::LabelEvent) -> Option<LabelEvent> {
    let added = match event.action.as_str() {
        "add" => true,
        "remove" => false,
        _ => return None,
    };
    Some(LabelEvent {
        id: event.id,
        issue_id,
        label: event.label.as_ref()?.name.clone(),
        added,
        actor: event.user.as_ref().map(|u| u.username.clone()),
        created_at: event.created_at,
    })
}

/// The label changes a system note records. `~123` references are resolved through
/// `label_ids`; unknown ones are skipped. Event ids are derived from the note's id so re-reading
/// the same note gives the same events.
pub fn events_from_system_note(note: &Note, label_ids: &HashMap<i64, String>) -> Vec<LabelEvent> {
    if !note.system {
        return Vec::new();
    }
    let mut events = Vec::new();
    let mut added = None;
    let mut rest = note.body.as_str();
    while !rest.is_empty() {
        let word_end = rest.find([' ', '\n']).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if word == "added" {
            added = Some(true);
        } else if word == "removed" {
            added = Some(false);
        } else if let Some(reference) = word.strip_prefix('~') {
            let (name, consumed) = if let Some(quoted) = rest.strip_prefix("~\"") {
                // A quoted name may hold spaces: read to the closing quote, not the word's end.
                match quoted.find('"') {
                    Some(end) => (Some(quoted[..end].to_string()), 2 + end + 1),
                    None => (None, word_end),
                }
            } else if let Ok(id) = reference.parse::<i64>() {
                (label_ids.get(&id).cloned(), word_end)
            } else {
                (Some(reference.to_string()), word_end)
            };
            if let (Some(name), Some(added)) = (name, added) {
                let index = i64::try_from(events.len()).unwrap_or(0);
                events.push(LabelEvent {
                    // Negative, so never a real event's id; in the note's order.
                    id: index - note.id * 64,
                    issue_id: note.issue_id,
                    label: name,
                    added,
                    actor: note.author.clone(),
                    created_at: note.created_at,
                });
            }
            rest = rest.get(consumed.min(rest.len())..).unwrap_or("");
            rest = rest.trim_start();
            continue;
        }
        rest = rest[word_end..].trim_start();
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn system(body: &str) -> Note {
        Note {
            id: 5,
            issue_id: 9,
            author: Some("alice".into()),
            body: body.into(),
            system: true,
            created_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap(),
        }
    }

    fn changes(events: &[LabelEvent]) -> Vec<(String, bool)> {
        events.iter().map(|e| (e.label.clone(), e.added)).collect()
    }

    #[test]
    fn quoted_plain_and_numeric_references_are_read() {
        let ids = HashMap::from([(42, "Partner Marketing".to_string())]);
        let note = system(
            "added ~\"sm_req::backlog\" ~42 labels and removed ~\"Needs Review\" ~urgent labels",
        );
        assert_eq!(
            changes(&events_from_system_note(&note, &ids)),
            [
                ("sm_req::backlog".to_string(), true),
                ("Partner Marketing".to_string(), true),
                ("Needs Review".to_string(), false),
                ("urgent".to_string(), false),
            ]
        );
    }

    #[test]
    fn other_notes_give_nothing() {
        assert!(events_from_system_note(&system("closed"), &HashMap::new()).is_empty());
        let mut comment = system("added ~\"p::1\" label");
        comment.system = false;
        assert!(events_from_system_note(&comment, &HashMap::new()).is_empty());
        // An unknown numeric reference is skipped rather than invented.
        assert!(events_from_system_note(&system("added ~7 label"), &HashMap::new()).is_empty());
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let note = system("added ~a ~b labels");
        let first = events_from_system_note(&note, &HashMap::new());
        let again = events_from_system_note(&note, &HashMap::new());
        assert_eq!(first, again);
        assert_ne!(first[0].id, first[1].id);
    }
}

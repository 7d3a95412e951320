//! Many issues' comments and label history in one GraphQL request.
//!
//! REST has no group-wide endpoint for either, so the REST path costs one or two requests per
//! issue (`notes` and `resource_label_events`). GraphQL's work items carry a notes widget whose
//! `discussions` are what GitLab's own issue page shows: comments, system notes, and resource
//! events merged in as synthetic notes (`Issuable::DiscussionsListService`). A label change
//! comes back as a `LabelNote` whose `systemNoteMetadata.action` is `label` and whose body is
//! "added ~12 ~14 labels and removed ~9 label" (labels by id), which `history` already reads.
//!
//! One query asks for up to [`BATCH`] issues of one project by `iids`. Its complexity, by
//! GitLab's rules, is 108 of the 250 an authenticated user may spend (the fake GitLab checks
//! this, and a test holds it): the `discussions` field is priced at six times its children for
//! a hundred discussions, and asking by `iids` makes the work items themselves free of the
//! per-item charge. An issue with more than a hundred discussions gets follow-up pages of its
//! own.
//!
//! What REST `notes` lists is kept as notes: real notes have numeric ids
//! (`gid://gitlab/Note/123`); synthetic ones (label, milestone and state changes) have a
//! discussion hash instead and are not notes on REST either.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::gitlab::{ApiError, Client, history};
use crate::store::{LabelEvent, Note};

/// Issues asked for in one query. GitLab's query timeout (30 s on gitlab.com) rather than its
/// complexity limit bounds this: fifty issues' discussions is a modest load.
pub const BATCH: usize = 50;

/// The query. `$after` pages one issue's discussions (follow-ups ask for that issue alone).
pub const HISTORY_QUERY: &str =
    "query IssueHistory($project: ID!, $iids: [String!], $after: String) {
  project(fullPath: $project) {
    workItems(iids: $iids, first: 100) {
      nodes {
        iid
        widgets {
          ... on WorkItemWidgetNotes {
            discussions(first: 100, after: $after) {
              pageInfo { hasNextPage endCursor }
              nodes {
                notes {
                  nodes {
                    id body system createdAt
                    author { username }
                    systemNoteMetadata { action }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}";

#[derive(Deserialize)]
struct Answer {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GraphqlError>,
}

#[derive(Deserialize)]
struct GraphqlError {
    message: String,
}

#[derive(Deserialize)]
struct Data {
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(rename = "workItems")]
    work_items: Nodes<WorkItem>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
struct WorkItem {
    iid: String,
    widgets: Vec<Widget>,
}

/// Every widget; only the notes widget has `discussions`.
#[derive(Deserialize)]
struct Widget {
    discussions: Option<Discussions>,
}

#[derive(Deserialize)]
struct Discussions {
    #[serde(rename = "pageInfo")]
    page_info: PageInfo,
    nodes: Vec<Discussion>,
}

#[derive(Deserialize)]
struct PageInfo {
    #[serde(rename = "hasNextPage")]
    has_next_page: bool,
    #[serde(rename = "endCursor")]
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Discussion {
    notes: Nodes<GraphqlNote>,
}

#[derive(Deserialize)]
struct GraphqlNote {
    id: String,
    body: String,
    system: bool,
    #[serde(rename = "createdAt")]
    created_at: DateTime<Utc>,
    author: Option<Author>,
    #[serde(rename = "systemNoteMetadata")]
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Author {
    username: String,
}

#[derive(Deserialize)]
struct Metadata {
    action: Option<String>,
}

/// Why GraphQL could not answer; the caller falls back to REST for the first two.
#[derive(Debug)]
pub enum HistoryError {
    /// This GitLab has no GraphQL endpoint, or no work items or notes widget in it, or refused
    /// the query (too complex, an argument it does not know): the message says which.
    Unsupported(String),
    /// The request itself failed (offline, 401, rate limit, ...).
    Api(ApiError),
}

impl From<ApiError> for HistoryError {
    fn from(err: ApiError) -> Self {
        HistoryError::Api(err)
    }
}

/// One issue's history as one page of its discussions gave it.
#[derive(Debug, Default)]
pub struct IssueHistory {
    pub notes: Vec<Note>,
    pub events: Vec<LabelEvent>,
    /// Set when the issue has more discussions: the cursor to ask for them with.
    pub more: Option<String>,
}

/// The trailing id of a global id when it is numeric (`gid://gitlab/Note/123` → 123).
fn numeric_id(gid: &str) -> Option<i64> {
    gid.rsplit('/').next()?.parse().ok()
}

/// A synthetic note's id from its discussion hash (`gid://gitlab/LabelNote/<40 hex>`): the
/// first 48 bits, so the events derived from it (`history` multiplies by 64) stay in range and
/// are the same each time the note is read.
fn synthetic_id(gid: &str) -> i64 {
    let hash = gid.rsplit('/').next().unwrap_or("");
    let head: String = hash.chars().take(12).collect();
    i64::from_str_radix(&head, 16).unwrap_or(0) + 1
}

fn convert(
    issue_id: i64,
    discussions: Discussions,
    label_ids: &HashMap<i64, String>,
) -> IssueHistory {
    let mut history = IssueHistory {
        more: discussions
            .page_info
            .has_next_page
            .then_some(discussions.page_info.end_cursor)
            .flatten(),
        ..IssueHistory::default()
    };
    for note in discussions.nodes.into_iter().flat_map(|d| d.notes.nodes) {
        let label_change =
            note.metadata.as_ref().and_then(|m| m.action.as_deref()) == Some("label");
        let real_id = numeric_id(&note.id);
        let stored = Note {
            id: real_id.unwrap_or_else(|| synthetic_id(&note.id)),
            issue_id,
            author: note.author.map(|a| a.username),
            body: note.body,
            system: note.system,
            created_at: note.created_at,
        };
        if label_change {
            history
                .events
                .extend(history::events_from_system_note(&stored, label_ids));
        }
        if real_id.is_some() {
            history.notes.push(stored);
        }
    }
    history
}

/// Does this GraphQL error say the server will never answer this query (graphql-ruby's
/// validation and limits), rather than that it failed this time?
fn refuses_the_query(message: &str) -> bool {
    [
        "doesn't exist on type",
        "doesn't accept argument",
        "is missing required arguments",
        "Type mismatch",
        "was provided invalid value",
        "exceeds max complexity",
        "exceeds max depth",
        "Parse error",
        "No such type",
        "can't be spread inside",
    ]
    .iter()
    .any(|pattern| message.contains(pattern))
}

/// The history of the issues `iids` (all of `project`), by iid; `after` continues one
/// issue's discussions. An iid missing from the answer is an issue GitLab no longer shows.
pub async fn fetch(
    client: &Client,
    project: &str,
    iids: &[(i64, i64)],
    after: Option<&str>,
    label_ids: &HashMap<i64, String>,
) -> Result<HashMap<i64, IssueHistory>, HistoryError> {
    let variables = json!({
        "project": project,
        "iids": iids.iter().map(|(iid, _)| iid.to_string()).collect::<Vec<_>>(),
        "after": after,
    });
    let answer = match client.graphql(HISTORY_QUERY, &variables).await {
        Ok(answer) => answer,
        // No GraphQL on this server (or a proxy that blocks it).
        Err(ApiError::NotFound { message, .. }) => {
            return Err(HistoryError::Unsupported(format!(
                "no GraphQL endpoint ({message})"
            )));
        }
        Err(err) => return Err(err.into()),
    };
    let answer: Answer = serde_json::from_value(answer)
        .map_err(|err| HistoryError::Api(ApiError::Malformed(format!("GraphQL answer: {err}"))))?;
    if let Some(first) = answer.errors.first() {
        let message = first.message.clone();
        return Err(if refuses_the_query(&message) {
            HistoryError::Unsupported(message)
        } else {
            // A timeout or an internal error on GitLab's side: try again next pass, over
            // GraphQL still.
            tracing::info!(error = %crate::sanitize::clean_line(&message), "GraphQL failed");
            HistoryError::Api(ApiError::Server {
                status: 500,
                attempts: 1,
            })
        });
    }
    let Some(project) = answer.data.and_then(|d| d.project) else {
        // The project is gone or hidden: so are its issues.
        return Ok(HashMap::new());
    };
    let issue_ids: HashMap<i64, i64> = iids.iter().copied().collect();
    let mut found = HashMap::new();
    for item in project.work_items.nodes {
        let Some(iid) = item.iid.parse::<i64>().ok() else {
            continue;
        };
        let Some(&issue_id) = issue_ids.get(&iid) else {
            continue;
        };
        let Some(discussions) = item.widgets.into_iter().find_map(|w| w.discussions) else {
            return Err(HistoryError::Unsupported(
                "work items without a notes widget".into(),
            ));
        };
        found.insert(iid, convert(issue_id, discussions, label_ids));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_notes_are_kept_and_label_notes_become_events() {
        let labels = HashMap::from([(12, "p::1".to_string()), (9, "p::2".to_string())]);
        let discussions: Discussions = serde_json::from_value(json!({
            "pageInfo": {"hasNextPage": true, "endCursor": "abc"},
            "nodes": [
                {"notes": {"nodes": [{"id": "gid://gitlab/Note/41", "body": "Looks good", "system": false,
                    "createdAt": "2026-11-02T09:00:00Z", "author": {"username": "ana"}, "systemNoteMetadata": null}]}},
                {"notes": {"nodes": [{"id": "gid://gitlab/LabelNote/0123456789abcdef0123456789abcdef01234567",
                    "body": "added ~12 label and removed ~9 label", "system": true,
                    "createdAt": "2026-11-03T09:00:00Z", "author": {"username": "bo"},
                    "systemNoteMetadata": {"action": "label"}}]}},
                {"notes": {"nodes": [{"id": "gid://gitlab/MilestoneNote/fedcba9876543210fedcba9876543210fedcba98",
                    "body": "changed milestone to %3", "system": true,
                    "createdAt": "2026-11-04T09:00:00Z", "author": null,
                    "systemNoteMetadata": {"action": "milestone"}}]}}
            ]
        }))
        .unwrap();
        let history = convert(7, discussions, &labels);
        assert_eq!(history.more.as_deref(), Some("abc"));
        assert_eq!(history.notes.len(), 1, "synthetic notes are not REST notes");
        assert_eq!(history.notes[0].id, 41);
        let changes: Vec<(&str, bool, Option<&str>)> = history
            .events
            .iter()
            .map(|e| (e.label.as_str(), e.added, e.actor.as_deref()))
            .collect();
        assert_eq!(
            changes,
            [("p::1", true, Some("bo")), ("p::2", false, Some("bo"))]
        );
        assert!(history.events.iter().all(|e| e.issue_id == 7));
    }

    #[test]
    fn only_a_refused_query_sends_the_history_over_rest() {
        assert!(refuses_the_query(
            "Field 'workItems' doesn't exist on type 'Project'"
        ));
        assert!(refuses_the_query(
            "Query has complexity of 300, which exceeds max complexity of 250"
        ));
        assert!(!refuses_the_query("Request timed out"));
        assert!(!refuses_the_query("Internal server error"));
    }

    #[test]
    fn synthetic_ids_are_stable_and_leave_room_for_derived_events() {
        let gid = "gid://gitlab/LabelNote/ffffffffffffffffffffffffffffffffffffffff";
        assert_eq!(synthetic_id(gid), synthetic_id(gid));
        assert!(synthetic_id(gid).checked_mul(64).is_some());
        assert_ne!(
            synthetic_id("gid://gitlab/LabelNote/0000000000010000000000000000000000000000"),
            synthetic_id("gid://gitlab/LabelNote/0000000000020000000000000000000000000000")
        );
    }
}

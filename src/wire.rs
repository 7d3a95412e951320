//! GitLab REST v4 JSON shapes, as the API sends them (GITLAB_API.md).
//!
//! Only the fields the board reads are typed; unknown fields are ignored and optional ones may be
//! missing. These types stay at the edge: `store::convert` turns them into the cache's
//! records. They sit below both the client (`gitlab`) and the cache (`store`), which both
//! speak them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A user as embedded in issues (`author`, `assignees`) and returned by `members/all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub web_url: Option<String>,
}

/// A milestone as embedded in an issue or listed by `/milestones`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: i64,
    #[serde(default)]
    pub iid: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub web_url: Option<String>,
}

/// A label, from `/labels` or from `with_labels_details=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub text_color: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `labels` is an array of names, or of objects with `with_labels_details=true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IssueLabel {
    Name(String),
    Detailed(Label),
}

impl IssueLabel {
    pub fn name(&self) -> &str {
        match self {
            IssueLabel::Name(name) => name,
            IssueLabel::Detailed(label) => &label.name,
        }
    }
}

/// `references` of an issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct References {
    pub short: String,
    #[serde(default)]
    pub relative: Option<String>,
    pub full: String,
}

/// An issue as `GET /projects/:id/issues` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub id: i64,
    pub iid: i64,
    pub project_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub state: String,
    #[serde(default)]
    pub labels: Vec<IssueLabel>,
    #[serde(default)]
    pub milestone: Option<Milestone>,
    #[serde(default)]
    pub assignees: Vec<User>,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    pub web_url: String,
    #[serde(default)]
    pub references: Option<References>,
    #[serde(default)]
    pub confidential: bool,
    /// How many comments (not system notes) the issue has.
    #[serde(default)]
    pub user_notes_count: Option<i64>,
}

/// A note (comment or system note) on an issue.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Note {
    pub id: i64,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub author: Option<User>,
    #[serde(default)]
    pub system: bool,
    pub created_at: DateTime<Utc>,
}

/// The label an event names (a deleted label may come back as `null`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EventLabel {
    pub name: String,
}

/// One `resource_label_events` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LabelEvent {
    pub id: i64,
    #[serde(default)]
    pub user: Option<User>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub label: Option<EventLabel>,
    /// `add` or `remove`.
    pub action: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_with_unknown_fields_and_label_details_parses() {
        let json = r##"{
            "id": 1, "iid": 6, "project_id": 3, "title": "t", "state": "opened",
            "labels": [{"name": "p::1", "color": "#ff0000", "text_color": "#fff"}, "plain"],
            "created_at": "2026-11-01T10:00:00.000Z", "updated_at": "2026-11-02T10:00:00.000Z",
            "web_url": "https://gitlab.example/g/p/-/issues/6",
            "weight": 3, "health_status": null, "epic": {"id": 1},
            "references": {"short": "#6", "relative": "#6", "full": "g/p#6"}
        }"##;
        let issue: Issue = serde_json::from_str(json).unwrap();
        let names: Vec<&str> = issue.labels.iter().map(IssueLabel::name).collect();
        assert_eq!(names, ["p::1", "plain"]);
        assert_eq!(issue.description, None);
        assert!(issue.assignees.is_empty());
    }
}

//! How the fake keeps an issue: GitLab's JSON as compact text (about a quarter of the memory of
//! a parsed `serde_json::Value`, whose every key and string is an allocation of its own), plus
//! the few facts the list filters read, parsed once when the issue is stored. A listing writes
//! the text out as it is; reading or changing one issue parses it.

use serde_json::Value;
use serde_json::value::RawValue;

/// What the issue-list filters read, kept beside the text so that filtering thousands of issues
/// for every page never parses one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFacts {
    pub iid: Option<i64>,
    pub project_id: i64,
    pub state: Box<str>,
    pub labels: Vec<Box<str>>,
    pub milestone_title: Option<Box<str>>,
    pub author_id: Option<i64>,
    pub author_username: Option<Box<str>>,
    /// Each assignee's id and username.
    pub assignees: Vec<(Option<i64>, Box<str>)>,
    pub confidential: bool,
}

impl IssueFacts {
    /// The facts of an issue in GitLab's JSON shape (label objects count by their name).
    pub fn of(issue: &Value) -> IssueFacts {
        let text = |v: &Value| v.as_str().map(Box::from);
        IssueFacts {
            iid: issue["iid"].as_i64(),
            project_id: issue["project_id"].as_i64().unwrap_or(0),
            state: text(&issue["state"]).unwrap_or_default(),
            labels: issue["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| text(l).or_else(|| text(&l["name"])))
                .collect(),
            milestone_title: text(&issue["milestone"]["title"]),
            author_id: issue["author"]["id"].as_i64(),
            author_username: text(&issue["author"]["username"]),
            assignees: issue["assignees"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|u| (u["id"].as_i64(), text(&u["username"]).unwrap_or_default()))
                .collect(),
            confidential: issue["confidential"].as_bool().unwrap_or(false),
        }
    }

    /// Whether the issue carries the label `name`.
    pub fn has_label(&self, name: &str) -> bool {
        self.labels.iter().any(|l| &**l == name)
    }
}

/// One issue as stored.
#[derive(Debug)]
pub struct StoredIssue {
    json: Box<RawValue>,
    facts: IssueFacts,
}

impl StoredIssue {
    /// Stores `issue` (an object in GitLab's shape).
    pub fn new(issue: &Value) -> StoredIssue {
        StoredIssue {
            json: compact(issue),
            facts: IssueFacts::of(issue),
        }
    }

    /// The issue as GitLab's JSON, parsed afresh (change it and `store` it back).
    pub fn value(&self) -> Value {
        // The text was written from a `Value` by serde_json, so it parses back; `Null` would
        // only ever stand for memory corruption.
        serde_json::from_str(self.json.get()).unwrap_or(Value::Null)
    }

    /// The issue's JSON text, written out as it is.
    pub fn raw(&self) -> &RawValue {
        &self.json
    }

    pub fn facts(&self) -> &IssueFacts {
        &self.facts
    }
}

/// `value` as compact JSON text.
fn compact(value: &Value) -> Box<RawValue> {
    // Serialising a `Value` cannot fail (its map keys are strings) and its output is valid JSON.
    serde_json::value::to_raw_value(value)
        .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_issue_reads_back_as_it_was_stored_with_its_facts() {
        let issue = json!({
            "id": 5, "iid": 2, "project_id": 9, "state": "opened", "title": "A \u{1b}[31m title",
            "labels": ["b", {"name": "a"}], "milestone": {"title": "FY27-Q4"},
            "author": {"id": 3, "username": "ada"},
            "assignees": [{"id": 4, "username": "bo"}], "confidential": true
        });
        let stored = StoredIssue::new(&issue);
        assert_eq!(stored.value(), issue);
        assert_eq!(
            serde_json::from_str::<Value>(stored.raw().get()).unwrap(),
            issue
        );
        let facts = stored.facts();
        assert_eq!(facts.iid, Some(2));
        assert_eq!(facts.project_id, 9);
        assert_eq!(&*facts.state, "opened");
        assert!(facts.has_label("a") && facts.has_label("b") && !facts.has_label("c"));
        assert_eq!(facts.milestone_title.as_deref(), Some("FY27-Q4"));
        assert_eq!(facts.author_username.as_deref(), Some("ada"));
        assert_eq!(facts.assignees, vec![(Some(4), Box::from("bo"))]);
        assert!(facts.confidential);
    }

    #[test]
    fn the_text_is_compact() {
        let issue = crate::demo::generate::generate(1, 3, crate::demo::generate::default_anchor())
            .remove(0);
        let stored = StoredIssue::new(&issue);
        // Compact: no whitespace between tokens.
        assert!(!stored.raw().get().contains(", "));
        assert!(!stored.raw().get().contains("\": "));
    }
}

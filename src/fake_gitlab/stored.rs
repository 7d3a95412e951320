//! How the fake keeps an issue: GitLab's JSON as compact text, LZ4-compressed against a
//! dictionary the model's issues share (a seeded issue's 1.1 KB packs into about a quarter; a
//! parsed `serde_json::Value` would take four times the text), plus the few facts the list
//! filters read, parsed once when the issue is stored. A listing unpacks the text and writes it
//! out as it is; reading or changing one issue parses it.

use std::sync::Arc;

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

/// One issue as stored: its compact JSON text, LZ4-compressed against the dictionary shared by
/// every issue of the model (`Dictionary`), and its facts.
#[derive(Debug)]
pub struct StoredIssue {
    packed: Box<[u8]>,
    dictionary: Dictionary,
    facts: IssueFacts,
}

/// What issues are compressed against: the text of the first issue the model stored. Issues
/// share most of their text (keys, users, milestones, URLs, label names), so against it the
/// 1.1 KB of a seeded issue packs into about a quarter; a page of a listing unpacks in
/// microseconds. Fixed once chosen: an issue unpacks only with the dictionary it was packed
/// against.
#[derive(Debug, Clone, Default)]
pub struct Dictionary(Arc<[u8]>);

impl Dictionary {
    /// A dictionary of `sample`'s compact text.
    pub fn of(sample: &Value) -> Dictionary {
        Dictionary(Arc::from(compact(sample).into_bytes()))
    }
}

impl StoredIssue {
    /// Stores `issue` (an object in GitLab's shape) with no dictionary (tests).
    pub fn new(issue: &Value) -> StoredIssue {
        StoredIssue::packed_with(issue, &Dictionary::default())
    }

    /// Stores `issue`, compressed against `dictionary`.
    pub fn packed_with(issue: &Value, dictionary: &Dictionary) -> StoredIssue {
        let text = compact(issue);
        let packed =
            lz4_flex::block::compress_prepend_size_with_dict(text.as_bytes(), &dictionary.0);
        StoredIssue {
            packed: packed.into_boxed_slice(),
            dictionary: dictionary.clone(),
            facts: IssueFacts::of(issue),
        }
    }

    /// The issue as GitLab's JSON, parsed afresh (change it and `store` it back).
    pub fn value(&self) -> Value {
        // The text was written from a `Value` by serde_json, so it parses back; `Null` would
        // only ever stand for memory corruption.
        serde_json::from_str(&self.text()).unwrap_or(Value::Null)
    }

    /// The issue's JSON text, as it was stored.
    pub fn text(&self) -> String {
        lz4_flex::block::decompress_size_prepended_with_dict(&self.packed, &self.dictionary.0)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_else(|| "null".into())
    }

    /// The issue's JSON text, to be written out as it is.
    pub fn raw(&self) -> Box<RawValue> {
        RawValue::from_string(self.text())
            .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON"))
    }

    pub fn facts(&self) -> &IssueFacts {
        &self.facts
    }
}

/// `value` as compact JSON text (serde_json writes no whitespace between tokens).
fn compact(value: &Value) -> String {
    // Serialising a `Value` cannot fail: its map keys are strings.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
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
        // Against a dictionary of another issue, it reads back the same.
        let other = json!({"id": 6, "iid": 3, "title": "Another", "labels": ["b"]});
        let packed = StoredIssue::packed_with(&issue, &Dictionary::of(&other));
        assert_eq!(packed.value(), issue);
        assert_eq!(packed.facts(), stored.facts());
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

    #[test]
    fn seeded_issues_pack_into_a_fraction_of_their_text_against_the_first() {
        let issues =
            crate::demo::generate::generate(200, 3, crate::demo::generate::default_anchor());
        let dictionary = Dictionary::of(&issues[0]);
        let (mut text, mut packed) = (0, 0);
        for issue in &issues[1..] {
            let stored = StoredIssue::packed_with(issue, &dictionary);
            assert_eq!(&stored.value(), issue);
            text += compact(issue).len();
            packed += stored.packed.len();
        }
        assert!(packed * 3 < text, "{packed} bytes packed from {text}");
    }
}

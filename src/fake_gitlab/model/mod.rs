//! The fake GitLab's data: groups, projects, issues (kept as GitLab JSON so every field given by
//! `--data` passes through), labels, milestones, members, notes and label events, plus the
//! rules GitLab applies when an issue is edited (`edits`), the group tree (`groups`), and
//! comments and label events (`activity`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

mod activity;
mod edits;
pub use edits::IssueUpdate;
mod groups;

use crate::fake_gitlab::stored::{Dictionary, StoredIssue};

/// Labels of the workflow's state key, whose seeded issues get a made-up path through the
/// workflow (see `history`).
pub(super) const STATE_PREFIX: &str = "sm_req::";

/// How scoped labels behave on `add_labels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopedLabels {
    /// Premium/Ultimate: adding `k::v` removes every other `k::*`.
    Exclusive,
    /// Free: both values stay.
    Free,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: i64,
    pub path_with_namespace: String,
}

impl Project {
    /// The full path of the group the project lives in.
    pub fn namespace(&self) -> &str {
        self.path_with_namespace
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }
}

/// A group: every namespace above a project is one, up to the top.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub full_path: String,
}

impl Group {
    /// Is `path` this group or below it?
    pub fn contains_path(&self, path: &str) -> bool {
        path == self.full_path
            || path
                .strip_prefix(self.full_path.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Who a label or milestone belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Group(i64),
    Project(i64),
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub issue_id: i64,
    /// Seeded comments share their few texts; comments made through the API own theirs.
    pub body: Cow<'static, str>,
    pub system: bool,
    /// The author's user id (rendered as GitLab embeds users when served; the API user when
    /// not a member).
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct LabelEvent {
    pub id: i64,
    pub issue_id: i64,
    /// Shared with every other event of the same label (a seeded 10,000 issues have 115,000
    /// events naming a few dozen labels).
    pub label: Arc<str>,
    pub add: bool,
    /// The member who made the change (1: the API user); looked up when served, so tens of
    /// thousands of events do not each carry a copy of a user.
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
}

/// An issue's listing keys (times in Unix milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueKeys {
    pub id: i64,
    pub project_id: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl IssueKeys {
    fn of(id: i64, issue: &Value) -> IssueKeys {
        let ms = |field: &str| {
            issue[field]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map_or(i64::MIN, |t| t.timestamp_millis())
        };
        IssueKeys {
            id,
            project_id: issue["project_id"].as_i64().unwrap_or(0),
            created_ms: ms("created_at"),
            updated_ms: ms("updated_at"),
        }
    }
}

/// Everything the fake serves.
#[derive(Debug)]
pub struct Model {
    /// The group holding every project (the board's group).
    pub group_id: i64,
    pub group_path: String,
    /// Every group, ancestors of the board's group and its subgroups included.
    pub groups: Vec<Group>,
    pub projects: Vec<Project>,
    /// Whether `PUT` knows `add_labels`/`remove_labels` (GitLab 11.x and later).
    pub add_labels_api: bool,
    /// Archived projects: read-only, and left out of group issue lists by default.
    pub archived: BTreeSet<i64>,
    /// Where each label is defined (GitLab lists group labels, project labels and their
    /// ancestors' by rules of their own).
    pub label_owners: BTreeMap<String, Owner>,
    /// By global issue id. Added to and changed through the model's methods (`new`,
    /// `update_issue`, `add_note`), which keep the listing keys and indexes in step; an issue
    /// removed directly simply stops being listed.
    pub issues: BTreeMap<i64, StoredIssue>,
    /// What stored issues are compressed against: the first issue stored (see `Dictionary`).
    dictionary: Option<Dictionary>,
    pub labels: BTreeMap<String, Value>,
    pub milestones: BTreeMap<i64, Value>,
    pub members: BTreeMap<i64, Value>,
    /// What each seeded issue's past (its comments and label events, see `history`) is
    /// made from when asked for: a seeded 50,000 issues have 575,000 label events, which
    /// kept as they are took 32 MB (`activity`).
    pasts: HashMap<i64, activity::SeededPast>,
    /// Label sets shared by the seeded pasts.
    past_labels: HashMap<Box<str>, Arc<[Arc<str>]>>,
    /// Comments and label events made since seeding, by issue (`add_note`, `push_event`).
    notes: HashMap<i64, Vec<Note>>,
    events: HashMap<i64, Vec<LabelEvent>>,
    /// Issue ids by (project, iid).
    by_iid: HashMap<(i64, i64), i64>,
    /// Label names shared by the label events.
    label_names: crate::workflow::SharedStrings,
    /// What every listing sorts and windows by, per issue, kept beside the JSON: reading
    /// these fields out of 10,000 JSON objects per page cost 20 ms a page.
    keys: BTreeMap<i64, IssueKeys>,
    /// Issue ids by (updated_at ms, id): a listing windowed by `updated_after`/`updated_before`
    /// reads its range instead of every issue.
    by_updated: BTreeSet<(i64, i64)>,
    pub scoped: ScopedLabels,
    /// Labels that do not exist are created (a user who may admin labels) or dropped silently.
    pub create_unknown_labels: bool,
    /// Whether `resource_label_events` exists (GitLab 11.2 and later).
    pub label_events_api: bool,
    /// How much of GitLab's GraphQL is served.
    pub graphql: crate::fake_gitlab::graphql::GraphqlApi,
    /// GraphQL answers still to fail with a timeout (a fault knob).
    pub graphql_timeouts: u32,
    next_id: i64,
    last_update: DateTime<Utc>,
}

pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn label_color(name: &str) -> String {
    let hash = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("#{:06x}", hash & 0x00ff_ffff)
}

/// The user the fake acts as when the API edits something.
pub fn api_user() -> Value {
    json!({"id": 1, "username": "sm-board-bot", "name": "sm-board test user", "state": "active",
           "avatar_url": null, "web_url": "https://gitlab.example.com/sm-board-bot"})
}

impl Model {
    /// A user by id as GitLab embeds it (the API user when unknown).
    pub fn user(&self, id: i64) -> Value {
        self.members.get(&id).cloned().unwrap_or_else(api_user)
    }

    /// Builds the model from issues in GitLab's JSON shape and extra milestones.
    pub fn new(issues: impl IntoIterator<Item = Value>, extra_milestones: Vec<Value>) -> Self {
        let mut model = Model {
            group_id: 77,
            group_path: String::new(),
            groups: Vec::new(),
            projects: Vec::new(),
            label_owners: BTreeMap::new(),
            archived: BTreeSet::new(),
            add_labels_api: true,
            issues: BTreeMap::new(),
            dictionary: None,
            labels: BTreeMap::new(),
            milestones: BTreeMap::new(),
            members: BTreeMap::new(),
            pasts: HashMap::new(),
            past_labels: HashMap::new(),
            notes: HashMap::new(),
            events: HashMap::new(),
            by_iid: HashMap::new(),
            label_names: crate::workflow::SharedStrings::default(),
            keys: BTreeMap::new(),
            by_updated: BTreeSet::new(),
            scoped: ScopedLabels::Exclusive,
            create_unknown_labels: true,
            label_events_api: true,
            graphql: crate::fake_gitlab::graphql::GraphqlApi::Full,
            graphql_timeouts: 0,
            next_id: 1_000_000,
            last_update: DateTime::<Utc>::UNIX_EPOCH,
        };
        for issue in issues {
            model.adopt(issue);
        }
        model.pasts.shrink_to_fit();
        model.past_labels = HashMap::new();
        // Extra milestones, unless the issues brought ones of the same title.
        for m in extra_milestones {
            let taken = model
                .milestones
                .values()
                .any(|known| known["title"] == m["title"]);
            if let (Some(id), false) = (m["id"].as_i64(), taken) {
                model.milestones.insert(id, m);
            }
        }
        model.build_groups();
        model
    }

    fn adopt(&mut self, mut issue: Value) {
        let Some(id) = issue["id"].as_i64() else {
            return;
        };
        let project_id = issue["project_id"].as_i64().unwrap_or(0);
        let full = issue["references"]["full"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let project_path = full.split('#').next().unwrap_or("").to_string();
        if !self.projects.iter().any(|p| p.id == project_id) {
            self.projects.push(Project {
                id: project_id,
                path_with_namespace: project_path.clone(),
            });
        }
        if let Some(m) = issue.get("milestone").filter(|m| m.is_object())
            && let Some(mid) = m["id"].as_i64()
        {
            self.milestones.entry(mid).or_insert_with(|| m.clone());
        }
        for user in issue["assignees"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(issue.get("author").filter(|a| a.is_object()))
        {
            if let Some(uid) = user["id"].as_i64() {
                self.members.entry(uid).or_insert_with(|| user.clone());
            }
        }
        let created = issue["created_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(Utc::now(), |t| t.with_timezone(&Utc));
        let names: Vec<String> = issue["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| {
                l.as_str()
                    .or_else(|| l["name"].as_str())
                    .map(str::to_string)
            })
            .collect();
        let author = issue["author"]["id"].as_i64().unwrap_or(1);
        // Whoever worked the request moved it (its assignee, else its author).
        let mover = issue["assignees"][0]["id"].as_i64().unwrap_or(author);
        let time = |field: &str| {
            issue[field]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        let (updated, closed) = (time("updated_at").unwrap_or(created), time("closed_at"));
        // The comments the issue says it has (`user_notes_count`), so a client that trusts the
        // count finds them, and one that skips a count of 0 skips nothing; and a path through
        // the workflow to its labels. Both are made again when asked for (`activity`); what
        // they are made of is kept, and their ids are taken now.
        let count = issue["user_notes_count"].as_i64().unwrap_or(0);
        let labels = self.past_label_set(&names);
        let mut past = activity::SeededPast {
            labels,
            created_ms: created.timestamp_millis(),
            updated_ms: updated.timestamp_millis(),
            closed_ms: closed.map(|t| t.timestamp_millis()),
            author,
            mover,
            comments: u32::try_from(count.max(0)).unwrap_or(u32::MAX),
            first_id: 0,
        };
        // Made once now: every label its events name exists (created before the ids the past
        // takes), and the events are counted.
        let events = past.events(id);
        for event in &events {
            self.ensure_label(&event.label);
        }
        past.first_id = self.next_id + 1;
        self.next_id += i64::from(past.comments) + events.len() as i64;
        self.pasts.insert(id, past);
        issue["labels"] = json!(names);
        if let Some(updated) = issue["updated_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        {
            self.last_update = self.last_update.max(updated.with_timezone(&Utc));
        }
        if let (Some(project), Some(iid)) = (issue["project_id"].as_i64(), issue["iid"].as_i64()) {
            self.by_iid.insert((project, iid), id);
        }
        self.store_issue(id, &issue);
    }

    /// Keeps `issue` (new or changed) as issue `id`, with its listing keys.
    fn store_issue(&mut self, id: i64, issue: &Value) {
        self.set_keys(IssueKeys::of(id, issue));
        let dictionary = self.dictionary.get_or_insert_with(|| Dictionary::of(issue));
        let stored = StoredIssue::packed_with(issue, dictionary);
        self.issues.insert(id, stored);
    }

    fn ensure_label(&mut self, name: &str) {
        if !self.labels.contains_key(name) {
            self.next_id += 1;
            self.labels.insert(
                name.to_string(),
                json!({"id": self.next_id, "name": name, "color": label_color(name),
                       "text_color": "#FFFFFF", "description": null, "priority": null,
                       "is_project_label": false}),
            );
        }
    }

    /// A strictly increasing "now", so `updated_after` never misses an edit made in the same
    /// millisecond.
    pub fn tick(&mut self) -> DateTime<Utc> {
        let now = Utc::now().max(self.last_update + Duration::milliseconds(1));
        self.last_update = now;
        now
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// A project by numeric id or full path.
    pub fn project(&self, id_or_path: &str) -> Option<&Project> {
        self.projects.iter().find(|p| {
            id_or_path.parse::<i64>().ok() == Some(p.id) || p.path_with_namespace == id_or_path
        })
    }

    pub fn is_group(&self, id_or_path: &str) -> bool {
        self.group(id_or_path).is_some()
    }

    pub fn issue_id(&self, project_id: i64, iid: i64) -> Option<i64> {
        // The index is checked against the issue (a test may remove one behind its back).
        self.by_iid.get(&(project_id, iid)).copied().filter(|id| {
            self.issues.get(id).is_some_and(|issue| {
                issue.facts().project_id == project_id && issue.facts().iid == Some(iid)
            })
        })
    }

    /// Every issue's listing keys with its JSON, by id (an issue removed from `issues`
    /// behind the model's back is left out).
    pub fn issues_with_keys(&self) -> impl Iterator<Item = (&IssueKeys, &StoredIssue)> {
        self.keys
            .iter()
            .filter_map(|(id, keys)| Some((keys, self.issues.get(id)?)))
    }

    /// Every issue carrying `label`, by id, with its `updated_at` as served: what a cache in
    /// step with the fake holds (tests compare the two).
    pub fn updated_at_by_id(&self, label: &str) -> BTreeMap<i64, String> {
        self.issues
            .iter()
            .filter(|(_, issue)| issue.facts().has_label(label))
            .map(|(id, issue)| {
                let updated = issue.value()["updated_at"].as_str().map(str::to_string);
                (*id, updated.unwrap_or_default())
            })
            .collect()
    }

    /// Records an issue's listing keys, in both indexes.
    fn set_keys(&mut self, keys: IssueKeys) {
        if let Some(old) = self.keys.insert(keys.id, keys) {
            self.by_updated.remove(&(old.updated_ms, old.id));
        }
        self.by_updated.insert((keys.updated_ms, keys.id));
    }

    /// The issues updated within `[from_ms, to_ms]`, with their JSON, oldest update first.
    pub fn issues_updated_between(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> impl Iterator<Item = (&IssueKeys, &StoredIssue)> {
        let range = if from_ms <= to_ms {
            Some((from_ms, i64::MIN)..=(to_ms, i64::MAX))
        } else {
            None
        };
        range
            .into_iter()
            .flat_map(|r| self.by_updated.range(r))
            .filter_map(|(_, id)| Some((self.keys.get(id)?, self.issues.get(id)?)))
    }
}

#[cfg(test)]
mod tests;

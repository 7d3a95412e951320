//! GitLab's issue-list filters (`GET /groups/:id/issues`, `/projects/:id/issues`), parsed and
//! validated as GitLab does: an unknown `state`, `scope`, `order_by` or `sort` is a 400, not
//! ignored. Defaults as documented: `state=all`, `scope=all`, `non_archived=true`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::fake_gitlab::stored::IssueFacts;

/// The user the fake's tokens belong to (`created_by_me`, `assigned_to_me`).
pub const API_USER_ID: i64 = 1;

/// Every filter of one request.
#[derive(Debug, Default)]
pub struct IssueFilters {
    state: Option<String>,
    labels: Vec<String>,
    not_labels: Vec<String>,
    scope_user: Option<ScopeUser>,
    milestone: Option<String>,
    not_milestone: Option<String>,
    assignee_usernames: Vec<String>,
    author_username: Option<String>,
    confidential: Option<bool>,
    /// Leave out issues of archived projects (GitLab's default).
    pub non_archived: bool,
    search: Option<String>,
    iids: Vec<i64>,
    updated_after: Option<DateTime<Utc>>,
    updated_before: Option<DateTime<Utc>>,
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeUser {
    CreatedByMe,
    AssignedToMe,
}

fn values<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    let array = format!("{name}[]");
    params
        .iter()
        .filter(|(k, _)| *k == name || *k == array)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn one<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    values(params, name).into_iter().next()
}

fn names(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A boolean as GitLab's API (Grape with dry-types) reads one: `true`, `True`, `1`, `yes`, ...
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "on" | "On" | "ON" | "t" | "true" | "True" | "TRUE" | "T" | "y" | "yes" | "Yes"
        | "YES" | "Y" => Some(true),
        "0" | "off" | "Off" | "OFF" | "f" | "false" | "False" | "FALSE" | "F" | "n" | "no"
        | "No" | "NO" | "N" => Some(false),
        _ => None,
    }
}

fn boolean(params: &[(String, String)], name: &str) -> Result<Option<bool>, String> {
    one(params, name)
        .map(|text| parse_bool(text).ok_or_else(|| format!("{name} is invalid")))
        .transpose()
}

fn time(params: &[(String, String)], name: &str) -> Result<Option<DateTime<Utc>>, String> {
    one(params, name)
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| format!("{name} is invalid"))
        })
        .transpose()
}

#[cfg(test)]
fn field_time(issue: &Value, field: &str) -> Option<DateTime<Utc>> {
    issue[field]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// `None`, `Any` or a title, for milestones.
fn milestone_matches(facts: &IssueFacts, wanted: &str) -> bool {
    let title = facts.milestone_title.as_deref();
    match wanted {
        "None" => title.is_none(),
        "Any" => title.is_some(),
        wanted => title == Some(wanted),
    }
}

impl IssueFilters {
    /// Reads the filters; `Err` is GitLab's 400 message.
    pub fn parse(params: &[(String, String)]) -> Result<Self, String> {
        let state = one(params, "state").unwrap_or("all");
        if !matches!(state, "all" | "opened" | "closed") {
            return Err("state does not have a valid value".into());
        }
        let scope_user = match one(params, "scope").unwrap_or("all") {
            "all" => None,
            "created_by_me" | "created-by-me" => Some(ScopeUser::CreatedByMe),
            "assigned_to_me" | "assigned-to-me" => Some(ScopeUser::AssignedToMe),
            _ => return Err("scope does not have a valid value".into()),
        };
        Ok(IssueFilters {
            state: (state != "all").then(|| state.to_string()),
            labels: one(params, "labels").map(names).unwrap_or_default(),
            not_labels: one(params, "not[labels]").map(names).unwrap_or_default(),
            scope_user,
            milestone: one(params, "milestone").map(str::to_string),
            not_milestone: one(params, "not[milestone]").map(str::to_string),
            assignee_usernames: values(params, "assignee_username")
                .into_iter()
                .map(str::to_string)
                .collect(),
            author_username: one(params, "author_username").map(str::to_string),
            confidential: boolean(params, "confidential")?,
            non_archived: boolean(params, "non_archived")?.unwrap_or(true),
            search: one(params, "search").map(str::to_lowercase),
            iids: values(params, "iids")
                .into_iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            updated_after: time(params, "updated_after")?,
            updated_before: time(params, "updated_before")?,
            created_after: time(params, "created_after")?,
            created_before: time(params, "created_before")?,
        })
    }

    /// The update-time bounds in milliseconds when either is given (widened to whole
    /// milliseconds: `matches_keyed` still decides the edges exactly).
    pub fn updated_range_ms(&self) -> Option<(i64, i64)> {
        if self.updated_after.is_none() && self.updated_before.is_none() {
            return None;
        }
        let from = self
            .updated_after
            .map_or(i64::MIN, |t| t.timestamp_micros().div_euclid(1000));
        let to = self
            .updated_before
            .map_or(i64::MAX, |t| (t.timestamp_micros() + 999).div_euclid(1000));
        Some((from, to))
    }

    /// Does the issue pass every filter? `archived` holds the archived projects' ids.
    /// `matches_keyed` for an issue whose keys are not at hand (tests).
    #[cfg(test)]
    pub fn matches(&self, issue: &Value, archived: &BTreeSet<i64>) -> bool {
        let keys = crate::fake_gitlab::model::IssueKeys {
            id: issue["id"].as_i64().unwrap_or(0),
            project_id: issue["project_id"].as_i64().unwrap_or(0),
            created_ms: field_time(issue, "created_at").map_or(i64::MIN, |t| t.timestamp_millis()),
            updated_ms: field_time(issue, "updated_at").map_or(i64::MIN, |t| t.timestamp_millis()),
        };
        self.matches_keyed(&keys, &IssueFacts::of(issue), || issue.clone(), archived)
    }

    /// `matches`, on the issue's listing keys and facts read already: this runs over every
    /// issue for every page, so only `search` reads the issue itself (`full`).
    pub fn matches_keyed(
        &self,
        keys: &crate::fake_gitlab::model::IssueKeys,
        facts: &IssueFacts,
        full: impl FnOnce() -> Value,
        archived: &BTreeSet<i64>,
    ) -> bool {
        let within = |t: i64, after: Option<DateTime<Utc>>, before: Option<DateTime<Utc>>| {
            // Keys hold milliseconds (as GitLab's JSON does); a bound may be finer.
            let t = i128::from(t) * 1000;
            let known = t != i128::from(i64::MIN) * 1000;
            after.is_none_or(|a| known && t >= i128::from(a.timestamp_micros()))
                && before.is_none_or(|b| known && t <= i128::from(b.timestamp_micros()))
        };
        if !within(keys.updated_ms, self.updated_after, self.updated_before)
            || !within(keys.created_ms, self.created_after, self.created_before)
        {
            return false;
        }
        if self.non_archived && archived.contains(&keys.project_id) {
            return false;
        }
        if self.state.as_deref().is_some_and(|s| &*facts.state != s) {
            return false;
        }
        let labels = &facts.labels;
        let has = |name: &str| facts.has_label(name);
        self.labels.iter().all(|w| match w.as_str() {
                "None" => labels.is_empty(),
                "Any" => !labels.is_empty(),
                w => has(w),
            })
            // An issue with any of the `not[labels]` is left out.
            && !self.not_labels.iter().any(|w| has(w))
            && match self.scope_user {
                None => true,
                Some(ScopeUser::CreatedByMe) => facts.author_id == Some(API_USER_ID),
                Some(ScopeUser::AssignedToMe) => facts
                    .assignees
                    .iter()
                    .any(|(id, _)| *id == Some(API_USER_ID)),
            }
            && self.milestone.as_deref().is_none_or(|m| milestone_matches(facts, m))
            && self.not_milestone.as_deref().is_none_or(|m| !milestone_matches(facts, m))
            && match self.assignee_usernames.first().map(String::as_str) {
                None => true,
                Some(first) => {
                    let assignees = &facts.assignees;
                    match first {
                        "None" => assignees.is_empty(),
                        "Any" => !assignees.is_empty(),
                        _ => self
                            .assignee_usernames
                            .iter()
                            .all(|u| assignees.iter().any(|(_, name)| **name == **u)),
                    }
                }
            }
            && self
                .author_username
                .as_deref()
                .is_none_or(|a| facts.author_username.as_deref() == Some(a))
            && self.confidential.is_none_or(|c| facts.confidential == c)
            && (self.iids.is_empty() || facts.iid.is_some_and(|n| self.iids.contains(&n)))
            && self.search.as_ref().is_none_or(|s| {
                let issue = full();
                ["title", "description"].iter().any(|field| {
                    issue[*field]
                        .as_str()
                        .is_some_and(|t| t.to_lowercase().contains(s))
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn issue() -> Value {
        json!({"id": 1, "iid": 7, "project_id": 5, "state": "opened",
               "labels": ["sm_request", "p::1"], "confidential": true,
               "title": "Battlecard", "description": "for the field",
               "milestone": {"title": "SM_Backlog"},
               "author": {"id": 1, "username": "bot"},
               "assignees": [{"id": 9, "username": "alice"}],
               "updated_at": "2026-11-20T10:00:00.000Z", "created_at": "2026-11-01T10:00:00.000Z"})
    }

    fn keeps(pairs: &[(&str, &str)]) -> bool {
        IssueFilters::parse(&params(pairs))
            .unwrap()
            .matches(&issue(), &BTreeSet::new())
    }

    #[test]
    fn each_filter_keeps_and_drops_as_gitlab_does() {
        assert!(keeps(&[]));
        assert!(!keeps(&[("not[labels]", "p::1,other")]));
        assert!(keeps(&[("not[labels]", "other")]));
        assert!(keeps(&[("scope", "created_by_me")]));
        assert!(!keeps(&[("scope", "assigned_to_me")]));
        assert!(keeps(&[("milestone", "SM_Backlog")]));
        assert!(!keeps(&[("milestone", "None")]));
        assert!(!keeps(&[("not[milestone]", "SM_Backlog")]));
        assert!(keeps(&[("assignee_username", "alice")]));
        assert!(keeps(&[("assignee_username[]", "alice")]));
        assert!(!keeps(&[("assignee_username", "bob")]));
        assert!(!keeps(&[("assignee_username", "None")]));
        assert!(keeps(&[("author_username", "bot")]));
        assert!(!keeps(&[("author_username", "alice")]));
        assert!(keeps(&[("confidential", "true")]));
        assert!(!keeps(&[("confidential", "false")]));
        assert!(keeps(&[("search", "FIELD")]));
        assert!(!keeps(&[("search", "webinar")]));
        assert!(keeps(&[("iids[]", "7")]));
        assert!(!keeps(&[("iids[]", "8")]));
        assert!(!keeps(&[("updated_after", "2026-11-21T00:00:00Z")]));
    }

    #[test]
    fn archived_projects_are_left_out_unless_asked() {
        let archived = BTreeSet::from([5]);
        let filters = IssueFilters::parse(&params(&[])).unwrap();
        assert!(!filters.matches(&issue(), &archived));
        let filters = IssueFilters::parse(&params(&[("non_archived", "false")])).unwrap();
        assert!(filters.matches(&issue(), &archived));
    }

    #[test]
    fn booleans_read_as_grape_reads_them() {
        assert_eq!(parse_bool("True"), Some(true), "python-gitlab sends True");
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn invalid_values_are_refused() {
        for bad in [
            ("scope", "mine"),
            ("state", "open"),
            ("confidential", "maybe"),
        ] {
            assert!(IssueFilters::parse(&params(&[bad])).is_err(), "{bad:?}");
        }
    }
}

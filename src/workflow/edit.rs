//! Edits: what one user action changes on one request, as data.
//!
//! An `IssueEdit` is exactly what becomes one `PUT /issues/:iid` later (label deltas, state event,
//! milestone, assignees, due date), so it is both applied to the local cache and stored in the
//! outbox. Builders here turn grooming actions into edits; `apply` mirrors GitLab's semantics.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::workflow::issue::{IssueFacts, MilestoneRef, UserRef};
use crate::workflow::labels::{LabelDelta, single_value};
use crate::workflow::model::{ScopedField, Workflow};

/// `state_event` of GitLab's issue update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateEvent {
    Close,
    Reopen,
}

/// A field that is either set to a value or cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change<T> {
    Set(T),
    Clear,
}

impl<T: Clone> Change<T> {
    pub fn resolve(&self) -> Option<T> {
        match self {
            Change::Set(value) => Some(value.clone()),
            Change::Clear => None,
        }
    }
}

/// One user action on one request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IssueEdit {
    /// What the user did, for the status bar and the outbox listing ("p:: 2 -> 1").
    pub summary: String,
    #[serde(default, skip_serializing_if = "LabelDelta::is_empty")]
    pub labels: LabelDelta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_event: Option<StateEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Change<MilestoneRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<UserRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Change<NaiveDate>>,
}

impl IssueEdit {
    /// Nothing would change.
    pub fn is_noop(&self) -> bool {
        self.labels.is_empty()
            && self.state_event.is_none()
            && self.milestone.is_none()
            && self.assignees.is_none()
            && self.due_date.is_none()
    }

    /// The request as it is after this edit, computed the way GitLab applies an update.
    pub fn apply(&self, before: &IssueFacts) -> IssueFacts {
        let mut after = before.clone();
        after.labels = self.labels.apply(&before.labels).into();
        match self.state_event {
            Some(StateEvent::Close) => after.open = false,
            Some(StateEvent::Reopen) => after.open = true,
            None => {}
        }
        if let Some(change) = &self.milestone {
            after.milestone = change.resolve();
        }
        if let Some(assignees) = &self.assignees {
            after.assignees = assignees.as_slice().into();
        }
        if let Some(change) = &self.due_date {
            after.due_date = change.resolve();
        }
        after
    }
}

impl IssueEdit {
    /// The edit that takes an issue back from `self.apply(before)` to `before`, as new deltas
    /// (so undo works after the edit reached GitLab, and leaves other people's labels alone).
    pub fn inverse(&self, before: &IssueFacts) -> IssueEdit {
        let labels = LabelDelta {
            add: self
                .labels
                .remove
                .iter()
                .filter(|l| crate::workflow::labels::has(&before.labels, l))
                .cloned()
                .collect(),
            remove: self
                .labels
                .add
                .iter()
                .filter(|l| !crate::workflow::labels::has(&before.labels, l))
                .cloned()
                .collect(),
        };
        let state_event = match self.state_event {
            Some(StateEvent::Close) if before.open => Some(StateEvent::Reopen),
            Some(StateEvent::Reopen) if !before.open => Some(StateEvent::Close),
            _ => None,
        };
        IssueEdit {
            summary: format!("undo {}", self.summary),
            labels,
            state_event,
            milestone: self
                .milestone
                .as_ref()
                .map(|_| before.milestone.clone().map_or(Change::Clear, Change::Set)),
            assignees: self.assignees.as_ref().map(|_| before.assignees.to_vec()),
            due_date: self
                .due_date
                .as_ref()
                .map(|_| before.due_date.map_or(Change::Clear, Change::Set)),
        }
    }
}

/// Sets a scoped grooming field to `value` (replacing any other value of its key).
pub fn set_field(issue: &IssueFacts, field: &ScopedField, value: &str) -> IssueEdit {
    let old = single_value(&issue.labels, &field.key).unwrap_or("none");
    IssueEdit {
        summary: format!("{}:: {old} -> {value}", field.key),
        labels: LabelDelta::set_scoped(&issue.labels, &field.key, value),
        ..IssueEdit::default()
    }
}

/// Removes every value of a scoped grooming field.
pub fn clear_field(issue: &IssueFacts, field: &ScopedField) -> IssueEdit {
    IssueEdit {
        summary: format!("{}:: cleared", field.key),
        labels: LabelDelta::clear_scoped(&issue.labels, &field.key),
        ..IssueEdit::default()
    }
}

/// Flips a two-valued field (`dod::`, `eteam::`): the first value becomes the second; anything
/// else (the second value, no value, or a conflict) becomes the first.
pub fn toggle_field(issue: &IssueFacts, field: &ScopedField) -> IssueEdit {
    let first = field.values.first().map_or("Y", String::as_str);
    let second = field.values.get(1).map_or("N", String::as_str);
    let next = match single_value(&issue.labels, &field.key) {
        Some(current) if current == first => second,
        _ => first,
    };
    set_field(issue, field, next)
}

/// Makes `team` the request's only team label.
pub fn set_team(wf: &Workflow, issue: &IssueFacts, team: &str) -> IssueEdit {
    IssueEdit {
        summary: format!("team -> {team}"),
        labels: LabelDelta::set_one_of(&issue.labels, &wf.teams, team),
        ..IssueEdit::default()
    }
}

/// Sets or clears the milestone.
pub fn set_milestone(milestone: Option<MilestoneRef>) -> IssueEdit {
    IssueEdit {
        summary: match &milestone {
            Some(m) => format!("milestone -> {}", m.title),
            None => "milestone cleared".to_string(),
        },
        milestone: Some(milestone.map_or(Change::Clear, Change::Set)),
        ..IssueEdit::default()
    }
}

/// Replaces the assignees.
pub fn set_assignees(assignees: Vec<UserRef>) -> IssueEdit {
    let names: Vec<String> = assignees
        .iter()
        .map(|u| format!("@{}", u.username))
        .collect();
    IssueEdit {
        summary: if names.is_empty() {
            "unassigned".to_string()
        } else {
            format!("assignee -> {}", names.join(", "))
        },
        assignees: Some(assignees),
        ..IssueEdit::default()
    }
}

/// Sets or clears the due date.
pub fn set_due_date(due: Option<NaiveDate>) -> IssueEdit {
    IssueEdit {
        summary: match due {
            Some(d) => format!("due -> {d}"),
            None => "due date cleared".to_string(),
        },
        due_date: Some(due.map_or(Change::Clear, Change::Set)),
        ..IssueEdit::default()
    }
}

/// Adds and removes plain or scoped labels, as `sm-board label` does: a scoped label replaces
/// every other value of its key; `-name` removes a label.
pub fn change_labels(issue: &IssueFacts, specs: &[String]) -> IssueEdit {
    let mut delta = LabelDelta::default();
    let mut current = issue.labels.to_vec();
    for spec in specs {
        let step = match spec.strip_prefix('-') {
            Some(name) => LabelDelta {
                add: Vec::new(),
                remove: vec![name.to_string()],
            },
            None => match crate::workflow::labels::split_scoped(spec) {
                Some((key, value)) => LabelDelta::set_scoped(&current, key, value),
                None => LabelDelta {
                    add: vec![spec.clone()],
                    remove: Vec::new(),
                },
            },
        };
        current = step.apply(&current);
        delta.merge(step);
    }
    IssueEdit {
        summary: format!("labels {}", specs.join(" ")),
        labels: delta,
        ..IssueEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::issue::push_to;

    fn facts(labels: &[&str]) -> IssueFacts {
        IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open: true,
            ..IssueFacts::default()
        }
    }

    #[test]
    fn setting_priority_replaces_the_old_value() {
        let wf = Workflow::default();
        let issue = facts(&["p::3", "sm_req::backlog"]);
        let edit = set_field(&issue, &wf.fields.priority, "1");
        assert_eq!(edit.summary, "p:: 3 -> 1");
        assert_eq!(*edit.apply(&issue).labels, ["p::1", "sm_req::backlog"]);
    }

    #[test]
    fn setting_priority_resolves_a_conflict() {
        let wf = Workflow::default();
        let issue = facts(&["p::1", "p::2"]);
        let edit = set_field(&issue, &wf.fields.priority, "2");
        assert_eq!(edit.labels.remove, ["p::1"]);
        assert_eq!(*edit.apply(&issue).labels, ["p::2"]);
    }

    #[test]
    fn toggling_dod_goes_y_n_y_and_starts_at_y() {
        let wf = Workflow::default();
        let none = facts(&[]);
        let y = toggle_field(&none, &wf.fields.dod).apply(&none);
        assert_eq!(*y.labels, ["dod::Y"]);
        let n = toggle_field(&y, &wf.fields.dod).apply(&y);
        assert_eq!(*n.labels, ["dod::N"]);
        let back = toggle_field(&n, &wf.fields.dod).apply(&n);
        assert_eq!(*back.labels, ["dod::Y"]);
    }

    #[test]
    fn a_team_replaces_the_other_teams_and_keeps_other_labels() {
        let wf = Workflow::default();
        let issue = facts(&["mrci", "pmm", "p::1"]);
        let after = set_team(&wf, &issue, "Partner Marketing").apply(&issue);
        assert_eq!(*after.labels, ["Partner Marketing", "p::1"]);
    }

    #[test]
    fn milestone_assignee_and_due_date_set_and_clear() {
        let issue = facts(&[]);
        let m = MilestoneRef {
            id: 7,
            title: "FY27-Q4".into(),
        };
        let with = set_milestone(Some(m.clone())).apply(&issue);
        assert_eq!(with.milestone, Some(m));
        assert_eq!(set_milestone(None).apply(&with).milestone, None);
        let alice = UserRef {
            id: 3,
            username: "alice".into(),
            name: "Alice".into(),
        };
        let edit = set_assignees(vec![alice.clone()]);
        assert_eq!(edit.summary, "assignee -> @alice");
        assert_eq!(*edit.apply(&issue).assignees, vec![alice]);
        let day = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert_eq!(set_due_date(day).apply(&issue).due_date, day);
    }

    #[test]
    fn label_specs_add_remove_and_replace_scoped_keys() {
        let issue = facts(&["p::3", "old", "sm_request"]);
        let edit = change_labels(&issue, &["p::1".into(), "-old".into(), "new".into()]);
        assert_eq!(*edit.apply(&issue).labels, ["new", "p::1", "sm_request"]);
        assert_eq!(edit.labels.remove, ["p::3", "old"]);
    }

    #[test]
    fn every_kind_of_edit_is_undone_by_its_inverse() {
        let wf = Workflow::default();
        let mut before = facts(&["p::3", "pmm", "sm_req::backlog"]);
        before.milestone = Some(MilestoneRef {
            id: 1,
            title: "SM_Backlog".into(),
        });
        before.due_date = NaiveDate::from_ymd_opt(2026, 12, 1);
        let edits = [
            set_field(&before, &wf.fields.priority, "1"),
            toggle_field(&before, &wf.fields.dod),
            set_team(&wf, &before, "mrci"),
            set_milestone(None),
            set_assignees(vec![UserRef {
                id: 1,
                username: "a".into(),
                name: String::new(),
            }]),
            set_due_date(None),
            IssueEdit {
                summary: "close".into(),
                labels: LabelDelta {
                    add: vec!["sm_req::declined".into()],
                    remove: vec!["sm_req::backlog".into()],
                },
                state_event: Some(StateEvent::Close),
                ..IssueEdit::default()
            },
        ];
        for edit in edits {
            let after = edit.apply(&before);
            assert_ne!(after, before, "{}", edit.summary);
            let undone = edit.inverse(&before).apply(&after);
            assert_eq!(undone, before, "undoing {}", edit.summary);
        }
    }

    #[test]
    fn undo_leaves_labels_others_added_meanwhile() {
        let wf = Workflow::default();
        let before = facts(&["p::3"]);
        let edit = set_field(&before, &wf.fields.priority, "1");
        let mut meanwhile = edit.apply(&before);
        meanwhile.labels = push_to(&meanwhile.labels, "campaign".into());
        let undone = edit.inverse(&before).apply(&meanwhile);
        assert_eq!(*undone.labels, ["campaign", "p::3"]);
    }

    #[test]
    fn edits_round_trip_through_json() {
        let edit = IssueEdit {
            summary: "close".into(),
            state_event: Some(StateEvent::Close),
            milestone: Some(Change::Clear),
            ..IssueEdit::default()
        };
        let json = serde_json::to_string(&edit).unwrap();
        assert_eq!(serde_json::from_str::<IssueEdit>(&json).unwrap(), edit);
        assert!(!edit.is_noop());
        assert!(IssueEdit::default().is_noop());
    }
}

//! Does a queued edit still make sense against the issue as GitLab has it now? Pure.
//!
//! For every exclusive key the edit touches (a scoped key like `p` or `sm_req`, or the team
//! group), the edit says which values it expected to replace (its `remove` labels) and which it
//! sets (its `add` labels). Someone else changed that key if GitLab now holds a value that is
//! neither, or cleared the key the edit expected to replace. Other labels never conflict:
//! deltas leave them alone.
//!
//! The other fields an edit sets (assignees, milestone, due date, open or closed) follow the
//! same rule against the request as it was when the edit was made: GitLab's value conflicts
//! when it is neither that one nor the edit's. Fields the edit does not set never conflict.

use crate::workflow::edit::{IssueEdit, StateEvent};
use crate::workflow::labels::split_scoped;
use crate::workflow::{IssueFacts, Workflow};
use crate::workflow::{MilestoneRef, UserRef};

/// A key changed on the server since the edit was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `p::`, `sm_req::` or `team`.
    pub key: String,
    /// What GitLab holds now for that key.
    pub theirs: Vec<String>,
    /// What the edit sets.
    pub mine: Vec<String>,
}

impl Conflict {
    pub fn describe(&self) -> String {
        let show = |v: &[String]| {
            if v.is_empty() {
                "nothing".to_string()
            } else {
                v.join(", ")
            }
        };
        format!(
            "{} changed on GitLab to {} since this edit (which sets {})",
            self.key,
            show(&self.theirs),
            show(&self.mine)
        )
    }
}

/// Which exclusive key a label belongs to, if any.
fn key_of(wf: &Workflow, label: &str) -> Option<String> {
    if wf.is_team(label) {
        return Some("team".to_string());
    }
    split_scoped(label).map(|(key, _)| format!("{key}::"))
}

/// The conflicts between `edit` and the remote issue; empty when the edit can be sent.
pub fn conflicts(wf: &Workflow, edit: &IssueEdit, remote: &IssueFacts) -> Vec<Conflict> {
    let mut keys: Vec<String> = edit
        .labels
        .add
        .iter()
        .chain(&edit.labels.remove)
        .filter_map(|l| key_of(wf, l))
        .collect();
    keys.sort();
    keys.dedup();
    let mut found = Vec::new();
    for key in keys {
        fn of_key<L: AsRef<str>>(wf: &Workflow, key: &str, labels: &[L]) -> Vec<String> {
            labels
                .iter()
                .map(AsRef::as_ref)
                .filter(|l| key_of(wf, l).as_deref() == Some(key))
                .map(str::to_string)
                .collect()
        }
        let expected = of_key(wf, &key, &edit.labels.remove);
        let target = of_key(wf, &key, &edit.labels.add);
        let theirs = of_key(wf, &key, &remote.labels);
        let foreign = theirs
            .iter()
            .any(|l| !expected.contains(l) && !target.contains(l));
        let cleared = theirs.is_empty() && !expected.is_empty() && !target.is_empty();
        if foreign || cleared {
            found.push(Conflict {
                key: key.clone(),
                theirs,
                mine: target,
            });
        }
    }
    found
}

/// The fields other than labels that `edit` sets and someone else changed on GitLab since
/// `base` (the request when the edit was made).
pub fn field_conflicts(edit: &IssueEdit, base: &IssueFacts, remote: &IssueFacts) -> Vec<Conflict> {
    let mut found = Vec::new();
    let mut check = |key: &str, base: Vec<String>, target: Vec<String>, theirs: Vec<String>| {
        if theirs != base && theirs != target {
            found.push(Conflict {
                key: key.to_string(),
                theirs,
                mine: target,
            });
        }
    };
    let names = |users: &[UserRef]| {
        let mut names: Vec<String> = users.iter().map(|u| format!("@{}", u.username)).collect();
        names.sort();
        names
    };
    if let Some(assignees) = &edit.assignees {
        check(
            "assignee",
            names(&base.assignees),
            names(assignees),
            names(&remote.assignees),
        );
    }
    let milestone = |m: Option<&MilestoneRef>| m.map(|m| m.title.clone()).into_iter().collect();
    if let Some(change) = &edit.milestone {
        check(
            "milestone",
            milestone(base.milestone.as_ref()),
            milestone(change.resolve().as_ref()),
            milestone(remote.milestone.as_ref()),
        );
    }
    let due = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).into_iter().collect();
    if let Some(change) = &edit.due_date {
        check(
            "due date",
            due(base.due_date),
            due(change.resolve()),
            due(remote.due_date),
        );
    }
    let state = |open: bool| vec![if open { "open" } else { "closed" }.to_string()];
    if let Some(event) = edit.state_event {
        check(
            "state",
            state(base.open),
            state(event == StateEvent::Reopen),
            state(remote.open),
        );
    }
    found
}

/// For "keep mine": the edit rewritten to also remove whatever other values GitLab now holds for
/// the keys it sets, so the result is exactly what the user chose.
pub fn force(wf: &Workflow, edit: &IssueEdit, remote: &IssueFacts) -> IssueEdit {
    let mut forced = edit.clone();
    for conflict in conflicts(wf, edit, remote) {
        for label in conflict.theirs {
            if !forced.labels.add.contains(&label) && !forced.labels.remove.contains(&label) {
                forced.labels.remove.push(label);
            }
        }
    }
    forced
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::edit::set_field;
    use crate::workflow::labels::LabelDelta;

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

    fn priority_3_to_1() -> IssueEdit {
        set_field(&facts(&["p::3"]), &Workflow::default().fields.priority, "1")
    }

    #[test]
    fn an_unchanged_server_is_no_conflict() {
        let wf = Workflow::default();
        assert!(conflicts(&wf, &priority_3_to_1(), &facts(&["p::3", "x"])).is_empty());
    }

    #[test]
    fn the_same_change_made_elsewhere_or_already_applied_is_no_conflict() {
        let wf = Workflow::default();
        assert!(conflicts(&wf, &priority_3_to_1(), &facts(&["p::1"])).is_empty());
    }

    #[test]
    fn someone_else_setting_another_value_is_a_conflict() {
        let wf = Workflow::default();
        let found = conflicts(&wf, &priority_3_to_1(), &facts(&["p::2", "pmm"]));
        assert_eq!(
            found,
            [Conflict {
                key: "p::".into(),
                theirs: vec!["p::2".into()],
                mine: vec!["p::1".into()]
            }]
        );
        assert_eq!(
            found[0].describe(),
            "p:: changed on GitLab to p::2 since this edit (which sets p::1)"
        );
    }

    #[test]
    fn someone_else_clearing_the_key_is_a_conflict() {
        let wf = Workflow::default();
        assert_eq!(conflicts(&wf, &priority_3_to_1(), &facts(&[])).len(), 1);
    }

    #[test]
    fn changes_to_other_labels_never_conflict() {
        let wf = Workflow::default();
        let remote = facts(&["p::3", "dod::N", "eteam::Y", "brand-new", "mrci"]);
        assert!(conflicts(&wf, &priority_3_to_1(), &remote).is_empty());
    }

    #[test]
    fn a_move_conflicts_when_someone_moved_the_request_elsewhere() {
        let wf = Workflow::default();
        let edit = IssueEdit {
            labels: LabelDelta {
                add: vec!["sm_req::assigned".into()],
                remove: vec!["sm_req::backlog".into()],
            },
            ..IssueEdit::default()
        };
        assert!(conflicts(&wf, &edit, &facts(&["sm_req::backlog"])).is_empty());
        let found = conflicts(&wf, &edit, &facts(&["sm_req::declined"]));
        assert_eq!(found[0].key, "sm_req::");
    }

    #[test]
    fn team_changes_are_checked_as_one_exclusive_group() {
        let wf = Workflow::default();
        let edit = IssueEdit {
            labels: LabelDelta {
                add: vec!["mrci".into()],
                remove: vec!["pmm".into()],
            },
            ..IssueEdit::default()
        };
        assert!(conflicts(&wf, &edit, &facts(&["pmm"])).is_empty());
        assert_eq!(conflicts(&wf, &edit, &facts(&["tech-pmm"]))[0].key, "team");
    }

    #[test]
    fn keeping_mine_removes_their_value_too() {
        let wf = Workflow::default();
        let remote = facts(&["p::2", "pmm"]);
        let forced = force(&wf, &priority_3_to_1(), &remote);
        assert!(conflicts(&wf, &forced, &remote).is_empty());
        assert_eq!(forced.labels.apply(&remote.labels), ["p::1", "pmm"]);
    }

    fn user(id: i64, name: &str) -> UserRef {
        UserRef {
            id,
            username: name.into(),
            name: String::new(),
        }
    }

    fn milestone(id: i64, title: &str) -> MilestoneRef {
        MilestoneRef {
            id,
            title: title.into(),
        }
    }

    #[test]
    fn a_field_someone_else_changed_since_the_edit_is_a_conflict() {
        use crate::workflow::edit::{set_assignees, set_due_date, set_milestone};
        let base = IssueFacts {
            milestone: Some(milestone(1, "SM_Backlog")),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            ..facts(&["p::3"])
        };
        // I assign alice; meanwhile someone assigned bob.
        let mine = set_assignees(vec![user(1, "alice")]);
        let theirs = IssueFacts {
            assignees: [user(2, "bob")].into(),
            ..base.clone()
        };
        let found = field_conflicts(&mine, &base, &theirs);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .describe()
                .contains("assignee changed on GitLab to @bob")
        );
        // Someone made the same change, or none: no conflict.
        let same = IssueFacts {
            assignees: [user(1, "alice")].into(),
            ..base.clone()
        };
        assert!(field_conflicts(&mine, &base, &same).is_empty());
        assert!(field_conflicts(&mine, &base, &base).is_empty());
        // Milestone and due date, each only when the edit sets it.
        let moved = IssueFacts {
            milestone: Some(milestone(2, "FY27-Q4")),
            due_date: None,
            ..base.clone()
        };
        let m = set_milestone(Some(milestone(3, "FY28-Q1")));
        assert_eq!(field_conflicts(&m, &base, &moved)[0].key, "milestone");
        let d = set_due_date(chrono::NaiveDate::from_ymd_opt(2026, 12, 24));
        assert_eq!(field_conflicts(&d, &base, &moved)[0].key, "due date");
        assert!(
            field_conflicts(&mine, &base, &moved).is_empty(),
            "an assignee edit ignores a milestone change"
        );
    }
}

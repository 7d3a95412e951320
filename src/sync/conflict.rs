//! Does a queued edit still make sense against the issue as GitLab has it now? Pure.
//!
//! For every exclusive key the edit touches (a scoped key like `p` or `sm_req`, or the team
//! group), the edit says which values it expected to replace (its `remove` labels) and which it
//! sets (its `add` labels). Someone else changed that key if GitLab now holds a value that is
//! neither, or cleared the key the edit expected to replace. Other labels never conflict:
//! deltas leave them alone.

use crate::workflow::edit::IssueEdit;
use crate::workflow::labels::split_scoped;
use crate::workflow::{IssueFacts, Workflow};

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
        let of_key = |labels: &[String]| -> Vec<String> {
            labels
                .iter()
                .filter(|l| key_of(wf, l).as_deref() == Some(key.as_str()))
                .cloned()
                .collect()
        };
        let expected = of_key(&edit.labels.remove);
        let target = of_key(&edit.labels.add);
        let theirs = of_key(&remote.labels);
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
            labels: labels.iter().map(|s| s.to_string()).collect(),
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
}

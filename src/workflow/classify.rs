//! Reads a request's labels against the workflow: which column it belongs in, its grooming
//! values, whether it is groomed, and what is wrong with it.
//!
//! Anomalies are first-class results, never reasons to hide a request: an issue with no state
//! label lands in the "unlabelled" column, one with two values of a key is flagged.

use std::collections::HashMap;
use std::sync::Arc;

use crate::workflow::Label;
use crate::workflow::issue::IssueFacts;
use crate::workflow::labels::{duplicate_scopes, split_scoped};
use crate::workflow::model::Workflow;

/// Where a request shows on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placement {
    /// In the column of state number `n`.
    State(usize),
    /// No recognisable state label: its own column, flagged.
    Unlabelled,
}

/// Something about a request that the workflow does not allow and a human should fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anomaly {
    /// Carries no state label at all.
    NoState,
    /// Carries a state label whose value the workflow does not know.
    UnknownState(String),
    /// Two or more values of one scoped key (GitLab Free keeps both).
    DuplicateScope { key: String, values: Vec<String> },
    /// More than one team label.
    SeveralTeams(Vec<String>),
    /// A closed state label on an open issue, or the other way round.
    StateMismatch { state: String, open: bool },
}

impl Anomaly {
    /// One line for the card's detail and the grooming pane.
    pub fn describe(&self) -> String {
        match self {
            Anomaly::NoState => "no state label".to_string(),
            Anomaly::UnknownState(value) => format!("unknown state `{value}`"),
            Anomaly::DuplicateScope { key, values } => {
                format!(
                    "{} values for {key}:: ({})",
                    values.len(),
                    values.join(", ")
                )
            }
            Anomaly::SeveralTeams(teams) => format!("several teams ({})", teams.join(", ")),
            Anomaly::StateMismatch { state, open: true } => {
                format!("issue is open but `{state}` is a closed state")
            }
            Anomaly::StateMismatch { state, open: false } => {
                format!("issue is closed but `{state}` is an open state")
            }
        }
    }
}

/// Everything the board derives from a request's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub placement: Placement,
    /// The team, when exactly one team label is present.
    pub team: Option<crate::workflow::Label>,
    /// The `p::` label, when exactly one is present: the card's own interned label, so a
    /// priority costs no allocation per card (`priority()` gives its value).
    pub priority_label: Option<crate::workflow::Label>,
    pub groomed: bool,
    pub anomalies: Vec<Anomaly>,
}

impl Classification {
    /// The `p::` value (`1`, `?`), when exactly one is present.
    pub fn priority(&self) -> Option<&str> {
        let label = self.priority_label.as_deref()?;
        split_scoped(label).map(|(_, value)| value)
    }
}

fn values_in<'a>(scoped: &[(&'a str, &'a str)], key: &str) -> Vec<&'a str> {
    scoped
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| *v)
        .collect()
}

fn single_in<'a>(scoped: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    let mut found = scoped.iter().filter(|(k, _)| *k == key);
    match (found.next(), found.next()) {
        (Some((_, one)), None) => Some(one),
        _ => None,
    }
}

/// Classifications already made, by label set: `classify` reads a request's labels and its
/// open flag only, and a load hands requests with the same labels one shared set (about
/// 9,000 sets for 50,000 requests), so each set is classified once and its result shared.
#[derive(Debug, Default)]
pub struct ClassMemo {
    /// By the set's address and the open flag; the set is held, so no other set can take
    /// its address while it is here.
    known: HashMap<(usize, bool), Known>,
}

/// A label set held by `ClassMemo`, and its classification.
type Known = (Arc<[Label]>, Arc<Classification>);

impl ClassMemo {
    /// `classify(wf, issue)`, shared with earlier requests of the same label set.
    pub fn classify(&mut self, wf: &Workflow, issue: &IssueFacts) -> Arc<Classification> {
        self.classify_labels(wf, &issue.labels, issue.open)
    }

    /// The classification of a request with `labels`, open or closed.
    pub fn classify_labels(
        &mut self,
        wf: &Workflow,
        labels: &Arc<[Label]>,
        open: bool,
    ) -> Arc<Classification> {
        let key = (Arc::as_ptr(labels).cast::<Label>() as usize, open);
        if let Some((_, known)) = self.known.get(&key) {
            return known.clone();
        }
        let class = Arc::new(classify_parts(wf, labels, open));
        self.known.insert(key, (labels.clone(), class.clone()));
        class
    }
}

/// Classifies one request.
pub fn classify(wf: &Workflow, issue: &IssueFacts) -> Classification {
    classify_parts(wf, &issue.labels, issue.open)
}

/// Classifies a request from what classifying reads: its labels and whether it is open.
fn classify_parts(wf: &Workflow, labels: &[Label], open: bool) -> Classification {
    // Split every label once; everything below reads these pairs.
    let scoped: Vec<(&str, &str)> = labels.iter().filter_map(|l| split_scoped(l)).collect();
    let values = |key| values_in(&scoped, key);
    let single = |key| single_in(&scoped, key);
    let mut anomalies = Vec::new();
    let mut placement = Placement::Unlabelled;
    let mut any_state = false;
    for value in values(&wf.state_key) {
        any_state = true;
        match wf.state_index(value) {
            Some(i) => {
                if !matches!(placement, Placement::State(p) if p <= i) {
                    placement = Placement::State(i);
                }
            }
            None => anomalies.push(Anomaly::UnknownState(value.to_string())),
        }
    }
    if !any_state {
        anomalies.push(Anomaly::NoState);
    }
    if let Placement::State(i) = placement {
        let state = &wf.states[i];
        if state.closed == open {
            anomalies.push(Anomaly::StateMismatch {
                state: state.name.clone(),
                open,
            });
        }
    }
    let repeated = scoped
        .iter()
        .enumerate()
        .any(|(i, (key, _))| scoped[i + 1..].iter().any(|(k, _)| k == key));
    if repeated {
        for (key, values) in duplicate_scopes(labels) {
            anomalies.push(Anomaly::DuplicateScope { key, values });
        }
    }
    let mut teams = labels.iter().filter(|l| wf.is_team(l));
    let team = match (teams.next(), teams.next()) {
        (Some(one), None) => Some(one.clone()),
        (Some(_), Some(_)) => {
            anomalies.push(Anomaly::SeveralTeams(
                labels
                    .iter()
                    .filter(|l| wf.is_team(l))
                    .map(|l| l.to_string())
                    .collect(),
            ));
            None
        }
        _ => None,
    };
    let fields = &wf.fields;
    let priority = single(&fields.priority.key);
    let priority_known = priority.is_some_and(|p| Some(p) != fields.priority.unknown.as_deref());
    let groomed = team.is_some()
        && priority_known
        && single(&fields.dod.key).is_some()
        && single(&fields.eteam.key).is_some();
    Classification {
        placement,
        team,
        priority_label: priority.and_then(|value| {
            labels
                .iter()
                .find(|l| split_scoped(l) == Some((fields.priority.key.as_str(), value)))
                .cloned()
        }),
        groomed,
        anomalies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(labels: &[&str], open: bool) -> IssueFacts {
        let mut labels: Vec<crate::workflow::Label> = labels.iter().map(|s| (*s).into()).collect();
        labels.sort();
        IssueFacts {
            labels: labels.into(),
            open,
            ..IssueFacts::default()
        }
    }

    #[test]
    fn a_request_lands_in_its_state_column() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_request", "sm_req::backlog"], true));
        assert_eq!(c.placement, Placement::State(2));
        assert!(c.anomalies.is_empty());
    }

    #[test]
    fn a_request_without_state_label_is_unlabelled_and_flagged() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_request", "pmm"], true));
        assert_eq!(c.placement, Placement::Unlabelled);
        assert_eq!(c.anomalies, vec![Anomaly::NoState]);
    }

    #[test]
    fn an_unknown_state_value_is_unlabelled_and_named() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_req::transferred"], true));
        assert_eq!(c.placement, Placement::Unlabelled);
        assert_eq!(
            c.anomalies,
            vec![Anomaly::UnknownState("transferred".into())]
        );
    }

    #[test]
    fn two_state_labels_show_in_the_earlier_column_flagged() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_req::assigned", "sm_req::triage"], true));
        assert_eq!(c.placement, Placement::State(1));
        assert!(c.anomalies.iter().any(|a| matches!(
            a,
            Anomaly::DuplicateScope { key, .. } if key == "sm_req"
        )));
    }

    #[test]
    fn two_priorities_are_a_conflict_and_no_priority() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_req::backlog", "p::1", "p::2"], true));
        assert_eq!(c.priority(), None);
        assert_eq!(
            c.anomalies,
            vec![Anomaly::DuplicateScope {
                key: "p".into(),
                values: vec!["1".into(), "2".into()]
            }]
        );
        assert_eq!(c.anomalies[0].describe(), "2 values for p:: (1, 2)");
    }

    #[test]
    fn a_closed_state_on_an_open_issue_is_flagged() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_req::completed"], true));
        assert_eq!(
            c.anomalies,
            vec![Anomaly::StateMismatch {
                state: "completed".into(),
                open: true
            }]
        );
        let c = classify(&wf, &issue(&["sm_req::backlog"], false));
        assert_eq!(c.anomalies.len(), 1);
    }

    #[test]
    fn groomed_needs_team_known_priority_dod_and_eteam() {
        let wf = Workflow::default();
        let full = ["sm_req::backlog", "pmm", "p::2", "dod::Y", "eteam::N"];
        assert!(classify(&wf, &issue(&full, true)).groomed);
        for missing in 1..full.len() {
            let mut partial = full.to_vec();
            partial.remove(missing);
            assert!(
                !classify(&wf, &issue(&partial, true)).groomed,
                "groomed without {}",
                full[missing]
            );
        }
    }

    #[test]
    fn unknown_priority_is_not_groomed() {
        let wf = Workflow::default();
        let labels = ["sm_req::backlog", "pmm", "p::?", "dod::Y", "eteam::N"];
        let c = classify(&wf, &issue(&labels, true));
        assert_eq!(c.priority(), Some("?"));
        assert!(!c.groomed);
    }

    #[test]
    fn two_teams_mean_no_team_and_an_anomaly() {
        let wf = Workflow::default();
        let labels = [
            "sm_req::backlog",
            "pmm",
            "mrci",
            "p::1",
            "dod::Y",
            "eteam::N",
        ];
        let c = classify(&wf, &issue(&labels, true));
        assert_eq!(c.team, None);
        assert!(!c.groomed);
        assert_eq!(
            c.anomalies,
            vec![Anomaly::SeveralTeams(vec!["mrci".into(), "pmm".into()])]
        );
    }

    #[test]
    fn team_labels_with_spaces_match_exactly() {
        let wf = Workflow::default();
        let c = classify(&wf, &issue(&["sm_req::triage", "Partner Marketing"], true));
        assert_eq!(c.team.as_deref(), Some("Partner Marketing"));
        let c = classify(&wf, &issue(&["sm_req::triage", "partner marketing"], true));
        assert_eq!(c.team, None);
    }
}

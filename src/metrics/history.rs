//! Each request's path through the workflow — stints in states, with when and by whom each
//! began — rebuilt from cached label events. Pure: no clock, no IO.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::store::{IssueRecord, LabelEvent};
use crate::workflow::{Placement, Workflow, classify};

/// A stretch of time a request spent in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stint {
    /// Index into the workflow's states.
    pub state: usize,
    pub from: DateTime<Utc>,
    /// `None`: still in it.
    pub to: Option<DateTime<Utc>>,
    /// Who moved it in (unknown for requests without history).
    pub by: Option<String>,
}

/// Stints per request id, oldest first.
pub type Histories = HashMap<i64, Vec<Stint>>;

/// Rebuilds every request's stints. `events` must be ordered by issue, then time (as
/// `store::load_events_with_prefix` returns them); only state labels matter.
///
/// Changes made at the same instant are applied removals first, so "add backlog, remove triage"
/// is a move whichever order GitLab listed them in. A request without events spent its life in
/// its current state since `state_since` (else its creation). When the events end in another
/// state than the cache shows (an edit not yet on GitLab, or history not fetched since), the
/// cache wins from `state_since` on.
pub fn histories(wf: &Workflow, issues: &[IssueRecord], events: &[LabelEvent]) -> Histories {
    let prefix = format!("{}::", wf.state_key);
    let mut by_issue: HashMap<i64, &[LabelEvent]> = HashMap::new();
    let mut start = 0;
    while start < events.len() {
        let id = events[start].issue_id;
        let end = events[start..]
            .iter()
            .position(|e| e.issue_id != id)
            .map_or(events.len(), |n| start + n);
        by_issue.insert(id, &events[start..end]);
        start = end;
    }
    issues
        .iter()
        .map(|issue| {
            let current = match classify(wf, &issue.facts).placement {
                Placement::State(i) => Some(i),
                Placement::Unlabelled => None,
            };
            let events = by_issue.get(&issue.id).copied().unwrap_or(&[]);
            (issue.id, replay(wf, &prefix, issue, current, events))
        })
        .collect()
}

fn replay(
    wf: &Workflow,
    prefix: &str,
    issue: &IssueRecord,
    current: Option<usize>,
    events: &[LabelEvent],
) -> Vec<Stint> {
    let mut stints: Vec<Stint> = Vec::new();
    let state_of = |e: &LabelEvent| {
        e.label
            .strip_prefix(prefix)
            .and_then(|value| wf.state_index(value))
    };
    let mut i = 0;
    while i < events.len() {
        let at = events[i].created_at;
        let end = events[i..]
            .iter()
            .position(|e| e.created_at != at)
            .map_or(events.len(), |n| i + n);
        let group = &events[i..end];
        for removed in group.iter().filter(|e| !e.added) {
            if let (Some(state), Some(open)) = (state_of(removed), stints.last_mut())
                && open.to.is_none()
                && open.state == state
            {
                open.to = Some(at);
            }
        }
        for added in group.iter().filter(|e| e.added) {
            let Some(state) = state_of(added) else {
                continue;
            };
            if let Some(open) = stints.last_mut().filter(|s| s.to.is_none()) {
                if open.state == state {
                    continue;
                }
                open.to = Some(at);
            }
            stints.push(Stint {
                state,
                from: at,
                to: None,
                by: added.actor.clone(),
            });
        }
        i = end;
    }
    let Some(current) = current else {
        // Unlabelled now: whatever stint is open ended when the cache last saw a change.
        if let Some(open) = stints.last_mut().filter(|s| s.to.is_none()) {
            open.to = Some(issue.state_since.unwrap_or(issue.updated_at).max(open.from));
        }
        return stints;
    };
    let open_state = stints.last().filter(|s| s.to.is_none()).map(|s| s.state);
    if open_state != Some(current) {
        let since = issue.state_since.unwrap_or(issue.created_at);
        let since = stints
            .last()
            .map_or(since, |s| since.max(s.to.unwrap_or(s.from)));
        if let Some(open) = stints.last_mut().filter(|s| s.to.is_none()) {
            open.to = Some(since);
        }
        stints.push(Stint {
            state: current,
            from: since,
            to: None,
            by: None,
        });
    }
    stints
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::IssueFacts;
    use chrono::TimeZone;

    fn day(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, d, h, 0, 0).unwrap()
    }

    fn issue(id: i64, state: Option<&str>) -> IssueRecord {
        IssueRecord {
            id,
            iid: id,
            project_id: 1,
            reference: format!("g/p#{id}"),
            title: format!("Request {id}"),
            facts: IssueFacts {
                labels: state
                    .map(|s| vec![format!("sm_req::{s}").into()])
                    .unwrap_or_default()
                    .into(),
                open: true,
                ..IssueFacts::default()
            },
            author: None,
            created_at: day(1, 9),
            updated_at: day(20, 9),
            closed_at: None,
            web_url: crate::store::WebUrl::default(),
            state_since: None,
            confidential: false,
        }
    }

    fn event(id: i64, issue: i64, label: &str, added: bool, at: DateTime<Utc>) -> LabelEvent {
        LabelEvent {
            id,
            issue_id: issue,
            label: format!("sm_req::{label}"),
            added,
            actor: Some("alice".into()),
            created_at: at,
        }
    }

    type Step = (String, DateTime<Utc>, Option<DateTime<Utc>>);
    type Expected<'a> = (&'a str, DateTime<Utc>, Option<DateTime<Utc>>);

    fn path(stints: &[Stint]) -> Vec<Step> {
        let wf = Workflow::default();
        stints
            .iter()
            .map(|s| (wf.states[s.state].name.clone(), s.from, s.to))
            .collect()
    }

    fn expect(steps: &[Expected]) -> Vec<Step> {
        steps
            .iter()
            .map(|(s, f, t)| (s.to_string(), *f, *t))
            .collect()
    }

    #[test]
    fn moves_back_and_forth_and_a_reopen_give_one_stint_each() {
        let wf = Workflow::default();
        let events = [
            event(1, 7, "new_request", true, day(1, 9)),
            // Listed add-before-remove at the same instant: still one move.
            event(3, 7, "triage", true, day(2, 9)),
            event(2, 7, "new_request", false, day(2, 9)),
            event(4, 7, "triage", false, day(3, 9)),
            event(5, 7, "backlog", true, day(3, 9)),
            // Back to triage, then completed (closed) and reopened into backlog.
            event(6, 7, "backlog", false, day(5, 9)),
            event(7, 7, "triage", true, day(5, 9)),
            event(8, 7, "triage", false, day(8, 9)),
            event(9, 7, "completed", true, day(8, 9)),
            event(10, 7, "completed", false, day(12, 9)),
            event(11, 7, "backlog", true, day(12, 9)),
        ];
        let h = histories(&wf, &[issue(7, Some("backlog"))], &events);
        assert_eq!(
            path(&h[&7]),
            expect(&[
                ("new_request", day(1, 9), Some(day(2, 9))),
                ("triage", day(2, 9), Some(day(3, 9))),
                ("backlog", day(3, 9), Some(day(5, 9))),
                ("triage", day(5, 9), Some(day(8, 9))),
                ("completed", day(8, 9), Some(day(12, 9))),
                ("backlog", day(12, 9), None),
            ])
        );
        assert_eq!(h[&7][1].by.as_deref(), Some("alice"));
    }

    #[test]
    fn a_request_without_events_has_been_in_its_state_since_it_is_known_to_be() {
        let wf = Workflow::default();
        let mut known = issue(1, Some("triage"));
        known.state_since = Some(day(4, 9));
        let h = histories(
            &wf,
            &[known, issue(2, Some("backlog")), issue(3, None)],
            &[],
        );
        assert_eq!(path(&h[&1]), expect(&[("triage", day(4, 9), None)]));
        assert_eq!(
            path(&h[&2]),
            expect(&[("backlog", day(1, 9), None)]),
            "since creation"
        );
        assert!(h[&3].is_empty(), "unlabelled: no stint");
    }

    #[test]
    fn a_local_move_not_yet_in_the_events_wins_from_when_it_was_made() {
        let wf = Workflow::default();
        let mut moved = issue(1, Some("assigned"));
        moved.state_since = Some(day(15, 9));
        let events = [event(1, 1, "backlog", true, day(3, 9))];
        let h = histories(&wf, &[moved], &events);
        assert_eq!(
            path(&h[&1]),
            expect(&[
                ("backlog", day(3, 9), Some(day(15, 9))),
                ("assigned", day(15, 9), None)
            ])
        );
    }
}

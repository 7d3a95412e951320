//! The standup summary: what moved since the last standup, what came in, who holds what, what
//! needs grooming, what is overdue or due soon, what waits longest, and the backlog's trend.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, Utc};
use serde::Serialize;

use crate::metrics::{Inputs, days_between};
use crate::workflow::classify;

/// How many of the oldest requests per waiting state are listed.
const OLDEST_PER_STATE: usize = 5;
/// "Due soon" means within this many days.
const DUE_SOON_DAYS: u64 = 7;
/// The states whose oldest requests are listed: the ones where requests wait for a decision.
const WAITING_STATES: [&str; 3] = ["new_request", "triage", "backlog"];

/// One request in a list, with why it is there ("due 2026-11-20", "12d in triage").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestLine {
    pub id: i64,
    pub iid: i64,
    pub reference: String,
    pub title: String,
    pub note: String,
    pub confidential: bool,
}

/// A request that changed state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    pub id: i64,
    pub iid: i64,
    pub reference: String,
    pub title: String,
    /// `None` when it had no state before.
    pub from: Option<String>,
    pub to: String,
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    pub confidential: bool,
}

/// Open requests held by one team or person, per state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Load {
    pub name: String,
    pub total: usize,
    pub by_state: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Oldest {
    pub state: String,
    pub requests: Vec<RequestLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    pub date: chrono::NaiveDate,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standup {
    pub since: DateTime<Utc>,
    pub moved: Vec<Move>,
    pub new_requests: Vec<RequestLine>,
    pub wip_by_team: Vec<Load>,
    pub wip_by_assignee: Vec<Load>,
    pub grooming_queue: Vec<RequestLine>,
    pub overdue: Vec<RequestLine>,
    pub due_soon: Vec<RequestLine>,
    pub oldest: Vec<Oldest>,
    /// Requests in backlog 4, 3, 2 and 1 weeks ago and now.
    pub backlog_trend: Vec<TrendPoint>,
}

fn line(record: &crate::store::IssueRecord, note: String) -> RequestLine {
    RequestLine {
        id: record.id,
        iid: record.iid,
        reference: record.reference.clone(),
        title: record.title.clone(),
        note,
        confidential: record.confidential,
    }
}

fn add_load(loads: &mut BTreeMap<String, Load>, name: &str, state: &str) {
    let load = loads.entry(name.to_string()).or_insert_with(|| Load {
        name: name.to_string(),
        total: 0,
        by_state: BTreeMap::new(),
    });
    load.total += 1;
    *load.by_state.entry(state.to_string()).or_default() += 1;
}

/// Heaviest first, then by name.
fn ranked(loads: BTreeMap<String, Load>) -> Vec<Load> {
    let mut loads: Vec<Load> = loads.into_values().collect();
    loads.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.name.cmp(&b.name)));
    loads
}

pub fn standup(inputs: &Inputs, since: DateTime<Utc>) -> Standup {
    let wf = inputs.wf;
    let clock = inputs.clock;
    let today = clock.today();
    let soon = today
        .checked_add_days(Days::new(DUE_SOON_DAYS))
        .unwrap_or(today);
    let name = |state: usize| wf.states[state].name.clone();
    let first_state = 0;

    let mut moved = Vec::new();
    let mut new_requests = Vec::new();
    let mut teams: BTreeMap<String, Load> = BTreeMap::new();
    let mut people: BTreeMap<String, Load> = BTreeMap::new();
    let (mut grooming_queue, mut overdue, mut due_soon) = (Vec::new(), Vec::new(), Vec::new());
    let mut waiting: Vec<Vec<(DateTime<Utc>, RequestLine)>> =
        vec![Vec::new(); WAITING_STATES.len()];

    for record in inputs.issues {
        let stints = inputs
            .histories
            .get(&record.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, stint) in stints.iter().enumerate() {
            // A move stamped after "now" is still a move (GitLab's clock may run ahead).
            if stint.from < since {
                continue;
            }
            let previous = i
                .checked_sub(1)
                .map(|p| &stints[p])
                .filter(|p| p.to == Some(stint.from));
            if previous.is_none() && stint.from <= record.created_at {
                continue; // filed in this state: listed as new, not as a move
            }
            moved.push(Move {
                id: record.id,
                iid: record.iid,
                reference: record.reference.clone(),
                title: record.title.clone(),
                from: previous.map(|p| name(p.state)),
                to: name(stint.state),
                by: stint.by.clone(),
                at: stint.from,
                confidential: record.confidential,
            });
        }
        if record.created_at >= since {
            new_requests.push(line(record, clock.date(record.created_at).to_string()));
        }
        if !record.facts.open {
            continue;
        }
        let class = classify(wf, &record.facts);
        let current = inputs.current(record.id);
        if let Some(stint) = current.filter(|s| s.state != first_state) {
            let state = wf.states[stint.state].name.as_str();
            if !wf.states[stint.state].closed {
                add_load(
                    &mut teams,
                    class.team.as_deref().unwrap_or("no team"),
                    state,
                );
                for person in record.facts.assignees.iter() {
                    add_load(&mut people, &person.username, state);
                }
            }
        }
        if let Some(stint) = current {
            let state = wf.states[stint.state].name.as_str();
            if let Some(slot) = WAITING_STATES.iter().position(|w| *w == state) {
                let days = days_between(stint.from, clock.now);
                waiting[slot].push((stint.from, line(record, format!("{days}d in {state}"))));
            }
            if state == "backlog" && !class.groomed {
                grooming_queue.push(line(record, "needs grooming".into()));
            }
        }
        if let Some(due) = record.facts.due_date {
            if due < today {
                let days = (today - due).num_days();
                overdue.push((due, line(record, format!("due {due}, {days}d overdue"))));
            } else if due <= soon {
                due_soon.push((due, line(record, format!("due {due}"))));
            }
        }
    }
    moved.sort_by(|a, b| a.at.cmp(&b.at).then(a.iid.cmp(&b.iid)));
    new_requests.sort_by_key(|r| r.iid);
    overdue.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.iid.cmp(&b.1.iid)));
    due_soon.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.iid.cmp(&b.1.iid)));
    grooming_queue.sort_by_key(|r| r.iid);
    let oldest = WAITING_STATES
        .iter()
        .zip(waiting)
        .map(|(state, mut requests)| {
            requests.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.iid.cmp(&b.1.iid)));
            Oldest {
                state: state.to_string(),
                requests: requests
                    .into_iter()
                    .take(OLDEST_PER_STATE)
                    .map(|(_, r)| r)
                    .collect(),
            }
        })
        .collect();
    let backlog = wf.state_index("backlog");
    let backlog_trend = (0..=4u64)
        .rev()
        .map(|weeks_ago| {
            let date = today
                .checked_sub_days(Days::new(7 * weeks_ago))
                .unwrap_or(today);
            let at = if weeks_ago == 0 {
                clock.now
            } else {
                clock.start_of(date)
            };
            TrendPoint {
                date,
                count: backlog.map_or(0, |b| inputs.counts_at(at)[b]),
            }
        })
        .collect();
    Standup {
        since,
        moved,
        new_requests,
        wip_by_team: ranked(teams),
        wip_by_assignee: ranked(people),
        grooming_queue,
        overdue: overdue.into_iter().map(|(_, r)| r).collect(),
        due_soon: due_soon.into_iter().map(|(_, r)| r).collect(),
        oldest,
        backlog_trend,
    }
}

//! Flow metrics over a window of days: a cumulative flow diagram (requests per state at the end
//! of each day), throughput per week, cycle times (filed to completed), the age of open
//! requests in their state, and the load per team.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use crate::metrics::{Inputs, percentile};
use crate::workflow::classify;

/// Age buckets for the aging chart and the cycle-time distribution: (label, upper bound in days).
pub const BUCKETS: [(&str, i64); 6] = [
    ("<1w", 7),
    ("1-2w", 14),
    ("2-4w", 28),
    ("1-2m", 61),
    ("2-3m", 92),
    (">3m", i64::MAX),
];

fn bucket(days: i64) -> usize {
    BUCKETS
        .iter()
        .position(|(_, limit)| days < *limit)
        .unwrap_or(BUCKETS.len() - 1)
}

/// One state's line in the cumulative flow diagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    pub state: String,
    /// Requests in the state at the end of each day of the window.
    pub counts: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CycleTimes {
    /// Requests completed in the window.
    pub count: usize,
    pub median_days: Option<f64>,
    pub p85_days: Option<f64>,
    /// Requests per `BUCKETS` span.
    pub histogram: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    pub days: u32,
    /// The window's days, oldest first.
    pub dates: Vec<NaiveDate>,
    pub cfd: Vec<Series>,
    /// Requests completed per week (the week ending on the date), oldest first.
    pub throughput: Vec<(NaiveDate, u32)>,
    pub cycle: CycleTimes,
    /// Open requests per `BUCKETS` span of time in their current state.
    pub aging: Vec<u32>,
    /// Open requests per team (in a state other than the first), heaviest first.
    pub team_load: Vec<(String, u32)>,
}

/// The state that counts as done: `completed`, else the first closed one.
fn done_state(inputs: &Inputs) -> Option<usize> {
    inputs
        .wf
        .state_index("completed")
        .or_else(|| inputs.wf.states.iter().position(|s| s.closed))
}

/// The day `t` falls on, as an offset from the window's `first` day (negative before it, past
/// its length after it).
fn day_index(inputs: &Inputs, first: NaiveDate, t: DateTime<Utc>) -> i64 {
    (inputs.clock.date(t) - first).num_days()
}

pub fn flow(inputs: &Inputs, days: u32) -> Flow {
    let clock = inputs.clock;
    let today = clock.today();
    let days = days.max(1);
    let first = today
        .checked_sub_days(Days::new(u64::from(days) - 1))
        .unwrap_or(today);
    let dates: Vec<NaiveDate> = first.iter_days().take(days as usize).collect();
    let n = dates.len() as i64;
    let states = inputs.wf.states.len();

    // Difference arrays: a stint adds one to every day whose end it covers.
    let mut diff = vec![vec![0i64; dates.len() + 1]; states];
    for stint in inputs.histories.values().flatten() {
        let start = day_index(inputs, first, stint.from).max(0);
        let end = match stint.to {
            None => n,
            Some(to) => {
                let d = day_index(inputs, first, to);
                // Covered at the end of day d-1 only if it lasted past that midnight.
                let midnight = clock.start_of(clock.date(to));
                if to > midnight { d } else { d - 1 }.min(n)
            }
        };
        if start < end && start < n {
            diff[stint.state][start as usize] += 1;
            diff[stint.state][end as usize] -= 1;
        }
    }
    let cfd = inputs
        .wf
        .states
        .iter()
        .zip(diff)
        .map(|(state, diff)| {
            let mut running = 0i64;
            let counts = diff[..dates.len()]
                .iter()
                .map(|d| {
                    running += d;
                    running.max(0) as u32
                })
                .collect();
            Series {
                state: state.name.clone(),
                counts,
            }
        })
        .collect();

    let weeks = (days / 7).max(1) as usize;
    let mut throughput: Vec<(NaiveDate, u32)> = (0..weeks)
        .rev()
        .map(|w| {
            let end = today
                .checked_sub_days(Days::new(7 * w as u64))
                .unwrap_or(today);
            (end, 0)
        })
        .collect();
    let mut cycle_days: Vec<f64> = Vec::new();
    let mut histogram = vec![0u32; BUCKETS.len()];
    let done = done_state(inputs);
    for record in inputs.issues {
        let stints = inputs
            .histories
            .get(&record.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for stint in stints.iter().filter(|s| Some(s.state) == done) {
            let date = clock.date(stint.from);
            if date < first || date > today {
                continue;
            }
            let back = (today - date).num_days() as usize / 7;
            if back < weeks {
                throughput[weeks - 1 - back].1 += 1;
            }
            // Filed to done: from the first stint (or the filing, if that came first).
            let filed = stints
                .first()
                .map_or(record.created_at, |s| s.from.min(record.created_at));
            let span = stint.from - filed;
            cycle_days.push(span.num_seconds().max(0) as f64 / 86_400.0);
            histogram[bucket(span.num_days())] += 1;
        }
    }
    cycle_days.sort_by(f64::total_cmp);

    let mut aging = vec![0u32; BUCKETS.len()];
    let mut teams: Vec<(String, u32)> = Vec::new();
    for record in inputs.issues.iter().filter(|r| r.facts.open) {
        let Some(stint) = inputs.current(record.id) else {
            continue;
        };
        aging[bucket((clock.now - stint.from).num_days())] += 1;
        if stint.state == 0 || inputs.wf.states[stint.state].closed {
            continue;
        }
        let team = classify(inputs.wf, &record.facts)
            .team
            .unwrap_or_else(|| "no team".into());
        match teams.iter_mut().find(|(t, _)| *t == team) {
            Some((_, count)) => *count += 1,
            None => teams.push((team.to_string(), 1)),
        }
    }
    teams.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Flow {
        days,
        dates,
        cfd,
        throughput,
        cycle: CycleTimes {
            count: cycle_days.len(),
            median_days: percentile(&cycle_days, 0.5),
            p85_days: percentile(&cycle_days, 0.85),
            histogram,
        },
        aging,
        team_load: teams,
    }
}

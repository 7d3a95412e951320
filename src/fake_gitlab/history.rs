//! Plausible pasts for seeded issues. GitLab data given as a plain issue list (the bundled demo,
//! `--data`, generated issues) says where each request is, not how it got there; the fake makes
//! up the path through the workflow so label events, time in state and flow charts have
//! something real-looking to show. Deterministic: the same issue gets the same past every run.

use chrono::{DateTime, Duration, Utc};

/// The way a request reaches `state` (`sm_req::<state>` values of the default workflow), or
/// `None` for a state outside that workflow.
fn path_to(state: &str) -> Option<&'static [&'static str]> {
    Some(match state {
        "new_request" => &["new_request"],
        "triage" => &["new_request", "triage"],
        "backlog" => &["new_request", "triage", "backlog"],
        "assigned" => &["new_request", "triage", "backlog", "assigned"],
        "completed" => &["new_request", "triage", "backlog", "assigned", "completed"],
        "transfered" => &["new_request", "triage", "transfered"],
        "declined" => &["new_request", "triage", "backlog", "declined"],
        _ => return None,
    })
}

/// A small deterministic generator (SplitMix64) seeded by the issue id.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A fraction in [lo, hi).
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        lo + unit * (hi - lo)
    }
}

/// When each state of the path was entered: `(full state label, time)`, the first at
/// `created`. The last move lands at `closed` for closed requests, otherwise somewhere between
/// creation and `updated` (a request was last touched no earlier than its last move).
pub fn state_walk(
    issue_id: i64,
    state_label: &str,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
) -> Vec<(String, DateTime<Utc>)> {
    let Some((key, state)) = state_label.rsplit_once("::") else {
        return Vec::new();
    };
    let Some(path) = path_to(state) else {
        return vec![(state_label.to_string(), created)];
    };
    let mut mix = Mix(issue_id.unsigned_abs());
    let end = closed.unwrap_or(updated).max(created);
    let span = (end - created).num_seconds().max(0) as f64;
    // The last move: at closing, or 30–95% of the way to the last update.
    let last = if closed.is_some() {
        1.0
    } else {
        mix.between(0.3, 0.95)
    };
    let steps = path.len().saturating_sub(1).max(1) as f64;
    path.iter()
        .enumerate()
        .map(|(i, value)| {
            let at = if i == 0 {
                created
            } else if i + 1 == path.len() {
                created + Duration::seconds((span * last) as i64)
            } else {
                // Earlier moves spread over the time before the last one, with some jitter.
                let base = (i as f64 - 0.5 + mix.between(0.0, 0.9)) / steps;
                created + Duration::seconds((span * last * base.clamp(0.0, 1.0)) as i64)
            };
            (format!("{key}::{value}"), at)
        })
        .scan(created, |previous, (label, at)| {
            // Never out of order, even with jitter.
            let at = at.max(*previous);
            *previous = at;
            Some((label, at))
        })
        .collect()
}

/// What seeded comments say (a triage team's usual remarks).
const REMARKS: &[&str] = &[
    "Thanks for the request. Can you share the launch date and the audience?",
    "Added the deck from last quarter as a starting point.",
    "Blocked on legal review of the customer quote.",
    "Draft is ready for review; comments welcome by Friday.",
    "Moving this to next quarter: the webinar slot is taken.",
    "Field team confirmed they need this for the partner summit.",
    "Updated the brief with the competitive positioning.",
    "Pinged product for the roadmap slide.",
];

/// When and what an issue's `count` seeded comments were, oldest first: spread between its
/// creation and its last update, the last one at the update (a comment is an update).
pub fn comments(
    id: i64,
    count: i64,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, &'static str)> {
    let mut mix = Mix(id as u64 ^ 0x5eed_c0de);
    let span = (updated - created).num_seconds().max(0) as f64;
    let mut at: Vec<DateTime<Utc>> = (1..count)
        .map(|_| created + Duration::seconds(mix.between(0.0, span) as i64))
        .collect();
    at.sort();
    if count > 0 {
        at.push(updated);
    }
    at.into_iter()
        .map(|t| (t, REMARKS[(mix.next() % REMARKS.len() as u64) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, d, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_completed_request_walks_the_whole_workflow_and_ends_when_closed() {
        let walk = state_walk(7, "sm_req::completed", day(1), day(20), Some(day(20)));
        let labels: Vec<&str> = walk.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "sm_req::new_request",
                "sm_req::triage",
                "sm_req::backlog",
                "sm_req::assigned",
                "sm_req::completed"
            ]
        );
        assert_eq!(walk[0].1, day(1));
        assert_eq!(walk[4].1, day(20));
        assert!(walk.windows(2).all(|w| w[0].1 <= w[1].1), "{walk:?}");
    }

    #[test]
    fn an_open_request_entered_its_state_before_its_last_update_and_the_same_way_each_time() {
        let walk = state_walk(11, "sm_req::backlog", day(1), day(21), None);
        assert_eq!(walk.len(), 3);
        assert!(walk[2].1 > day(1) && walk[2].1 < day(21), "{walk:?}");
        assert_eq!(
            walk,
            state_walk(11, "sm_req::backlog", day(1), day(21), None)
        );
    }

    #[test]
    fn unknown_states_start_at_creation() {
        assert_eq!(
            state_walk(1, "sm_req::parked", day(1), day(2), None),
            [("sm_req::parked".to_string(), day(1))]
        );
        assert!(state_walk(1, "nokey", day(1), day(2), None).is_empty());
    }
}

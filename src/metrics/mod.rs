//! Standup and flow metrics, computed by pure functions over the cached requests and their
//! label histories. The clock and the user's UTC offset are passed in, so every figure can be
//! checked against a hand-built history.

pub mod flow;
pub mod history;
pub mod report;
pub mod standup;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Utc, Weekday};

use crate::store::IssueRecord;
use crate::workflow::Workflow;

pub use flow::{Flow, flow};
pub use history::{Histories, Stint, histories};
pub use standup::{Standup, standup};

/// The requests and their histories, as every metric reads them.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub wf: &'a Workflow,
    pub issues: &'a [IssueRecord],
    pub histories: &'a Histories,
    pub clock: Clock,
}

impl Inputs<'_> {
    /// The stint a request is in now, if it is in a state.
    pub fn current(&self, id: i64) -> Option<&Stint> {
        self.histories.get(&id)?.last().filter(|s| s.to.is_none())
    }

    /// How many requests were in each state at instant `t`.
    pub fn counts_at(&self, t: DateTime<Utc>) -> Vec<usize> {
        let mut counts = vec![0; self.wf.states.len()];
        for stint in self.histories.values().flatten() {
            if stint.from <= t && stint.to.is_none_or(|to| to > t) {
                counts[stint.state] += 1;
            }
        }
        counts
    }
}

/// What every metric is computed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    /// Days begin at midnight in this offset (the user's).
    pub offset: FixedOffset,
}

impl Clock {
    /// The calendar day `t` falls on, where the user is.
    pub fn date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.offset).date_naive()
    }

    pub fn today(&self) -> NaiveDate {
        self.date(self.now)
    }

    /// Midnight at the start of `date`, where the user is.
    pub fn start_of(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        (midnight - self.offset).and_utc()
    }

    /// The start of the previous working day: Friday's on a Monday (and at the weekend),
    /// yesterday's otherwise. The default "since the last standup".
    pub fn previous_working_day(&self) -> DateTime<Utc> {
        let today = self.today();
        let back = match today.weekday() {
            Weekday::Mon => 3,
            Weekday::Sun => 2,
            _ => 1,
        };
        self.start_of(today.checked_sub_days(Days::new(back)).unwrap_or(today))
    }
}

/// Whole days from `from` to `to` (negative spans count as zero).
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days().max(0)
}

/// The `p`-th percentile (0 < p <= 1) by nearest rank of sorted `values`.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn days_begin_at_the_user_s_midnight() {
        // 23:30 UTC on Sunday is already Monday in Berlin (+01:00).
        let clock = Clock {
            now: Utc.with_ymd_and_hms(2026, 11, 22, 23, 30, 0).unwrap(),
            offset: FixedOffset::east_opt(3600).unwrap(),
        };
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        // Monday: the last standup was Friday, from Berlin's midnight.
        assert_eq!(
            clock.previous_working_day(),
            Utc.with_ymd_and_hms(2026, 11, 19, 23, 0, 0).unwrap()
        );
        let utc = Clock {
            offset: FixedOffset::east_opt(0).unwrap(),
            ..clock
        };
        assert_eq!(utc.today(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        assert_eq!(
            utc.previous_working_day(),
            Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
            "Sunday: Friday too"
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(percentile(&values, 0.5), Some(5.0));
        assert_eq!(percentile(&values, 0.85), Some(9.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[3.0], 0.85), Some(3.0));
    }
}

#[cfg(test)]
mod scenario_tests;

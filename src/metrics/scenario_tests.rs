//! The metrics on a hand-built history whose answers were worked out by hand: a request that went
//! all the way, one filed last Friday, one older than the window with no events at all, one
//! completed and reopened, and one moved at 23:30 UTC (already tomorrow in Berlin).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::metrics::{Clock, Inputs, flow, histories, standup};
use crate::store::{IssueRecord, LabelEvent};
use crate::workflow::{IssueFacts, Workflow};

fn at(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .unwrap()
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

fn request(iid: i64, labels: &[&str], open: bool, created: DateTime<Utc>) -> IssueRecord {
    IssueRecord {
        id: 100 + iid,
        iid,
        project_id: 1,
        reference: format!("g/p#{iid}"),
        title: format!("Request {iid}"),
        facts: IssueFacts {
            labels: labels
                .iter()
                .map(|l| crate::workflow::Label::from(*l))
                .collect(),
            open,
            ..IssueFacts::default()
        },
        author: None,
        created_at: created,
        updated_at: created,
        closed_at: None,
        web_url: crate::store::WebUrl::default(),
        state_since: None,
        confidential: false,
    }
}

/// One move: `from` removed and `to` added at `when` by `who`.
fn moved(
    events: &mut Vec<LabelEvent>,
    iid: i64,
    from: Option<&str>,
    to: &str,
    who: &str,
    when: DateTime<Utc>,
) {
    let mut push = |label: &str, added: bool| {
        let id = events.len() as i64 + 1;
        events.push(LabelEvent {
            id,
            issue_id: 100 + iid,
            label: format!("sm_req::{label}"),
            added,
            actor: Some(who.into()),
            created_at: when,
        });
    };
    if let Some(from) = from {
        push(from, false);
    }
    push(to, true);
}

fn world() -> (Workflow, Vec<IssueRecord>, Vec<LabelEvent>) {
    let mut r3 = request(3, &["sm_req::backlog", "pmm"], true, at(9, 1, 9, 0));
    r3.facts.due_date = Some(date(11, 20));
    let mut r4 = request(4, &["sm_req::backlog", "tech-pmm"], true, at(10, 1, 9, 0));
    r4.facts.due_date = Some(date(11, 27));
    let issues = vec![
        request(1, &["sm_req::completed", "pmm"], false, at(11, 2, 9, 0)),
        request(2, &["sm_req::new_request"], true, at(11, 20, 15, 0)),
        r3,
        r4,
        request(5, &["sm_req::triage"], true, at(11, 22, 20, 0)),
    ];
    let mut events = Vec::new();
    let e = &mut events;
    moved(e, 1, None, "new_request", "dana", at(11, 2, 9, 0));
    moved(
        e,
        1,
        Some("new_request"),
        "triage",
        "alice",
        at(11, 3, 10, 0),
    );
    moved(e, 1, Some("triage"), "backlog", "bob", at(11, 5, 10, 0));
    moved(e, 1, Some("backlog"), "assigned", "bob", at(11, 10, 10, 0));
    moved(
        e,
        1,
        Some("assigned"),
        "completed",
        "carol",
        at(11, 16, 12, 0),
    );
    moved(e, 2, None, "new_request", "dana", at(11, 20, 15, 0));
    moved(e, 4, None, "new_request", "dana", at(10, 1, 9, 0));
    moved(
        e,
        4,
        Some("new_request"),
        "triage",
        "alice",
        at(10, 2, 9, 0),
    );
    moved(e, 4, Some("triage"), "completed", "alice", at(10, 20, 9, 0));
    moved(
        e,
        4,
        Some("completed"),
        "backlog",
        "dana",
        at(11, 20, 16, 0),
    );
    moved(e, 5, None, "new_request", "erin", at(11, 22, 20, 0));
    moved(
        e,
        5,
        Some("new_request"),
        "triage",
        "erin",
        at(11, 22, 23, 30),
    );
    events.sort_by_key(|e| (e.issue_id, e.created_at, e.id));
    (Workflow::default(), issues, events)
}

fn clock(offset_secs: i32) -> Clock {
    Clock {
        // Monday.
        now: at(11, 23, 10, 0),
        offset: FixedOffset::east_opt(offset_secs).unwrap(),
    }
}

fn iids<T>(items: &[T], iid: impl Fn(&T) -> i64) -> Vec<i64> {
    items.iter().map(iid).collect()
}

#[test]
fn the_standup_answers_what_moved_came_in_is_held_waits_and_trends() {
    let (wf, issues, events) = world();
    let h = histories(&wf, &issues, &events);
    let inputs = Inputs {
        wf: &wf,
        issues: &issues,
        histories: &h,
        clock: clock(0),
    };
    let since = inputs.clock.previous_working_day();
    assert_eq!(since, at(11, 20, 0, 0), "Monday: since Friday");
    let s = standup(&inputs, since);
    let moves: Vec<String> = s
        .moved
        .iter()
        .map(|m| {
            format!(
                "#{} {} -> {} ({})",
                m.iid,
                m.from.as_deref().unwrap_or("-"),
                m.to,
                m.by.as_deref().unwrap_or("?")
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            "#4 completed -> backlog (dana)",
            "#5 new_request -> triage (erin)"
        ]
    );
    assert_eq!(iids(&s.new_requests, |r| r.iid), [2, 5]);
    let teams: Vec<(&str, usize)> = s
        .wip_by_team
        .iter()
        .map(|l| (l.name.as_str(), l.total))
        .collect();
    assert_eq!(teams, [("no team", 1), ("pmm", 1), ("tech-pmm", 1)]);
    assert_eq!(iids(&s.grooming_queue, |r| r.iid), [3, 4]);
    assert_eq!(iids(&s.overdue, |r| r.iid), [3]);
    assert_eq!(s.overdue[0].note, "due 2026-11-20, 3d overdue");
    assert_eq!(iids(&s.due_soon, |r| r.iid), [4]);
    let oldest: Vec<(&str, Vec<String>)> = s
        .oldest
        .iter()
        .map(|o| {
            (
                o.state.as_str(),
                o.requests
                    .iter()
                    .map(|r| format!("#{} {}", r.iid, r.note))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        oldest,
        [
            ("new_request", vec!["#2 2d in new_request".to_string()]),
            ("triage", vec!["#5 0d in triage".to_string()]),
            (
                "backlog",
                vec![
                    "#3 83d in backlog".to_string(),
                    "#4 2d in backlog".to_string()
                ]
            ),
        ]
    );
    let trend: Vec<(NaiveDate, usize)> =
        s.backlog_trend.iter().map(|p| (p.date, p.count)).collect();
    assert_eq!(
        trend,
        [
            (date(10, 26), 1),
            (date(11, 2), 1),
            (date(11, 9), 2),
            (date(11, 16), 1),
            (date(11, 23), 2)
        ]
    );
}

#[test]
fn flow_counts_states_per_day_throughput_cycle_times_aging_and_load() {
    let (wf, issues, events) = world();
    let h = histories(&wf, &issues, &events);
    let inputs = Inputs {
        wf: &wf,
        issues: &issues,
        histories: &h,
        clock: clock(0),
    };
    let f = flow(&inputs, 30);
    assert_eq!(f.dates.first(), Some(&date(10, 25)));
    assert_eq!(f.dates.last(), Some(&date(11, 23)));
    let on = |state: &str, day: NaiveDate| -> u32 {
        let i = f.dates.iter().position(|d| *d == day).unwrap();
        f.cfd.iter().find(|s| s.state == state).unwrap().counts[i]
    };
    let today = date(11, 23);
    assert_eq!(
        ["new_request", "triage", "backlog", "assigned", "completed"].map(|s| on(s, today)),
        [1, 1, 2, 0, 1]
    );
    // Before #4 was reopened it counted as completed; #1 was still in backlog on the 9th.
    assert_eq!(on("completed", date(11, 19)), 2);
    assert_eq!(on("backlog", date(11, 9)), 2);
    // #5 moved at 23:30 UTC: in UTC it ended the 22nd in triage.
    assert_eq!(
        (on("new_request", date(11, 22)), on("triage", date(11, 22))),
        (1, 1)
    );

    let weeks: Vec<(NaiveDate, u32)> = f.throughput.clone();
    assert_eq!(
        weeks,
        [
            (date(11, 2), 0),
            (date(11, 9), 0),
            (date(11, 16), 1),
            (date(11, 23), 0)
        ]
    );
    assert_eq!(f.cycle.count, 1, "#4's completion is before the window");
    assert_eq!(f.cycle.median_days, Some(14.125));
    assert_eq!(f.cycle.p85_days, Some(14.125));
    assert_eq!(f.cycle.histogram, [0, 0, 1, 0, 0, 0]);
    assert_eq!(f.aging, [3, 0, 0, 0, 1, 0]);
    let load: Vec<(&str, u32)> = f.team_load.iter().map(|(t, n)| (t.as_str(), *n)).collect();
    assert_eq!(load, [("no team", 1), ("pmm", 1), ("tech-pmm", 1)]);
}

#[test]
fn days_are_the_user_s_days() {
    let (wf, issues, events) = world();
    let h = histories(&wf, &issues, &events);
    let inputs = Inputs {
        wf: &wf,
        issues: &issues,
        histories: &h,
        clock: clock(3600),
    };
    let f = flow(&inputs, 30);
    let i = f.dates.iter().position(|d| *d == date(11, 22)).unwrap();
    let count = |state: &str| f.cfd.iter().find(|s| s.state == state).unwrap().counts[i];
    // In Berlin the move came at 00:30 on the 23rd: the 22nd ended with #5 still new.
    assert_eq!((count("new_request"), count("triage")), (2, 0));
}

#[test]
fn nothing_cached_gives_empty_answers_not_errors() {
    let wf = Workflow::default();
    let h = histories(&wf, &[], &[]);
    let inputs = Inputs {
        wf: &wf,
        issues: &[],
        histories: &h,
        clock: clock(0),
    };
    let s = standup(&inputs, at(11, 20, 0, 0));
    assert!(s.moved.is_empty() && s.new_requests.is_empty() && s.oldest[0].requests.is_empty());
    let f = flow(&inputs, 90);
    assert_eq!(f.dates.len(), 90);
    assert_eq!(f.cycle.median_days, None);
    assert!(f.team_load.is_empty());
}

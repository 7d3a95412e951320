//! Tests of `workflow::transition`.

use super::*;
use crate::workflow::issue::{MilestoneRef, push_to};

const NEW: usize = 0;
const TRIAGE: usize = 1;
const BACKLOG: usize = 2;
const ASSIGNED: usize = 3;
const COMPLETED: usize = 4;
const TRANSFERED: usize = 5;
const DECLINED: usize = 6;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn milestones() -> Vec<MilestoneInfo> {
    vec![
        MilestoneInfo {
            id: 1,
            title: "SM_Backlog".into(),
            active: true,
            start_date: None,
            due_date: None,
        },
        MilestoneInfo {
            id: 2,
            title: "FY27-Q3".into(),
            active: true,
            start_date: day(2026, 8, 1),
            due_date: day(2026, 10, 31),
        },
        MilestoneInfo {
            id: 3,
            title: "FY27-Q4".into(),
            active: true,
            start_date: day(2026, 11, 1),
            due_date: day(2027, 1, 31),
        },
    ]
}

fn issue(labels: &[&str], open: bool) -> IssueFacts {
    IssueFacts {
        labels: labels
            .iter()
            .map(|s| crate::workflow::Label::from(*s))
            .collect(),
        open,
        ..IssueFacts::default()
    }
}

fn plan(issue: &IssueFacts, from: usize, to: usize) -> MovePlan {
    plan_move(
        &Workflow::default(),
        issue,
        Placement::State(from),
        to,
        &milestones(),
        today(),
    )
    .unwrap()
}

#[test]
fn new_request_to_triage_asks_for_a_team_when_there_is_none() {
    let request = issue(&["sm_req::new_request", "sm_request"], true);
    let mut p = plan(&request, NEW, TRIAGE);
    assert_eq!(p.needs, [Need::Team]);
    p.answer_team(&Workflow::default(), &request, "tech-pmm");
    let after = p.edit.apply(&request);
    assert_eq!(*after.labels, ["sm_req::triage", "sm_request", "tech-pmm"]);
    assert_eq!(p.edit.state_event, None);
}

#[test]
fn new_request_to_triage_with_exactly_one_team_asks_nothing() {
    let request = issue(&["sm_req::new_request", "pmm"], true);
    assert!(plan(&request, NEW, TRIAGE).needs.is_empty());
}

#[test]
fn new_request_to_triage_with_two_teams_asks_which_one() {
    let request = issue(&["sm_req::new_request", "pmm", "mrci"], true);
    let mut p = plan(&request, NEW, TRIAGE);
    assert_eq!(p.needs, [Need::Team]);
    p.answer_team(&Workflow::default(), &request, "mrci");
    assert_eq!(*p.edit.apply(&request).labels, ["mrci", "sm_req::triage"]);
}

#[test]
fn triage_to_backlog_sets_the_sm_backlog_milestone() {
    let request = issue(&["sm_req::triage", "pmm"], true);
    let p = plan(&request, TRIAGE, BACKLOG);
    assert!(p.needs.is_empty());
    assert_eq!(
        p.edit.milestone,
        Some(Change::Set(MilestoneRef {
            id: 1,
            title: "SM_Backlog".into()
        }))
    );
    assert_eq!(*p.edit.apply(&request).labels, ["pmm", "sm_req::backlog"]);
}

#[test]
fn triage_to_backlog_without_the_milestone_in_cache_moves_and_says_so() {
    let request = issue(&["sm_req::triage", "pmm"], true);
    let p = plan_move(
        &Workflow::default(),
        &request,
        Placement::State(TRIAGE),
        BACKLOG,
        &[],
        today(),
    )
    .unwrap();
    assert!(p.needs.is_empty());
    assert_eq!(p.edit.milestone, None);
    assert_eq!(p.notes.len(), 1);
}

#[test]
fn triage_to_transfered_closes_the_issue() {
    let request = issue(&["sm_req::triage"], true);
    let p = plan(&request, TRIAGE, TRANSFERED);
    assert!(p.needs.is_empty());
    assert_eq!(p.edit.state_event, Some(StateEvent::Close));
    assert_eq!(p.edit.labels.add, ["sm_req::transfered"]);
}

#[test]
fn triage_to_assigned_asks_whether_it_is_urgent() {
    let request = issue(&["sm_req::triage", "pmm"], true);
    let p = plan(&request, TRIAGE, ASSIGNED);
    assert!(matches!(p.needs.front(), Some(Need::Confirm(q)) if q.contains("urgent")));
    assert!(p.needs.contains(&Need::Assignee));
}

#[test]
fn backlog_to_assigned_needs_an_assignee_and_takes_the_current_quarter() {
    let request = issue(&["sm_req::backlog"], true);
    let mut p = plan(&request, BACKLOG, ASSIGNED);
    assert_eq!(p.needs, [Need::Assignee]);
    assert_eq!(
        p.edit.milestone,
        Some(Change::Set(MilestoneRef {
            id: 3,
            title: "FY27-Q4".into()
        }))
    );
    let alice = UserRef {
        id: 9,
        username: "alice".into(),
        name: "Alice".into(),
    };
    p.answer_assignee(alice.clone());
    assert_eq!(*p.edit.apply(&request).assignees, [alice]);
}

#[test]
fn backlog_to_assigned_keeps_an_existing_assignee() {
    let mut request = issue(&["sm_req::backlog"], true);
    request.assignees = push_to(
        &request.assignees,
        UserRef {
            id: 1,
            username: "bob".into(),
            name: String::new(),
        },
    );
    assert!(plan(&request, BACKLOG, ASSIGNED).needs.is_empty());
}

#[test]
fn no_covering_milestone_lets_the_user_pick_among_active_ones() {
    let request = issue(&["sm_req::backlog"], true);
    let p = plan_move(
        &Workflow::default(),
        &request,
        Placement::State(BACKLOG),
        ASSIGNED,
        &milestones(),
        NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
    )
    .unwrap();
    let Some(Need::Milestone { candidates, .. }) = p.needs.back() else {
        panic!("expected a milestone question, got {:?}", p.needs);
    };
    assert_eq!(candidates.len(), 3);
}

#[test]
fn several_covering_milestones_offer_only_those() {
    let mut ms = milestones();
    ms.push(MilestoneInfo {
        id: 4,
        title: "November push".into(),
        active: true,
        start_date: day(2026, 11, 15),
        due_date: day(2026, 11, 30),
    });
    let request = issue(&["sm_req::backlog"], true);
    let mut p = plan_move(
        &Workflow::default(),
        &request,
        Placement::State(BACKLOG),
        ASSIGNED,
        &ms,
        today(),
    )
    .unwrap();
    let Some(Need::Milestone { candidates, .. }) = p.needs.back().cloned() else {
        panic!("expected a milestone question");
    };
    let ids: Vec<i64> = candidates.iter().map(|m| m.id).collect();
    assert_eq!(ids, [3, 4]);
    p.answer_milestone(candidates.last());
    assert_eq!(p.edit.apply(&request).milestone.map(|m| m.id), Some(4));
}

#[test]
fn closed_milestones_never_count_as_the_current_quarter() {
    let mut ms = milestones();
    ms[2].active = false;
    let request = issue(&["sm_req::backlog"], true);
    let p = plan_move(
        &Workflow::default(),
        &request,
        Placement::State(BACKLOG),
        ASSIGNED,
        &ms,
        today(),
    )
    .unwrap();
    assert!(matches!(p.needs.back(), Some(Need::Milestone { .. })));
}

#[test]
fn backlog_to_declined_closes_and_assigned_to_completed_closes() {
    let request = issue(&["sm_req::backlog"], true);
    assert_eq!(
        plan(&request, BACKLOG, DECLINED).edit.state_event,
        Some(StateEvent::Close)
    );
    let request = issue(&["sm_req::assigned"], true);
    let p = plan(&request, ASSIGNED, COMPLETED);
    assert!(p.needs.is_empty());
    assert_eq!(p.edit.state_event, Some(StateEvent::Close));
}

#[test]
fn moving_out_of_a_closed_state_reopens_and_is_unusual() {
    let request = issue(&["sm_req::completed"], false);
    let p = plan(&request, COMPLETED, ASSIGNED);
    assert_eq!(p.edit.state_event, Some(StateEvent::Reopen));
    assert!(matches!(p.needs.front(), Some(Need::Confirm(q)) if q.starts_with("Unusual move")));
}

#[test]
fn closed_to_closed_neither_closes_nor_reopens() {
    let request = issue(&["sm_req::declined"], false);
    let p = plan(&request, DECLINED, TRANSFERED);
    assert_eq!(p.edit.state_event, None);
}

#[test]
fn unusual_moves_ask_but_are_never_blocked() {
    for (from, to) in [
        (NEW, BACKLOG),
        (ASSIGNED, TRIAGE),
        (BACKLOG, NEW),
        (NEW, COMPLETED),
    ] {
        let name = Workflow::default().states[from].name.clone();
        let request = issue(&[&format!("sm_req::{name}")], true);
        let p = plan(&request, from, to);
        assert!(
            matches!(p.needs.front(), Some(Need::Confirm(_))),
            "{from} -> {to} should ask"
        );
    }
}

#[test]
fn every_usual_move_of_the_handbook_is_usual() {
    let wf = Workflow::default();
    for (from, to) in [
        (NEW, TRIAGE),
        (TRIAGE, BACKLOG),
        (TRIAGE, TRANSFERED),
        (BACKLOG, ASSIGNED),
        (BACKLOG, DECLINED),
        (ASSIGNED, COMPLETED),
    ] {
        let mut request = issue(&["pmm", &wf.state_label(from).unwrap()], true);
        request.assignees = push_to(
            &request.assignees,
            UserRef {
                id: 1,
                username: "a".into(),
                name: String::new(),
            },
        );
        let p = plan(&request, from, to);
        assert!(
            !p.needs.iter().any(|n| matches!(n, Need::Confirm(_))),
            "{from} -> {to} asked for confirmation"
        );
    }
}

#[test]
fn an_unlabelled_request_gets_a_state_without_confirmation() {
    let request = issue(&["sm_request"], true);
    let p = plan_move(
        &Workflow::default(),
        &request,
        Placement::Unlabelled,
        NEW,
        &[],
        today(),
    )
    .unwrap();
    assert!(p.needs.is_empty());
    assert_eq!(
        *p.edit.apply(&request).labels,
        ["sm_req::new_request", "sm_request"]
    );
}

#[test]
fn a_move_cleans_up_duplicate_and_unknown_state_labels() {
    let request = issue(
        &["sm_req::triage", "sm_req::backlog", "sm_req::bogus"],
        true,
    );
    let p = plan(&request, TRIAGE, BACKLOG);
    assert_eq!(*p.edit.apply(&request).labels, ["sm_req::backlog"]);
}

#[test]
fn moving_to_the_same_state_is_refused() {
    let request = issue(&["sm_req::triage"], true);
    let err = plan_move(
        &Workflow::default(),
        &request,
        Placement::State(TRIAGE),
        TRIAGE,
        &[],
        today(),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "the request is already in triage");
}

#[test]
fn other_labels_survive_every_move() {
    let request = issue(
        &["sm_req::backlog", "p::1", "ucase::CI", "pmm", "misc"],
        true,
    );
    let after = plan(&request, BACKLOG, DECLINED).edit.apply(&request);
    assert_eq!(
        *after.labels,
        ["misc", "p::1", "pmm", "sm_req::declined", "ucase::CI"]
    );
}

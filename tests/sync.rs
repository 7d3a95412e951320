//! Sync against the project's fake GitLab over loopback TCP: first and incremental pulls,
//! request counts, pushes as deltas, conflicts, faults, offline and wrong tokens.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use chrono::Utc;
use serde_json::Value;
use sm_board::config::{Scope, Secret};
use sm_board::demo::generate;
use sm_board::fake_gitlab::faults::FaultUpdate;
use sm_board::fake_gitlab::model::IssueUpdate;
use sm_board::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig, RunningFake};
use sm_board::gitlab::{ApiError, Client, RetryPolicy};
use sm_board::store::{self, OutboxStatus, Store};
use sm_board::sync::{SyncError, SyncReport, SyncTarget, sync};
use sm_board::workflow::edit::set_field;
use sm_board::workflow::{Workflow, classify, plan_move};

struct World {
    fake: RunningFake,
    client: Client,
    store: Store,
    target: SyncTarget,
    wf: Workflow,
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: std::time::Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

async fn world(issues: Vec<Value>) -> World {
    let milestones = match generate::milestones() {
        Value::Array(all) => all,
        _ => vec![],
    };
    let fake = fake_gitlab::start(
        FakeConfig {
            issues: issues.into(),
            milestones,
            token: DEFAULT_TOKEN.into(),
            latency_ms: 0,
        },
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    )
    .await
    .unwrap();
    let client = Client::new(
        &fake.base_url(),
        Secret::new(DEFAULT_TOKEN.into()),
        policy(),
    )
    .unwrap();
    World {
        fake,
        client,
        store: Store::open_in_memory().unwrap(),
        target: SyncTarget {
            scope: Scope::Group("marketing/strategic-marketing".into()),
            scope_label: "sm_request".into(),
            board: Some("SM Request Board".into()),
            // Activity has tests of its own; the others count issue-list requests.
            activity_per_pass: 0,
            listing_windows: sm_board::sync::target::WINDOWS_FOREGROUND,
        },
        wf: Workflow::default(),
    }
}

impl World {
    async fn sync(&self) -> SyncReport {
        sync(
            &self.client,
            &self.store,
            &self.wf,
            &self.target,
            false,
            &mut |_| {},
        )
        .await
        .unwrap()
    }

    async fn full_sync(&self) -> SyncReport {
        sync(
            &self.client,
            &self.store,
            &self.wf,
            &self.target,
            true,
            &mut |_| {},
        )
        .await
        .unwrap()
    }

    fn cached(&self) -> Vec<store::IssueRecord> {
        store::load_issues(self.store.conn()).unwrap()
    }

    fn remote_labels(&self, id: i64) -> Vec<String> {
        let model = self.fake.shared.lock();
        model.issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    }

    /// Someone else edits the issue on GitLab.
    fn remote_edit(&self, id: i64, update: IssueUpdate) {
        self.fake.shared.lock().update_issue(id, &update).unwrap();
    }

    fn faults(&self, update: FaultUpdate) {
        self.fake.shared.set_faults(update).unwrap();
    }

    fn issues_requests(&self) -> u64 {
        self.fake.shared.stats().kind("GET issues")
    }

    /// Edits a cached issue the way the app does (cache + outbox, atomically).
    fn set_priority(&self, id: i64, value: &str) {
        let record = store::load_issue(self.store.conn(), id).unwrap();
        let edit = set_field(&record.facts, &self.wf.fields.priority, value);
        store::apply_edit(self.store.conn(), id, &edit, &self.wf.state_key, Utc::now()).unwrap();
    }

    fn label_events(&self, id: i64, label: &str) -> usize {
        let model = self.fake.shared.lock();
        model
            .all_label_events()
            .into_iter()
            .filter(|e| e.issue_id == id && &*e.label == label && e.add)
            .count()
    }
}

fn an_open_backlog_issue(world: &World) -> store::IssueRecord {
    world
        .cached()
        .into_iter()
        .find(|r| r.facts.labels.contains(&"sm_req::backlog".into()) && r.facts.open)
        .unwrap()
}

#[tokio::test]
async fn first_sync_of_a_group_pulls_every_project_s_requests() {
    let w = world(generate::generate(250, 3, generate::default_anchor())).await;
    let report = w.sync().await;
    assert!(report.full);
    assert_eq!(report.pulled, 250);
    assert_eq!(w.cached().len(), 250);
    let projects: std::collections::HashSet<i64> =
        w.cached().iter().map(|r| r.project_id).collect();
    assert!(
        projects.len() >= 2,
        "group scope spans projects: {projects:?}"
    );
    assert_eq!(w.issues_requests(), 3, "250 issues are three pages of 100");
    assert!(!store::load_milestones(w.store.conn()).unwrap().is_empty());
    assert!(!store::load_members(w.store.conn()).unwrap().is_empty());
    assert!(report.in_step());
    assert!(
        store::get_state(w.store.conn(), store::LAST_SYNCED_AT)
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn an_idle_incremental_sync_costs_exactly_one_issues_request() {
    let w = world(generate::generate(150, 4, generate::default_anchor())).await;
    w.sync().await;
    w.fake.shared.reset_stats();
    let report = w.sync().await;
    assert!(!report.full);
    assert_eq!(w.issues_requests(), 1);
    assert_eq!(
        w.fake.shared.stats().total,
        1,
        "no metadata, no pushes: {:?}",
        w.fake.shared.stats()
    );
    assert!(
        report.pulled <= 5,
        "only the overlap is seen again: {}",
        report.pulled
    );
}

#[tokio::test]
async fn incremental_sync_picks_up_only_what_changed() {
    let w = world(generate::generate(300, 5, generate::default_anchor())).await;
    w.sync().await;
    let ids: Vec<i64> = w.cached().iter().take(3).map(|r| r.id).collect();
    for id in &ids {
        w.remote_edit(
            *id,
            IssueUpdate {
                add_labels: vec!["webinar".into()],
                ..IssueUpdate::default()
            },
        );
    }
    let report = w.sync().await;
    assert!(
        report.pulled >= 3 && report.pulled < 10,
        "pulled {}",
        report.pulled
    );
    for id in ids {
        let record = store::load_issue(w.store.conn(), id).unwrap();
        assert!(record.facts.labels.contains(&"webinar".into()));
    }
}

#[tokio::test]
async fn more_than_ten_thousand_issues_sync_without_totals() {
    let w = world(generate::generate(10_050, 6, generate::default_anchor())).await;
    let report = w.sync().await;
    assert_eq!(report.pulled, 10_050);
    assert_eq!(w.cached().len(), 10_050);
    // Each page starts again from the last update seen (inclusive), so every page after the
    // first brings 99 new issues: 100 + 101 x 99 >= 10,050.
    assert_eq!(
        w.issues_requests(),
        102,
        "paged by updated_at, without totals"
    );
}

#[tokio::test]
async fn a_move_and_someone_else_s_label_change_both_survive() {
    let w = world(generate::generate(120, 7, generate::default_anchor())).await;
    w.sync().await;
    let issue = an_open_backlog_issue(&w);
    let plan = plan_move(
        &w.wf,
        &issue.facts,
        classify(&w.wf, &issue.facts).placement,
        6, // declined
        &store::load_milestones(w.store.conn()).unwrap(),
        Utc::now().date_naive(),
    )
    .unwrap();
    store::apply_edit(
        w.store.conn(),
        issue.id,
        &plan.edit,
        &w.wf.state_key,
        Utc::now(),
    )
    .unwrap();
    w.remote_edit(
        issue.id,
        IssueUpdate {
            add_labels: vec!["campaign".into()],
            ..IssueUpdate::default()
        },
    );
    let report = w.sync().await;
    assert_eq!(report.pushed, 1);
    assert!(report.in_step(), "{report:?}");
    let remote = w.remote_labels(issue.id);
    assert!(
        remote.contains(&"sm_req::declined".to_string()),
        "{remote:?}"
    );
    assert!(remote.contains(&"campaign".to_string()), "{remote:?}");
    assert!(!remote.contains(&"sm_req::backlog".to_string()));
    assert_eq!(
        w.fake.shared.lock().issues[&issue.id].value()["state"],
        "closed"
    );
    let cached = store::load_issue(w.store.conn(), issue.id).unwrap();
    assert!(cached.facts.labels.contains(&"campaign".into()));
    assert!(!cached.facts.open);
}

async fn conflicted_world() -> (World, i64) {
    let w = world(generate::generate(120, 8, generate::default_anchor())).await;
    w.sync().await;
    let issue = w
        .cached()
        .into_iter()
        .find(|r| r.facts.labels.iter().any(|l| l == "p::2"))
        .unwrap();
    w.set_priority(issue.id, "1");
    w.remote_edit(
        issue.id,
        IssueUpdate {
            add_labels: vec!["p::3".into()],
            ..IssueUpdate::default()
        },
    );
    let report = w.sync().await;
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    assert!(
        report.conflicts[0].contains("p:: changed on GitLab to p::3"),
        "{report:?}"
    );
    assert!(!report.in_step());
    let outbox = store::list_outbox(w.store.conn()).unwrap();
    assert_eq!(outbox[0].status, OutboxStatus::Conflict);
    assert!(
        w.remote_labels(issue.id).contains(&"p::3".to_string()),
        "nothing was overwritten"
    );
    (w, issue.id)
}

#[tokio::test]
async fn a_conflict_on_the_same_key_waits_and_keep_mine_wins() {
    let (w, id) = conflicted_world().await;
    let seq = store::list_outbox(w.store.conn()).unwrap()[0].seq;
    store::resolve_conflict(w.store.conn(), seq, true, &w.wf.state_key).unwrap();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    let remote = w.remote_labels(id);
    assert!(
        remote.contains(&"p::1".to_string()) && !remote.iter().any(|l| l == "p::3" || l == "p::2"),
        "{remote:?}"
    );
}

#[tokio::test]
async fn a_conflict_resolved_by_taking_theirs_drops_the_edit() {
    let (w, id) = conflicted_world().await;
    let seq = store::list_outbox(w.store.conn()).unwrap()[0].seq;
    store::resolve_conflict(w.store.conn(), seq, false, &w.wf.state_key).unwrap();
    let cached = store::load_issue(w.store.conn(), id).unwrap();
    assert!(
        cached.facts.labels.contains(&"p::3".into()),
        "{:?}",
        cached.facts.labels
    );
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert!(w.remote_labels(id).contains(&"p::3".to_string()));
    assert_eq!(store::pending_count(w.store.conn()).unwrap(), 0);
}

#[tokio::test]
async fn rate_limits_and_a_burst_of_server_errors_converge_with_nothing_lost() {
    let w = world(generate::generate(220, 9, generate::default_anchor())).await;
    w.sync().await;
    let ids: Vec<i64> = w
        .cached()
        .iter()
        .filter(|r| r.facts.open)
        .take(3)
        .map(|r| r.id)
        .collect();
    for id in &ids {
        w.set_priority(*id, "1");
    }
    w.faults(FaultUpdate {
        schedule: Some(vec![
            "429:1".into(),
            "503".into(),
            "502".into(),
            "500".into(),
            "429:1".into(),
        ]),
        ..FaultUpdate::default()
    });
    let started = std::time::Instant::now();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "Retry-After was honoured"
    );
    for id in ids {
        assert!(w.remote_labels(id).contains(&"p::1".to_string()));
        assert!(w.label_events(id, "p::1") <= 1, "applied once");
    }
}

#[tokio::test]
async fn offline_edits_wait_in_the_outbox_and_land_once_when_back() {
    let w = world(generate::generate(120, 10, generate::default_anchor())).await;
    w.sync().await;
    w.faults(FaultUpdate {
        offline: Some(true),
        ..FaultUpdate::default()
    });
    let ids: Vec<i64> = w
        .cached()
        .iter()
        .filter(|r| r.facts.open)
        .take(4)
        .map(|r| r.id)
        .collect();
    for id in &ids {
        w.set_priority(*id, "1");
    }
    let report = w.sync().await;
    assert!(report.offline.is_some(), "{report:?}");
    assert_eq!(report.unsent, 4);
    assert_eq!(store::pending_count(w.store.conn()).unwrap(), 4);
    w.faults(FaultUpdate {
        offline: Some(false),
        ..FaultUpdate::default()
    });
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.pushed, 4);
    for id in ids {
        assert_eq!(w.label_events(id, "p::1"), 1, "exactly once");
    }
    let again = w.sync().await;
    assert_eq!(again.pushed, 0);
}

#[tokio::test]
async fn a_rejected_token_is_an_error_that_says_what_to_do() {
    let w = world(generate::generate(10, 11, generate::default_anchor())).await;
    let bad = Client::new(&w.fake.base_url(), Secret::new("wrong".into()), policy()).unwrap();
    let err = sync(&bad, &w.store, &w.wf, &w.target, false, &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Api(ApiError::Unauthorized { .. })),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("GITLAB_TOKEN") && !text.contains("wrong"),
        "{text}"
    );
}

#[tokio::test]
async fn a_read_only_token_keeps_the_edit_and_says_why() {
    let w = world(generate::generate(30, 12, generate::default_anchor())).await;
    w.sync().await;
    w.fake.shared.add_token("reader", false);
    let reader = Client::new(&w.fake.base_url(), Secret::new("reader".into()), policy()).unwrap();
    let id = w.cached().iter().find(|r| r.facts.open).unwrap().id;
    w.set_priority(id, "1");
    let report = sync(&reader, &w.store, &w.wf, &w.target, false, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].contains("403") && report.failed[0].contains("scope `api`"));
    let outbox = store::list_outbox(w.store.conn()).unwrap();
    assert_eq!(outbox[0].status, OutboxStatus::Failed);
    assert_eq!(report.unsent, 1, "kept, not dropped");
    // With a token that may write, "keep mine" tries again and lands it.
    store::resolve_conflict(w.store.conn(), outbox[0].seq, true, &w.wf.state_key).unwrap();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert!(w.remote_labels(id).contains(&"p::1".to_string()));
}

#[tokio::test]
async fn a_label_gitlab_silently_drops_is_flagged() {
    let w = world(generate::generate(30, 13, generate::default_anchor())).await;
    w.sync().await;
    w.faults(FaultUpdate {
        create_unknown_labels: Some(false),
        ..FaultUpdate::default()
    });
    let record = w.cached().into_iter().find(|r| r.facts.open).unwrap();
    let edit = sm_board::workflow::edit::change_labels(&record.facts, &["brand-new-label".into()]);
    store::apply_edit(
        w.store.conn(),
        record.id,
        &edit,
        &w.wf.state_key,
        Utc::now(),
    )
    .unwrap();
    let report = w.sync().await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].contains("did not add ~brand-new-label"));
    // Taking GitLab's version drops the refused edit: in step again.
    let seq = store::list_outbox(w.store.conn()).unwrap()[0].seq;
    store::resolve_conflict(w.store.conn(), seq, false, &w.wf.state_key).unwrap();
    assert!(w.sync().await.in_step());
    let cached = store::load_issue(w.store.conn(), record.id).unwrap();
    assert!(!cached.facts.labels.contains(&"brand-new-label".into()));
}

#[tokio::test]
async fn a_full_pass_drops_issues_gitlab_no_longer_lists_and_says_so() {
    let w = world(generate::generate(50, 14, generate::default_anchor())).await;
    w.sync().await;
    let gone = w.cached()[0].clone();
    w.fake.shared.lock().issues.remove(&gone.id);
    let incremental = w.sync().await;
    assert!(
        incremental.removed.is_empty(),
        "updated_after cannot see deletions"
    );
    let report = w.full_sync().await;
    assert_eq!(report.removed, vec![gone.reference.clone()]);
    assert_eq!(w.cached().len(), 49);
}

#[tokio::test]
async fn a_pull_never_hides_an_unsent_edit() {
    let w = world(generate::generate(40, 15, generate::default_anchor())).await;
    w.sync().await;
    w.faults(FaultUpdate {
        schedule: Some(vec!["drop".into(); 3]),
        ..FaultUpdate::default()
    });
    let id = w.cached().iter().find(|r| r.facts.open).unwrap().id;
    w.set_priority(id, "1");
    let report = w.sync().await;
    assert!(report.offline.is_some(), "{report:?}");
    w.faults(FaultUpdate {
        schedule: Some(vec![]),
        ..FaultUpdate::default()
    });
    // Pull only: the local edit stays shown on top of GitLab's version.
    let mut report = SyncReport::default();
    sm_board::sync::pull::pull(
        &w.client,
        &w.store,
        &w.wf,
        &w.target,
        true,
        &mut report,
        &mut |_| {},
    )
    .await
    .unwrap();
    let cached = store::load_issue(w.store.conn(), id).unwrap();
    assert!(
        cached.facts.labels.contains(&"p::1".into()),
        "{:?}",
        cached.facts.labels
    );
}

#[tokio::test]
async fn the_named_board_s_list_order_is_read_for_the_columns() {
    let w = world(generate::generate(60, 16, generate::default_anchor())).await;
    w.sync().await;
    let lists = store::get_state(w.store.conn(), sm_board::sync::pull::BOARD_LISTS)
        .unwrap()
        .unwrap();
    let lists: Vec<String> = serde_json::from_str(&lists).unwrap();
    assert_eq!(
        lists.first().map(String::as_str),
        Some("sm_req::new_request")
    );
    assert_eq!(w.wf.ordered_like(&lists).state_names(), w.wf.state_names());
}

fn notes_on(w: &World, id: i64) -> Vec<String> {
    let model = w.fake.shared.lock();
    model
        .all_notes()
        .into_iter()
        .filter(|n| n.issue_id == id && !n.system)
        .map(|n| n.body.to_string())
        .collect()
}

#[tokio::test]
async fn a_queued_comment_is_posted_once() {
    let w = world(generate::generate(20, 17, generate::default_anchor())).await;
    w.sync().await;
    let id = w.cached()[0].id;
    // The issue's own comments, seeded with it.
    let earlier = notes_on(&w, id).len();
    store::queue_comment(
        w.store.conn(),
        id,
        "Can you share the deck by Friday?",
        Utc::now(),
    )
    .unwrap();
    assert_eq!(store::pending_count(w.store.conn()).unwrap(), 1);
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    let notes = notes_on(&w, id);
    assert_eq!(notes.len(), earlier + 1);
    let posted = notes.last().unwrap();
    assert!(posted.starts_with("Can you share the deck by Friday?"));
    assert!(
        posted.contains("<!-- sm-board:"),
        "the marker rides along invisibly"
    );
    w.sync().await;
    assert_eq!(notes_on(&w, id).len(), earlier + 1);
}

#[tokio::test]
async fn a_comment_whose_answer_was_lost_is_not_posted_again() {
    let w = world(generate::generate(20, 18, generate::default_anchor())).await;
    w.sync().await;
    let id = w.cached()[0].id;
    let earlier = notes_on(&w, id).len();
    let seq = store::queue_comment(w.store.conn(), id, "Approved.", Utc::now()).unwrap();
    // An earlier attempt: recorded, posted on GitLab, but the process died before marking it.
    store::note_attempt(w.store.conn(), seq, "posting the comment").unwrap();
    let marker = store::list_outbox(w.store.conn()).unwrap()[0]
        .comment
        .clone()
        .unwrap()
        .marker;
    w.fake
        .shared
        .lock()
        .add_note(id, format!("Approved.\n\n<!-- {marker} -->"), false);
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(notes_on(&w, id).len(), earlier + 1, "not posted twice");
}

#[tokio::test]
async fn a_comment_that_never_arrived_is_posted_on_retry() {
    let w = world(generate::generate(20, 19, generate::default_anchor())).await;
    w.sync().await;
    let id = w.cached()[0].id;
    let earlier = notes_on(&w, id).len();
    store::queue_comment(w.store.conn(), id, "Ping", Utc::now()).unwrap();
    w.faults(FaultUpdate {
        offline: Some(true),
        ..FaultUpdate::default()
    });
    assert!(w.sync().await.offline.is_some());
    w.faults(FaultUpdate {
        offline: Some(false),
        ..FaultUpdate::default()
    });
    assert!(w.sync().await.in_step());
    assert_eq!(notes_on(&w, id).len(), earlier + 1);
}

/// The world, fetching comments and label history on every pass.
async fn world_with_activity(issues: Vec<Value>) -> World {
    let mut w = world(issues).await;
    w.target.activity_per_pass = usize::MAX;
    w
}

/// How many different projects the issues are in (GraphQL asks per project).
fn projects_of(issues: &[Value]) -> u64 {
    let mut projects: Vec<i64> = issues
        .iter()
        .filter_map(|i| i["project_id"].as_i64())
        .collect();
    projects.sort_unstable();
    projects.dedup();
    projects.len() as u64
}

/// Each cached issue's label history as (label, added, actor, time), in a canonical order
/// (events of one instant may come in either order).
/// A label change as (label, added, actor, Unix ms).
type Change = (String, bool, Option<String>, i64);

fn cached_histories(w: &World) -> Vec<(i64, Vec<Change>)> {
    w.cached()
        .iter()
        .map(|record| {
            let mut events: Vec<_> = store::load_label_events(w.store.conn(), record.id)
                .unwrap()
                .into_iter()
                .map(|e| (e.label, e.added, e.actor, e.created_at.timestamp_millis()))
                .collect();
            events.sort_by(|a, b| (a.3, &a.0, a.1).cmp(&(b.3, &b.0, b.1)));
            (record.id, events)
        })
        .collect()
}

/// The history checks both paths must pass: every event is GitLab's, the time in state is the
/// last move into the state, an unchanged issue costs nothing, a comment refetches only its
/// issue and is searchable offline.
async fn check_history_pass(w: &World, requests: &dyn Fn(&World) -> u64) {
    let record = an_open_backlog_issue(w);
    let events = store::load_label_events(w.store.conn(), record.id).unwrap();
    let remote: Vec<(String, bool)> = {
        let model = w.fake.shared.lock();
        let mut events: Vec<_> = model
            .all_label_events()
            .into_iter()
            .filter(|e| e.issue_id == record.id)
            .collect();
        events.sort_by_key(|e| (e.created_at, e.id));
        events
            .iter()
            .map(|e| (e.label.to_string(), e.add))
            .collect()
    };
    let mut cached: Vec<(String, bool)> =
        events.iter().map(|e| (e.label.clone(), e.added)).collect();
    let mut expected = remote.clone();
    cached.sort();
    expected.sort();
    assert_eq!(cached, expected);
    let entered = events
        .iter()
        .rfind(|e| e.added && e.label == "sm_req::backlog")
        .unwrap()
        .created_at;
    assert_eq!(record.state_since, Some(entered));
    assert!(
        events
            .iter()
            .any(|e| e.label == "sm_req::triage" && !e.added),
        "a backlog request came through triage: {cached:?}"
    );

    // Nothing changed: no history requests at all.
    w.fake.shared.reset_stats();
    let idle = w.sync().await;
    assert_eq!(idle.activity, 0);
    assert_eq!(requests(w), 0);

    // Someone comments on GitLab: only that issue is fetched again, and the comment is
    // searchable offline.
    w.fake
        .shared
        .lock()
        .add_note(record.id, "Waiting on the Zürich agency".into(), false);
    let report = w.sync().await;
    assert_eq!(report.activity, 1);
    assert_eq!(requests(w), 1);
    let notes = store::load_notes(w.store.conn(), record.id).unwrap();
    assert_eq!(notes.last().unwrap().body, "Waiting on the Zürich agency");
    let found = store::search_text(w.store.conn(), "zurich agen").unwrap();
    assert_eq!(found, std::collections::HashSet::from([record.id]));
}

#[tokio::test]
async fn comments_and_label_history_come_fifty_issues_a_graphql_request() {
    let issues = generate::generate(120, 21, generate::default_anchor());
    let projects = projects_of(&issues);
    let w = world_with_activity(issues).await;
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.activity, 120);
    assert_eq!(report.activity_waiting, 0);
    let stats = w.fake.shared.stats();
    assert_eq!(stats.kind("GET notes") + stats.kind("GET label_events"), 0);
    let graphql = stats.kind("POST graphql");
    // One request per project per fifty issues (no issue here has over 100 discussions).
    assert!(
        graphql >= projects && graphql <= projects + 120 / 50,
        "{graphql} requests"
    );
    check_history_pass(&w, &|w: &World| w.fake.shared.stats().kind("POST graphql")).await;
}

#[tokio::test]
async fn graphql_and_rest_give_the_same_history() {
    let issues = generate::generate(40, 25, generate::default_anchor());
    let by_graphql = world_with_activity(issues.clone()).await;
    by_graphql.sync().await;
    let by_rest = world_with_activity(issues).await;
    by_rest.faults(FaultUpdate {
        graphql: Some("none".into()),
        ..FaultUpdate::default()
    });
    by_rest.sync().await;
    // Tried once (two batches are in flight at a time), then never again.
    assert!(by_rest.fake.shared.stats().kind("POST graphql") <= 2);
    let graphql = cached_histories(&by_graphql);
    assert_eq!(graphql, cached_histories(&by_rest));
    assert!(graphql.iter().map(|(_, e)| e.len()).sum::<usize>() > 100);
    // The comments too, and the time in state.
    for (a, b) in by_graphql.cached().iter().zip(by_rest.cached()) {
        assert_eq!(a.state_since, b.state_since, "{}", a.reference);
        let bodies = |w: &World, id| -> Vec<String> {
            store::load_notes(w.store.conn(), id)
                .unwrap()
                .into_iter()
                .map(|n| n.body)
                .collect()
        };
        assert_eq!(bodies(&by_graphql, a.id), bodies(&by_rest, b.id));
    }
}

#[tokio::test]
async fn without_graphql_history_comes_over_rest_and_graphql_is_not_asked_again() {
    let issues = generate::generate(30, 21, generate::default_anchor());
    // An issue without comments costs one request (its label history), not two.
    let with_comments = issues
        .iter()
        .filter(|i| i["user_notes_count"].as_i64() != Some(0))
        .count() as u64;
    assert!(with_comments < 30, "the data has issues without comments");
    let w = world_with_activity(issues).await;
    // A GitLab from before work items: the query names a field it does not have.
    w.faults(FaultUpdate {
        graphql: Some("no_work_items".into()),
        ..FaultUpdate::default()
    });
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.activity, 30);
    assert_eq!(report.activity_waiting, 0);
    let stats = w.fake.shared.stats();
    assert!((1..=2).contains(&stats.kind("POST graphql")));
    assert_eq!(stats.kind("GET notes"), with_comments);
    assert_eq!(stats.kind("GET label_events"), 30);
    check_history_pass(&w, &|w: &World| {
        let stats = w.fake.shared.stats();
        stats.kind("GET notes") + stats.kind("POST graphql")
    })
    .await;
}

#[tokio::test]
async fn descriptions_are_searchable_and_follow_remote_edits() {
    let w = world_with_activity(generate::generate(10, 22, generate::default_anchor())).await;
    w.sync().await;
    let id = w.cached()[3].id;
    w.remote_edit(
        id,
        IssueUpdate {
            description: Some("Webinar series with the Kubernetes partner team".into()),
            ..IssueUpdate::default()
        },
    );
    w.sync().await;
    let found = store::search_text(w.store.conn(), "kubernetes webinar").unwrap();
    assert_eq!(found, std::collections::HashSet::from([id]));
    w.remote_edit(
        id,
        IssueUpdate {
            description: Some("Something else entirely".into()),
            ..IssueUpdate::default()
        },
    );
    w.sync().await;
    assert!(
        store::search_text(w.store.conn(), "kubernetes")
            .unwrap()
            .is_empty(),
        "the old text is no longer indexed"
    );
}

#[tokio::test]
async fn without_the_label_events_api_the_history_comes_from_system_notes() {
    let w = world_with_activity(generate::generate(5, 23, generate::default_anchor())).await;
    // A GitLab older than 11.2 has neither label events nor work items.
    w.faults(FaultUpdate {
        label_events_api: Some(false),
        graphql: Some("none".into()),
        ..FaultUpdate::default()
    });
    let id = w.fake.shared.lock().issues.keys().next().copied().unwrap();
    w.fake.shared.lock().add_note(
        id,
        "added ~\"sm_req::triage\" label and removed ~\"sm_req::new_request\" label".into(),
        true,
    );
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.activity, 5);
    let events = store::load_label_events(w.store.conn(), id).unwrap();
    let changes: Vec<(&str, bool)> = events.iter().map(|e| (e.label.as_str(), e.added)).collect();
    assert_eq!(
        changes,
        [("sm_req::triage", true), ("sm_req::new_request", false)]
    );
}

#[tokio::test]
async fn histories_arrive_a_bounded_number_per_pass_and_survive_going_offline() {
    let mut w = world(generate::generate(45, 24, generate::default_anchor())).await;
    // Two over REST, so twenty over GraphQL (fifty a request).
    w.target.activity_per_pass = 2;
    let first = w.sync().await;
    assert_eq!((first.activity, first.activity_waiting), (20, 25));
    assert!(
        first.changed_board(),
        "the first listing brought 45 requests"
    );
    assert_eq!(first.activity_ids.len(), 20);
    w.faults(FaultUpdate {
        offline: Some(true),
        ..FaultUpdate::default()
    });
    let offline = w.sync().await;
    assert!(offline.offline.is_some());
    assert_eq!((offline.activity, offline.activity_waiting), (0, 25));
    w.faults(FaultUpdate {
        offline: Some(false),
        ..FaultUpdate::default()
    });
    let second = w.sync().await;
    let third = w.sync().await;
    assert_eq!(
        (second.activity, third.activity, third.activity_waiting),
        (20, 5, 0)
    );
    // Histories alone are not a reload of the board: the fetched requests are named, so
    // the board takes their new time in state, and only theirs.
    assert!(!second.changed_board() && !third.changed_board());
    let mut fetched: Vec<i64> = [&first, &second, &third]
        .iter()
        .flat_map(|r| r.activity_ids.iter().copied())
        .collect();
    fetched.sort_unstable();
    fetched.dedup();
    assert_eq!(fetched.len(), 45);
    let since = store::state_since_of(w.store.conn(), &third.activity_ids).unwrap();
    assert_eq!(since.len(), 5);
    assert!(since.iter().all(|(_, at)| at.is_some()), "{since:?}");
    let with_history = w
        .cached()
        .iter()
        .filter(|r| {
            !store::load_label_events(w.store.conn(), r.id)
                .unwrap()
                .is_empty()
        })
        .count();
    assert_eq!(with_history, 45);
}

#[tokio::test]
async fn an_assignee_someone_else_changed_is_a_conflict_not_overwritten() {
    use sm_board::workflow::edit::set_assignees;
    let w = world(generate::generate(60, 31, generate::default_anchor())).await;
    w.sync().await;
    let members = store::load_members(w.store.conn()).unwrap();
    let (alice, bob) = (&members[0], &members[1]);
    let user = |m: &store::Member| sm_board::workflow::UserRef {
        id: m.id,
        username: m.username.clone(),
        name: String::new(),
    };
    let issue = an_open_backlog_issue(&w);
    store::apply_edit(
        w.store.conn(),
        issue.id,
        &set_assignees(vec![user(alice)]),
        &w.wf.state_key,
        Utc::now(),
    )
    .unwrap();
    w.remote_edit(
        issue.id,
        IssueUpdate {
            assignee_ids: Some(vec![bob.id]),
            ..IssueUpdate::default()
        },
    );
    let report = w.sync().await;
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    assert!(report.conflicts[0].contains("assignee"), "{report:?}");
    let remote_assignee = || {
        w.fake.shared.lock().issues[&issue.id].value()["assignees"][0]["id"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(
        remote_assignee(),
        bob.id,
        "GitLab's change stays until the user decides"
    );
    // Keep mine: now it goes out.
    let seq = store::list_outbox(w.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == OutboxStatus::Conflict)
        .unwrap()
        .seq;
    store::resolve_conflict(w.store.conn(), seq, true, &w.wf.state_key).unwrap();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    assert_eq!(remote_assignee(), alice.id);
}

#[tokio::test]
async fn keeping_mine_on_a_move_conflict_restores_the_whole_move_reopen_included() {
    let w = world(generate::generate(120, 32, generate::default_anchor())).await;
    w.sync().await;
    let issue = w
        .cached()
        .into_iter()
        .find(|r| !r.facts.open && r.facts.labels.iter().any(|l| l == "sm_req::completed"))
        .unwrap();
    let triage = w.wf.states.iter().position(|s| s.name == "triage").unwrap();
    let plan = plan_move(
        &w.wf,
        &issue.facts,
        classify(&w.wf, &issue.facts).placement,
        triage,
        &store::load_milestones(w.store.conn()).unwrap(),
        Utc::now().date_naive(),
    )
    .unwrap();
    store::apply_edit(
        w.store.conn(),
        issue.id,
        &plan.edit,
        &w.wf.state_key,
        Utc::now(),
    )
    .unwrap();
    // Meanwhile someone declines it on GitLab.
    w.remote_edit(
        issue.id,
        IssueUpdate {
            add_labels: vec!["sm_req::declined".into()],
            remove_labels: vec!["sm_req::completed".into()],
            ..IssueUpdate::default()
        },
    );
    let report = w.sync().await;
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    let seq = store::list_outbox(w.store.conn())
        .unwrap()
        .into_iter()
        .find(|e| e.status == OutboxStatus::Conflict)
        .unwrap()
        .seq;
    store::resolve_conflict(w.store.conn(), seq, true, &w.wf.state_key).unwrap();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    let remote = w.fake.shared.lock().issues[&issue.id].value();
    assert_eq!(remote["state"], "opened", "reopened: {remote}");
    let labels = w.remote_labels(issue.id);
    assert!(labels.contains(&"sm_req::triage".into()), "{labels:?}");
    assert!(
        !labels
            .iter()
            .any(|l| l == "sm_req::declined" || l == "sm_req::completed")
    );
}

#[tokio::test]
async fn closing_as_a_duplicate_reaches_gitlab_as_a_move_and_its_quick_action() {
    let w = world(generate::generate(80, 41, generate::default_anchor())).await;
    w.sync().await;
    let cached = w.cached();
    let new = cached
        .iter()
        .find(|r| {
            r.facts.open
                && r.facts
                    .labels
                    .iter()
                    .any(|l| l.as_ref() == "sm_req::new_request")
        })
        .unwrap()
        .clone();
    let original = cached
        .iter()
        .find(|r| r.id != new.id && r.facts.open && r.project_id == new.project_id)
        .unwrap()
        .clone();
    // What `x` queues: the move to declined (with its side effects), then the quick action.
    let declined = w.wf.state_index("declined").unwrap();
    let plan = sm_board::workflow::plan_move(
        &w.wf,
        &new.facts,
        sm_board::workflow::Placement::State(w.wf.state_index("new_request").unwrap()),
        declined,
        &[],
        Utc::now().date_naive(),
    )
    .unwrap();
    store::apply_edit(
        w.store.conn(),
        new.id,
        &plan.edit,
        &w.wf.state_key,
        Utc::now(),
    )
    .unwrap();
    store::queue_comment(
        w.store.conn(),
        new.id,
        &format!("/duplicate {}", original.reference),
        Utc::now(),
    )
    .unwrap();
    let report = w.sync().await;
    assert!(report.in_step(), "{report:?}");
    let model = w.fake.shared.lock();
    let issue = model.issues[&new.id].value();
    assert_eq!(issue["state"], "closed");
    let labels: Vec<&str> = issue["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(labels.contains(&"sm_req::declined") && !labels.contains(&"sm_req::new_request"));
    // GitLab linked them with a system note on each side; the command itself is no comment.
    let system = |id: i64| -> Vec<String> {
        model
            .notes_of(id)
            .filter(|n| n.system)
            .map(|n| n.body.to_string())
            .collect()
    };
    let iid = original.iid;
    assert!(
        system(new.id).contains(&format!("marked this issue as a duplicate of #{iid}")),
        "{:?}",
        system(new.id)
    );
    assert!(
        system(original.id).contains(&format!("marked #{} as a duplicate of this issue", new.iid))
    );
    assert!(
        model
            .notes_of(new.id)
            .all(|n| !n.body.contains("/duplicate")),
        "the quick action is not left as text"
    );
}

#[tokio::test]
async fn a_graphql_timeout_holds_the_history_back_without_giving_up_graphql() {
    let w = world_with_activity(generate::generate(30, 27, generate::default_anchor())).await;
    w.faults(FaultUpdate {
        graphql_timeouts: Some(2),
        ..FaultUpdate::default()
    });
    let first = w.sync().await;
    assert!(first.offline.is_some(), "held back: {first:?}");
    assert_eq!(
        w.fake.shared.stats().kind("GET label_events"),
        0,
        "not REST"
    );
    w.fake.shared.reset_stats();
    let second = w.sync().await;
    assert!(second.in_step(), "{second:?}");
    assert_eq!(second.activity_waiting, 0);
    let stats = w.fake.shared.stats();
    assert!(stats.kind("POST graphql") >= 1);
    assert_eq!(stats.kind("GET label_events") + stats.kind("GET notes"), 0);
}

//! The cache on real SQLite files and in memory: edits and the outbox are atomic, reopening keeps
//! everything, references resolve the ways users type them.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use sm_board::demo;
use sm_board::store::{self, OutboxStatus, Store};
use sm_board::workflow::edit::{StateEvent, set_field};
use sm_board::workflow::{Workflow, classify, plan_move};

fn seeded(store: &Store) {
    demo::seed_store(store, demo::bundled_issues().unwrap()).unwrap();
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

#[test]
fn an_edit_updates_the_issue_and_queues_it_in_one_step() {
    let store = Store::open_in_memory().unwrap();
    seeded(&store);
    let wf = Workflow::default();
    let issue = store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .find(|i| i.facts.labels.contains(&"sm_req::assigned".into()))
        .unwrap();
    let plan = plan_move(
        &wf,
        &issue.facts,
        classify(&wf, &issue.facts).placement,
        4,
        &[],
        now().date_naive(),
    )
    .unwrap();
    let after =
        store::apply_edit(store.conn(), issue.id, &plan.edit, &wf.state_key, now()).unwrap();
    assert!(after.facts.labels.contains(&"sm_req::completed".into()));
    assert!(!after.facts.open);
    assert_eq!(after.state_since, Some(now()));
    assert_eq!(
        after.updated_at, issue.updated_at,
        "server time is not ours to change"
    );

    let outbox = store::list_outbox(store.conn()).unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].issue_id, issue.id);
    assert_eq!(outbox[0].status, OutboxStatus::Pending);
    assert_eq!(outbox[0].edit.state_event, Some(StateEvent::Close));
    assert_eq!(outbox[0].base_updated_at, issue.updated_at.to_rfc3339());
    assert_eq!(store::pending_count(store.conn()).unwrap(), 1);
    assert_eq!(store::pending_by_issue(store.conn()).unwrap()[&issue.id], 1);
}

#[test]
fn a_failed_outbox_write_leaves_the_issue_untouched() {
    let store = Store::open_in_memory().unwrap();
    seeded(&store);
    let wf = Workflow::default();
    let before = store::load_issues(store.conn()).unwrap().remove(0);
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse BEFORE INSERT ON outbox \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let edit = set_field(&before.facts, &wf.fields.priority, "1");
    let err = store::apply_edit(store.conn(), before.id, &edit, &wf.state_key, now());
    assert!(err.is_err());
    assert_eq!(store::load_issue(store.conn(), before.id).unwrap(), before);
    assert_eq!(store::pending_count(store.conn()).unwrap(), 0);
}

#[test]
fn reopening_the_file_keeps_issues_edits_and_sync_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.sqlite3");
    let wf = Workflow::default();
    let (id, edited) = {
        let store = Store::open(&path).unwrap();
        seeded(&store);
        let issue = store::load_issues(store.conn()).unwrap().remove(3);
        let edit = set_field(&issue.facts, &wf.fields.priority, "1");
        let edited =
            store::apply_edit(store.conn(), issue.id, &edit, &wf.state_key, now()).unwrap();
        store::set_state(store.conn(), store::LAST_SYNCED_AT, "2026-11-23T09:00:00Z").unwrap();
        (issue.id, edited)
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store::load_issues(store.conn()).unwrap().len(),
        demo::bundled_issues().unwrap().len()
    );
    assert_eq!(store::load_issue(store.conn(), id).unwrap(), edited);
    assert_eq!(store::list_outbox(store.conn()).unwrap().len(), 1);
    assert_eq!(
        store::get_state(store.conn(), store::LAST_SYNCED_AT)
            .unwrap()
            .as_deref(),
        Some("2026-11-23T09:00:00Z")
    );
    assert!(
        store::description(store.conn(), id)
            .unwrap()
            .unwrap()
            .contains("## ")
    );
}

#[test]
fn reseeding_upserts_by_id_instead_of_duplicating() {
    let store = Store::open_in_memory().unwrap();
    seeded(&store);
    seeded(&store);
    assert_eq!(
        store::load_issues(store.conn()).unwrap().len(),
        demo::bundled_issues().unwrap().len()
    );
}

#[test]
fn references_resolve_as_users_type_them() {
    let store = Store::open_in_memory().unwrap();
    seeded(&store);
    let conn = store.conn();
    let one = |r: &str| store::find_by_reference(conn, r).unwrap();
    let by_iid = one("41");
    assert_eq!(by_iid.len(), 1);
    assert_eq!(
        by_iid[0].reference,
        "marketing/strategic-marketing/sm-requests#41"
    );
    assert_eq!(one("#41"), by_iid);
    assert_eq!(one("marketing/strategic-marketing/sm-requests#41"), by_iid);
    assert_eq!(
        one("https://gitlab.example.com/marketing/strategic-marketing/sm-requests/-/issues/41"),
        by_iid
    );
    assert!(one("marketing/strategic-marketing/other#41").is_empty());
    assert!(one("#99999").is_empty());
    assert!(one("not-a-number").is_empty());
}

#[test]
fn seeded_descriptions_are_searchable_and_a_second_seed_replaces_them() {
    let store = Store::open_in_memory().unwrap();
    let mut issues =
        sm_board::demo::generate::generate(1200, 3, sm_board::demo::generate::default_anchor());
    issues[0]["description"] = serde_json::json!("Quarterly zeppelin briefing");
    issues[1100]["description"] = serde_json::json!("Another zeppelin, past the first statement");
    sm_board::demo::seed_store(&store, &issues).unwrap();
    let ids = |word: &str| store::search_text(store.conn(), word).unwrap();
    let first = issues[0]["id"].as_i64().unwrap();
    let late = issues[1100]["id"].as_i64().unwrap();
    assert_eq!(
        ids("zeppelin"),
        std::collections::HashSet::from([first, late])
    );
    // Seeding again updates the bodies in place, and the index follows.
    issues[0]["description"] = serde_json::json!("Quarterly airship briefing");
    sm_board::demo::seed_store(&store, &issues).unwrap();
    assert_eq!(ids("zeppelin"), std::collections::HashSet::from([late]));
    assert_eq!(ids("airship"), std::collections::HashSet::from([first]));
}

#[test]
fn a_large_board_loads_on_two_connections_as_on_one_and_makes_the_same_cards() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cache.sqlite3");
    let store = Store::open(&path).unwrap();
    let issues = demo::generate::generate(3000, 11, demo::generate::default_anchor());
    demo::seed_store(&store, &issues).unwrap();
    let one = store::load_issues(store.conn()).unwrap();
    assert_eq!(one.len(), 3000);
    // Above the size that takes a second connection: the same records, in id order.
    let two = store::load_issues_parallel_as(store.conn(), &path, &|r, _: &mut ()| r).unwrap();
    assert_eq!(two, one);
    let ids = store::load_issues_parallel_as(store.conn(), &path, &|r, _: &mut ()| r.id).unwrap();
    assert_eq!(ids, one.iter().map(|r| r.id).collect::<Vec<_>>());
    // The board's cards made while loading match the ones made after.
    let wf = Workflow::default();
    let (data, cards) = sm_board::session::load_board_as(&store, &|record, data, memo| {
        sm_board::app::state::card_on_board(
            &wf,
            record,
            &data.pending_by_issue,
            &data.conflicts,
            memo,
        )
    })
    .unwrap();
    assert!(data.issues.is_empty());
    let expected = sm_board::session::load_board(&store).unwrap().issues;
    assert_eq!(cards.len(), expected.len());
    for (card, record) in cards.iter().zip(&expected) {
        assert_eq!(&card.record, record);
        assert_eq!(*card.class, classify(&wf, &record.facts));
    }
}

#[test]
fn requests_with_the_same_labels_share_one_set_one_assignee_list_and_one_classification() {
    let store = Store::open_in_memory().unwrap();
    let issues = demo::generate::generate(400, 5, demo::generate::default_anchor());
    demo::seed_store(&store, &issues).unwrap();
    let records = store::load_issues(store.conn()).unwrap();
    let wf = Workflow::default();
    let mut memo = sm_board::workflow::ClassMemo::default();
    let cards: Vec<_> = records
        .iter()
        .map(|r| {
            sm_board::app::state::card_on_board(
                &wf,
                r.clone(),
                &Default::default(),
                &Default::default(),
                &mut memo,
            )
        })
        .collect();
    let mut pairs_with_same_labels = 0;
    for (i, a) in records.iter().enumerate() {
        for (j, b) in records.iter().enumerate().skip(i + 1) {
            if a.facts.labels != b.facts.labels {
                assert!(!Arc::ptr_eq(&a.facts.labels, &b.facts.labels));
                continue;
            }
            pairs_with_same_labels += 1;
            assert!(Arc::ptr_eq(&a.facts.labels, &b.facts.labels));
            // The same labels but not the same open flag classify apart.
            assert_eq!(
                Arc::ptr_eq(&cards[i].class, &cards[j].class),
                a.facts.open == b.facts.open
            );
            if a.facts.assignees == b.facts.assignees {
                assert!(Arc::ptr_eq(&a.facts.assignees, &b.facts.assignees));
            }
        }
        assert_eq!(*cards[i].class, classify(&wf, &a.facts));
    }
    assert!(pairs_with_same_labels > 100, "{pairs_with_same_labels}");
}

#[test]
fn a_board_seeded_first_gets_its_descriptions_later_and_ends_as_a_whole_seed() {
    let issues = demo::generate::generate(700, 9, demo::generate::default_anchor());
    let whole = Store::open_in_memory().unwrap();
    demo::seed_store(&whole, &issues).unwrap();
    let staged = Store::open_in_memory().unwrap();
    assert_eq!(
        demo::seed_board(&staged, &issues, "700 of seed 9").unwrap(),
        700
    );
    let pending = |store: &Store| store::get_state(store.conn(), demo::BODIES_PENDING).unwrap();
    assert_eq!(pending(&staged).as_deref(), Some("700 of seed 9"));
    // The board is all there; descriptions are not yet.
    assert_eq!(
        store::load_issues(staged.conn()).unwrap(),
        store::load_issues(whole.conn()).unwrap()
    );
    let described = issues
        .iter()
        .find(|i| i["description"].as_str().is_some_and(|d| !d.is_empty()))
        .unwrap();
    let id = described["id"].as_i64().unwrap();
    assert_eq!(store::description(staged.conn(), id).unwrap(), None);

    assert_eq!(demo::seed_bodies(&staged, &issues).unwrap(), 700);
    assert!(pending(&staged).is_none());
    assert_eq!(
        store::description(staged.conn(), id).unwrap(),
        store::description(whole.conn(), id).unwrap()
    );
    let word = described["description"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|w| w.len() > 5 && w.chars().all(char::is_alphabetic))
        .unwrap()
        .to_lowercase();
    assert_eq!(
        store::search_text(staged.conn(), &word).unwrap(),
        store::search_text(whole.conn(), &word).unwrap()
    );
    assert_eq!(
        store::load_issues(staged.conn()).unwrap(),
        store::load_issues(whole.conn()).unwrap()
    );
}

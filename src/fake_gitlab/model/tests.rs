//! Tests of `model`: run with `cargo test --lib model::`.

use super::*;

#[test]
fn the_update_time_index_follows_every_change() {
    let issues = crate::demo::generate::generate(80, 9, crate::demo::generate::default_anchor());
    let mut model = Model::new(issues, Vec::new());
    let ids: Vec<i64> = model.issues.keys().copied().take(5).collect();
    for id in &ids {
        model.add_note(*id, "bump".into(), false);
    }
    let all: Vec<i64> = model
        .issues_with_keys()
        .map(|(k, _)| k.updated_ms)
        .collect();
    let (lo, hi) = (*all.iter().min().unwrap(), *all.iter().max().unwrap());
    let mid = lo + (hi - lo) / 2;
    for (from, to) in [(lo, hi), (lo, mid), (mid, hi), (hi, hi), (hi, lo)] {
        let mut by_index: Vec<i64> = model
            .issues_updated_between(from, to)
            .map(|(k, _)| k.id)
            .collect();
        let mut by_scan: Vec<i64> = model
            .issues_with_keys()
            .filter(|(k, _)| (from..=to).contains(&k.updated_ms))
            .map(|(k, _)| k.id)
            .collect();
        by_index.sort_unstable();
        by_scan.sort_unstable();
        assert_eq!(by_index, by_scan, "[{from}, {to}]");
    }
    // The bumped issues are the newest and found exactly once.
    let newest: Vec<i64> = model
        .issues_updated_between(hi, hi)
        .map(|(k, _)| k.id)
        .collect();
    assert_eq!(newest.len(), 1);
    assert_eq!(model.issues_updated_between(lo, hi).count(), 80);
}

#[test]
fn seeded_issues_have_the_comments_their_count_claims_in_order() {
    let issues = crate::demo::generate::generate(60, 5, crate::demo::generate::default_anchor());
    let model = Model::new(issues, Vec::new());
    let mut with_comments = 0;
    for (id, issue) in &model.issues {
        let issue = issue.value();
        let claimed = issue["user_notes_count"].as_i64().unwrap_or(0);
        let notes: Vec<Note> = model.notes_of(*id).collect();
        assert_eq!(notes.len() as i64, claimed, "issue {id}");
        assert!(notes.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        if let Some(last) = notes.last() {
            with_comments += 1;
            assert_eq!(
                timestamp(last.created_at),
                issue["updated_at"].as_str().unwrap()
            );
        }
    }
    assert!(with_comments > 30, "{with_comments}");
    // Found again by (project, iid), and an issue's events only its own.
    let (id, issue) = model.issues.iter().next().unwrap();
    let issue = issue.value();
    let found = model.issue_id(
        issue["project_id"].as_i64().unwrap(),
        issue["iid"].as_i64().unwrap(),
    );
    assert_eq!(found, Some(*id));
    assert!(model.events_of(*id).all(|e| e.issue_id == *id));
}

#[test]
fn seeded_pasts_are_made_the_same_each_time_with_ids_nothing_else_takes() {
    let issues = crate::demo::generate::generate(80, 3, crate::demo::generate::default_anchor());
    let mut model = Model::new(issues, Vec::new());
    let seen = |model: &Model| -> Vec<(i64, i64, String, bool, i64)> {
        model
            .all_label_events()
            .into_iter()
            .map(|e| {
                (
                    e.id,
                    e.issue_id,
                    e.label.to_string(),
                    e.add,
                    e.created_at.timestamp_millis(),
                )
            })
            .chain(model.all_notes().into_iter().map(|n| {
                (
                    n.id,
                    n.issue_id,
                    n.body.to_string(),
                    n.system,
                    n.created_at.timestamp_millis(),
                )
            }))
            .collect()
    };
    let first = seen(&model);
    assert!(first.len() > 800, "{}", first.len());
    assert_eq!(seen(&model), first);
    let mut ids: Vec<i64> = first.iter().map(|(id, ..)| *id).collect();
    ids.extend(model.labels.values().filter_map(|l| l["id"].as_i64()));
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are unique");
    // Every label an event names exists (a state's path names states the issue no longer has).
    for event in model.all_label_events() {
        assert!(model.labels.contains_key(&*event.label), "{}", event.label);
    }
    let (&issue, _) = model.issues.iter().next().unwrap();
    let later = model.add_note(issue, "later".into(), false);
    assert!(later.id > *ids.last().unwrap());
    assert_eq!(model.notes_of(issue).last().map(|n| n.id), Some(later.id));
}

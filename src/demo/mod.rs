//! Demo data: the bundled SM Request Board (assets/demo-issues.json, GitLab's JSON shape) and
//! the synthetic generator, plus seeding a cache from either.
//!
//! Until sync lands, the demo seeds the cache directly through the same wire -> record
//! conversion that sync uses.

#[cfg(feature = "fake-gitlab")]
pub mod backend;
pub mod generate;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::store::convert;
use crate::store::{self, Store};
use crate::wire;

/// The bundled data set, exactly as `GET /projects/:id/issues` would return it.
pub const BUNDLED_ISSUES: &str = include_str!("../../assets/demo-issues.json");

/// Why demo data could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data is not a JSON array of GitLab issues: {0}")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The bundled issues as JSON values.
pub fn bundled_issues() -> Result<Vec<Value>, DemoError> {
    serde_json::from_str(BUNDLED_ISSUES).map_err(|e| DemoError::Malformed(e.to_string()))
}

/// The day the bundled data set was written for; the interactive demo shifts its dates so that
/// this day is today (overdue stays overdue, the current quarter stays current).
pub const BUNDLED_ANCHOR: (i32, u32, u32) = (2026, 11, 23);

/// Moves every date and timestamp of `issues` (and their milestones) by `days`.
pub fn shift_dates(issues: &mut [Value], days: i64) {
    use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
    if days == 0 {
        return;
    }
    let shift = |value: &mut Value| {
        let Some(text) = value.as_str() else { return };
        if let Ok(date) = text.parse::<NaiveDate>() {
            *value = Value::String((date + Duration::days(days)).to_string());
        } else if let Ok(time) = DateTime::parse_from_rfc3339(text) {
            let moved = time.with_timezone(&Utc) + Duration::days(days);
            *value = Value::String(moved.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
    };
    for issue in issues {
        for key in ["created_at", "updated_at", "closed_at", "due_date"] {
            if let Some(v) = issue.get_mut(key) {
                shift(v);
            }
        }
        if let Some(milestone) = issue.get_mut("milestone").filter(|m| m.is_object()) {
            for key in ["start_date", "due_date", "created_at", "updated_at"] {
                if let Some(v) = milestone.get_mut(key) {
                    shift(v);
                }
            }
        }
    }
}

/// Moves closed requests so that they closed within the `window` days before `anchor`, each
/// keeping how long it took (created and updated move with it), spread by iid: a demo opened
/// any day shows throughput and cycle time in the flow view's 30 days, not only old history.
pub fn recent_closings(issues: &mut [Value], anchor: chrono::DateTime<chrono::Utc>, window: i64) {
    use chrono::{DateTime, Duration, SecondsFormat, Utc};
    let read = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    for issue in issues.iter_mut() {
        let (Some(closed), Some(iid)) = (read(issue, "closed_at"), issue["iid"].as_i64()) else {
            continue;
        };
        // Day 1 to `window` before the anchor, in the afternoon.
        let target = anchor - Duration::days(1 + iid.rem_euclid(window.max(1)))
            + Duration::hours(iid.rem_euclid(7));
        if closed >= target {
            continue;
        }
        let shift = target - closed;
        for key in ["created_at", "updated_at", "closed_at"] {
            if let Some(t) = read(issue, key) {
                // Nothing lands in the future (a comment long after closing stays in the past).
                let moved = (t + shift)
                    .min(anchor)
                    .to_rfc3339_opts(SecondsFormat::Millis, true);
                issue[key] = Value::String(moved);
            }
        }
    }
}

/// Issues are written this many a transaction: a seed of 50,000 holds one batch at a time.
const SEED_BATCH: usize = 500;

/// Loads issues (GitLab JSON) into the cache with the labels, milestones and members they use,
/// a batch at a time as `issues` yields them. Returns how many issues were loaded.
///
/// Two threads share the work: one makes the issues and turns them into rows, the calling
/// one writes the rows (a 50,000-issue demo opens about twice as fast), with at most two
/// batches waiting between them.
pub fn seed_store<I>(store: &Store, issues: I) -> Result<usize, DemoError>
where
    I: IntoIterator + Send,
    I::Item: std::borrow::Borrow<Value>,
{
    seed(store, issues, Seed::Whole)
}

/// As `seed_store`, without the descriptions and raw JSON (the detail view and full-text
/// search read them; the board does not): a large demo's board opens on these, and
/// `seed_bodies` adds the rest after its first frame. `BODIES_PENDING` says it is due, and
/// holds `data`, what names the issues (so only the same issues fill them in).
pub fn seed_board<I>(store: &Store, issues: I, data: &str) -> Result<usize, DemoError>
where
    I: IntoIterator + Send,
    I::Item: std::borrow::Borrow<Value>,
{
    let loaded = seed(store, issues, Seed::Board)?;
    store::set_state(store.conn(), BODIES_PENDING, data)?;
    Ok(loaded)
}

/// The descriptions and raw JSON of `issues`, cached by `seed_board` before; clears
/// `BODIES_PENDING` once all are in.
pub fn seed_bodies<I>(store: &Store, issues: I) -> Result<usize, DemoError>
where
    I: IntoIterator + Send,
    I::Item: std::borrow::Borrow<Value>,
{
    let loaded = seed(store, issues, Seed::Bodies)?;
    store::delete_state(store.conn(), BODIES_PENDING)?;
    Ok(loaded)
}

/// Set (in the cache's state) while a demo cache waits for `seed_bodies`.
pub const BODIES_PENDING: &str = "demo_bodies_pending";

/// What a seed writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seed {
    Whole,
    Board,
    Bodies,
}

fn seed<I>(store: &Store, issues: I, what: Seed) -> Result<usize, DemoError>
where
    I: IntoIterator + Send,
    I::Item: std::borrow::Borrow<Value>,
{
    let (batches, written) = std::sync::mpsc::sync_channel::<Vec<SeedRow>>(2);
    let first_fill = what != Seed::Bodies && store::issue_count(store.conn())? == 0;
    let _bulk = store.bulk_writes(first_fill);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || seed_rows(issues, what, &batches));
        let mut loaded = 0;
        let mut failed = None;
        // A failed write stops the loop, and with it the producer (its next send fails).
        for rows in written {
            match write_seed_rows(store, what, rows) {
                Ok(n) => loaded += n,
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            }
        }
        let shared = match producer.join() {
            Ok(shared) => shared?,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        if let Some(err) = failed {
            return Err(err.into());
        }
        if what != Seed::Bodies {
            shared.write(store)?;
        }
        Ok(loaded)
    })
}

fn write_seed_rows(store: &Store, what: Seed, rows: Vec<SeedRow>) -> store::Result<usize> {
    let conn = store.conn();
    let n = rows.len();
    match what {
        Seed::Whole => store::upsert_issues(conn, &rows)?,
        Seed::Board => {
            let records: Vec<_> = rows.into_iter().map(|(record, _, _)| record).collect();
            store::upsert_issue_rows(conn, &records)?;
        }
        Seed::Bodies => {
            let bodies: Vec<_> = rows
                .into_iter()
                .map(|(record, description, raw)| (record.id, description, raw))
                .collect();
            store::upsert_bodies(conn, &bodies)?;
        }
    }
    Ok(n)
}

/// One issue as `store::upsert_issues` writes it: the row, the description, the raw JSON.
type SeedRow = (store::IssueRecord, Option<String>, String);

/// What the seeded issues use, written once they are all in.
#[derive(Default)]
struct SeedShared {
    milestones: BTreeMap<i64, wire::Milestone>,
    members: BTreeMap<i64, wire::User>,
    labels: BTreeMap<String, wire::Label>,
}

/// Turns `issues` into rows, sent a batch at a time (stops early when nobody listens).
fn seed_rows(
    issues: impl IntoIterator<Item = impl std::borrow::Borrow<Value>>,
    what: Seed,
    batches: &std::sync::mpsc::SyncSender<Vec<SeedRow>>,
) -> Result<SeedShared, DemoError> {
    let mut shared = SeedShared::default();
    let mut rows = Vec::with_capacity(SEED_BATCH);
    for (n, value) in issues.into_iter().enumerate() {
        let value = value.borrow();
        let issue: wire::Issue = <wire::Issue as serde::Deserialize>::deserialize(value)
            .map_err(|e| DemoError::Malformed(format!("issue #{n}: {e}")))?;
        if let Some(m) = &issue.milestone {
            shared.milestones.insert(m.id, m.clone());
        }
        for user in issue.assignees.iter().chain(issue.author.iter()) {
            shared.members.insert(user.id, user.clone());
        }
        for label in &issue.labels {
            shared
                .labels
                .entry(label.name().to_string())
                .or_insert_with(|| wire::Label {
                    id: None,
                    name: label.name().to_string(),
                    color: None,
                    text_color: None,
                    description: None,
                });
        }
        let record = convert::issue_record(&issue);
        let raw = if what == Seed::Board {
            String::new()
        } else {
            value.to_string()
        };
        rows.push((record, issue.description, raw));
        if rows.len() == SEED_BATCH {
            let full = std::mem::replace(&mut rows, Vec::with_capacity(SEED_BATCH));
            if batches.send(full).is_err() {
                return Ok(shared);
            }
        }
    }
    if !rows.is_empty() {
        let _ = batches.send(rows);
    }
    Ok(shared)
}

impl SeedShared {
    fn write(self, store: &Store) -> Result<(), DemoError> {
        let conn = store.conn();
        let mut milestones = self.milestones;
        // The usual quarters, unless the issues bring milestones of those titles themselves.
        if let Ok(extra) = serde_json::from_value::<Vec<wire::Milestone>>(generate::milestones()) {
            for m in extra {
                if !milestones.values().any(|known| known.title == m.title) {
                    milestones.insert(m.id, m);
                }
            }
        }
        store::upsert_milestones(conn, &milestones.into_values().collect::<Vec<_>>())?;
        store::upsert_members(conn, &self.members.into_values().collect::<Vec<_>>())?;
        store::upsert_labels(conn, &self.labels.into_values().collect::<Vec<_>>())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_issue_fails_the_seed_and_names_it() {
        let store = Store::open_in_memory().unwrap();
        let mut issues = generate::generate(1200, 4, generate::default_anchor());
        issues[700]["id"] = serde_json::json!("seven hundred");
        let err = seed_store(&store, &issues).unwrap_err();
        assert!(
            matches!(&err, DemoError::Malformed(m) if m.starts_with("issue #700:")),
            "{err}"
        );
        // The batch before it is in; nothing after it is.
        let cached = store::issue_count(store.conn()).unwrap();
        assert_eq!(cached, 500);
    }

    #[test]
    fn shifting_moves_every_date_and_keeps_the_json_shape() {
        let mut issues = bundled_issues().unwrap();
        let before = issues.clone();
        shift_dates(&mut issues, 7);
        let issue = issues
            .iter()
            .position(|i| !i["due_date"].is_null())
            .unwrap();
        let due = |v: &Value| {
            v["due_date"]
                .as_str()
                .unwrap()
                .parse::<chrono::NaiveDate>()
                .unwrap()
        };
        assert_eq!((due(&issues[issue]) - due(&before[issue])).num_days(), 7);
        let parsed: Vec<wire::Issue> = issues
            .iter()
            .map(|v| serde_json::from_value(v.clone()).unwrap())
            .collect();
        let original: wire::Issue = serde_json::from_value(before[0].clone()).unwrap();
        assert_eq!((parsed[0].created_at - original.created_at).num_days(), 7);
    }

    #[test]
    fn closed_requests_move_into_the_window_keeping_their_duration() {
        use chrono::{DateTime, TimeZone, Utc};
        let mut issues = bundled_issues().unwrap();
        let anchor = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let before = issues.clone();
        recent_closings(&mut issues, anchor, 28);
        let at = |v: &Value, k: &str| {
            DateTime::parse_from_rfc3339(v[k].as_str().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        let mut closed = 0;
        for (old, new) in before.iter().zip(&issues) {
            if new["closed_at"].is_null() {
                assert_eq!(old, new, "open requests stay as they are");
                continue;
            }
            closed += 1;
            let done = at(new, "closed_at");
            assert!(
                done <= anchor && anchor - done <= chrono::Duration::days(29),
                "{done}"
            );
            assert_eq!(
                at(new, "closed_at") - at(new, "created_at"),
                at(old, "closed_at") - at(old, "created_at")
            );
        }
        assert!(closed >= 10, "{closed}");
    }

    #[test]
    fn a_seed_streams_in_batches_and_a_malformed_issue_is_named() {
        let store = Store::open_in_memory().unwrap();
        let count = SEED_BATCH * 2 + 7;
        let loaded = seed_store(
            &store,
            generate::requests(count, 4, generate::default_anchor()),
        )
        .unwrap();
        assert_eq!(loaded, count);
        assert_eq!(store::load_issues(store.conn()).unwrap().len(), count);
        let mut broken = generate::generate(3, 5, generate::default_anchor());
        broken[1] = serde_json::json!({"id": "not a number"});
        let fresh = Store::open_in_memory().unwrap();
        let err = seed_store(&fresh, &broken).unwrap_err().to_string();
        assert!(err.contains("issue #1"), "{err}");
    }

    #[test]
    fn the_bundled_data_set_loads_completely() {
        let store = Store::open_in_memory().unwrap();
        let issues = bundled_issues().unwrap();
        assert!(issues.len() >= 60);
        assert_eq!(seed_store(&store, &issues).unwrap(), issues.len());
        assert_eq!(
            store::load_issues(store.conn()).unwrap().len(),
            issues.len()
        );
        let milestones = store::load_milestones(store.conn()).unwrap();
        assert!(milestones.iter().any(|m| m.title == "SM_Backlog"));
        assert!(!store::load_members(store.conn()).unwrap().is_empty());
    }
}

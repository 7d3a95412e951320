//! Writing what GitLab says into the cache without hiding the user's unsent work: every issue
//! from GitLab is stored as GitLab has it (raw JSON) and shown with the still-queued edits
//! applied on top.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::store::convert;
use crate::store::issues::write_record;
use crate::store::{IssueRecord, Result, StoreError, set_state};
use crate::wire;
use crate::workflow::IssueEdit;
use crate::workflow::labels::values_of;

/// `sync_state` key: the largest `updated_at` pulled (RFC 3339).
pub const ISSUES_HIGH_WATER: &str = "issues_high_water";

/// Edits GitLab does not have yet (pending, in conflict, or refused and not yet settled) per
/// issue, in order: the board keeps showing them on top of GitLab's version.
fn open_edits(conn: &Connection, issue_ids: &[i64]) -> Result<HashMap<i64, Vec<IssueEdit>>> {
    let mut out: HashMap<i64, Vec<IssueEdit>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT issue_id, intent FROM outbox WHERE kind = 'update' \
         AND status IN ('pending', 'conflict', 'failed') ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (issue_id, intent) = row?;
        if !issue_ids.is_empty() && !issue_ids.contains(&issue_id) {
            continue;
        }
        let edit: IssueEdit = serde_json::from_str(&intent)
            .map_err(|e| StoreError::Malformed(format!("outbox intent: {e}")))?;
        out.entry(issue_id).or_default().push(edit);
    }
    Ok(out)
}

/// Stores one issue from GitLab and shows it with `edits` applied on top. Returns whether
/// GitLab's version differs from the one cached (an issue seen again in the overlap does not).
///
/// `pulled`: this is a pull, where an issue GitLab did not change needs no rewrite (otherwise,
/// after a push or "take theirs", the shown version must be rebuilt even from the same JSON).
fn write_remote(
    conn: &Connection,
    mut record: IssueRecord,
    description: Option<&str>,
    raw: &str,
    edits: &[IssueEdit],
    state_key: &str,
    pulled: bool,
) -> Result<bool> {
    let cached_raw: Option<String> = conn
        .prepare_cached("SELECT raw_json FROM issue_bodies WHERE id = ?1")?
        .query_row([record.id], |row| row.get(0))
        .optional()?;
    if pulled && cached_raw.as_deref() == Some(raw) {
        return Ok(false);
    }
    let previous: Option<(String, Option<i64>)> = conn
        .prepare_cached("SELECT labels, state_since FROM issues WHERE id = ?1")?
        .query_row([record.id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    for edit in edits {
        record.facts = edit.apply(&record.facts);
    }
    // When GitLab moved the request to another state, it did so no later than updated_at.
    let state_now: Vec<&str> = values_of(&record.facts.labels, state_key);
    record.state_since = match previous {
        Some((labels, since)) => {
            let old: Vec<String> = labels.split('\u{1f}').map(str::to_string).collect();
            if values_of(&old, state_key) == state_now {
                since.and_then(DateTime::<Utc>::from_timestamp_millis)
            } else {
                Some(record.updated_at)
            }
        }
        None => None,
    };
    write_record(conn, &record)?;
    conn.prepare_cached(
        "INSERT INTO issue_bodies (id, description, raw_json) VALUES (?1, ?2, ?3) \
         ON CONFLICT (id) DO UPDATE SET description = excluded.description, \
         raw_json = excluded.raw_json",
    )?
    .execute(params![record.id, description, raw])?;
    Ok(cached_raw.as_deref() != Some(raw))
}

/// Stores GitLab's version of one issue and shows it with its still-queued edits on top.
fn show_with_pending(
    conn: &Connection,
    issue: &wire::Issue,
    raw: &str,
    state_key: &str,
) -> Result<()> {
    let edits = open_edits(conn, &[issue.id])?;
    let pending = edits.get(&issue.id).map(Vec::as_slice).unwrap_or(&[]);
    write_remote(
        conn,
        convert::issue_record(issue),
        issue.description.as_deref(),
        raw,
        pending,
        state_key,
        false,
    )?;
    Ok(())
}

/// One page of pulled issues, with the high-water mark, in one transaction: either the page and
/// its mark are stored, or neither. Returns how many issues GitLab had changed.
///
/// `advance_mark`: false while pages arrive out of order (concurrent windows of a listing); the
/// caller sets the mark once every window is done.
pub fn apply_remote_page(
    conn: &Connection,
    issues: &[(wire::Issue, String)],
    state_key: &str,
    advance_mark: bool,
) -> Result<usize> {
    let mut changed = 0;
    let tx = crate::store::write_tx(conn)?;
    let ids: Vec<i64> = issues.iter().map(|(i, _)| i.id).collect();
    let edits = open_edits(&tx, &ids)?;
    let mut high_water: Option<DateTime<Utc>> = crate::store::get_state(&tx, ISSUES_HIGH_WATER)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    for (issue, raw) in issues {
        let record = convert::issue_record(issue);
        high_water = high_water.max(Some(record.updated_at));
        let pending = edits.get(&issue.id).map(Vec::as_slice).unwrap_or(&[]);
        if write_remote(
            &tx,
            record,
            issue.description.as_deref(),
            raw,
            pending,
            state_key,
            true,
        )? {
            changed += 1;
        }
        tx.prepare_cached("UPDATE issues SET user_notes = ?2 WHERE id = ?1")?
            .execute(rusqlite::params![issue.id, issue.user_notes_count])?;
    }
    if let (Some(mark), true) = (high_water, advance_mark) {
        set_state(&tx, ISSUES_HIGH_WATER, &mark.to_rfc3339())?;
    }
    tx.commit()?;
    Ok(changed)
}

/// Moves the high-water mark up to `newest` (never down).
pub fn raise_high_water(conn: &Connection, newest: DateTime<Utc>) -> Result<()> {
    let current = crate::store::get_state(conn, ISSUES_HIGH_WATER)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    if current.is_none_or(|c| c < newest) {
        set_state(conn, ISSUES_HIGH_WATER, &newest.to_rfc3339())?;
    }
    Ok(())
}

/// After a successful push: the entry is done (or failed, when GitLab did not do everything it
/// was asked) and the issue shows GitLab's answer plus the edits still queued, atomically.
pub fn apply_push_result(
    conn: &Connection,
    seq: i64,
    issue: &wire::Issue,
    raw: &str,
    shortfall: Option<&str>,
    state_key: &str,
) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    match shortfall {
        None => tx
            .prepare_cached("UPDATE outbox SET status = 'done', last_error = NULL WHERE seq = ?1 AND status = 'pending'")?
            .execute([seq])?,
        Some(why) => tx
            .prepare_cached("UPDATE outbox SET status = 'failed', last_error = ?2 WHERE seq = ?1 AND status = 'pending'")?
            .execute(params![seq, why])?,
    };
    show_with_pending(&tx, issue, raw, state_key)?;
    tx.commit()?;
    Ok(())
}

/// Marks an entry as in conflict with GitLab's current issue, which the cache now holds (the
/// user's edit stays shown on top until they choose).
pub fn mark_conflict(
    conn: &Connection,
    seq: i64,
    why: &str,
    issue: &wire::Issue,
    raw: &str,
    state_key: &str,
) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    tx.prepare_cached("UPDATE outbox SET status = 'conflict', last_error = ?2 WHERE seq = ?1 AND status = 'pending'")?
        .execute(params![seq, why])?;
    show_with_pending(&tx, issue, raw, state_key)?;
    tx.commit()?;
    Ok(())
}

/// The issue as GitLab last sent it (from the stored raw JSON).
pub fn remote_issue(conn: &Connection, issue_id: i64) -> Result<Option<(wire::Issue, String)>> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT raw_json FROM issue_bodies WHERE id = ?1")?
        .query_row([issue_id], |row| row.get(0))
        .optional()?;
    raw.map(|raw| {
        serde_json::from_str::<wire::Issue>(&raw)
            .map(|issue| (issue, raw.clone()))
            .map_err(|e| StoreError::Malformed(format!("issue {issue_id} raw JSON: {e}")))
    })
    .transpose()
}

/// Re-shows an issue as GitLab has it plus the still-queued edits (after "take theirs").
pub fn refresh_from_remote(conn: &Connection, issue_id: i64, state_key: &str) -> Result<()> {
    let Some((issue, raw)) = remote_issue(conn, issue_id)? else {
        return Ok(());
    };
    show_with_pending(conn, &issue, &raw, state_key)
}

/// After a complete listing: drops cached issues GitLab no longer lists (deleted, moved away,
/// no longer visible or no longer carrying the scope label). Their unsent edits are marked
/// failed with the reason, never deleted. Returns the references removed.
pub fn remove_missing(conn: &Connection, seen: &[i64]) -> Result<Vec<String>> {
    let tx = crate::store::write_tx(conn)?;
    let seen: std::collections::HashSet<i64> = seen.iter().copied().collect();
    let mut gone: Vec<(i64, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached("SELECT id, reference FROM issues")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (id, reference) = row?;
            if !seen.contains(&id) {
                gone.push((id, reference));
            }
        }
    }
    for (id, _) in &gone {
        tx.prepare_cached(
            "UPDATE outbox SET status = 'failed', last_error = \
             'the issue is no longer on the board (deleted, moved, or not visible)' \
             WHERE issue_id = ?1 AND status IN ('pending', 'conflict')",
        )?
        .execute([id])?;
        tx.prepare_cached("DELETE FROM issues WHERE id = ?1")?
            .execute([id])?;
    }
    tx.commit()?;
    Ok(gone.into_iter().map(|(_, r)| r).collect())
}

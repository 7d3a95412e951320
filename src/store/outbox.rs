//! The outbox: every local edit, durable until GitLab has it.
//!
//! `apply_edit` changes the cached issue and appends the edit to the outbox in one transaction,
//! so after a crash either both happened or neither did. Sync (a later module) drains it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use crate::store::issues::{load_issue, write_record};
use crate::store::{IssueRecord, Result, StoreError};
use crate::workflow::labels::values_of;
use crate::workflow::{IssueEdit, IssueFacts};

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Failed,
    Conflict,
    Done,
}

impl OutboxStatus {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => OutboxStatus::Pending,
            "failed" => OutboxStatus::Failed,
            "conflict" => OutboxStatus::Conflict,
            "done" => OutboxStatus::Done,
            _ => return None,
        })
    }
}

/// A comment waiting to be posted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QueuedComment {
    pub body: String,
    /// Appended to the posted body as an HTML comment (invisible on GitLab), so a retry can
    /// find out whether an earlier attempt was posted after all.
    pub marker: String,
}

/// One queued edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub issue_id: i64,
    /// For a comment: no label changes, and a summary naming the comment.
    pub edit: IssueEdit,
    /// Set when this entry is a comment rather than an update.
    pub comment: Option<QueuedComment>,
    pub base_updated_at: String,
    pub created_at: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// "Keep mine" was chosen after a conflict: send without checking.
    pub force: bool,
    /// The request's fields when the edit was made (`None` for entries from before sm-board
    /// recorded them).
    pub base: Option<IssueFacts>,
}

/// Applies `edit` to the cached issue and queues it, atomically. Returns the issue as it now is.
///
/// `state_key` is the workflow's state label key: when the edit changes the state, the issue's
/// `state_since` becomes `now`.
pub fn apply_edit(
    conn: &Connection,
    issue_id: i64,
    edit: &IssueEdit,
    state_key: &str,
    now: DateTime<Utc>,
) -> Result<IssueRecord> {
    let tx = crate::store::write_tx(conn)?;
    let mut record = load_issue(&tx, issue_id)?;
    let base = record.facts.clone();
    let after = edit.apply(&record.facts);
    if values_of(&after.labels, state_key) != values_of(&record.facts.labels, state_key) {
        record.state_since = Some(now);
    }
    record.facts = after;
    write_record(&tx, &record)?;
    append(&tx, &record, "update", edit, Some(&base), now)?;
    tx.commit()?;
    Ok(record)
}

/// Appends an entry for `record`, remembering its `updated_at` as the edit's base. Returns the
/// entry's sequence number.
fn append(
    conn: &Connection,
    record: &IssueRecord,
    kind: &str,
    intent: &impl serde::Serialize,
    base: Option<&IssueFacts>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let malformed = |e: serde_json::Error| StoreError::Malformed(e.to_string());
    let intent = serde_json::to_string(intent).map_err(malformed)?;
    let base = base
        .map(serde_json::to_string)
        .transpose()
        .map_err(malformed)?;
    conn.prepare_cached(
        "INSERT INTO outbox (issue_id, kind, intent, base_updated_at, created_at, base) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        record.id,
        kind,
        intent,
        record.updated_at.to_rfc3339(),
        now.to_rfc3339(),
        base
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Edits not yet confirmed by GitLab (pending, failed or in conflict).
pub fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM outbox WHERE status != 'done'")?
        .query_row([], |row| row.get(0))?)
}

/// Unconfirmed edits per issue, for the cards' pending markers (one query for the board).
pub fn pending_by_issue(conn: &Connection) -> Result<HashMap<i64, u32>> {
    let mut stmt = conn.prepare_cached(
        "SELECT issue_id, COUNT(*) FROM outbox WHERE status != 'done' GROUP BY issue_id",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<HashMap<_, _>>>()?)
}

/// The whole outbox in order.
pub fn list_outbox(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    entries(
        conn,
        "SELECT seq, issue_id, intent, base_updated_at, created_at, status, attempts, \
         last_error, force, kind, base FROM outbox ORDER BY seq",
    )
}

/// Entries not yet settled (pending, failed or in conflict), in order.
pub fn unsettled(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    entries(
        conn,
        "SELECT seq, issue_id, intent, base_updated_at, created_at, status, attempts, \
         last_error, force, kind, base FROM outbox WHERE status != 'done' ORDER BY seq",
    )
}

/// Forgets entries GitLab confirmed more than `days` ago (the outbox is not a history).
pub fn prune_done(conn: &Connection, days: i64) -> Result<usize> {
    let cutoff = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
    Ok(conn
        .prepare_cached("DELETE FROM outbox WHERE status = 'done' AND created_at < ?1")?
        .execute([cutoff])?)
}

fn entries(conn: &Connection, sql: &str) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, i64>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, i64>(8)? == 1,
            row.get::<_, String>(9)?,
            row.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (
            seq,
            issue_id,
            intent,
            base_updated_at,
            created,
            status,
            attempts,
            last_error,
            force,
            kind,
            base,
        ) = row?;
        let malformed =
            |e: serde_json::Error| StoreError::Malformed(format!("outbox entry {seq}: {e}"));
        let (edit, comment) = if kind == "comment" {
            let comment: QueuedComment = serde_json::from_str(&intent).map_err(malformed)?;
            let first = comment
                .body
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect::<String>();
            let edit = IssueEdit {
                summary: format!("comment \"{first}\""),
                ..IssueEdit::default()
            };
            (edit, Some(comment))
        } else {
            (serde_json::from_str(&intent).map_err(malformed)?, None)
        };
        entries.push(OutboxEntry {
            seq,
            issue_id,
            edit,
            comment,
            base_updated_at,
            base: base
                .map(|b| serde_json::from_str::<IssueFacts>(&b))
                .transpose()
                .map_err(malformed)?,
            created_at: created,
            status: OutboxStatus::parse(&status).ok_or_else(|| {
                StoreError::Malformed(format!("outbox entry {seq}: status {status}"))
            })?,
            attempts,
            last_error,
            force,
        });
    }
    Ok(entries)
}

/// Entries waiting to be pushed, in order.
pub fn pending_entries(conn: &Connection) -> Result<Vec<OutboxEntry>> {
    Ok(unsettled(conn)?
        .into_iter()
        .filter(|e| e.status == OutboxStatus::Pending)
        .collect())
}

/// Records a failed attempt that will be retried (offline, server errors).
pub fn note_attempt(conn: &Connection, seq: i64, error: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 \
         WHERE seq = ?1 AND status = 'pending'",
    )?
    .execute(params![seq, error])?;
    Ok(())
}

/// Gives up on an entry with GitLab's reason; it stays visible until the user deals with it.
pub fn mark_failed(conn: &Connection, seq: i64, error: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?2 \
         WHERE seq = ?1 AND status = 'pending'",
    )?
    .execute(params![seq, error])?;
    Ok(())
}

/// Settles a conflict or a refused edit: keep mine (push again; a conflict without the check) or
/// take theirs (drop the edit and show GitLab's version again).
pub fn resolve_conflict(
    conn: &Connection,
    seq: i64,
    keep_mine: bool,
    state_key: &str,
) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    let issue_id: i64 = tx
        .prepare_cached(
            "SELECT issue_id FROM outbox WHERE seq = ?1 AND status IN ('conflict', 'failed')",
        )?
        .query_row([seq], |row| row.get(0))
        .map_err(|_| StoreError::Malformed(format!("outbox entry {seq} has nothing to settle")))?;
    if keep_mine {
        // A conflict is forced through; a refused edit is simply tried again.
        tx.prepare_cached(
            "UPDATE outbox SET force = (status = 'conflict'), status = 'pending', \
             last_error = NULL WHERE seq = ?1",
        )?
        .execute([seq])?;
    } else {
        tx.prepare_cached(
            "UPDATE outbox SET status = 'done', last_error = 'discarded: kept GitLab''s version' \
             WHERE seq = ?1",
        )?
        .execute([seq])?;
        crate::store::remote::refresh_from_remote(&tx, issue_id, state_key)?;
    }
    tx.commit()?;
    Ok(())
}

/// Queues a comment on an issue. The marker is unique per comment (time, issue, a counter).
pub fn queue_comment(
    conn: &Connection,
    issue_id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let record = load_issue(conn, issue_id)?;
    let comment = QueuedComment {
        body: body.to_string(),
        marker: format!(
            "sm-board:{:x}-{issue_id:x}-{:x}-{n:x}",
            now.timestamp_nanos_opt().unwrap_or_default(),
            std::process::id()
        ),
    };
    append(conn, &record, "comment", &comment, None, now)
}

/// Marks an entry done (a comment that was posted, or found posted).
pub fn mark_done(conn: &Connection, seq: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = 'done', last_error = NULL WHERE seq = ?1 AND status = 'pending'",
    )?
        .execute([seq])?;
    Ok(())
}

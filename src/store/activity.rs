//! Each request's activity: comments (notes) and label history (label events), fetched per issue
//! by the sync, plus full-text search over descriptions and comments (SQLite FTS5).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::store::{Result, StoreError};

/// One comment or system note on an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: i64,
    pub issue_id: i64,
    pub author: Option<String>,
    pub body: String,
    /// GitLab's own notes ("added ~x label", "closed"): dimmed or hidden in the detail view.
    pub system: bool,
    pub created_at: DateTime<Utc>,
}

/// One label added to or removed from an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelEvent {
    pub id: i64,
    pub issue_id: i64,
    pub label: String,
    pub added: bool,
    pub actor: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Where an issue's label history came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistorySource {
    /// `resource_label_events`, GitLab's record of label changes.
    Events,
    /// Parsed from system notes, when the events API is not available.
    Notes,
    /// GraphQL's work-item discussions: label events read from their synthetic label notes.
    Discussions,
}

impl HistorySource {
    fn as_str(self) -> &'static str {
        match self {
            HistorySource::Events => "events",
            HistorySource::Notes => "notes",
            HistorySource::Discussions => "discussions",
        }
    }
}

/// An issue whose activity is older than the issue itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleActivity {
    pub issue_id: i64,
    pub project_id: i64,
    /// The project's full path (`group/project`), which GraphQL looks projects up by.
    pub project_path: String,
    pub iid: i64,
    pub updated_at: DateTime<Utc>,
    /// GitLab's count of its comments, when known: with none, the notes need no request.
    pub user_notes: Option<i64>,
}

fn time(ms: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Integer,
            format!("timestamp {ms} out of range").into(),
        )
    })
}

/// Issues whose notes and label events were never fetched or predate the issue's last update:
/// open ones first, then the most recently updated, at most `limit`.
pub fn stale_activity(conn: &Connection, limit: usize) -> Result<Vec<StaleActivity>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.project_id, i.iid, i.updated_at, i.user_notes, i.reference FROM issues i \
         LEFT JOIN activity_synced a ON a.issue_id = i.id \
         WHERE a.updated_at IS NULL OR a.updated_at < i.updated_at \
         ORDER BY i.open DESC, i.updated_at DESC LIMIT ?1",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = stmt.query_map([limit], |row| {
        Ok(StaleActivity {
            issue_id: row.get(0)?,
            project_id: row.get(1)?,
            iid: row.get(2)?,
            updated_at: time(row.get(3)?)?,
            user_notes: row.get(4)?,
            project_path: project_path(&row.get::<_, String>(5)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl StaleActivity {
    /// A cached issue as of its last update (tests, benchmarks and seeding write its activity).
    pub fn of(record: &crate::store::IssueRecord) -> StaleActivity {
        StaleActivity {
            issue_id: record.id,
            project_id: record.project_id,
            project_path: project_path(&record.reference),
            iid: record.iid,
            updated_at: record.updated_at,
            user_notes: None,
        }
    }
}

/// `group/project` of a full reference `group/project#12`.
fn project_path(reference: &str) -> String {
    reference
        .rsplit_once('#')
        .map_or(reference, |(path, _)| path)
        .to_string()
}

/// Counts the issues whose activity is missing or older than the issue. Every sync pass runs
/// it: it reads the `issues_by_id_updated` index, never the rows (see migration 0008).
pub(crate) const STALE_ACTIVITY_COUNT: &str = "SELECT COUNT(*) FROM issues i LEFT JOIN activity_synced a ON a.issue_id = i.id \
     WHERE a.updated_at IS NULL OR a.updated_at < i.updated_at";

/// How many issues still wait for their activity to be fetched.
pub fn stale_activity_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(STALE_ACTIVITY_COUNT, [], |row| row.get(0))?)
}

/// Replaces one issue's notes and label history in one transaction, records that they are as
/// new as `updated_at`, and sets when the issue entered its current state (the last time a
/// label it still carries under `state_key` was added).
pub fn store_activity(
    conn: &Connection,
    issue: &StaleActivity,
    notes: &[Note],
    events: &[LabelEvent],
    source: HistorySource,
    state_key: &str,
) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    tx.prepare_cached("DELETE FROM notes WHERE issue_id = ?1")?
        .execute([issue.issue_id])?;
    tx.prepare_cached("DELETE FROM label_events WHERE issue_id = ?1")?
        .execute([issue.issue_id])?;
    {
        // All of an issue's notes in one statement: each statement that fires the comments'
        // full-text trigger makes FTS5 flush a segment, so a note a statement cost one each.
        if !notes.is_empty() {
            let rows: Vec<serde_json::Value> = notes
                .iter()
                .map(|n| {
                    serde_json::json!([
                        n.id,
                        n.author,
                        n.body,
                        n.system,
                        n.created_at.timestamp_millis()
                    ])
                })
                .collect();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO notes (id, issue_id, author, body, system, created_at) \
                 SELECT value ->> 0, ?1, value ->> 1, value ->> 2, value ->> 3, value ->> 4 \
                 FROM json_each(?2)",
            )?
            .execute(params![
                issue.issue_id,
                serde_json::Value::Array(rows).to_string()
            ])?;
        }
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO label_events (id, issue_id, label, added, actor, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for event in events {
            insert.execute(params![
                event.id,
                issue.issue_id,
                event.label,
                event.added,
                event.actor,
                event.created_at.timestamp_millis()
            ])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO activity_synced (issue_id, updated_at, source) VALUES (?1, ?2, ?3) \
         ON CONFLICT (issue_id) DO UPDATE SET updated_at = excluded.updated_at, \
         source = excluded.source",
    )?
    .execute(params![
        issue.issue_id,
        issue.updated_at.timestamp_millis(),
        source.as_str()
    ])?;
    let labels: Option<String> = tx
        .prepare_cached("SELECT labels FROM issues WHERE id = ?1")?
        .query_row([issue.issue_id], |row| row.get(0))
        .optional()?;
    if let Some(labels) = labels {
        let prefix = format!("{state_key}::");
        let current: Vec<&str> = labels
            .split('\u{1f}')
            .filter(|l| l.starts_with(&prefix))
            .collect();
        let entered = events
            .iter()
            .filter(|e| e.added && current.contains(&e.label.as_str()))
            .map(|e| e.created_at)
            .max();
        if let Some(entered) = entered {
            tx.prepare_cached("UPDATE issues SET state_since = ?2 WHERE id = ?1")?
                .execute(params![issue.issue_id, entered.timestamp_millis()])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Records that `issue` was looked at (GitLab no longer shows it) without touching what the
/// cache holds, so it is not asked for again until it changes.
pub fn mark_activity_seen(conn: &Connection, issue: &StaleActivity) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO activity_synced (issue_id, updated_at, source) VALUES (?1, ?2, 'gone') \
         ON CONFLICT (issue_id) DO UPDATE SET updated_at = excluded.updated_at",
    )?
    .execute(params![issue.issue_id, issue.updated_at.timestamp_millis()])?;
    Ok(())
}

/// Label names by GitLab id (system notes may refer to labels as `~123`).
pub fn label_ids(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM labels WHERE id IS NOT NULL")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An issue's notes, oldest first.
pub fn load_notes(conn: &Connection, issue_id: i64) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, issue_id, author, body, system, created_at FROM notes \
         WHERE issue_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([issue_id], |row| {
        Ok(Note {
            id: row.get(0)?,
            issue_id: row.get(1)?,
            author: row.get(2)?,
            body: row.get(3)?,
            system: row.get(4)?,
            created_at: time(row.get(5)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn event_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LabelEvent> {
    Ok(LabelEvent {
        id: row.get(0)?,
        issue_id: row.get(1)?,
        label: row.get(2)?,
        added: row.get(3)?,
        actor: row.get(4)?,
        created_at: time(row.get(5)?)?,
    })
}

/// An issue's label history, oldest first.
pub fn load_label_events(conn: &Connection, issue_id: i64) -> Result<Vec<LabelEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, issue_id, label, added, actor, created_at FROM label_events \
         WHERE issue_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([issue_id], event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every cached event of labels starting with `prefix` (`sm_req::`), by issue then time: the
/// input of the flow metrics.
pub fn load_events_with_prefix(conn: &Connection, prefix: &str) -> Result<Vec<LabelEvent>> {
    // `>= prefix AND < prefix + U+10FFFF` keeps the scan on rows of that key without LIKE's
    // case folding and wildcard rules.
    let end = format!("{prefix}\u{10ffff}");
    let mut stmt = conn.prepare_cached(
        "SELECT id, issue_id, label, added, actor, created_at FROM label_events \
         WHERE label >= ?1 AND label < ?2 ORDER BY issue_id, created_at, id",
    )?;
    let rows = stmt.query_map([prefix, end.as_str()], event_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ids of the issues whose description or comments hold every word of `text` (as word
/// prefixes, case- and accent-insensitive). Empty when `text` has no words.
pub fn search_text(conn: &Connection, text: &str) -> Result<HashSet<i64>> {
    let Some(query) = fts_query(text) else {
        return Ok(HashSet::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM description_text WHERE description_text MATCH ?1 \
         UNION SELECT n.issue_id FROM comment_text JOIN notes n ON n.id = comment_text.rowid \
         WHERE comment_text MATCH ?1",
    )?;
    let rows = stmt.query_map([query], |row| row.get::<_, i64>(0))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(|e| StoreError::Malformed(format!("search: {e}")))
}

/// `partner launch` -> `"partner"* AND "launch"*`: user text never reaches FTS5's own syntax.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_quoted_for_fts() {
        assert_eq!(
            fts_query("partner \"launch\" OR-x").as_deref(),
            Some("\"partner\"* AND \"launch\"* AND \"OR\"* AND \"x\"*")
        );
        assert_eq!(fts_query("  -- "), None);
    }
}

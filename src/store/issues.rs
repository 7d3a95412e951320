//! Cached issues: upsert from GitLab, load the board in one query, look one up by reference.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::store::web_url::{UrlBases, WebUrl};
use crate::store::{Result, StoreError};
use crate::workflow::{IssueFacts, Label, LabelInterner, MilestoneRef, SharedStrings, UserRef};

/// One cached issue, as the board scans it (no description, no raw JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRecord {
    pub id: i64,
    pub iid: i64,
    pub project_id: i64,
    /// `group/project#iid`.
    pub reference: String,
    pub title: String,
    pub facts: IssueFacts,
    /// The author's username (shared: a few people write most requests).
    pub author: Option<Arc<str>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub web_url: WebUrl,
    /// When the current state was entered, when known.
    pub state_since: Option<DateTime<Utc>>,
    /// Only project members may see it: its title stays out of what is pasted elsewhere.
    pub confidential: bool,
}

const COLUMNS: &str = "id, iid, project_id, reference, title, open, labels, milestone_id, \
     milestone_title, assignees, author, due_date, created_at, updated_at, closed_at, web_url, \
     state_since, confidential";

/// Separates label names in the `labels` column (a control character no label name contains).
const LABEL_SEPARATOR: char = '\u{1f}';

fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn malformed(what: &str, id: i64, err: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("issue {id}: {what}: {err}").into(),
    )
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<IssueRecord> {
    from_row_sharing(row, &mut SharedText::default())
}

/// What rows read in one load share: label names, whole label sets and assignee lists (each
/// keyed by its column's text: a 50,000-request board has about 9,000 label sets and a
/// handful of assignee lists), author names and web address bases.
#[derive(Default)]
struct SharedText {
    labels: LabelInterner,
    label_sets: HashMap<Box<str>, Arc<[Label]>, foldhash::fast::RandomState>,
    assignee_lists: HashMap<Box<str>, Arc<[UserRef]>, foldhash::fast::RandomState>,
    names: SharedStrings,
    url_bases: UrlBases,
}

impl SharedText {
    /// The label set a `labels` column holds (names joined by `LABEL_SEPARATOR`).
    fn label_set(&mut self, column: &str) -> Arc<[Label]> {
        if let Some(known) = self.label_sets.get(column) {
            return known.clone();
        }
        let labels = &mut self.labels;
        let set: Arc<[Label]> = if column.is_empty() {
            Arc::default()
        } else {
            column
                .split(LABEL_SEPARATOR)
                .map(|l| labels.label(l))
                .collect()
        };
        self.label_sets.insert(column.into(), set.clone());
        set
    }

    /// The assignees an `assignees` column holds (JSON).
    fn assignee_list(&mut self, column: &str) -> serde_json::Result<Arc<[UserRef]>> {
        if let Some(known) = self.assignee_lists.get(column) {
            return Ok(known.clone());
        }
        let list: Arc<[UserRef]> = serde_json::from_str::<Vec<UserRef>>(column)?.into();
        self.assignee_lists.insert(column.into(), list.clone());
        Ok(list)
    }
}

/// The due date in column `idx` of issue `id`'s row (`YYYY-MM-DD`, or NULL).
fn due_date(row: &Row<'_>, idx: usize, id: i64) -> rusqlite::Result<Option<NaiveDate>> {
    row.get_ref(idx)?
        .as_str_or_null()
        .map_err(rusqlite::Error::from)?
        .map(|d| d.parse::<NaiveDate>())
        .transpose()
        .map_err(|e| malformed("due date", id, e))
}

/// A row, with what rows share (label sets, assignee lists, names, web address bases) taken
/// from, and added to, `shared`.
fn from_row_sharing(row: &Row<'_>, shared: &mut SharedText) -> rusqlite::Result<IssueRecord> {
    let id: i64 = row.get(0)?;
    let time = |idx: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        row.get::<_, Option<i64>>(idx)?
            .map(|ms| {
                DateTime::from_timestamp_millis(ms).ok_or_else(|| malformed("timestamp", id, ms))
            })
            .transpose()
    };
    let required = |idx: usize| -> rusqlite::Result<DateTime<Utc>> {
        time(idx)?.ok_or_else(|| malformed("timestamp", id, "missing"))
    };
    let labels = row.get_ref(6)?.as_str()?;
    let milestone = match (
        row.get::<_, Option<i64>>(7)?,
        row.get::<_, Option<String>>(8)?,
    ) {
        (Some(id), Some(title)) => Some(MilestoneRef { id, title }),
        _ => None,
    };
    let assignees = row.get_ref(9)?.as_str()?;
    let author = row.get_ref(10)?.as_str_or_null()?;
    Ok(IssueRecord {
        id,
        iid: row.get(1)?,
        project_id: row.get(2)?,
        reference: row.get(3)?,
        title: row.get(4)?,
        facts: IssueFacts {
            labels: shared.label_set(labels),
            open: row.get::<_, i64>(5)? == 1,
            milestone,
            assignees: shared
                .assignee_list(assignees)
                .map_err(|e| malformed("assignees", id, e))?,
            due_date: due_date(row, 11, id)?,
        },
        author: author.map(|name| shared.names.get(name)),
        created_at: required(12)?,
        updated_at: required(13)?,
        closed_at: time(14)?,
        web_url: WebUrl::shared(row.get_ref(15)?.as_str()?, &mut shared.url_bases),
        state_since: time(16)?,
        confidential: row.get::<_, i64>(17)? != 0,
    })
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Malformed(e.to_string()))
}

/// Writes the board columns of `record` (insert or replace by id).
pub(crate) fn write_record(conn: &Connection, record: &IssueRecord) -> Result<()> {
    let facts = &record.facts;
    if let Some(bad) = facts.labels.iter().find(|l| l.contains(LABEL_SEPARATOR)) {
        return Err(StoreError::Malformed(format!(
            "issue {}: label {bad:?} contains a control character",
            record.id
        )));
    }
    let labels = facts.labels.join(&LABEL_SEPARATOR.to_string());
    conn.prepare_cached(
        "INSERT INTO issues (id, iid, project_id, reference, title, open, labels, milestone_id, \
         milestone_title, assignees, author, due_date, created_at, updated_at, closed_at, \
         web_url, state_since, confidential) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) \
         ON CONFLICT (id) DO UPDATE SET iid = excluded.iid, project_id = excluded.project_id, \
         reference = excluded.reference, title = excluded.title, open = excluded.open, \
         labels = excluded.labels, milestone_id = excluded.milestone_id, \
         milestone_title = excluded.milestone_title, assignees = excluded.assignees, \
         author = excluded.author, due_date = excluded.due_date, \
         created_at = excluded.created_at, updated_at = excluded.updated_at, \
         closed_at = excluded.closed_at, web_url = excluded.web_url, \
         state_since = COALESCE(excluded.state_since, issues.state_since), \
         confidential = excluded.confidential",
    )?
    .execute(params![
        record.id,
        record.iid,
        record.project_id,
        record.reference,
        record.title,
        facts.open as i64,
        labels,
        facts.milestone.as_ref().map(|m| m.id),
        facts.milestone.as_ref().map(|m| m.title.as_str()),
        json(&facts.assignees)?,
        record.author,
        facts.due_date.map(|d| d.to_string()),
        millis(record.created_at),
        millis(record.updated_at),
        record.closed_at.map(millis),
        record.web_url,
        record.state_since.map(millis),
        record.confidential as i64,
    ])?;
    Ok(())
}

/// Issue bodies written by one statement in `upsert_issues`.
const BODIES_A_STATEMENT: usize = 500;

/// Upserts issues from GitLab with their description and raw JSON, in one transaction.
pub fn upsert_issues(
    conn: &Connection,
    issues: &[(IssueRecord, Option<String>, String)],
) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    for (record, _, _) in issues {
        write_record(&tx, record)?;
    }
    write_bodies(
        &tx,
        issues
            .iter()
            .map(|(record, description, raw)| (record.id, description, raw)),
    )?;
    tx.commit()?;
    Ok(())
}

/// Upserts the board columns of issues only, in one transaction (their bodies come later,
/// through `upsert_bodies`).
pub fn upsert_issue_rows(conn: &Connection, records: &[IssueRecord]) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    for record in records {
        write_record(&tx, record)?;
    }
    tx.commit()?;
    Ok(())
}

/// Upserts the description and raw JSON of issues already cached, by id, in one transaction.
pub fn upsert_bodies(conn: &Connection, bodies: &[(i64, Option<String>, String)]) -> Result<()> {
    let tx = crate::store::write_tx(conn)?;
    write_bodies(
        &tx,
        bodies
            .iter()
            .map(|(id, description, raw)| (*id, description, raw)),
    )?;
    tx.commit()?;
    Ok(())
}

/// Writes `(id, description, raw JSON)` rows to `issue_bodies`.
///
/// Many rows go in a statement: each statement that fires the full-text trigger makes FTS5
/// flush its pending terms to disk, so a row a statement wrote one tiny index segment per
/// issue (and merged them again): most of a 50,000-issue seed's time. The rows are bound as
/// parameters (a JSON array of them had every raw JSON text escaped and parsed again).
fn write_bodies<'a>(
    conn: &Connection,
    bodies: impl Iterator<Item = (i64, &'a Option<String>, &'a String)>,
) -> Result<()> {
    let bodies: Vec<_> = bodies.collect();
    for chunk in bodies.chunks(BODIES_A_STATEMENT) {
        let rows = vec!["(?, ?, ?)"; chunk.len()].join(", ");
        let mut stmt = conn.prepare_cached(&format!(
            "INSERT INTO issue_bodies (id, description, raw_json) VALUES {rows} \
             ON CONFLICT (id) DO UPDATE SET description = excluded.description, \
             raw_json = excluded.raw_json"
        ))?;
        let values: Vec<&dyn rusqlite::ToSql> = chunk
            .iter()
            .flat_map(|(id, description, raw)| {
                [
                    id as &dyn rusqlite::ToSql,
                    *description as &dyn rusqlite::ToSql,
                    *raw as &dyn rusqlite::ToSql,
                ]
            })
            .collect();
        stmt.execute(values.as_slice())?;
    }
    Ok(())
}

/// Every cached issue, in one query, by id (the primary key: no sort step).
pub fn load_issues(conn: &Connection) -> Result<Vec<IssueRecord>> {
    let count = issue_count(conn)?;
    load_id_range(
        conn,
        i64::MIN,
        i64::MAX,
        count as usize,
        &|record, _: &mut ()| record,
    )
}

fn load_id_range<T, S: Default>(
    conn: &Connection,
    from: i64,
    to: i64,
    expected: usize,
    make: &(dyn Fn(IssueRecord, &mut S) -> T + Sync),
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM issues WHERE id BETWEEN ?1 AND ?2 ORDER BY id"
    ))?;
    let mut out = Vec::with_capacity(expected);
    let mut shared = SharedText::default();
    let mut scratch = S::default();
    let mut rows = stmt.query([from, to])?;
    while let Some(row) = rows.next()? {
        out.push(make(from_row_sharing(row, &mut shared)?, &mut scratch));
    }
    Ok(out)
}

/// Below this many issues one thread loads them all (a second connection costs more).
const PARALLEL_LOAD_FROM: i64 = 2000;

/// Every cached issue, as `load_issues`, each turned into a `T` by `make` (with a scratch `S`
/// of its own per thread: say, what conversions can share) on the thread that
/// read it (the board builds its cards there, instead of moving every record again after),
/// with the upper half of the ids read on a second, read-only connection to the file at
/// `path` at the same time: decoding rows is most of the board's start-up. Falls back to one
/// connection when the second will not open.
pub fn load_issues_parallel_as<T: Send, S: Default>(
    conn: &Connection,
    path: &std::path::Path,
    make: &(dyn Fn(IssueRecord, &mut S) -> T + Sync),
) -> Result<Vec<T>> {
    let Some(split) = id_split(conn)? else {
        return Ok(Vec::new());
    };
    // Room for both halves in the lower one: the upper one is appended without growing it.
    let halves = read_in_halves(conn, Some(path), split, &|conn, from, to, lower| {
        let room = if lower {
            split.count
        } else {
            split.count / 2 + 1
        };
        load_id_range(conn, from, to, room, make)
    })?;
    let mut halves = halves.into_iter();
    let mut issues = halves.next().unwrap_or_default();
    for rest in halves {
        issues.extend(rest);
    }
    Ok(issues)
}

/// `read` over all cached ids (`read(conn, from, to, lower)`, ids `from..=to`), in id order:
/// when `split` has a middle and there is a `path`, the lower half on `conn` and the upper
/// half on a second, read-only connection to the file at `path` at the same time (on `conn`
/// after the lower one when the second will not open).
fn read_in_halves<T: Send>(
    conn: &Connection,
    path: Option<&std::path::Path>,
    split: IdSplit,
    read: &(dyn Fn(&Connection, i64, i64, bool) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    let (Some(middle), Some(path)) = (split.middle, path) else {
        return Ok(vec![read(conn, split.low, split.high, true)?]);
    };
    std::thread::scope(|scope| {
        let upper = scope.spawn(move || -> Result<T> {
            let reader = crate::store::open_reader(path)?;
            read(&reader, middle, split.high, false)
        });
        let lower = read(conn, split.low, middle - 1, true)?;
        let upper = match upper.join() {
            Ok(Ok(upper)) => upper,
            Ok(Err(err)) => {
                tracing::debug!(error = %err, "second connection failed; reading on one");
                read(conn, middle, split.high, false)?
            }
            Err(panic) => std::panic::resume_unwind(panic),
        };
        Ok(vec![lower, upper])
    })
}

/// The cached ids, and where to split them for two connections.
#[derive(Debug, Clone, Copy)]
struct IdSplit {
    count: usize,
    low: i64,
    high: i64,
    /// The first id of the upper half; `None` when one connection should read them all.
    middle: Option<i64>,
}

/// How the cached ids split (`None`: nothing is cached). The split is at the middle id (two
/// index look-ups; GitLab's ids grow over time, so halves are near even; an exact median
/// would walk half the table).
fn id_split(conn: &Connection) -> Result<Option<IdSplit>> {
    let (count, low, high): (i64, Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT COUNT(*), MIN(id), MAX(id) FROM issues")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let (Some(low), Some(high)) = (low, high) else {
        return Ok(None);
    };
    Ok(Some(IdSplit {
        count: usize::try_from(count).unwrap_or(0),
        low,
        high,
        middle: (count >= PARALLEL_LOAD_FROM).then(|| low + (high - low) / 2 + 1),
    }))
}

/// What places a request on the board and orders it in its column, without the rest of its
/// row: a large board's first screen reads this for every request and whole rows only for
/// the cards it shows (`scan_board_keys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardKey {
    pub id: i64,
    pub project_id: i64,
    pub iid: i64,
    /// Shared between requests with the same labels, as `load_issues` shares them.
    pub labels: Arc<[Label]>,
    pub open: bool,
    pub due_date: Option<NaiveDate>,
}

/// Every cached issue's `BoardKey`, handed to `visit` with a scratch `S`: one `S` per half
/// of the ids, the upper half read on a second, read-only connection to the file at `path`
/// at the same time (as `load_issues_parallel_as`). The scratches come back in id order.
pub fn scan_board_keys<S: Default + Send>(
    conn: &Connection,
    path: Option<&std::path::Path>,
    visit: &(dyn Fn(&mut S, BoardKey) + Sync),
) -> Result<Vec<S>> {
    let Some(split) = id_split(conn)? else {
        return Ok(Vec::new());
    };
    read_in_halves(conn, path, split, &|conn, from, to, _| {
        let mut scratch = S::default();
        scan_key_range(conn, from, to, &mut |key| visit(&mut scratch, key))?;
        Ok(scratch)
    })
}

fn scan_key_range(
    conn: &Connection,
    from: i64,
    to: i64,
    visit: &mut dyn FnMut(BoardKey),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, project_id, iid, labels, open, due_date FROM issues \
         WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut shared = SharedText::default();
    let mut rows = stmt.query([from, to])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        visit(BoardKey {
            id,
            project_id: row.get(1)?,
            iid: row.get(2)?,
            labels: shared.label_set(row.get_ref(3)?.as_str().map_err(rusqlite::Error::from)?),
            open: row.get::<_, i64>(4)? == 1,
            due_date: due_date(row, 5, id)?,
        });
    }
    Ok(())
}

/// The cached issues of `ids` (those still cached), in id order.
pub fn load_issues_by_id(conn: &Connection, ids: &[i64]) -> Result<Vec<IssueRecord>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM issues WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id"
    ))?;
    let mut shared = SharedText::default();
    let mut out = Vec::with_capacity(ids.len());
    let mut rows = stmt.query([json(&ids)?])?;
    while let Some(row) = rows.next()? {
        out.push(from_row_sharing(row, &mut shared)?);
    }
    Ok(out)
}

/// How many issues the cache holds (cheap: no rows are decoded).
pub fn issue_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM issues")?
        .query_row([], |row| row.get(0))?)
}

/// When each of `ids` entered its current state, as cached (ids no longer cached are left
/// out): what a fetched history changes on the board.
pub fn state_since_of(conn: &Connection, ids: &[i64]) -> Result<Vec<(i64, Option<DateTime<Utc>>)>> {
    let mut stmt = conn.prepare_cached("SELECT state_since FROM issues WHERE id = ?1")?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        let since: Option<Option<i64>> = stmt.query_row([id], |r| r.get(0)).optional()?;
        if let Some(since) = since {
            out.push((id, since.and_then(DateTime::from_timestamp_millis)));
        }
    }
    Ok(out)
}

/// One cached issue by id.
pub fn load_issue(conn: &Connection, id: i64) -> Result<IssueRecord> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM issues WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or(StoreError::NoSuchIssue(id))
}

/// The description of an issue (`None`: no description).
pub fn description(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT description FROM issue_bodies WHERE id = ?1")?
        .query_row([id], |row| row.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// The first `chars` characters of every issue's description, by issue id (issues without one
/// are left out).
pub fn description_heads(conn: &Connection, chars: usize) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, substr(description, 1, ?1) FROM issue_bodies WHERE description IS NOT NULL",
    )?;
    let limit = i64::try_from(chars).unwrap_or(i64::MAX);
    let rows = stmt.query_map([limit], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A request's text as the triage models read it (no board fields).
#[derive(Debug, Clone, PartialEq)]
pub struct IssueText {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// The description's first characters (`each_issue_text`'s `description_chars`).
    pub description: String,
    /// The author's username (shared: a few people write most requests).
    pub author: Option<Arc<str>>,
    pub labels: Vec<String>,
    pub open: bool,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// Calls `f` with the text of the `newest` most recently opened cached issues, newest first,
/// one at a time (nothing is held between calls): `open_only` skips closed ones.
pub fn each_issue_text(
    conn: &Connection,
    open_only: bool,
    newest: usize,
    description_chars: usize,
    mut f: impl FnMut(IssueText),
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.reference, i.title, i.labels, i.author, i.open, i.created_at, \
         i.closed_at, substr(b.description, 1, ?1) FROM issues i \
         LEFT JOIN issue_bodies b ON b.id = i.id WHERE i.open = 1 OR ?2 = 0 \
         ORDER BY i.created_at DESC, i.id DESC LIMIT ?3",
    )?;
    let chars = i64::try_from(description_chars).unwrap_or(i64::MAX);
    let newest = i64::try_from(newest).unwrap_or(i64::MAX);
    let mut rows = stmt.query(params![chars, i64::from(open_only), newest])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let time = |ms: i64| {
            DateTime::from_timestamp_millis(ms).ok_or_else(|| malformed("timestamp", id, ms))
        };
        let labels: String = row.get(3)?;
        f(IssueText {
            id,
            reference: row.get(1)?,
            title: row.get(2)?,
            description: row.get::<_, Option<String>>(8)?.unwrap_or_default(),
            author: row.get(4)?,
            labels: if labels.is_empty() {
                Vec::new()
            } else {
                labels.split(LABEL_SEPARATOR).map(str::to_string).collect()
            },
            open: row.get::<_, i64>(5)? == 1,
            created_at: time(row.get(6)?)?,
            closed_at: row.get::<_, Option<i64>>(7)?.map(time).transpose()?,
        });
    }
    Ok(())
}

/// Finds issues by a reference as users type it: `12`, `#12`, `group/proj#12`, or an issue URL.
/// Several projects may share an iid; all matches are returned.
pub fn find_by_reference(conn: &Connection, reference: &str) -> Result<Vec<IssueRecord>> {
    let reference = reference.trim();
    let (path, iid) = if let Some((before, after)) = reference.split_once("/-/issues/") {
        let iid = after
            .trim_end_matches('/')
            .split(['#', '?', '/'])
            .next()
            .unwrap_or("");
        let path = before
            .split_once("://")
            .map_or(before, |(_, rest)| rest)
            .split_once('/')
            .map_or("", |(_, p)| p);
        (Some(path.to_string()), iid.to_string())
    } else if let Some((path, iid)) = reference.rsplit_once('#') {
        (
            (!path.is_empty()).then(|| path.to_string()),
            iid.to_string(),
        )
    } else {
        (None, reference.to_string())
    };
    let Ok(iid) = iid.parse::<i64>() else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM issues WHERE iid = ?1"))?;
    let rows = stmt.query_map([iid], from_row)?;
    let mut found = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(path) = path {
        let wanted = format!("{path}#{iid}");
        found.retain(|r| r.reference == wanted);
    }
    Ok(found)
}

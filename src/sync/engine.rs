//! One sync pass: push the outbox, then pull. Store calls are plain and synchronous; only the
//! network awaits. Nothing here touches the terminal: progress goes to a callback.

use crate::workflow::labels::has;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::config::Scope;
use crate::gitlab::{ApiError, Client, convert, wire};
use crate::store::{self, OutboxEntry, Store, StoreError};
use crate::sync::activity;
use crate::sync::conflict::{conflicts, field_conflicts, force};
use crate::workflow::edit::{Change, StateEvent};
use crate::workflow::{IssueEdit, IssueFacts, Workflow};

/// How far back an incremental pull looks past the high-water mark (clock skew, same-second
/// updates; re-seen issues are upserted by id).
const OVERLAP: Duration = Duration::seconds(5);
/// Labels, milestones and members are refreshed at most this often on incremental syncs.
const METADATA_EVERY: Duration = Duration::hours(1);
const METADATA_SYNCED_AT: &str = "metadata_synced_at";
/// `sync_state` key: when the last full pass (which notices deletions) finished.
pub const FULL_PASS_AT: &str = "full_pass_at";
/// How long a push waits for another process pushing from the same cache.
pub const PUSH_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// How often the board makes a full pass.
pub const FULL_EVERY: Duration = Duration::hours(1);
/// `sync_state` key: the configured board's list labels in position order (JSON array).
pub const BOARD_LISTS: &str = "board_lists";

/// What to sync with.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    pub scope: Scope,
    /// Only issues with this label are the board's (`sm_request`).
    pub scope_label: String,
    /// The GitLab issue board whose list order the columns follow, if one is named.
    pub board: Option<String>,
    /// At most this many issues get their comments and label history fetched per pass over
    /// REST (two requests each), ten times as many over GraphQL (fifty a request); the rest
    /// wait for the next pass.
    pub activity_per_pass: usize,
    /// How many windows of a long issue listing are fetched side by side: more is faster and
    /// holds more pages in memory at once (`WINDOWS_FOREGROUND` for `sm-board sync`,
    /// `WINDOWS_BACKGROUND` under the board).
    pub listing_windows: u64,
}

/// Listing windows when a person waits for the sync (`sm-board sync`): 10,000 issues at 50 ms
/// a request in about 1.1 s.
pub const WINDOWS_FOREGROUND: u64 = 16;
/// Listing windows of the board's background sync, which keeps its memory small instead.
pub const WINDOWS_BACKGROUND: u64 = 4;

impl SyncTarget {
    fn encoded(&self) -> String {
        self.scope.path().replace('/', "%2F")
    }

    fn collection(&self, what: &str) -> String {
        match &self.scope {
            Scope::Group(_) => format!("/groups/{}/{what}", self.encoded()),
            Scope::Project(_) => format!("/projects/{}/{what}", self.encoded()),
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    /// "#12: p:: changed on GitLab ..." per new conflict.
    pub conflicts: Vec<String>,
    /// "#12: GitLab answered 403 ..." per edit given up on.
    pub failed: Vec<String>,
    pub pulled: usize,
    /// Pulled issues that differed from the cache (the overlap re-sees unchanged ones).
    pub changed: usize,
    /// References of issues dropped by a full pass.
    pub removed: Vec<String>,
    /// Of those, the ones in archived projects: (project path, how many).
    pub archived: Vec<(String, usize)>,
    pub full: bool,
    /// Set when the network was down: everything not done waits for the next pass.
    pub offline: Option<String>,
    /// Issues whose comments and label history were fetched.
    pub activity: usize,
    /// Of those, the ones whose history was stored (their time in state may have changed).
    pub activity_ids: Vec<i64>,
    /// Issues whose comments and label history are still to fetch.
    pub activity_waiting: i64,
    /// Edits still not on GitLab after this pass (pending, failed or in conflict).
    pub unsent: i64,
    /// GitLab rate-limited this pass until then; the rest waits for the next one.
    pub rate_limited_until: Option<DateTime<Utc>>,
    /// Another process was pushing from this cache: it sends the queued edits.
    pub push_busy: bool,
    pub requests: u64,
}

impl SyncReport {
    /// Did this pass change the requests on the board? (Fetched histories change only their
    /// time in state, which the board takes without a reload: `activity_ids`.)
    pub fn changed_board(&self) -> bool {
        self.changed > 0
            || self.pushed > 0
            || !self.conflicts.is_empty()
            || !self.failed.is_empty()
            || !self.removed.is_empty()
    }

    /// Stops the pass for a passing reason (offline, a failing server, a rate limit).
    pub fn hold_back(&mut self, err: &ApiError) {
        self.offline = Some(err.to_string());
        if let ApiError::RateLimited { until } = err {
            self.rate_limited_until = Some(*until);
        }
    }

    /// Cache and GitLab agree and no edit waits.
    pub fn in_step(&self) -> bool {
        self.offline.is_none() && self.unsent == 0
    }
}

/// Progress for a bar or the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Pushing {
        done: usize,
        total: usize,
    },
    Pulling {
        pulled: usize,
        /// How many the listing holds, when GitLab says (it sends no totals past 10,000).
        total: Option<u64>,
    },
    /// Fetching comments and label history of this many issues.
    Activity {
        waiting: i64,
    },
    /// Comments and label history fetched for `done` of `of` issues this pass.
    ActivityFetched {
        done: usize,
        of: usize,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn issue_path(record: &store::IssueRecord) -> String {
    format!("/projects/{}/issues/{}", record.project_id, record.iid)
}

fn parse_issue(value: &Value) -> Result<wire::Issue, ApiError> {
    // Read from the borrowed value: no copy of the issue's JSON.
    <wire::Issue as serde::Deserialize>::deserialize(value)
        .map_err(|e| ApiError::Malformed(format!("an issue could not be read: {e}")))
}

/// The `PUT` body for an edit: label deltas, never the full label set.
pub fn put_body(edit: &IssueEdit) -> Value {
    let mut body = serde_json::Map::new();
    if !edit.labels.add.is_empty() {
        body.insert("add_labels".into(), json!(edit.labels.add.join(",")));
    }
    if !edit.labels.remove.is_empty() {
        body.insert("remove_labels".into(), json!(edit.labels.remove.join(",")));
    }
    match edit.state_event {
        Some(StateEvent::Close) => {
            body.insert("state_event".into(), json!("close"));
        }
        Some(StateEvent::Reopen) => {
            body.insert("state_event".into(), json!("reopen"));
        }
        None => {}
    }
    match &edit.milestone {
        Some(Change::Set(m)) => {
            body.insert("milestone_id".into(), json!(m.id));
        }
        Some(Change::Clear) => {
            body.insert("milestone_id".into(), json!(0));
        }
        None => {}
    }
    if let Some(assignees) = &edit.assignees {
        let ids: Vec<i64> = if assignees.is_empty() {
            vec![0]
        } else {
            assignees.iter().map(|u| u.id).collect()
        };
        body.insert("assignee_ids".into(), json!(ids));
    }
    match &edit.due_date {
        Some(Change::Set(d)) => {
            body.insert("due_date".into(), json!(d.to_string()));
        }
        Some(Change::Clear) => {
            body.insert("due_date".into(), Value::Null);
        }
        None => {}
    }
    Value::Object(body)
}

/// `sync_state` key: how this GitLab takes label changes (`full_set` once it was seen to ignore
/// `add_labels`/`remove_labels`).
pub const LABELS_API: &str = "labels_api";
const FULL_SET: &str = "full_set";

fn convert_answer(answer: &Value) -> Result<IssueFacts, ApiError> {
    Ok(convert::issue_record(&parse_issue(answer)?).facts)
}

/// The edit asked to remove labels the issue had, and GitLab changed none of its labels: it
/// does not know `add_labels`/`remove_labels` (unknown parameters are ignored).
fn labels_untouched(edit: &IssueEdit, before: &IssueFacts, after: &IssueFacts) -> bool {
    let removes_present = edit.labels.remove.iter().any(|l| has(&before.labels, l));
    removes_present && before.labels == after.labels
}

/// The body with the label deltas replaced by the whole resulting set (`labels`), for a GitLab
/// without `add_labels`: the issue's labels as just read, plus the adds, minus the removes.
fn with_full_label_set(mut body: Value, edit: &IssueEdit, remote: &IssueFacts) -> Value {
    if edit.labels.add.is_empty() && edit.labels.remove.is_empty() {
        return body;
    }
    let mut labels: Vec<&str> = remote
        .labels
        .iter()
        .map(|l| l.as_str())
        .filter(|l| !has(&edit.labels.remove, l))
        .collect();
    for add in &edit.labels.add {
        if !labels.contains(&add.as_str()) {
            labels.push(add);
        }
    }
    if let Some(map) = body.as_object_mut() {
        map.remove("add_labels");
        map.remove("remove_labels");
        map.insert("labels".into(), json!(labels.join(",")));
    }
    body
}

/// What GitLab did not do of what it was asked (a label silently dropped, ...).
pub fn shortfall(edit: &IssueEdit, answer: &IssueFacts) -> Option<String> {
    let mut missing = Vec::new();
    for label in edit.labels.add.iter().filter(|l| !has(&answer.labels, l)) {
        missing.push(format!(
            "did not add ~{label} (it does not exist and this token may not create labels)"
        ));
    }
    for label in edit.labels.remove.iter().filter(|l| has(&answer.labels, l)) {
        missing.push(format!("did not remove ~{label}"));
    }
    match edit.state_event {
        Some(StateEvent::Close) if answer.open => missing.push("did not close the issue".into()),
        Some(StateEvent::Reopen) if !answer.open => missing.push("did not reopen the issue".into()),
        _ => {}
    }
    if let Some(Change::Set(m)) = &edit.milestone
        && answer.milestone.as_ref().map(|a| a.id) != Some(m.id)
    {
        missing.push(format!("did not set milestone {}", m.title));
    }
    (!missing.is_empty()).then(|| format!("GitLab {}", missing.join("; ")))
}

/// Pushes every pending edit in order. Stops at the first sign of being offline.
pub async fn push(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    // One pusher per cache; the entries are read only once the lock is ours, so none is sent
    // twice and none is replayed after a newer one.
    let Some(_lock) = store.push_lock(PUSH_LOCK_WAIT)? else {
        tracing::info!("another process is pushing from this cache");
        report.push_busy = true;
        return Ok(());
    };
    let entries = store::pending_entries(store.conn())?;
    let total = entries.len();
    for (done, entry) in entries.into_iter().enumerate() {
        progress(Progress::Pushing { done, total });
        let pushed = match &entry.comment {
            Some(comment) => push_comment(client, store, &entry, comment, report).await,
            None => push_one(client, store, wf, &entry, report).await,
        };
        match pushed {
            Ok(()) => {}
            Err(SyncError::Api(err)) if err.is_transient() => {
                store::note_attempt(store.conn(), entry.seq, &err.to_string())?;
                report.hold_back(&err);
                return Ok(());
            }
            // Not this edit's fault: stop the pass, keep every edit queued.
            Err(SyncError::Api(
                err @ (ApiError::Unauthorized { .. } | ApiError::Tls { .. } | ApiError::Config(_)),
            )) => return Err(err.into()),
            Err(SyncError::Api(err)) => {
                let record = store::load_issue(store.conn(), entry.issue_id);
                let reference = record
                    .as_ref()
                    .map(|r| r.reference.clone())
                    .unwrap_or_else(|_| format!("issue {}", entry.issue_id));
                // A 403 on an archived project is not a token problem: say which it is.
                let err = match (&err, &record) {
                    (ApiError::Forbidden { .. }, Ok(record)) => {
                        match archived_project(client, record.project_id).await {
                            Some(project) => ApiError::Archived { project },
                            None => err,
                        }
                    }
                    _ => err,
                };
                store::mark_failed(store.conn(), entry.seq, &err.to_string())?;
                report
                    .failed
                    .push(format!("{reference}: {}: {err}", entry.edit.summary));
            }
            Err(other) => return Err(other),
        }
    }
    progress(Progress::Pushing { done: total, total });
    Ok(())
}

/// Of the projects whose requests a full pass dropped, the archived ones (GitLab leaves archived
/// projects' issues out of group lists), each with how many requests went.
async fn archived_among(client: &Client, removed: &[String]) -> Vec<(String, usize)> {
    let mut per_project: std::collections::BTreeMap<&str, usize> = Default::default();
    for reference in removed {
        if let Some((project, _)) = reference.rsplit_once('#') {
            *per_project.entry(project).or_default() += 1;
        }
    }
    let mut archived = Vec::new();
    for (project, count) in per_project {
        if let Some(path) = archived_project(client, project.replace('/', "%2F")).await {
            archived.push((path, count));
        }
    }
    archived
}

/// The project's path when GitLab says it is archived (read-only); `None` when it is not, or
/// that cannot be told.
async fn archived_project(client: &Client, project: impl std::fmt::Display) -> Option<String> {
    let answer = client
        .get(&format!("/projects/{project}"), &[])
        .await
        .ok()?;
    answer["archived"]
        .as_bool()
        .filter(|archived| *archived)
        .map(|_| {
            answer["path_with_namespace"]
                .as_str()
                .unwrap_or("the project")
                .to_string()
        })
}

/// Posts a queued comment exactly once. The attempt is recorded before the POST; when an
/// earlier attempt exists (its answer may have been lost in a crash or a dropped connection),
/// the issue's notes are searched for the comment's marker first.
async fn push_comment(
    client: &Client,
    store: &Store,
    entry: &OutboxEntry,
    comment: &store::QueuedComment,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let record = store::load_issue(store.conn(), entry.issue_id)?;
    let path = format!("{}/notes", issue_path(&record));
    if entry.attempts > 0 {
        let mut posted = false;
        client
            .each_page(
                &path,
                &[("sort", "desc".into()), ("order_by", "created_at".into())],
                |page| -> Result<(), SyncError> {
                    posted |= page.iter().any(|note| {
                        note["body"]
                            .as_str()
                            .is_some_and(|b| b.contains(&comment.marker))
                    });
                    Ok(())
                },
            )
            .await?;
        if posted {
            store::mark_done(store.conn(), entry.seq)?;
            report.pushed += 1;
            return Ok(());
        }
    }
    store::note_attempt(store.conn(), entry.seq, "posting the comment")?;
    let body = format!("{}\n\n<!-- {} -->", comment.body.trim_end(), comment.marker);
    client.post(&path, &json!({ "body": body })).await?;
    store::mark_done(store.conn(), entry.seq)?;
    report.pushed += 1;
    Ok(())
}

async fn push_one(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    entry: &OutboxEntry,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let record = store::load_issue(store.conn(), entry.issue_id)?;
    let path = issue_path(&record);
    // Read the issue as it is now: the conflict check needs GitLab's current labels.
    let current = client.get(&path, &[]).await?;
    let remote = parse_issue(&current)?;
    let remote_facts = convert::issue_record(&remote).facts;
    let edit = if entry.force {
        force(wf, &entry.edit, &remote_facts)
    } else {
        let mut found = conflicts(wf, &entry.edit, &remote_facts);
        if let Some(base) = &entry.base {
            found.extend(field_conflicts(&entry.edit, base, &remote_facts));
        }
        if !found.is_empty() {
            let why = found
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join("; ");
            store::mark_conflict(
                store.conn(),
                entry.seq,
                &why,
                &remote,
                &current.to_string(),
                &wf.state_key,
            )?;
            report
                .conflicts
                .push(format!("{}: {why}", record.reference));
            return Ok(());
        }
        entry.edit.clone()
    };
    let full_set = store::get_state(store.conn(), LABELS_API)?.as_deref() == Some(FULL_SET);
    let body = if full_set {
        with_full_label_set(put_body(&edit), &edit, &remote_facts)
    } else {
        put_body(&edit)
    };
    let (answer, raw) = if body.as_object().is_some_and(|b| b.is_empty()) {
        (remote, current.to_string())
    } else {
        let sent = client.put(&path, &body).await;
        let deltas_ignored = match &sent {
            // Only unknown fields sent: GitLab says none of the ones it knows was given.
            Err(ApiError::Rejected {
                status: 400,
                message,
            }) => message.contains("at least one parameter") && !message.contains("add_labels"),
            Ok(answer) => {
                !full_set && labels_untouched(&edit, &remote_facts, &convert_answer(answer)?)
            }
            Err(_) => false,
        };
        let answer = if deltas_ignored && !full_set {
            // A GitLab older than add_labels/remove_labels: from now on send the whole set,
            // computed from the issue as just read (the conflict rule has run on it).
            tracing::warn!("GitLab ignores add_labels/remove_labels: sending full label sets");
            store::set_state(store.conn(), LABELS_API, FULL_SET)?;
            client
                .put(
                    &path,
                    &with_full_label_set(put_body(&edit), &edit, &remote_facts),
                )
                .await?
        } else {
            sent?
        };
        (parse_issue(&answer)?, answer.to_string())
    };
    let missing = shortfall(&edit, &convert::issue_record(&answer).facts);
    if let Some(why) = &missing {
        report
            .failed
            .push(format!("{}: {}: {why}", record.reference, edit.summary));
    } else {
        report.pushed += 1;
    }
    store::apply_push_result(
        store.conn(),
        entry.seq,
        &answer,
        &raw,
        missing.as_deref(),
        &wf.state_key,
    )?;
    Ok(())
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Pulls issues changed since the high-water mark (all of them on a full pass, which also drops
/// issues GitLab no longer lists), and refreshes labels, milestones and members when due.
pub async fn pull(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    target: &SyncTarget,
    full: bool,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let conn = store.conn();
    let high_water = store::get_state(conn, store::ISSUES_HIGH_WATER)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    let since = high_water.filter(|_| !full);
    report.full = since.is_none();
    // A full pass commits page after page; into an empty cache, every issue is new.
    let empty = store::issue_count(conn)? == 0;
    let _bulk = report.full.then(|| store.bulk_writes(empty));
    let mut seen: Vec<i64> = Vec::new();
    let mut pulled = 0usize;
    let mut changed = 0usize;
    let total = std::cell::Cell::new(None);
    // Pages that came out of order (windows) are written several at a time: one commit, and
    // one set of WAL frames, for all of them. None waits on the network inside a transaction.
    let mut unwritten: Vec<(wire::Issue, String)> = Vec::new();
    let mut write =
        |issues: &mut Vec<(wire::Issue, String)>, in_order: bool| -> Result<(), SyncError> {
            if issues.is_empty() {
                return Ok(());
            }
            changed += store::apply_remote_page(conn, issues, &wf.state_key, in_order)?;
            pulled += issues.len();
            issues.clear();
            progress(Progress::Pulling {
                pulled,
                total: total.get(),
            });
            Ok(())
        };
    let mut on_page = |page: Vec<Value>, in_order: bool| -> Result<(), SyncError> {
        for value in &page {
            let issue = parse_issue(value)?;
            seen.push(issue.id);
            unwritten.push((issue, value.to_string()));
        }
        if in_order || unwritten.len() >= WRITE_BATCH {
            write(&mut unwritten, in_order)?;
        }
        Ok(())
    };
    let listing = list_by_update(
        client,
        &target.collection("issues"),
        &target.scope_label,
        since.map(|mark| mark - OVERLAP),
        target.listing_windows.max(1),
        &total,
        &mut on_page,
    )
    .await;
    // What was listed is kept even when the listing stopped halfway.
    let listing = write(&mut unwritten, false).and(listing);
    // Windows came in any order: the mark moves only now that all of them are done.
    let listing = match listing {
        Ok(Some(newest)) => store::raise_high_water(conn, newest).map_err(SyncError::from),
        Ok(None) => Ok(()),
        Err(err) => Err(err),
    };
    report.pulled = pulled;
    report.changed = changed;
    match listing {
        Ok(()) => {}
        Err(SyncError::Api(err)) if err.is_transient() => {
            report.hold_back(&err);
            return Ok(());
        }
        Err(err) => return Err(err),
    }
    if report.full {
        report.removed = store::remove_missing(conn, &seen)?;
        report.archived = archived_among(client, &report.removed).await;
        store::set_state(conn, FULL_PASS_AT, &Utc::now().to_rfc3339())?;
    }
    let metadata_due = report.full
        || store::get_state(conn, METADATA_SYNCED_AT)?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .is_none_or(|t| Utc::now() - t.with_timezone(&Utc) > METADATA_EVERY);
    if metadata_due {
        match pull_metadata(client, store, target).await {
            Ok(()) => store::set_state(conn, METADATA_SYNCED_AT, &Utc::now().to_rfc3339())?,
            Err(SyncError::Api(err)) if err.is_transient() => {
                report.hold_back(&err);
                return Ok(());
            }
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Issues from out-of-order pages written in one transaction.
const WRITE_BATCH: usize = 500;

/// Issues in a listing this long (after its first page) are fetched as concurrent windows.
const WINDOWED_FROM: u64 = 500;
const PER_PAGE: usize = 100;

fn updated_at(item: &Value) -> Option<DateTime<Utc>> {
    item["updated_at"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The issue-list query: `label`, oldest update first, from `after` up to `before` (both
/// inclusive, as GitLab takes them).
fn list_query(
    label: &str,
    after: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
    page: u64,
    per_page: usize,
) -> Vec<(&'static str, String)> {
    let mut query: Vec<(&str, String)> = vec![
        ("labels", label.to_string()),
        ("state", "all".into()),
        ("scope", "all".into()),
        ("order_by", "updated_at".into()),
        ("sort", "asc".into()),
        ("per_page", per_page.to_string()),
    ];
    if let Some(at) = after {
        query.push(("updated_after", stamp(at)));
    }
    if let Some(at) = before {
        query.push(("updated_before", stamp(at)));
    }
    if page > 1 {
        query.push(("page", page.to_string()));
    }
    query
}

/// Where a cursor listing goes after a page: on from the page's last update (page 1 again), or,
/// when the whole page shares the cursor's instant, to the next page of that instant. `None`:
/// the listing is done.
fn next_position(
    items: &[Value],
    cursor: Option<DateTime<Utc>>,
    page: u64,
) -> Option<(Option<DateTime<Utc>>, u64)> {
    if items.len() < PER_PAGE {
        return None;
    }
    match items.last().and_then(updated_at) {
        Some(last) if Some(last) != cursor => Some((Some(last), 1)),
        _ => Some((cursor, page + 1)),
    }
}

/// Issues with `label`, updated at or after `since` (all of them without), delivered page by
/// page to `on_page`, each issue once per state it was seen in. `on_page`'s flag says whether
/// the high-water mark may move to the page (pages in order); when the listing ran as
/// concurrent windows, the newest update it saw is returned for the caller to set the mark once.
///
/// GitLab's offset pages are live: an issue updated while a listing runs moves to its end and
/// the rest shift up, so `page=N+1` can skip an issue that slid onto a page already fetched,
/// and a deletion or a label taken off shifts them the same way. So each request starts again
/// from the last `updated_at` seen (`updated_after` is inclusive): an issue nobody touched
/// keeps its place after that point and cannot be skipped, and one that was touched comes
/// again at the end. Only when a whole page shares one `updated_at` does the page number move
/// on within it. A long listing is cut by `updated_at` into windows (their edges read from a
/// few one-issue probes) that are listed this way side by side; edges are inclusive on both
/// sides, so a window's edge issue is seen twice rather than never.
async fn list_by_update<E: From<ApiError>>(
    client: &Client,
    path: &str,
    label: &str,
    since: Option<DateTime<Utc>>,
    windows: u64,
    listed_total: &std::cell::Cell<Option<u64>>,
    mut on_page: impl FnMut(Vec<Value>, bool) -> Result<(), E>,
) -> Result<Option<DateTime<Utc>>, E> {
    // What this listing delivered already, by id: re-seen unchanged issues are not passed on.
    let mut delivered: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut deliver = |items: Vec<Value>, in_order: bool| -> Result<(), E> {
        let fresh: Vec<Value> = items
            .into_iter()
            .filter(|item| {
                let (Some(id), Some(updated)) = (item["id"].as_i64(), item["updated_at"].as_str())
                else {
                    return true; // let the parser say what is wrong with it
                };
                delivered.insert(id, updated.to_string()).as_deref() != Some(updated)
            })
            .collect();
        if fresh.is_empty() {
            Ok(())
        } else {
            on_page(fresh, in_order)
        }
    };
    let (first, total) = client
        .list_page_with_total(path, &list_query(label, since, None, 1, PER_PAGE))
        .await?;
    listed_total.set(total);
    let mut position = next_position(&first, since, 1);
    deliver(first, true)?;
    let Some((cursor, page)) = position else {
        return Ok(None);
    };
    let rest = total.unwrap_or(0).saturating_sub(PER_PAGE as u64);
    if page == 1
        && rest >= WINDOWED_FROM
        && windows > 1
        && let Some(edges) = window_edges(client, path, label, since, rest, windows).await?
    {
        return listed_in_windows(client, path, label, cursor, edges, &mut deliver).await;
    }
    while let Some((cursor, page)) = position {
        let items = client
            .list_page(path, &list_query(label, cursor, None, page, PER_PAGE))
            .await?;
        position = next_position(&items, cursor, page);
        deliver(items, true)?;
    }
    Ok(None)
}

/// The `updated_at` of the issues at the window edges of the listing after its first page, in
/// order; `None` when a probe came back empty (the listing changed a lot: go one by one).
async fn window_edges(
    client: &Client,
    path: &str,
    label: &str,
    since: Option<DateTime<Utc>>,
    rest: u64,
    windows: u64,
) -> Result<Option<Vec<DateTime<Utc>>>, ApiError> {
    let probes = (1..windows).map(|k| {
        // With one issue per page, page n is the n-th issue of the listing.
        let position = PER_PAGE as u64 + k * rest / windows;
        let query = list_query(label, since, None, position, 1);
        async move { client.list_page(path, &query).await }
    });
    let mut edges = Vec::new();
    for probe in futures_util::future::join_all(probes).await {
        match probe?.first().and_then(updated_at) {
            Some(at) => edges.push(at),
            None => return Ok(None),
        }
    }
    edges.sort();
    edges.dedup();
    Ok(Some(edges))
}

/// A slice of a listing by `updated_at`: after (inclusive), up to (inclusive; `None`: now).
type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Lists `[start, e1], [e1, e2], ..., [en, now]` side by side, each with the cursor.
async fn listed_in_windows<E: From<ApiError>>(
    client: &Client,
    path: &str,
    label: &str,
    start: Option<DateTime<Utc>>,
    edges: Vec<DateTime<Utc>>,
    deliver: &mut impl FnMut(Vec<Value>, bool) -> Result<(), E>,
) -> Result<Option<DateTime<Utc>>, E> {
    use futures_util::StreamExt;
    let mut bounds: Vec<Window> = Vec::new();
    let mut from = start;
    for edge in edges {
        if from.is_some_and(|f| f >= edge) {
            continue;
        }
        bounds.push((from, Some(edge)));
        from = Some(edge);
    }
    bounds.push((from, None));
    let windows = bounds.into_iter().map(|(after, before)| {
        futures_util::stream::unfold(Some((after, 1u64)), move |position| async move {
            let (cursor, page) = position?;
            let query = list_query(label, cursor, before, page, PER_PAGE);
            match client.list_page(path, &query).await {
                Ok(items) => {
                    let next = next_position(&items, cursor, page);
                    Some((Ok(items), next))
                }
                Err(err) => Some((Err(err), None)),
            }
        })
        .boxed_local()
    });
    let mut pages = futures_util::stream::select_all(windows);
    let mut newest: Option<DateTime<Utc>> = None;
    while let Some(items) = pages.next().await {
        let items = items?;
        newest = newest.max(items.iter().filter_map(updated_at).max());
        deliver(items, false)?;
    }
    Ok(newest)
}

/// Is a full pass due? Yes when none is on record for this cache (a cache synced only
/// incrementally, or by an older sm-board) or the last one is older than `FULL_EVERY`.
pub fn full_pass_due(store: &Store, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(store::get_state(store.conn(), FULL_PASS_AT)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .is_none_or(|t| now - t.with_timezone(&Utc) > FULL_EVERY))
}

/// Every item of a list that parses as `T` (items GitLab adds fields to still parse; others are
/// skipped).
pub(crate) async fn collect<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
    query: &[(&str, String)],
) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    client
        .each_page(path, query, |page| -> Result<(), ApiError> {
            items.extend(
                page.into_iter()
                    .filter_map(|v| serde_json::from_value(v).ok()),
            );
            Ok(())
        })
        .await?;
    Ok(items)
}

async fn pull_metadata(
    client: &Client,
    store: &Store,
    target: &SyncTarget,
) -> Result<(), SyncError> {
    let conn = store.conn();
    // Labels: a group's own and its ancestors' by default; its subgroups' (which their
    // projects' issues carry) only when asked.
    let mut label_query = vec![("include_ancestor_groups", "true".to_string())];
    if matches!(target.scope, Scope::Group(_)) {
        label_query.push(("include_descendant_groups", "true".to_string()));
    }
    let labels: Vec<wire::Label> =
        collect(client, &target.collection("labels"), &label_query).await?;
    store::upsert_labels(conn, &labels)?;
    // Milestones: only the group's or project's own unless ancestors are asked for, and the
    // workflow's usually live on a parent group.
    let milestones_path = target.collection("milestones");
    let milestones: Vec<wire::Milestone> = match collect(
        client,
        &milestones_path,
        &[("include_ancestors", "true".to_string())],
    )
    .await
    {
        // GitLab before 16.7 only knows the older name.
        Err(ApiError::Rejected { status: 400, .. }) => {
            collect(
                client,
                &milestones_path,
                &[("include_parent_milestones", "true".to_string())],
            )
            .await?
        }
        other => other?,
    };
    store::upsert_milestones(conn, &milestones)?;
    let members: Vec<wire::User> = collect(client, &target.collection("members/all"), &[]).await?;
    store::upsert_members(conn, &members)?;
    if let Some(name) = &target.board {
        let mut order: Option<Vec<String>> = None;
        client
            .each_page(
                &target.collection("boards"),
                &[],
                |page| -> Result<(), SyncError> {
                    for board in page
                        .iter()
                        .filter(|b| b["name"].as_str() == Some(name.as_str()))
                    {
                        let mut lists: Vec<(i64, String)> = board["lists"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|l| {
                                Some((
                                    l["position"].as_i64()?,
                                    l["label"]["name"].as_str()?.to_string(),
                                ))
                            })
                            .collect();
                        lists.sort();
                        order = Some(lists.into_iter().map(|(_, label)| label).collect());
                    }
                    Ok(())
                },
            )
            .await?;
        match order {
            Some(labels) => store::set_state(
                conn,
                BOARD_LISTS,
                &serde_json::to_string(&labels).unwrap_or_default(),
            )?,
            None => tracing::warn!(board = %name, "the configured board was not found"),
        }
    }
    Ok(())
}

/// A whole pass: push, then pull (skipped when the push found us offline).
pub async fn sync(
    client: &Client,
    store: &Store,
    wf: &Workflow,
    target: &SyncTarget,
    full: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let before = client.requests();
    let mut report = SyncReport::default();
    push(client, store, wf, &mut report, progress).await?;
    if report.offline.is_none() {
        pull(client, store, wf, target, full, &mut report, progress).await?;
    }
    if report.offline.is_none() && target.activity_per_pass > 0 {
        progress(Progress::Activity {
            waiting: store::stale_activity_count(store.conn())?,
        });
        let limit = target.activity_per_pass;
        let stored = &mut report.activity_ids;
        match activity::pull_activity(client, store, &wf.state_key, limit, stored, progress).await {
            Ok(done) => report.activity = done,
            Err(SyncError::Api(err)) if err.is_transient() => {
                report.hold_back(&err);
            }
            Err(err) => return Err(err),
        }
    }
    report.activity_waiting = store::stale_activity_count(store.conn())?;
    if report.offline.is_none() {
        store::set_state(
            store.conn(),
            store::LAST_SYNCED_AT,
            &Utc::now().to_rfc3339(),
        )?;
    }
    report.unsent = store::pending_count(store.conn())?;
    report.requests = client.requests() - before;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::edit::{set_assignees, set_due_date, set_field, set_milestone};
    use crate::workflow::{MilestoneRef, UserRef};

    fn facts(labels: &[&str]) -> IssueFacts {
        IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open: true,
            ..IssueFacts::default()
        }
    }

    #[test]
    fn a_label_edit_is_sent_as_deltas_only() {
        let edit = set_field(
            &facts(&["p::3", "x"]),
            &Workflow::default().fields.priority,
            "1",
        );
        assert_eq!(
            put_body(&edit),
            json!({"add_labels": "p::1", "remove_labels": "p::3"})
        );
    }

    #[test]
    fn clearing_fields_uses_gitlab_s_unset_values() {
        assert_eq!(put_body(&set_milestone(None)), json!({"milestone_id": 0}));
        assert_eq!(
            put_body(&set_assignees(vec![])),
            json!({"assignee_ids": [0]})
        );
        assert_eq!(put_body(&set_due_date(None)), json!({"due_date": null}));
        let m = MilestoneRef {
            id: 7,
            title: "Q".into(),
        };
        assert_eq!(
            put_body(&set_milestone(Some(m))),
            json!({"milestone_id": 7})
        );
        let u = UserRef {
            id: 3,
            username: "a".into(),
            name: String::new(),
        };
        assert_eq!(
            put_body(&set_assignees(vec![u])),
            json!({"assignee_ids": [3]})
        );
    }

    #[test]
    fn a_dropped_label_is_a_shortfall() {
        let edit = set_field(&facts(&["p::3"]), &Workflow::default().fields.priority, "1");
        assert_eq!(shortfall(&edit, &facts(&["p::1"])), None);
        let why = shortfall(&edit, &facts(&[])).unwrap();
        assert!(why.contains("did not add ~p::1"), "{why}");
    }
}

//! Pulling: issues changed since the high-water mark, listed in `updated_at` windows fetched
//! concurrently (all of them on a full pass, which also drops issues GitLab no longer lists),
//! and the labels, milestones, members and board lists when due.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::Value;

use crate::config::Scope;
use crate::gitlab::{ApiError, Client};
use crate::store::{self, Store, StoreError};
use crate::sync::target::{
    Progress, SyncError, SyncReport, SyncTarget, archived_project, parse_issue,
};
use crate::wire;
use crate::workflow::Workflow;

/// How far back an incremental pull looks past the high-water mark (clock skew, same-second
/// updates; re-seen issues are upserted by id).
const OVERLAP: Duration = Duration::seconds(5);
/// Labels, milestones and members are refreshed at most this often on incremental syncs.
const METADATA_EVERY: Duration = Duration::hours(1);
const METADATA_SYNCED_AT: &str = "metadata_synced_at";
/// `sync_state` key: when the last full pass (which notices deletions) finished.
pub const FULL_PASS_AT: &str = "full_pass_at";
/// How often the board makes a full pass.
pub const FULL_EVERY: Duration = Duration::hours(1);
/// `sync_state` key: the configured board's list labels in position order (JSON array).
pub const BOARD_LISTS: &str = "board_lists";

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
    // What this listing delivered already, by id, with its `updated_at` in milliseconds (16
    // bytes an issue, not a string, while 10,000 are listed): re-seen unchanged issues are not
    // passed on.
    let mut delivered: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    let mut deliver = |items: Vec<Value>, in_order: bool| -> Result<(), E> {
        let fresh: Vec<Value> = items
            .into_iter()
            .filter(|item| {
                let (Some(id), Some(updated)) = (item["id"].as_i64(), updated_at(item)) else {
                    return true; // let the parser say what is wrong with it
                };
                let updated = updated.timestamp_millis();
                delivered.insert(id, updated) != Some(updated)
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

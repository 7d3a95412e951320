//! Pulling each request's comments and label history, only for issues updated since their
//! activity was last fetched, open requests first, a bounded number per pass.
//!
//! GraphQL first: fifty issues of a project per request (`gitlab::discussions`). REST has no
//! group-wide endpoint for either, so where GraphQL cannot answer (no endpoint, no work items,
//! a query refused) they are fetched per issue, a few issues at a time, and the store remembers
//! for a week that this GitLab needs REST.

use std::collections::{HashMap, HashSet};

use futures_util::StreamExt;

use crate::gitlab::discussions::{self, HistoryError, IssueHistory};
use crate::gitlab::{ApiError, Client, history};
use crate::store::{self, HistorySource, LabelEvent, Note, StaleActivity, Store};
use crate::sync::SyncError;
use crate::sync::pull::collect;
use crate::wire;

/// Issues fetched at once over REST (two requests each, one for an issue without comments).
const IN_FLIGHT: usize = 4;

/// GraphQL batches in flight at once.
const BATCHES_IN_FLIGHT: usize = 2;

/// A pass's limit counts issues fetched over REST (one or two requests each); over GraphQL,
/// fifty issues a request, it takes this many times as many.
const GRAPHQL_LIMIT_FACTOR: usize = 10;

/// The store's record that this GitLab's GraphQL cannot give history: `rest:<unix seconds>`.
const HISTORY_API: &str = "history_api";

/// How long REST is used before GraphQL is tried again (the server may have been upgraded).
const REST_FOR_SECS: i64 = 7 * 24 * 3600;

/// What one issue's fetch found.
enum Fetched {
    Activity {
        notes: Vec<Note>,
        events: Vec<LabelEvent>,
        source: HistorySource,
    },
    /// GitLab no longer shows the issue: its activity is left as it was.
    Gone,
}

fn label_history(issue: &StaleActivity, events: &[wire::LabelEvent]) -> Vec<LabelEvent> {
    events
        .iter()
        .filter_map(|e| history::label_event(issue.issue_id, e))
        .collect()
}

async fn fetch(
    client: &Client,
    issue: &StaleActivity,
    label_ids: &HashMap<i64, String>,
) -> Result<Fetched, ApiError> {
    let base = format!("/projects/{}/issues/{}", issue.project_id, issue.iid);
    if issue.user_notes == Some(0) {
        // No comments: the label history alone, one request (system notes are not fetched;
        // they are needed only where label events are not served).
        match collect::<wire::LabelEvent>(client, &format!("{base}/resource_label_events"), &[])
            .await
        {
            Ok(events) => {
                return Ok(Fetched::Activity {
                    events: label_history(issue, &events),
                    notes: Vec::new(),
                    source: HistorySource::Events,
                });
            }
            Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => {}
            Err(err) => return Err(err),
        }
    }
    let query = [("sort", "asc".into()), ("order_by", "created_at".into())];
    let notes: Vec<wire::Note> = match collect(client, &format!("{base}/notes"), &query).await {
        Ok(notes) => notes,
        Err(ApiError::NotFound { .. }) => return Ok(Fetched::Gone),
        Err(err) => return Err(err),
    };
    let notes: Vec<Note> = notes
        .iter()
        .map(|n| history::note(issue.issue_id, n))
        .collect();
    let events: Result<Vec<wire::LabelEvent>, ApiError> =
        collect(client, &format!("{base}/resource_label_events"), &[]).await;
    Ok(match events {
        Ok(events) => Fetched::Activity {
            events: label_history(issue, &events),
            notes,
            source: HistorySource::Events,
        },
        // Older or restricted servers: read the history back from the system notes.
        Err(ApiError::NotFound { .. } | ApiError::Forbidden { .. }) => Fetched::Activity {
            events: notes
                .iter()
                .flat_map(|n| history::events_from_system_note(n, label_ids))
                .collect(),
            notes,
            source: HistorySource::Notes,
        },
        Err(err) => return Err(err),
    })
}

/// Whether GraphQL is worth trying for history on this cache's GitLab.
fn graphql_allowed(store: &Store, now: i64) -> Result<bool, SyncError> {
    let recorded = store::get_state(store.conn(), HISTORY_API)?;
    let since = recorded
        .as_deref()
        .and_then(|v| v.strip_prefix("rest:"))
        .and_then(|t| t.parse::<i64>().ok());
    Ok(since.is_none_or(|since| now - since >= REST_FOR_SECS))
}

/// Up to `discussions::BATCH` stale issues of one project, in the order they were found.
fn batches(stale: &[StaleActivity]) -> Vec<(&str, Vec<&StaleActivity>)> {
    let mut batches: Vec<(&str, Vec<&StaleActivity>)> = Vec::new();
    let mut open: HashMap<&str, usize> = HashMap::new();
    for issue in stale {
        let path = issue.project_path.as_str();
        match open.get(path) {
            Some(&at) if batches[at].1.len() < discussions::BATCH => batches[at].1.push(issue),
            _ => {
                open.insert(path, batches.len());
                batches.push((path, vec![issue]));
            }
        }
    }
    batches
}

/// One batch's histories by iid, each issue's discussions followed to their last page.
async fn fetch_batch(
    client: &Client,
    project: &str,
    issues: &[&StaleActivity],
    label_ids: &HashMap<i64, String>,
) -> Result<HashMap<i64, IssueHistory>, HistoryError> {
    let iids: Vec<(i64, i64)> = issues.iter().map(|i| (i.iid, i.issue_id)).collect();
    let mut found = discussions::fetch(client, project, &iids, None, label_ids).await?;
    for (iid, history) in &mut found {
        let Some(issue_id) = issues.iter().find(|i| i.iid == *iid).map(|i| i.issue_id) else {
            continue;
        };
        while let Some(after) = history.more.take() {
            let mut next = discussions::fetch(
                client,
                project,
                &[(*iid, issue_id)],
                Some(&after),
                label_ids,
            )
            .await?;
            let Some(page) = next.remove(iid) else {
                break;
            };
            history.notes.extend(page.notes);
            history.events.extend(page.events);
            history.more = page.more;
        }
    }
    Ok(found)
}

/// The GraphQL path: stores what each batch gives and adds the issues it settled to `settled`.
/// `Ok(Err(why))`: this GitLab's GraphQL cannot answer, the rest must go over REST.
#[allow(clippy::too_many_arguments)]
async fn pull_by_graphql(
    client: &Client,
    store: &Store,
    stale: &[StaleActivity],
    label_ids: &HashMap<i64, String>,
    state_key: &str,
    stored: &mut Vec<i64>,
    settled: &mut HashSet<i64>,
    progress: &mut dyn FnMut(crate::sync::Progress),
) -> Result<Result<(), String>, SyncError> {
    let conn = store.conn();
    let fetches = futures_util::stream::iter(batches(stale))
        .map(|(project, issues)| async move {
            let found = fetch_batch(client, project, &issues, label_ids).await;
            (issues, found)
        })
        .buffer_unordered(BATCHES_IN_FLIGHT);
    futures_util::pin_mut!(fetches);
    while let Some((issues, found)) = fetches.next().await {
        let mut found = match found {
            Ok(found) => found,
            Err(HistoryError::Unsupported(why)) => return Ok(Err(why)),
            Err(HistoryError::Api(err)) => return Err(err.into()),
        };
        for issue in issues {
            match found.remove(&issue.iid) {
                Some(history) => {
                    store::store_activity(
                        conn,
                        issue,
                        &history.notes,
                        &history.events,
                        HistorySource::Discussions,
                        state_key,
                    )?;
                    stored.push(issue.issue_id);
                }
                // Deleted, moved away, or hidden from this token: nothing to show.
                None => store::mark_activity_seen(conn, issue)?,
            }
            settled.insert(issue.issue_id);
        }
        progress(crate::sync::Progress::ActivityFetched {
            done: settled.len(),
            of: stale.len(),
        });
    }
    Ok(Ok(()))
}

/// Fetches the activity of at most `limit` stale issues. Returns how many were brought up to
/// date; stops early (keeping what was stored) when the network fails. The ids of the issues
/// whose history was stored go to `stored` as they are, so the board can take their new time
/// in state without reloading (a failed pass keeps what it did).
pub async fn pull_activity(
    client: &Client,
    store: &Store,
    state_key: &str,
    limit: usize,
    stored: &mut Vec<i64>,
    progress: &mut dyn FnMut(crate::sync::Progress),
) -> Result<usize, SyncError> {
    let conn = store.conn();
    let now = chrono::Utc::now().timestamp();
    let graphql = graphql_allowed(store, now)?;
    let wanted = if graphql {
        limit.saturating_mul(GRAPHQL_LIMIT_FACTOR)
    } else {
        limit
    };
    let stale = store::stale_activity(conn, wanted)?;
    if stale.is_empty() {
        return Ok(0);
    }
    let label_ids = store::label_ids(conn)?;
    let label_ids = &label_ids;
    let mut settled = HashSet::new();
    if graphql {
        let by_graphql = pull_by_graphql(
            client,
            store,
            &stale,
            label_ids,
            state_key,
            stored,
            &mut settled,
            progress,
        )
        .await?;
        match by_graphql {
            Ok(()) => return Ok(settled.len()),
            Err(why) => {
                tracing::warn!(
                    why = %crate::sanitize::clean_line(&why),
                    "GitLab's GraphQL cannot give issue history: using REST, two requests an issue"
                );
                store::set_state(conn, HISTORY_API, &format!("rest:{now}"))?;
            }
        }
    }
    let rest: Vec<&StaleActivity> = stale
        .iter()
        .filter(|i| !settled.contains(&i.issue_id))
        .take(limit)
        .collect();
    let rest_total = settled.len() + rest.len();
    let fetches = futures_util::stream::iter(rest.iter().copied())
        .map(|issue| async move { (issue, fetch(client, issue, label_ids).await) })
        .buffer_unordered(IN_FLIGHT);
    futures_util::pin_mut!(fetches);
    while let Some((issue, fetched)) = fetches.next().await {
        match fetched? {
            Fetched::Activity {
                notes,
                events,
                source,
            } => {
                store::store_activity(conn, issue, &notes, &events, source, state_key)?;
                stored.push(issue.issue_id);
            }
            Fetched::Gone => store::mark_activity_seen(conn, issue)?,
        }
        settled.insert(issue.issue_id);
        progress(crate::sync::Progress::ActivityFetched {
            done: settled.len(),
            of: rest_total,
        });
    }
    Ok(settled.len())
}

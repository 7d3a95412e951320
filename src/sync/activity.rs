//! Pulling each request's comments and label history. GitLab has no group-wide endpoint for
//! either, so they are fetched per issue: only for issues updated since their activity was last
//! fetched, open requests first, a bounded number per pass, a few issues at a time.

use std::collections::HashMap;

use futures_util::StreamExt;

use crate::gitlab::{ApiError, Client, history, wire};
use crate::store::{self, HistorySource, LabelEvent, Note, StaleActivity, Store};
use crate::sync::SyncError;
use crate::sync::engine::collect;

/// Issues fetched at once (two requests each, one for an issue without comments).
const IN_FLIGHT: usize = 4;

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
    let stale = store::stale_activity(conn, limit)?;
    if stale.is_empty() {
        return Ok(0);
    }
    let label_ids = store::label_ids(conn)?;
    let label_ids = &label_ids;
    let fetches = futures_util::stream::iter(stale.iter())
        .map(|issue| async move { (issue, fetch(client, issue, label_ids).await) })
        .buffer_unordered(IN_FLIGHT);
    futures_util::pin_mut!(fetches);
    let mut done = 0;
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
        done += 1;
        progress(crate::sync::Progress::ActivityFetched {
            done,
            of: stale.len(),
        });
    }
    Ok(done)
}

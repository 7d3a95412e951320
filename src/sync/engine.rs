//! One sync pass: push the outbox, then pull, then fill histories. Store calls are plain and
//! synchronous; only the network awaits. Nothing here touches the terminal: progress goes to a
//! callback.

use chrono::Utc;

use crate::gitlab::Client;
use crate::store::{self, Store};
use crate::sync::activity;
use crate::sync::pull::pull;
use crate::sync::push::push;
use crate::sync::target::{Progress, SyncError, SyncReport, SyncTarget};
use crate::workflow::Workflow;

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

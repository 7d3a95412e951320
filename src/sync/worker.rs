//! The background sync for the TUI: its own thread, runtime and cache connection (WAL lets the
//! UI keep writing), woken by a timer, by `r`, or after every edit, and reporting back over a
//! channel. The UI never waits on the network.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::config::token::Login;
use crate::gitlab::{Client, RetryPolicy};
use crate::store::Store;
use crate::sync::{SyncReport, SyncTarget, sync};
use crate::workflow::Workflow;

/// Issues whose comments and label history one background pass fetches over REST (two
/// requests each); over GraphQL ten times as many (fifty a request: twenty requests).
pub const ACTIVITY_PER_PASS: usize = 100;
/// While histories are still missing, the next pass comes this soon rather than after the
/// interval, so they fill in within minutes without a burst of thousands of requests.
const ACTIVITY_FOLLOW_UP: Duration = Duration::from_secs(15);
/// Edits made in a burst are pushed together.
const EDIT_DEBOUNCE: Duration = Duration::from_millis(300);

/// What wakes the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The user asked (`r`); `full` also drops issues GitLab no longer lists.
    Now { full: bool },
    /// An edit was queued: push soon.
    Edited,
}

/// What the worker tells the UI.
#[derive(Debug, Clone)]
pub enum SyncEvent {
    Started,
    /// Waiting out GitLab's rate limit until then.
    Waiting(chrono::DateTime<chrono::Utc>),
    Finished(SyncReport),
    /// The pass could not run (rejected token, cache error, ...): said so the user can act.
    Failed(String),
}

/// How to reach GitLab.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub db: PathBuf,
    pub url: String,
    pub login: Login,
    /// `[gitlab] ca_cert`.
    pub ca_cert: Option<PathBuf>,
    pub target: SyncTarget,
    pub workflow: Workflow,
    pub interval: Duration,
}

/// The UI's end of the worker.
pub struct WorkerHandle {
    pub triggers: mpsc::UnboundedSender<Trigger>,
    pub events: mpsc::UnboundedReceiver<SyncEvent>,
}

/// Starts the worker thread; it syncs once at once, then on triggers and every `interval`.
pub fn spawn(config: WorkerConfig) -> std::io::Result<WorkerHandle> {
    let (trigger_tx, trigger_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("sm-board-sync".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    let _ = event_tx.send(SyncEvent::Failed(format!("cannot start sync: {err}")));
                    return;
                }
            };
            runtime.block_on(run(config, trigger_rx, event_tx));
        })?;
    let _ = trigger_tx.send(Trigger::Now { full: false });
    Ok(WorkerHandle {
        triggers: trigger_tx,
        events: event_rx,
    })
}

async fn run(
    config: WorkerConfig,
    mut triggers: mpsc::UnboundedReceiver<Trigger>,
    events: mpsc::UnboundedSender<SyncEvent>,
) {
    let fail = |message: String| {
        let _ = events.send(SyncEvent::Failed(message));
    };
    let store = match Store::open(&config.db) {
        Ok(store) => store,
        Err(err) => return fail(err.to_string()),
    };
    let client = match Client::connect(
        &config.url,
        config.login.clone(),
        RetryPolicy::default(),
        config.ca_cert.as_deref(),
    ) {
        Ok(client) => {
            let waits = events.clone();
            client.on_rate_limit_wait(Box::new(move |until| {
                let _ = waits.send(SyncEvent::Waiting(until));
            }))
        }
        Err(err) => return fail(err.to_string()),
    };
    let mut wait = config.interval;
    loop {
        let trigger = tokio::select! {
            trigger = triggers.recv() => match trigger {
                Some(trigger) => trigger,
                None => return, // the UI is gone
            },
            _ = tokio::time::sleep(wait) => Trigger::Now { full: false },
        };
        if trigger == Trigger::Edited {
            // Let a burst of edits settle, then push them in one pass.
            tokio::time::sleep(EDIT_DEBOUNCE).await;
        }
        let mut full = matches!(trigger, Trigger::Now { full: true });
        // Coalesce whatever else arrived meanwhile.
        while let Ok(more) = triggers.try_recv() {
            full |= matches!(more, Trigger::Now { full: true });
        }
        // A full pass (which notices deleted and moved issues) hourly, counted in the cache so
        // it also comes for a cache other processes kept in step incrementally.
        full |= crate::sync::pull::full_pass_due(&store, chrono::Utc::now()).unwrap_or(false);
        let _ = events.send(SyncEvent::Started);
        match sync(
            &client,
            &store,
            &config.workflow,
            &config.target,
            full,
            &mut |_| {},
        )
        .await
        {
            Ok(report) => {
                wait = if report.activity > 0 && report.activity_waiting > 0 {
                    ACTIVITY_FOLLOW_UP
                } else {
                    config.interval
                };
                tracing::info!(
                    pushed = report.pushed,
                    pulled = report.pulled,
                    changed = report.changed,
                    requests = report.requests,
                    offline = report.offline.is_some(),
                    "sync pass"
                );
                let _ = events.send(SyncEvent::Finished(report));
            }
            Err(err) => {
                tracing::warn!(error = %err, "sync failed");
                fail(err.to_string());
            }
        }
    }
}

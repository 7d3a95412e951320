//! The demo's GitLab: the fake, in this process on loopback, started on a thread of its own
//! after the board is on screen, with a sync worker pointed at it.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::config::{Scope, Secret};
use crate::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig, SeedIssues, faults::FaultUpdate};
use crate::sync::SyncTarget;
use crate::sync::worker::{self, WorkerConfig, WorkerHandle};
use crate::workflow::Workflow;

/// Keeps the demo's GitLab running; dropping it stops the server.
pub struct DemoBackend {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for DemoBackend {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Prepares the fake (with `data()`'s issues and `milestones`) and a worker syncing `db` with
/// it. Nothing starts until `go` fires (after the first frame, so the board draws at full speed);
/// then `first` runs (what the cache still needs, say), the fake starts, and the worker
/// arrives on the returned channel.
pub fn start(
    go: oneshot::Receiver<()>,
    first: impl FnOnce() + Send + 'static,
    data: impl FnOnce() -> Result<SeedIssues, String> + Send + 'static,
    milestones: Vec<Value>,
    offline: bool,
    db: PathBuf,
    workflow: Workflow,
) -> (oneshot::Receiver<Result<WorkerHandle, String>>, DemoBackend) {
    let (ready_tx, ready_rx) = oneshot::channel();
    let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("sm-board-demo-gitlab".into())
        .spawn(move || {
            if go.blocking_recv().is_err() {
                return; // the board closed before it was drawn
            }
            first();
            let started = (|| -> Result<_, String> {
                let issues = data()?;
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the demo's GitLab: {e}"))?;
                let fake = runtime
                    .block_on(fake_gitlab::start(
                        FakeConfig {
                            issues,
                            milestones,
                            token: DEFAULT_TOKEN.into(),
                            latency_ms: 0,
                        },
                        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
                    ))
                    .map_err(|e| format!("cannot start the demo's GitLab: {e}"))?;
                if offline {
                    fake.shared.set_faults(FaultUpdate {
                        offline: Some(true),
                        ..FaultUpdate::default()
                    })?;
                }
                let group = fake.shared.lock().group_path.clone();
                let handle = worker::spawn(WorkerConfig {
                    db,
                    url: fake.base_url(),
                    login: Secret::new(DEFAULT_TOKEN.into()).into(),
                    ca_cert: None,
                    target: SyncTarget {
                        scope: Scope::Group(group),
                        scope_label: workflow.scope_label.clone(),
                        board: Some("SM Request Board".into()),
                        activity_per_pass: crate::sync::worker::ACTIVITY_PER_PASS,
                        listing_windows: crate::sync::target::WINDOWS_BACKGROUND,
                    },
                    workflow,
                    interval: Duration::from_secs(30),
                })
                .map_err(|e| format!("cannot start the sync: {e}"))?;
                Ok((runtime, fake, handle))
            })();
            match started {
                Ok((runtime, fake, handle)) => {
                    let _ = ready_tx.send(Ok(handle));
                    // Serve until the board closes (the sender is dropped).
                    let _ = stop_rx.recv();
                    runtime.block_on(fake.stop());
                }
                Err(message) => {
                    let _ = ready_tx.send(Err(message));
                }
            }
        });
    let thread = match thread {
        Ok(thread) => Some(thread),
        Err(err) => {
            tracing::error!(error = %err, "cannot start the demo's GitLab thread");
            None
        }
    };
    (
        ready_rx,
        DemoBackend {
            stop: Some(stop_tx),
            thread,
        },
    )
}

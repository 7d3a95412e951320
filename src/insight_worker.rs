//! The standup and flow views' figures, worked out off the UI thread: a thread of its own with
//! a read-only connection to the cache reads the requests and their state-label histories and
//! sends back what the views show (`Msg::InsightComputed`). The view says "loading…" until
//! then, and the board takes keys meanwhile. The requests are read from the cache, which holds
//! every saved edit, rather than copied from the board on the UI thread.

use std::path::Path;
use std::sync::mpsc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::insight::{InsightAnswer, InsightAsk, InsightData, compute};
use crate::store::{self, LabelEvent, StoreError};
use crate::workflow::Workflow;

/// What the thread is given.
enum Job {
    Compute(InsightAsk),
    /// Figures it made that are no longer shown, to free where they were allocated.
    Free(Box<InsightData>),
}

/// The worker's two ends, as the event loop holds them.
pub struct InsightWorker {
    asks: mpsc::Sender<Job>,
    pub answers: UnboundedReceiver<InsightAnswer>,
}

impl InsightWorker {
    /// Starts the thread on the cache at `path`; the connection opens on the thread.
    pub fn start(path: &Path, wf: Workflow) -> std::io::Result<InsightWorker> {
        let (asks, inbox) = mpsc::channel::<Job>();
        let (reply, answers) = unbounded_channel();
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("insight".into())
            .spawn(move || serve(&path, &wf, &inbox, &reply))?;
        Ok(InsightWorker { asks, answers })
    }

    /// Asks for the figures; they come on `answers`. False when the thread has stopped (the
    /// caller then works them out itself).
    pub fn ask(&self, ask: InsightAsk) -> bool {
        self.asks.send(Job::Compute(ask)).is_ok()
    }

    /// Hands back figures no longer shown, to be freed on the thread that made them (or here,
    /// if it has stopped).
    pub fn free(&self, data: Box<InsightData>) {
        let _ = self.asks.send(Job::Free(data));
    }
}

/// The cached events of the workflow's state labels, by issue, then time.
pub fn state_events(
    conn: &rusqlite::Connection,
    wf: &Workflow,
) -> Result<Vec<LabelEvent>, StoreError> {
    store::load_events_with_prefix(conn, &format!("{}::", wf.state_key))
}

/// The figures from the cache as it is now.
pub fn compute_from(
    conn: &rusqlite::Connection,
    wf: &Workflow,
    ask: InsightAsk,
) -> Result<InsightData, StoreError> {
    let records = store::load_issues(conn)?;
    let events = state_events(conn, wf)?;
    Ok(compute(wf, records, &events, ask))
}

fn serve(
    path: &Path,
    wf: &Workflow,
    inbox: &mpsc::Receiver<Job>,
    reply: &UnboundedSender<InsightAnswer>,
) {
    let conn = match store::open_reader(path) {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "the standup and flow views are off: the cache did not open");
            return;
        }
    };
    while let Ok(job) = inbox.recv() {
        let mut ask = match job {
            Job::Compute(ask) => ask,
            Job::Free(data) => {
                drop(data);
                continue;
            }
        };
        // Asked again meanwhile: the latest ask is the one answered.
        while let Ok(later) = inbox.try_recv() {
            match later {
                Job::Compute(later) => ask = later,
                Job::Free(data) => drop(data),
            }
        }
        let started = std::time::Instant::now();
        let computed = compute_from(&conn, wf, ask);
        crate::learner::give_back_memory();
        let answer = match computed {
            Ok(data) => {
                tracing::debug!(
                    micros = started.elapsed().as_micros() as u64,
                    "standup and flow figures computed"
                );
                Ok(Box::new(data))
            }
            Err(err) => {
                tracing::warn!(error = %err, "the standup and flow figures failed");
                Err(err.to_string())
            }
        };
        if reply.send(answer).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Clock;

    #[test]
    fn the_worker_answers_what_the_cache_holds_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        let store = crate::store::Store::open(&path).unwrap();
        let anchor = crate::demo::generate::default_anchor();
        let issues = crate::demo::generate::generate(400, 9, anchor);
        crate::demo::seed_store(&store, &issues).unwrap();
        let wf = Workflow::default();
        let mut worker = InsightWorker::start(&path, wf.clone()).unwrap();
        let ask = InsightAsk {
            clock: Clock {
                now: anchor,
                offset: chrono::FixedOffset::east_opt(0).unwrap(),
            },
            pending_edits: 3,
            last_synced_at: Some(anchor),
        };
        // Two asks before the first is read: at most one answer each, the last one answered.
        assert!(worker.ask(ask));
        assert!(worker.ask(ask));
        let answer = worker.answers.blocking_recv().unwrap().unwrap();
        let expected = compute_from(store.conn(), &wf, ask).unwrap();
        assert_eq!(*answer, expected);
        assert_eq!(answer.flows.len(), crate::app::insight::WINDOWS.len());
        assert!(
            answer.markdown.contains("pending edits: 3"),
            "{}",
            answer.markdown
        );
        // Figures handed back are freed there, and the thread goes on answering.
        worker.free(answer.clone());
        assert!(worker.ask(ask));
        assert_eq!(*worker.answers.blocking_recv().unwrap().unwrap(), expected);
        let requests: u32 = answer
            .flow(30)
            .unwrap()
            .cfd
            .iter()
            .map(|s| s.counts.last().copied().unwrap_or(0))
            .sum();
        assert!(requests > 0);
    }
}

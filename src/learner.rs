//! Triage suggestions and look-alikes for the board, worked out off the UI thread: a thread
//! with a read-only connection to the cache trains the models on what the team decided
//! (`learn::Suggester`) and indexes the requests' words (`learn::similar`), then sends the
//! board what it shows (`Msg::Learned`). It runs at start and again whenever a sync changed
//! the board; the board never waits for it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use chrono::Utc;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::learn::{self, Suggester, Suggestion, similar};
use crate::workflow::Workflow;

/// A look-alike as the board shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LookAlike {
    pub id: i64,
    /// `#41`, or `project#41` outside the request's own project.
    pub reference: String,
    pub title: String,
    /// Its state (`backlog`), or `closed`/`open` without one.
    pub state: String,
    pub score: f64,
}

/// What the board shows beside each request.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// Confident values by request (open requests), whether set or not: the board shows those
    /// whose field is still empty.
    pub suggestions: HashMap<i64, Vec<Suggestion>>,
    /// Look-alikes of the requests in the first two states (new and triage).
    pub similar: HashMap<i64, Vec<LookAlike>>,
    /// Requests the models learned from.
    pub requests: usize,
}

/// The learner's two ends, as the event loop holds them.
pub struct Learner {
    ask: mpsc::Sender<()>,
    pub answers: UnboundedReceiver<Learned>,
}

impl Learner {
    pub fn start(path: &Path, wf: Workflow) -> std::io::Result<Learner> {
        let (ask, inbox) = mpsc::channel::<()>();
        let (reply, answers) = unbounded_channel();
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("learner".into())
            .spawn(move || serve(&path, &wf, &inbox, &reply))?;
        Ok(Learner { ask, answers })
    }

    /// Asks for a fresh answer (requests asked for while one runs are merged into one).
    pub fn relearn(&self) {
        let _ = self.ask.send(());
    }
}

fn serve(path: &Path, wf: &Workflow, inbox: &mpsc::Receiver<()>, reply: &UnboundedSender<Learned>) {
    let conn = match crate::store::open_reader(path) {
        Ok(conn) => conn,
        Err(err) => {
            tracing::warn!(error = %err, "triage suggestions are off: the cache did not open");
            return;
        }
    };
    while inbox.recv().is_ok() {
        while inbox.try_recv().is_ok() {}
        let started = Instant::now();
        match learn_from(&conn, wf, Utc::now()) {
            Ok(learned) => {
                tracing::debug!(
                    requests = learned.requests,
                    micros = started.elapsed().as_micros() as u64,
                    "suggestions learned"
                );
                if reply.send(learned).is_err() {
                    return;
                }
            }
            Err(err) => tracing::warn!(error = %err, "learning from the cache failed"),
        }
    }
}

/// The state of a request, or open/closed without one.
fn state_of(wf: &Workflow, labels: &[String], open: bool) -> String {
    labels
        .iter()
        .find_map(|l| {
            l.strip_prefix(wf.state_key.as_str())?
                .strip_prefix("::")
                .map(str::to_string)
        })
        .unwrap_or_else(|| if open { "open".into() } else { "closed".into() })
}

/// `#41` within the same project, else the project's last path segment and the iid.
fn short_reference(of: &str, from: &str) -> String {
    let project = |r: &str| r.rsplit_once('#').map(|(p, _)| p.to_string());
    match (project(of), of.rsplit_once('#')) {
        (Some(p), Some((_, iid))) if Some(p.clone()) == project(from) => format!("#{iid}"),
        (Some(p), Some((_, iid))) => format!("{}#{iid}", p.rsplit('/').next().unwrap_or(&p)),
        _ => of.to_string(),
    }
}

/// Trains and indexes from the cache as it is now (`now` decides which closed requests are
/// recent enough to be look-alikes).
pub fn learn_from(
    conn: &rusqlite::Connection,
    wf: &Workflow,
    now: chrono::DateTime<Utc>,
) -> Result<Learned, crate::store::StoreError> {
    let (docs, _) = learn::load_docs(conn)?;
    let suggester = Suggester::train(wf, &docs);
    let suggestions = docs
        .iter()
        .filter(|d| d.open)
        .map(|d| (d.id, suggester.confident(d)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    let first_states: Vec<String> = wf
        .states
        .iter()
        .take(2)
        .map(|s| format!("{}::{}", wf.state_key, s.name))
        .collect();
    let index = similar::Index::build(&docs, now);
    let by_id: HashMap<i64, &learn::Doc> = docs.iter().map(|d| (d.id, d)).collect();
    let similar = docs
        .iter()
        .filter(|d| d.open && d.labels.iter().any(|l| first_states.contains(l)))
        .map(|d| {
            let alikes = index
                .similar_to(d.id)
                .into_iter()
                .filter_map(|s| {
                    let other = by_id.get(&s.id)?;
                    Some(LookAlike {
                        id: s.id,
                        reference: short_reference(&other.reference, &d.reference),
                        title: other.title.clone(),
                        state: state_of(wf, &other.labels, other.open),
                        score: s.score,
                    })
                })
                .collect();
            (d.id, alikes)
        })
        .collect();
    Ok(Learned {
        suggestions,
        similar,
        requests: docs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_within_a_project() {
        assert_eq!(short_reference("g/p#41", "g/p#7"), "#41");
        assert_eq!(short_reference("g/q#41", "g/p#7"), "q#41");
    }
}

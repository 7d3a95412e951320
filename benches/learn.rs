//! Triage suggestions at scale: N generated requests (the demo's generator, whose titles carry
//! team and use-case signal) in a cache. Times what the board's learner does after a sync
//! (train, index, look-alikes, every open request's guesses), training alone, and the lookup
//! the grooming pane makes per draw. Prints medians; asserts nothing.
//!
//! cargo bench --bench learn -- [ISSUES]     (default 10000)

mod common;

use common::time;

use sm_board::learn::{self, Suggester};
use sm_board::learner::learn_from;
use sm_board::store::Store;
use sm_board::workflow::Workflow;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issues: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("learn.sqlite3"))?;
    let anchor = sm_board::demo::generate::default_anchor();
    sm_board::demo::seed_store(
        &store,
        sm_board::demo::generate::generate(issues, 7, anchor),
    )?;
    let wf = Workflow::default();
    println!("requests: {issues}");
    let learned = learn_from(store.conn(), &wf, anchor)?;
    println!(
        "learner pass (train, index, look-alikes of {} new/triaged, guesses for {} open): {:?}",
        learned.similar.len(),
        learned.suggestions.len(),
        time(5, || learn_from(store.conn(), &wf, anchor))
    );
    let docs = learn::load_docs(store.conn())?;
    println!(
        "load the texts: {:?}",
        time(5, || learn::load_docs(store.conn()))
    );
    println!(
        "train on them: {:?}",
        time(5, || Suggester::train(&wf, &docs))
    );
    let mut ids: Vec<i64> = learned.suggestions.iter().map(|(id, _)| *id).collect();
    ids.dedup();
    ids.truncate(1000);
    let labels = ["sm_request", "sm_req::new_request"];
    let per_lookup = time(5, || {
        ids.iter()
            .map(|id| learned.suggestions_for(*id, &labels).len())
            .sum::<usize>()
    });
    println!(
        "suggestions of one request (as the pane draws them): {:?}",
        per_lookup / ids.len().max(1) as u32
    );
    Ok(())
}

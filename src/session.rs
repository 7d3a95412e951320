//! Setting up a run: which cache to open (DESIGN.md "Files"), seeding the demo, and loading the
//! board from the cache in a constant number of queries.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::app::{BoardData, Source};
use crate::config::Config;
use crate::demo;
use crate::store::{self, Store};

/// Why a cache could not be chosen or opened, phrased for the user.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(
        "no GitLab is configured and no --db was given, so there is no cache to read.\n\
         Try the demo with `sm-board demo --db board.sqlite3`, or set [gitlab] url and group in {0}"
    )]
    NoCache(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
}

/// The cache of the configured GitLab (or `--db`) for headless commands.
pub fn open_cache(config: &Config) -> Result<(Store, Source), SessionError> {
    let Some(path) = config.cache_path() else {
        let file = config
            .file
            .clone()
            .or_else(crate::config::default_config_file)
            .map_or_else(
                || "the config file".to_string(),
                |p| p.display().to_string(),
            );
        return Err(SessionError::NoCache(file));
    };
    let source = match &config.gitlab {
        Some(g) => Source::GitLab {
            host: g.host().to_string(),
            path: g.scope.path().to_string(),
        },
        None => Source::Demo,
    };
    Ok((Store::open(&path)?, source))
}

/// The demo's requests, made as they are taken: `issues` generated ones, or the bundled board
/// with its dates moved so that the day it was written for is today (in whole weeks, keeping
/// weekdays).
pub fn demo_data(issues: Option<usize>, seed: u64) -> Result<DemoIssues, SessionError> {
    Ok(match issues {
        Some(n) => Box::new(demo::generate::requests(
            n,
            seed,
            demo::generate::default_anchor(),
        )),
        None => {
            let mut bundled = demo::bundled_issues()?;
            let (y, m, d) = demo::BUNDLED_ANCHOR;
            if let Some(anchor) = chrono::NaiveDate::from_ymd_opt(y, m, d) {
                let days = (chrono::Local::now().date_naive() - anchor).num_days();
                demo::shift_dates(&mut bundled, days - days.rem_euclid(7));
            }
            // Completions in the flow view's last 30 days, whatever day the demo runs.
            demo::recent_closings(&mut bundled, chrono::Utc::now(), 28);
            Box::new(bundled.into_iter())
        }
    })
}

/// Demo requests in GitLab's JSON shape, one at a time.
pub type DemoIssues = Box<dyn Iterator<Item = serde_json::Value> + Send>;

/// A demo cache: `db` if given (seeded only when empty, so edits survive restarts), else a
/// throwaway file that lives as long as the returned guard.
pub fn open_demo(
    db: Option<PathBuf>,
    bodies_later: Option<&str>,
    data: impl FnOnce() -> Result<DemoIssues, SessionError>,
) -> Result<(Store, Option<tempfile::TempDir>), SessionError> {
    let (store, guard) = match db {
        Some(path) => (Store::open(&path)?, None),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("sm-board-demo-")
                .tempdir()
                .map_err(|source| store::StoreError::CreateDir {
                    path: std::env::temp_dir(),
                    source,
                })?;
            (Store::open(&dir.path().join("demo.sqlite3"))?, Some(dir))
        }
    };
    // Only an empty cache needs the data now; a kept one opens at once. With `bodies_later`
    // (naming the data) the descriptions and raw JSON are left for `demo::seed_bodies`.
    if store::issue_count(store.conn())? == 0 {
        match bodies_later {
            Some(name) => demo::seed_board(&store, data()?, name)?,
            None => demo::seed_store(&store, data()?)?,
        };
    }
    Ok((store, guard))
}

/// Everything the board shows, in six queries whatever the number of issues.
pub fn load_board(store: &Store) -> Result<BoardData, SessionError> {
    let (mut data, issues) = load_board_as(store, &|record, _, _: &mut ()| record)?;
    data.issues = issues;
    Ok(data)
}

/// As `load_board`, each request turned into a `T` by `make` (given the rest of the board's
/// data) on the thread that read it; the returned `BoardData` has no `issues`.
pub fn load_board_as<T: Send, S: Default>(
    store: &Store,
    make: &(dyn Fn(store::IssueRecord, &BoardData, &mut S) -> T + Sync),
) -> Result<(BoardData, Vec<T>), SessionError> {
    let data = board_data(store)?;
    let conn = store.conn();
    let make = |record, scratch: &mut S| make(record, &data, scratch);
    let issues = match store.path() {
        Some(path) => store::load_issues_parallel_as(conn, path, &make)?,
        None => {
            let mut scratch = S::default();
            store::load_issues(conn)?
                .into_iter()
                .map(|record| make(record, &mut scratch))
                .collect()
        }
    };
    Ok((data, issues))
}

/// Everything the board shows but its requests (`issues` is left empty): edits waiting,
/// conflicts, milestones, members, the last sync.
pub fn board_data(store: &Store) -> Result<BoardData, SessionError> {
    let conn = store.conn();
    let last_synced_at = store::get_state(conn, store::LAST_SYNCED_AT)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    let pending_by_issue = store::pending_by_issue(conn)?;
    let mut conflicts = std::collections::HashMap::new();
    for entry in store::unsettled(conn)? {
        match entry.status {
            store::OutboxStatus::Conflict => {
                conflicts.insert(entry.issue_id, entry.last_error.unwrap_or_default());
            }
            store::OutboxStatus::Failed => {
                conflicts.entry(entry.issue_id).or_insert_with(|| {
                    format!("refused: {}", entry.last_error.unwrap_or_default())
                });
            }
            _ => {}
        }
    }
    let data = BoardData {
        conflicts,
        issues: Vec::new(),
        pending_edits: pending_by_issue.values().map(|&n| i64::from(n)).sum(),
        pending_by_issue,
        milestones: store::load_milestones(conn)?,
        members: store::load_members(conn)?,
        last_synced_at,
    };
    Ok(data)
}

//! What a sync pass is asked to do (`SyncTarget`), what it reports as it goes (`Progress`) and
//! when done (`SyncReport`), and how it fails (`SyncError`): shared by the push, the pull, the
//! history fill and the worker; and the two GitLab reads both the push and the pull make.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::config::Scope;
use crate::gitlab::{ApiError, Client};
use crate::store::StoreError;
use crate::wire;

/// What to sync with.
#[derive(Debug, Clone)]
pub struct SyncTarget {
    pub scope: Scope,
    /// Only issues with this label are the board's (`sm_request`).
    pub scope_label: String,
    /// The GitLab issue board whose list order the columns follow, if one is named.
    pub board: Option<String>,
    /// At most this many issues get their comments and label history fetched per pass over
    /// REST (two requests each), ten times as many over GraphQL (fifty a request); the rest
    /// wait for the next pass.
    pub activity_per_pass: usize,
    /// How many windows of a long issue listing are fetched side by side: more is faster and
    /// holds more pages in memory at once (`WINDOWS_FOREGROUND` for `sm-board sync`,
    /// `WINDOWS_BACKGROUND` under the board).
    pub listing_windows: u64,
}

/// Listing windows when a person waits for the sync (`sm-board sync`): 10,000 issues at 50 ms
/// a request in about 1.0 s (`cargo bench --bench sync`; 16 windows took 1.1-1.2 s, with 32
/// fewer requests: the edges and probes each window costs), at most 32 pages in memory.
pub const WINDOWS_FOREGROUND: u64 = 32;
/// Listing windows of the board's background sync, which keeps its memory small instead.
pub const WINDOWS_BACKGROUND: u64 = 4;

impl SyncTarget {
    fn encoded(&self) -> String {
        self.scope.path().replace('/', "%2F")
    }

    /// The API path of one of the scope's collections (`issues`, `labels`, ...).
    pub(crate) fn collection(&self, what: &str) -> String {
        match &self.scope {
            Scope::Group(_) => format!("/groups/{}/{what}", self.encoded()),
            Scope::Project(_) => format!("/projects/{}/{what}", self.encoded()),
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    /// "#12: p:: changed on GitLab ..." per new conflict.
    pub conflicts: Vec<String>,
    /// "#12: GitLab answered 403 ..." per edit given up on.
    pub failed: Vec<String>,
    pub pulled: usize,
    /// Pulled issues that differed from the cache (the overlap re-sees unchanged ones).
    pub changed: usize,
    /// References of issues dropped by a full pass.
    pub removed: Vec<String>,
    /// Of those, the ones in archived projects: (project path, how many).
    pub archived: Vec<(String, usize)>,
    pub full: bool,
    /// Set when the network was down: everything not done waits for the next pass.
    pub offline: Option<String>,
    /// Issues whose comments and label history were fetched.
    pub activity: usize,
    /// Of those, the ones whose history was stored (their time in state may have changed).
    pub activity_ids: Vec<i64>,
    /// Issues whose comments and label history are still to fetch.
    pub activity_waiting: i64,
    /// Edits still not on GitLab after this pass (pending, failed or in conflict).
    pub unsent: i64,
    /// GitLab rate-limited this pass until then; the rest waits for the next one.
    pub rate_limited_until: Option<DateTime<Utc>>,
    /// Another process was pushing from this cache: it sends the queued edits.
    pub push_busy: bool,
    pub requests: u64,
}

impl SyncReport {
    /// Did this pass change the requests on the board? (Fetched histories change only their
    /// time in state, which the board takes without a reload: `activity_ids`.)
    pub fn changed_board(&self) -> bool {
        self.changed > 0
            || self.pushed > 0
            || !self.conflicts.is_empty()
            || !self.failed.is_empty()
            || !self.removed.is_empty()
    }

    /// Stops the pass for a passing reason (offline, a failing server, a rate limit).
    pub fn hold_back(&mut self, err: &ApiError) {
        self.offline = Some(err.to_string());
        if let ApiError::RateLimited { until } = err {
            self.rate_limited_until = Some(*until);
        }
    }

    /// Cache and GitLab agree and no edit waits.
    pub fn in_step(&self) -> bool {
        self.offline.is_none() && self.unsent == 0
    }
}

/// Progress for a bar or the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Pushing {
        done: usize,
        total: usize,
    },
    Pulling {
        pulled: usize,
        /// How many the listing holds, when GitLab says (it sends no totals past 10,000).
        total: Option<u64>,
    },
    /// Fetching comments and label history of this many issues.
    Activity {
        waiting: i64,
    },
    /// Comments and label history fetched for `done` of `of` issues this pass.
    ActivityFetched {
        done: usize,
        of: usize,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(crate) fn parse_issue(value: &Value) -> Result<wire::Issue, ApiError> {
    // Read from the borrowed value: no copy of the issue's JSON.
    <wire::Issue as serde::Deserialize>::deserialize(value)
        .map_err(|e| ApiError::Malformed(format!("an issue could not be read: {e}")))
}

/// The project's path when GitLab says it is archived (read-only); `None` when it is not, or
/// that cannot be told.
pub(crate) async fn archived_project(
    client: &Client,
    project: impl std::fmt::Display,
) -> Option<String> {
    let answer = client
        .get(&format!("/projects/{project}"), &[])
        .await
        .ok()?;
    answer["archived"]
        .as_bool()
        .filter(|archived| *archived)
        .map(|_| {
            answer["path_with_namespace"]
                .as_str()
                .unwrap_or("the project")
                .to_string()
        })
}

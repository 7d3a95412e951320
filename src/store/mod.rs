//! The local SQLite cache and outbox: opening (pragmas, permissions, migrations), and plain
//! synchronous functions over a `&Connection` for issues, metadata and edits.
//!
//! The store never talks to the network and never decides workflow rules; it persists what the
//! app and the sync decide, atomically.

mod activity;
pub mod convert;
mod issues;
mod meta;
mod outbox;
mod push_lock;
mod remote;
mod web_url;

pub use push_lock::PushLock;
pub use web_url::WebUrl;

/// A write transaction begun IMMEDIATE: the write lock is taken at `BEGIN`, where
/// `busy_timeout` waits for another process, instead of at the first write, where a reader
/// turning writer fails at once (SQLITE_BUSY_SNAPSHOT) when another process wrote meanwhile.
pub(crate) fn write_tx(conn: &Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
}

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};
use rusqlite_migration::{M, Migrations};

pub use activity::{
    HistorySource, LabelEvent, Note, StaleActivity, label_ids, load_events_with_prefix,
    load_label_events, load_notes, mark_activity_seen, search_text, stale_activity,
    stale_activity_count, store_activity,
};
pub use issues::{
    BoardKey, IssueRecord, IssueText, description, description_heads, each_issue_text,
    find_by_reference, issue_count, load_issue, load_issues, load_issues_by_id,
    load_issues_parallel_as, scan_board_keys, state_since_of, upsert_bodies, upsert_issue_rows,
    upsert_issues,
};
pub use meta::{
    Member, delete_state, get_state, load_members, load_milestones, set_state, upsert_labels,
    upsert_members, upsert_milestones,
};
pub use outbox::{
    OutboxEntry, OutboxStatus, QueuedComment, apply_edit, list_outbox, mark_done, mark_failed,
    note_attempt, pending_by_issue, pending_count, pending_entries, prune_done, queue_comment,
    resolve_conflict, unsettled,
};
pub use remote::{
    ISSUES_HIGH_WATER, apply_push_result, apply_remote_page, mark_conflict, raise_high_water,
    refresh_from_remote, remote_issue, remove_missing,
};

/// `sync_state` key holding the last successful sync (RFC 3339).
pub const LAST_SYNCED_AT: &str = "last_synced_at";

/// How long a write waits for another sm-board process holding the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_init.sql")),
        M::up(include_str!("migrations/0002_outbox_force.sql")),
        M::up(include_str!("migrations/0003_activity.sql")),
        M::up(include_str!("migrations/0004_confidential.sql")),
        M::up(include_str!("migrations/0005_outbox_base.sql")),
        M::up(include_str!("migrations/0006_user_notes.sql")),
        M::up(include_str!("migrations/0007_issues_by_created.sql")),
        M::up(include_str!("migrations/0008_issues_by_id_updated.sql")),
    ])
}

/// What can go wrong with the cache, phrased for the person who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot create the cache directory {path}: {source}; pass --db to put the cache elsewhere"
    )]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the cache {path}: {source}; check the file's permissions or pass --db")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the cache {path} is read-only; make it writable or pass --db to use another file")]
    ReadOnly { path: PathBuf },
    #[error(
        "the cache {path} is locked by another process (another sm-board?); close it or pass --db"
    )]
    Locked { path: PathBuf },
    #[error("the cache {path} is not an sm-board database ({reason}); move it away or pass --db")]
    NotADatabase { path: PathBuf, reason: String },
    #[error(
        "{path} is an SQLite file whose tables are not this sm-board's (another program's file, \
         or a newer sm-board's cache); move it away or pass --db to use another file"
    )]
    ForeignSchema { path: PathBuf },
    #[error(
        "the cache {} is damaged ({reason}). Your unsent edits are in its outbox: keep a copy \
         (`cp FILE FILE.damaged`; `sqlite3 FILE.damaged .recover` reads what is left), then move \
         the file away and run `sm-board sync` to rebuild it from GitLab",
        path.as_ref().map_or("file".into(), |p| p.display().to_string())
    )]
    Corrupt {
        path: Option<PathBuf>,
        reason: String,
    },
    #[error(
        "the disk is full: the cache could not grow, so this edit was not queued; nothing else \
         was lost. Free some space and try again"
    )]
    DiskFull,
    #[error("cache error: {0}")]
    Sql(rusqlite::Error),
    #[error("cached data is malformed: {0}")]
    Malformed(String),
    #[error("no cached issue with id {0}")]
    NoSuchIssue(i64),
}

impl From<rusqlite::Error> for StoreError {
    /// SQLite's errors, told apart where the user can do something about them.
    fn from(err: rusqlite::Error) -> Self {
        // SQLITE_IOERR_SHMSIZE: the WAL index could not grow, which is how a full disk shows.
        const IOERR_SHMSIZE: i32 = 4874;
        match &err {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == ErrorCode::DiskFull
                    || failure.extended_code == IOERR_SHMSIZE =>
            {
                StoreError::DiskFull
            }
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == ErrorCode::DatabaseCorrupt =>
            {
                StoreError::Corrupt {
                    path: None,
                    reason: err.to_string(),
                }
            }
            _ => StoreError::Sql(err),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open cache.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed, mode 0600) the cache at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        create_private_file(path)?;
        let conn = Connection::open(path).map_err(|e| classify_open_error(path, e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.prepare()?;
        Ok(store)
    }

    /// A private in-memory cache (tests, throwaway runs).
    pub fn open_in_memory() -> Result<Store> {
        let mut store = Store {
            conn: Connection::open_in_memory()?,
            path: None,
        };
        store.prepare()?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        let path = self
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(":memory:"));
        let classify = |e: rusqlite::Error| classify_open_error(&path, e);
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
        // journal_mode answers with a row, so it is read rather than executed.
        let _mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(classify)?;
        self.conn
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -1024;",
            )
            .map_err(classify)?;
        if self.conn.is_readonly(rusqlite::MAIN_DB).map_err(classify)? {
            return Err(StoreError::ReadOnly { path });
        }
        // Take the write lock once now, so a read-only or locked file is reported at open
        // instead of halfway through the user's first edit.
        self.conn
            .execute_batch("BEGIN IMMEDIATE; COMMIT;")
            .map_err(classify)?;
        // An SQLite file with tables of its own and no schema version of ours is another
        // program's: never add our tables to it.
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(classify)?;
        let tables: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |row| row.get(0),
            )
            .map_err(classify)?;
        if version == 0 && tables > 0 {
            return Err(StoreError::ForeignSchema { path });
        }
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| match e {
                rusqlite_migration::Error::RusqliteError { err, .. } => classify(err),
                other => {
                    // The SQL that failed means nothing to the user; it goes to the log.
                    tracing::warn!(error = %other, "cache schema update failed");
                    StoreError::ForeignSchema { path: path.clone() }
                }
            })?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Where the cache lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// Settings for writing many pages of issues in a row, in place while it lives: no automatic
/// checkpoint after each page's commit (each one copies and fsyncs pages the next commit
/// changes again), and, when the cache is being filled for the first time (every issue a new
/// row), a page cache of 16 MiB instead of 1 (the small one spills to the WAL mid-transaction).
/// An existing cache keeps its small page cache: a full pass over it rewrites only what
/// changed, and the board that runs it keeps its memory. When dropped, the usual settings come
/// back, the memory is returned and the WAL is checkpointed once, without waiting for readers
/// (`PASSIVE`: another process's reads are never blocked).
pub struct BulkWrites<'c> {
    conn: &'c Connection,
}

impl Store {
    pub fn bulk_writes(&self, first_fill: bool) -> BulkWrites<'_> {
        let settings = if first_fill {
            "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 0;"
        } else {
            "PRAGMA wal_autocheckpoint = 0;"
        };
        if let Err(err) = self.conn.execute_batch(settings) {
            tracing::debug!(%err, "bulk write settings not taken");
        }
        BulkWrites { conn: &self.conn }
    }
}

impl Drop for BulkWrites<'_> {
    fn drop(&mut self) {
        let restored = self.conn.execute_batch(
            "PRAGMA cache_size = -1024; PRAGMA shrink_memory; PRAGMA wal_autocheckpoint = 1000;",
        );
        let checkpoint = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if let Err(err) = restored.and(checkpoint) {
            tracing::debug!(%err, "bulk write settings not restored");
        }
    }
}

/// A second, read-only connection to the cache at `path`, for reads off the UI thread (the
/// schema is already in place: the store that owns the file opened it first). Its page cache
/// is small: it serves lookups, not scans.
pub fn open_reader(path: &Path) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify_open_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA cache_size = -512;")?;
    Ok(conn)
}

fn classify_open_error(path: &Path, err: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match err.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Locked { path }
        }
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase {
            path,
            reason: err.to_string(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: Some(path),
            reason: err.to_string(),
        },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull,
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => StoreError::Open {
            path,
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, err.to_string()),
        },
        _ => StoreError::Sql(err),
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    crate::private_fs::create_dir(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })
}

/// Creates the file with mode 0600 (it holds the user's unsent work), or tightens an existing
/// one that others could read.
fn create_private_file(path: &Path) -> Result<()> {
    let open_err = |source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied && path.exists() => {
            // An existing read-only file: SQLite reports it precisely at the write-lock check.
            return Ok(());
        }
        Err(e) => return Err(open_err(e)),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).map_err(open_err)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(open_err)?;
        }
    }
    Ok(())
}

/// Everything a board is built from, as loaded at start (`session::load_board`).
#[derive(Debug, Clone, Default)]
pub struct BoardData {
    pub issues: Vec<IssueRecord>,
    pub pending_by_issue: std::collections::HashMap<i64, u32>,
    pub pending_edits: i64,
    pub milestones: Vec<crate::workflow::MilestoneInfo>,
    pub members: Vec<Member>,
    pub last_synced_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Issues with an edit that waits for the user (a conflict or a refusal), and why.
    pub conflicts: std::collections::HashMap<i64, String>,
}

#[cfg(test)]
mod tests;

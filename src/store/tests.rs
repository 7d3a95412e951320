//! Tests of `store`: run with `cargo test --lib store::`.

use super::*;

#[test]
fn migrations_validate() {
    migrations().validate().unwrap();
}

#[test]
fn counting_stale_activity_reads_an_index_not_the_rows() {
    let store = Store::open_in_memory().unwrap();
    let plan: Vec<String> = store
        .conn()
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            activity::STALE_ACTIVITY_COUNT
        ))
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<std::result::Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter()
            .any(|step| step.contains("COVERING INDEX issues_by_id_updated")),
        "{plan:?}"
    );
}

#[test]
fn a_new_cache_file_is_private_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep/er/cache.sqlite3");
    let store = Store::open(&path).unwrap();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(perms & 0o777, 0o600);
    }
}

#[test]
fn a_file_that_is_not_a_database_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.sqlite3");
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains("--db"));
}

#[test]
fn a_locked_cache_is_reported_not_waited_on_forever() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite3");
    let holder = Store::open(&path).unwrap();
    holder.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    holder
        .conn()
        .busy_timeout(Duration::from_millis(1))
        .unwrap();
    let second = Store {
        conn: Connection::open(&path).unwrap(),
        path: Some(path.clone()),
    };
    second.conn.busy_timeout(Duration::from_millis(50)).unwrap();
    let err = second
        .conn
        .execute_batch("BEGIN IMMEDIATE; COMMIT;")
        .map_err(|e| classify_open_error(&path, e))
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
}

#[test]
fn a_read_only_cache_is_refused_at_open_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.sqlite3");
    drop(Store::open(&path).unwrap());
    let mut read_only = Store {
        conn: Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap(),
        path: Some(path.clone()),
    };
    let err = read_only.prepare().unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
    assert!(err.to_string().contains("pass --db"));
}

#[test]
fn another_program_s_sqlite_file_is_refused_without_sql_in_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);")
        .unwrap();
    drop(other);
    let err = Store::open(&path).err().unwrap();
    assert!(matches!(err, StoreError::ForeignSchema { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("pass --db") && !text.contains("CREATE"),
        "{text}"
    );
    // Nothing of ours was added to it.
    let other = Connection::open(&path).unwrap();
    let tables: i64 = other
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn bulk_write_settings_last_only_as_long_as_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("b.sqlite3")).unwrap();
    let pragma = |name: &str| -> i64 {
        store
            .conn()
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    };
    {
        let _bulk = store.bulk_writes(false);
        assert_eq!(pragma("wal_autocheckpoint"), 0);
        assert_eq!(pragma("cache_size"), -1024);
    }
    {
        let _bulk = store.bulk_writes(true);
        assert_eq!(pragma("cache_size"), -16384);
    }
    assert_eq!(pragma("wal_autocheckpoint"), 1000);
    assert_eq!(pragma("cache_size"), -1024);
}

#[test]
fn a_damaged_cache_says_how_to_keep_the_unsent_edits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite3");
    {
        let store = Store::open(&path).unwrap();
        crate::demo::seed_store(&store, crate::demo::bundled_issues().unwrap()).unwrap();
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
    }
    let len = std::fs::metadata(&path).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(len / 2).unwrap();
    drop(file);
    let err = Store::open(&path)
        .and_then(|store| crate::store::load_issues(store.conn()).map(|_| ()))
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{text}");
    assert!(
        text.contains("outbox") && text.contains("sm-board sync"),
        "{text}"
    );
}

#[test]
fn a_full_disk_is_named_as_such() {
    let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(13), None);
    let text = StoreError::from(full).to_string();
    assert!(
        text.contains("disk is full") && text.contains("not queued"),
        "{text}"
    );
    let shm = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(4874), None);
    assert!(matches!(StoreError::from(shm), StoreError::DiskFull));
}

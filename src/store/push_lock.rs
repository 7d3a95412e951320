//! One pusher per cache. The board, `sync`, `move`, `label` and a cron job may all push the same
//! outbox; two at once would post a comment twice, or replay an older edit over a newer one and
//! invent a conflict. Pushing therefore holds an exclusive advisory lock on a file beside the
//! cache (`<cache>.push-lock`). The operating system drops it when the process ends, however it
//! ends, so a killed pusher never blocks the next one. Pulling needs no such lock.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::store::{Result, Store, StoreError};

/// Held while pushing; dropping it lets the next pusher in.
#[derive(Debug)]
pub struct PushLock {
    // `None` for an in-memory cache, which no other process can open.
    _file: Option<File>,
}

fn lock_path(cache: &Path) -> PathBuf {
    let mut name = cache.as_os_str().to_owned();
    name.push(".push-lock");
    PathBuf::from(name)
}

fn open_lock_file(path: &Path) -> Result<File> {
    crate::private_fs::open_append(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })
}

impl Store {
    /// Takes the push lock, waiting up to `wait` for another pusher to finish; `None` when it
    /// is still busy then.
    pub fn push_lock(&self, wait: Duration) -> Result<Option<PushLock>> {
        let Some(cache) = self.path() else {
            return Ok(Some(PushLock { _file: None }));
        };
        let path = lock_path(cache);
        let file = open_lock_file(&path)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(PushLock { _file: Some(file) })),
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(source)) => {
                    return Err(StoreError::Open { path, source });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pusher_at_a_time_and_the_next_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.sqlite3");
        let first = Store::open(&db).unwrap();
        let second = Store::open(&db).unwrap();
        let held = first.push_lock(Duration::ZERO).unwrap();
        assert!(held.is_some());
        assert!(
            second
                .push_lock(Duration::from_millis(120))
                .unwrap()
                .is_none()
        );
        drop(held);
        assert!(second.push_lock(Duration::ZERO).unwrap().is_some());
    }

    #[test]
    fn an_in_memory_cache_always_may_push() {
        let store = Store::open_in_memory().unwrap();
        let _a = store.push_lock(Duration::ZERO).unwrap().unwrap();
        assert!(store.push_lock(Duration::ZERO).unwrap().is_some());
    }
}

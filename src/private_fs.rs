//! Files only the user may read: the cache (unsent work), the log (what the user did, GitLab's
//! titles) and the push lock. Directories are made 0700 and files 0600, and an existing file
//! that others could read is tightened.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) with mode 0700; an existing directory is left as it is (it
/// may be the user's own, named with `--db`).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates a directory that is sm-board's own (the log's), and tightens it if it exists.
pub fn create_own_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    tighten(dir, 0o700)
}

/// Opens `path` for appending, creating it with mode 0600, and tightens an existing file that
/// others could read.
pub fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    tighten(path, 0o600)?;
    Ok(file)
}

/// Keeps a log from growing without end: when `path` is larger than `limit` bytes it becomes
/// `path.1`, the older `.1`... move up one, and `.keep` is the last kept. Run before opening
/// the log; another process still writing to the old file goes on writing to `.1`, so nothing
/// is lost, and two processes rotating at once only shift the old files one more step.
pub fn rotate_if_large(path: &Path, limit: u64, keep: usize) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > limit => {}
        Ok(_) => return Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err),
    }
    let numbered = |n: usize| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        std::path::PathBuf::from(name)
    };
    for n in (1..keep).rev() {
        match std::fs::rename(numbered(n), numbered(n + 1)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
    }
    if keep == 0 {
        return std::fs::remove_file(path);
    }
    std::fs::rename(path, numbered(1))
}

/// Removes group and other permissions from an existing file or directory.
pub fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = std::fs::metadata(path)?.permissions().mode();
        if current & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn new_and_existing_files_end_up_private() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("state").join("sm-board");
        create_own_dir(&logs).unwrap();
        let log = logs.join("sm-board.log");
        std::fs::write(&log, "old\n").unwrap();
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_own_dir(&logs).unwrap();
        open_append(&log).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log), 0o600);
        assert_eq!(mode(&logs), 0o700);
        let fresh = logs.join("new.log");
        open_append(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o600);
    }
}

#[cfg(test)]
mod rotation_tests {
    use super::*;

    #[test]
    fn a_large_log_moves_up_and_the_oldest_kept_is_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("sm-board.log");
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).ok();
        std::fs::write(&log, "small").unwrap();
        rotate_if_large(&log, 10, 2).unwrap();
        assert_eq!(
            read("sm-board.log").as_deref(),
            Some("small"),
            "under the limit"
        );
        for round in ["first log, long", "second log, long", "third log, long"] {
            std::fs::write(&log, round).unwrap();
            rotate_if_large(&log, 10, 2).unwrap();
            assert!(!log.exists());
        }
        assert_eq!(read("sm-board.log.1").as_deref(), Some("third log, long"));
        assert_eq!(read("sm-board.log.2").as_deref(), Some("second log, long"));
        assert_eq!(read("sm-board.log.3"), None, "only two are kept");
        // The next log is opened private, as before.
        let file = open_append(&log).unwrap();
        drop(file);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}

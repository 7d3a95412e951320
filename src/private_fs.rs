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

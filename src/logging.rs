//! The log: a file of its own (never the terminal), mode 0600 in a private directory, rotated
//! past a few MB, every line through the sanitiser; `SM_BOARD_LOG` sets the level.

use crate::config;

/// The log is rotated past this size, keeping this many old files beside it.
const LOG_LIMIT_BYTES: u64 = 5 * 1024 * 1024;

const LOG_FILES_KEPT: usize = 3;

/// Logs go to a file (never the terminal); without a writable log dir, logging is off.
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let path = config::log_file()?;
    let dir = path.parent()?;
    // The log holds what the user did and GitLab's titles: only the user may read it.
    crate::private_fs::create_own_dir(dir).ok()?;
    // A few files of a few MB: a board left open for weeks, or a cron job, stays bounded.
    if let Err(err) = crate::private_fs::rotate_if_large(&path, LOG_LIMIT_BYTES, LOG_FILES_KEPT) {
        crate::output::warn(&format!(
            "warning: the log {} was not rotated: {err}",
            path.display()
        ));
    }
    let file = crate::private_fs::open_append(&path).ok()?;
    // GitLab's text reaches the log too, and a `tail -f` of it is a terminal.
    // A small queue: the default one holds 128,000 lines, about 4 MB in every process. When
    // it is full, lines are dropped rather than the board waiting on the disk.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(4096)
        .lossy(true)
        .finish(crate::sanitize::CleanWriter::new(file));
    let filter = tracing_subscriber::EnvFilter::try_from_env("SM_BOARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

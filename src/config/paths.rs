//! Where sm-board keeps its files (DESIGN.md "Files"), from the platform's conventions.

use std::path::PathBuf;

use directories::BaseDirs;

const APP: &str = "sm-board";

/// `<config dir>/sm-board/config.toml`.
pub fn default_config_file() -> Option<PathBuf> {
    BaseDirs::new().map(|d| d.config_dir().join(APP).join("config.toml"))
}

/// `<data dir>/sm-board`: the data dir, not the cache dir, because the outbox holds unsent work.
pub fn data_dir() -> Option<PathBuf> {
    BaseDirs::new().map(|d| d.data_dir().join(APP))
}

/// `<data dir>/sm-board/<host>/<group-or-project path>.sqlite3`.
pub fn cache_file(host: &str, scope_path: &str) -> Option<PathBuf> {
    let mut path = data_dir()?.join(sanitize(host));
    let parts: Vec<String> = scope_path
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(sanitize)
        .collect();
    let (last, dirs) = parts.split_last()?;
    for dir in dirs {
        path.push(dir);
    }
    path.push(format!("{last}.sqlite3"));
    Some(path)
}

/// `<state dir or data dir>/sm-board/sm-board.log`.
pub fn log_file() -> Option<PathBuf> {
    let dirs = BaseDirs::new()?;
    let base = dirs.state_dir().unwrap_or(dirs.data_dir());
    Some(base.join(APP).join("sm-board.log"))
}

fn sanitize(part: &str) -> String {
    part.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_path_nests_group_paths_and_cannot_escape() {
        let Some(path) = cache_file("gitlab.com:443", "gitlab-com/marketing/../sm") else {
            return; // no home directory on this machine
        };
        let text = path.to_string_lossy();
        assert!(
            text.ends_with("sm-board/gitlab.com_443/gitlab-com/marketing/sm.sqlite3"),
            "{text}"
        );
    }
}

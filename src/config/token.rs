//! Where the GitLab token comes from: `GITLAB_TOKEN`, else the (private) config file, else glab's
//! own config for the same host. The token is wrapped in `Secret` at once and never printed.

use std::path::{Path, PathBuf};

use crate::config::{GitLabTarget, Secret};

/// Why no token could be found, with what to do.
#[derive(Debug, thiserror::Error)]
#[error(
    "no GitLab token for {host}: set GITLAB_TOKEN to a personal access token with scope `api` \
     (or `read_api` to only read), put `token` in a private config file, or log in with `glab auth login`"
)]
pub struct NoToken {
    pub host: String,
}

fn glab_config() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GLAB_CONFIG_DIR") {
        return Some(PathBuf::from(dir).join("config.yml"));
    }
    directories::BaseDirs::new().map(|d| d.config_dir().join("glab-cli").join("config.yml"))
}

/// The token glab stores for `host` in its YAML config (`hosts: <host>: token: ...`). A small
/// line reader: glab writes this file itself, in this shape.
pub fn glab_token(config: &Path, host: &str) -> Option<String> {
    let text = std::fs::read_to_string(config).ok()?;
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut in_hosts = false;
    let mut host_indent: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent(line) == 0 {
            in_hosts = trimmed == "hosts:";
            host_indent = None;
            continue;
        }
        if !in_hosts {
            continue;
        }
        match host_indent {
            Some(level) if indent(line) > level => {
                if let Some(value) = trimmed.strip_prefix("token:") {
                    let value = value.trim().trim_matches('"').trim_matches('\'');
                    return (!value.is_empty()).then(|| value.to_string());
                }
            }
            _ => {
                let key = trimmed.trim_end_matches(':').trim_matches('"');
                host_indent = (key == host).then(|| indent(line));
            }
        }
    }
    None
}

/// The token to use for `gitlab`.
pub fn resolve(gitlab: &GitLabTarget) -> Result<Secret, NoToken> {
    if let Some(token) = std::env::var("GITLAB_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Ok(Secret::new(token.trim().to_string()));
    }
    if let Some(token) = &gitlab.token {
        return Ok(token.clone());
    }
    let host = gitlab.host().split(':').next().unwrap_or("").to_string();
    glab_config()
        .and_then(|path| glab_token(&path, &host))
        .map(Secret::new)
        .ok_or(NoToken { host })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glab_s_token_for_the_host_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yml");
        std::fs::write(
            &path,
            "git_protocol: ssh\nhosts:\n    gitlab.com:\n        api_protocol: https\n        token: glpat-abc\n    gitlab.example.com:\n        token: \"glpat-other\"\neditor: vim\n",
        )
        .unwrap();
        assert_eq!(
            glab_token(&path, "gitlab.com").as_deref(),
            Some("glpat-abc")
        );
        assert_eq!(
            glab_token(&path, "gitlab.example.com").as_deref(),
            Some("glpat-other")
        );
        assert_eq!(glab_token(&path, "other.host"), None);
    }

    #[test]
    fn the_missing_token_message_says_what_to_do() {
        let text = NoToken {
            host: "gitlab.com".into(),
        }
        .to_string();
        assert!(text.contains("GITLAB_TOKEN") && text.contains("glab auth login"));
    }
}

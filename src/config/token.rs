//! Where the GitLab token comes from, in order: `GITLAB_TOKEN`, `GITLAB_ACCESS_TOKEN`,
//! `OAUTH_TOKEN` (the variables glab reads), `token` in sm-board's (private) config file, then
//! glab's own login for the same host (see `glab`). The token is wrapped in `Secret` at once and
//! never printed; what is said about it names only where it came from.

use std::path::{Path, PathBuf};

use crate::config::glab::{self, GlabConfigError, GlabHost};
use crate::config::{GitLabTarget, Secret};

/// The environment variables that may hold a token, in the order they are read.
pub const TOKEN_VARIABLES: [&str; 3] = ["GITLAB_TOKEN", "GITLAB_ACCESS_TOKEN", "OAUTH_TOKEN"];

/// Keeps our secrets out of a child process's environment (`$EDITOR`, `$BROWSER`): they run
/// other people's code and have no use for the user's GitLab token.
pub fn without_secrets(command: &mut std::process::Command) -> &mut std::process::Command {
    for name in TOKEN_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Where a token came from, said in messages ("the token from GITLAB_TOKEN was rejected").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Variable(&'static str),
    ConfigFile(PathBuf),
    Glab {
        path: PathBuf,
        host: String,
    },
    /// Given directly (tests, the demo).
    Given,
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Variable(name) => write!(f, "{name}"),
            TokenSource::ConfigFile(path) => write!(f, "`token` in {}", path.display()),
            TokenSource::Glab { path, host } => {
                write!(f, "glab's login for {host} ({})", path.display())
            }
            TokenSource::Given => f.write_str("the token given"),
        }
    }
}

/// A token, where it came from, and what kind it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub secret: Secret,
    pub source: TokenSource,
    /// An OAuth access token (glab's browser login): short-lived, refreshed by glab.
    pub oauth: bool,
    /// When glab said the OAuth token expires, as glab wrote it.
    pub expiry: Option<String>,
    /// glab's `ca_cert` for this host.
    pub ca_cert: Option<PathBuf>,
}

impl From<Secret> for Login {
    fn from(secret: Secret) -> Self {
        Login {
            secret,
            source: TokenSource::Given,
            oauth: false,
            expiry: None,
            ca_cert: None,
        }
    }
}

impl Login {
    /// What to do when GitLab rejects this token (401).
    pub fn rejected_hint(&self) -> String {
        match (&self.source, self.oauth) {
            (TokenSource::Glab { host, .. }, true) => {
                let expired = self
                    .expiry
                    .as_deref()
                    .filter(|e| glab::parse_expiry(e).is_some_and(|t| t <= chrono::Utc::now()))
                    .map(|e| format!(" (it expired {e})"))
                    .unwrap_or_default();
                format!(
                    "glab's OAuth login for {host} was rejected{expired}: run `glab auth status` \
                     (glab refreshes the login) or `glab auth login --hostname {host}`, then try \
                     again"
                )
            }
            (TokenSource::Given, _) => "the token was rejected; create a personal access token \
                 with scope `api` (or `read_api` to only read) and put it in GITLAB_TOKEN"
                .to_string(),
            (source, _) => format!(
                "the token from {source} was rejected; create a personal access token with \
                 scope `api` (or `read_api` to only read) and put it in GITLAB_TOKEN"
            ),
        }
    }
}

/// Why no token could be found, with what to do.
#[derive(Debug, thiserror::Error)]
pub enum NoToken {
    #[error(
        "no GitLab token for {host}: set GITLAB_TOKEN to a personal access token with scope \
         `api` (or `read_api` to only read), put `token` in a private config file, or log in \
         with `glab auth login`"
    )]
    Missing { host: String },
    #[error(
        "glab keeps its token for {host} in the system keyring (`glab auth login \
         --use-keyring`, see {path}), which could not be read ({why}): unlock or start your \
         keyring, or set GITLAB_TOKEN to a personal access token, or log in with `glab auth \
         login --hostname {host}` without --use-keyring"
    )]
    InKeyring {
        host: String,
        path: PathBuf,
        why: String,
    },
    #[error(transparent)]
    GlabConfig(#[from] GlabConfigError),
}

/// Reads glab's token for a host from the OS keyring: `Ok(None)` when there is none.
pub type KeyringReader<'a> = &'a dyn Fn(&str) -> Result<Option<String>, String>;

/// The process's environment, home and keyring, for `resolve_with`.
pub struct Surroundings<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub home: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub keyring: KeyringReader<'a>,
}

/// The token to use for `gitlab`, from this process's environment and files.
pub fn resolve(gitlab: &GitLabTarget) -> Result<Login, NoToken> {
    let env = |name: &str| std::env::var(name).ok();
    let dirs = directories::BaseDirs::new();
    resolve_with(
        gitlab,
        &Surroundings {
            env: &env,
            home: dirs.as_ref().map(|d| d.home_dir().to_path_buf()),
            xdg_config_home: dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            keyring: &crate::config::keyring::glab_token,
        },
    )
}

/// The token to use for `gitlab`, given an environment and home (testable).
pub fn resolve_with(gitlab: &GitLabTarget, around: &Surroundings<'_>) -> Result<Login, NoToken> {
    for name in TOKEN_VARIABLES {
        if let Some(token) = (around.env)(name).filter(|t| !t.trim().is_empty()) {
            return Ok(Login {
                secret: Secret::new(token.trim().to_string()),
                source: TokenSource::Variable(name),
                // OAUTH_TOKEN says what it is; the others may hold either kind, and both go
                // as Bearer anyway.
                oauth: name == "OAUTH_TOKEN",
                expiry: None,
                ca_cert: None,
            });
        }
    }
    if let Some(token) = &gitlab.token {
        return Ok(Login {
            secret: token.clone(),
            source: gitlab
                .token_file
                .clone()
                .map_or(TokenSource::Given, TokenSource::ConfigFile),
            oauth: false,
            expiry: None,
            ca_cert: None,
        });
    }
    let host = gitlab.host().to_string();
    let candidates = glab::config_candidates(
        around.env,
        around.home.as_deref(),
        around.xdg_config_home.as_deref(),
    );
    let Some(path) = glab::find_config(&candidates) else {
        return Err(NoToken::Missing { host });
    };
    let text = std::fs::read_to_string(&path).map_err(|e| GlabConfigError {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let (hosts, _) = glab::parse_hosts(&path, &text)?;
    match glab::host_entry(&hosts, &host) {
        Some(entry) => from_glab(entry, &path, around.keyring),
        None => Err(NoToken::Missing { host }),
    }
}

fn from_glab(entry: &GlabHost, path: &Path, keyring: KeyringReader<'_>) -> Result<Login, NoToken> {
    let token = match (&entry.token, entry.use_keyring) {
        (Some(token), _) => token.clone(),
        (None, true) => match keyring(&entry.name) {
            Ok(Some(token)) => token,
            Ok(None) => {
                return Err(NoToken::InKeyring {
                    host: entry.name.clone(),
                    path: path.to_path_buf(),
                    why: format!("it holds no entry glab:{}", entry.name),
                });
            }
            Err(why) => {
                return Err(NoToken::InKeyring {
                    host: entry.name.clone(),
                    path: path.to_path_buf(),
                    why,
                });
            }
        },
        (None, false) => {
            return Err(NoToken::Missing {
                host: entry.name.clone(),
            });
        }
    };
    Ok(Login {
        secret: Secret::new(token),
        source: TokenSource::Glab {
            path: path.to_path_buf(),
            host: entry.name.clone(),
        },
        oauth: entry.oauth,
        expiry: entry.oauth_expiry.clone(),
        ca_cert: entry.ca_cert.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Scope;
    use std::collections::HashMap;

    fn target(url: &str, token: Option<&str>) -> GitLabTarget {
        GitLabTarget {
            url: url.into(),
            scope: Scope::Group("g".into()),
            board: None,
            token: token.map(|t| Secret::new(t.into())),
            token_file: token.map(|_| PathBuf::from("/home/u/.config/sm-board/config.toml")),
            ca_cert: None,
            sync_interval: std::time::Duration::from_secs(60),
        }
    }

    fn resolve_in(
        gitlab: &GitLabTarget,
        vars: &[(&str, &str)],
        home: &Path,
    ) -> Result<Login, NoToken> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |name: &str| vars.get(name).cloned();
        // The test machine's keyring: one token, for gitlab.example.org only.
        let keyring = |host: &str| match host {
            "gitlab.example.org" => Ok(Some("from-the-keyring".to_string())),
            _ => Err("no Secret Service on the session bus".to_string()),
        };
        resolve_with(
            gitlab,
            &Surroundings {
                env: &env,
                home: Some(home.to_path_buf()),
                xdg_config_home: Some(home.join(".config")),
                keyring: &keyring,
            },
        )
    }

    fn glab_config(home: &Path, text: &str) -> PathBuf {
        let dir = home.join(".config").join("glab-cli");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.yml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn variables_come_first_in_glab_s_order() {
        let home = tempfile::tempdir().unwrap();
        let gitlab = target("https://gitlab.com", Some("from-file"));
        let login = resolve_in(
            &gitlab,
            &[("OAUTH_TOKEN", "third"), ("GITLAB_ACCESS_TOKEN", "second")],
            home.path(),
        )
        .unwrap();
        assert_eq!(login.secret.expose(), "second");
        assert_eq!(login.source, TokenSource::Variable("GITLAB_ACCESS_TOKEN"));
        let login = resolve_in(&gitlab, &[("OAUTH_TOKEN", "third")], home.path()).unwrap();
        assert!(login.oauth);
        let login = resolve_in(&gitlab, &[("GITLAB_TOKEN", "  ")], home.path()).unwrap();
        assert_eq!(login.secret.expose(), "from-file");
        assert!(login.source.to_string().contains("config.toml"));
    }

    #[test]
    fn glab_s_oauth_login_is_found_and_named() {
        let home = tempfile::tempdir().unwrap();
        let path = glab_config(
            home.path(),
            "hosts:\n  gitlab.example.com:\n    api_host: gitlab.example.com:8443\n    token: oauth-abc\n    is_oauth2: \"true\"\n    oauth2_expiry_date: 13 Mar 23 15:47 GMT\n",
        );
        let login = resolve_in(
            &target("https://gitlab.example.com:8443", None),
            &[],
            home.path(),
        )
        .unwrap();
        assert_eq!(login.secret.expose(), "oauth-abc");
        assert!(login.oauth);
        assert_eq!(
            login.source,
            TokenSource::Glab {
                path,
                host: "gitlab.example.com".into()
            }
        );
        let hint = login.rejected_hint();
        assert!(
            hint.contains("glab auth status") && hint.contains("expired"),
            "{hint}"
        );
        assert!(!hint.contains("oauth-abc"));
    }

    #[test]
    fn a_keyring_login_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        glab_config(
            home.path(),
            "hosts:\n  gitlab.com:\n    use_keyring: \"true\"\n    is_oauth2: \"true\"\n",
        );
        let err = resolve_in(&target("https://gitlab.com", None), &[], home.path()).unwrap_err();
        assert!(matches!(err, NoToken::InKeyring { .. }));
        let text = err.to_string();
        assert!(
            text.contains("GITLAB_TOKEN") && text.contains("no Secret Service"),
            "{text}"
        );
    }

    #[test]
    fn a_keyring_login_is_read_from_the_keyring() {
        let home = tempfile::tempdir().unwrap();
        glab_config(
            home.path(),
            "hosts:\n  gitlab.example.org:\n    use_keyring: \"true\"\n    is_oauth2: \"true\"\n",
        );
        let login = resolve_in(
            &target("https://gitlab.example.org", None),
            &[],
            home.path(),
        )
        .unwrap();
        assert_eq!(login.secret.expose(), "from-the-keyring");
        assert!(login.oauth);
    }

    #[test]
    fn no_token_anywhere_says_what_to_do() {
        let home = tempfile::tempdir().unwrap();
        let err = resolve_in(&target("https://gitlab.com", None), &[], home.path()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("GITLAB_TOKEN") && text.contains("glab auth login"),
            "{text}"
        );
    }

    #[test]
    fn a_broken_glab_config_is_named() {
        let home = tempfile::tempdir().unwrap();
        glab_config(home.path(), "hosts: [");
        let err = resolve_in(&target("https://gitlab.com", None), &[], home.path()).unwrap_err();
        assert!(err.to_string().contains("config.yml"), "{err}");
    }
}

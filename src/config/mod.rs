//! Configuration: the TOML file (validated, with file/line/key in every error) merged with flags
//! and environment. Flags beat environment (clap reads both), which beats the file.

pub mod glab;
mod keyring;
mod paths;
mod raw;
pub mod token;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use paths::{cache_file, data_dir, default_config_file, log_file};
use raw::{RawConfig, RawField, RawWorkflow};

use crate::workflow::Workflow;
use crate::workflow::model::{MilestoneRule, ScopedField, StateDef, UsualMove};

/// A config problem, said so the user can fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}, line {line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("config file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{0}")]
    Conflict(String),
}

/// A secret that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Which issues the board shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Group(String),
    Project(String),
}

impl Scope {
    pub fn path(&self) -> &str {
        match self {
            Scope::Group(p) | Scope::Project(p) => p,
        }
    }
}

/// A configured GitLab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLabTarget {
    pub url: String,
    pub scope: Scope,
    pub board: Option<String>,
    pub token: Option<Secret>,
    /// The config file `token` came from.
    pub token_file: Option<PathBuf>,
    /// `[gitlab] ca_cert`: a PEM bundle of extra CAs to trust (a private CA).
    pub ca_cert: Option<PathBuf>,
    pub sync_interval: Duration,
}

impl GitLabTarget {
    /// The host part of the URL, for display and the cache path.
    pub fn host(&self) -> &str {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or(rest)
    }
}

/// Settings from flags and environment (clap fills these).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub db: Option<PathBuf>,
    pub gitlab_url: Option<String>,
    pub group: Option<String>,
    pub project: Option<String>,
}

/// Light or dark terminal background (`[ui] theme`); only the selection needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Dark,
    Light,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `None`: no GitLab configured (the TUI opens the demo).
    pub gitlab: Option<GitLabTarget>,
    pub workflow: Workflow,
    /// `--db` / `SM_BOARD_DB`.
    pub db_override: Option<PathBuf>,
    pub show_closed: bool,
    pub theme: ThemeKind,
    /// Named filters from `[views]`, in name order.
    pub views: Vec<(String, String)>,
    /// The default keymap with `[keys]` applied.
    pub keymap: crate::keymap::Keymap,
    /// The file that was read, if any.
    pub file: Option<PathBuf>,
}

impl Config {
    /// The cache file to use: `--db`, else the per-GitLab path.
    pub fn cache_path(&self) -> Option<PathBuf> {
        if let Some(db) = &self.db_override {
            return Some(db.clone());
        }
        let gitlab = self.gitlab.as_ref()?;
        cache_file(gitlab.host(), gitlab.scope.path())
    }
}

/// Loads the config file (the given one must exist; the default one may not) and applies
/// overrides.
pub fn load(overrides: &Overrides) -> Result<Config, ConfigError> {
    let ((raw, text), file) = match &overrides.config {
        Some(path) => (read_file(path)?, Some(path.clone())),
        None => match default_config_file().filter(|p| p.exists()) {
            Some(path) => (read_file(&path)?, Some(path)),
            None => ((RawConfig::default(), String::new()), None),
        },
    };
    let shown = file.clone().unwrap_or_else(|| PathBuf::from("(defaults)"));
    if let (Some(path), Some(_)) = (&file, raw.gitlab.as_ref().and_then(|g| g.token.as_ref())) {
        refuse_shared_token_file(path)?;
    }
    let invalid = |message: String| ConfigError::Invalid {
        path: shown.clone(),
        message,
    };
    let workflow = build_workflow(raw.workflow.unwrap_or_default()).map_err(invalid)?;
    let raw_gitlab = raw.gitlab.unwrap_or_default();
    let (group, project) = match (&overrides.group, &overrides.project) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::Conflict(
                "both a group and a project are set (flags or SM_BOARD_GROUP/SM_BOARD_PROJECT): \
                 choose one"
                    .into(),
            ));
        }
        (Some(g), None) => (Some(g.clone()), None),
        (None, Some(p)) => (None, Some(p.clone())),
        (None, None) => (raw_gitlab.group.clone(), raw_gitlab.project.clone()),
    };
    let scope = match (group, project) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "[gitlab] sets both `group` and `project`: keep one".into(),
            ));
        }
        (Some(g), None) => Some(Scope::Group(g)),
        (None, Some(p)) => Some(Scope::Project(p)),
        (None, None) => None,
    };
    let url = overrides.gitlab_url.clone().or(raw_gitlab.url.clone());
    let gitlab = match (url, scope) {
        (url, Some(scope)) => Some(GitLabTarget {
            url: url
                .or_else(|| glab_host_url(&|name| std::env::var(name).ok()))
                .unwrap_or_else(|| "https://gitlab.com".to_string())
                .trim_end_matches('/')
                .to_string(),
            scope,
            board: raw_gitlab.board.clone(),
            token: raw_gitlab.token.clone().map(Secret::new),
            token_file: raw_gitlab.token.as_ref().and(file.clone()),
            ca_cert: raw_gitlab.ca_cert.clone().map(|p| expand_home(&p)),
            sync_interval: Duration::from_secs(raw_gitlab.sync_interval_secs.unwrap_or(60).max(5)),
        }),
        (Some(_), None) => {
            return Err(ConfigError::Conflict(
                "a GitLab URL is set but no group or project: add `group = \"path\"` under \
                 [gitlab], or pass --group/--project"
                    .into(),
            ));
        }
        (None, None) => None,
    };
    // Whether each view parses is the filter language's to say (`app::query::check_views`,
    // run as the config is loaded).
    let views: Vec<(String, String)> = raw.views.unwrap_or_default().into_iter().collect();
    let keymap = build_keymap(raw.keys, &shown, &text)?;
    let theme = match raw.ui.as_ref().and_then(|u| u.theme.as_deref()) {
        None | Some("dark") => ThemeKind::Dark,
        Some("light") => ThemeKind::Light,
        Some(other) => {
            return Err(invalid(format!(
                "[ui] theme = \"{other}\": use \"dark\" or \"light\""
            )));
        }
    };
    Ok(Config {
        theme,
        keymap,
        views,
        gitlab,
        workflow,
        db_override: overrides.db.clone(),
        show_closed: raw.ui.as_ref().and_then(|u| u.show_closed).unwrap_or(true),
        file,
    })
}

/// The GitLab glab's environment names (`GITLAB_HOST`, `GL_HOST`, `GITLAB_URI`), used only when
/// neither flags, `SM_BOARD_GITLAB_URL` nor the config file name one. A bare host gets https.
pub fn glab_host_url(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let host = ["GITLAB_HOST", "GL_HOST", "GITLAB_URI"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))?;
    let host = host.trim().trim_end_matches('/');
    Some(if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    })
}

/// `~/x` is the home directory's `x` (paths in the config file are written by hand).
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(dirs)) => dirs.home_dir().join(rest),
        _ => PathBuf::from(path),
    }
}

/// A token may only live in a file nobody else can read.
fn refuse_shared_token_file(path: &Path) -> Result<(), ConfigError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "holds a GitLab token but others can read it (mode {:o}); run `chmod 600 {}` \
                     or move the token to GITLAB_TOKEN",
                    mode & 0o777,
                    path.display()
                ),
            });
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<(RawConfig, String), ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((parse(path, &text)?, text))
}

/// The keymap with `[keys]` applied; unknown modes, actions or keys and a key bound twice in a
/// mode are errors naming the line.
fn build_keymap(
    raw: Option<
        std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, toml::Spanned<raw::RawKeys>>,
        >,
    >,
    path: &Path,
    text: &str,
) -> Result<crate::keymap::Keymap, ConfigError> {
    use crate::keymap::{Action, Binding, Mode};
    let mut keymap = crate::keymap::Keymap::default();
    let line_of = |start: usize| text[..start.min(text.len())].matches('\n').count() + 1;
    let error = |line: usize, message: String| ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut lines: Vec<(Mode, Binding, usize)> = Vec::new();
    for (mode_name, entries) in raw.unwrap_or_default() {
        let first_line = entries
            .values()
            .map(|v| line_of(v.span().start))
            .min()
            .unwrap_or(1);
        let mode = Mode::ALL
            .into_iter()
            .find(|m| m.name() == mode_name)
            .ok_or_else(|| {
                let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
                error(
                    first_line,
                    format!(
                        "[keys.{mode_name}]: unknown mode; modes are {}",
                        modes.join(", ")
                    ),
                )
            })?;
        for (action_name, spec) in entries {
            let line = line_of(spec.span().start);
            let action = Action::from_name(&action_name).ok_or_else(|| {
                error(
                    line,
                    format!(
                        "[keys.{mode_name}] `{action_name}` is not an action; press : in the board \
                         for the list, or see README (names like move_next, set_priority, undo)"
                    ),
                )
            })?;
            let texts = match spec.into_inner() {
                raw::RawKeys::One(one) => vec![one],
                raw::RawKeys::Many(many) => many,
            };
            let keys = texts
                .iter()
                .map(|t| Binding::parse(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| error(line, format!("[keys.{mode_name}] {action_name}: {e}")))?;
            for key in &keys {
                lines.push((mode, *key, line));
            }
            keymap.rebind(mode, action, &keys);
        }
    }
    if let Some((mode, key, first, second)) = keymap.duplicate() {
        // The later entry is the one that made the clash.
        let line = lines
            .iter()
            .rev()
            .find(|(m, k, _)| *m == mode && *k == key)
            .map_or(1, |(_, _, l)| *l);
        return Err(error(
            line,
            format!(
                "[keys.{}] `{key}` would do two things: {} and {}; bind one of them to another key",
                mode.name(),
                first.name(),
                second.name()
            ),
        ));
    }
    Ok(keymap)
}

/// Parses config text; errors carry the line of the offending key.
pub(crate) fn parse(path: &Path, text: &str) -> Result<RawConfig, ConfigError> {
    toml::from_str(text).map_err(|err| {
        let start = err.span().map_or(0, |span| span.start.min(text.len()));
        let line = text[..start].matches('\n').count() + 1;
        ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            message: err.message().trim().replace('\n', " "),
        }
    })
}

fn field(default: &ScopedField, raw: Option<RawField>, name: &str) -> Result<ScopedField, String> {
    let Some(raw) = raw else {
        return Ok(default.clone());
    };
    let field = ScopedField {
        title: raw.title.unwrap_or_else(|| default.title.clone()),
        key: raw.key.unwrap_or_else(|| default.key.clone()),
        values: raw.values.unwrap_or_else(|| default.values.clone()),
        unknown: raw.unknown.or_else(|| default.unknown.clone()),
    };
    if field.values.is_empty() {
        return Err(format!("[workflow.fields.{name}] `values` is empty"));
    }
    if field.key.is_empty() || field.key.contains("::") {
        return Err(format!(
            "[workflow.fields.{name}] `key` must be a non-empty scoped key without `::`"
        ));
    }
    Ok(field)
}

fn build_workflow(raw: RawWorkflow) -> Result<Workflow, String> {
    let mut wf = Workflow::default();
    if let Some(scope) = raw.scope_label {
        wf.scope_label = scope;
    }
    if let Some(key) = raw.state_key {
        wf.state_key = key;
    }
    if let Some(states) = raw.states {
        if states.is_empty() {
            return Err("[workflow] `states` is empty: list at least one state".into());
        }
        let mut built = Vec::new();
        for state in states {
            if built.iter().any(|s: &StateDef| s.name == state.name) {
                return Err(format!(
                    "[[workflow.states]] `{}` is listed twice",
                    state.name
                ));
            }
            built.push(StateDef {
                name: state.name,
                closed: state.closed.unwrap_or(false),
                milestone: state.milestone.map(|m| {
                    if m == "@current_quarter" {
                        MilestoneRule::CurrentQuarter
                    } else {
                        MilestoneRule::Named(m)
                    }
                }),
                requires_team: state.requires_team.unwrap_or(false),
                requires_assignee: state.requires_assignee.unwrap_or(false),
                stale_after_days: state.stale_after_days,
            });
        }
        wf.states = built;
        // The default moves name default states; keep only those that still make sense.
        wf.usual_moves.retain(|m| {
            wf.states.iter().any(|s| s.name == m.from) && wf.states.iter().any(|s| s.name == m.to)
        });
    }
    if let Some(moves) = raw.moves {
        let mut built = Vec::new();
        for m in moves {
            for end in [&m.from, &m.to] {
                if wf.state_index(end).is_none() {
                    return Err(format!(
                        "[[workflow.moves]] names unknown state `{end}`; states are: {}",
                        wf.state_names()
                    ));
                }
            }
            built.push(UsualMove {
                from: m.from,
                to: m.to,
                confirm: m.confirm,
            });
        }
        wf.usual_moves = built;
    }
    if let Some(teams) = raw.teams {
        wf.teams = teams;
    }
    if let Some(prefixes) = raw.extra_prefixes {
        wf.extra_prefixes = prefixes;
    }
    if let Some(fields) = raw.fields {
        let defaults = wf.fields.clone();
        wf.fields.priority = field(&defaults.priority, fields.priority, "priority")?;
        wf.fields.dod = field(&defaults.dod, fields.dod, "dod")?;
        wf.fields.eteam = field(&defaults.eteam, fields.eteam, "eteam")?;
        wf.fields.use_case = field(&defaults.use_case, fields.use_case, "use_case")?;
        wf.fields.gtm_phase = field(&defaults.gtm_phase, fields.gtm_phase, "gtm_phase")?;
    }
    Ok(wf)
}

#[cfg(test)]
mod tests;

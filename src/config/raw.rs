//! The config file exactly as written: every key optional, unknown keys rejected.
//!
//! Parsing only; `config::load` validates and merges these with flags and environment.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub gitlab: Option<RawGitLab>,
    pub workflow: Option<RawWorkflow>,
    pub ui: Option<RawUi>,
    /// Named filters: `"my backlog" = "state:backlog team:pmm"`.
    pub views: Option<std::collections::BTreeMap<String, String>>,
    /// Key overrides per mode: `[keys.board] move_next = "L"` or `= ["L", "Right"]`.
    pub keys: Option<
        std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, toml::Spanned<RawKeys>>,
        >,
    >,
}

/// One key or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawKeys {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGitLab {
    pub url: Option<String>,
    pub group: Option<String>,
    pub project: Option<String>,
    pub board: Option<String>,
    pub token: Option<String>,
    pub ca_cert: Option<String>,
    pub sync_interval_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkflow {
    pub scope_label: Option<String>,
    pub state_key: Option<String>,
    pub states: Option<Vec<RawState>>,
    pub moves: Option<Vec<RawMove>>,
    pub teams: Option<Vec<String>>,
    pub extra_prefixes: Option<Vec<String>>,
    pub fields: Option<RawFields>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    pub name: String,
    pub closed: Option<bool>,
    /// A milestone title, or `@current_quarter`.
    pub milestone: Option<String>,
    pub requires_team: Option<bool>,
    pub requires_assignee: Option<bool>,
    /// Days in the state after which a card's age is highlighted.
    pub stale_after_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMove {
    pub from: String,
    pub to: String,
    pub confirm: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFields {
    pub priority: Option<RawField>,
    pub dod: Option<RawField>,
    pub eteam: Option<RawField>,
    pub use_case: Option<RawField>,
    pub gtm_phase: Option<RawField>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub title: Option<String>,
    pub key: Option<String>,
    pub values: Option<Vec<String>>,
    pub unknown: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUi {
    pub show_closed: Option<bool>,
    /// `dark` (default) or `light`.
    pub theme: Option<String>,
}

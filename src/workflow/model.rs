//! The workflow definition: states in board order, usual moves, teams and grooming fields.
//!
//! `Workflow::default()` is the SM request workflow from the team handbook; the config file can
//! replace any part of it (see `config`). This module holds data and lookups only.

use crate::workflow::labels::{scoped, split_scoped};

/// How a state wants the milestone set when a request enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilestoneRule {
    /// A milestone with this exact title (`SM_Backlog`).
    Named(String),
    /// The active milestone whose start..due dates cover today.
    CurrentQuarter,
}

/// One board column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDef {
    /// The value after the state key: `new_request`, `transfered`, ...
    pub name: String,
    /// Requests in this state are closed issues.
    pub closed: bool,
    /// Milestone to set on entry, if any.
    pub milestone: Option<MilestoneRule>,
    /// Entering needs exactly one team label.
    pub requires_team: bool,
    /// Entering needs at least one assignee.
    pub requires_assignee: bool,
    /// A request waiting longer than this in the state is highlighted on its card.
    pub stale_after_days: Option<u32>,
}

impl StateDef {
    fn open(name: &str) -> Self {
        StateDef {
            name: name.to_string(),
            closed: false,
            milestone: None,
            requires_team: false,
            requires_assignee: false,
            stale_after_days: None,
        }
    }

    fn closed(name: &str) -> Self {
        StateDef {
            closed: true,
            ..StateDef::open(name)
        }
    }

    /// A human name for headers: `new_request` -> `new request`.
    pub fn title(&self) -> String {
        self.name.replace('_', " ")
    }
}

/// A move the workflow expects; any other move between states asks for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsualMove {
    pub from: String,
    pub to: String,
    /// A question to ask even though the move is usual (triage -> assigned: "urgent?").
    pub confirm: Option<String>,
}

/// A grooming field held in a scoped label: `p::1`, `dod::Y`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedField {
    /// Shown in the grooming pane.
    pub title: String,
    pub key: String,
    pub values: Vec<String>,
    /// The value that means "not decided yet" (`p::?`), which does not count as groomed.
    pub unknown: Option<String>,
}

impl ScopedField {
    fn new(title: &str, key: &str, values: &[&str], unknown: Option<&str>) -> Self {
        ScopedField {
            title: title.to_string(),
            key: key.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
            unknown: unknown.map(str::to_string),
        }
    }

    pub fn label(&self, value: &str) -> String {
        scoped(&self.key, value)
    }
}

/// The scoped-label grooming fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroomingFields {
    pub priority: ScopedField,
    pub dod: ScopedField,
    pub eteam: ScopedField,
    pub use_case: ScopedField,
    pub gtm_phase: ScopedField,
}

impl Default for GroomingFields {
    fn default() -> Self {
        GroomingFields {
            priority: ScopedField::new("priority", "p", &["1", "2", "3", "?"], Some("?")),
            dod: ScopedField::new("DoD clear", "dod", &["Y", "N"], None),
            eteam: ScopedField::new("E-team", "eteam", &["Y", "N"], None),
            use_case: ScopedField::new(
                "use case",
                "ucase",
                &[
                    "SCM", "CI", "CD", "Agile", "AppSec", "DevOps", "CN", "GitOps",
                ],
                None,
            ),
            gtm_phase: ScopedField::new(
                "GTM phase",
                "gtm",
                &["awareness", "consideration", "decision"],
                None,
            ),
        }
    }
}

impl GroomingFields {
    /// Every scoped field, in grooming-pane order.
    pub fn all(&self) -> [&ScopedField; 5] {
        [
            &self.priority,
            &self.dod,
            &self.eteam,
            &self.use_case,
            &self.gtm_phase,
        ]
    }
}

/// The whole workflow the board models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// The label every request carries (`sm_request`); the board's scope.
    pub scope_label: String,
    /// The scoped key of the state labels (`sm_req`).
    pub state_key: String,
    pub states: Vec<StateDef>,
    pub usual_moves: Vec<UsualMove>,
    /// Plain labels of which a request holds exactly one.
    pub teams: Vec<String>,
    pub fields: GroomingFields,
    /// Further label prefixes shown in the grooming pane (DevOps stage, category, ...).
    pub extra_prefixes: Vec<String>,
}

impl Default for Workflow {
    fn default() -> Self {
        let mut new_request = StateDef::open("new_request");
        new_request.stale_after_days = Some(2);
        let mut triage = StateDef::open("triage");
        triage.requires_team = true;
        triage.stale_after_days = Some(3);
        let mut backlog = StateDef::open("backlog");
        backlog.milestone = Some(MilestoneRule::Named("SM_Backlog".to_string()));
        let mut assigned = StateDef::open("assigned");
        assigned.milestone = Some(MilestoneRule::CurrentQuarter);
        assigned.requires_assignee = true;
        assigned.stale_after_days = Some(30);
        let usual = |from: &str, to: &str, confirm: Option<&str>| UsualMove {
            from: from.to_string(),
            to: to.to_string(),
            confirm: confirm.map(str::to_string),
        };
        Workflow {
            scope_label: "sm_request".to_string(),
            state_key: "sm_req".to_string(),
            states: vec![
                new_request,
                triage,
                backlog,
                assigned,
                StateDef::closed("completed"),
                StateDef::closed("transfered"),
                StateDef::closed("declined"),
            ],
            usual_moves: vec![
                usual("new_request", "triage", None),
                usual("triage", "backlog", None),
                usual("triage", "transfered", None),
                usual(
                    "triage",
                    "assigned",
                    Some(
                        "Skip the backlog? Only urgent, time-critical requests go straight to assigned.",
                    ),
                ),
                usual("backlog", "assigned", None),
                usual("backlog", "declined", None),
                usual("assigned", "completed", None),
            ],
            teams: [
                "pmm",
                "tech-pmm",
                "Competitive Intelligence",
                "Partner Marketing",
                "mrci",
            ]
            .iter()
            .map(|t| t.to_string())
            .collect(),
            fields: GroomingFields::default(),
            extra_prefixes: vec!["devops::".to_string(), "Category:".to_string()],
        }
    }
}

impl Workflow {
    /// The label for state number `index`: `sm_req::backlog`.
    pub fn state_label(&self, index: usize) -> Option<String> {
        self.states
            .get(index)
            .map(|s| scoped(&self.state_key, &s.name))
    }

    /// Finds a state by its exact name.
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| s.name == name)
    }

    /// Finds a state the way a user types it: exact, then case-insensitive, with or without the
    /// `sm_req::` prefix, spaces or dashes for underscores.
    pub fn parse_state(&self, input: &str) -> Option<usize> {
        let trimmed = input.trim();
        let bare = split_scoped(trimmed)
            .filter(|(key, _)| *key == self.state_key)
            .map_or(trimmed, |(_, value)| value);
        if let Some(i) = self.state_index(bare) {
            return Some(i);
        }
        let normalise = |s: &str| s.to_lowercase().replace([' ', '-'], "_");
        let wanted = normalise(bare);
        self.states
            .iter()
            .position(|s| normalise(&s.name) == wanted)
    }

    /// The state names, for error messages: `new_request, triage, ...`.
    pub fn state_names(&self) -> String {
        self.states
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Is `from -> to` one of the moves the workflow expects?
    pub fn usual_move(&self, from: &str, to: &str) -> Option<&UsualMove> {
        self.usual_moves
            .iter()
            .find(|m| m.from == from && m.to == to)
    }

    /// The workflow with its states in the order of a GitLab board's lists (`sm_req::...`
    /// labels); states the board has no list for keep their place after those it has.
    pub fn ordered_like(&self, list_labels: &[String]) -> Workflow {
        let mut ordered = self.clone();
        let position = |state: &StateDef| {
            list_labels
                .iter()
                .position(|l| *l == scoped(&self.state_key, &state.name))
                .unwrap_or(usize::MAX)
        };
        ordered.states.sort_by_key(position);
        ordered
    }

    /// Is `label` one of the team labels?
    pub fn is_team(&self, label: &str) -> bool {
        self.teams.iter().any(|t| t == label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_sm_request_workflow() {
        let wf = Workflow::default();
        assert_eq!(
            wf.state_names(),
            "new_request, triage, backlog, assigned, completed, transfered, declined"
        );
        let closed: Vec<_> = wf
            .states
            .iter()
            .filter(|s| s.closed)
            .map(|s| &s.name)
            .collect();
        assert_eq!(closed, ["completed", "transfered", "declined"]);
        assert_eq!(wf.state_label(2).as_deref(), Some("sm_req::backlog"));
        assert_eq!(wf.teams.len(), 5);
    }

    #[test]
    fn columns_follow_a_board_s_list_order() {
        let wf = Workflow::default();
        let lists: Vec<String> = ["sm_req::triage", "sm_req::new_request", "sm_req::backlog"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            wf.ordered_like(&lists).state_names(),
            "triage, new_request, backlog, assigned, completed, transfered, declined"
        );
        assert_eq!(wf.ordered_like(&[]), wf);
    }

    #[test]
    fn states_parse_the_way_people_type_them() {
        let wf = Workflow::default();
        assert_eq!(wf.parse_state("backlog"), Some(2));
        assert_eq!(wf.parse_state("sm_req::assigned"), Some(3));
        assert_eq!(wf.parse_state("New Request"), Some(0));
        assert_eq!(wf.parse_state("new-request"), Some(0));
        assert_eq!(wf.parse_state(" TRIAGE "), Some(1));
        assert_eq!(
            wf.parse_state("transferred"),
            None,
            "the label's spelling is kept"
        );
        assert_eq!(wf.parse_state("other::backlog"), None);
    }
}

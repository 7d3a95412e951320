//! Moving a request between states, with the workflow's side effects as data.
//!
//! `plan_move` reads the rules (WORKFLOW.md, or the configured workflow) and returns the edit to
//! make plus the questions a human must answer first: confirm an unusual move, pick a team, an
//! assignee or a milestone. The app asks them one by one and feeds the answers back with the
//! `answer_*` methods. Nothing here does IO or reads the clock: `today` is passed in.

use std::collections::VecDeque;

use chrono::NaiveDate;

use crate::workflow::classify::Placement;
use crate::workflow::edit::{Change, IssueEdit, StateEvent};
use crate::workflow::issue::{IssueFacts, MilestoneInfo, UserRef, current_quarter_candidates};
use crate::workflow::labels::LabelDelta;
use crate::workflow::model::{MilestoneRule, Workflow};

/// A question the move needs answered before it can be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// Ask yes/no (default no): an unusual move, or a usual one with a warning.
    Confirm(String),
    /// The target state wants exactly one team label.
    Team,
    /// The target state wants an assignee.
    Assignee,
    /// The target state wants a milestone and the rule did not find exactly one.
    Milestone {
        /// What to offer (the covering ones when several, else every active one).
        candidates: Vec<MilestoneInfo>,
        /// Why the user is asked.
        reason: String,
    },
}

/// Why a move cannot be planned at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("the request is already in {0}")]
    AlreadyThere(String),
    #[error("there is no state number {0}")]
    NoSuchState(usize),
}

/// A move, ready to apply once `needs` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePlan {
    pub to: usize,
    pub edit: IssueEdit,
    pub needs: VecDeque<Need>,
    /// Things the user should know but need not answer ("no milestone SM_Backlog in the cache").
    pub notes: Vec<String>,
}

/// Plans moving `issue` (currently at `from`) to state `to`.
pub fn plan_move(
    wf: &Workflow,
    issue: &IssueFacts,
    from: Placement,
    to: usize,
    milestones: &[MilestoneInfo],
    today: NaiveDate,
) -> Result<MovePlan, MoveError> {
    let target = wf.states.get(to).ok_or(MoveError::NoSuchState(to))?;
    if from == Placement::State(to) {
        return Err(MoveError::AlreadyThere(target.title()));
    }
    let from_name = match from {
        Placement::State(i) => wf.states.get(i).map_or("?", |s| s.name.as_str()),
        Placement::Unlabelled => "unlabelled",
    };
    let mut needs = VecDeque::new();
    let mut notes = Vec::new();
    if let Placement::State(_) = from {
        match wf.usual_move(from_name, &target.name) {
            Some(usual) => {
                if let Some(question) = &usual.confirm {
                    needs.push_back(Need::Confirm(question.clone()));
                }
            }
            None => needs.push_back(Need::Confirm(format!(
                "Unusual move: {} -> {}. Move anyway?",
                from_name.replace('_', " "),
                target.title()
            ))),
        }
    }
    let mut edit = IssueEdit {
        summary: format!("move {from_name} -> {}", target.name),
        labels: LabelDelta::set_scoped(&issue.labels, &wf.state_key, &target.name),
        ..IssueEdit::default()
    };
    if target.closed && issue.open {
        edit.state_event = Some(StateEvent::Close);
    } else if !target.closed && !issue.open {
        edit.state_event = Some(StateEvent::Reopen);
    }
    if target.requires_team && issue.labels.iter().filter(|l| wf.is_team(l)).count() != 1 {
        needs.push_back(Need::Team);
    }
    if target.requires_assignee && issue.assignees.is_empty() {
        needs.push_back(Need::Assignee);
    }
    match &target.milestone {
        None => {}
        Some(MilestoneRule::Named(title)) => {
            let held = issue.milestone.as_ref().is_some_and(|m| &m.title == title);
            if !held {
                match milestones.iter().find(|m| &m.title == title) {
                    Some(found) => edit.milestone = Some(Change::Set(found.as_ref())),
                    None => notes.push(format!(
                        "no milestone `{title}` is known yet; set it later with M"
                    )),
                }
            }
        }
        Some(MilestoneRule::CurrentQuarter) => {
            let covering = current_quarter_candidates(milestones, today);
            let held = issue
                .milestone
                .as_ref()
                .is_some_and(|m| covering.iter().any(|c| c.id == m.id));
            match covering.as_slice() {
                _ if held => {}
                [only] => edit.milestone = Some(Change::Set(only.as_ref())),
                [] => needs.push_back(Need::Milestone {
                    candidates: milestones.iter().filter(|m| m.active).cloned().collect(),
                    reason: format!("no active milestone covers {today}: pick one"),
                }),
                several => needs.push_back(Need::Milestone {
                    candidates: several.iter().map(|m| (*m).clone()).collect(),
                    reason: format!("{} milestones cover {today}: pick one", several.len()),
                }),
            }
        }
    }
    Ok(MovePlan {
        to,
        edit,
        needs,
        notes,
    })
}

impl MovePlan {
    /// Records the team chosen for `Need::Team`.
    pub fn answer_team(&mut self, wf: &Workflow, issue: &IssueFacts, team: &str) {
        let current = self.edit.labels.apply(&issue.labels);
        self.edit
            .labels
            .merge(LabelDelta::set_one_of(&current, &wf.teams, team));
        self.edit.summary.push_str(&format!(", team {team}"));
    }

    /// Records the assignee chosen for `Need::Assignee`.
    pub fn answer_assignee(&mut self, user: UserRef) {
        self.edit.summary.push_str(&format!(", @{}", user.username));
        self.edit.assignees = Some(vec![user]);
    }

    /// Records the milestone chosen for `Need::Milestone` (`None`: leave it as it is).
    pub fn answer_milestone(&mut self, milestone: Option<&MilestoneInfo>) {
        if let Some(m) = milestone {
            self.edit.summary.push_str(&format!(", {}", m.title));
            self.edit.milestone = Some(Change::Set(m.as_ref()));
        }
    }
}

#[cfg(test)]
#[path = "transition_tests.rs"]
mod tests;

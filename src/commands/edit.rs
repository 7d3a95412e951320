//! `sm-board move` and `sm-board label`: the same edits the TUI makes, from the shell. They are
//! applied to the cache and queued in the outbox atomically; sync pushes them.

use chrono::{DateTime, Utc};

use crate::store::{self, IssueRecord, Store};
use crate::workflow::edit::change_labels;
use crate::workflow::{IssueEdit, Need, UserRef, Workflow, classify, plan_move};

/// Answers the CLI can give to a move's questions.
#[derive(Debug, Clone, Default)]
pub struct MoveAnswers {
    pub yes: bool,
    pub team: Option<String>,
    pub assignee: Option<String>,
    pub milestone: Option<String>,
}

/// A refusal that tells the user what to type instead.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(
        "no cached request matches `{0}`: check the reference (12, #12, group/project#12 or its URL)"
    )]
    NotFound(String),
    #[error(
        "`{reference}` matches several requests: {matches}; use the full group/project#iid form"
    )]
    Ambiguous { reference: String, matches: String },
    #[error("unknown state `{given}`; valid states: {valid}")]
    UnknownState { given: String, valid: String },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

pub fn resolve(store: &Store, reference: &str) -> Result<IssueRecord, EditError> {
    let mut found = store::find_by_reference(store.conn(), reference)?;
    match found.len() {
        0 => Err(EditError::NotFound(reference.to_string())),
        1 => Ok(found.remove(0)),
        _ => Err(EditError::Ambiguous {
            reference: reference.to_string(),
            matches: found
                .iter()
                .map(|r| r.reference.clone())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Plans and queues a move; returns the edit that was queued.
/// The cached member called `username` (with or without `@`).
fn member(store: &Store, username: &str) -> Result<UserRef, EditError> {
    let username = username.trim_start_matches('@');
    let member = store::load_members(store.conn())?
        .into_iter()
        .find(|m| m.username == username)
        .ok_or_else(|| {
            EditError::Refused(format!(
                "no cached member is called @{username}; run `sm-board sync` or check the name"
            ))
        })?;
    Ok(UserRef {
        id: member.id,
        username: member.username,
        name: member.name,
    })
}

/// The cached milestone titled `title`.
fn milestone<'m>(
    milestones: &'m [crate::workflow::MilestoneInfo],
    title: &str,
) -> Result<&'m crate::workflow::MilestoneInfo, EditError> {
    milestones
        .iter()
        .find(|m| m.title == title)
        .ok_or_else(|| EditError::Refused(format!("no cached milestone is titled `{title}`")))
}

pub fn queue_move(
    store: &Store,
    wf: &Workflow,
    reference: &str,
    state: &str,
    answers: &MoveAnswers,
    now: DateTime<Utc>,
) -> Result<(IssueRecord, IssueEdit, Vec<String>), EditError> {
    let issue = resolve(store, reference)?;
    let to = wf
        .parse_state(state)
        .ok_or_else(|| EditError::UnknownState {
            given: state.to_string(),
            valid: wf.state_names(),
        })?;
    let milestones = store::load_milestones(store.conn())?;
    let placement = classify(wf, &issue.facts).placement;
    let mut plan = plan_move(
        wf,
        &issue.facts,
        placement,
        to,
        &milestones,
        now.date_naive(),
    )
    .map_err(|e| EditError::Refused(format!("#{}: {e}", issue.iid)))?;
    let (mut team_used, mut assignee_used, mut milestone_used) = (false, false, false);
    while let Some(need) = plan.needs.pop_front() {
        match need {
            Need::Confirm(question) if !answers.yes => {
                return Err(EditError::Refused(format!(
                    "{question}\nPass --yes to make this move."
                )));
            }
            Need::Confirm(_) => {}
            Need::Team => {
                let team = answers.team.as_deref().ok_or_else(|| {
                    EditError::Refused(format!(
                        "{} needs exactly one team: pass --team with one of: {}",
                        wf.states[to].name,
                        wf.teams.join(", ")
                    ))
                })?;
                if !wf.is_team(team) {
                    return Err(EditError::Refused(format!(
                        "`{team}` is not a team; teams: {}",
                        wf.teams.join(", ")
                    )));
                }
                plan.answer_team(wf, &issue.facts, team);
                team_used = true;
            }
            Need::Assignee => {
                let username = answers.assignee.as_deref().ok_or_else(|| {
                    EditError::Refused(format!(
                        "{} needs an assignee: pass --assignee USERNAME",
                        wf.states[to].name
                    ))
                })?;
                plan.answer_assignee(member(store, username)?);
                assignee_used = true;
            }
            Need::Milestone { candidates, reason } => {
                let title = answers.milestone.as_deref().ok_or_else(|| {
                    EditError::Refused(format!(
                        "{reason}: pass --milestone with one of: {}",
                        candidates
                            .iter()
                            .map(|m| m.title.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
                plan.answer_milestone(Some(milestone(&milestones, title)?));
                milestone_used = true;
            }
        }
    }
    // What was asked for explicitly is never dropped: a --team, --assignee or --milestone the
    // move did not need still applies (a team replaces the one the request has).
    if let (Some(team), false) = (answers.team.as_deref(), team_used) {
        if !wf.is_team(team) {
            return Err(EditError::Refused(format!(
                "`{team}` is not a team; teams: {}",
                wf.teams.join(", ")
            )));
        }
        plan.answer_team(wf, &issue.facts, team);
    }
    if let (Some(username), false) = (answers.assignee.as_deref(), assignee_used) {
        plan.answer_assignee(member(store, username)?);
    }
    if let (Some(title), false) = (answers.milestone.as_deref(), milestone_used) {
        plan.answer_milestone(Some(milestone(&milestones, title)?));
    }
    let after = store::apply_edit(store.conn(), issue.id, &plan.edit, &wf.state_key, now)?;
    Ok((after, plan.edit, plan.notes))
}

/// Queues label changes; returns the edit, or `None` when nothing would change.
pub fn queue_labels(
    store: &Store,
    wf: &Workflow,
    reference: &str,
    labels: &[String],
    now: DateTime<Utc>,
) -> Result<(IssueRecord, Option<IssueEdit>), EditError> {
    let issue = resolve(store, reference)?;
    let edit = change_labels(&issue.facts, labels);
    if edit.labels.is_empty() {
        return Ok((issue, None));
    }
    let after = store::apply_edit(store.conn(), issue.id, &edit, &wf.state_key, now)?;
    Ok((after, Some(edit)))
}

/// Finds the conflicted outbox entry of a request.
pub fn conflict_of(
    store: &Store,
    reference: &str,
) -> Result<(IssueRecord, i64, String), EditError> {
    let issue = resolve(store, reference)?;
    store::list_outbox(store.conn())?
        .into_iter()
        .find(|e| e.issue_id == issue.id && e.status == store::OutboxStatus::Conflict)
        .map(|e| (issue.clone(), e.seq, e.last_error.unwrap_or_default()))
        .ok_or_else(|| {
            EditError::Refused(format!("{} has no conflict to resolve", issue.reference))
        })
}

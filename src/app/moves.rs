//! Moving one or many requests: plan every move, ask each question the plans need once (confirm
//! an unusual move, pick a team, an assignee, a milestone), apply the answer to every plan that
//! needs it, then save all the edits as one batch.

use crate::app::history::new_batch;
use crate::app::msg::{EditOrigin, Effect};
use crate::app::pickers;
use crate::app::state::{
    AppState, BatchNote, Confirm, ConfirmPurpose, Overlay, PendingMove, PickPurpose, PickValue,
    Tone,
};
use crate::workflow::{Need, plan_move};

/// Plans moving each `(issue, target state)`; requests already there are skipped.
pub fn start(state: &mut AppState, targets: Vec<(i64, usize)>) -> Vec<Effect> {
    let mut moves = Vec::new();
    let mut refusals = Vec::new();
    for (issue_id, to) in targets {
        let Some(card) = state.card_by_id(issue_id) else {
            continue;
        };
        match plan_move(
            &state.workflow,
            &card.record.facts,
            card.class.placement,
            to,
            &state.milestones,
            state.today,
        ) {
            Ok(plan) => moves.push((issue_id, plan)),
            Err(err) => refusals.push(format!("{}: {err}", card.short_ref())),
        }
    }
    if moves.is_empty() {
        let text = refusals.join("; ");
        state.say(
            Tone::Warn,
            if text.is_empty() {
                "nothing to move".into()
            } else {
                text
            },
        );
        return Vec::new();
    }
    state.pending_move = Some(PendingMove { moves });
    advance(state)
}

/// Asks the next question any plan still has, or saves every move when none is left.
pub fn advance(state: &mut AppState) -> Vec<Effect> {
    let Some(pending) = state.pending_move.as_ref() else {
        return Vec::new();
    };
    let total = pending.moves.len();
    let next = pending
        .moves
        .iter()
        .find_map(|(id, plan)| plan.needs.front().cloned().map(|need| (*id, need, plan.to)));
    let Some((issue_id, need, to)) = next else {
        return finish(state);
    };
    let needing = |state: &AppState, same: &dyn Fn(&Need) -> bool| {
        state.pending_move.as_ref().map_or(0, |p| {
            p.moves
                .iter()
                .filter(|(_, plan)| plan.needs.iter().any(same))
                .count()
        })
    };
    let Some(card) = state.card_by_id(issue_id).cloned() else {
        state.pending_move = None;
        return Vec::new();
    };
    let target = state.workflow.states[to].title();
    let many = |n: usize| {
        if total > 1 {
            format!(" for {n} of {total} requests")
        } else {
            String::new()
        }
    };
    match need {
        Need::Confirm(question) => {
            let n = needing(state, &|n| matches!(n, Need::Confirm(_)));
            let question = if total > 1 {
                format!("{n} of the {total} moves ask: {question}")
            } else {
                question
            };
            state.overlay = Some(Overlay::Confirm(Confirm {
                question,
                yes_selected: false,
                purpose: ConfirmPurpose::Move,
            }));
        }
        Need::Team => {
            let n = needing(state, &|n| matches!(n, Need::Team));
            let why = format!(" ({target} needs exactly one team{})", many(n));
            state.overlay = Some(Overlay::Picker(pickers::teams(
                state,
                &card,
                PickPurpose::MoveAnswer,
                &why,
            )));
        }
        Need::Assignee if state.members.is_empty() => {
            if let Some(pending) = state.pending_move.as_mut() {
                for (_, plan) in &mut pending.moves {
                    if plan.needs.iter().any(|n| matches!(n, Need::Assignee)) {
                        plan.needs.retain(|n| !matches!(n, Need::Assignee));
                        plan.notes
                            .push("no members cached yet: assign someone later with a".into());
                    }
                }
            }
            return advance(state);
        }
        Need::Assignee => {
            let n = needing(state, &|n| matches!(n, Need::Assignee));
            let why = format!(" ({target} needs someone working on it{})", many(n));
            state.overlay = Some(Overlay::Picker(pickers::assignees(
                state,
                &card,
                PickPurpose::MoveAnswer,
                &why,
            )));
        }
        Need::Milestone { candidates, reason } => {
            state.overlay = Some(Overlay::Picker(pickers::move_milestones(
                &card,
                &candidates,
                &reason,
            )));
        }
    }
    Vec::new()
}

/// Every plan answered: save them all as one batch.
fn finish(state: &mut AppState) -> Vec<Effect> {
    let Some(done) = state.pending_move.take() else {
        return Vec::new();
    };
    let batch = new_batch(state);
    let notes: Vec<String> = done
        .moves
        .iter()
        .flat_map(|(_, plan)| plan.notes.iter().cloned())
        .collect();
    if !notes.is_empty() {
        state.say(Tone::Warn, notes.join("; "));
    }
    if done.moves.len() > 1 {
        let targets: std::collections::BTreeSet<usize> =
            done.moves.iter().map(|(_, p)| p.to).collect();
        let whereto = match targets.iter().next() {
            Some(&to) if targets.len() == 1 => format!("to {}", state.workflow.states[to].name),
            _ => "one state on".to_string(),
        };
        state.batch_note = Some(BatchNote {
            id: batch,
            remaining: done.moves.len(),
            summary: format!("moved {} requests {whereto}", done.moves.len()),
        });
    }
    done.moves
        .into_iter()
        .map(|(issue_id, plan)| Effect::SaveEdit {
            issue_id,
            edit: plan.edit,
            origin: EditOrigin::User { batch },
        })
        .collect()
}

/// The picker's answer to the current question, for every plan that asks it.
pub fn answer(state: &mut AppState, choice: PickValue) -> Vec<Effect> {
    let facts: Vec<(i64, crate::workflow::IssueFacts)> = state
        .pending_move
        .as_ref()
        .map(|p| {
            p.moves
                .iter()
                .filter_map(|(id, _)| state.card_by_id(*id).map(|c| (*id, c.record.facts.clone())))
                .collect()
        })
        .unwrap_or_default();
    let workflow = state.workflow.clone();
    let Some(pending) = state.pending_move.as_mut() else {
        return Vec::new();
    };
    for (id, plan) in &mut pending.moves {
        match &choice {
            PickValue::Team(team) if plan.needs.contains(&Need::Team) => {
                if let Some((_, f)) = facts.iter().find(|(fid, _)| fid == id) {
                    plan.answer_team(&workflow, f, team);
                }
                plan.needs.retain(|n| *n != Need::Team);
            }
            PickValue::Assignee(Some(user)) if plan.needs.contains(&Need::Assignee) => {
                plan.answer_assignee(user.clone());
                plan.needs.retain(|n| *n != Need::Assignee);
            }
            PickValue::Milestone(m)
                if plan
                    .needs
                    .iter()
                    .any(|n| matches!(n, Need::Milestone { .. })) =>
            {
                plan.answer_milestone(m.as_ref());
                plan.needs.retain(|n| !matches!(n, Need::Milestone { .. }));
            }
            _ => {}
        }
    }
    advance(state)
}

/// "Yes" to the confirmation: every plan's confirmation is answered.
pub fn confirmed(state: &mut AppState) -> Vec<Effect> {
    if let Some(pending) = state.pending_move.as_mut() {
        for (_, plan) in &mut pending.moves {
            plan.needs.retain(|n| !matches!(n, Need::Confirm(_)));
        }
    }
    advance(state)
}

pub fn cancel(state: &mut AppState) {
    if let Some(pending) = state.pending_move.take() {
        let text = match pending.moves.as_slice() {
            [(_, plan)] => format!(
                "move to {} cancelled: nothing changed",
                state.workflow.states[plan.to].title()
            ),
            many => format!("moving {} requests cancelled: nothing changed", many.len()),
        };
        state.say(Tone::Info, text);
    }
}

//! Keys while something is open on top of the board: pickers (direct edits, move answers,
//! views, the command palette), confirmations, the due-date input, and scrolling help and
//! detail (the filter line is `filter_line`). Pure, like `update`, which dispatches here.

use crate::app::board::{as_on_board, quit};
use crate::app::dates::parse_due_date;
use crate::app::filter_line::{edit_text, set_filter};
use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::state::{AppState, ConfirmPurpose, Overlay, PickPurpose, PickValue, Tone};
use crate::app::{history, moves};
use crate::workflow::IssueEdit;
use crate::workflow::edit::{
    clear_field, set_assignees, set_due_date, set_field, set_milestone, set_team,
};

fn say(state: &mut AppState, tone: Tone, text: String) {
    state.say(tone, text);
}

pub(crate) fn on_scroll_action(state: &mut AppState, action: Action) {
    let page = state.viewport.1.saturating_sub(8).max(1);
    let scroll = match &mut state.overlay {
        Some(Overlay::Detail(detail)) => &mut detail.scroll,
        Some(Overlay::Help { scroll, .. }) => scroll,
        _ => return,
    };
    match action {
        Action::SelectDown => *scroll = scroll.saturating_add(1),
        Action::SelectUp => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = scroll.saturating_add(page),
        Action::PageUp => *scroll = scroll.saturating_sub(page),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = u16::MAX / 2,
        Action::Dismiss => state.overlay = None,
        _ => {}
    }
}

pub(crate) fn on_picker_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::Picker(picker)) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Action::SelectUp => picker.cursor = picker.cursor.saturating_sub(1),
        Action::SelectDown => {
            let count = picker.filtered().len();
            picker.cursor = (picker.cursor + 1).min(count.saturating_sub(1));
        }
        Action::DeleteChar => edit_text(state, tui_input::InputRequest::DeletePrevChar),
        Action::Dismiss => {
            let purpose = picker.purpose;
            state.overlay = None;
            if purpose == PickPurpose::MoveAnswer {
                moves::cancel(state);
            }
        }
        Action::Confirm => {
            let Some(choice) = picker
                .filtered()
                .get(picker.cursor)
                .map(|o| o.value.clone())
            else {
                say(
                    state,
                    Tone::Warn,
                    "nothing matches: Backspace edits the filter".into(),
                );
                return Vec::new();
            };
            let (purpose, issue_id) = (picker.purpose, picker.issue_id);
            state.overlay = None;
            return match purpose {
                PickPurpose::Edit => apply_choice(state, issue_id, choice),
                PickPurpose::MoveAnswer => moves::answer(state, choice),
            };
        }
        _ => {}
    }
    Vec::new()
}

/// A picker choice made as a direct edit, applied to every target.
fn apply_choice(state: &mut AppState, issue_id: i64, choice: PickValue) -> Vec<Effect> {
    let targets = if state.marked.is_empty() {
        vec![issue_id]
    } else {
        state.targets()
    };
    if let PickValue::State(to) = choice {
        return moves::start(state, targets.into_iter().map(|id| (id, to)).collect());
    }
    if let PickValue::Action(action) = choice {
        // As if its key were pressed on the board.
        return as_on_board(state, action);
    }
    if let PickValue::DuplicateOf(original) = &choice {
        return close_as_duplicate(state, issue_id, original);
    }
    if let PickValue::View(query) = choice {
        set_filter(state, query.as_deref().unwrap_or(""));
        return Vec::new();
    }
    let workflow = state.workflow.clone();
    let mut what = String::new();
    let edits: Vec<(i64, IssueEdit)> = targets
        .iter()
        .filter_map(|id| state.card_by_id(*id))
        .filter_map(|card| {
            let facts = &card.record.facts;
            let edit = match &choice {
                PickValue::State(_)
                | PickValue::View(_)
                | PickValue::Action(_)
                | PickValue::DuplicateOf(_) => return None,
                PickValue::Field(field, value) => {
                    let def = workflow.fields.all().get(*field).copied()?;
                    match value {
                        Some(value) => set_field(facts, def, value),
                        None => clear_field(facts, def),
                    }
                }
                PickValue::Team(team) => set_team(&workflow, facts, team),
                PickValue::Milestone(m) => set_milestone(m.as_ref().map(|m| m.as_ref())),
                PickValue::Assignee(user) => set_assignees(user.clone().into_iter().collect()),
            };
            Some((card.record.id, edit))
        })
        .collect();
    if let Some((_, first)) = edits.first() {
        what = first.summary.clone();
    }
    history::save_batch(state, edits, what)
}

/// Moves the request to the state duplicates close into (`declined`, else the last closed
/// state) with that state's side effects, as one undoable edit, and queues GitLab's
/// `/duplicate` quick action so GitLab links the two. Choosing the original is the
/// confirmation: no further question is asked; a move that needs an answer is refused.
fn close_as_duplicate(state: &mut AppState, issue_id: i64, original: &str) -> Vec<Effect> {
    let wf = &state.workflow;
    let to = wf
        .state_index("declined")
        .or_else(|| wf.states.iter().rposition(|s| s.closed));
    let (Some(to), Some(card)) = (to, state.card_by_id(issue_id)) else {
        return Vec::new();
    };
    let short = card.short_ref();
    let planned = crate::workflow::plan_move(
        wf,
        &card.record.facts,
        card.class.placement,
        to,
        &state.milestones,
        state.today,
    );
    // Choosing the original answered "is this move meant?" (new_request -> declined is
    // unusual); anything else the move needs is asked for by `m`, not guessed.
    let plan = match planned {
        Ok(plan)
            if plan
                .needs
                .iter()
                .all(|n| matches!(n, crate::workflow::Need::Confirm(_))) =>
        {
            plan
        }
        Ok(_) => {
            say(
                state,
                Tone::Warn,
                format!("{short}: closing it needs answers: use m"),
            );
            return Vec::new();
        }
        Err(err) => {
            say(state, Tone::Warn, format!("{short}: {err}"));
            return Vec::new();
        }
    };
    let original_short = original.rsplit_once('#').map_or(original, |(_, iid)| iid);
    let mut effects = history::save_batch(
        state,
        vec![(issue_id, plan.edit)],
        format!("closed as a duplicate of #{original_short}"),
    );
    // Effects run last first: the move is queued before the comment, so GitLab closes it
    // through the edit and the quick action then only links the two.
    effects.insert(
        0,
        Effect::QueueComment {
            issue_id,
            body: format!("/duplicate {original}"),
        },
    );
    effects
}

pub(crate) fn on_confirm_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = &mut state.overlay else {
        return Vec::new();
    };
    let purpose = confirm.purpose;
    let yes = match action {
        Action::SwitchChoice => {
            confirm.yes_selected = !confirm.yes_selected;
            return Vec::new();
        }
        Action::Dismiss if !matches!(purpose, ConfirmPurpose::Move) => {
            state.overlay = None;
            return Vec::new();
        }
        Action::Yes => true,
        Action::No | Action::Dismiss => false,
        Action::Confirm => confirm.yes_selected,
        _ => return Vec::new(),
    };
    state.overlay = None;
    match purpose {
        ConfirmPurpose::Conflict { issue_id } => vec![Effect::ResolveConflict {
            issue_id,
            keep_mine: yes,
        }],
        ConfirmPurpose::Quit if yes => quit(state),
        ConfirmPurpose::Quit => Vec::new(),
        ConfirmPurpose::Move if yes => moves::confirmed(state),
        ConfirmPurpose::Move => {
            moves::cancel(state);
            Vec::new()
        }
    }
}

pub(crate) fn on_input_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::DateInput(input)) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Action::DeleteChar => edit_text(state, tui_input::InputRequest::DeletePrevChar),
        Action::Dismiss => state.overlay = None,
        Action::Confirm => match parse_due_date(input.text.value(), state.today) {
            Err(error) => input.error = Some(error),
            Ok(due) => {
                let issue_id = input.issue_id;
                state.overlay = None;
                let targets = if state.marked.is_empty() {
                    vec![issue_id]
                } else {
                    state.targets()
                };
                let edits: Vec<(i64, IssueEdit)> = targets
                    .into_iter()
                    .filter(|id| {
                        state
                            .card_by_id(*id)
                            .is_some_and(|c| c.record.facts.due_date != due)
                    })
                    .map(|id| (id, set_due_date(due)))
                    .collect();
                let what = set_due_date(due).summary;
                return history::save_batch(state, edits, what);
            }
        },
        _ => {}
    }
    Vec::new()
}

//! Actions on the selected card (or every marked card): moves, grooming fields, due dates,
//! comments, links, copying and opening.

use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::state::{AppState, Card, DateInput, Detail, Overlay, PickPurpose, Tone};
use crate::app::{history, moves, pickers};
use crate::workflow::Placement;
use crate::workflow::edit::{IssueEdit, set_field, toggle_field};

/// Actions on the selected card, or on every marked card.
pub(crate) fn on_card_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(card) = state.selected_card().cloned() else {
        state.say(
            Tone::Warn,
            "no request selected: this column is empty".into(),
        );
        return Vec::new();
    };
    let issue_id = card.record.id;
    let targets = state.targets();
    let states = state.workflow.states.len();
    match action {
        Action::MovePrev | Action::MoveNext => {
            let step = |placement: Placement| match (action, placement) {
                (Action::MovePrev, Placement::State(i)) if i > 0 => Some(i - 1),
                (Action::MoveNext, Placement::State(i)) if i + 1 < states => Some(i + 1),
                (Action::MoveNext, Placement::Unlabelled) => Some(0),
                _ => None,
            };
            let moves: Vec<(i64, usize)> = targets
                .iter()
                .filter_map(|id| state.card_by_id(*id))
                .filter_map(|c| step(c.class.placement).map(|to| (c.record.id, to)))
                .collect();
            if moves.is_empty() {
                let edge = if action == Action::MovePrev {
                    "first"
                } else {
                    "last"
                };
                state.say(Tone::Warn, format!("already in the {edge} state"));
                return Vec::new();
            }
            return moves::start(state, moves);
        }
        Action::MoveTo => state.overlay = Some(Overlay::Picker(pickers::states(state, &card))),
        Action::SetPriority => open_field_picker(state, &card, 0),
        Action::SetUseCase => open_field_picker(state, &card, 3),
        Action::SetGtmPhase => open_field_picker(state, &card, 4),
        Action::ToggleDod | Action::ToggleEteam => {
            let field = if action == Action::ToggleDod {
                state.workflow.fields.dod.clone()
            } else {
                state.workflow.fields.eteam.clone()
            };
            // Many cards get one value: the second when all already hold the first.
            let first = field.values.first().cloned().unwrap_or_default();
            let second = field.values.get(1).cloned().unwrap_or_default();
            let all_first = targets
                .iter()
                .filter_map(|id| state.card_by_id(*id))
                .all(|c| {
                    crate::workflow::labels::single_value(&c.record.facts.labels, &field.key)
                        == Some(first.as_str())
                });
            let value = if all_first { second } else { first };
            let edits: Vec<(i64, IssueEdit)> = targets
                .iter()
                .filter_map(|id| state.card_by_id(*id))
                .map(|c| {
                    let edit = if targets.len() == 1 {
                        toggle_field(&c.record.facts, &field)
                    } else {
                        set_field(&c.record.facts, &field, &value)
                    };
                    (c.record.id, edit)
                })
                .collect();
            return history::save_batch(state, edits, format!("{}::{value}", field.key));
        }
        Action::SetTeam => {
            state.overlay = Some(Overlay::Picker(pickers::teams(
                state,
                &card,
                PickPurpose::Edit,
                "",
            )));
        }
        Action::SetMilestone => {
            state.overlay = Some(Overlay::Picker(pickers::milestones(state, &card)));
        }
        Action::SetAssignee => {
            state.overlay = Some(Overlay::Picker(pickers::assignees(
                state,
                &card,
                PickPurpose::Edit,
                "",
            )));
        }
        Action::CloseAsDuplicate => match pickers::duplicates(state, &card) {
            Some(picker) => state.overlay = Some(Overlay::Picker(picker)),
            None => state.say(
                Tone::Info,
                format!(
                    "no look-alike of {} is known (new and triaged requests are compared)",
                    card.short_ref()
                ),
            ),
        },
        Action::AcceptSuggestions => {
            // Every suggestion shown, on the selected request or every marked one: one undo.
            let edits: Vec<(i64, IssueEdit)> = targets
                .iter()
                .filter_map(|id| state.card_by_id(*id))
                .filter_map(|c| {
                    let labels: Vec<String> = state
                        .suggestions_for(c)
                        .iter()
                        .map(|s| s.label.clone())
                        .collect();
                    (!labels.is_empty()).then(|| {
                        (
                            c.record.id,
                            crate::workflow::edit::change_labels(&c.record.facts, &labels),
                        )
                    })
                })
                .collect();
            if edits.is_empty() {
                state.say(Tone::Info,
                    "no suggestion to accept: the history is not sure enough about the empty fields"
                        .into(),
                );
                return Vec::new();
            }
            return history::save_batch(state, edits, "suggested labels".into());
        }
        Action::SetDueDate => {
            // The current date shows; typing replaces it, arrows edit it.
            let current = card.record.facts.due_date.map(|d| d.to_string());
            state.overlay = Some(Overlay::DateInput(DateInput {
                issue_id,
                text: crate::app::text_field::TextField::prefilled(
                    current.as_deref().unwrap_or_default(),
                ),
                error: None,
            }));
        }
        Action::Comment => return vec![Effect::WriteComment { issue_id }],
        Action::OpenInBrowser => {
            state.say(
                Tone::Info,
                format!("opening {} in the browser", card.short_ref()),
            );
            return vec![Effect::OpenUrl(card.record.web_url.to_string())];
        }
        Action::CopyLink | Action::CopyReference => {
            let text = if action == Action::CopyLink {
                card.record.web_url.to_string()
            } else {
                card.record.reference.clone()
            };
            state.say(Tone::Info, format!("copied {text}"));
            return vec![Effect::Copy(text)];
        }
        Action::OpenDetail => {
            state.overlay = Some(Overlay::Detail(Detail::new(issue_id)));
            return vec![Effect::LoadDetail { issue_id }];
        }
        _ => {}
    }
    Vec::new()
}

pub(crate) fn open_field_picker(state: &mut AppState, card: &Card, field: usize) {
    if let Some(picker) = pickers::field(state, card, field) {
        state.overlay = Some(Overlay::Picker(picker));
    }
}

//! The board and grooming pane: moving between columns and cards, marking, and the board-wide
//! actions (views, closed columns, undo, sync, the triage queue).

use crate::app::cards::on_card_action;
use crate::app::filter_line::clear_filter;
use crate::app::keymap::{Action, Mode};
use crate::app::msg::Effect;
use crate::app::state::ConfirmPurpose;
use crate::app::state::{
    AppState, Confirm, Focus, GROOM_ROWS, GroomRow, Overlay, PickPurpose, PickValue, Tone,
    keep_visible,
};
use crate::app::{history, triage};

pub(crate) fn toggle_mark(state: &mut AppState) {
    let Some(id) = state.selected_card().map(|c| c.record.id) else {
        return;
    };
    if !state.marked.remove(&id) {
        state.marked.insert(id);
    }
    step_card(state, 1);
    let n = state.marked.len();
    state.say(
        Tone::Info,
        format!("{n} marked: actions apply to all of them (Esc unmarks)"),
    );
}

pub(crate) fn mark_column(state: &mut AppState) {
    let Some(column) = state.columns.get(state.focused_column) else {
        return;
    };
    let ids: Vec<i64> = column
        .cards
        .iter()
        .map(|&i| state.cards[i].record.id)
        .collect();
    if ids.iter().all(|id| state.marked.contains(id)) {
        for id in &ids {
            state.marked.remove(id);
        }
    } else {
        state.marked.extend(ids);
    }
    let n = state.marked.len();
    state.say(
        Tone::Info,
        format!("{n} marked: actions apply to all of them (Esc unmarks)"),
    );
}

pub(crate) fn on_board_action(state: &mut AppState, mode: Mode, action: Action) -> Vec<Effect> {
    match action {
        Action::SelectLeft => step_column(state, -1),
        Action::SelectRight => step_column(state, 1),
        Action::SelectUp if mode == Mode::Grooming => {
            state.groom_row = state.groom_row.saturating_sub(1);
        }
        Action::SelectDown if mode == Mode::Grooming => {
            state.groom_row = (state.groom_row + 1).min(GROOM_ROWS.len() - 1);
        }
        Action::SelectUp => step_card(state, -1),
        Action::SelectDown => step_card(state, 1),
        Action::PageUp => step_card(state, -(state.cards_per_page() as isize)),
        Action::PageDown => step_card(state, state.cards_per_page() as isize),
        Action::FirstColumn => step_column(state, isize::MIN / 2),
        Action::LastColumn => step_column(state, isize::MAX / 2),
        Action::Top => step_card(state, isize::MIN / 2),
        Action::Bottom => step_card(state, isize::MAX / 2),
        Action::ToggleGrooming => {
            state.focus = match state.focus {
                Focus::Board => Focus::Grooming,
                Focus::Grooming => Focus::Board,
            };
        }
        Action::Dismiss => {
            if state.triage.is_some() {
                triage::end(state);
                state.focus = Focus::Board;
            } else if state.focus == Focus::Grooming {
                state.focus = Focus::Board;
            } else if !state.marked.is_empty() {
                let n = state.marked.len();
                state.marked.clear();
                state.say(Tone::Info, format!("{n} marks cleared"));
            } else if state.filter.is_some() {
                clear_filter(state);
            } else {
                state.message = None;
            }
        }
        Action::Palette => {
            let options = state
                .keymap
                .bindings(Mode::Board)
                .into_iter()
                .filter(|(action, _)| *action != Action::Palette)
                .map(|(action, keys)| crate::app::state::PickOption {
                    label: action.describe().to_string(),
                    detail: keys
                        .iter()
                        .map(|k| k.to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                    current: false,
                    value: PickValue::Action(action),
                })
                .collect();
            state.overlay = Some(Overlay::Picker(crate::app::state::Picker {
                title: "Command".into(),
                purpose: PickPurpose::Edit,
                issue_id: 0,
                options,
                query: Default::default(),
                cursor: 0,
            }));
        }
        Action::Views => {
            if state.views.is_empty() {
                state.say(
                    Tone::Info,
                    "no views: add [views] to the config, like \"mine\" = \"@yourname is:open\""
                        .into(),
                );
                return Vec::new();
            }
            let current = state.filter.as_ref().map(|f| f.text.clone());
            let mut options: Vec<crate::app::state::PickOption> = state
                .views
                .iter()
                .map(|(name, query)| crate::app::state::PickOption {
                    label: name.clone(),
                    detail: query.clone(),
                    current: current.as_deref() == Some(query.trim()),
                    value: PickValue::View(Some(query.clone())),
                })
                .collect();
            options.push(crate::app::state::PickOption {
                label: "(no filter)".into(),
                detail: String::new(),
                current: current.is_none(),
                value: PickValue::View(None),
            });
            let cursor = options.iter().position(|o| o.current).unwrap_or(0);
            state.overlay = Some(Overlay::Picker(crate::app::state::Picker {
                title: "View".into(),
                purpose: PickPurpose::Edit,
                issue_id: 0,
                options,
                query: Default::default(),
                cursor,
            }));
        }
        Action::Filter => {
            let text = state
                .filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default();
            let text = if text.is_empty() {
                text
            } else {
                format!("{text} ")
            };
            state.overlay = Some(Overlay::Filter(crate::app::state::FilterInput {
                text: crate::app::text_field::TextField::new(&text),
                error: None,
            }));
        }
        Action::ToggleClosed => toggle_closed(state),
        Action::Undo => return history::undo(state),
        Action::Redo => return history::redo(state),
        Action::Triage => triage::start(state),
        Action::Standup => {
            return crate::app::insight::open(state, crate::app::insight::InsightKind::Standup);
        }
        Action::Flow => {
            return crate::app::insight::open(state, crate::app::insight::InsightKind::Flow);
        }
        Action::Skip if state.triage.is_some() => triage::next(state),
        Action::Mark => toggle_mark(state),
        Action::MarkColumn => mark_column(state),
        Action::SyncNow => {
            if !state.sync.enabled {
                let why = state.sync.unavailable.clone().unwrap_or_else(|| {
                    "no GitLab configured: set [gitlab] url and group in the config file, or \
                     pass --gitlab-url and --group"
                        .into()
                });
                state.say(Tone::Warn, why);
                return Vec::new();
            }
            if state.sync.running {
                state.say(Tone::Info, "already syncing".into());
                return Vec::new();
            }
            state.say(Tone::Info, "syncing…".into());
            return vec![Effect::SyncNow { full: false }];
        }
        Action::ResolveConflict => {
            let Some(card) = state.selected_card() else {
                return Vec::new();
            };
            let Some(why) = card.conflict.clone() else {
                state.say(Tone::Info, format!("{} has no conflict", card.short_ref()));
                return Vec::new();
            };
            let issue_id = card.record.id;
            state.overlay = Some(Overlay::Confirm(Confirm {
                question: format!(
                    "{}: {why}. Keep your edit and send it again (y), or take GitLab's (n)? \
                     Esc decides later.",
                    card.short_ref()
                ),
                yes_selected: false,
                purpose: ConfirmPurpose::Conflict { issue_id },
            }));
        }
        Action::EditField => {
            let row = GROOM_ROWS
                .get(state.groom_row)
                .copied()
                .unwrap_or(GroomRow::State);
            return on_board_action(state, mode, row.action());
        }
        _ => return on_card_action(state, action),
    }
    Vec::new()
}

pub(crate) fn step_column(state: &mut AppState, delta: isize) {
    let visible = state.visible_columns();
    let Some(pos) = visible.iter().position(|&c| c == state.focused_column) else {
        state.focused_column = visible.first().copied().unwrap_or(0);
        return;
    };
    let next = (pos as isize + delta).clamp(0, visible.len() as isize - 1) as usize;
    state.focused_column = visible[next];
}

pub(crate) fn step_card(state: &mut AppState, delta: isize) {
    let page = state.cards_per_page();
    let Some(column) = state.columns.get_mut(state.focused_column) else {
        return;
    };
    if column.cards.is_empty() {
        return;
    }
    let last = column.cards.len() as isize - 1;
    column.selected = (column.selected as isize)
        .saturating_add(delta)
        .clamp(0, last) as usize;
    column.offset = keep_visible(column.offset, column.selected, page);
}

pub(crate) fn toggle_closed(state: &mut AppState) {
    state.show_closed = !state.show_closed;
    let visible = state.visible_columns();
    if !visible.contains(&state.focused_column) {
        state.focused_column = visible
            .iter()
            .rev()
            .find(|&&c| c < state.focused_column)
            .or(visible.first())
            .copied()
            .unwrap_or(0);
    }
    let hidden = state.columns.len() - visible.len();
    let text = if state.show_closed {
        "closed columns shown".to_string()
    } else {
        format!("{hidden} closed columns hidden (c shows them)")
    };
    state.say(Tone::Info, text);
}

pub(crate) fn quit(state: &mut AppState) -> Vec<Effect> {
    state.should_quit = true;
    vec![Effect::Quit]
}

/// `q` with marked cards asks first (Ctrl-C does not).
pub(crate) fn ask_quit(state: &mut AppState) -> Vec<Effect> {
    if state.marked.is_empty() {
        return quit(state);
    }
    state.overlay = Some(Overlay::Confirm(Confirm {
        question: match state.marked.len() {
            1 => "1 request is marked (nothing is lost: edits are saved). Quit anyway?".into(),
            n => {
                format!("{n} requests are marked (nothing is lost: edits are saved). Quit anyway?")
            }
        },
        yes_selected: false,
        purpose: ConfirmPurpose::Quit,
    }));
    Vec::new()
}

/// An action as if its key were pressed on the board: what the command palette runs, and the
/// detail view's card actions.
pub(crate) fn as_on_board(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => ask_quit(state),
        Action::Help => {
            state.overlay = Some(Overlay::Help {
                mode: Mode::Board,
                scroll: 0,
            });
            Vec::new()
        }
        _ => on_board_action(state, Mode::Board, action),
    }
}

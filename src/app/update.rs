//! `update(state, msg) -> effects`: every key press and every result of IO goes through here.
//!
//! No IO, no async, no clock: the loop performs the returned effects (save an edit, load a
//! description, quit) and feeds their results back as messages. That keeps every behaviour of the
//! app testable as plain function calls.

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::dates::parse_due_date;
use crate::app::keymap::{Action, Key, Mode};
use crate::app::pickers;
use crate::app::state::{
    AppState, Card, Confirm, DateInput, Detail, Focus, GROOM_ROWS, GroomRow, Message, Overlay,
    PendingMove, PickPurpose, PickValue, Tone, keep_visible,
};
use crate::app::state::{BoardData, ConfirmPurpose};
use crate::store::IssueRecord;
use crate::sync::SyncReport;
use crate::workflow::edit::{
    IssueEdit, clear_field, set_assignees, set_due_date, set_field, set_milestone, set_team,
    toggle_field,
};
use crate::workflow::{Need, Placement, plan_move};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock moved (the loop sends this; `update` never reads the clock).
    Tick(DateTime<Utc>, NaiveDate),
    EditSaved {
        record: Box<IssueRecord>,
        pending_for_issue: u32,
        pending_edits: i64,
        edit: Box<IssueEdit>,
        origin: EditOrigin,
    },
    EditFailed {
        summary: String,
        error: String,
    },
    DetailLoaded {
        issue_id: i64,
        description: Option<String>,
    },
    SyncStarted,
    /// A pass ended; `data` is the board reloaded from the cache when the pass changed it.
    SyncFinished {
        report: Box<SyncReport>,
        data: Option<Box<BoardData>>,
    },
    SyncFailed(String),
    /// A conflict was settled in the cache; `data` is the reloaded board.
    ConflictResolved {
        keep_mine: bool,
        data: Box<BoardData>,
    },
}

/// Who asked for an edit: the undo history records user edits and moves steps between the
/// undo and redo stacks for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOrigin {
    User,
    Undo,
    Redo,
}

/// Something the loop must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SaveEdit {
        issue_id: i64,
        edit: IssueEdit,
        origin: EditOrigin,
    },
    LoadDetail {
        issue_id: i64,
    },
    /// Wake the sync worker.
    SyncNow {
        full: bool,
    },
    ResolveConflict {
        issue_id: i64,
        keep_mine: bool,
    },
    Quit,
}

/// Handles one message.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(event) => on_key(state, event),
        Msg::Resize(width, height) => {
            state.viewport = (width, height);
            let page = state.cards_per_page();
            for column in &mut state.columns {
                column.offset = keep_visible(column.offset, column.selected, page);
            }
            Vec::new()
        }
        Msg::Tick(now, today) => {
            state.now = now;
            state.today = today;
            Vec::new()
        }
        Msg::EditSaved {
            record,
            pending_for_issue,
            pending_edits,
            edit,
            origin,
        } => {
            let reference = format!("#{}", record.iid);
            let summary = edit.summary.clone();
            let before = state.card_by_id(record.id).map(|c| c.record.facts.clone());
            if let Some(before) = before {
                record_history(state, record.id, *edit, before, origin);
            }
            let mut card = Card::new(&state.workflow, *record, pending_for_issue);
            match state
                .cards
                .iter_mut()
                .find(|c| c.record.id == card.record.id)
            {
                Some(slot) => {
                    // A local edit does not settle a conflict: keep showing it.
                    card.conflict = slot.conflict.take();
                    *slot = card;
                }
                None => state.cards.push(card),
            }
            state.pending_edits = pending_edits;
            state.rebuild_columns();
            if state.message.as_ref().is_none_or(|m| m.tone == Tone::Info) {
                say(
                    state,
                    Tone::Info,
                    format!("{reference}: {summary} (queued)"),
                );
            }
            // Push soon: the worker coalesces a burst of edits into one pass.
            if state.sync.enabled {
                vec![Effect::SyncNow { full: false }]
            } else {
                Vec::new()
            }
        }
        Msg::EditFailed { summary, error } => {
            say(state, Tone::Error, format!("not saved: {summary}: {error}"));
            Vec::new()
        }
        Msg::SyncStarted => {
            state.sync.running = true;
            Vec::new()
        }
        Msg::SyncFinished { report, data } => {
            state.sync.running = false;
            state.sync.error = None;
            state.sync.offline = report.offline.clone();
            if let Some(data) = data {
                state.replace_data(*data);
            }
            if report.offline.is_none() {
                state.last_synced_at = Some(state.now);
            }
            if let Some(first) = report.conflicts.first() {
                say(
                    state,
                    Tone::Warn,
                    format!("conflict: {first} (C settles it)"),
                );
            } else if let Some(first) = report.failed.first() {
                say(state, Tone::Error, format!("not applied: {first}"));
            } else if !report.removed.is_empty() {
                say(
                    state,
                    Tone::Info,
                    format!(
                        "{} request(s) no longer on GitLab were removed: {}",
                        report.removed.len(),
                        report.removed.join(", ")
                    ),
                );
            }
            Vec::new()
        }
        Msg::SyncFailed(error) => {
            state.sync.running = false;
            say(state, Tone::Error, format!("sync: {error}"));
            state.sync.error = Some(error);
            Vec::new()
        }
        Msg::ConflictResolved { keep_mine, data } => {
            state.replace_data(*data);
            if keep_mine {
                say(
                    state,
                    Tone::Info,
                    "keeping your edit: it goes to GitLab now".into(),
                );
                if state.sync.enabled {
                    return vec![Effect::SyncNow { full: false }];
                }
            } else {
                say(
                    state,
                    Tone::Info,
                    "took GitLab's version; your edit was dropped".into(),
                );
            }
            Vec::new()
        }
        Msg::DetailLoaded {
            issue_id,
            description,
        } => {
            if let Some(Overlay::Detail(detail)) = &mut state.overlay
                && detail.issue_id == issue_id
            {
                detail.description = Some(description);
            }
            Vec::new()
        }
    }
}

/// Files a saved edit in the undo history: a user's edit starts a new undo step (and forgets
/// what could be redone), an undo's original goes to the redo stack, a redo's back to undo.
fn record_history(
    state: &mut AppState,
    issue_id: i64,
    edit: IssueEdit,
    before: crate::workflow::IssueFacts,
    origin: EditOrigin,
) {
    use crate::app::state::UndoStep;
    match origin {
        EditOrigin::User => {
            state.redo.clear();
            state.undo.push(vec![UndoStep {
                issue_id,
                edit,
                before,
            }]);
        }
        EditOrigin::Redo => state.undo.push(vec![UndoStep {
            issue_id,
            edit,
            before,
        }]),
        // The step itself moved to the redo stack when the undo was asked for.
        EditOrigin::Undo => {}
    }
    const LIMIT: usize = 200;
    if state.undo.len() > LIMIT {
        state.undo.remove(0);
    }
}

fn undo(state: &mut AppState) -> Vec<Effect> {
    let Some(steps) = state.undo.pop() else {
        say(state, Tone::Info, "nothing to undo".into());
        return Vec::new();
    };
    let effects = steps
        .iter()
        .rev()
        .map(|step| Effect::SaveEdit {
            issue_id: step.issue_id,
            edit: step.edit.inverse(&step.before),
            origin: EditOrigin::Undo,
        })
        .collect();
    let summary = steps
        .first()
        .map(|s| s.edit.summary.clone())
        .unwrap_or_default();
    say(state, Tone::Info, format!("undid: {summary} (Z redoes)"));
    state.redo.push(steps);
    effects
}

fn redo(state: &mut AppState) -> Vec<Effect> {
    let Some(steps) = state.redo.pop() else {
        say(state, Tone::Info, "nothing to redo".into());
        return Vec::new();
    };
    let summary = steps
        .first()
        .map(|s| s.edit.summary.clone())
        .unwrap_or_default();
    say(state, Tone::Info, format!("redid: {summary}"));
    steps
        .into_iter()
        .map(|step| Effect::SaveEdit {
            issue_id: step.issue_id,
            edit: step.edit,
            origin: EditOrigin::Redo,
        })
        .collect()
}

fn say(state: &mut AppState, tone: Tone, text: String) {
    state.message = Some(Message { text, tone });
}

fn on_key(state: &mut AppState, event: KeyEvent) -> Vec<Effect> {
    if event.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if event.code == KeyCode::Char('c') && event.modifiers.contains(KeyModifiers::CONTROL) {
        return quit(state);
    }
    let mode = state.mode();
    let key = Key::from_event(&event);
    match state.keymap.action(mode, key) {
        Some(action) => on_action(state, mode, action),
        None => {
            if mode.takes_text()
                && let KeyCode::Char(c) = key.code
                && !key.ctrl
                && !key.alt
            {
                type_char(state, c);
            }
            Vec::new()
        }
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.should_quit = true;
    vec![Effect::Quit]
}

fn type_char(state: &mut AppState, c: char) {
    match &mut state.overlay {
        Some(Overlay::Picker(picker)) => {
            picker.query.push(c);
            picker.cursor = 0;
        }
        Some(Overlay::DateInput(input)) => {
            input.text.push(c);
            input.error = None;
        }
        Some(Overlay::Filter(input)) => {
            input.text.push(c);
            apply_filter_text(state);
        }
        _ => {}
    }
}

/// Re-parses the filter being typed and applies it when it parses; a half-typed term that does
/// not parse yet keeps the last good filter and says why.
fn apply_filter_text(state: &mut AppState) {
    let Some(Overlay::Filter(input)) = &state.overlay else {
        return;
    };
    let text = input.text.clone();
    match crate::app::query::parse(&text, &state.workflow, state.today) {
        Ok(query) => {
            if let Some(Overlay::Filter(input)) = &mut state.overlay {
                input.error = None;
            }
            state.filter = (!query.is_empty()).then(|| crate::app::state::ActiveFilter {
                text: text.trim().to_string(),
                query,
                matching: 0,
            });
            for column in &mut state.columns {
                column.selected = 0;
                column.offset = 0;
            }
            state.rebuild_columns();
        }
        Err(error) => {
            if let Some(Overlay::Filter(input)) = &mut state.overlay {
                input.error = Some(error);
            }
        }
    }
}

fn on_filter_action(state: &mut AppState, action: Action) {
    match action {
        Action::DeleteChar => {
            if let Some(Overlay::Filter(input)) = &mut state.overlay {
                input.text.pop();
            }
            apply_filter_text(state);
        }
        Action::Confirm => {
            // Keep the last filter that parsed; a broken tail is dropped with the input.
            state.overlay = None;
        }
        Action::Dismiss => {
            state.overlay = None;
            clear_filter(state);
        }
        _ => {}
    }
}

fn clear_filter(state: &mut AppState) {
    if state.filter.take().is_some() {
        state.rebuild_columns();
        say(state, Tone::Info, "filter cleared".into());
    }
}

fn on_action(state: &mut AppState, mode: Mode, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return quit(state);
    }
    if action == Action::Help {
        state.overlay = Some(Overlay::Help { mode, scroll: 0 });
        return Vec::new();
    }
    match mode {
        Mode::Board | Mode::Grooming => on_board_action(state, mode, action),
        Mode::Detail | Mode::Help => {
            on_scroll_action(state, action);
            Vec::new()
        }
        Mode::Picker => on_picker_action(state, action),
        Mode::Confirm => on_confirm_action(state, action),
        Mode::Input => on_input_action(state, action),
        Mode::Filter => {
            on_filter_action(state, action);
            Vec::new()
        }
    }
}

fn on_board_action(state: &mut AppState, mode: Mode, action: Action) -> Vec<Effect> {
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
        Action::Top => step_card(state, isize::MIN / 2),
        Action::Bottom => step_card(state, isize::MAX / 2),
        Action::ToggleGrooming => {
            state.focus = match state.focus {
                Focus::Board => Focus::Grooming,
                Focus::Grooming => Focus::Board,
            };
        }
        Action::Dismiss => {
            if state.focus == Focus::Grooming {
                state.focus = Focus::Board;
            } else if state.filter.is_some() {
                clear_filter(state);
            } else {
                state.message = None;
            }
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
                text,
                error: None,
            }));
        }
        Action::ToggleClosed => toggle_closed(state),
        Action::Undo => return undo(state),
        Action::Redo => return redo(state),
        Action::SyncNow => {
            if !state.sync.enabled {
                say(
                    state,
                    Tone::Warn,
                    "no GitLab configured: nothing to sync with".into(),
                );
                return Vec::new();
            }
            if state.sync.running {
                say(state, Tone::Info, "already syncing".into());
                return Vec::new();
            }
            say(state, Tone::Info, "syncing…".into());
            return vec![Effect::SyncNow { full: false }];
        }
        Action::ResolveConflict => {
            let Some(card) = state.selected_card() else {
                return Vec::new();
            };
            let Some(why) = card.conflict.clone() else {
                say(
                    state,
                    Tone::Info,
                    format!("{} has no conflict", card.short_ref()),
                );
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

/// Actions on the selected card.
fn on_card_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(card) = state.selected_card().cloned() else {
        say(
            state,
            Tone::Warn,
            "no request selected: this column is empty".into(),
        );
        return Vec::new();
    };
    let issue_id = card.record.id;
    let save = |edit: IssueEdit| {
        vec![Effect::SaveEdit {
            issue_id,
            edit,
            origin: EditOrigin::User,
        }]
    };
    match action {
        Action::MovePrev => match card.class.placement {
            Placement::State(i) if i > 0 => return start_move(state, &card, i - 1),
            _ => say(state, Tone::Warn, "already in the first state".into()),
        },
        Action::MoveNext => match card.class.placement {
            Placement::State(i) if i + 1 < state.workflow.states.len() => {
                return start_move(state, &card, i + 1);
            }
            Placement::Unlabelled => return start_move(state, &card, 0),
            _ => say(state, Tone::Warn, "already in the last state".into()),
        },
        Action::MoveTo => state.overlay = Some(Overlay::Picker(pickers::states(state, &card))),
        Action::SetPriority => open_field_picker(state, &card, 0),
        Action::SetUseCase => open_field_picker(state, &card, 3),
        Action::SetGtmPhase => open_field_picker(state, &card, 4),
        Action::ToggleDod => {
            return save(toggle_field(&card.record.facts, &state.workflow.fields.dod));
        }
        Action::ToggleEteam => {
            return save(toggle_field(
                &card.record.facts,
                &state.workflow.fields.eteam,
            ));
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
        Action::SetDueDate => {
            state.overlay = Some(Overlay::DateInput(DateInput {
                issue_id,
                text: card
                    .record
                    .facts
                    .due_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                error: None,
            }));
        }
        Action::OpenDetail => {
            state.overlay = Some(Overlay::Detail(Detail {
                issue_id,
                description: None,
                scroll: 0,
            }));
            return vec![Effect::LoadDetail { issue_id }];
        }
        _ => {}
    }
    Vec::new()
}

fn open_field_picker(state: &mut AppState, card: &Card, field: usize) {
    if let Some(picker) = pickers::field(state, card, field) {
        state.overlay = Some(Overlay::Picker(picker));
    }
}

fn step_column(state: &mut AppState, delta: isize) {
    let visible = state.visible_columns();
    let Some(pos) = visible.iter().position(|&c| c == state.focused_column) else {
        state.focused_column = visible.first().copied().unwrap_or(0);
        return;
    };
    let next = (pos as isize + delta).clamp(0, visible.len() as isize - 1) as usize;
    state.focused_column = visible[next];
}

fn step_card(state: &mut AppState, delta: isize) {
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

fn toggle_closed(state: &mut AppState) {
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
    say(state, Tone::Info, text);
}

fn on_scroll_action(state: &mut AppState, action: Action) {
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

fn on_picker_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::Picker(picker)) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Action::SelectUp => picker.cursor = picker.cursor.saturating_sub(1),
        Action::SelectDown => {
            let count = picker.filtered().len();
            picker.cursor = (picker.cursor + 1).min(count.saturating_sub(1));
        }
        Action::DeleteChar => {
            picker.query.pop();
            picker.cursor = 0;
        }
        Action::Dismiss => {
            let purpose = picker.purpose;
            state.overlay = None;
            if purpose == PickPurpose::MoveAnswer {
                cancel_move(state);
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
                PickPurpose::MoveAnswer => answer_move(state, choice),
            };
        }
        _ => {}
    }
    Vec::new()
}

/// A picker choice made as a direct edit.
fn apply_choice(state: &mut AppState, issue_id: i64, choice: PickValue) -> Vec<Effect> {
    let Some(card) = state.card_by_id(issue_id).cloned() else {
        return Vec::new();
    };
    let facts = &card.record.facts;
    let edit = match choice {
        PickValue::State(to) => return start_move(state, &card, to),
        PickValue::Field(field, value) => {
            let Some(def) = state.workflow.fields.all().get(field).copied() else {
                return Vec::new();
            };
            match value {
                Some(value) => set_field(facts, def, &value),
                None => clear_field(facts, def),
            }
        }
        PickValue::Team(team) => set_team(&state.workflow, facts, &team),
        PickValue::Milestone(m) => set_milestone(m.map(|m| m.as_ref())),
        PickValue::Assignee(user) => set_assignees(user.into_iter().collect()),
    };
    if edit.is_noop() {
        say(
            state,
            Tone::Info,
            format!("{}: nothing to change", card.short_ref()),
        );
        return Vec::new();
    }
    vec![Effect::SaveEdit {
        issue_id,
        edit,
        origin: EditOrigin::User,
    }]
}

fn start_move(state: &mut AppState, card: &Card, to: usize) -> Vec<Effect> {
    match plan_move(
        &state.workflow,
        &card.record.facts,
        card.class.placement,
        to,
        &state.milestones,
        state.today,
    ) {
        Err(err) => {
            say(state, Tone::Warn, format!("{}: {err}", card.short_ref()));
            Vec::new()
        }
        Ok(plan) => {
            state.pending_move = Some(PendingMove {
                issue_id: card.record.id,
                plan,
            });
            advance_move(state)
        }
    }
}

/// Asks the move's next question, or makes the move when none is left.
fn advance_move(state: &mut AppState) -> Vec<Effect> {
    let Some(pending) = state.pending_move.as_ref() else {
        return Vec::new();
    };
    let issue_id = pending.issue_id;
    let target = state.workflow.states[pending.plan.to].title();
    let Some(card) = state.card_by_id(issue_id).cloned() else {
        state.pending_move = None;
        return Vec::new();
    };
    let Some(pending) = state.pending_move.as_mut() else {
        return Vec::new();
    };
    match pending.plan.needs.pop_front() {
        None => {
            let Some(done) = state.pending_move.take() else {
                return Vec::new();
            };
            if !done.plan.notes.is_empty() {
                say(
                    state,
                    Tone::Warn,
                    format!("{}: {}", card.short_ref(), done.plan.notes.join("; ")),
                );
            }
            vec![Effect::SaveEdit {
                issue_id,
                edit: done.plan.edit,
                origin: EditOrigin::User,
            }]
        }
        Some(Need::Confirm(question)) => {
            state.overlay = Some(Overlay::Confirm(Confirm {
                question,
                yes_selected: false,
                purpose: ConfirmPurpose::Move,
            }));
            Vec::new()
        }
        Some(Need::Team) => {
            let why = format!(" ({target} needs exactly one team)");
            state.overlay = Some(Overlay::Picker(pickers::teams(
                state,
                &card,
                PickPurpose::MoveAnswer,
                &why,
            )));
            Vec::new()
        }
        Some(Need::Assignee) if state.members.is_empty() => {
            pending
                .plan
                .notes
                .push("no members cached yet: assign someone later with a".into());
            advance_move(state)
        }
        Some(Need::Assignee) => {
            let why = format!(" ({target} needs someone working on it)");
            state.overlay = Some(Overlay::Picker(pickers::assignees(
                state,
                &card,
                PickPurpose::MoveAnswer,
                &why,
            )));
            Vec::new()
        }
        Some(Need::Milestone { candidates, reason }) => {
            state.overlay = Some(Overlay::Picker(pickers::move_milestones(
                &card,
                &candidates,
                &reason,
            )));
            Vec::new()
        }
    }
}

fn answer_move(state: &mut AppState, choice: PickValue) -> Vec<Effect> {
    let Some(pending) = state.pending_move.as_mut() else {
        return Vec::new();
    };
    let Some(card) = state.cards.iter().find(|c| c.record.id == pending.issue_id) else {
        state.pending_move = None;
        return Vec::new();
    };
    match choice {
        PickValue::Team(team) => {
            pending
                .plan
                .answer_team(&state.workflow, &card.record.facts, &team)
        }
        PickValue::Assignee(Some(user)) => pending.plan.answer_assignee(user),
        PickValue::Milestone(m) => pending.plan.answer_milestone(m.as_ref()),
        _ => {}
    }
    advance_move(state)
}

fn cancel_move(state: &mut AppState) {
    if let Some(pending) = state.pending_move.take() {
        let target = state.workflow.states[pending.plan.to].title();
        say(
            state,
            Tone::Info,
            format!("move to {target} cancelled: nothing changed"),
        );
    }
}

fn on_confirm_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::Confirm(confirm)) = &mut state.overlay else {
        return Vec::new();
    };
    let purpose = confirm.purpose;
    let yes = match action {
        Action::SwitchChoice => {
            confirm.yes_selected = !confirm.yes_selected;
            return Vec::new();
        }
        Action::Dismiss if matches!(purpose, ConfirmPurpose::Conflict { .. }) => {
            state.overlay = None;
            return Vec::new();
        }
        Action::Yes => true,
        Action::No | Action::Dismiss => false,
        Action::Confirm => confirm.yes_selected,
        _ => return Vec::new(),
    };
    state.overlay = None;
    if let ConfirmPurpose::Conflict { issue_id } = purpose {
        return vec![Effect::ResolveConflict {
            issue_id,
            keep_mine: yes,
        }];
    }
    if yes {
        advance_move(state)
    } else {
        cancel_move(state);
        Vec::new()
    }
}

fn on_input_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::DateInput(input)) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Action::DeleteChar => {
            input.text.pop();
            input.error = None;
        }
        Action::Dismiss => state.overlay = None,
        Action::Confirm => match parse_due_date(&input.text, state.today) {
            Err(error) => input.error = Some(error),
            Ok(due) => {
                let issue_id = input.issue_id;
                state.overlay = None;
                let unchanged = state
                    .card_by_id(issue_id)
                    .is_some_and(|c| c.record.facts.due_date == due);
                if unchanged {
                    say(state, Tone::Info, "due date unchanged".into());
                    return Vec::new();
                }
                return vec![Effect::SaveEdit {
                    issue_id,
                    edit: set_due_date(due),
                    origin: EditOrigin::User,
                }];
            }
        },
        _ => {}
    }
    Vec::new()
}

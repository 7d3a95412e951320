//! `update(state, msg) -> effects`: every key press and every result of IO goes through here.
//!
//! No IO, no async, no clock: the loop performs the returned effects (save an edit, load a
//! description, quit) and feeds their results back as messages. That keeps every behaviour of the
//! app testable as plain function calls.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::keymap::{Action, Key, Mode, Resolved};
use crate::app::overlays::{
    clear_filter, edit_text, on_confirm_action, on_filter_action, on_input_action,
    on_picker_action, on_scroll_action,
};
use crate::app::state::{
    AppState, Card, Confirm, DateInput, Detail, Focus, GROOM_ROWS, GroomRow, Overlay, PickPurpose,
    PickValue, Tone, keep_visible,
};
use crate::app::state::{BoardData, ConfirmPurpose};
use crate::app::{history, moves, pickers, triage};
use crate::store::IssueRecord;
use crate::sync::SyncReport;
use crate::workflow::Placement;
use crate::workflow::edit::{IssueEdit, set_field, toggle_field};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or wheel turn at a terminal cell.
    Mouse(crossterm::event::MouseEvent),
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
    /// A copy reached only tmux's paste buffer (its `set-clipboard` is off).
    CopiedToTmuxOnly,
    /// Something that is not an edit could not be done (open in the browser, copy).
    ActionFailed {
        action: String,
        error: String,
    },
    /// The cached state-label events (by issue, then time), for the standup and flow views.
    HistoryLoaded(std::sync::Arc<Vec<crate::store::LabelEvent>>),
    /// Which requests' descriptions or comments hold `word`.
    TextHits {
        word: String,
        ids: std::collections::HashSet<i64>,
    },
    DetailLoaded {
        issue_id: i64,
        content: Box<crate::app::state::DetailContent>,
    },
    SyncStarted,
    /// The pass is waiting out GitLab's rate limit until then.
    SyncWaiting(chrono::DateTime<chrono::Utc>),
    /// A pass ended; `data` is the board reloaded from the cache when the pass changed it.
    SyncFinished {
        report: Box<SyncReport>,
        data: Option<Box<BoardData>>,
    },
    /// Triage suggestions and look-alikes, worked out off the UI thread.
    Learned(std::sync::Arc<crate::learner::Learned>),
    /// Histories were fetched: these requests' time in state, as now cached.
    HistoryFetched(Vec<(i64, Option<DateTime<Utc>>)>),
    SyncFailed(String),
    /// A comment was queued (`None`: the editor came back empty) or could not be.
    CommentQueued {
        reference: String,
        outcome: Result<bool, String>,
        pending_edits: i64,
    },
    /// A conflict was settled in the cache; `data` is the reloaded board.
    ConflictResolved {
        keep_mine: bool,
        data: Box<BoardData>,
    },
}

/// Who asked for an edit: the undo history records user edits and moves steps between the
/// undo and redo stacks for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditOrigin {
    /// A user's action; edits of one action share a batch (one undo step).
    User {
        batch: u64,
    },
    Undo {
        batch: u64,
    },
    Redo {
        batch: u64,
    },
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
    /// Read the cached label histories for the standup or flow view.
    LoadHistory,
    /// Look the filter's free words up in the cached descriptions and comments.
    SearchText {
        words: Vec<String>,
    },
    /// Wake the sync worker.
    SyncNow {
        full: bool,
    },
    ResolveConflict {
        issue_id: i64,
        keep_mine: bool,
    },
    OpenUrl(String),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Queue a comment as written (a quick action the board composed).
    QueueComment {
        issue_id: i64,
        body: String,
    },
    /// Suspend the board, write a comment in `$EDITOR`, queue it.
    WriteComment {
        issue_id: i64,
    },
    Quit,
}

/// Handles one message.
pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = handle(state, msg);
    effects.extend(text_searches(state));
    effects
}

/// Full-text lookups for the filter's free words that have no answer yet (descriptions and
/// comments live in the cache, not in the cards).
fn text_searches(state: &mut AppState) -> Option<Effect> {
    let filter = state.filter.as_mut()?;
    let words: Vec<String> = filter
        .query
        .text_words()
        .filter(|w| !filter.text_hits.contains_key(*w) && !filter.searching.contains(*w))
        .map(str::to_string)
        .collect();
    if words.is_empty() {
        return None;
    }
    filter.searching.extend(words.iter().cloned());
    Some(Effect::SearchText { words })
}

fn handle(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(event) => on_key(state, event),
        Msg::Mouse(event) => {
            on_mouse(state, event);
            Vec::new()
        }
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
            let placement_before = state.card_by_id(record.id).map(|c| c.class.placement);
            let saved_id = record.id;
            if let Some(before) = before {
                history::record(state, record.id, *edit, before, origin);
            }
            // A batch says its summary once, when its last edit is saved.
            let batch = match origin {
                EditOrigin::User { batch }
                | EditOrigin::Undo { batch }
                | EditOrigin::Redo { batch } => Some(batch),
            };
            let in_batch = match (&mut state.batch_note, batch) {
                (Some(note), Some(id)) if note.id == id => {
                    note.remaining = note.remaining.saturating_sub(1);
                    true
                }
                _ => false,
            };
            let mut card = Card::new(&state.workflow, *record, pending_for_issue);
            let index = match state.cards.iter().position(|c| c.record.id == saved_id) {
                Some(index) => {
                    // A local edit does not settle a conflict: keep showing it.
                    card.conflict = state.cards[index].conflict.take();
                    state.cards[index] = card;
                    index
                }
                None => {
                    state.cards.push(card);
                    state.cards.len() - 1
                }
            };
            state.search.set(index, &state.cards[index].record);
            state.pending_edits = pending_edits;
            state.rebuild_columns();
            let moved = placement_before != state.card_by_id(saved_id).map(|c| c.class.placement);
            triage::after_edit(state, saved_id, moved);
            if in_batch {
                if let Some(note) = state.batch_note.take_if(|n| n.remaining == 0) {
                    say(state, Tone::Info, format!("{} (queued)", note.summary));
                }
            } else if state.message.as_ref().is_none_or(|m| m.tone == Tone::Info) {
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
        Msg::CopiedToTmuxOnly => {
            say(
                state,
                Tone::Warn,
                "in tmux's paste buffer only: `set -g set-clipboard on` in ~/.tmux.conf puts \
                 copies on your clipboard"
                    .into(),
            );
            Vec::new()
        }
        Msg::ActionFailed { action, error } => {
            say(state, Tone::Error, format!("could not {action}: {error}"));
            Vec::new()
        }
        Msg::CommentQueued {
            reference,
            outcome,
            pending_edits,
        } => {
            state.pending_edits = pending_edits;
            match outcome {
                Ok(true) => {
                    say(state, Tone::Info, format!("{reference}: comment queued"));
                    if state.sync.enabled {
                        return vec![Effect::SyncNow { full: false }];
                    }
                }
                Ok(false) => say(state, Tone::Info, "empty comment: nothing queued".into()),
                Err(error) => say(state, Tone::Error, format!("comment not queued: {error}")),
            }
            Vec::new()
        }
        Msg::SyncStarted => {
            state.sync.running = true;
            Vec::new()
        }
        Msg::SyncWaiting(until) => {
            state.sync.waiting_until = Some(until);
            Vec::new()
        }
        Msg::SyncFinished { report, data } => {
            state.sync.running = false;
            state.sync.error = None;
            state.sync.offline = report.offline.clone();
            state.sync.waiting_until = None;
            state.sync.rate_limited_until = report.rate_limited_until;
            if let Some(data) = data {
                // Descriptions and comments may have changed: look the words up again.
                if let Some(filter) = &mut state.filter {
                    filter.text_hits.clear();
                    filter.searching.clear();
                }
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
        Msg::Learned(learned) => {
            state.learned = Some(learned);
            Vec::new()
        }
        Msg::HistoryFetched(since) => {
            let since: HashMap<i64, Option<DateTime<Utc>>> = since.into_iter().collect();
            for card in &mut state.cards {
                if let Some(&at) = since.get(&card.record.id) {
                    card.record.state_since = at;
                }
            }
            // Their comments may hold the filter's words now: look them up again, showing the
            // old answers until the new ones come.
            let Some(filter) = &mut state.filter else {
                return Vec::new();
            };
            let words: Vec<String> = filter.query.text_words().map(str::to_string).collect();
            filter.text_hits.retain(|word, _| words.contains(word));
            filter.searching.extend(words.iter().cloned());
            if words.is_empty() {
                Vec::new()
            } else {
                vec![Effect::SearchText { words }]
            }
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
        Msg::HistoryLoaded(events) => {
            crate::app::insight::loaded(state, &events);
            Vec::new()
        }
        Msg::TextHits { word, ids } => {
            if let Some(filter) = &mut state.filter
                && filter.searching.remove(&word)
            {
                let shown = filter.query.text_words().any(|w| w == word);
                filter.text_hits.insert(word, ids);
                if shown {
                    state.refilter();
                }
            }
            Vec::new()
        }
        Msg::DetailLoaded { issue_id, content } => {
            if let Some(Overlay::Detail(detail)) = &mut state.overlay
                && detail.issue_id == issue_id
            {
                detail.content = Some(*content);
            }
            Vec::new()
        }
    }
}

fn say(state: &mut AppState, tone: Tone, text: String) {
    state.say(tone, text);
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
    // Terminals (and tmux, which holds Esc for `escape-time`) send Esc and a quick next key as
    // one Alt-key. Unbound, it means just that: Esc, then the key.
    if key.alt && state.keymap.action(mode, key).is_none() {
        let mut effects = on_key(state, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        let mut plain = event;
        plain.modifiers.remove(KeyModifiers::ALT);
        effects.extend(on_key(state, plain));
        return effects;
    }
    let pending = state.pending_key.take();
    match state.keymap.resolve(mode, pending, key) {
        Resolved::Action(action) => on_action(state, mode, action),
        // The which-key hint shows while the next key is awaited.
        Resolved::Prefix => {
            state.pending_key = Some(key);
            Vec::new()
        }
        Resolved::Unbound if pending.is_some() => {
            // Esc just cancels the sequence; anything else says it is not bound.
            if key.code != KeyCode::Esc
                && let Some(first) = pending
            {
                say(state, Tone::Warn, format!("{first} {key} is not bound"));
            }
            Vec::new()
        }
        Resolved::Unbound => {
            if mode.takes_text()
                && let Some(request) = crate::app::text_field::edit_for(key)
            {
                edit_text(state, request);
            }
            Vec::new()
        }
    }
}

/// Mouse on the board: a click selects the card under it (or, on a column's top border, focuses
/// the column), the wheel scrolls the column under the pointer. Ignored while something is open
/// on top. The geometry is the renderer's own (`ui::board::column_at`).
fn on_mouse(state: &mut AppState, event: crossterm::event::MouseEvent) {
    use crossterm::event::{MouseButton, MouseEventKind};
    if state.overlay.is_some() {
        return;
    }
    let Some((column, row)) = crate::app::layout::column_at(state, event.column, event.row) else {
        return;
    };
    match event.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            state.focused_column = column;
            state.focus = Focus::Board;
            if let Some(row) = row {
                let page = state.cards_per_page();
                let col = &mut state.columns[column];
                let index = col.offset + row / crate::app::layout::CARD_HEIGHT as usize;
                if index < col.cards.len() {
                    col.selected = index;
                    col.offset = keep_visible(col.offset, col.selected, page);
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            state.focused_column = column;
            step_card(
                state,
                if event.kind == MouseEventKind::ScrollDown {
                    1
                } else {
                    -1
                },
            );
        }
        _ => {}
    }
}

pub(crate) fn quit(state: &mut AppState) -> Vec<Effect> {
    state.should_quit = true;
    vec![Effect::Quit]
}

/// `q` with marked cards asks first (Ctrl-C does not).
fn ask_quit(state: &mut AppState) -> Vec<Effect> {
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

fn toggle_mark(state: &mut AppState) {
    let Some(id) = state.selected_card().map(|c| c.record.id) else {
        return;
    };
    if !state.marked.remove(&id) {
        state.marked.insert(id);
    }
    step_card(state, 1);
    let n = state.marked.len();
    say(
        state,
        Tone::Info,
        format!("{n} marked: actions apply to all of them (Esc unmarks)"),
    );
}

fn mark_column(state: &mut AppState) {
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
    say(
        state,
        Tone::Info,
        format!("{n} marked: actions apply to all of them (Esc unmarks)"),
    );
}

pub(crate) fn on_action(state: &mut AppState, mode: Mode, action: Action) -> Vec<Effect> {
    if action == Action::Quit {
        return ask_quit(state);
    }
    if action == Action::Help {
        state.overlay = Some(Overlay::Help { mode, scroll: 0 });
        return Vec::new();
    }
    match mode {
        Mode::Board | Mode::Grooming => on_board_action(state, mode, action),
        Mode::Detail => crate::app::detail::on_detail_action(state, action),
        Mode::Standup | Mode::Flow => crate::app::insight::on_action(state, action),
        Mode::Help => {
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
                say(state, Tone::Info, format!("{n} marks cleared"));
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
                say(
                    state,
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
                say(state, Tone::Warn, why);
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

/// Actions on the selected card, or on every marked card.
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
                say(state, Tone::Warn, format!("already in the {edge} state"));
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
            None => say(
                state,
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
                say(
                    state,
                    Tone::Info,
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
            say(
                state,
                Tone::Info,
                format!("opening {} in the browser", card.short_ref()),
            );
            return vec![Effect::OpenUrl(card.record.web_url.clone())];
        }
        Action::CopyLink | Action::CopyReference => {
            let text = if action == Action::CopyLink {
                card.record.web_url.clone()
            } else {
                card.record.reference.clone()
            };
            say(state, Tone::Info, format!("copied {text}"));
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

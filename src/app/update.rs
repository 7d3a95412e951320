//! `update(state, msg) -> effects`: every key press and every result of IO goes through here.
//!
//! No IO, no async, no clock: the loop performs the returned effects (save an edit, load a
//! description, quit) and feeds their results back as messages. That keeps every behaviour of the
//! app testable as plain function calls.
//!
//! This file routes: a message to its handler, a key to an action, an action to its mode's
//! handler. The vocabulary is `msg`; IO results are `results`; the modes' actions live beside
//! their state: `board` (board and grooming pane), `cards` (the selected or marked cards),
//! `detail`, `insight` (standup and flow), `overlays` (help, pickers, confirm, date input,
//! filter) and `triage`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::board::{ask_quit, on_board_action, quit, step_card};
use crate::app::filter_line::{edit_text, on_filter_action};
use crate::app::keymap::{Action, Key, Mode, Resolved};
use crate::app::msg::{Effect, Msg};
use crate::app::overlays::{
    on_confirm_action, on_input_action, on_picker_action, on_scroll_action,
};
use crate::app::state::{AppState, Focus, Overlay, Tone, keep_visible};

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
        } => crate::app::results::edit_saved(
            state,
            record,
            pending_for_issue,
            pending_edits,
            *edit,
            origin,
        ),
        Msg::EditFailed { summary, error } => {
            state.say(Tone::Error, format!("not saved: {summary}: {error}"));
            Vec::new()
        }
        Msg::CopiedToTmuxOnly => {
            state.say(
                Tone::Warn,
                "in tmux's paste buffer only: `set -g set-clipboard on` in ~/.tmux.conf puts \
                 copies on your clipboard"
                    .into(),
            );
            Vec::new()
        }
        Msg::ActionFailed { action, error } => {
            state.say(Tone::Error, format!("could not {action}: {error}"));
            Vec::new()
        }
        Msg::CommentQueued {
            reference,
            outcome,
            pending_edits,
        } => crate::app::results::comment_queued(state, reference, outcome, pending_edits),
        Msg::SyncStarted => {
            state.sync.running = true;
            Vec::new()
        }
        Msg::SyncWaiting(until) => {
            state.sync.waiting_until = Some(until);
            Vec::new()
        }
        Msg::SyncFinished { report, data } => {
            crate::app::results::sync_finished(state, report, data)
        }
        Msg::Learned(learned) => {
            state.learned = Some(learned);
            Vec::new()
        }
        Msg::HistoryFetched(since) => crate::app::results::history_fetched(state, since),
        Msg::SyncFailed(error) => {
            state.sync.running = false;
            state.say(Tone::Error, format!("sync: {error}"));
            state.sync.error = Some(error);
            Vec::new()
        }
        Msg::ConflictResolved { keep_mine, data } => {
            crate::app::results::conflict_resolved(state, keep_mine, *data)
        }
        Msg::InsightComputed(data) => {
            crate::app::insight::computed(state, data);
            Vec::new()
        }
        Msg::TextHits { word, ids } => {
            let texts_ready = !state.search_pending();
            if let Some(filter) = &mut state.filter
                && filter.searching.remove(&word)
            {
                let shown = filter.query.text_words().any(|w| w == word);
                // Only the requests this answer names (and any an earlier answer for the word
                // named) can change; the board retests just those.
                if shown && texts_ready {
                    let mut changed = state.search.indices_of(&ids);
                    if let Some(old) = filter.text_hits.get(&word) {
                        changed.union_with(&state.search.indices_of(old));
                    }
                    filter.retest = Some(changed);
                }
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
                state.say(Tone::Warn, format!("{first} {key} is not bound"));
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

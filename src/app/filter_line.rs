//! The filter line (`/`): re-applied on every key while it parses, narrowing the previous result
//! when a word grows, applying a view's query, and clearing; and text editing in whatever field
//! is open (the filter, a picker's query, the due date).

use crate::app::keymap::Action;
use crate::app::state::{AppState, Overlay, Tone};

/// Re-parses the filter being typed and applies it when it parses; a half-typed term that does
/// not parse yet keeps the last good filter and says why.
pub(crate) fn apply_filter_text(state: &mut AppState) {
    let Some(Overlay::Filter(input)) = &state.overlay else {
        return;
    };
    let text = input.text.value().to_string();
    match crate::app::query::parse(&text, &state.workflow, state.today) {
        Ok(query) => {
            if let Some(Overlay::Filter(input)) = &mut state.overlay {
                input.error = None;
            }
            // Full-text answers are kept for the filter's life (backspace finds them again);
            // a long session of typing keeps only the words still in the query.
            let previous = state.filter.take();
            let mut filter = crate::app::state::ActiveFilter::new(text.trim().to_string(), query);
            if let Some(previous) = previous {
                filter.narrow_from = narrowing(&previous, &filter).then_some(previous.matched);
                filter.text_hits = previous.text_hits;
                filter.searching = previous.searching;
                if filter.text_hits.len() > MAX_CACHED_WORDS {
                    let words: Vec<String> =
                        filter.query.text_words().map(str::to_string).collect();
                    filter.text_hits.retain(|word, _| words.contains(word));
                }
            }
            state.filter = (!filter.query.is_empty()).then_some(filter);
            for column in &mut state.columns {
                column.selected = 0;
                column.offset = 0;
            }
            state.refilter();
        }
        Err(error) => {
            if let Some(Overlay::Filter(input)) = &mut state.overlay {
                input.error = Some(error);
            }
        }
    }
}

/// Full-text answers kept while a filter is typed.
const MAX_CACHED_WORDS: usize = 64;

/// Whether `next` can test only the cards that passed `previous`: the same terms, the last one
/// a free word that grew by typing (`part` -> `partn`). Everything that matches the longer
/// word matched the shorter one: as a substring, as a fuzzy spelling (3+ letters), and as a
/// full-text prefix, provided the shorter word's full-text answer was in when it was applied
/// (or the longer word's is not in yet, so only the cards' own text counts).
fn narrowing(
    previous: &crate::app::state::ActiveFilter,
    next: &crate::app::state::ActiveFilter,
) -> bool {
    use crate::app::query::{MIN_TEXT_SEARCH, Test};
    let (Some((old_last, old_rest)), Some((new_last, new_rest))) = (
        previous.query.terms.split_last(),
        next.query.terms.split_last(),
    ) else {
        return false;
    };
    let (Test::Text(old_word), Test::Text(new_word)) = (&old_last.test, &new_last.test) else {
        return false;
    };
    old_rest == new_rest
        && !old_last.negated
        && !new_last.negated
        && old_word.chars().count() >= MIN_TEXT_SEARCH
        && new_word.starts_with(old_word.as_str())
        && (previous.last_word_hits_known || !previous.text_hits.contains_key(new_word))
}

pub(crate) fn on_filter_action(state: &mut AppState, action: Action) {
    match action {
        Action::DeleteChar => edit_text(state, tui_input::InputRequest::DeletePrevChar),
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

/// Applies filter text as if typed (a view's query).
pub(crate) fn set_filter(state: &mut AppState, text: &str) {
    state.overlay = Some(Overlay::Filter(crate::app::state::FilterInput {
        text: crate::app::text_field::TextField::new(text),
        error: None,
    }));
    apply_filter_text(state);
    state.overlay = None;
    if text.trim().is_empty() {
        clear_filter(state);
    }
}

pub(crate) fn clear_filter(state: &mut AppState) {
    if state.filter.take().is_some() {
        state.refilter();
        state.say(Tone::Info, "filter cleared".into());
    }
}

/// An edit of whatever text field is open (the picker's query, the due date, the filter).
pub(crate) fn edit_text(state: &mut AppState, request: tui_input::InputRequest) {
    match &mut state.overlay {
        Some(Overlay::Picker(picker)) => {
            let changed = picker.query.apply(request);
            if changed {
                picker.cursor = 0;
            }
        }
        Some(Overlay::DateInput(input)) => {
            let changed = input.text.apply(request);
            if changed {
                input.error = None;
            }
        }
        Some(Overlay::Filter(input)) => {
            let changed = input.text.apply(request);
            if changed {
                apply_filter_text(state);
            }
        }
        _ => {}
    }
}

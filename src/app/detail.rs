//! The detail view's keys: scrolling, showing or hiding system notes, stepping through the
//! request's links and opening or copying the selected one (or the request itself).

use crate::app::board::as_on_board;
use crate::app::keymap::Action;
use crate::app::msg::Effect;
use crate::app::overlays::on_scroll_action;
use crate::app::state::{AppState, Overlay, Tone};

pub fn on_detail_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let Some(Overlay::Detail(detail)) = &mut state.overlay else {
        return Vec::new();
    };
    match action {
        Action::ToggleSystemNotes => {
            detail.show_system = !detail.show_system;
            let text = if detail.show_system {
                "showing system notes"
            } else {
                "hiding system notes"
            };
            state.say(Tone::Info, text.into());
        }
        Action::NextLink | Action::PrevLink => {
            let count = detail.content.as_ref().map_or(0, |c| c.links.len());
            if count == 0 {
                state.say(Tone::Info, "this request links nowhere".into());
                return Vec::new();
            }
            // Cycles through the links and back to "the request itself".
            detail.link = match (action, detail.link) {
                (Action::NextLink, None) => Some(0),
                (Action::NextLink, Some(i)) if i + 1 < count => Some(i + 1),
                (Action::PrevLink, None) => Some(count - 1),
                (Action::PrevLink, Some(i)) if i > 0 => Some(i - 1),
                _ => None,
            };
            let text = match detail.selected_link() {
                Some(url) => format!(
                    "link {} of {count}: {url}  (o opens, y copies)",
                    detail.link.map_or(0, |i| i + 1)
                ),
                None => "no link selected: o opens the request".into(),
            };
            state.say(Tone::Info, text);
        }
        Action::OpenInBrowser | Action::CopyLink => {
            if let Some(url) = detail.selected_link().map(str::to_string) {
                return if action == Action::OpenInBrowser {
                    state.say(Tone::Info, format!("opening {url}"));
                    vec![Effect::OpenUrl(url)]
                } else {
                    state.say(Tone::Info, format!("copied {url}"));
                    vec![Effect::Copy(url)]
                };
            }
            return as_on_board(state, action);
        }
        Action::CopyReference | Action::Comment => return as_on_board(state, action),
        _ => on_scroll_action(state, action),
    }
    Vec::new()
}

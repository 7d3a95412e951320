//! The app: state, keymap, and the pure `update` that turns messages into state changes and
//! effects. No IO in here; `tui` runs the loop and performs the effects.

pub mod board;
pub mod cards;
pub mod columns;
pub mod dates;
pub mod detail;
pub mod filter_line;
pub mod filtering;
pub mod first_screen;
pub mod history;
pub mod insight;
pub mod layout;
pub mod links;
pub mod moves;
pub mod msg;
pub mod overlay_state;
pub mod overlays;
pub mod pickers;
pub mod query;
pub mod results;
pub mod state;
pub mod text_field;
pub mod triage;
pub mod update;

/// The keymap sits below the app (and `config`, which rebinds it).
pub use crate::keymap;
pub use crate::keymap::{Action, Keymap, Mode};
pub use msg::{EditOrigin, Effect, Msg};
pub use state::{AppState, BoardData, Source};
pub use update::update;
#[cfg(test)]
mod tests;

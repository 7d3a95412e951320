//! The screen's geometry, owned here so that the app (mouse hits, paging) and the drawing
//! (`ui`) agree without the app reaching up into `ui`: card height, pane width, which columns
//! fit, and which column is at a cell.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::state::{AppState, Focus};

/// Rows per card (reference, two title lines, team and due date, a gap).
pub const CARD_HEIGHT: u16 = 5;
/// Narrowest a column gets before the board scrolls sideways.
pub const MIN_COLUMN_WIDTH: u16 = 24;
/// From this width the grooming pane is always shown beside the board.
pub const PANE_ALWAYS_WIDTH: u16 = 130;
/// The grooming pane's width.
pub const PANE_WIDTH: u16 = 38;
/// Below this the board cannot be drawn usefully.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Whether the grooming pane is shown beside the board on a screen `width` wide.
pub fn shows_pane(state: &AppState, width: u16) -> bool {
    width >= PANE_ALWAYS_WIDTH || state.focus == Focus::Grooming
}

/// Which visible columns fit in `width`: (first shown, how many), keeping the focused one in view.
pub fn column_window(state: &AppState, width: u16) -> (Vec<usize>, usize, usize) {
    let visible = state.visible_columns();
    let fit = ((width / MIN_COLUMN_WIDTH).max(1) as usize).min(visible.len().max(1));
    let focus = visible
        .iter()
        .position(|&c| c == state.focused_column)
        .unwrap_or(0);
    let first = (focus + 1)
        .saturating_sub(fit)
        .min(visible.len().saturating_sub(fit));
    (visible, first, fit)
}

/// The board's area on a `width` x `height` screen (the split `ui::render` makes).
pub fn board_area(state: &AppState, width: u16, height: u16) -> Rect {
    let board_width = if shows_pane(state, width) {
        width.saturating_sub(PANE_WIDTH)
    } else {
        width
    };
    Rect::new(0, 1, board_width, height.saturating_sub(2))
}

/// Which column is at cell (`x`, `y`), and the row inside its cards (`None` on its top border).
pub fn column_at(state: &AppState, x: u16, y: u16) -> Option<(usize, Option<usize>)> {
    let (width, height) = state.viewport;
    let board = board_area(state, width, height);
    if x >= board.x + board.width || y < board.y || y >= board.y + board.height {
        return None;
    }
    let (visible, first, fit) = column_window(state, board.width);
    let shown = &visible[first..(first + fit).min(visible.len())];
    if shown.is_empty() {
        return None;
    }
    let areas = Layout::horizontal(vec![Constraint::Fill(1); shown.len()]).split(board);
    let slot = areas.iter().position(|a| x >= a.x && x < a.x + a.width)?;
    let row = (y > board.y).then(|| (y - board.y - 1) as usize);
    Some((shown[slot], row))
}

impl AppState {
    /// How many cards fit in a column at the current terminal height.
    pub fn cards_per_page(&self) -> usize {
        let body = self.viewport.1.saturating_sub(2 + 2) as usize;
        (body / CARD_HEIGHT as usize).max(1)
    }
}

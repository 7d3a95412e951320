//! Drawing: `render(frame, &state)` reads the state and nothing else (no IO, no clock), so the
//! same state always draws the same screen and snapshots are exact.

pub mod board;
pub mod detail;
pub mod grooming;
pub mod insight;
pub mod line;
pub mod markdown;
pub mod overlay;
pub mod status;
/// Text that fits (widths, truncation, "3 d ago"), from below: `metrics` and the commands use
/// it too.
pub use crate::text;
pub mod theme;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::layout::{self, MIN_HEIGHT, MIN_WIDTH, PANE_WIDTH};
use crate::app::state::{AppState, Overlay, Source};

pub fn render(frame: &mut Frame, state: &AppState) {
    draw(frame, state);
    // The last line of defence: whatever a view forgot to clean, no cell reaches the terminal
    // with a control or bidi character in it.
    for cell in &mut frame.buffer_mut().content {
        if cell.symbol().chars().any(crate::sanitize::is_unsafe) {
            let clean = crate::sanitize::clean_line(cell.symbol()).into_owned();
            cell.set_symbol(&clean);
        }
    }
}

fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area);
        return;
    }
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let show_pane = layout::shows_pane(state, area.width);
    let board_area = if show_pane {
        let [board_area, pane] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(PANE_WIDTH)]).areas(body);
        grooming::render(frame, pane, state);
        board_area
    } else {
        body
    };
    render_header(frame, header, board_area.width, state);
    board::render(frame, board_area, state);
    match &state.overlay {
        Some(Overlay::Filter(input)) => status::filter_line(frame, footer, state, input),
        _ => status::render(frame, footer, state),
    }
    match &state.overlay {
        None | Some(Overlay::Filter(_)) => {}
        Some(Overlay::Help { mode, scroll }) => overlay::help(frame, state, *mode, *scroll),
        Some(Overlay::Detail(detail)) => detail::render(frame, state, detail),
        Some(Overlay::Insight(view)) => insight::render(frame, state, view),
        Some(Overlay::Picker(picker)) => overlay::picker(frame, picker, state.theme),
        Some(Overlay::Confirm(confirm)) => overlay::confirm(frame, confirm, state.theme),
        Some(Overlay::DateInput(input)) => overlay::date_input(frame, state, input),
    }
    if let Some(first) = state.pending_key {
        overlay::which_key(frame, state, first);
    }
}

fn render_header(frame: &mut Frame, area: Rect, board_width: u16, state: &AppState) {
    let (visible, first, fit) = layout::column_window(state, board_width);
    let mut spans = vec![Span::styled(" SM Request Board ", theme::BOLD)];
    if state.source == Source::Demo {
        spans.push(Span::styled(" DEMO ", theme::DEMO_BADGE));
    }
    let total: usize = state.request_count();
    match &state.filter {
        Some(filter) => {
            spans.push(Span::styled(
                format!("  {} of {total} requests", filter.matching),
                theme::DIM,
            ));
            let room = (area.width as usize).saturating_sub(60).max(10);
            spans.push(Span::styled(
                format!(
                    "  /{}",
                    text::truncate(&text::clean_line(&filter.text), room)
                ),
                theme::FOCUSED_BORDER,
            ));
            spans.push(Span::styled(" (Esc clears)", theme::DIM));
        }
        None => spans.push(Span::styled(format!("  {total} requests"), theme::DIM)),
    }
    if let Some(queue) = &state.triage {
        spans.push(Span::styled(
            format!(
                "  TRIAGE {} of {} ",
                (queue.position + 1).min(queue.ids.len()),
                queue.ids.len()
            ),
            theme::DEMO_BADGE,
        ));
        spans.push(Span::styled(" s skips · Esc ends", theme::DIM));
    }
    if !state.marked.is_empty() {
        spans.push(Span::styled(
            format!(
                "  {} {} marked (Esc unmarks)",
                theme::MARKED,
                state.marked.len()
            ),
            theme::PENDING,
        ));
    }
    if !state.show_closed {
        spans.push(Span::styled("  closed hidden (c)", theme::DIM));
    }
    let left_hidden = first;
    let right_hidden = visible.len().saturating_sub(first + fit);
    if left_hidden > 0 {
        spans.push(Span::styled(format!("  ◀ {left_hidden} more"), theme::WARN));
    }
    if right_hidden > 0 {
        spans.push(Span::styled(
            format!("  {right_hidden} more ▶"),
            theme::WARN,
        ));
    }
    frame.render_widget(Line::from(spans), area);
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::styled("Terminal too small", theme::ERROR),
        Line::raw(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
        Line::styled("enlarge the window or press q", theme::DIM),
    ];
    let y = area.y + area.height.saturating_sub(3) / 2;
    let rect = Rect {
        x: area.x,
        y,
        width: area.width,
        height: area.height.min(3),
    };
    frame.render_widget(Paragraph::new(lines).centered(), rect);
}

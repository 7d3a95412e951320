//! Everything drawn on top of the board: help, request detail, pickers, confirmations and the
//! due-date input.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::app::keymap::{Binding, Key, Mode};
use crate::app::state::{AppState, Confirm, DateInput, Picker};
use crate::ui::{text, theme};

/// A rectangle of at most `width` x `height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub(crate) fn popup<'a>(frame: &mut Frame, area: Rect, title: &str) -> (Rect, Block<'a>) {
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_style(theme::FOCUSED_BORDER)
        .title_top(Line::styled(
            format!(" {} ", text::clean_line(title)),
            theme::BOLD,
        ));
    (block.inner(area), block)
}

pub fn help(frame: &mut Frame, state: &AppState, mode: Mode, scroll: u16) {
    let bindings = state.keymap.bindings(mode);
    let keys_width = bindings
        .iter()
        .map(|(_, keys)| text::width(&join_keys(keys)))
        .max()
        .unwrap_or(4);
    let mut lines: Vec<Line> = bindings
        .iter()
        .map(|(action, keys)| {
            Line::from(vec![
                Span::styled(
                    format!(" {:>width$}  ", join_keys(keys), width = keys_width),
                    theme::FOCUSED_BORDER,
                ),
                Span::raw(action.describe()),
            ])
        })
        .collect();
    if mode == Mode::Board || mode == Mode::Grooming {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                " Card marks: {} groomed  {} needs grooming  {} anomaly  {} conflict",
                theme::GROOMED,
                theme::NEEDS_GROOMING,
                theme::ANOMALY,
                theme::CONFLICT,
            ),
            theme::DIM,
        ));
        lines.push(Line::styled(
            format!(
                "             {}n edits saved here, not yet on GitLab",
                theme::PENDING_MARK
            ),
            theme::DIM,
        ));
    }
    let height = (lines.len() as u16 + 2).min(frame.area().height);
    let width = lines.iter().map(Line::width).max().unwrap_or(40) as u16 + 3;
    let area = centered(frame.area(), width.clamp(40, 100), height);
    let (_, block) = popup(
        frame,
        area,
        &format!("Keys: {}  (Esc closes)", mode.title()),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(bindings.len() as u16), 0)),
        area,
    );
}

/// The keys that may follow `first` (which-key, as in helix): bottom right, above the status
/// line, until the next key.
pub fn which_key(frame: &mut Frame, state: &AppState, first: Key) {
    let hints = state.keymap.continuations(state.mode(), first);
    let rows: Vec<(String, &str)> = hints
        .iter()
        .map(|(key, action)| (key.to_string(), action.describe()))
        .collect();
    let key_width = rows.iter().map(|(k, _)| text::width(k)).max().unwrap_or(1);
    let width = rows
        .iter()
        .map(|(_, d)| key_width + 3 + text::width(d))
        .max()
        .unwrap_or(10)
        .max(16) as u16
        + 2;
    let height = rows.len() as u16 + 2;
    let screen = frame.area();
    let area = Rect {
        x: screen.width.saturating_sub(width + 1),
        y: screen.height.saturating_sub(height + 1),
        width: width.min(screen.width),
        height: height.min(screen.height),
    };
    let (inner, block) = popup(frame, area, &format!("{first}…"));
    frame.render_widget(block, area);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|(key, describe)| {
            Line::from(vec![
                Span::styled(format!("{key:>key_width$}"), theme::FOCUSED_BORDER),
                Span::raw("  "),
                Span::raw(describe),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn join_keys(keys: &[Binding]) -> String {
    keys.iter()
        .map(Binding::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn picker(frame: &mut Frame, picker: &Picker, kind: theme::ThemeKind) {
    let filtered = picker.filtered();
    let list_height = filtered.len().clamp(1, 14) as u16;
    let width = picker
        .options
        .iter()
        .map(|o| text::width(&o.label) + text::width(&o.detail) + 8)
        .chain([text::width(&picker.title) + 4, 36])
        .max()
        .unwrap_or(36)
        .min(90) as u16;
    let area = centered(frame.area(), width, list_height + 4);
    let (inner, block) = popup(frame, area, &picker.title);
    frame.render_widget(block, area);
    let mut prompt = vec![Span::styled("› ", theme::FOCUSED_BORDER)];
    prompt.extend(field_spans(&picker.query));
    let mut lines = vec![Line::from(prompt)];
    lines.push(Line::styled(
        "─".repeat(inner.width as usize),
        theme::BORDER,
    ));
    let offset = picker.cursor.saturating_sub(list_height as usize - 1);
    if filtered.is_empty() {
        lines.push(Line::styled("  nothing matches", theme::DIM));
    }
    for (index, option) in filtered
        .iter()
        .enumerate()
        .skip(offset)
        .take(list_height as usize)
    {
        let cursor = if index == picker.cursor { "›" } else { " " };
        let mark = if option.current { "● " } else { "  " };
        let label = text::clean_line(&option.label).into_owned();
        let detail_room = (inner.width as usize).saturating_sub(text::width(&label) + 5);
        let detail = text::truncate(&text::clean_line(&option.detail), detail_room);
        let pad =
            (inner.width as usize).saturating_sub(3 + text::width(&label) + text::width(&detail));
        let line = Line::from(vec![
            Span::styled(cursor, theme::FOCUSED_BORDER),
            Span::styled(mark, theme::OK),
            Span::raw(label),
            Span::raw(" ".repeat(pad)),
            Span::styled(detail, theme::DIM),
        ]);
        lines.push(if index == picker.cursor {
            line.style(theme::selected(kind).add_modifier(ratatui::style::Modifier::BOLD))
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn confirm(frame: &mut Frame, confirm: &Confirm, kind: theme::ThemeKind) {
    let width = (text::width(&confirm.question) as u16 + 4).clamp(40, 70);
    let area = centered(frame.area(), width, 7);
    let (inner, block) = popup(frame, area, "Confirm");
    frame.render_widget(block, area);
    let button = |label: &str, on: bool| {
        Span::styled(
            format!(" {label} "),
            if on {
                theme::selected(kind).add_modifier(ratatui::style::Modifier::BOLD)
            } else {
                theme::DIM
            },
        )
    };
    let lines = vec![
        Line::raw(text::clean_line(&confirm.question).into_owned()),
        Line::raw(""),
        Line::from(vec![
            button("[y] Yes", confirm.yes_selected),
            Span::raw("   "),
            button("[n] No", !confirm.yes_selected),
        ])
        .centered(),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

pub fn date_input(frame: &mut Frame, state: &AppState, input: &DateInput) {
    let area = centered(frame.area(), 60, 7);
    let reference = state
        .card_by_id(input.issue_id)
        .map(|c| c.short_ref())
        .unwrap_or_default();
    let (inner, block) = popup(frame, area, &format!("Due date for {reference}"));
    frame.render_widget(block, area);
    let mut lines = vec![
        Line::from(
            std::iter::once(Span::styled("› ", theme::FOCUSED_BORDER))
                .chain(field_spans(&input.text))
                .collect::<Vec<_>>(),
        ),
        Line::raw(""),
    ];
    match &input.error {
        Some(error) => lines.push(Line::styled(error.clone(), theme::ERROR)),
        None => lines.push(Line::styled(
            "2026-12-01 · +3d · +2w · fri · today · none   Enter sets, Esc cancels",
            Style::new().patch(theme::DIM),
        )),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}

/// A text field as typed: the text with a thin cursor mark where the cursor is. A prefilled
/// value that typing would replace shows reversed, as a selection does.
pub fn field_spans(field: &crate::app::text_field::TextField) -> Vec<Span<'static>> {
    let cursor = Span::styled("▏", theme::FOCUSED_BORDER);
    if field.is_fresh() {
        return vec![
            Span::styled(
                text::clean_line(field.value()).into_owned(),
                ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            cursor,
        ];
    }
    let (before, after) = field.split_at_cursor();
    let mut spans = vec![Span::raw(text::clean_line(before).into_owned()), cursor];
    if !after.is_empty() {
        spans.push(Span::raw(text::clean_line(after).into_owned()));
    }
    spans
}

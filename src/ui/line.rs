//! One left-aligned `Line` drawn into the buffer as ratatui draws it, with printable ASCII
//! written a byte to a cell. Ratatui splits every span into grapheme clusters and looks up
//! each one's width; for the board's cards, which are almost all ASCII, that walk was the
//! largest part of a frame. Spans with any other character are drawn by ratatui itself.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Draws `line` on the first row of `area`, cell for cell as `line.render(area, buf)` does.
pub fn render(line: &Line<'_>, area: Rect, buf: &mut Buffer) {
    if !matches!(line.alignment, None | Some(Alignment::Left)) {
        line.render(area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let area = Rect { height: 1, ..area };
    // Ratatui draws nothing, not even the line's style, for a line without width.
    if line.width() == 0 {
        return;
    }
    if line.style != Style::default() {
        buf.set_style(area, line.style);
    }
    let y = area.y;
    let mut x = area.x;
    for span in &line.spans {
        if x >= area.right() {
            break;
        }
        let content: &str = &span.content;
        if !content.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            let rest = Rect {
                x,
                width: area.right() - x,
                ..area
            };
            span.render(rest, buf);
            let width = u16::try_from(span.width()).unwrap_or(u16::MAX);
            x = x.saturating_add(width);
            continue;
        }
        // A span's graphemes take `Style::default().patch(span.style)`; patching nothing
        // leaves a cell as it is.
        let style = Style::default().patch(span.style);
        let plain = style == Style::default();
        for byte in content.bytes() {
            if x >= area.right() {
                break;
            }
            let cell = &mut buf[(x, y)];
            cell.set_char(char::from(byte));
            if !plain {
                cell.set_style(style);
            }
            x += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    /// The buffer `line` leaves in an area `width` wide (starting at x 2, over old text), drawn
    /// by `draw`.
    fn drawn(line: &Line<'_>, width: u16, draw: impl Fn(&Line<'_>, Rect, &mut Buffer)) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 24, 2));
        buf.set_string(
            0,
            0,
            "old text under the line!",
            Style::new().fg(Color::Blue),
        );
        draw(line, Rect::new(2, 0, width, 2), &mut buf);
        buf
    }

    #[test]
    fn lines_are_drawn_as_ratatui_draws_them() {
        let lines: Vec<Line<'static>> = vec![
            Line::from("plain ascii text"),
            Line::from(vec![
                Span::styled("#41", Style::new().bold()),
                Span::raw(" "),
                Span::styled("P1", Style::new().fg(Color::Red)),
                Span::styled("x", Style::new().not_bold()),
            ]),
            Line::from(vec![
                Span::styled("▌", Style::new().fg(Color::Cyan)),
                Span::raw("Über-Kampagne für Partner"),
            ])
            .style(
                Style::new()
                    .bg(Color::DarkGray)
                    .add_modifier(Modifier::BOLD),
            ),
            Line::from(vec![Span::raw("wide 漢字 here"), Span::raw(" tail")]),
            Line::from(vec![Span::raw("e\u{301}t\u{e9}"), Span::raw("!")]),
            Line::from(vec![Span::raw(""), Span::styled("", Style::new().red())]),
            Line::from("").style(Style::new().bg(Color::Red)),
            Line::from("a line far too long for the narrow area it is given"),
            Line::from("centred").centered(),
            Line::from("right").right_aligned(),
            Line::from("left").left_aligned(),
        ];
        for line in &lines {
            for width in [0, 1, 3, 9, 22] {
                let ours = drawn(line, width, render);
                let theirs = drawn(line, width, |line, area, buf| line.render(area, buf));
                assert_eq!(ours, theirs, "{line:?} at width {width}");
            }
        }
    }
}

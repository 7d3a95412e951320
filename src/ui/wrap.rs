//! Wrapping styled lines to a width ourselves, so a view can lay out once and then draw only
//! the rows on screen: a 5 MB single-line description must not be re-wrapped on every key.
//! Breaks at the last space that fits, else between graphemes; never splits a grapheme.

use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// One grapheme of a row: which span it is from, its byte range there, its width in cells.
#[derive(Clone, Copy)]
struct Piece {
    span: usize,
    start: usize,
    end: usize,
    width: usize,
}

/// Rebuilds a row of pieces as a line: consecutive pieces of one span become one span.
fn row_line(line: &Line<'static>, row: &[Piece]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run: Option<(usize, usize, usize)> = None; // span, start, end
    let flush = |run: Option<(usize, usize, usize)>, spans: &mut Vec<Span<'static>>| {
        if let Some((span, start, end)) = run {
            let source = &line.spans[span];
            spans.push(Span::styled(
                source.content[start..end].to_string(),
                source.style,
            ));
        }
    };
    for piece in row {
        run = match run {
            Some((span, start, end)) if span == piece.span && end == piece.start => {
                Some((span, start, piece.end))
            }
            other => {
                flush(other, &mut spans);
                Some((piece.span, piece.start, piece.end))
            }
        };
    }
    flush(run, &mut spans);
    let mut out = Line::from(spans).style(line.style);
    out.alignment = line.alignment;
    out
}

/// `line` as rows at most `width` cells wide, appended to `out`.
pub fn wrap_line(line: &Line<'static>, width: usize, out: &mut Vec<Line<'static>>) {
    if width == 0 || line.width() <= width {
        out.push(line.clone());
        return;
    }
    let mut row: Vec<Piece> = Vec::new();
    let mut row_width = 0;
    // The row may break after this piece (a space).
    let mut last_space: Option<usize> = None;
    for (span_index, span) in line.spans.iter().enumerate() {
        for (start, grapheme) in span.content.grapheme_indices(true) {
            let piece = Piece {
                span: span_index,
                start,
                end: start + grapheme.len(),
                width: UnicodeWidthStr::width(grapheme),
            };
            if row_width + piece.width > width && !row.is_empty() {
                if grapheme == " " {
                    // A space at the edge ends the row and is not carried over.
                    out.push(row_line(line, &row));
                    row.clear();
                    row_width = 0;
                    last_space = None;
                    continue;
                }
                let tail = match last_space {
                    Some(at) if at + 1 < row.len() => row.split_off(at + 1),
                    _ => Vec::new(),
                };
                out.push(row_line(line, &row));
                row = tail;
                row_width = row.iter().map(|p| p.width).sum();
                last_space = None;
            }
            if grapheme == " " {
                last_space = Some(row.len());
            }
            row.push(piece);
            row_width += piece.width;
        }
    }
    out.push(row_line(line, &row));
}

/// Every line wrapped to `width`.
pub fn wrap_lines(lines: &[Line<'static>], width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        wrap_line(line, width, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_between_graphemes() {
        let line = Line::from("the quick brown fox jumps");
        assert_eq!(
            texts(&wrap_lines(&[line], 10)),
            ["the quick ", "brown fox ", "jumps"]
        );
        let long = Line::from("abcdefghijkl");
        assert_eq!(texts(&wrap_lines(&[long], 5)), ["abcde", "fghij", "kl"]);
        // Wide characters are never split, and every row fits.
        let wide = Line::from("競合競合競合");
        let rows = wrap_lines(&[wide], 5);
        assert!(rows.iter().all(|r| r.width() <= 5), "{:?}", texts(&rows));
        assert_eq!(texts(&rows).concat(), "競合競合競合");
    }

    #[test]
    fn styles_survive_a_wrap() {
        let bold = ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD);
        let line = Line::from(vec![
            Span::raw("plain "),
            Span::styled("bold words here", bold),
        ]);
        let rows = wrap_lines(&[line], 8);
        assert_eq!(texts(&rows), ["plain ", "bold ", "words ", "here"]);
        assert_eq!(rows[1].spans[0].style, bold);
    }

    #[test]
    fn a_huge_single_line_is_wrapped_in_one_pass() {
        let text = "word ".repeat(200_000); // 1 MB
        let rows = wrap_lines(&[Line::from(text)], 100);
        assert_eq!(rows.len(), 10_000);
        assert!(rows.iter().all(|r| r.width() <= 100));
    }
}

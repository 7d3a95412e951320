//! Text that fits, for every output (the TUI, `status`, the commands): display widths,
//! truncation that never splits a grapheme (CJK and emoji keep the layout intact), wrapping, and
//! ages as "3 min ago". Making GitLab's text safe is `sanitize`'s job, re-exported here.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

pub use crate::sanitize::{clean_block, clean_line};

/// "3 min ago", "2 h ago", "5 d ago".
pub fn age(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} d ago", s / 86_400),
    }
}

/// Display width in terminal cells.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// At most `max` cells wide; an ellipsis marks a cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = width(grapheme);
        if used + w > max - 1 {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    out.push('…');
    out
}

/// Word-wraps `text` into at most `lines` lines of at most `max` cells; the last line carries an
/// ellipsis when text is left over. Words longer than a line are broken between graphemes.
pub fn wrap(text: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut rest = text.split_whitespace().peekable();
    while let Some(word) = rest.next() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate) <= max {
            current = candidate;
            continue;
        }
        if out.len() + 1 == lines {
            out.push(truncate(&candidate, max));
            return out;
        }
        if current.is_empty() {
            // A single word wider than the line: break it.
            let head = truncate(word, max + 1);
            let head = head.trim_end_matches('…').to_string();
            let tail = word[head.len()..].to_string();
            out.push(head);
            current = tail;
        } else {
            out.push(std::mem::take(&mut current));
            current = word.to_string();
        }
        while width(&current) > max && out.len() + 1 < lines {
            let head = truncate(&current, max + 1)
                .trim_end_matches('…')
                .to_string();
            let tail = current[head.len()..].to_string();
            out.push(head);
            current = tail;
        }
        if width(&current) > max && out.len() + 1 == lines {
            let remaining: Vec<&str> = rest.collect();
            let all = if remaining.is_empty() {
                current.clone()
            } else {
                format!("{current} {}", remaining.join(" "))
            };
            out.push(truncate(&all, max));
            return out;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `text` padded with spaces (or truncated) to exactly `cells` wide.
pub fn fit(text: &str, cells: usize) -> String {
    let mut out = truncate(text, cells);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_inert() {
        let evil = "Deck \u{1b}[2J\u{1b}]0;pwned\u{7}update";
        let clean = clean_line(evil);
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
        assert!(clean.contains("␛[2J"));
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(clean_line("abc\u{202E}def"), "abc def");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(clean_line("hello"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn truncation_counts_cells_not_bytes() {
        assert_eq!(truncate("日本語のタイトル", 7), "日本語…");
        assert_eq!(width(&truncate("日本語のタイトル", 7)), 7);
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn emoji_graphemes_are_never_split() {
        let family = "👩‍👩‍👧 launch";
        let cut = truncate(family, 4);
        assert!(cut.starts_with("👩‍👩‍👧") || cut == "…", "{cut:?}");
        assert!(width(&cut) <= 4);
    }

    #[test]
    fn wrapping_fills_lines_by_words_and_marks_the_cut() {
        assert_eq!(
            wrap(
                "Refresh the CI/CD pitch deck for the Q4 field kickoff",
                20,
                2
            ),
            ["Refresh the CI/CD", "pitch deck for the …"]
        );
        assert_eq!(wrap("short title", 20, 2), ["short title"]);
        assert_eq!(wrap("", 20, 2), Vec::<String>::new());
    }

    #[test]
    fn wrapping_breaks_words_and_cjk_that_do_not_fit() {
        let lines = wrap("日本語のタイトルがとても長い場合", 8, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| width(l) <= 8), "{lines:?}");
        let lines = wrap("Supercalifragilisticexpialidocious deck", 10, 2);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        assert!(lines[1].ends_with('…'));
    }

    #[test]
    fn fit_pads_to_exact_width() {
        assert_eq!(width(&fit("日本", 7)), 7);
        assert_eq!(width(&fit("日本語のタイトル", 5)), 5);
    }
}

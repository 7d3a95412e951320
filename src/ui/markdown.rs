//! GitLab-flavoured markdown as terminal lines: headings, lists, task lists, quotes, rules,
//! fenced code, and inline code, emphasis and links (numbered like the detail view's link list).
//! Text is neutralised first, so nothing in it reaches the terminal as a control sequence.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::ui::{text, theme};

const CODE: Style = theme::PENDING;
const LINK: Style = Style::new()
    .fg(theme::ACCENT)
    .add_modifier(Modifier::UNDERLINED);

/// Drops HTML comments (`<!-- sm-board:... -->` markers ride on posted comments) the way GitLab
/// hides them when it renders.
fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `source` as lines; `links` numbers markdown links (`[text](url)` shows `text [n]`).
pub fn lines(source: &str, links: &[String]) -> Vec<Line<'static>> {
    let cleaned = text::clean_block(&strip_comments(source));
    let body = cleaned.trim_end_matches('\n');
    let mut in_code = false;
    let mut out = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            let language = trimmed.trim_start_matches(['`', '~']).trim();
            if in_code && !language.is_empty() {
                out.push(Line::styled(format!("  ┌ {language}"), theme::DIM));
            }
            continue;
        }
        if in_code {
            out.push(Line::styled(format!("  │ {line}"), CODE));
            continue;
        }
        if let Some(heading) = trimmed.strip_prefix('#') {
            let level = 1 + heading.len() - heading.trim_start_matches('#').len();
            let title = heading.trim_start_matches('#').trim();
            let style = if level <= 2 {
                theme::FOCUSED_BORDER.add_modifier(Modifier::UNDERLINED)
            } else {
                theme::FOCUSED_BORDER
            };
            out.push(Line::from(inline(title, style, links)));
            continue;
        }
        if matches!(trimmed, "---" | "***" | "___") {
            out.push(Line::styled("─".repeat(40), theme::BORDER));
            continue;
        }
        if let Some(quoted) = trimmed.strip_prefix('>') {
            let mut spans = vec![Span::styled(format!("{indent}│ "), theme::DIM)];
            spans.extend(inline(quoted.trim_start(), theme::DIM, links));
            out.push(Line::from(spans));
            continue;
        }
        let (marker, rest) = list_marker(trimmed);
        let mut spans = vec![Span::raw(format!("{indent}{marker}"))];
        spans.extend(inline(rest, Style::new(), links));
        out.push(Line::from(spans));
    }
    out
}

/// A list item's marker as shown (`• `, `☐ `, `☑ `, `3. `) and the item's text.
fn list_marker(line: &str) -> (String, &str) {
    for (marker, shown) in [
        ("- [ ] ", "☐ "),
        ("* [ ] ", "☐ "),
        ("- [x] ", "☑ "),
        ("- [X] ", "☑ "),
        ("* [x] ", "☑ "),
    ] {
        if let Some(rest) = line.strip_prefix(marker) {
            return (shown.to_string(), rest);
        }
    }
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return ("• ".to_string(), rest);
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = line[digits..]
            .strip_prefix(". ")
            .or(line[digits..].strip_prefix(") "))
    {
        return (format!("{}. ", &line[..digits]), rest);
    }
    (String::new(), line)
}

/// Inline markup: `code`, **bold**, *italic* / _italic_, [links](url) and <autolinks>.
fn inline(text: &str, base: Style, links: &[String]) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut plain = String::new();
    let flush = |plain: &mut String, spans: &mut Vec<Span<'static>>| {
        if !plain.is_empty() {
            spans.push(Span::styled(std::mem::take(plain), base));
        }
    };
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        if c == '`'
            && let Some(end) = after.find('`')
        {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(after[..end].to_string(), CODE));
            rest = &after[end + 1..];
            continue;
        }
        if let Some(strong) = rest.strip_prefix("**").or(rest.strip_prefix("__"))
            && let Some(end) = strong.find(&rest[..2])
            && end > 0
        {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(
                strong[..end].to_string(),
                base.add_modifier(Modifier::BOLD),
            ));
            rest = &strong[end + 2..];
            continue;
        }
        let word_start = plain.chars().last().is_none_or(|p| !p.is_alphanumeric());
        if (c == '*' || (c == '_' && word_start))
            && let Some(end) = after.find(c)
            && end > 0
            && !after.starts_with(' ')
        {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(
                after[..end].to_string(),
                base.add_modifier(Modifier::ITALIC),
            ));
            rest = &after[end + 1..];
            continue;
        }
        if c == '['
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let label = &after[..close];
            let url = &after[close + 2..close + 2 + end];
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(label.to_string(), LINK));
            if let Some(n) = links.iter().position(|l| l == url) {
                spans.push(Span::styled(format!(" [{}]", n + 1), theme::DIM));
            }
            rest = &after[close + 2 + end + 1..];
            continue;
        }
        if c == '<'
            && (after.starts_with("http://") || after.starts_with("https://"))
            && let Some(end) = after.find('>')
        {
            flush(&mut plain, &mut spans);
            spans.push(Span::styled(after[..end].to_string(), LINK));
            rest = &after[end + 1..];
            continue;
        }
        plain.push(c);
        rest = after;
    }
    flush(&mut plain, &mut spans);
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn blocks_render_as_terminal_lines() {
        let source = "# Brief\n- [ ] deck\n- [x] copy\n* item\n2. second\n> quoted\n---\n\
                      ```rust\nlet x = 1;\n```\nend <!-- sm-board:abc -->";
        assert_eq!(
            shown(&lines(source, &[])),
            [
                "Brief",
                "☐ deck",
                "☑ copy",
                "• item",
                "2. second",
                "│ quoted",
                &"─".repeat(40),
                "  ┌ rust",
                "  │ let x = 1;",
                "end ",
            ]
        );
    }

    #[test]
    fn inline_markup_is_styled_and_links_are_numbered() {
        let links = vec!["https://a.example/x".to_string()];
        let spans = inline(
            "see **this** and `code`, [the doc](https://a.example/x) or snake_case_name",
            Style::new(),
            &links,
        );
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "see this and code, the doc [1] or snake_case_name");
        let bold = spans.iter().find(|s| s.content == "this").unwrap();
        assert!(bold.style.add_modifier.contains(Modifier::BOLD));
        let link = spans.iter().find(|s| s.content == "the doc").unwrap();
        assert!(link.style.add_modifier.contains(Modifier::UNDERLINED));
    }

    #[test]
    fn escape_sequences_in_markdown_are_neutralised() {
        let text: String = shown(&lines("**\u{1b}[31mred**", &[])).concat();
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }
}

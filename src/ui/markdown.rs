//! GitLab-flavoured markdown as terminal lines, parsed with pulldown-cmark (with the
//! options `app::links` numbers links with): headings, paragraphs, nested and task lists, quotes, rules,
//! fenced and indented code, tables, `<details>` summaries, and inline code, nested emphasis,
//! strikethrough, links and images (`[image: alt]`), each link numbered as in the detail view's
//! link list. The source is neutralised first, so nothing in it reaches the terminal as a
//! control sequence; HTML comments (the `<!-- sm-board:... -->` markers on posted comments) are
//! hidden as GitLab hides them, and other HTML tags are dropped.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::links::markdown_options;
use crate::ui::{text, theme};

const CODE: Style = theme::PENDING;
const LINK: Style = Style::new()
    .fg(theme::ACCENT)
    .add_modifier(Modifier::UNDERLINED);
const RULE_WIDTH: usize = 40;

/// Drops HTML comments the way GitLab hides them when it renders.
fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// `source` as lines; `links` numbers links and images (`text [n]`).
pub fn lines(source: &str, links: &[String]) -> Vec<Line<'static>> {
    let cleaned = text::clean_block(&strip_comments(source));
    let mut render = Render::new(links);
    for event in Parser::new_ext(&cleaned, markdown_options()) {
        render.event(event);
    }
    render.finish()
}

/// What a line inside a container starts with.
enum Container {
    Quote,
    /// A list item: its marker (shown on its first line) and the indent of the lines after.
    Item {
        marker: Option<String>,
        indent: usize,
    },
}

/// A table being collected: rows of cells, each cell its spans.
#[derive(Default)]
struct Table {
    alignments: Vec<Alignment>,
    rows: Vec<Vec<Vec<Span<'static>>>>,
    header_rows: usize,
}

struct Render<'l> {
    links: &'l [String],
    out: Vec<Line<'static>>,
    line: Vec<Span<'static>>,
    /// Whether `line` has its containers' prefix yet.
    prefixed: bool,
    containers: Vec<Container>,
    /// Each open list's next number (`None`: bullets).
    lists: Vec<Option<u64>>,
    styles: Vec<Style>,
    /// Open links' and images' targets, numbered when they close.
    targets: Vec<String>,
    code: Option<Style>,
    table: Option<Table>,
    /// A blank line goes before the next block.
    gap: bool,
}

impl<'l> Render<'l> {
    fn new(links: &'l [String]) -> Self {
        Render {
            links,
            out: Vec::new(),
            line: Vec::new(),
            prefixed: false,
            containers: Vec::new(),
            lists: Vec::new(),
            styles: vec![Style::new()],
            targets: Vec::new(),
            code: None,
            table: None,
            gap: false,
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, add: impl FnOnce(Style) -> Style) {
        let style = add(self.style());
        self.styles.push(style);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// The containers' prefix, once per line: quote bars, then the item's marker on its first
    /// line and its indent after.
    fn prefix(&mut self) {
        if self.prefixed {
            return;
        }
        self.prefixed = true;
        let mut spans = Vec::new();
        for container in &mut self.containers {
            match container {
                Container::Quote => spans.push(Span::styled("│ ", theme::DIM)),
                Container::Item { marker, indent } => match marker.take() {
                    Some(marker) => spans.push(Span::raw(marker)),
                    None => spans.push(Span::raw(" ".repeat(*indent))),
                },
            }
        }
        self.line.splice(0..0, spans);
    }

    fn text(&mut self, content: String, style: Style) {
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|row| row.last_mut()) {
                cell.push(Span::styled(content, style));
            }
            return;
        }
        self.prefix();
        self.line.push(Span::styled(content, style));
    }

    fn end_line(&mut self) {
        if self.prefixed || !self.line.is_empty() {
            self.prefix();
            self.out.push(Line::from(std::mem::take(&mut self.line)));
        }
        self.prefixed = false;
    }

    /// Before a block: the blank line that separates it from the one before.
    fn start_block(&mut self) {
        self.end_line();
        if self.gap && !self.out.is_empty() {
            // Quote bars continue through the gap; list indents do not need to.
            if self
                .containers
                .iter()
                .any(|c| matches!(c, Container::Quote))
            {
                self.prefix();
                self.end_line();
            } else {
                self.out.push(Line::raw(""));
            }
        }
        self.gap = false;
    }

    fn end_block(&mut self) {
        self.end_line();
        self.gap = true;
    }

    /// Closes a link or image: its number in the link list, when it has one.
    fn close_target(&mut self) {
        let Some(target) = self.targets.pop() else {
            return;
        };
        if let Some(n) = self.links.iter().position(|l| *l == target) {
            self.text(format!(" [{}]", n + 1), theme::DIM);
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(content) => match self.code {
                Some(style) => self.code_text(&content, style),
                None => self.text(content.into_string(), self.style()),
            },
            Event::Code(content) => self.text(content.into_string(), CODE),
            Event::SoftBreak | Event::HardBreak => {
                if self.table.is_none() {
                    self.end_line();
                }
            }
            Event::Rule => {
                self.start_block();
                self.text("─".repeat(RULE_WIDTH), theme::BORDER);
                self.end_block();
            }
            Event::TaskListMarker(done) => {
                if let Some(Container::Item { marker, .. }) = self.containers.last_mut() {
                    *marker = Some(if done { "☑ " } else { "☐ " }.to_string());
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => self.html(&html),
            Event::InlineMath(content) | Event::DisplayMath(content) => {
                self.text(content.into_string(), CODE);
            }
            Event::FootnoteReference(name) => {
                self.text(format!("[^{name}]"), theme::DIM);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                // A tight list item's text needs no gap before it.
                self.start_block();
            }
            Tag::Heading { level, .. } => {
                self.start_block();
                let style = if level <= HeadingLevel::H2 {
                    theme::FOCUSED_BORDER.add_modifier(Modifier::UNDERLINED)
                } else {
                    theme::FOCUSED_BORDER
                };
                self.styles.push(style);
            }
            Tag::BlockQuote(_) => {
                self.start_block();
                self.containers.push(Container::Quote);
                self.push_style(|s| s.patch(theme::DIM));
            }
            Tag::CodeBlock(kind) => {
                self.start_block();
                if let CodeBlockKind::Fenced(language) = &kind {
                    let language = language.split_whitespace().next().unwrap_or("");
                    if !language.is_empty() {
                        self.text(format!("  ┌ {language}"), theme::DIM);
                        self.end_line();
                    }
                }
                self.code = Some(CODE);
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.start_block();
                } else {
                    self.end_line();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.end_line();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "• ".to_string(),
                };
                let indent = text::width(&marker);
                self.containers.push(Container::Item {
                    marker: Some(marker),
                    indent,
                });
                self.gap = false;
            }
            Tag::Table(alignments) => {
                self.start_block();
                self.table = Some(Table {
                    alignments,
                    ..Table::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(Vec::new());
                }
            }
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.targets.push(dest_url.into_string());
                self.push_style(|s| s.patch(LINK));
            }
            Tag::Image { dest_url, .. } => {
                self.targets.push(dest_url.into_string());
                self.text("[image: ".into(), theme::DIM);
                self.push_style(|s| s.patch(theme::DIM));
            }
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.end_block(),
            TagEnd::Heading(_) => {
                self.pop_style();
                self.end_block();
            }
            TagEnd::BlockQuote(_) => {
                self.end_line();
                self.containers.pop();
                self.pop_style();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                self.code = None;
                self.end_block();
            }
            TagEnd::List(_) => {
                self.end_line();
                self.lists.pop();
                self.gap = true;
            }
            TagEnd::Item => {
                self.end_line();
                self.containers.pop();
                self.gap = false;
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.table_lines(table);
                }
                self.gap = true;
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header_rows = table.rows.len();
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                self.close_target();
            }
            TagEnd::Image => {
                self.pop_style();
                self.text("]".into(), theme::DIM);
                self.close_target();
            }
            _ => {}
        }
    }

    /// Code block text: each line behind a bar, styled as code.
    fn code_text(&mut self, content: &str, style: Style) {
        for line in content.trim_end_matches('\n').split('\n') {
            self.text(format!("  │ {line}"), style);
            self.end_line();
        }
    }

    /// HTML: `<summary>` text as a disclosure line, line breaks kept, other tags dropped and
    /// the text between them kept.
    fn html(&mut self, html: &str) {
        let mut rest = html;
        while !rest.is_empty() {
            match rest.find('<') {
                Some(0) => {
                    let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                    let tag = rest[..end].to_ascii_lowercase();
                    rest = &rest[end..];
                    if tag.starts_with("<summary") {
                        let close = rest.to_ascii_lowercase().find("</summary>");
                        let (summary, after) = match close {
                            Some(at) => (&rest[..at], &rest[at + "</summary>".len()..]),
                            None => (rest, ""),
                        };
                        self.start_block();
                        self.text(format!("▸ {}", summary.trim()), theme::BOLD);
                        self.end_block();
                        rest = after;
                    } else if tag.starts_with("<br") {
                        self.end_line();
                    }
                }
                found => {
                    let end = found.unwrap_or(rest.len());
                    let between = rest[..end].trim();
                    if !between.is_empty() {
                        self.text(between.to_string(), self.style());
                    }
                    rest = &rest[end..];
                }
            }
        }
    }

    /// A table: cells padded to their column's width, the header bold and ruled off.
    fn table_lines(&mut self, table: Table) {
        let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
        let cell_width =
            |cell: &[Span<'static>]| cell.iter().map(|s| text::width(&s.content)).sum::<usize>();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                table
                    .rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|cell| cell_width(cell))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (r, row) in table.rows.into_iter().enumerate() {
            let header = r < table.header_rows;
            let count = row.len();
            for (c, cell) in row.into_iter().enumerate() {
                let room = widths[c].saturating_sub(cell_width(&cell));
                let (before, after) = match table.alignments.get(c) {
                    Some(Alignment::Right) => (room, 0),
                    Some(Alignment::Center) => (room / 2, room - room / 2),
                    _ => (0, room),
                };
                self.text(" ".repeat(before), Style::new());
                for span in cell {
                    let style = if header {
                        span.style.add_modifier(Modifier::BOLD)
                    } else {
                        span.style
                    };
                    self.text(span.content.into_owned(), style);
                }
                if c + 1 < count {
                    self.text(format!("{} │ ", " ".repeat(after)), theme::BORDER);
                }
            }
            self.end_line();
            if header && r + 1 == table.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.text(rule.join("─┼─"), theme::BORDER);
                self.end_line();
            }
        }
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        self.end_line();
        self.out
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;

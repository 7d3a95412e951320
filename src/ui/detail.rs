//! The request detail (`Enter`): header, description as markdown, label history (who moved it
//! when), comments (system notes dimmed or hidden) and the numbered links `Tab` steps through.

use chrono::{DateTime, FixedOffset, Utc};
use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::{AppState, Detail, DetailContent};
use crate::store::LabelEvent;
use crate::ui::overlay::{centered, popup};
use crate::ui::{markdown, text, theme};

fn when(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn rule(title: &str, width: u16) -> Line<'static> {
    let title = format!("── {title} ");
    let fill = (width as usize).saturating_sub(text::width(&title));
    Line::styled(format!("{title}{}", "─".repeat(fill)), theme::BORDER)
}

fn user(name: Option<&str>) -> String {
    name.map(|n| format!("@{}", text::clean_line(n)))
        .unwrap_or_else(|| "someone".into())
}

/// One line per change: events made together (same time, same person) are one change.
fn history_lines(
    history: &[LabelEvent],
    state_key: &str,
    offset: FixedOffset,
) -> Vec<Line<'static>> {
    let prefix = format!("{state_key}::");
    let mut lines = Vec::new();
    let mut start = 0;
    while start < history.len() {
        let first = &history[start];
        let end = history[start..]
            .iter()
            .position(|e| e.created_at != first.created_at || e.actor != first.actor)
            .map_or(history.len(), |n| start + n);
        let group = &history[start..end];
        let mut spans = vec![
            Span::styled(format!("{}  ", when(first.created_at, offset)), theme::DIM),
            Span::raw(format!("{:<16}", user(first.actor.as_deref()))),
        ];
        let state_of = |added: bool| {
            group
                .iter()
                .find(|e| e.added == added && e.label.starts_with(&prefix))
                .map(|e| e.label[prefix.len()..].to_string())
        };
        match (state_of(false), state_of(true)) {
            (Some(from), Some(to)) => {
                spans.push(Span::styled(format!("{from} → {to}"), theme::BOLD));
            }
            (None, Some(to)) => spans.push(Span::styled(format!("→ {to}"), theme::BOLD)),
            _ => {}
        }
        for event in group.iter().filter(|e| !e.label.starts_with(&prefix)) {
            let (sign, style) = if event.added {
                ("+", theme::OK)
            } else {
                ("−", theme::WARN)
            };
            spans.push(Span::styled(
                format!("  {sign}{}", text::clean_line(&event.label)),
                style,
            ));
        }
        lines.push(Line::from(spans));
        start = end;
    }
    lines
}

fn content_lines(
    state: &AppState,
    detail: &Detail,
    content: &DetailContent,
    width: u16,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match &content.description {
        Some(body) if !body.trim().is_empty() => {
            lines.extend(markdown::lines(body, &content.links));
        }
        _ => lines.push(Line::styled("(no description)", theme::DIM)),
    }
    lines.push(Line::raw(""));
    lines.push(rule("Label history", width));
    if content.history.is_empty() {
        lines.push(Line::styled(
            "(not fetched yet: the sync brings it on its next pass)",
            theme::DIM,
        ));
    }
    lines.extend(history_lines(
        &content.history,
        &state.workflow.state_key,
        state.offset,
    ));
    let comments = content.notes.iter().filter(|n| !n.system).count();
    let system = content.notes.len() - comments;
    lines.push(Line::raw(""));
    let hint = if system == 0 {
        String::new()
    } else if detail.show_system {
        format!(" · {system} system, s hides")
    } else {
        format!(" · {system} system hidden, s shows")
    };
    lines.push(rule(&format!("Comments ({comments}){hint}"), width));
    for note in content
        .notes
        .iter()
        .filter(|n| detail.show_system || !n.system)
    {
        let header = format!(
            "{} · {}",
            user(note.author.as_deref()),
            when(note.created_at, state.offset)
        );
        if note.system {
            let body = text::clean_line(note.body.lines().next().unwrap_or("")).into_owned();
            lines.push(Line::styled(format!("  {header}  {body}"), theme::DIM));
            continue;
        }
        lines.push(Line::styled(header, theme::BOLD));
        for line in markdown::lines(&note.body, &content.links) {
            let mut spans = vec![Span::raw("  ")];
            spans.extend(line.spans);
            lines.push(Line::from(spans));
        }
        lines.push(Line::raw(""));
    }
    if comments == 0 && (system == 0 || !detail.show_system) {
        lines.push(Line::styled("(no comments)", theme::DIM));
    }
    if !content.links.is_empty() {
        lines.push(Line::raw(""));
        lines.push(rule("Links · Tab selects, o opens, y copies", width));
        for (index, url) in content.links.iter().enumerate() {
            let line = Line::from(vec![
                Span::styled(format!(" [{}] ", index + 1), theme::DIM),
                Span::raw(text::clean_line(url).into_owned()),
            ]);
            lines.push(if detail.link == Some(index) {
                line.style(theme::selected(state.theme).add_modifier(Modifier::BOLD))
            } else {
                line
            });
        }
    }
    lines
}

/// What a laid-out body depends on. Content is told apart by where its text lives: a reload
/// brings new strings.
#[derive(Clone, Copy, PartialEq, Eq)]
struct LayoutKey {
    issue_id: i64,
    description: (usize, usize),
    notes: (usize, usize),
    history: (usize, usize),
    width: u16,
    show_system: bool,
    link: Option<usize>,
}

thread_local! {
    /// The body of the open detail, wrapped to its width: laid out once, then only the rows on
    /// screen are drawn (rendering happens on the UI thread alone).
    static LAYOUT: std::cell::RefCell<Option<(LayoutKey, std::rc::Rc<Vec<Line<'static>>>)>> =
        const { std::cell::RefCell::new(None) };
}

fn layout_key(detail: &Detail, content: &DetailContent, width: u16) -> LayoutKey {
    LayoutKey {
        issue_id: detail.issue_id,
        description: content
            .description
            .as_ref()
            .map_or((0, 0), |d| (d.as_ptr() as usize, d.len())),
        notes: (content.notes.as_ptr() as usize, content.notes.len()),
        history: (content.history.as_ptr() as usize, content.history.len()),
        width,
        show_system: detail.show_system,
        link: detail.link,
    }
}

/// The body's wrapped lines, from the cache when nothing it depends on changed.
fn body_rows(
    state: &AppState,
    detail: &Detail,
    content: &DetailContent,
    width: u16,
) -> std::rc::Rc<Vec<Line<'static>>> {
    let key = layout_key(detail, content, width);
    LAYOUT.with(|cache| {
        if let Some((cached, rows)) = &*cache.borrow()
            && *cached == key
        {
            return rows.clone();
        }
        let lines = content_lines(state, detail, content, width);
        let rows = std::rc::Rc::new(crate::ui::wrap::wrap_lines(&lines, width as usize));
        *cache.borrow_mut() = Some((key, rows.clone()));
        rows
    })
}

pub fn render(frame: &mut Frame, state: &AppState, detail: &Detail) {
    let area = centered(
        frame.area(),
        frame.area().width.saturating_sub(8).max(40),
        frame.area().height.saturating_sub(4),
    );
    let Some(card) = state.card_by_id(detail.issue_id) else {
        return;
    };
    let record = &card.record;
    let title = format!("{}  {}", record.reference, record.title);
    let (inner, block) = popup(frame, area, &title);
    let mut lines = vec![
        Line::styled(text::clean_line(&record.title).into_owned(), theme::BOLD),
        Line::from(vec![
            Span::styled("opened ", theme::DIM),
            Span::raw(when(record.created_at, state.offset)),
            Span::styled(" by ", theme::DIM),
            Span::raw(user(record.author.as_deref())),
            Span::styled("  updated ", theme::DIM),
            Span::raw(when(record.updated_at, state.offset)),
            Span::styled(
                if record.facts.open {
                    "  open"
                } else {
                    "  closed"
                },
                theme::DIM,
            ),
        ]),
        Line::from(vec![
            Span::styled("labels ", theme::DIM),
            Span::raw(text::clean_line(&record.facts.labels.join(", ")).into_owned()),
        ]),
        Line::styled(
            text::clean_line(&record.web_url.to_string()).into_owned(),
            theme::DIM,
        ),
    ];
    for anomaly in &card.class.anomalies {
        lines.push(Line::styled(
            format!("{} {}", theme::ANOMALY, anomaly.describe()),
            theme::ERROR,
        ));
    }
    // Possible duplicates of a new or triaged request.
    for alike in state.look_alikes(card) {
        lines.push(Line::from(vec![
            Span::styled("similar ", theme::DIM),
            Span::raw(format!(
                "{} {} ({}) ",
                text::clean_line(&alike.reference),
                text::clean_line(&alike.title),
                text::clean_line(&alike.state)
            )),
            Span::styled(format!("{:.2}", alike.score), theme::DIM),
        ]));
    }
    lines.push(Line::styled(
        "─".repeat(inner.width as usize),
        theme::BORDER,
    ));
    let mut rows = crate::ui::wrap::wrap_lines(&lines, inner.width as usize);
    let body = match &detail.content {
        None => {
            rows.push(Line::styled("loading…", theme::DIM));
            std::rc::Rc::new(Vec::new())
        }
        Some(content) => body_rows(state, detail, content, inner.width),
    };
    // Only the rows on screen are handed to the widget.
    let total = rows.len() + body.len();
    let scroll = (detail.scroll as usize).min(total.saturating_sub(3));
    let height = inner.height as usize;
    let visible: Vec<Line<'static>> = rows
        .iter()
        .chain(body.iter())
        .skip(scroll)
        .take(height)
        .cloned()
        .collect();
    frame.render_widget(
        Paragraph::new(visible).block(
            block.title_bottom(
                Line::styled(
                    " j/k scroll · Tab links · s system notes · n comment · Esc closes ",
                    theme::DIM,
                )
                .right_aligned(),
            ),
        ),
        area,
    );
}

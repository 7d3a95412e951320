//! The board: one bordered column per visible state, cards scrolled independently, horizontal
//! scrolling when the columns do not fit.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::app::layout::{CARD_HEIGHT, column_window};
use crate::app::state::{AppState, Card, Focus, keep_visible};
use crate::ui::{text, theme};
use crate::workflow::Placement;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState) {
    let (visible, first, fit) = column_window(state, area.width);
    if visible.is_empty() {
        frame.render_widget(Paragraph::new("no columns: every state is hidden"), area);
        return;
    }
    let shown = &visible[first..(first + fit).min(visible.len())];
    let areas = Layout::horizontal(vec![Constraint::Fill(1); shown.len()]).split(area);
    for (slot, &column_index) in shown.iter().enumerate() {
        render_column(frame, areas[slot], state, column_index);
    }
}

fn column_title(state: &AppState, column_index: usize) -> (String, bool) {
    let column = &state.columns[column_index];
    match column.placement {
        Placement::State(i) => (state.workflow.states[i].title(), false),
        Placement::Unlabelled => ("unlabelled".to_string(), true),
    }
}

fn render_column(frame: &mut Frame, area: Rect, state: &AppState, column_index: usize) {
    let column = &state.columns[column_index];
    let focused = column_index == state.focused_column && state.focus == Focus::Board;
    let (title, warning) = column_title(state, column_index);
    let title_style = if warning {
        theme::ERROR
    } else if focused {
        theme::FOCUSED_BORDER
    } else {
        theme::BOLD
    };
    let mut block = Block::bordered()
        .border_style(if focused {
            theme::FOCUSED_BORDER
        } else {
            theme::BORDER
        })
        .title_top(Line::from(vec![
            Span::styled(format!(" {title} "), title_style),
            Span::styled(format!("{} ", state.column_len(column)), theme::DIM),
        ]));
    let inner = block.inner(area);
    let page = (inner.height / CARD_HEIGHT).max(1) as usize;
    let count = state.column_len(column);
    let offset = keep_visible(column.offset, column.selected, page).min(count.saturating_sub(page));
    if count > page {
        let below = count.saturating_sub(offset + page);
        let mut hint = format!(" {}/{count} ", column.selected + 1);
        if below > 0 {
            hint = format!(" ↓{below} {hint}");
        }
        if offset > 0 {
            hint = format!(" ↑{offset}{hint}");
        }
        block = block.title_bottom(Line::styled(hint, theme::DIM).right_aligned());
    }
    frame.render_widget(block, area);
    if column.cards.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled(" (empty)", theme::DIM)), inner);
        return;
    }
    let mut lines: Vec<Line> = Vec::with_capacity(page * CARD_HEIGHT as usize);
    for (pos, &card_index) in column.cards.iter().enumerate().skip(offset).take(page) {
        let selected = pos == column.selected && column_index == state.focused_column;
        let card = &state.cards[card_index];
        lines.extend(card_lines(
            state,
            card,
            inner.width as usize,
            selected,
            focused,
        ));
        lines.push(Line::raw(""));
    }
    render_rows(frame, inner, &lines);
}

/// Draws `lines` a row each from the top of `area`. Cards come cut to the column's width, so
/// they skip a paragraph's reflow, which walked every character through grapheme and width
/// lookups twice (a third of a frame's time at 160x48), and their ASCII is written a byte to
/// a cell (`ui::line`).
pub fn render_rows(frame: &mut Frame, area: Rect, lines: &[Line]) {
    let buf = frame.buffer_mut();
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        crate::ui::line::render(
            line,
            Rect {
                y,
                height: 1,
                ..area
            },
            buf,
        );
    }
}

/// A short due date: `Nov 30`, or the full date in another year.
pub fn short_date(date: NaiveDate, today: NaiveDate) -> String {
    use chrono::Datelike;
    if date.year() == today.year() {
        date.format("%b %-d").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

/// How loud a due date is: overdue, due within 7 days, or later.
pub fn due_style(date: NaiveDate, today: NaiveDate) -> Style {
    let days = (date - today).num_days();
    if days < 0 {
        theme::ERROR
    } else if days <= 7 {
        theme::WARN
    } else {
        Style::new()
    }
}

/// How long the card has been in its state (`5h`, `3d`): dim, yellow past the state's
/// `stale_after_days`, red past twice that. Since creation when the move was never seen.
fn age_in_state(state: &AppState, card: &Card, index: usize) -> Span<'static> {
    let since = card.record.state_since.unwrap_or(card.record.created_at);
    let age = state.now - since;
    let text = if age.num_days() >= 1 {
        format!("{}d", age.num_days())
    } else {
        format!("{}h", age.num_hours().max(0))
    };
    let style = match state.workflow.states[index].stale_after_days {
        Some(limit) if age.num_days() > 2 * i64::from(limit) => theme::ERROR,
        Some(limit) if age.num_days() > i64::from(limit) => theme::WARN,
        _ => theme::DIM,
    };
    Span::styled(text, style)
}

/// The four lines of a card, exactly `width` cells each.
fn card_lines(
    state: &AppState,
    card: &Card,
    width: usize,
    selected: bool,
    focused: bool,
) -> Vec<Line<'static>> {
    let content = width.saturating_sub(1);
    let marked = state.marked.contains(&card.record.id);
    let bar = if marked {
        Span::styled(
            theme::MARKED,
            theme::PENDING.add_modifier(ratatui::style::Modifier::BOLD),
        )
    } else if selected && focused {
        Span::styled("▌", theme::FOCUSED_BORDER)
    } else if selected {
        Span::styled("▏", theme::DIM)
    } else {
        Span::raw(" ")
    };
    let facts = &card.record.facts;
    let open_state = match card.class.placement {
        Placement::State(i) => !state.workflow.states[i].closed,
        Placement::Unlabelled => true,
    };

    // Line 1: reference and priority on the left, markers on the right.
    let mut left = vec![Span::styled(card.short_ref(), theme::BOLD)];
    if let Some(p) = card.class.priority() {
        left.push(Span::raw(" "));
        left.push(Span::styled(format!("P{p}"), theme::priority(p)));
    }
    if card.record.confidential {
        left.push(Span::raw(" "));
        left.push(Span::styled(
            if state.ascii_marks {
                theme::CONFIDENTIAL_ASCII
            } else {
                theme::CONFIDENTIAL
            },
            theme::WARN,
        ));
    }
    let mut right: Vec<Span> = Vec::new();
    if open_state && let Placement::State(i) = card.class.placement {
        right.push(age_in_state(state, card, i));
    }
    if card.pending > 0 {
        right.push(Span::styled(
            format!("{}{}", theme::PENDING_MARK, card.pending),
            theme::PENDING,
        ));
    }
    if card.conflict.is_some() {
        right.push(Span::styled(theme::CONFLICT, theme::ERROR));
    }
    if !card.class.anomalies.is_empty() {
        right.push(Span::styled(theme::ANOMALY, theme::ERROR));
    }
    if open_state {
        right.push(if card.class.groomed {
            Span::styled(theme::GROOMED, theme::OK)
        } else {
            Span::styled(theme::NEEDS_GROOMING, theme::WARN)
        });
    }
    let first = spread(left, right, content);

    // Lines 2 and 3: the title, word-wrapped.
    let title_style = if selected { theme::BOLD } else { Style::new() };
    let mut title = text::wrap(&text::clean_line(&card.record.title), content, 2).into_iter();
    let mut title_line = || {
        Line::from(Span::styled(
            text::fit(&title.next().unwrap_or_default(), content),
            title_style,
        ))
    };
    let second = title_line();
    let third_title = title_line();

    // Line 4: team, assignees, due date.
    let mut meta: Vec<Span> = Vec::new();
    match (
        &card.class.team,
        facts
            .labels
            .iter()
            .filter(|l| state.workflow.is_team(l))
            .count(),
    ) {
        (Some(team), _) => meta.push(Span::styled(
            text::clean_line(team).into_owned(),
            theme::DIM,
        )),
        (None, 0) => meta.push(Span::styled("no team", theme::DIM)),
        (None, _) => meta.push(Span::styled("teams?", theme::ERROR)),
    }
    if let Some(first) = facts.assignees.first() {
        let more = facts.assignees.len() - 1;
        let who = if more > 0 {
            format!(" @{} +{more}", first.username)
        } else {
            format!(" @{}", first.username)
        };
        meta.push(Span::raw(text::clean_line(&who).into_owned()));
    }
    let due: Vec<Span> = facts
        .due_date
        .filter(|_| open_state)
        .map(|d| {
            vec![Span::styled(
                short_date(d, state.today),
                due_style(d, state.today),
            )]
        })
        .unwrap_or_default();
    let fourth = spread(meta, due, content);

    let style = if selected && focused {
        theme::selected(state.theme)
    } else {
        Style::new()
    };
    [first, second, third_title, fourth]
        .into_iter()
        .map(|line| {
            let mut spans = vec![bar.clone()];
            spans.extend(line.spans);
            Line::from(spans).style(style)
        })
        .collect()
}

/// `left` and `right` on one line of exactly `width` cells; the left side is cut first.
fn spread(left: Vec<Span<'static>>, right: Vec<Span<'static>>, width: usize) -> Line<'static> {
    let right_width: usize = right.iter().map(|s| text::width(&s.content) + 1).sum();
    let room = width.saturating_sub(right_width);
    let mut spans = Vec::new();
    let mut used = 0;
    for span in left {
        if used >= room {
            break;
        }
        let cut = text::truncate(&span.content, room - used);
        used += text::width(&cut);
        spans.push(Span::styled(cut, span.style));
    }
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(used + right_width)),
    ));
    for span in right {
        if used + right_width > width {
            break;
        }
        spans.push(Span::raw(" "));
        spans.push(span);
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Keymap, Source};
    use crate::store::IssueRecord;
    use crate::workflow::{IssueFacts, Workflow};
    use chrono::{Duration, NaiveDate, TimeZone, Utc};

    fn card_in_triage_for(days: i64) -> (AppState, Card) {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let record = IssueRecord {
            id: 1,
            iid: 1,
            project_id: 1,
            reference: "g/p#1".into(),
            title: "t".into(),
            facts: IssueFacts {
                labels: ["sm_req::triage".into()].into(),
                open: true,
                ..IssueFacts::default()
            },
            author: None,
            created_at: now - Duration::days(90),
            updated_at: now,
            closed_at: None,
            web_url: crate::store::WebUrl::default(),
            state_since: Some(now - Duration::days(days) - Duration::hours(1)),
            confidential: false,
        };
        let wf = Workflow::default();
        let card = Card::new(&wf, record, 0);
        let state = AppState::new(
            wf,
            Keymap::default(),
            crate::app::BoardData::default(),
            Source::Demo,
            now,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        );
        (state, card)
    }

    #[test]
    fn age_in_state_turns_yellow_past_the_threshold_and_red_past_twice_it() {
        let triage = Workflow::default().state_index("triage").unwrap();
        for (days, text, style) in [
            (0, "1h", theme::DIM),
            (3, "3d", theme::DIM),
            (4, "4d", theme::WARN),
            (7, "7d", theme::ERROR),
        ] {
            let (state, card) = card_in_triage_for(days);
            let span = age_in_state(&state, &card, triage);
            assert_eq!(
                (span.content.as_ref(), span.style),
                (text, style),
                "{days} days"
            );
        }
    }
}

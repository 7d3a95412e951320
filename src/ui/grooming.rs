//! The grooming pane: every grooming field of the selected request, each with the key that sets
//! it, plus time in state, other labels and anomalies.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::keymap::Mode;
use crate::app::state::{AppState, Card, Focus, GROOM_ROWS, GroomRow};
use crate::ui::board::{due_style, short_date};
use crate::ui::{text, theme};
use crate::workflow::Placement;
use crate::workflow::labels::{split_scoped, values_of};

pub fn render(frame: &mut Frame, area: Rect, state: &AppState) {
    let focused = state.focus == Focus::Grooming && state.overlay.is_none();
    let block = Block::bordered()
        .border_style(if focused {
            theme::FOCUSED_BORDER
        } else {
            theme::BORDER
        })
        .title_top(Line::styled(" Grooming ", theme::BOLD));
    let Some(card) = state.selected_card() else {
        frame.render_widget(
            Paragraph::new(Line::styled(" no request selected", theme::DIM)).block(block),
            area,
        );
        return;
    };
    let block = block.title_top(Line::styled(format!("{} ", card.short_ref()), theme::DIM));
    let inner_width = area.width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::styled(
            text::clean_line(&card.record.title).into_owned(),
            theme::BOLD,
        ),
        Line::raw(""),
    ];
    let suggestions = state.suggestions_for(card);
    for (index, row) in GROOM_ROWS.iter().enumerate() {
        let highlighted = focused && index == state.groom_row;
        lines.push(field_line(
            state,
            card,
            *row,
            &suggestions,
            highlighted,
            inner_width,
        ));
    }
    if !suggestions.is_empty() {
        let key = state
            .keymap
            .key_for(Mode::Board, crate::app::keymap::Action::AcceptSuggestions)
            .map(|k| k.to_string())
            .unwrap_or_default();
        lines.push(Line::styled(
            format!("{key:>2} accept the suggested ({})", suggestions.len()),
            theme::DIM,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(format!("   {:<11}", "in state"), theme::DIM),
        Span::raw(days_in_state(state, card)),
    ]));
    let other = other_labels(state, card);
    lines.push(Line::from(vec![
        Span::styled(format!("   {:<11}", "labels"), theme::DIM),
        Span::raw(if other.is_empty() {
            "–".to_string()
        } else {
            other.join(", ")
        }),
    ]));
    let alikes = state.look_alikes(card);
    if !alikes.is_empty() {
        lines.push(Line::styled("   similar", theme::DIM));
        for alike in alikes {
            let score = format!(" {:.2}", alike.score);
            let text = format!(
                "   {} {} ({})",
                text::clean_line(&alike.reference),
                text::clean_line(&alike.title),
                text::clean_line(&alike.state)
            );
            let room = inner_width.saturating_sub(text::width(&score));
            lines.push(Line::from(vec![
                Span::raw(text::truncate(&text, room)),
                Span::styled(score, theme::DIM),
            ]));
        }
    }
    for anomaly in &card.class.anomalies {
        lines.push(Line::styled(
            format!(" {} {}", theme::ANOMALY, anomaly.describe()),
            theme::ERROR,
        ));
    }
    if let Some(conflict) = &card.conflict {
        lines.push(Line::styled(
            format!(
                " {} {} (C settles it)",
                theme::CONFLICT,
                text::clean_line(conflict)
            ),
            theme::ERROR,
        ));
    }
    if card.pending > 0 {
        lines.push(Line::styled(
            format!(
                " {} {} edit(s) not yet on GitLab",
                theme::PENDING_MARK,
                card.pending
            ),
            theme::PENDING,
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// "–  pmm? 78%": an empty field with the value the history suggests.
fn suggested(suggestions: &[crate::learn::Suggestion], field: usize) -> Option<(String, Style)> {
    let s = suggestions.iter().find(|s| s.field == field)?;
    Some((
        format!(
            "–  {}? {}%",
            s.value,
            crate::learn::shown_percent(s.confidence)
        ),
        theme::SUGGESTED,
    ))
}

fn field_line(
    state: &AppState,
    card: &Card,
    row: GroomRow,
    suggestions: &[crate::learn::Suggestion],
    highlighted: bool,
    width: usize,
) -> Line<'static> {
    let facts = &card.record.facts;
    let key = state
        .keymap
        .key_for(Mode::Board, row.action())
        .map(|k| k.to_string())
        .unwrap_or_default();
    let none = || ("–".to_string(), theme::DIM);
    let (name, (value, style)): (String, (String, Style)) = match row {
        GroomRow::State => (
            "state".into(),
            match card.class.placement {
                Placement::State(i) => (state.workflow.states[i].title(), theme::BOLD),
                Placement::Unlabelled => ("unlabelled".into(), theme::ERROR),
            },
        ),
        GroomRow::Team => (
            "team".into(),
            match &card.class.team {
                Some(team) => (team.to_string(), Style::new()),
                None => suggested(suggestions, 0).unwrap_or_else(none),
            },
        ),
        GroomRow::Field(i) => {
            let def = state.workflow.fields.all()[i];
            let values = values_of(&facts.labels, &def.key);
            let value = match values.as_slice() {
                [] => suggested(suggestions, i + 1).unwrap_or_else(none),
                [one] if i == 0 => (one.to_string(), theme::priority(one)),
                [one] => (one.to_string(), Style::new()),
                many => (many.join(" + "), theme::ERROR),
            };
            (def.title.clone(), value)
        }
        GroomRow::Milestone => (
            "milestone".into(),
            facts
                .milestone
                .as_ref()
                .map_or_else(none, |m| (m.title.clone(), Style::new())),
        ),
        GroomRow::Assignees => (
            "assignees".into(),
            if facts.assignees.is_empty() {
                none()
            } else {
                (
                    facts
                        .assignees
                        .iter()
                        .map(|u| format!("@{}", u.username))
                        .collect::<Vec<_>>()
                        .join(", "),
                    Style::new(),
                )
            },
        ),
        GroomRow::DueDate => (
            "due date".into(),
            facts.due_date.map_or_else(none, |d| {
                let days = (d - state.today).num_days();
                let when = match days {
                    0 => "today".to_string(),
                    d if d < 0 => format!("{} d late", -d),
                    d => format!("in {d} d"),
                };
                (
                    format!("{} ({when})", short_date(d, state.today)),
                    due_style(d, state.today),
                )
            }),
        ),
    };
    let label = format!("{key:>2} {name:<11}");
    let value_width = width.saturating_sub(text::width(&label) + 1);
    let value = text::truncate(&text::clean_line(&value), value_width);
    let line = Line::from(vec![
        Span::styled(label, theme::DIM),
        Span::styled(value, style),
    ]);
    if highlighted {
        line.style(theme::selected(state.theme))
    } else {
        line
    }
}

fn days_in_state(state: &AppState, card: &Card) -> String {
    match card.record.state_since {
        Some(since) => format!("{} d", (state.now - since).num_days().max(0)),
        None => format!(
            "≥ {} d (since update)",
            (state.now - card.record.updated_at).num_days().max(0)
        ),
    }
}

/// Labels that are not the scope, the state, a team or a grooming field.
fn other_labels(state: &AppState, card: &Card) -> Vec<String> {
    let wf = &state.workflow;
    let field_keys: Vec<&str> = wf.fields.all().iter().map(|f| f.key.as_str()).collect();
    card.record
        .facts
        .labels
        .iter()
        .filter(|l| **l != wf.scope_label && !wf.is_team(l))
        .filter(|l| match split_scoped(l) {
            Some((key, _)) => key != wf.state_key && !field_keys.contains(&key),
            None => true,
        })
        .map(|l| text::clean_line(l).into_owned())
        .collect()
}

//! The standup view (sections of a standup, one request selectable) and the flow view (a
//! cumulative flow diagram over 30 or 90 days, throughput per week, cycle-time distribution,
//! aging of open requests and load per team), drawn with ratatui's Chart and BarChart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, BarGroup, Block, Chart, Dataset, GraphType, Paragraph,
};

use crate::app::insight::{Insight, InsightData, InsightKind};
use crate::app::state::AppState;
use crate::metrics::flow::BUCKETS;
use crate::ui::overlay::popup;
use crate::ui::{text, theme};

/// A colour per workflow state, in workflow order (wrapping for longer workflows).
fn state_colour(index: usize) -> Color {
    const COLOURS: [Color; 7] = [
        Color::LightBlue,
        Color::Yellow,
        Color::Magenta,
        Color::Cyan,
        Color::Green,
        Color::Gray,
        Color::Red,
    ];
    COLOURS[index % COLOURS.len()]
}

/// Everything between the header line and the status line.
fn area_of(frame: &Frame) -> Rect {
    let screen = frame.area();
    Rect {
        x: screen.x,
        y: screen.y + 1,
        width: screen.width,
        height: screen.height.saturating_sub(2),
    }
}

pub fn render(frame: &mut Frame, state: &AppState, view: &Insight) {
    let area = area_of(frame);
    let title = match view.kind {
        InsightKind::Standup => "Standup".to_string(),
        InsightKind::Flow => format!("Flow · last {} days", view.days),
    };
    let (inner, block) = popup(frame, area, &title);
    let hint = match view.kind {
        InsightKind::Standup => " j/k pick · Enter jumps to it · y copies markdown · F flow · Esc ",
        InsightKind::Flow => " w 30/90 days · S standup · Esc closes ",
    };
    frame.render_widget(
        block.title_bottom(Line::styled(hint, theme::DIM).right_aligned()),
        area,
    );
    let Some(data) = &view.data else {
        frame.render_widget(Paragraph::new(Line::styled("loading…", theme::DIM)), inner);
        return;
    };
    match view.kind {
        InsightKind::Standup => standup(frame, state, view, data, inner),
        InsightKind::Flow => flow(frame, state, data, inner),
    }
}

fn standup(frame: &mut Frame, state: &AppState, view: &Insight, data: &InsightData, area: Rect) {
    let counts: Vec<String> = data
        .flow
        .cfd
        .iter()
        .map(|s| format!("{} {}", s.state, s.counts.last().copied().unwrap_or(0)))
        .collect();
    let mut lines = vec![Line::styled(counts.join(" · "), theme::DIM)];
    let mut selected_line = 0;
    let mut listed = 0;
    for section in &data.sections {
        lines.push(Line::raw(""));
        lines.push(Line::styled(section.heading.clone(), theme::FOCUSED_BORDER));
        if section.items.is_empty() {
            lines.push(Line::styled("  none", theme::DIM));
        }
        for item in &section.items {
            let text = format!("  {}", text::clean_line(&item.text));
            let mut line = Line::raw(text);
            if section.heading == "Overdue" {
                line = line.style(theme::WARN);
            }
            if item.id.is_some() {
                if listed == view.cursor {
                    selected_line = lines.len();
                    line = line.style(theme::selected(state.theme).add_modifier(Modifier::BOLD));
                }
                listed += 1;
            }
            lines.push(line);
        }
    }
    // Keep the selection on screen, a third of the way down once scrolled.
    let height = area.height as usize;
    let scroll = selected_line
        .saturating_sub(height / 3)
        .min(lines.len().saturating_sub(height));
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), area);
}

fn flow(frame: &mut Frame, state: &AppState, data: &InsightData, area: Rect) {
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    cfd(frame, state, data, top);
    let [throughput, cycle, aging, load] = Layout::horizontal([Constraint::Ratio(1, 4); 4])
        .spacing(1)
        .areas(bottom);
    let flow = &data.flow;
    let weeks: Vec<(String, u64)> = flow
        .throughput
        .iter()
        .map(|(end, n)| (end.format("%m-%d").to_string(), u64::from(*n)))
        .collect();
    bars(frame, throughput, "Done per week", &weeks);
    let cycle_title = match (flow.cycle.median_days, flow.cycle.p85_days) {
        (Some(median), Some(p85)) if cycle.width >= 34 => {
            format!("Cycle time: median {median:.0}d · 85% {p85:.0}d")
        }
        (Some(median), Some(p85)) => format!("Cycle med {median:.0}d p85 {p85:.0}d"),
        _ => "Cycle time: none done".to_string(),
    };
    let buckets = |counts: &[u32]| -> Vec<(String, u64)> {
        BUCKETS
            .iter()
            .zip(counts)
            .map(|((label, _), n)| (label.to_string(), u64::from(*n)))
            .collect()
    };
    bars(frame, cycle, &cycle_title, &buckets(&flow.cycle.histogram));
    bars(frame, aging, "Open: time in state", &buckets(&flow.aging));
    let teams: Vec<(String, u64)> = flow
        .team_load
        .iter()
        .map(|(team, n)| (text::clean_line(team).into_owned(), u64::from(*n)))
        .collect();
    bars(frame, load, "Load per team", &teams);
}

/// Requests per state at the end of each day, stacked: each line is the running total of the
/// states below it, closed states at the bottom, as a cumulative flow diagram draws them.
fn cfd(frame: &mut Frame, state: &AppState, data: &InsightData, area: Rect) {
    let flow = &data.flow;
    let wf = &state.workflow;
    let mut order: Vec<usize> = (0..wf.states.len())
        .filter(|&i| wf.states[i].closed)
        .collect();
    order.extend((0..wf.states.len()).rev().filter(|&i| !wf.states[i].closed));
    let days = flow.dates.len();
    let mut running = vec![0f64; days];
    let mut series: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for &state_index in &order {
        let Some(counts) = flow.cfd.get(state_index).map(|s| &s.counts) else {
            continue;
        };
        for (total, count) in running.iter_mut().zip(counts) {
            *total += f64::from(*count);
        }
        let points = running
            .iter()
            .enumerate()
            .map(|(day, total)| (day as f64, *total))
            .collect();
        series.push((state_index, points));
    }
    let top = running.iter().copied().fold(0.0, f64::max).max(1.0);
    let datasets: Vec<Dataset> = series
        .iter()
        .rev()
        .map(|(index, points)| {
            Dataset::default()
                .name(wf.states[*index].name.clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(state_colour(*index)))
                .data(points)
        })
        .collect();
    let date = |i: usize| {
        flow.dates
            .get(i)
            .map(|d| d.format("%m-%d").to_string())
            .unwrap_or_default()
    };
    let x_labels = vec![
        Span::raw(date(0)),
        Span::raw(date(days / 2)),
        Span::raw(date(days.saturating_sub(1))),
    ];
    let y_labels = vec![
        Span::raw("0"),
        Span::raw(format!("{:.0}", top / 2.0)),
        Span::raw(format!("{top:.0}")),
    ];
    let chart = Chart::new(datasets)
        .block(Block::new().title(Line::styled(
            "Cumulative flow: requests per state at the end of each day",
            theme::BOLD,
        )))
        .x_axis(
            Axis::default()
                .title("day")
                .style(theme::DIM)
                .bounds([0.0, days.saturating_sub(1).max(1) as f64])
                .labels(x_labels),
        )
        .y_axis(
            Axis::default()
                .title("requests")
                .style(theme::DIM)
                .bounds([0.0, top])
                .labels(y_labels),
        )
        .hidden_legend_constraints((Constraint::Percentage(40), Constraint::Percentage(80)));
    frame.render_widget(chart, area);
}

/// A titled horizontal bar chart (label, bar, value per row); rows past the area's height are
/// dropped from the start, so the most recent weeks stay.
fn bars(frame: &mut Frame, area: Rect, title: &str, items: &[(String, u64)]) {
    let block = Block::new().title(Line::styled(
        text::truncate(title, area.width as usize),
        theme::BOLD,
    ));
    let room = area.height.saturating_sub(1) as usize;
    let shown = &items[items.len().saturating_sub(room)..];
    // Labels take at most half the width, so the bars and values always show.
    let label_room = (area.width as usize / 2).max(4);
    let bars: Vec<Bar> = shown
        .iter()
        .map(|(label, value)| {
            Bar::default()
                .label(Line::raw(text::truncate(label, label_room)))
                .value(*value)
                .text_value(value.to_string())
                .style(Style::new().fg(theme::ACCENT))
                .value_style(Style::new().fg(Color::Black).bg(theme::ACCENT))
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .block(block)
            .direction(Direction::Horizontal)
            .bar_width(1)
            .bar_gap(0)
            .data(BarGroup::default().bars(&bars)),
        area,
    );
}

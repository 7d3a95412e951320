//! The standup view (sections of a standup, one request selectable) and the flow view (a
//! cumulative flow diagram over 30 or 90 days, throughput per week, cycle-time distribution,
//! aging of open requests and load per team): the diagram as filled bands of half blocks, the
//! rest with ratatui's BarChart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};

use crate::app::insight::{Insight, InsightData, InsightKind};
use crate::app::state::AppState;
use crate::metrics::Flow;
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
        InsightKind::Flow => flow(frame, state, view, data, inner),
    }
}

fn standup(frame: &mut Frame, state: &AppState, view: &Insight, data: &InsightData, area: Rect) {
    // Today's count per state (the last day of either window).
    let counts: Vec<String> = data
        .flow(view.days)
        .map(|flow| flow.cfd.as_slice())
        .unwrap_or_default()
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

fn flow(frame: &mut Frame, state: &AppState, view: &Insight, data: &InsightData, area: Rect) {
    let Some(flow) = data.flow(view.days) else {
        return;
    };
    // The charts below take the rows their longest list needs (and a title); the diagram
    // takes the rest.
    let rows = flow
        .throughput
        .len()
        .max(BUCKETS.len())
        .max(flow.team_load.len()) as u16
        + 1;
    let [top, bottom] = Layout::vertical([
        Constraint::Min(8),
        Constraint::Length(rows.min(area.height / 2)),
    ])
    .spacing(1)
    .areas(area);
    cfd(frame, state, flow, top);
    let [throughput, cycle, aging, load] = Layout::horizontal([Constraint::Ratio(1, 4); 4])
        .spacing(1)
        .areas(bottom);
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

/// The cumulative flow diagram as a CFD reads: each state a filled band, stacked (closed states
/// at the bottom, then the open ones from the last to the first), so a band's thickness is how
/// many requests sat in that state that day, and the gap between two band edges is work in
/// progress. Drawn with half blocks, two rows of resolution per cell; a legend line on top.
fn cfd(frame: &mut Frame, state: &AppState, flow: &Flow, area: Rect) {
    let wf = &state.workflow;
    let mut order: Vec<usize> = (0..wf.states.len())
        .filter(|&i| wf.states[i].closed)
        .collect();
    order.extend((0..wf.states.len()).rev().filter(|&i| !wf.states[i].closed));
    let bands: Vec<(Color, &[u32])> = order
        .iter()
        .filter_map(|&i| {
            let counts = flow.cfd.get(i)?.counts.as_slice();
            Some((state_colour(i), counts))
        })
        .collect();
    let days = flow.dates.len();
    let top = (0..days)
        .map(|day| {
            bands
                .iter()
                .map(|(_, counts)| counts.get(day).copied().unwrap_or(0))
                .sum::<u32>()
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let [title, legend, chart, x_axis] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Line::styled(
            "Cumulative flow: requests per state at the end of each day",
            theme::BOLD,
        )),
        title,
    );
    // Legend in stacking order, top band first, as the eye reads the chart.
    let mut spans = Vec::new();
    for &i in order.iter().rev() {
        spans.push(Span::styled("■ ", Style::new().fg(state_colour(i))));
        spans.push(Span::raw(format!(
            "{}  ",
            text::clean_line(&wf.states[i].name)
        )));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), legend);
    let axis_width = top.to_string().len() as u16 + 1;
    let [y_axis, plot] =
        Layout::horizontal([Constraint::Length(axis_width), Constraint::Min(1)]).areas(chart);
    let y_labels = Paragraph::new(
        (0..y_axis.height)
            .map(|row| {
                let label = if row == 0 {
                    top.to_string()
                } else if row + 1 == y_axis.height {
                    "0".to_string()
                } else if row == y_axis.height / 2 {
                    (top / 2).to_string()
                } else {
                    String::new()
                };
                Line::styled(
                    format!("{label:>w$}", w = axis_width as usize - 1),
                    theme::DIM,
                )
            })
            .collect::<Vec<_>>(),
    );
    frame.render_widget(y_labels, y_axis);
    frame.render_widget(
        Bands {
            bands: &bands,
            top,
            days,
        },
        plot,
    );
    let date = |i: usize| {
        flow.dates
            .get(i)
            .map(|d| d.format("%m-%d").to_string())
            .unwrap_or_default()
    };
    let [left, middle, right] = Layout::horizontal([Constraint::Ratio(1, 3); 3]).areas(Rect {
        x: plot.x,
        width: plot.width,
        ..x_axis
    });
    frame.render_widget(Paragraph::new(Line::styled(date(0), theme::DIM)), left);
    frame.render_widget(
        Paragraph::new(Line::styled(date(days / 2), theme::DIM).centered()),
        middle,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(date(days.saturating_sub(1)), theme::DIM).right_aligned()),
        right,
    );
}

/// Stacked bands: `bands` bottom first, each a count per day.
struct Bands<'a> {
    bands: &'a [(Color, &'a [u32])],
    top: u32,
    days: usize,
}

impl ratatui::widgets::Widget for Bands<'_> {
    fn render(self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        if area.is_empty() || self.days == 0 {
            return;
        }
        let halves = usize::from(area.height) * 2;
        let width = usize::from(area.width);
        for column in 0..width {
            // The day this column shows (the first and last days at the edges).
            let day = if width == 1 {
                self.days - 1
            } else {
                (column * (self.days - 1) + (width - 1) / 2) / (width - 1)
            };
            let mut edges: Vec<(u32, Color)> = Vec::with_capacity(self.bands.len());
            let mut total = 0u32;
            for (colour, counts) in self.bands {
                total += counts.get(day).copied().unwrap_or(0);
                edges.push((total, *colour));
            }
            // The band at half-row `h` (0 at the bottom): the first whose top edge is above
            // the half-row's middle.
            let band_at = |h: usize| {
                let level = (h as f64 + 0.5) / halves as f64 * f64::from(self.top);
                edges
                    .iter()
                    .find(|(edge, _)| f64::from(*edge) > level)
                    .map(|(_, colour)| *colour)
            };
            for row in 0..area.height {
                let lower = band_at(usize::from(row) * 2);
                let upper = band_at(usize::from(row) * 2 + 1);
                let (symbol, style) = match (upper, lower) {
                    (None, None) => continue,
                    (Some(up), Some(low)) if up == low => ("█", Style::new().fg(up)),
                    (Some(up), Some(low)) => ("▀", Style::new().fg(up).bg(low)),
                    (None, Some(low)) => ("▄", Style::new().fg(low)),
                    (Some(up), None) => ("▀", Style::new().fg(up)),
                };
                let x = area.x + column as u16;
                let y = area.bottom() - 1 - row;
                buf[(x, y)].set_symbol(symbol).set_style(style);
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::widgets::Widget;

    #[test]
    fn bands_stack_and_fill_their_share_of_the_height() {
        // Two days; bottom band 2 then 4 requests, top band 2 then 0; 4 at most.
        let bottom: [u32; 2] = [2, 4];
        let upper: [u32; 2] = [2, 0];
        let bands = [(Color::Green, &bottom[..]), (Color::Blue, &upper[..])];
        let area = Rect::new(0, 0, 2, 2);
        let mut buf = Buffer::empty(area);
        Bands {
            bands: &bands,
            top: 4,
            days: 2,
        }
        .render(area, &mut buf);
        // Day one: half each, the upper row blue, the lower green.
        assert_eq!(buf[(0, 0)].symbol(), "█");
        assert_eq!(buf[(0, 0)].fg, Color::Blue);
        assert_eq!(buf[(0, 1)].fg, Color::Green);
        // Day two: all four requests in the bottom band.
        assert_eq!(buf[(1, 0)].fg, Color::Green);
        assert_eq!(buf[(1, 1)].fg, Color::Green);
        // One request of four in a 2-row chart fills half a row: a lower half block.
        let one: [u32; 1] = [1];
        let bands = [(Color::Red, &one[..])];
        let mut buf = Buffer::empty(area);
        Bands {
            bands: &bands,
            top: 4,
            days: 1,
        }
        .render(area, &mut buf);
        assert_eq!(buf[(0, 1)].symbol(), "▄");
        assert_eq!(buf[(0, 0)].symbol(), " ");
    }
}

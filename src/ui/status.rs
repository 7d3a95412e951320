//! The status bar: where the data comes from, the last message, pending edits and sync age.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::keymap::{Action, Mode};
use crate::app::state::{AppState, FilterInput, Source, Tone};
use crate::ui::{text, theme};

use crate::text::age;

pub fn render(frame: &mut Frame, area: Rect, state: &AppState) {
    let mut left = match &state.source {
        Source::Demo => vec![Span::styled(" DEMO ", theme::DEMO_BADGE)],
        Source::GitLab { host, path } => vec![Span::styled(
            format!(" {host} {} ", text::clean_line(path)),
            theme::BOLD,
        )],
    };
    let mut right = Vec::new();
    if state.conflicts > 0 {
        right.push(Span::styled(
            format!("{} {} to settle (C) · ", theme::CONFLICT, state.conflicts),
            theme::ERROR,
        ));
    }
    let clock = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono::Local).format("%H:%M").to_string()
    };
    if let (true, Some(until)) = (state.sync.running, state.sync.waiting_until) {
        right.push(Span::styled(
            format!("⟳ rate limited, waiting until {} · ", clock(until)),
            theme::WARN,
        ));
    } else if state.sync.running {
        right.push(Span::styled("⟳ syncing · ", theme::PENDING));
    } else if let Some(until) = state.sync.rate_limited_until {
        right.push(Span::styled(
            format!("rate limited until {} · ", clock(until)),
            theme::WARN,
        ));
    } else if state.sync.offline.is_some() {
        right.push(Span::styled("offline · ", theme::WARN));
    } else if state.sync.error.is_some() {
        right.push(Span::styled("sync failed · ", theme::ERROR));
    }
    if state.pending_edits > 0 {
        right.push(Span::styled(
            format!("{}{} pending · ", theme::PENDING_MARK, state.pending_edits),
            theme::PENDING,
        ));
    }
    right.push(Span::styled(
        match state.last_synced_at {
            Some(at) => format!("synced {} ", age((state.now - at).num_seconds())),
            None => match state.source {
                Source::Demo => "demo data, never synced ".to_string(),
                Source::GitLab { .. } => "never synced ".to_string(),
            },
        },
        theme::DIM,
    ));
    let right_width: usize = right.iter().map(|s| text::width(&s.content)).sum();
    let left_width: usize = left.iter().map(|s| text::width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(left_width + right_width + 2);
    let (message, style) = match &state.message {
        // Messages quote GitLab (errors, label names): never raw.
        Some(m) => (
            text::clean_line(&m.text).into_owned(),
            match m.tone {
                Tone::Info => theme::OK,
                Tone::Warn => theme::WARN,
                Tone::Error => theme::ERROR,
            },
        ),
        None => {
            let help = state
                .keymap
                .key_for(Mode::Board, Action::Help)
                .map_or_else(|| "?".into(), |k| k.to_string());
            (format!("{help} help · q quit"), theme::DIM)
        }
    };
    left.push(Span::raw(" "));
    left.push(Span::styled(
        text::fit(&text::clean_line(&message), room),
        style,
    ));
    left.push(Span::raw(" "));
    left.extend(right);
    frame.render_widget(Line::from(left), area);
}

/// The filter being typed, in the status bar's place: `/` and the text, then how many match or
/// why the text does not parse yet.
pub fn filter_line(frame: &mut Frame, area: Rect, state: &AppState, input: &FilterInput) {
    let mut spans = vec![Span::styled("/", theme::FOCUSED_BORDER)];
    spans.extend(crate::ui::overlay::field_spans(&input.text));
    spans.push(Span::raw("  "));
    match &input.error {
        Some(error) => spans.push(Span::styled(
            text::clean_line(error).into_owned(),
            theme::ERROR,
        )),
        None => {
            let matching = state
                .filter
                .as_ref()
                .map_or(state.request_count(), |f| f.matching);
            spans.push(Span::styled(
                format!(
                    "{matching} of {} match · Enter keeps · Esc clears",
                    state.request_count()
                ),
                theme::DIM,
            ));
        }
    }
    frame.render_widget(Line::from(spans), area);
}

//! Colours and symbols, in one place.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;
pub const DIM: Style = Style::new().fg(Color::DarkGray);
pub const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
/// Light or dark terminal background (`[ui] theme`); only the selection needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Dark,
    Light,
}

/// The selected card's or row's background, readable on either background.
pub fn selected(kind: ThemeKind) -> Style {
    match kind {
        ThemeKind::Dark => Style::new().bg(Color::Rgb(45, 55, 75)),
        ThemeKind::Light => Style::new().bg(Color::Rgb(212, 224, 246)),
    }
}
pub const FOCUSED_BORDER: Style = Style::new().fg(ACCENT).add_modifier(Modifier::BOLD);
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
pub const WARN: Style = Style::new().fg(Color::Yellow);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const OK: Style = Style::new().fg(Color::Green);
pub const PENDING: Style = Style::new().fg(Color::Cyan);
pub const DEMO_BADGE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);

pub const GROOMED: &str = "✓";
pub const NEEDS_GROOMING: &str = "◌";
pub const ANOMALY: &str = "⚠";
pub const PENDING_MARK: &str = "↑";
pub const CONFLICT: &str = "⚡";
pub const MARKED: &str = "◆";

/// Style of a priority value (`1` loudest).
pub fn priority(value: &str) -> Style {
    match value {
        "1" => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        "2" => Style::new().fg(Color::Yellow),
        "3" => Style::new().fg(Color::Blue),
        _ => Style::new().fg(Color::Magenta),
    }
}

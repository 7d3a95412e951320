//! Colours and symbols, in one place.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;
pub const DIM: Style = Style::new().fg(Color::DarkGray);
/// A value the board suggests but nobody chose yet.
pub const SUGGESTED: Style = Style::new()
    .fg(Color::Magenta)
    .add_modifier(Modifier::ITALIC);
pub const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
pub use crate::config::ThemeKind;

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
/// A confidential request (only project members see it).
pub const CONFIDENTIAL: &str = "🔒";
/// The same, where emoji may not show.
pub const CONFIDENTIAL_ASCII: &str = "[c]";

/// Should marks be plain ASCII? Under `NO_COLOR`, and when the locale is not UTF-8.
pub fn wants_ascii(env: &dyn Fn(&str) -> Option<String>) -> bool {
    if crate::output::no_color_in(env("NO_COLOR").as_deref().map(std::ffi::OsStr::new)) {
        return true;
    }
    // The first of these that is set decides, as for any C program.
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.is_empty()));
    locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        !(l.contains("utf-8") || l.contains("utf8"))
    })
}

/// Style of a priority value (`1` loudest).
pub fn priority(value: &str) -> Style {
    match value {
        "1" => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        "2" => Style::new().fg(Color::Yellow),
        "3" => Style::new().fg(Color::Blue),
        _ => Style::new().fg(Color::Magenta),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_marks_under_no_color_or_a_non_utf8_locale() {
        let env = crate::test_env::vars;
        assert!(!wants_ascii(&env(&[("LANG", "en_US.UTF-8")])));
        assert!(!wants_ascii(&env(&[])));
        assert!(wants_ascii(&env(&[
            ("NO_COLOR", "1"),
            ("LANG", "en_US.UTF-8")
        ])));
        assert!(wants_ascii(&env(&[("LANG", "C")])));
        assert!(wants_ascii(&env(&[
            ("LC_ALL", "POSIX"),
            ("LANG", "en_US.utf8")
        ])));
        assert!(!wants_ascii(&env(&[
            ("LC_CTYPE", "de_DE.utf8"),
            ("LANG", "C")
        ])));
    }
}

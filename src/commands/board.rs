//! `sm-board board`: the TUI's own renderer drawn once into a text buffer.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::AppState;
use crate::ui;

/// The screen as lines of text, trailing spaces trimmed.
pub fn render_text(state: &AppState, width: u16, height: u16) -> Result<String, std::io::Error> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    terminal
        .draw(|frame| ui::render(frame, state))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = ui::text::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out)
}

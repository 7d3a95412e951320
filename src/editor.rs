//! Writing text in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`): a template in a private
//! temporary file, the editor run in the foreground, lines starting with `#` dropped afterwards.

use std::io::Write;

/// Why no text came back.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot prepare a file for the editor: {0}")]
    File(std::io::Error),
    #[error("cannot run the editor `{command}`: {source}; set $EDITOR")]
    Run {
        command: String,
        source: std::io::Error,
    },
    #[error("the editor `{0}` exited with an error; nothing was queued")]
    Failed(String),
}

fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Drops `#` comment lines and surrounding blank lines.
pub fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Opens the editor on `template`; returns the text without comment lines (empty: nothing).
/// The caller must have left the alternate screen and raw mode.
pub fn edit(template: &str) -> Result<String, EditorError> {
    let mut file = tempfile::Builder::new()
        .prefix("sm-board-comment-")
        .suffix(".md")
        .tempfile()
        .map_err(EditorError::File)?;
    file.write_all(template.as_bytes())
        .map_err(EditorError::File)?;
    file.flush().map_err(EditorError::File)?;
    let command = editor_command();
    let mut parts = command.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .map_err(|source| EditorError::Run {
            command: command.clone(),
            source,
        })?;
    if !status.success() {
        return Err(EditorError::Failed(command));
    }
    let text = std::fs::read_to_string(file.path()).map_err(EditorError::File)?;
    Ok(strip_comments(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_and_blank_edges_are_dropped() {
        let text = "\nLooks good to me.\n\n# Comment on #12\n# Lines starting with # are dropped\n";
        assert_eq!(strip_comments(text), "Looks good to me.");
        assert_eq!(strip_comments("# only a template\n"), "");
        assert_eq!(
            strip_comments("a\n  # indented stays\nb"),
            "a\n  # indented stays\nb"
        );
    }
}

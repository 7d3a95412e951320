//! Writing text in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`): a template in a private
//! temporary file, the editor run in the foreground. Our instructions sit below a scissors line
//! (as git's do) and only they are cut: every line the user typed is kept, `#` headings and
//! `#41` references included.

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

/// The line above our instructions; it and everything after it are not the user's.
pub const SCISSORS: &str = "# ------------------------ >8 ------------------------";

/// The instructions block to append to a template: the scissors line, then `lines` as
/// `# ` comments.
pub fn instructions(lines: &[&str]) -> String {
    let mut out = format!("\n{SCISSORS}\n# Do not modify or remove the line above.\n");
    out.push_str("# Everything below it is ignored.\n");
    for line in lines {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The user's text: everything above the scissors line (all of it when the line is gone),
/// without blank lines at the edges.
pub fn strip_comments(text: &str) -> String {
    let mine = match text.lines().position(|l| l.trim_end() == SCISSORS) {
        Some(at) => text.lines().take(at).collect::<Vec<_>>().join("\n"),
        None => text.to_string(),
    };
    mine.trim_matches(|c| c == '\n' || c == '\r')
        .trim_end()
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
    let mut child = std::process::Command::new(program);
    crate::config::token::without_secrets(&mut child);
    let status = child
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
    fn only_our_instructions_below_the_scissors_are_cut() {
        let template = instructions(&["Comment on #12", "An empty comment is not posted."]);
        let typed = "# Summary\n\n#41 covers the same request.\n## Next steps\n- ask @alice";
        let text = format!("\n{typed}\n\n{template}");
        assert_eq!(strip_comments(&text), typed);
        // Nothing typed: nothing to post.
        assert_eq!(strip_comments(&template), "");
        // Without the scissors line every line is the user's.
        assert_eq!(strip_comments("# heading\ntext\n"), "# heading\ntext");
    }
}

//! The one sanitiser for text that came from GitLab (titles, label names, usernames, milestone
//! titles, error messages), used on every output path: the TUI, stdout, stderr, the log, JSON,
//! and what is handed to child processes. Control characters (C0, DEL, C1) and bidirectional
//! overrides never pass: ESC shows as `␛` so an injected sequence is visible but inert, the
//! rest become spaces; JSON keeps them, escaped as `\uXXXX`.

use std::borrow::Cow;
use std::io::Write;

/// Characters that must never reach a terminal from GitLab's text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One-line text: controls become spaces (ESC becomes `␛`).
pub fn clean_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{1b}' => '␛',
                c if is_unsafe(c) => ' ',
                c => c,
            })
            .collect(),
    )
}

/// Multi-line text: keeps newlines, turns tabs into spaces, neutralises the rest.
pub fn clean_block(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split('\n')
        .map(|line| clean_line(&line.replace('\t', "    ")).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// JSON text (as serde_json writes it) with every unsafe character escaped: serde_json escapes
/// C0 controls but writes DEL, C1 and bidi characters raw. Outside strings JSON holds none of
/// them, so the data stays the same and only its spelling changes.
pub fn json(text: String) -> String {
    if !text.chars().any(is_unsafe_in_json) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe_in_json(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Newlines and tabs in JSON output are its own layout, never data (serde escapes those).
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && c != '\n' && c != '\t'
}

/// A writer that neutralises what passes through it (for the log file: a `tail -f` of it is a
/// terminal too). Writes are whole log lines; a character split across writes is read lossily.
pub struct CleanWriter<W: Write> {
    inner: W,
}

impl<W: Write> CleanWriter<W> {
    pub fn new(inner: W) -> Self {
        CleanWriter { inner }
    }
}

impl<W: Write> Write for CleanWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(clean_block(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile text: an OSC 52 clipboard write, a colour, C1 CSI, bidi overrides, DEL.
    pub const HOSTILE: &str =
        "\u{1b}]52;c;cGF3bmVk\u{7}p::\u{1b}[31mred\u{9b}2J\u{202e}evil\u{2066}x\u{7f}";

    fn safe(text: &str) -> bool {
        !text.chars().any(|c| is_unsafe(c) && c != '\n')
    }

    #[test]
    fn hostile_text_is_inert_in_every_form() {
        assert!(safe(&clean_line(HOSTILE)));
        assert!(clean_line(HOSTILE).contains('␛'));
        assert!(safe(&clean_block(&format!("{HOSTILE}\n{HOSTILE}"))));
        let json_text = json(serde_json::to_string(&serde_json::json!({ "t": HOSTILE })).unwrap());
        assert!(safe(&json_text), "{json_text:?}");
        let back: serde_json::Value = serde_json::from_str(&json_text).unwrap();
        assert_eq!(back["t"], HOSTILE, "JSON keeps the data");
        let mut log = CleanWriter::new(Vec::new());
        log.write_all(HOSTILE.as_bytes()).unwrap();
        assert!(safe(&String::from_utf8(log.inner).unwrap()));
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert!(matches!(
            clean_line("Battlecard: GitLab vs. 競合 🔒"),
            Cow::Borrowed(_)
        ));
        assert_eq!(json("{\"a\":\"b\"}".into()), "{\"a\":\"b\"}");
    }
}

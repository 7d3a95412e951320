//! Sharing a request from the terminal: opening it in the browser (never blocking the UI) and
//! copying text with OSC 52, which terminals (and tmux, and SSH sessions) turn into a clipboard
//! write.

use std::io::Write;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()))
}

/// How far a copy is known to have gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// The system clipboard (a local clipboard tool took it, or tmux passes it on).
    Clipboard,
    /// Sent to the terminal as OSC 52, which most terminals put on the clipboard.
    Terminal,
    /// tmux's paste buffer only: tmux's `set-clipboard` is off.
    TmuxBuffer,
}

/// Puts `text` on the clipboard by every way at hand: inside tmux, `tmux load-buffer -w` (its
/// paste buffer, and the outer terminal's clipboard when tmux's `set-clipboard` allows; a raw
/// OSC 52 would stop at tmux); elsewhere OSC 52 to the terminal; and on a desktop session a
/// local clipboard tool too (`wl-copy`, `xclip`, `xsel`, `pbcopy`).
pub fn copy(text: &str) -> std::io::Result<Reached> {
    let local = !over_ssh() && local_clipboard(text);
    let reached = if std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()) {
        let mut load = std::process::Command::new("tmux");
        load.args(["load-buffer", "-w", "-"]);
        if pipe_to(&mut load, text).is_err() {
            // tmux before 3.2 has no -w: its paste buffer is as far as it goes.
            let mut older = std::process::Command::new("tmux");
            older.args(["load-buffer", "-"]);
            pipe_to(&mut older, text)?;
            return Ok(if local {
                Reached::Clipboard
            } else {
                Reached::TmuxBuffer
            });
        }
        let mut option = std::process::Command::new("tmux");
        crate::config::token::without_secrets(&mut option);
        let passed_on = option
            .args(["show-options", "-gv", "set-clipboard"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .output()
            .is_ok_and(|o| matches!(String::from_utf8_lossy(&o.stdout).trim(), "on" | "external"));
        if passed_on {
            Reached::Clipboard
        } else {
            Reached::TmuxBuffer
        }
    } else {
        let mut out = std::io::stdout();
        out.write_all(osc52(text).as_bytes())?;
        out.flush()?;
        Reached::Terminal
    };
    Ok(if local { Reached::Clipboard } else { reached })
}

fn over_ssh() -> bool {
    ["SSH_CONNECTION", "SSH_TTY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Runs `command` with `text` on its stdin and waits for it; an error when it fails.
fn pipe_to(command: &mut std::process::Command, text: &str) -> std::io::Result<()> {
    crate::config::token::without_secrets(command);
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let status = child.wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("exited with {status}")))
    }
}

/// The desktop's own clipboard tool, when one runs here: true when it took the text.
fn local_clipboard(text: &str) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let tools: &[&[&str]] = if cfg!(target_os = "macos") {
        &[&["pbcopy"]]
    } else if set("WAYLAND_DISPLAY") {
        &[&["wl-copy"]]
    } else if set("DISPLAY") {
        &[
            &["xclip", "-selection", "clipboard"],
            &["xsel", "--clipboard", "--input"],
        ]
    } else {
        &[]
    };
    tools.iter().any(|words| {
        let Some((program, args)) = words.split_first() else {
            return false;
        };
        pipe_to(std::process::Command::new(program).args(args), text).is_ok()
    })
}

/// Only web links are opened: a URL from GitLab could otherwise be an option to the opener
/// (`-oProxyCommand=...`) or a local file. A parsed `http(s)://` URL never begins with `-`.
pub fn openable(url: &str) -> std::io::Result<String> {
    let refuse = |why: &str| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not opening `{}`: {why}", crate::sanitize::clean_line(url)),
        )
    };
    let parsed = url::Url::parse(url.trim()).map_err(|_| refuse("not a URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(refuse("only http(s) links are opened"));
    }
    Ok(parsed.to_string())
}

/// The commands to try for `url`, in order, as `$BROWSER` is read by Python's `webbrowser`
/// and the `webbrowser` crate: a `:`-separated list, each entry a command with arguments
/// (quotes group words), `%s` standing for the URL (`%%` for a percent sign), the URL
/// appended when there is no `%s`. Without `$BROWSER`: `xdg-open` (`open` on macOS).
pub fn browser_commands(browser: Option<&str>, url: &str) -> Vec<Vec<String>> {
    let fallback = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let list = browser.filter(|b| !b.trim().is_empty()).unwrap_or(fallback);
    list.split(':')
        .filter_map(|entry| {
            let mut words = split_words(entry);
            if words.is_empty() {
                return None;
            }
            let mut placed = false;
            for word in &mut words {
                if word.contains("%s") {
                    *word = word.replace("%s", url);
                    placed = true;
                }
                *word = word.replace("%%", "%");
            }
            if !placed {
                words.push(url.to_string());
            }
            Some(words)
        })
        .collect()
}

/// Words of a command line: split on spaces, `'...'` and `"..."` kept together.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

/// Opens `url` with the first of `$BROWSER`'s commands that starts (see `browser_commands`),
/// detached: the UI never waits, and a thread reaps the opener when it exits (no zombies).
pub fn open_url(url: &str) -> std::io::Result<()> {
    let url = openable(url)?;
    let browser = std::env::var("BROWSER").ok();
    let mut last_error = None;
    for words in browser_commands(browser.as_deref(), &url) {
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        let mut command = std::process::Command::new(program);
        crate::config::token::without_secrets(&mut command);
        let spawned = command
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                std::thread::Builder::new()
                    .name("sm-board-reap".into())
                    .spawn(move || {
                        let _ = child.wait();
                    })?;
                return Ok(());
            }
            Err(err) => {
                last_error = Some(std::io::Error::new(err.kind(), format!("{program}: {err}")))
            }
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no browser command to run")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_is_read_as_a_list_of_commands_with_arguments_and_percent_s() {
        let url = "https://gitlab.com/g/p/-/issues/1";
        assert_eq!(browser_commands(Some("firefox"), url), [["firefox", url]]);
        assert_eq!(
            browser_commands(Some("firefox --new-tab"), url),
            [["firefox", "--new-tab", url]]
        );
        assert_eq!(
            browser_commands(Some("w3m -o 'x y' %s:lynx"), url),
            [vec!["w3m", "-o", "x y", url], vec!["lynx", url]]
        );
        assert_eq!(
            browser_commands(Some("open -a Safari --args --url=%s --pct=100%%"), url),
            [vec![
                "open",
                "-a",
                "Safari",
                "--args",
                &format!("--url={url}"),
                "--pct=100%"
            ]]
        );
        let fallback = browser_commands(None, url);
        assert_eq!(fallback.len(), 1);
        assert_eq!(fallback[0].last().map(String::as_str), Some(url));
        assert_eq!(browser_commands(Some("  "), url), fallback);
    }

    #[test]
    fn only_web_links_are_opened() {
        assert!(openable("https://gitlab.com/g/p/-/issues/1").is_ok());
        assert!(openable("http://127.0.0.1:8080/x").is_ok());
        for bad in [
            "-oProxyCommand=touch /tmp/pwned",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ssh://-oProxyCommand=x/",
            "",
        ] {
            assert!(openable(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn osc52_wraps_the_text_for_the_clipboard() {
        assert_eq!(osc52("g/p#12"), "\u{1b}]52;c;Zy9wIzEy\u{7}");
    }
}

//! Keys to actions, per mode: the parser of key names (`ctrl-d`, `g g`), the two-key trie that
//! resolves a key press, and rebinding from the config. The actions live in `action`, the
//! default table in `defaults`. Below both `config` (which rebinds) and `app` (which resolves),
//! passed into the app, never global, so it can be tested.

mod action;
mod defaults;

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub use action::{ACTION_NAMES, Action};

/// Which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Board,
    Grooming,
    Detail,
    Picker,
    Confirm,
    Help,
    Input,
    Filter,
    Standup,
    Flow,
}

impl Mode {
    pub const ALL: [Mode; 10] = [
        Mode::Board,
        Mode::Grooming,
        Mode::Detail,
        Mode::Picker,
        Mode::Confirm,
        Mode::Help,
        Mode::Input,
        Mode::Filter,
        Mode::Standup,
        Mode::Flow,
    ];

    /// The name used in `[keys.<mode>]`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Board => "board",
            Mode::Grooming => "grooming",
            Mode::Detail => "detail",
            Mode::Picker => "picker",
            Mode::Confirm => "confirm",
            Mode::Help => "help",
            Mode::Input => "input",
            Mode::Filter => "filter",
            Mode::Standup => "standup",
            Mode::Flow => "flow",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Board => "board",
            Mode::Grooming => "grooming pane",
            Mode::Detail => "request detail",
            Mode::Picker => "picker",
            Mode::Confirm => "confirmation",
            Mode::Help => "help",
            Mode::Input => "text input",
            Mode::Filter => "filter",
            Mode::Standup => "standup view",
            Mode::Flow => "flow view",
        }
    }

    /// Modes where printable keys are text, not commands.
    pub fn takes_text(self) -> bool {
        matches!(self, Mode::Picker | Mode::Input | Mode::Filter)
    }
}

/// One key with modifiers; uppercase letters carry no SHIFT (terminals disagree on sending it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Self {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    pub fn from_event(event: &KeyEvent) -> Self {
        Key {
            code: event.code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }
}

impl Key {
    /// Reads a key as written in the config: `L`, `Ctrl-p`, `Alt-x`, `Enter`, `Esc`, `Tab`,
    /// `Backspace`, `Space`, arrows (`Up`, `Left`, ...), `PgUp`, `PgDn`, `Home`, `End`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut rest = text;
        let mut ctrl = false;
        let mut alt = false;
        loop {
            if let Some(r) = rest.strip_prefix("Ctrl-").or(rest.strip_prefix("C-")) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("Alt-").or(rest.strip_prefix("M-")) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "Enter" | "Return" => KeyCode::Enter,
            "Esc" | "Escape" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Backspace" => KeyCode::Backspace,
            "Space" => KeyCode::Char(' '),
            "Up" | "↑" => KeyCode::Up,
            "Down" | "↓" => KeyCode::Down,
            "Left" | "←" => KeyCode::Left,
            "Right" | "→" => KeyCode::Right,
            "PgUp" | "PageUp" => KeyCode::PageUp,
            "PgDn" | "PageDown" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            f if f.len() >= 2
                && f.starts_with('F')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            single if single.chars().count() == 1 => {
                KeyCode::Char(single.chars().next().unwrap_or(' '))
            }
            other => {
                return Err(format!(
                    "`{other}` is not a key: use a character, Ctrl-x, Alt-x, Enter, Esc, Tab, \
                     Backspace, Space, Up/Down/Left/Right, PgUp, PgDn, Home, End or F1-F12"
                ));
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A key, or a two-key sequence like `g g` (the first key then waits for the second and shows
/// which keys may follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Binding {
    pub first: Key,
    pub then: Option<Key>,
}

impl From<Key> for Binding {
    fn from(key: Key) -> Self {
        Binding {
            first: key,
            then: None,
        }
    }
}

impl Binding {
    pub const fn seq(first: char, then: char) -> Self {
        Binding {
            first: Key::char(first),
            then: Some(Key::char(then)),
        }
    }

    /// `g g`, `Ctrl-p`: keys as in `Key::parse`, a space between the two of a sequence.
    pub fn parse(text: &str) -> Result<Binding, String> {
        let parts: Vec<&str> = text.split(' ').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [one] => Ok(Key::parse(one)?.into()),
            [first, then] => Ok(Binding {
                first: Key::parse(first)?,
                then: Some(Key::parse(then)?),
            }),
            _ => Err(format!(
                "`{text}` is not a key: write one key (`L`, `Ctrl-p`) or two for a sequence (`g g`)"
            )),
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.then {
            Some(then) => write!(f, "{} {then}", self.first),
            None => write!(f, "{}", self.first),
        }
    }
}

/// What a key press means in a mode, given the key pressed before it (if it began a sequence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    Action(Action),
    /// The first key of one or more sequences: wait for the next.
    Prefix,
    Unbound,
}

/// Bindings per mode, in the order the help lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    modes: HashMap<Mode, Vec<(Binding, Action)>>,
}

impl Keymap {
    /// The action bound to the single key `key` in `mode`.
    pub fn action(&self, mode: Mode, key: Key) -> Option<Action> {
        self.modes
            .get(&mode)?
            .iter()
            .find(|(b, _)| *b == Binding::from(key))
            .map(|(_, a)| *a)
    }

    /// What `key` means after `pending` (the first key of a sequence), or on its own.
    pub fn resolve(&self, mode: Mode, pending: Option<Key>, key: Key) -> Resolved {
        let bindings = self.modes.get(&mode).map(Vec::as_slice).unwrap_or(&[]);
        let wanted = match pending {
            Some(first) => Binding {
                first,
                then: Some(key),
            },
            None => key.into(),
        };
        if let Some((_, action)) = bindings.iter().find(|(b, _)| *b == wanted) {
            return Resolved::Action(*action);
        }
        if pending.is_none()
            && bindings
                .iter()
                .any(|(b, _)| b.first == key && b.then.is_some())
        {
            return Resolved::Prefix;
        }
        Resolved::Unbound
    }

    /// The keys that may follow `first` in `mode`, with what they do (the which-key hint).
    pub fn continuations(&self, mode: Mode, first: Key) -> Vec<(Key, Action)> {
        self.modes
            .get(&mode)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|(b, _)| b.first == first)
            .filter_map(|(b, a)| Some((b.then?, *a)))
            .collect()
    }

    /// Each action of `mode` with all its keys, in binding order: what the help shows.
    pub fn bindings(&self, mode: Mode) -> Vec<(Action, Vec<Binding>)> {
        let mut out: Vec<(Action, Vec<Binding>)> = Vec::new();
        for (key, action) in self.modes.get(&mode).map(Vec::as_slice).unwrap_or(&[]) {
            match out.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(*key),
                None => out.push((*action, vec![*key])),
            }
        }
        out
    }

    /// Replaces `action`'s keys in `mode` with `keys` (a user override).
    pub fn rebind(&mut self, mode: Mode, action: Action, keys: &[Binding]) {
        let bindings = self.modes.entry(mode).or_default();
        let at = bindings.iter().position(|(_, a)| *a == action);
        bindings.retain(|(_, a)| *a != action);
        let at = at.unwrap_or(bindings.len()).min(bindings.len());
        for (n, key) in keys.iter().enumerate() {
            bindings.insert(at + n, (*key, action));
        }
    }

    /// A key bound to two actions in one mode, or bound alone while it also begins a sequence
    /// (so the sequence could never be typed): `(mode, key, first, second)`.
    pub fn duplicate(&self) -> Option<(Mode, Binding, Action, Action)> {
        for mode in Mode::ALL {
            let bindings = self.modes.get(&mode).map(Vec::as_slice).unwrap_or(&[]);
            for (i, (key, action)) in bindings.iter().enumerate() {
                let clash = |(k, a): &&(Binding, Action)| {
                    a != action
                        && (k == key
                            || (k.first == key.first && (k.then.is_none() != key.then.is_none())))
                };
                if let Some((_, other)) = bindings[i + 1..].iter().find(clash) {
                    return Some((mode, *key, *action, *other));
                }
            }
        }
        None
    }

    /// The first key bound to `action` in `mode`, for hints ("press ? for help").
    pub fn key_for(&self, mode: Mode, action: Action) -> Option<Binding> {
        self.modes
            .get(&mode)?
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests;

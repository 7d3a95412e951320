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
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        let keymap = Keymap::default();
        for mode in [
            Mode::Board,
            Mode::Grooming,
            Mode::Detail,
            Mode::Picker,
            Mode::Confirm,
            Mode::Help,
            Mode::Input,
            Mode::Filter,
        ] {
            let keys: Vec<Binding> = keymap.modes[&mode].iter().map(|(k, _)| *k).collect();
            let mut unique = keys.clone();
            unique.dedup();
            let set: std::collections::HashSet<_> = keys.iter().collect();
            assert_eq!(set.len(), keys.len(), "duplicate binding in {mode:?}");
        }
    }

    #[test]
    fn every_action_has_a_distinct_name_that_reads_back() {
        let names: std::collections::HashSet<&str> = ACTION_NAMES.iter().map(|(_, n)| *n).collect();
        assert_eq!(names.len(), ACTION_NAMES.len());
        for (action, name) in ACTION_NAMES {
            assert_eq!(Action::from_name(name), Some(action));
            assert_eq!(action.name(), name);
        }
        assert_eq!(Action::MoveNext.name(), "move_next");
    }

    #[test]
    fn keys_parse_as_written_in_the_config() {
        assert_eq!(Key::parse("L"), Ok(Key::char('L')));
        assert_eq!(Key::parse("Ctrl-p"), Ok(Key::ctrl('p')));
        assert_eq!(Key::parse("Space"), Ok(Key::char(' ')));
        assert_eq!(Key::parse("PgDn"), Ok(Key::plain(KeyCode::PageDown)));
        let alt = Key::parse("Alt-x").unwrap();
        assert!(alt.alt && alt.code == KeyCode::Char('x'));
        assert!(Key::parse("Hyper-q").unwrap_err().contains("not a key"));
        assert_eq!(Key::parse("F1"), Ok(Key::plain(KeyCode::F(1))));
        assert_eq!(Key::plain(KeyCode::F(12)).to_string(), "F12");
        assert!(Key::parse("F13").is_err());
    }

    #[test]
    fn rebinding_replaces_an_action_s_keys_and_duplicates_are_found() {
        let mut keymap = Keymap::default();
        keymap.rebind(Mode::Board, Action::MoveNext, &[Key::char('>').into()]);
        assert_eq!(
            keymap.action(Mode::Board, Key::char('>')),
            Some(Action::MoveNext)
        );
        assert_eq!(keymap.action(Mode::Board, Key::char('L')), None);
        assert_eq!(keymap.duplicate(), None);
        keymap.rebind(Mode::Board, Action::SyncNow, &[Key::char('q').into()]);
        let (mode, key, _, _) = keymap.duplicate().unwrap();
        assert_eq!((mode, key), (Mode::Board, Key::char('q').into()));
    }

    #[test]
    fn g_begins_go_to_sequences_and_a_lone_g_would_shadow_them() {
        let mut keymap = Keymap::default();
        let g = Key::char('g');
        assert_eq!(keymap.resolve(Mode::Board, None, g), Resolved::Prefix);
        assert_eq!(
            keymap.resolve(Mode::Board, Some(g), Key::char('e')),
            Resolved::Action(Action::Bottom)
        );
        assert_eq!(
            keymap.resolve(Mode::Board, Some(g), Key::char('x')),
            Resolved::Unbound
        );
        let hints: Vec<String> = keymap
            .continuations(Mode::Board, g)
            .iter()
            .map(|(k, a)| format!("{k} {}", a.name()))
            .collect();
        assert_eq!(
            hints,
            ["g top", "e bottom", "h first_column", "l last_column"]
        );
        // The detail view keeps a plain `g`.
        assert_eq!(keymap.action(Mode::Detail, g), Some(Action::Top));
        assert_eq!(keymap.duplicate(), None);
        keymap.rebind(Mode::Board, Action::SyncNow, &[g.into()]);
        let (mode, key, _, _) = keymap.duplicate().unwrap();
        assert_eq!((mode, key.first), (Mode::Board, g));
        assert_eq!(Binding::parse("g g"), Ok(Binding::seq('g', 'g')));
        assert!(Binding::parse("a b c").is_err());
    }

    #[test]
    fn esc_never_quits() {
        let keymap = Keymap::default();
        for mode in [Mode::Board, Mode::Grooming, Mode::Detail, Mode::Help] {
            assert_ne!(
                keymap.action(mode, Key::plain(KeyCode::Esc)),
                Some(Action::Quit)
            );
        }
    }

    #[test]
    fn shifted_letters_match_without_the_shift_flag() {
        let event = KeyEvent::new(KeyCode::Char('L'), KeyModifiers::SHIFT);
        assert_eq!(
            Keymap::default().action(Mode::Board, Key::from_event(&event)),
            Some(Action::MoveNext)
        );
    }

    #[test]
    fn the_issue_s_default_keys_are_bound_on_the_board() {
        let keymap = Keymap::default();
        let expect = [
            ('h', Action::SelectLeft),
            ('j', Action::SelectDown),
            ('k', Action::SelectUp),
            ('l', Action::SelectRight),
            ('H', Action::MovePrev),
            ('L', Action::MoveNext),
            ('m', Action::MoveTo),
            ('p', Action::SetPriority),
            ('d', Action::ToggleDod),
            ('e', Action::ToggleEteam),
            ('u', Action::SetUseCase),
            ('t', Action::SetTeam),
            ('M', Action::SetMilestone),
            ('a', Action::SetAssignee),
            ('D', Action::SetDueDate),
            ('c', Action::ToggleClosed),
            ('?', Action::Help),
            ('q', Action::Quit),
        ];
        for (c, action) in expect {
            assert_eq!(
                keymap.action(Mode::Board, Key::char(c)),
                Some(action),
                "{c}"
            );
        }
        assert_eq!(
            keymap.action(Mode::Board, Key::plain(KeyCode::Tab)),
            Some(Action::ToggleGrooming)
        );
        assert_eq!(
            keymap.action(Mode::Board, Key::plain(KeyCode::Enter)),
            Some(Action::OpenDetail)
        );
    }
}

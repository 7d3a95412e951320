//! Keys to actions, per mode, as data: the help overlay is generated from it and (later) the
//! config file can override it. Passed into the app, never global, so it can be tested.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A named thing the user can do (a reified method call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Dismiss,
    Help,
    SelectLeft,
    SelectRight,
    SelectUp,
    SelectDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    MovePrev,
    MoveNext,
    MoveTo,
    SetPriority,
    ToggleDod,
    ToggleEteam,
    SetUseCase,
    SetGtmPhase,
    SetTeam,
    SetMilestone,
    SetAssignee,
    SetDueDate,
    AcceptSuggestions,
    CloseAsDuplicate,
    ToggleGrooming,
    EditField,
    OpenDetail,
    ToggleClosed,
    Confirm,
    Yes,
    No,
    SwitchChoice,
    DeleteChar,
    SyncNow,
    ResolveConflict,
    Filter,
    Undo,
    Redo,
    Mark,
    MarkColumn,
    OpenInBrowser,
    CopyLink,
    CopyReference,
    Triage,
    Skip,
    Comment,
    Views,
    Palette,
    ToggleSystemNotes,
    NextLink,
    PrevLink,
    FirstColumn,
    LastColumn,
    Standup,
    Flow,
    SwitchWindow,
    CopyReport,
}

impl Action {
    /// What the help overlay says about it.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Dismiss => "close / back",
            Action::Help => "this help",
            Action::SelectLeft => "previous column",
            Action::SelectRight => "next column",
            Action::SelectUp => "up",
            Action::SelectDown => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::MovePrev => "move card to previous state",
            Action::MoveNext => "move card to next state",
            Action::MoveTo => "move card to any state",
            Action::SetPriority => "priority (p::)",
            Action::ToggleDod => "toggle definition of done (dod::)",
            Action::ToggleEteam => "toggle E-team request (eteam::)",
            Action::SetUseCase => "use case (ucase::)",
            Action::SetGtmPhase => "GTM phase",
            Action::SetTeam => "team",
            Action::SetMilestone => "milestone",
            Action::SetAssignee => "assignee",
            Action::SetDueDate => "due date",
            Action::AcceptSuggestions => "accept the suggested team and fields",
            Action::CloseAsDuplicate => "close as a duplicate of a look-alike",
            Action::ToggleGrooming => "focus the grooming pane / back",
            Action::EditField => "edit the selected field",
            Action::OpenDetail => "open the request",
            Action::ToggleClosed => "show / hide closed columns",
            Action::Confirm => "choose",
            Action::Yes => "yes",
            Action::No => "no",
            Action::SwitchChoice => "switch between yes and no",
            Action::DeleteChar => "delete a character",
            Action::SyncNow => "sync with GitLab now",
            Action::ResolveConflict => "settle the selected request's conflict",
            Action::Palette => "command palette: every action by name",
            Action::Views => "switch to a named view (a saved filter from [views])",
            Action::Comment => "write a comment in $EDITOR (queued, posted once)",
            Action::Triage => "triage queue: new requests, then ungroomed backlog",
            Action::Skip => "triage: skip to the next request",
            Action::OpenInBrowser => "open the request (or the selected link) in the browser",
            Action::ToggleSystemNotes => "show or hide system notes",
            Action::Standup => "standup view: what moved, came in, waits, is overdue",
            Action::Flow => "flow view: cumulative flow, throughput, cycle time, aging, load",
            Action::SwitchWindow => "switch between the last 30 and 90 days",
            Action::CopyReport => "copy the standup as markdown",
            Action::FirstColumn => "first column",
            Action::LastColumn => "last column",
            Action::NextLink => "select the next link",
            Action::PrevLink => "select the previous link",
            Action::CopyLink => "copy the request's link",
            Action::CopyReference => "copy the request's reference (group/project#iid)",
            Action::Mark => "mark / unmark the card (actions then apply to all marked)",
            Action::MarkColumn => "mark / unmark the whole column",
            Action::Undo => "undo the last edit (also once it is on GitLab)",
            Action::Redo => "redo what was undone",
            Action::Filter => "filter: team:pmm p:1 @user state:backlog -dod:Y due:<7d words…",
        }
    }
}

/// Every action with its name in the config file (`[keys.board] move_next = "L"`).
pub const ACTION_NAMES: [(Action, &str); 58] = [
    (Action::Quit, "quit"),
    (Action::Dismiss, "dismiss"),
    (Action::Help, "help"),
    (Action::SelectLeft, "select_left"),
    (Action::SelectRight, "select_right"),
    (Action::SelectUp, "select_up"),
    (Action::SelectDown, "select_down"),
    (Action::PageUp, "page_up"),
    (Action::PageDown, "page_down"),
    (Action::Top, "top"),
    (Action::Bottom, "bottom"),
    (Action::MovePrev, "move_prev"),
    (Action::MoveNext, "move_next"),
    (Action::MoveTo, "move_to"),
    (Action::SetPriority, "set_priority"),
    (Action::ToggleDod, "toggle_dod"),
    (Action::ToggleEteam, "toggle_eteam"),
    (Action::SetUseCase, "set_use_case"),
    (Action::SetGtmPhase, "set_gtm_phase"),
    (Action::SetTeam, "set_team"),
    (Action::SetMilestone, "set_milestone"),
    (Action::SetAssignee, "set_assignee"),
    (Action::SetDueDate, "set_due_date"),
    (Action::AcceptSuggestions, "accept_suggestions"),
    (Action::CloseAsDuplicate, "close_as_duplicate"),
    (Action::ToggleGrooming, "toggle_grooming"),
    (Action::EditField, "edit_field"),
    (Action::OpenDetail, "open_detail"),
    (Action::ToggleClosed, "toggle_closed"),
    (Action::Confirm, "confirm"),
    (Action::Yes, "yes"),
    (Action::No, "no"),
    (Action::SwitchChoice, "switch_choice"),
    (Action::DeleteChar, "delete_char"),
    (Action::SyncNow, "sync_now"),
    (Action::ResolveConflict, "resolve_conflict"),
    (Action::Filter, "filter"),
    (Action::Undo, "undo"),
    (Action::Redo, "redo"),
    (Action::Mark, "mark"),
    (Action::MarkColumn, "mark_column"),
    (Action::OpenInBrowser, "open_in_browser"),
    (Action::ToggleSystemNotes, "toggle_system_notes"),
    (Action::NextLink, "next_link"),
    (Action::PrevLink, "prev_link"),
    (Action::Standup, "standup"),
    (Action::Flow, "flow"),
    (Action::SwitchWindow, "switch_window"),
    (Action::CopyReport, "copy_report"),
    (Action::FirstColumn, "first_column"),
    (Action::LastColumn, "last_column"),
    (Action::CopyLink, "copy_link"),
    (Action::CopyReference, "copy_reference"),
    (Action::Triage, "triage"),
    (Action::Skip, "skip"),
    (Action::Comment, "comment"),
    (Action::Views, "views"),
    (Action::Palette, "palette"),
];

impl Action {
    /// The name used in `[keys]`.
    pub fn name(self) -> &'static str {
        ACTION_NAMES
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("?", |(_, n)| n)
    }

    pub fn from_name(name: &str) -> Option<Action> {
        ACTION_NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(a, _)| *a)
    }
}

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

const NAVIGATION: [(Key, Action); 14] = [
    (Key::plain(KeyCode::Left), Action::SelectLeft),
    (Key::char('h'), Action::SelectLeft),
    (Key::plain(KeyCode::Right), Action::SelectRight),
    (Key::char('l'), Action::SelectRight),
    (Key::plain(KeyCode::Up), Action::SelectUp),
    (Key::char('k'), Action::SelectUp),
    (Key::plain(KeyCode::Down), Action::SelectDown),
    (Key::char('j'), Action::SelectDown),
    (Key::plain(KeyCode::PageUp), Action::PageUp),
    (Key::plain(KeyCode::PageDown), Action::PageDown),
    (Key::char('g'), Action::Top),
    (Key::plain(KeyCode::Home), Action::Top),
    (Key::char('G'), Action::Bottom),
    (Key::plain(KeyCode::End), Action::Bottom),
];

const CARD_EDITS: [(Key, Action); 15] = [
    (Key::char('H'), Action::MovePrev),
    (Key::char('L'), Action::MoveNext),
    (Key::char('m'), Action::MoveTo),
    (Key::char('p'), Action::SetPriority),
    (Key::char('d'), Action::ToggleDod),
    (Key::char('e'), Action::ToggleEteam),
    (Key::char('u'), Action::SetUseCase),
    (Key::char('f'), Action::SetGtmPhase),
    (Key::char('t'), Action::SetTeam),
    (Key::char('M'), Action::SetMilestone),
    (Key::char('a'), Action::SetAssignee),
    (Key::char('D'), Action::SetDueDate),
    (Key::char('A'), Action::AcceptSuggestions),
    (Key::char('x'), Action::CloseAsDuplicate),
    (Key::plain(KeyCode::Enter), Action::OpenDetail),
];

/// The last bindings of the board and of the grooming pane, the same in both.
const BOARD_AND_PANE: [(Key, Action); 10] = [
    (Key::char('z'), Action::Undo),
    (Key::char('Z'), Action::Redo),
    (Key::char('/'), Action::Filter),
    (Key::char('r'), Action::SyncNow),
    (Key::char('C'), Action::ResolveConflict),
    (Key::plain(KeyCode::Tab), Action::ToggleGrooming),
    (Key::char('c'), Action::ToggleClosed),
    (Key::char('?'), Action::Help),
    (Key::plain(KeyCode::Esc), Action::Dismiss),
    (Key::char('q'), Action::Quit),
];

impl Default for Keymap {
    fn default() -> Self {
        let mut modes: HashMap<Mode, Vec<(Key, Action)>> = HashMap::new();
        let mut board: Vec<(Key, Action)> = NAVIGATION.to_vec();
        board.extend(CARD_EDITS);
        board.extend([
            (Key::char(':'), Action::Palette),
            (Key::ctrl('p'), Action::Palette),
            (Key::char('v'), Action::Views),
            (Key::char('n'), Action::Comment),
            (Key::char('T'), Action::Triage),
            (Key::char('S'), Action::Standup),
            (Key::char('F'), Action::Flow),
            (Key::char('o'), Action::OpenInBrowser),
            (Key::char('y'), Action::CopyLink),
            (Key::char('Y'), Action::CopyReference),
            (Key::char(' '), Action::Mark),
            (Key::char('V'), Action::MarkColumn),
        ]);
        board.extend(BOARD_AND_PANE);
        modes.insert(Mode::Board, board);

        let mut grooming = vec![
            (Key::plain(KeyCode::Up), Action::SelectUp),
            (Key::char('k'), Action::SelectUp),
            (Key::plain(KeyCode::Down), Action::SelectDown),
            (Key::char('j'), Action::SelectDown),
            (Key::char(' '), Action::EditField),
        ];
        grooming.extend(CARD_EDITS.iter().filter(|(_, a)| *a != Action::OpenDetail));
        grooming.extend([
            (Key::plain(KeyCode::Enter), Action::EditField),
            (Key::char('o'), Action::OpenInBrowser),
            (Key::char('y'), Action::CopyLink),
            (Key::char('Y'), Action::CopyReference),
            (Key::char('s'), Action::Skip),
            (Key::char('n'), Action::Comment),
            (Key::char('T'), Action::Triage),
        ]);
        grooming.extend(BOARD_AND_PANE);
        modes.insert(Mode::Grooming, grooming);

        modes.insert(
            Mode::Detail,
            vec![
                (Key::plain(KeyCode::Down), Action::SelectDown),
                (Key::char('j'), Action::SelectDown),
                (Key::plain(KeyCode::Up), Action::SelectUp),
                (Key::char('k'), Action::SelectUp),
                (Key::plain(KeyCode::PageDown), Action::PageDown),
                (Key::char(' '), Action::PageDown),
                (Key::plain(KeyCode::PageUp), Action::PageUp),
                (Key::char('g'), Action::Top),
                (Key::char('G'), Action::Bottom),
                (Key::char('s'), Action::ToggleSystemNotes),
                (Key::plain(KeyCode::Tab), Action::NextLink),
                (Key::char('l'), Action::NextLink),
                (Key::char('L'), Action::PrevLink),
                (Key::char('o'), Action::OpenInBrowser),
                (Key::char('y'), Action::CopyLink),
                (Key::char('Y'), Action::CopyReference),
                (Key::char('n'), Action::Comment),
                (Key::char('?'), Action::Help),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
                (Key::plain(KeyCode::Enter), Action::Dismiss),
                (Key::char('q'), Action::Quit),
            ],
        );
        modes.insert(
            Mode::Picker,
            vec![
                (Key::plain(KeyCode::Up), Action::SelectUp),
                (Key::ctrl('p'), Action::SelectUp),
                (Key::ctrl('k'), Action::SelectUp),
                (Key::plain(KeyCode::Down), Action::SelectDown),
                (Key::ctrl('n'), Action::SelectDown),
                (Key::ctrl('j'), Action::SelectDown),
                (Key::plain(KeyCode::Enter), Action::Confirm),
                (Key::plain(KeyCode::Backspace), Action::DeleteChar),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
            ],
        );
        modes.insert(
            Mode::Confirm,
            vec![
                (Key::char('y'), Action::Yes),
                (Key::char('n'), Action::No),
                (Key::plain(KeyCode::Tab), Action::SwitchChoice),
                (Key::plain(KeyCode::Left), Action::SwitchChoice),
                (Key::plain(KeyCode::Right), Action::SwitchChoice),
                (Key::plain(KeyCode::Enter), Action::Confirm),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
            ],
        );
        modes.insert(
            Mode::Help,
            vec![
                (Key::plain(KeyCode::Down), Action::SelectDown),
                (Key::char('j'), Action::SelectDown),
                (Key::plain(KeyCode::Up), Action::SelectUp),
                (Key::char('k'), Action::SelectUp),
                (Key::char('?'), Action::Dismiss),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
                (Key::char('q'), Action::Quit),
            ],
        );
        modes.insert(
            Mode::Input,
            vec![
                (Key::plain(KeyCode::Enter), Action::Confirm),
                (Key::plain(KeyCode::Backspace), Action::DeleteChar),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
            ],
        );
        modes.insert(
            Mode::Filter,
            vec![
                (Key::plain(KeyCode::Enter), Action::Confirm),
                (Key::plain(KeyCode::Backspace), Action::DeleteChar),
                (Key::plain(KeyCode::Esc), Action::Dismiss),
            ],
        );
        let closing = [
            (Key::char('?'), Action::Help),
            (Key::plain(KeyCode::Esc), Action::Dismiss),
            (Key::char('q'), Action::Quit),
        ];
        let mut standup = vec![
            (Key::plain(KeyCode::Down), Action::SelectDown),
            (Key::char('j'), Action::SelectDown),
            (Key::plain(KeyCode::Up), Action::SelectUp),
            (Key::char('k'), Action::SelectUp),
            (Key::plain(KeyCode::PageDown), Action::PageDown),
            (Key::plain(KeyCode::PageUp), Action::PageUp),
            (Key::char('g'), Action::Top),
            (Key::char('G'), Action::Bottom),
            (Key::plain(KeyCode::Enter), Action::Confirm),
            (Key::char('y'), Action::CopyReport),
            (Key::char('F'), Action::Flow),
            (Key::char('S'), Action::Dismiss),
        ];
        standup.extend(closing);
        modes.insert(Mode::Standup, standup);
        let mut flow = vec![
            (Key::char('w'), Action::SwitchWindow),
            (Key::char('S'), Action::Standup),
            (Key::char('F'), Action::Dismiss),
        ];
        flow.extend(closing);
        modes.insert(Mode::Flow, flow);
        let mut modes: HashMap<Mode, Vec<(Binding, Action)>> = modes
            .into_iter()
            .map(|(mode, keys)| {
                let bindings = keys.into_iter().map(|(k, a)| (k.into(), a)).collect();
                (mode, bindings)
            })
            .collect();
        // On the board `g` begins "go to" sequences, helix-style; Home and End stay.
        if let Some(board) = modes.get_mut(&Mode::Board) {
            let at = board
                .iter()
                .position(|(b, _)| *b == Binding::from(Key::char('g')))
                .unwrap_or(board.len());
            board.retain(|(b, _)| *b != Binding::from(Key::char('g')));
            let goto = [
                (Binding::seq('g', 'g'), Action::Top),
                (Binding::seq('g', 'e'), Action::Bottom),
                (Binding::seq('g', 'h'), Action::FirstColumn),
                (Binding::seq('g', 'l'), Action::LastColumn),
            ];
            for (n, binding) in goto.into_iter().enumerate() {
                board.insert((at + n).min(board.len()), binding);
            }
        }
        Keymap { modes }
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

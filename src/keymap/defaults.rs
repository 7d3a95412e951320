//! The default key table, as data: which key does what in each mode. `[keys]` in the config
//! file rebinds on top of it.

use std::collections::HashMap;

use crossterm::event::KeyCode;

use crate::keymap::{Action, Binding, Key, Keymap, Mode};

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

//! Tests of `keymap`: run with `cargo test --lib keymap::`.

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

//! The filter: live typing, parse errors, full-text words, narrowing as a word grows.

use super::*;

#[test]
fn slash_filters_live_as_you_type() {
    let mut state = board();
    keys(&mut state, "/");
    assert_eq!(state.mode(), crate::app::Mode::Filter);
    keys(&mut state, "team:pmm");
    assert_eq!(visible_ids(&state), [2, 3, 4]);
    assert_eq!(state.filter.as_ref().unwrap().matching, 3);
    keys(&mut state, " p:2");
    assert_eq!(visible_ids(&state), [4]);
    press(&mut state, KeyCode::Enter);
    assert!(state.overlay.is_none());
    assert_eq!(visible_ids(&state), [4], "Enter keeps the filter");
    assert!(
        keys(&mut state, "q").len() == 1,
        "back on the board, q quits again"
    );
}

#[test]
fn a_term_that_does_not_parse_is_explained_and_finishing_it_applies_it() {
    let mut state = board();
    keys(&mut state, "/team:mrci state:doi");
    let Some(Overlay::Filter(input)) = &state.overlay else {
        panic!("the filter line stays open");
    };
    assert!(
        input
            .error
            .as_ref()
            .unwrap()
            .contains("unknown state `doi`")
    );
    for _ in 0.."doi".len() {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "assigned");
    match &state.overlay {
        Some(Overlay::Filter(input)) => assert_eq!(input.error, None),
        other => panic!("{other:?}"),
    }
    assert_eq!(visible_ids(&state), [5]);
}

#[test]
fn free_words_are_looked_up_in_descriptions_and_comments_once() {
    let mut state = board();
    keys(&mut state, "/");
    let mut effects = keys(&mut state, "web");
    // "w" and "we" are too short to look up; "web" is asked for once.
    effects.retain(|e| matches!(e, Effect::SearchText { .. }));
    assert_eq!(
        effects,
        [Effect::SearchText {
            words: vec!["web".into()]
        }]
    );
    assert!(visible_ids(&state).is_empty(), "no title says web");
    update(
        &mut state,
        Msg::TextHits {
            word: "web".into(),
            ids: [4, 5].into(),
        },
    );
    assert_eq!(visible_ids(&state), [4, 5]);
    // Narrowing keeps the answer of words still there and asks only for new ones.
    let effects = keys(&mut state, " p:2");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SearchText { .. })),
        "{effects:?}"
    );
    assert_eq!(visible_ids(&state), [4]);
    // An answer for a word no longer in the filter is ignored.
    update(
        &mut state,
        Msg::TextHits {
            word: "gone".into(),
            ids: [1].into(),
        },
    );
    assert_eq!(visible_ids(&state), [4]);
}

#[test]
fn esc_clears_the_filter_and_slash_reopens_it_with_its_text() {
    let mut state = board();
    keys(&mut state, "/@alice");
    press(&mut state, KeyCode::Enter);
    keys(&mut state, "/");
    let Some(Overlay::Filter(input)) = &state.overlay else {
        panic!();
    };
    assert_eq!(input.text, "@alice ");
    press(&mut state, KeyCode::Esc);
    assert!(state.filter.is_none());
    assert_eq!(visible_ids(&state).len(), 7);
    // Esc on the board also clears an active filter, before anything else.
    keys(&mut state, "/is:open");
    press(&mut state, KeyCode::Enter);
    assert_eq!(visible_ids(&state).len(), 6);
    press(&mut state, KeyCode::Esc);
    assert!(state.filter.is_none());
    assert!(!state.should_quit);
}

#[test]
fn edits_under_a_filter_move_cards_out_of_it() {
    let mut state = board();
    keys(&mut state, "/state:assigned");
    press(&mut state, KeyCode::Enter);
    select(&mut state, 5);
    let effects = keys(&mut state, "L");
    land(&mut state, &effects);
    assert!(
        visible_ids(&state).is_empty(),
        "completed no longer matches state:assigned"
    );
}

/// A board large enough for the filter to split its work over threads, with titles that
/// share beginnings (`par`, `part`, `partner`) and full-text answers that shrink as a word
/// grows, as FTS prefix answers do.
fn big_board() -> AppState {
    let words = [
        "partner",
        "part",
        "party",
        "pricing",
        "paragraph",
        "prtnr",
        "polar",
        "spare",
    ];
    let issues: Vec<IssueRecord> = (1..=6000)
        .map(|id| {
            let mut r = record(
                id,
                &[["sm_req::triage", "sm_req::backlog", "pmm"][id as usize % 3]],
                true,
            );
            r.title = format!(
                "{} {} {id}",
                words[id as usize % 8],
                words[(id as usize / 8) % 8]
            );
            r
        })
        .collect();
    let data = BoardData {
        issues,
        ..BoardData::default()
    };
    AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        today(),
    )
}

/// The requests whose description holds `word` as a prefix: fewer as the word grows.
fn fake_hits(word: &str) -> std::collections::HashSet<i64> {
    let step = 1i64 << word.chars().count().min(12);
    (1..=6000).filter(|id| id % step == 3).collect()
}

fn answer(state: &mut AppState, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::SearchText { words } = effect {
            for word in words {
                let ids = fake_hits(&word);
                update(state, Msg::TextHits { word, ids });
            }
        }
    }
}

fn fresh_result(filter: &str) -> Vec<i64> {
    let mut state = big_board();
    let effects = keys(&mut state, &format!("/{filter}"));
    answer(&mut state, effects);
    visible_ids(&state)
}

#[test]
fn typing_narrows_to_exactly_what_a_fresh_filter_finds() {
    for typed in ["partner", "par", "team:pmm part", "-spare part", "prtn"] {
        let expected = fresh_result(typed);
        // Answers as soon as asked.
        let mut state = big_board();
        keys(&mut state, "/");
        for c in typed.chars() {
            let effects = keys(&mut state, &c.to_string());
            answer(&mut state, effects);
        }
        assert_eq!(visible_ids(&state), expected, "answered at once: {typed}");
        // Answers only after the last key, newest first.
        let mut state = big_board();
        let mut asked = keys(&mut state, &format!("/{typed}"));
        asked.reverse();
        answer(&mut state, asked);
        assert_eq!(visible_ids(&state), expected, "answered late: {typed}");
        // Before any answer, the cards' own text: typed key by key, or applied at once.
        let mut state = big_board();
        keys(&mut state, &format!("/{typed}"));
        let mut at_once = big_board();
        crate::app::filter_line::set_filter(&mut at_once, typed);
        assert_eq!(
            visible_ids(&state),
            visible_ids(&at_once),
            "unanswered: {typed}"
        );
    }
    // Back and forth: answers cached for a longer word, none yet for the shorter one.
    let expected = fresh_result("partn");
    let mut state = big_board();
    let effects = keys(&mut state, "/partner");
    answer(&mut state, effects);
    for _ in 0..4 {
        press(&mut state, KeyCode::Backspace);
    }
    keys(&mut state, "tn");
    assert_eq!(visible_ids(&state), expected, "retyped after backspace");
    assert!(!expected.is_empty() && expected.len() < 6000);
    // The longer word's answer is in, the shorter one's never came: no narrowing then.
    let mut state = big_board();
    let asked = keys(&mut state, "/partn");
    assert!(asked.contains(&Effect::SearchText {
        words: vec!["partn".into()]
    }));
    update(
        &mut state,
        Msg::TextHits {
            word: "partn".into(),
            ids: fake_hits("partn"),
        },
    );
    press(&mut state, KeyCode::Backspace);
    keys(&mut state, "n");
    assert_eq!(
        visible_ids(&state),
        expected,
        "an answer the shorter word lacked"
    );
}

#[test]
fn a_full_text_answer_agrees_with_testing_every_card_on_its_own() {
    for typed in [
        "par",
        "-par",
        "team:pmm part",
        "-spare part",
        "prtn paragraph",
    ] {
        let mut state = big_board();
        let asked = keys(&mut state, &format!("/{typed}"));
        answer(&mut state, asked);
        let filter = state.filter.as_ref().expect("a filter");
        assert!(!filter.text_hits.is_empty(), "{typed}: answered");
        let mut expected: Vec<i64> = state
            .cards
            .iter()
            .enumerate()
            .filter(|(_, card)| {
                let mut text = String::new();
                crate::app::filtering::write_search_text(&mut text, &card.record);
                filter
                    .query
                    .matches(card, &text, &state.workflow, state.today, &filter.text_hits)
            })
            .map(|(_, card)| card.record.id)
            .collect();
        expected.sort();
        assert_eq!(visible_ids(&state), expected, "{typed}");
        assert!(!expected.is_empty() && expected.len() < 6000, "{typed}");
    }
}

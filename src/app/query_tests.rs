//! Tests of `app::query`.

use super::*;
use crate::store::IssueRecord;

#[test]
fn a_view_that_does_not_parse_is_a_config_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    let load = |text: &str| {
        std::fs::write(&file, text).unwrap();
        crate::config::load(&crate::config::Overrides {
            config: Some(file.clone()),
            ..Default::default()
        })
        .unwrap()
    };
    let good = load("[views]\n\"my backlog\" = \"state:backlog team:pmm\"\n");
    assert!(check_views(&good).is_ok());
    let err = check_views(&load("[views]\nbroken = \"state:nowhere\"\n"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("[views] \"broken\"") && err.contains("unknown state"),
        "{err}"
    );
    assert!(err.contains("config.toml"), "{err}");
}
use crate::workflow::{IssueFacts, MilestoneRef, UserRef};
use chrono::{TimeZone, Utc};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn card(labels: &[&str], due: Option<(u32, u32)>) -> Card {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let record = IssueRecord {
        id: 1,
        iid: 42,
        project_id: 1,
        reference: "g/p#42".into(),
        title: "Battlecard for Partner launch".into(),
        facts: IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open: true,
            milestone: Some(MilestoneRef {
                id: 1,
                title: "SM_Backlog".into(),
            }),
            assignees: vec![UserRef {
                id: 1,
                username: "alice".into(),
                name: "Alice".into(),
            }]
            .into(),
            due_date: due.and_then(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d)),
        },
        author: None,
        created_at: at,
        updated_at: at,
        closed_at: None,
        web_url: crate::store::WebUrl::default(),
        state_since: None,
        confidential: false,
    };
    Card::new(&Workflow::default(), record, 0)
}

fn q(text: &str) -> Query {
    parse(text, &Workflow::default(), today()).unwrap()
}

fn text_of(card: &Card) -> String {
    let mut text = String::new();
    crate::app::filtering::write_search_text(&mut text, &card.record);
    text
}

fn hit(text: &str, card: &Card) -> bool {
    q(text).matches(
        card,
        &text_of(card),
        &Workflow::default(),
        today(),
        &TextHits::new(),
    )
}

/// The fuzzy test as first written (every token walked): the fast one must agree.
fn fuzzy_by_tokens(text: &str, word: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    if word.chars().count() < MIN_TEXT_SEARCH {
        return false;
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|token| token.starts_with(first))
        .any(|token| {
            let mut wanted = word.chars().skip(1).peekable();
            for c in token.chars().skip(1) {
                if wanted.peek() == Some(&c) {
                    wanted.next();
                }
            }
            wanted.peek().is_none()
        })
}

#[test]
fn the_fast_fuzzy_test_agrees_with_walking_every_token() {
    let texts = [
        "#42 battlecard for partner launch sm_req::backlog @alice",
        "#7 pp-partner: ppar éclair über-partner p",
        "#1 x",
        "",
        "#9 webinar wbnr w-e-b-i-n-a-r",
    ];
    let words = [
        "par", "ppar", "prtnr", "bttlcrd", "wbnr", "web", "ecl", "écl", "übr", "#42", "p::", "xyz",
        "pr", "partnerr", "sm_", "req",
    ];
    for text in texts {
        for word in words {
            assert_eq!(
                fuzzy_word(text, word),
                fuzzy_by_tokens(text, word),
                "{word:?} in {text:?}"
            );
        }
    }
}

#[test]
fn free_words_forgive_typos_within_one_word() {
    let c = card(&["sm_req::backlog"], None);
    // The card's title: "Battlecard for Partner launch".
    assert!(hit("bttlcrd", &c));
    assert!(hit("prtnr", &c));
    assert!(!hit("attlecard-x", &c));
    // Letters spread over two words, or a different first letter, do not match.
    assert!(!hit("bfp", &c));
    assert!(!hit("ttlcrd", &c));
}

#[test]
fn a_free_word_also_matches_through_full_text_hits() {
    let c = card(&["sm_req::backlog"], None);
    assert!(!hit("kubernetes", &c));
    let hits = TextHits::from([("kubernetes".to_string(), [c.record.id].into())]);
    let text = text_of(&c);
    assert!(q("kubernetes").matches(&c, &text, &Workflow::default(), today(), &hits));
    assert!(!q("-kubernetes").matches(&c, &text, &Workflow::default(), today(), &hits));
    // Short words are not looked up (as prefixes they match nearly everything).
    assert_eq!(
        q("ab kubernetes p:1").text_words().collect::<Vec<_>>(),
        ["kubernetes"]
    );
}

#[test]
fn the_issue_s_example_query_parses_term_by_term() {
    let query = q(
        r#"team:pmm p:1 @username state:backlog -dod:Y due:<7d milestone:SM_Backlog label:"Partner Marketing""#,
    );
    assert_eq!(query.terms.len(), 8);
    assert_eq!(
        query.terms[4],
        Term {
            negated: true,
            test: Test::Field {
                key: "dod".into(),
                value: "Y".into()
            }
        }
    );
    assert_eq!(query.terms[7].test, Test::Label("Partner Marketing".into()));
    assert_eq!(
        query.terms[5].test,
        Test::Due(DueTest::Before(
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        ))
    );
}

#[test]
fn terms_combine_with_and_and_minus_negates() {
    let c = card(
        &["sm_req::backlog", "pmm", "p::1", "dod::N"],
        Some((11, 25)),
    );
    assert!(hit("team:pmm p:1 state:backlog -dod:Y @alice", &c));
    assert!(!hit("team:pmm p:2", &c));
    assert!(!hit("-team:pmm", &c));
    assert!(hit("milestone:sm_backlog", &c));
    assert!(!hit("milestone:none", &c));
}

#[test]
fn due_dates_filter_relative_and_absolute() {
    let soon = card(&["sm_req::assigned"], Some((11, 26)));
    let late = card(&["sm_req::assigned"], Some((11, 20)));
    let none = card(&["sm_req::assigned"], None);
    assert!(hit("due:<7d", &soon) && !hit("due:<2d", &soon));
    assert!(hit("due:overdue", &late) && !hit("due:overdue", &soon));
    assert!(hit("due:none", &none) && !hit("due:none", &soon));
    assert!(hit("due:>2026-11-25", &soon) && !hit("due:>2026-11-25", &late));
}

#[test]
fn free_words_search_reference_title_labels_and_people() {
    let c = card(&["sm_req::triage", "Partner Marketing"], None);
    assert!(hit("battle", &c));
    assert!(hit("#42", &c));
    assert!(hit("partner marketing", &c));
    assert!(hit("alice", &c));
    assert!(!hit("webinar", &c));
}

#[test]
fn is_terms_read_the_card_s_marks() {
    let c = card(&["sm_req::backlog", "p::1", "p::2"], None);
    assert!(hit("is:anomaly", &c));
    assert!(!hit("is:groomed", &c));
    assert!(hit("is:open -is:pending", &c));
    assert!(hit("state:unlabelled", &card(&["sm_request"], None)));
}

#[test]
fn mistakes_are_explained() {
    let wf = Workflow::default();
    let err = |text: &str| parse(text, &wf, today()).unwrap_err();
    assert!(err("colour:red").contains("unknown filter `colour:`"));
    assert!(err("state:doing").contains("states: new_request, triage"));
    assert!(err("due:someday").contains("due:<7d"));
    assert!(err("label:\"Partner").contains("quote is not closed"));
    assert!(err("is:happy").contains("is:groomed"));
    assert!(err("team:").contains("needs a value"));
}

#[test]
fn scoped_labels_typed_whole_are_words_not_filters() {
    let c = card(&["p::1"], None);
    assert!(hit("p::1", &c));
    assert!(!hit("p::2", &c));
}

use super::*;
use crate::app::query::own_text_matches;
use crate::workflow::Label;

fn card(id: i64, title: &str, labels: &[&str]) -> Card {
    let mut record = crate::app::tests::record(id, labels, true);
    record.title = title.to_string();
    Card::new(&Workflow::default(), record, 0)
}

const TITLES: [&str; 8] = [
    "Partner battlecard refresh",
    "Webinar: pricing, Q3",
    "Über-Kampagne für Partner",
    "paragraph-level edits",
    "SPARE parts (polar)",
    "Straße naming review",
    "pr tn r — spaced out",
    "",
];

const WORDS: [&str; 22] = [
    "par",
    "partner",
    "bttlcrd",
    "wbnr",
    "über",
    "übr",
    "straße",
    "stß",
    "p::1",
    "sm_req",
    "pmm",
    "#3",
    "r",
    "prtnr",
    "zzz",
    "-",
    "@ann",
    "ann",
    // Quoted phrases: within the title, within the labels, and across title, labels and
    // assignees.
    "partner battlecard",
    "p::1 sm_req",
    "refresh p::1",
    "sm_req::triage @ann",
];

fn cards() -> Vec<Card> {
    (0..200)
        .map(|i| {
            let labels: &[&str] = match i % 3 {
                0 => &["p::1", "sm_req::triage"],
                1 => &["pmm"],
                _ => &[],
            };
            let mut card = card(1000 - i as i64, TITLES[i % TITLES.len()], labels);
            if i % 4 == 0 {
                card.record.facts.assignees = vec![crate::workflow::UserRef {
                    id: 7,
                    username: "Ann".into(),
                    name: "Ann".into(),
                }]
                .into();
            }
            card
        })
        .collect()
}

/// Card `index`'s whole search text, written from its record.
fn text_of(card: &Card) -> String {
    let mut text = String::new();
    write_search_text(&mut text, &card.record);
    text
}

/// What testing every card's text one by one finds.
fn one_by_one(cards: &[Card], word: &str) -> Vec<usize> {
    (0..cards.len())
        .filter(|&i| own_text_matches(&text_of(&cards[i]), word))
        .collect()
}

fn members(set: &CardSet, count: usize) -> Vec<usize> {
    (0..count).filter(|&i| set.contains(i)).collect()
}

/// Every word of `WORDS` finds, in one pass and card by card, the cards testing each text
/// finds; each card's whole text is the one its record makes.
fn assert_one_pass_agrees(texts: &SearchTexts, cards: &[Card], when: &str) {
    let mut whole = String::new();
    for (index, card) in cards.iter().enumerate() {
        texts.write_whole(index, &mut whole);
        assert_eq!(whole, text_of(card), "card {index} {when}");
    }
    for word in WORDS {
        let expected = one_by_one(cards, word);
        assert_eq!(
            members(&texts.own_matches(word), cards.len()),
            expected,
            "{word} {when}"
        );
        let held: Vec<usize> = (0..cards.len()).filter(|&i| texts.holds(i, word)).collect();
        assert_eq!(held, expected, "{word} card by card {when}");
    }
}

#[test]
fn one_pass_finds_what_testing_each_text_finds() {
    let cards = cards();
    let texts = SearchTexts::build(&cards);
    assert_one_pass_agrees(&texts, &cards, "");
    // The fixture reaches both ways of matching, labels, assignees, phrases, and a miss.
    for word in [
        "bttlcrd",
        "übr",
        "sm_req",
        "@ann",
        "ann",
        "refresh p::1",
        "p::1 sm_req",
    ] {
        assert!(!one_by_one(&cards, word).is_empty(), "{word}");
    }
    assert!(one_by_one(&cards, "zzz").is_empty());
    // Labels are kept once per distinct set: three here (two sets and none).
    assert_eq!(texts.label_sets.set_count(), 3);
    assert_eq!(texts.label_sets.labels.len(), 3);
}

#[test]
fn one_pass_follows_edited_texts_through_compaction() {
    let mut cards = cards();
    let mut texts = SearchTexts::build(&cards);
    // Rewrite cards one after another (their texts move to the buffer's end, the old ones
    // become gaps, and the buffer is compacted along the way), then add two.
    for (step, index) in [5usize, 17, 5, 120, 0, 199, 64, 63, 65]
        .into_iter()
        .cycle()
        .take(300)
        .enumerate()
    {
        let title = TITLES[(step * 3) % TITLES.len()];
        cards[index].record.title = format!("{title} {step}");
        // Some edits give the card a label set no card had.
        if step % 7 == 0 {
            let labels = [format!("p::{}", step % 4), "partner".to_string()];
            cards[index].record.facts.labels = labels.iter().map(Label::from).collect();
        }
        texts.set(index, &cards[index].record);
        if step % 50 == 0 {
            assert_one_pass_agrees(&texts, &cards, &format!("after {step} edits"));
        }
    }
    for (id, title) in [(5000, "Partner summit"), (4000, "wbnr series")] {
        cards.push(card(id, title, &[]));
        let index = cards.len() - 1;
        texts.set(index, &cards[index].record);
    }
    assert_one_pass_agrees(&texts, &cards, "with two cards added");
    let ids: std::collections::HashSet<i64> = [5000, 4000, 1000, 801, 7].into();
    let found = members(&texts.indices_of(&ids), cards.len());
    let expected: Vec<usize> = (0..cards.len())
        .filter(|&i| ids.contains(&cards[i].record.id))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(found.len(), 4, "id 7 is on no card");
}

#[test]
fn card_sets_combine() {
    let mut a = CardSet::with_capacity(10);
    for i in [1, 3, 70, 130] {
        a.insert(i);
    }
    let mut b = CardSet::with_capacity(0);
    for i in [3, 4, 200] {
        b.insert(i);
    }
    let mut union = a.clone();
    union.union_with(&b);
    assert_eq!(members(&union, 256), [1, 3, 4, 70, 130, 200]);
    let mut rest = union.clone();
    rest.remove_all(&b);
    assert_eq!(members(&rest, 256), [1, 70, 130]);
    assert_eq!(rest.len(), 3);
}

#[test]
fn texts_built_in_slices_with_edits_between_match_one_build() {
    let mut cards = cards();
    let mut texts = SearchTexts::default();
    let mut slices = 0;
    while !texts.build_more(&cards, 37) {
        slices += 1;
        // An edit of a card already built and of one not built yet.
        let built = texts.len() - 1;
        cards[built].record.title = format!("wbnr partner {slices}");
        texts.set(built, &cards[built].record);
        let later = (texts.len() + 5).min(cards.len() - 1);
        cards[later].record.title = format!("battlecard {slices}");
        texts.set(later, &cards[later].record);
    }
    assert!(slices >= 5 && texts.is_complete());
    assert_eq!(texts.len(), cards.len());
    let whole = SearchTexts::build(&cards);
    assert_one_pass_agrees(&texts, &cards, "built in slices");
    for word in WORDS {
        assert_eq!(
            members(&texts.own_matches(word), cards.len()),
            members(&whole.own_matches(word), cards.len()),
            "{word}"
        );
    }
    let ids: std::collections::HashSet<i64> = cards.iter().map(|c| c.record.id).collect();
    assert_eq!(texts.indices_of(&ids).len(), cards.len());
}

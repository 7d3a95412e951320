use super::*;
use crate::app::query::own_text_matches;

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

const WORDS: [&str; 16] = [
    "par", "partner", "bttlcrd", "wbnr", "über", "übr", "straße", "stß", "p::1", "sm_req", "pmm",
    "#3", "r", "prtnr", "zzz", "-",
];

fn cards() -> Vec<Card> {
    (0..200)
        .map(|i| {
            let labels: &[&str] = match i % 3 {
                0 => &["p::1", "sm_req::triage"],
                1 => &["pmm"],
                _ => &[],
            };
            card(1000 - i as i64, TITLES[i % TITLES.len()], labels)
        })
        .collect()
}

/// What testing every card's text one by one finds.
fn one_by_one(texts: &SearchTexts, count: usize, word: &str) -> Vec<usize> {
    (0..count)
        .filter(|&i| own_text_matches(texts.get(i), word))
        .collect()
}

fn members(set: &CardSet, count: usize) -> Vec<usize> {
    (0..count).filter(|&i| set.contains(i)).collect()
}

/// Every word of `WORDS` finds, in one pass, the cards testing each text finds.
fn assert_one_pass_agrees(texts: &SearchTexts, count: usize, when: &str) {
    for word in WORDS {
        assert_eq!(
            members(&texts.own_matches(word), count),
            one_by_one(texts, count, word),
            "{word} {when}"
        );
    }
}

#[test]
fn one_pass_finds_what_testing_each_text_finds() {
    let cards = cards();
    let texts = SearchTexts::build(&cards);
    assert_one_pass_agrees(&texts, cards.len(), "");
    // The fixture reaches both ways of matching and a miss.
    assert!(!one_by_one(&texts, cards.len(), "bttlcrd").is_empty());
    assert!(!one_by_one(&texts, cards.len(), "übr").is_empty());
    assert!(one_by_one(&texts, cards.len(), "zzz").is_empty());
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
        texts.set(index, &cards[index].record);
        if step % 50 == 0 {
            assert_one_pass_agrees(&texts, cards.len(), &format!("after {step} edits"));
        }
    }
    for (id, title) in [(5000, "Partner summit"), (4000, "wbnr series")] {
        cards.push(card(id, title, &[]));
        let index = cards.len() - 1;
        texts.set(index, &cards[index].record);
    }
    assert_one_pass_agrees(&texts, cards.len(), "with two cards added");
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
    for index in 0..cards.len() {
        assert_eq!(texts.get(index), whole.get(index), "card {index}");
    }
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

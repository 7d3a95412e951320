use chrono::{Duration, TimeZone, Utc};

use super::*;

/// A small deterministic generator (xorshift) for test histories.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Words each team's requests tend to use, and each use case's.
const TEAM_WORDS: [(&str, &[&str]); 3] = [
    ("pmm", &["messaging", "positioning", "launch", "pitch"]),
    (
        "Competitive Intelligence",
        &["battlecard", "competitor", "teardown", "comparison"],
    ),
    (
        "Partner Marketing",
        &["partner", "alliance", "marketplace", "reseller"],
    ),
];
const CASE_WORDS: [(&str, &[&str]); 2] = [
    ("CN", &["kubernetes", "helm", "containers"]),
    ("AppSec", &["sast", "vulnerability", "supply"]),
];
const NOISE: &[&str] = &[
    "deck",
    "update",
    "customer",
    "slides",
    "quarterly",
    "field",
    "asset",
];

/// `n` decided requests where the words say the team 80% of the time and the use case 75%,
/// while the priority is noise.
pub(crate) fn history(n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng(seed | 1);
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let team = rng.below(3) as usize;
            let case = rng.below(2) as usize;
            let mut words: Vec<&str> = Vec::new();
            let worded_team = if rng.below(100) < 80 {
                team
            } else {
                rng.below(3) as usize
            };
            let worded_case = if rng.below(100) < 75 {
                case
            } else {
                rng.below(2) as usize
            };
            for _ in 0..2 {
                let list = TEAM_WORDS[worded_team].1;
                words.push(list[rng.below(list.len() as u64) as usize]);
            }
            let list = CASE_WORDS[worded_case].1;
            words.push(list[rng.below(list.len() as u64) as usize]);
            for _ in 0..3 {
                words.push(NOISE[rng.below(NOISE.len() as u64) as usize]);
            }
            let priority = ["1", "2", "3"][rng.below(3) as usize];
            Doc {
                id: i as i64 + 1,
                reference: format!("g/p#{}", i + 1),
                title: words[..3].join(" "),
                description: words[3..].join(" "),
                author: Some(format!("user{}", rng.below(8)).into()),
                labels: vec![
                    "sm_request".into(),
                    "sm_req::backlog".into(),
                    TEAM_WORDS[team].0.into(),
                    format!("ucase::{}", CASE_WORDS[case].0),
                    format!("p::{priority}"),
                ],
                open: true,
                created_at: start + Duration::hours(i as i64 * 5),
                closed_at: None,
            }
        })
        .collect()
}

fn wf() -> Workflow {
    Workflow::default()
}

#[test]
fn words_that_carry_a_decision_beat_the_majority_baseline() {
    let scores = evaluate::evaluate(&wf(), &history(2000, 7));
    let score = |name: &str| scores.iter().find(|s| s.field == name).unwrap().clone();
    let team = score("team");
    assert_eq!(team.tested, 400);
    assert!(team.accuracy > team.baseline + 0.3, "{team:?}");
    assert!(team.accuracy_shown >= team.accuracy, "{team:?}");
    let case = score("use case");
    assert!(case.accuracy > case.baseline + 0.15, "{case:?}");
    // Noise stays near the baseline: nothing to learn.
    let priority = score("priority");
    assert!(priority.accuracy < priority.baseline + 0.1, "{priority:?}");
    assert!(
        !priority.suggested && priority.coverage == 0.0,
        "noise is never suggested: {priority:?}"
    );
    assert!(team.suggested && case.suggested);
    // Fields nobody decided have no model and no score.
    assert!(scores.iter().all(|s| s.field != "GTM phase"));
}

#[test]
fn only_undecided_fields_get_suggestions_and_only_when_likely() {
    let suggester = Suggester::train(&wf(), history(1000, 3));
    let mut new = Doc {
        id: 9999,
        reference: "g/p#9999".into(),
        title: "Competitor teardown and battlecard".into(),
        description: "comparison with the competitor for kubernetes helm".into(),
        author: None,
        labels: vec!["sm_request".into(), "sm_req::new_request".into()],
        open: true,
        created_at: Utc::now(),
        closed_at: None,
    };
    let shown = suggester.suggest(&new);
    let team = shown
        .iter()
        .find(|s| s.field_name == "team")
        .expect("a team");
    assert_eq!(team.label, "Competitive Intelligence");
    assert!(team.confidence >= THRESHOLD && team.confidence < 1.0);
    let case = shown
        .iter()
        .find(|s| s.field_name == "use case")
        .expect("a use case");
    assert_eq!(case.label, "ucase::CN");
    assert!(
        shown.iter().all(|s| s.field_name != "priority"),
        "{shown:?}"
    );
    // A decided field is left alone, even when the model disagrees.
    new.labels.push("pmm".into());
    assert!(
        suggester
            .suggest(&new)
            .iter()
            .all(|s| s.field_name != "team")
    );
}

#[test]
fn the_unknown_priority_and_two_values_are_not_decisions() {
    let fields = fields(&wf());
    let priority = fields.iter().find(|f| f.name == "priority").unwrap();
    assert_eq!(priority.decided(&["p::2"]), Some("2".into()));
    assert_eq!(priority.decided(&["p::?"]), None);
    assert!(priority.is_set(&["p::?"]));
    assert_eq!(priority.decided(&["p::1", "p::2"]), None);
    let team = fields.iter().find(|f| f.name == "team").unwrap();
    assert_eq!(team.decided(&["pmm", "sm_request"]), Some("pmm".into()));
    assert_eq!(team.label("pmm"), "pmm");
    assert_eq!(priority.label("1"), "p::1");
}

#[test]
fn a_near_copy_is_the_most_similar_and_old_closed_requests_are_not_offered() {
    let mut docs = history(300, 5);
    let now = docs.last().unwrap().created_at;
    let original = docs[10].clone();
    let mut copy = original.clone();
    copy.id = 5000;
    copy.title = format!("{} (again)", original.title);
    docs.push(copy);
    let index = similar::Index::build(&docs, now);
    let found = index.similar_to(5000);
    assert_eq!(found.len(), similar::SHOWN);
    // Hundreds were scored; the board keeps thousands of these lists, so no spare room.
    assert_eq!(found.capacity(), similar::SHOWN);
    assert_eq!(found[0].id, original.id);
    assert!(
        found[0].score > 0.5 && found[0].score <= 1.0 + 1e-9,
        "{found:?}"
    );
    assert!(found[0].score > found[1].score + 0.05, "{found:?}");
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
    // Closed long ago: not a candidate any more.
    docs[10].open = false;
    docs[10].closed_at = Some(now - Duration::days(similar::RECENT_DAYS + 1));
    let index = similar::Index::build(&docs, now);
    assert!(index.similar_to(5000).iter().all(|s| s.id != original.id));
}

/// TF-IDF cosine worked out the plain way, per pair, with string-keyed maps: what the flat
/// index (term keys, shared buffers, candidate-only postings) must agree with.
fn look_alikes_worked_out_directly(
    docs: &[Doc],
    now: chrono::DateTime<Utc>,
    id: i64,
) -> Vec<(i64, f64)> {
    use std::collections::HashMap;
    let recent = now - Duration::days(similar::RECENT_DAYS);
    let counts: Vec<HashMap<String, f32>> = docs
        .iter()
        .map(|doc| {
            let mut counts = HashMap::new();
            let title = features::words(&doc.title).flat_map(|w| [w.clone(), w]);
            let description = features::words(features::description_head(&doc.description));
            for word in title.chain(description) {
                *counts.entry(word).or_insert(0.0) += 1.0;
            }
            counts
        })
        .collect();
    let mut frequency: HashMap<&str, f32> = HashMap::new();
    for words in &counts {
        for word in words.keys() {
            *frequency.entry(word).or_insert(0.0) += 1.0;
        }
    }
    let n = docs.len() as f32;
    let vectors: Vec<HashMap<&str, f32>> = counts
        .iter()
        .map(|words| {
            let weights: HashMap<&str, f32> = words
                .iter()
                .map(|(w, c)| {
                    (
                        w.as_str(),
                        (1.0 + c.ln()) * ((n / frequency[w.as_str()]).ln() + 1.0),
                    )
                })
                .collect();
            let norm = weights.values().map(|w| w * w).sum::<f32>().sqrt();
            weights.into_iter().map(|(w, x)| (w, x / norm)).collect()
        })
        .collect();
    let at = docs.iter().position(|d| d.id == id).unwrap();
    let mut found: Vec<(i64, f64)> = docs
        .iter()
        .enumerate()
        .filter(|(i, d)| *i != at && (d.open || d.closed_at.is_some_and(|t| t >= recent)))
        .map(|(i, d)| {
            let score: f64 = vectors[at]
                .iter()
                .filter_map(|(w, x)| Some(f64::from(x * vectors[i].get(w)?)))
                .sum();
            (d.id, score)
        })
        .filter(|(_, score)| *score > 0.0)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    found.truncate(similar::SHOWN);
    found
}

#[test]
fn the_flat_index_scores_as_tf_idf_cosine_worked_out_pair_by_pair() {
    let mut docs = history(400, 11);
    let now = docs.last().unwrap().created_at;
    // Some closed long ago (never offered, still counted in the word weights), some recently.
    for (i, doc) in docs.iter_mut().enumerate() {
        if i % 5 == 0 {
            doc.open = false;
            let days = if i % 10 == 0 {
                similar::RECENT_DAYS + 30
            } else {
                3
            };
            doc.closed_at = Some(now - Duration::days(days));
        }
        if i % 7 == 0 {
            doc.title = format!("{} kubernetes kubernetes", doc.title);
        }
    }
    let mut builder = similar::IndexBuilder::new(now);
    for (i, doc) in docs.iter().enumerate() {
        builder.add_asked(doc, i % 3 == 0);
    }
    let index = builder.finish();
    for doc in docs.iter().step_by(3) {
        let expected = look_alikes_worked_out_directly(&docs, now, doc.id);
        let found = index.similar_to(doc.id);
        assert_eq!(found.len(), expected.len(), "#{}", doc.id);
        for (got, (id, score)) in found.iter().zip(&expected) {
            assert!(
                (got.score - score).abs() < 1e-4,
                "#{}: {found:?} vs {expected:?}",
                doc.id
            );
            // Ties within float noise may swap; otherwise the same request.
            assert!(
                got.id == *id || (got.score - score).abs() < 1e-6,
                "#{}: {found:?} vs {expected:?}",
                doc.id
            );
        }
    }
    // Requests not asked about keep no vector: nothing is found for them.
    assert!(index.similar_to(docs[1].id).is_empty());
}

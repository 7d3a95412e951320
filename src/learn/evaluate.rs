//! Honest numbers for the suggestions: train on the older part of the cache, test on the
//! newer (a time split: the models never see the future they are tested on), and compare
//! with always answering the training set's most common value.

use serde::Serialize;

use crate::learn::{Doc, Suggester, THRESHOLD};
use crate::workflow::Workflow;

/// The share of requests, oldest first, that trains.
pub const TRAIN_SHARE: f64 = 0.8;

/// How one field fares on the newer requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldScore {
    pub field: String,
    /// Newer requests with the field decided (the test set).
    pub tested: usize,
    /// Older requests the model learned from.
    pub trained_on: usize,
    /// Share of the tested requests whose value the model's best guess is.
    pub accuracy: f64,
    /// Share always answering the training set's most common value gets.
    pub baseline: f64,
    /// Share of tested requests whose guess reaches the threshold (would be shown).
    pub coverage: f64,
    /// Of those shown, the share that is right.
    pub accuracy_shown: f64,
    /// Whether the older requests supported suggesting the field at all (its model beat the
    /// majority value on their own newest part); when not, nothing is shown.
    pub suggested: bool,
}

/// Scores every field that has a model; `docs` in any order.
pub fn evaluate(wf: &Workflow, docs: &[Doc]) -> Vec<FieldScore> {
    let mut ordered: Vec<&Doc> = docs.iter().collect();
    ordered.sort_by_key(|d| (d.created_at, d.id));
    let split = ((ordered.len() as f64) * TRAIN_SHARE).round() as usize;
    let (older, newer) = ordered.split_at(split.min(ordered.len()));
    let train: Vec<Doc> = older.iter().map(|d| (*d).clone()).collect();
    let suggester = Suggester::train(wf, &train);
    let predictions: Vec<Vec<Option<(String, f64)>>> =
        newer.iter().map(|d| suggester.predict_all(d)).collect();
    let mut scores = Vec::new();
    for (at, field) in suggester.fields().iter().enumerate() {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for doc in &train {
            if let Some(value) = field.decided(&doc.labels) {
                match counts.iter_mut().find(|(v, _)| *v == value) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((value, 1)),
                }
            }
        }
        let Some(majority) = counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(v, _)| v.clone())
        else {
            continue;
        };
        let (mut tested, mut right, mut base_right, mut shown, mut shown_right) = (0, 0, 0, 0, 0);
        for (doc, predicted) in newer.iter().zip(&predictions) {
            let Some(truth) = field.decided(&doc.labels) else {
                continue;
            };
            let Some(Some((guess, confidence))) = predicted.get(at) else {
                continue;
            };
            tested += 1;
            right += usize::from(*guess == truth);
            base_right += usize::from(majority == truth);
            if suggester.supported[at] && *confidence >= THRESHOLD {
                shown += 1;
                shown_right += usize::from(*guess == truth);
            }
        }
        if tested == 0 {
            continue;
        }
        let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
        scores.push(FieldScore {
            field: field.name.clone(),
            tested,
            trained_on: suggester.examples[at],
            accuracy: share(right, tested),
            baseline: share(base_right, tested),
            coverage: share(shown, tested),
            accuracy_shown: share(shown_right, shown),
            suggested: suggester.supported[at],
        });
    }
    scores
}

//! Multinomial naive Bayes: for each class, how often each feature occurs, smoothed
//! (`ALPHA`), and a class's score the log prior plus the log likelihoods of the request's
//! features.
//!
//! Naive Bayes multiplies the evidence of every word as if each were independent, so its raw
//! posterior is nearly always 0 or 1 and would make "78%" meaningless. The likelihood sum is
//! therefore divided by the square root of the number of features before the softmax (a
//! fixed temperature): long requests still weigh more than short ones, but the probabilities
//! spread out enough for a threshold to mean something. `sm-board suggest --evaluate` reports
//! how often suggestions above the threshold are right, so the number shown can be checked.

use std::collections::HashMap;

/// Additive smoothing: a feature never seen with a class still has some probability.
const ALPHA: f64 = 0.5;

/// A trained model for one field.
#[derive(Debug, Clone)]
pub struct NaiveBayes {
    classes: Vec<String>,
    docs: Vec<u32>,
    counts: Vec<HashMap<u32, u32>>,
    totals: Vec<u64>,
    vocabulary: usize,
}

impl NaiveBayes {
    /// Trains on `(features, class)` pairs; `None` with fewer than two classes (nothing to
    /// choose between).
    pub fn train<'a>(
        examples: impl IntoIterator<Item = (&'a [u32], &'a str)>,
        vocabulary: usize,
    ) -> Option<NaiveBayes> {
        let mut model = NaiveBayes {
            classes: Vec::new(),
            docs: Vec::new(),
            counts: Vec::new(),
            totals: Vec::new(),
            vocabulary: vocabulary.max(1),
        };
        for (features, class) in examples {
            let at = match model.classes.iter().position(|c| c == class) {
                Some(at) => at,
                None => {
                    model.classes.push(class.to_string());
                    model.docs.push(0);
                    model.counts.push(HashMap::new());
                    model.totals.push(0);
                    model.classes.len() - 1
                }
            };
            model.docs[at] += 1;
            model.totals[at] += features.len() as u64;
            for feature in features {
                *model.counts[at].entry(*feature).or_default() += 1;
            }
        }
        (model.classes.len() >= 2).then_some(model)
    }

    pub fn class(&self, at: usize) -> &str {
        &self.classes[at]
    }

    /// The most frequent class in training.
    pub fn majority(&self) -> usize {
        (0..self.classes.len())
            .max_by_key(|&c| self.docs[c])
            .unwrap_or(0)
    }

    /// The most likely class for these features and its (tempered) probability.
    pub fn predict(&self, features: &[u32]) -> (usize, f64) {
        let documents: u32 = self.docs.iter().sum();
        let temper = (features.len().max(1) as f64).sqrt();
        let scores: Vec<f64> = (0..self.classes.len())
            .map(|c| {
                let denominator = self.totals[c] as f64 + ALPHA * self.vocabulary as f64;
                let likelihood: f64 = features
                    .iter()
                    .map(|f| {
                        let count = self.counts[c].get(f).copied().unwrap_or(0);
                        ((f64::from(count) + ALPHA) / denominator).ln()
                    })
                    .sum();
                (f64::from(self.docs[c]) / f64::from(documents.max(1))).ln() + likelihood / temper
            })
            .collect();
        let best = scores
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(at, _)| at);
        let top = scores[best];
        let sum: f64 = scores.iter().map(|s| (s - top).exp()).sum();
        (best, 1.0 / sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_whose_words_a_request_uses_wins() {
        // Features 1-3 belong to "a", 4-6 to "b".
        let a: Vec<Vec<u32>> = (0..20).map(|i| vec![1 + i % 3, 1 + (i + 1) % 3]).collect();
        let b: Vec<Vec<u32>> = (0..20).map(|i| vec![4 + i % 3, 4 + (i + 1) % 3]).collect();
        let examples = a
            .iter()
            .map(|f| (f.as_slice(), "a"))
            .chain(b.iter().map(|f| (f.as_slice(), "b")));
        let model = NaiveBayes::train(examples, 7).unwrap();
        let (class, p) = model.predict(&[1, 2, 3]);
        assert_eq!(model.class(class), "a");
        assert!(p > 0.8 && p < 1.0, "{p}");
        let (class, _) = model.predict(&[5, 6]);
        assert_eq!(model.class(class), "b");
        // Words never seen: the prior decides, without certainty.
        let (_, p) = model.predict(&[99]);
        assert!(p < 0.6, "{p}");
    }

    #[test]
    fn one_class_is_no_model() {
        let f = vec![1u32];
        assert!(NaiveBayes::train([(f.as_slice(), "only")], 2).is_none());
    }
}

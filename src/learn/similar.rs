//! Requests that read alike: TF-IDF vectors of the title's words (twice) and the
//! description's, compared by cosine. Only open requests and ones closed in the last
//! `RECENT_DAYS` are candidates: an old, closed request is history, not a likely duplicate.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::learn::Doc;
use crate::learn::features::{description_head, words};

/// Closed requests older than this are not offered as duplicates.
pub const RECENT_DAYS: i64 = 180;

/// How many are shown.
pub const SHOWN: usize = 3;

/// A request like the one asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    pub id: i64,
    /// Cosine similarity, 0 to 1.
    pub score: f64,
}

/// Word vectors of a set of requests, to compare any of them with the rest. Each term keeps
/// the requests that use it (postings), so a comparison touches only the requests that share a
/// word with the one asked about.
pub struct Index {
    ids: Vec<i64>,
    candidate: Vec<bool>,
    vectors: Vec<Vec<(u32, f64)>>,
    postings: Vec<Vec<(u32, f64)>>,
}

fn terms(doc: &Doc) -> impl Iterator<Item = String> + '_ {
    words(&doc.title)
        .flat_map(|w| [w.clone(), w])
        .chain(words(description_head(&doc.description)))
}

impl Index {
    pub fn build(docs: &[Doc], now: DateTime<Utc>) -> Index {
        let recent = now - Duration::days(RECENT_DAYS);
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let counted: Vec<HashMap<u32, f64>> = docs
            .iter()
            .map(|doc| {
                let mut counts = HashMap::new();
                for term in terms(doc) {
                    let next = vocabulary.len() as u32;
                    let id = *vocabulary.entry(term).or_insert(next);
                    *counts.entry(id).or_insert(0.0) += 1.0;
                }
                counts
            })
            .collect();
        let mut document_frequency = vec![0u32; vocabulary.len()];
        for counts in &counted {
            for term in counts.keys() {
                document_frequency[*term as usize] += 1;
            }
        }
        let n = docs.len().max(1) as f64;
        let vectors: Vec<Vec<(u32, f64)>> = counted
            .into_iter()
            .map(|counts| {
                let mut vector: Vec<(u32, f64)> = counts
                    .into_iter()
                    .map(|(term, tf)| {
                        let idf = (n / f64::from(document_frequency[term as usize])).ln() + 1.0;
                        (term, (1.0 + tf.ln()) * idf)
                    })
                    .collect();
                // In term order, so every sum below adds in the same order each time and equal
                // look-alikes score exactly alike.
                vector.sort_unstable_by_key(|(term, _)| *term);
                let norm = vector.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
                if norm > 0.0 {
                    vector.iter_mut().for_each(|(_, w)| *w /= norm);
                }
                vector
            })
            .collect();
        let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); vocabulary.len()];
        for (at, vector) in vectors.iter().enumerate() {
            for (term, weight) in vector {
                postings[*term as usize].push((at as u32, *weight));
            }
        }
        Index {
            postings,
            ids: docs.iter().map(|d| d.id).collect(),
            candidate: docs
                .iter()
                .map(|d| d.open || d.closed_at.is_some_and(|t| t >= recent))
                .collect(),
            vectors,
        }
    }

    /// The `SHOWN` candidates most like request `id`, best first (none scoring zero).
    pub fn similar_to(&self, id: i64) -> Vec<Similar> {
        let Some(at) = self.ids.iter().position(|i| *i == id) else {
            return Vec::new();
        };
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (term, weight) in &self.vectors[at] {
            for (other, other_weight) in &self.postings[*term as usize] {
                *scores.entry(*other).or_insert(0.0) += weight * other_weight;
            }
        }
        let mut found: Vec<Similar> = scores
            .into_iter()
            .filter(|(other, score)| {
                let other = *other as usize;
                other != at && self.candidate[other] && *score > 0.0
            })
            .map(|(other, score)| Similar {
                id: self.ids[other as usize],
                score,
            })
            .collect();
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        found.truncate(SHOWN);
        found
    }
}

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
/// word with the one asked about. Weights are `f32`: 8 bytes a term a request.
pub struct Index {
    ids: Vec<i64>,
    candidate: Vec<bool>,
    vectors: Vec<Vec<(u32, f32)>>,
    postings: Vec<Vec<(u32, f32)>>,
}

fn terms(doc: &Doc) -> impl Iterator<Item = String> + '_ {
    words(&doc.title)
        .flat_map(|w| [w.clone(), w])
        .chain(words(description_head(&doc.description)))
}

/// Reads requests one at a time (keeping their term counts only), then weighs them.
pub struct IndexBuilder {
    recent: DateTime<Utc>,
    vocabulary: HashMap<String, u32>,
    ids: Vec<i64>,
    candidate: Vec<bool>,
    counts: Vec<Vec<(u32, f32)>>,
    /// Whether each request will be asked about (`similar_to`); the others' vectors go once
    /// the postings hold them.
    asked: Vec<bool>,
}

impl IndexBuilder {
    /// `now` decides which closed requests are recent enough to be candidates.
    pub fn new(now: DateTime<Utc>) -> IndexBuilder {
        IndexBuilder {
            recent: now - Duration::days(RECENT_DAYS),
            vocabulary: HashMap::new(),
            ids: Vec::new(),
            candidate: Vec::new(),
            counts: Vec::new(),
            asked: Vec::new(),
        }
    }

    /// Adds a request that may be asked about.
    pub fn add(&mut self, doc: &Doc) {
        self.add_asked(doc, true);
    }

    /// Adds a request; `asked` false when `similar_to` will never be called with it (it can
    /// still be found as a look-alike).
    pub fn add_asked(&mut self, doc: &Doc, asked: bool) {
        self.asked.push(asked);
        let mut ids: Vec<u32> = terms(doc)
            .map(|term| {
                let next = self.vocabulary.len() as u32;
                *self.vocabulary.entry(term).or_insert(next)
            })
            .collect();
        ids.sort_unstable();
        let mut counts: Vec<(u32, f32)> = Vec::new();
        for id in ids {
            match counts.last_mut() {
                Some((last, n)) if *last == id => *n += 1.0,
                _ => counts.push((id, 1.0)),
            }
        }
        counts.shrink_to_fit();
        self.ids.push(doc.id);
        self.candidate
            .push(doc.open || doc.closed_at.is_some_and(|t| t >= self.recent));
        self.counts.push(counts);
    }

    pub fn finish(self) -> Index {
        let mut document_frequency = vec![0u32; self.vocabulary.len()];
        drop(self.vocabulary);
        for counts in &self.counts {
            for (term, _) in counts {
                document_frequency[*term as usize] += 1;
            }
        }
        let n = self.ids.len().max(1) as f32;
        let mut vectors = self.counts;
        for vector in &mut vectors {
            // In term order, so every sum adds in the same order each time and equal
            // look-alikes score exactly alike.
            for (term, weight) in vector.iter_mut() {
                let idf = (n / document_frequency[*term as usize] as f32).ln() + 1.0;
                *weight = (1.0 + weight.ln()) * idf;
            }
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                vector.iter_mut().for_each(|(_, w)| *w /= norm);
            }
        }
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); document_frequency.len()];
        for (term, df) in document_frequency.iter().enumerate() {
            postings[term].reserve_exact(*df as usize);
        }
        // Each vector is moved into the postings as it is read, so the two are never both
        // whole in memory; only the vectors of the requests asked about later are kept.
        let mut kept = Vec::with_capacity(vectors.len());
        for (at, vector) in vectors.into_iter().enumerate() {
            for (term, weight) in &vector {
                postings[*term as usize].push((at as u32, *weight));
            }
            kept.push(if self.asked.get(at).copied().unwrap_or(true) {
                vector
            } else {
                Vec::new()
            });
        }
        let vectors = kept;
        Index {
            ids: self.ids,
            candidate: self.candidate,
            vectors,
            postings,
        }
    }
}

impl Index {
    pub fn build<I>(docs: I, now: DateTime<Utc>) -> Index
    where
        I: IntoIterator,
        I::Item: std::borrow::Borrow<Doc>,
    {
        let mut builder = IndexBuilder::new(now);
        for doc in docs {
            builder.add(std::borrow::Borrow::borrow(&doc));
        }
        builder.finish()
    }

    /// The `SHOWN` candidates most like request `id`, best first (none scoring zero).
    pub fn similar_to(&self, id: i64) -> Vec<Similar> {
        let Some(at) = self.ids.iter().position(|i| *i == id) else {
            return Vec::new();
        };
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (term, weight) in &self.vectors[at] {
            for (other, other_weight) in &self.postings[*term as usize] {
                *scores.entry(*other).or_insert(0.0) += f64::from(*weight * *other_weight);
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
        // Thousands were scored: keep room for the few shown only.
        found.shrink_to_fit();
        found
    }
}

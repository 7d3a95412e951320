//! Requests that read alike: TF-IDF vectors of the title's words (twice) and the
//! description's, compared by cosine. Only open requests and ones closed in the last
//! `RECENT_DAYS` are candidates: an old, closed request is history, not a likely duplicate.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::learn::Doc;
use crate::learn::features::{Vocabulary, description_head, term_id, words};

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
/// the candidates that use it (postings), so a comparison touches only the requests that share
/// a word with the one asked about. Weights are `f32`: 8 bytes a term a request. Vectors and
/// postings are flat buffers with offsets: a small vector per request and per word would cost
/// more in headers and allocations than the weights.
pub struct Index {
    ids: Vec<i64>,
    candidate: Vec<bool>,
    /// The vectors of the requests that may be asked about, one after another.
    vectors: Vec<(u32, f32)>,
    /// Where each request's vector is in `vectors` (empty for the others).
    vector_at: Vec<std::ops::Range<u32>>,
    /// Per term, the candidates using it and their weights, one term after another.
    postings: Vec<(u32, f32)>,
    /// Where term `t`'s postings are: `postings_from[t]..postings_from[t + 1]`.
    postings_from: Vec<u32>,
}

fn terms(doc: &Doc) -> impl Iterator<Item = String> + '_ {
    words(&doc.title)
        .flat_map(|w| [w.clone(), w])
        .chain(words(description_head(&doc.description)))
}

/// Reads requests one at a time (keeping their term counts only), then weighs them.
pub struct IndexBuilder {
    recent: DateTime<Utc>,
    vocabulary: Vocabulary,
    ids: Vec<i64>,
    candidate: Vec<bool>,
    /// Every request's (term, count) pairs, one request after another.
    counts: Vec<(u32, f32)>,
    /// Where request `i`'s counts are: `counts_from[i]..counts_from[i + 1]`.
    counts_from: Vec<u32>,
    asked: Vec<bool>,
}

impl IndexBuilder {
    pub fn new(now: DateTime<Utc>) -> IndexBuilder {
        IndexBuilder {
            recent: now - Duration::days(RECENT_DAYS),
            vocabulary: Vocabulary::default(),
            ids: Vec::new(),
            candidate: Vec::new(),
            counts: Vec::new(),
            counts_from: vec![0],
            asked: Vec::new(),
        }
    }

    pub fn add(&mut self, doc: &Doc) {
        self.add_asked(doc, true);
    }

    /// Adds `doc`; `asked`: whether its look-alikes will be asked for (only those requests'
    /// vectors are kept past `finish`; every request counts in the word weights).
    pub fn add_asked(&mut self, doc: &Doc, asked: bool) {
        self.asked.push(asked);
        let mut ids: Vec<u32> = terms(doc)
            .map(|term| term_id(&mut self.vocabulary, &term))
            .collect();
        ids.sort_unstable();
        let start = self.counts.len();
        for id in ids {
            match self.counts[start..].last_mut() {
                Some((last, n)) if *last == id => *n += 1.0,
                _ => self.counts.push((id, 1.0)),
            }
        }
        self.counts_from.push(self.counts.len() as u32);
        self.ids.push(doc.id);
        self.candidate
            .push(doc.open || doc.closed_at.is_some_and(|t| t >= self.recent));
    }

    pub fn finish(self) -> Index {
        let IndexBuilder {
            vocabulary,
            ids,
            candidate,
            mut counts,
            counts_from,
            asked,
            ..
        } = self;
        let terms = vocabulary.len();
        drop(vocabulary);
        let row = |i: usize| counts_from[i] as usize..counts_from[i + 1] as usize;
        let mut document_frequency = vec![0u32; terms];
        for (term, _) in &counts {
            document_frequency[*term as usize] += 1;
        }
        let n = ids.len().max(1) as f32;
        for i in 0..ids.len() {
            let vector = &mut counts[row(i)];
            for (term, weight) in vector.iter_mut() {
                let idf = (n / document_frequency[*term as usize] as f32).ln() + 1.0;
                *weight = (1.0 + weight.ln()) * idf;
            }
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                vector.iter_mut().for_each(|(_, w)| *w /= norm);
            }
        }
        drop(document_frequency);
        // Postings of the candidates only: the others are never offered.
        let mut postings_from = vec![0u32; terms + 1];
        for i in (0..ids.len()).filter(|i| candidate[*i]) {
            for (term, _) in &counts[row(i)] {
                postings_from[*term as usize + 1] += 1;
            }
        }
        for t in 0..terms {
            postings_from[t + 1] += postings_from[t];
        }
        let mut next_slot = postings_from.clone();
        let mut postings = vec![(0u32, 0f32); postings_from[terms] as usize];
        let mut vectors = Vec::new();
        let mut vector_at = Vec::with_capacity(ids.len());
        for i in 0..ids.len() {
            let vector = &counts[row(i)];
            if candidate[i] {
                for (term, weight) in vector {
                    let slot = &mut next_slot[*term as usize];
                    postings[*slot as usize] = (i as u32, *weight);
                    *slot += 1;
                }
            }
            let start = vectors.len() as u32;
            if asked.get(i).copied().unwrap_or(true) {
                vectors.extend_from_slice(vector);
            }
            vector_at.push(start..vectors.len() as u32);
        }
        drop(counts);
        vectors.shrink_to_fit();
        Index {
            ids,
            candidate,
            vectors,
            vector_at,
            postings,
            postings_from,
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
        let vector =
            &self.vectors[self.vector_at[at].start as usize..self.vector_at[at].end as usize];
        for (term, weight) in vector {
            let term = *term as usize;
            let postings = self.postings_from[term] as usize..self.postings_from[term + 1] as usize;
            for (other, other_weight) in &self.postings[postings] {
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
        let best_first =
            |a: &Similar, b: &Similar| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id));
        // Only the best few are kept: they are picked out first, and only they are sorted.
        if found.len() > SHOWN && SHOWN > 0 {
            found.select_nth_unstable_by(SHOWN - 1, best_first);
        }
        found.truncate(SHOWN);
        found.sort_by(best_first);
        // Thousands were scored: keep room for the few shown only.
        found.shrink_to_fit();
        found
    }
}

//! The filter's fast path. A filter key tests every card (or, when the query only grew, the
//! cards that passed before), so the data it reads is laid out for that: every card's search
//! text (`#iid title labels @assignees`, lower-cased) in one buffer instead of a heap string
//! per card, cards tested in index order (memory order) rather than board order, the result
//! kept as a bit set, and a long list split over the cores. Profiles showed the old path
//! spending most of its time waiting on memory, one cache miss per card and another per text.

use crate::app::query::{Query, TextHits};
use crate::app::state::Card;
use crate::store::IssueRecord;
use crate::workflow::Workflow;

/// Cards' search texts, by card index, in one buffer.
#[derive(Debug, Clone, Default)]
pub struct SearchTexts {
    buffer: String,
    /// `buffer[start..end]` is card i's text.
    spans: Vec<(u32, u32)>,
    /// Bytes of `buffer` no span points at any more (texts replaced by edits).
    garbage: usize,
}

impl SearchTexts {
    pub fn build(cards: &[Card]) -> SearchTexts {
        let mut texts = SearchTexts {
            buffer: String::with_capacity(cards.len() * 96),
            spans: Vec::with_capacity(cards.len()),
            garbage: 0,
        };
        for card in cards {
            let span = texts.append(&card.record);
            texts.spans.push(span);
        }
        texts
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Card `index`'s text ("" for an index it does not know).
    pub fn get(&self, index: usize) -> &str {
        self.spans
            .get(index)
            .and_then(|&(start, end)| self.buffer.get(start as usize..end as usize))
            .unwrap_or("")
    }

    /// Card `index` changed (or was added at the end): its text is written anew. Texts not
    /// built yet (`build` comes with the first filter) are left to that build.
    pub fn set(&mut self, index: usize, record: &IssueRecord) {
        if index > self.spans.len() {
            return;
        }
        let span = self.append(record);
        match self.spans.get_mut(index) {
            Some(old) => {
                self.garbage += (old.1 - old.0) as usize;
                *old = span;
            }
            None => self.spans.push(span),
        }
        if self.garbage > self.buffer.len() / 2 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut buffer = String::with_capacity(self.buffer.len() - self.garbage);
        for span in &mut self.spans {
            let start = buffer.len() as u32;
            buffer.push_str(&self.buffer[span.0 as usize..span.1 as usize]);
            *span = (start, buffer.len() as u32);
        }
        self.buffer = buffer;
        self.garbage = 0;
    }

    fn append(&mut self, record: &IssueRecord) -> (u32, u32) {
        let start = self.buffer.len() as u32;
        write_search_text(&mut self.buffer, record);
        (start, self.buffer.len() as u32)
    }
}

/// Appends `#iid title labels @assignees`, lower-cased, to `out`.
pub fn write_search_text(out: &mut String, record: &IssueRecord) {
    let mut push = |text: &str| {
        if text.is_ascii() {
            out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.push_str(&text.to_lowercase());
        }
    };
    push("#");
    push(&record.iid.to_string());
    push(" ");
    push(&record.title);
    for label in &record.facts.labels {
        push(" ");
        push(label);
    }
    for user in &record.facts.assignees {
        push(" @");
        push(&user.username);
    }
}

/// A set of card indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardSet {
    words: Vec<u64>,
}

impl CardSet {
    pub fn contains(&self, index: usize) -> bool {
        self.words
            .get(index / 64)
            .is_some_and(|w| w & (1 << (index % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
}

/// What a filter pass reads.
pub struct FilterInputs<'a> {
    pub cards: &'a [Card],
    pub texts: &'a SearchTexts,
    pub query: &'a Query,
    pub workflow: &'a Workflow,
    pub today: chrono::NaiveDate,
    pub hits: &'a TextHits,
}

/// From this many cards on, the test is split over the cores.
const PARALLEL_FROM: usize = 4096;

/// The cards that pass, tested only among `within` when given (a narrowing query).
pub fn passing(inputs: &FilterInputs<'_>, within: Option<&CardSet>) -> CardSet {
    let count = inputs.cards.len();
    // Chunks are whole 64-card words, so each thread writes words of its own.
    let test_words = |words: std::ops::Range<usize>| -> Vec<u64> {
        words
            .map(|w| {
                let mut bits = match within {
                    Some(set) => set.words.get(w).copied().unwrap_or(0),
                    None => u64::MAX,
                };
                let mut out = 0u64;
                while bits != 0 {
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let index = w * 64 + bit;
                    if index >= count {
                        break;
                    }
                    let card = &inputs.cards[index];
                    if inputs.query.matches(
                        card,
                        inputs.texts.get(index),
                        inputs.workflow,
                        inputs.today,
                        inputs.hits,
                    ) {
                        out |= 1 << bit;
                    }
                }
                out
            })
            .collect()
    };
    let words = count.div_ceil(64);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let to_test = within.map_or(count, CardSet::len);
    if threads < 2 || to_test < PARALLEL_FROM {
        return CardSet {
            words: test_words(0..words),
        };
    }
    let per_thread = words.div_ceil(threads);
    let ranges: Vec<std::ops::Range<usize>> = (0..threads)
        .map(|t| (t * per_thread).min(words)..((t + 1) * per_thread).min(words))
        .collect();
    let words = std::thread::scope(|scope| {
        let test_words = &test_words;
        let others: Vec<_> = ranges[1..]
            .iter()
            .cloned()
            .map(|range| scope.spawn(move || test_words(range)))
            .collect();
        let mut all = test_words(ranges[0].clone());
        for other in others {
            all.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        all
    });
    CardSet { words }
}

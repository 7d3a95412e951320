//! The filter's fast path. A filter key tests every card (or, when the query only grew, the
//! cards that passed before), so the data it reads is laid out for that: every card's own
//! search text (`#iid title @assignees`, lower-cased) in one buffer instead of a heap string
//! per card, cards tested in index order (memory order) rather than board order, the result
//! kept as a bit set, and a long list split over the cores. Profiles showed the old path
//! spending most of its time waiting on memory, one cache miss per card and another per text.
//!
//! A card's labels are not in its text: a board has a few dozen labels in a few thousand
//! sets, so each label is kept (and searched) once, each distinct set as a list of labels,
//! and a card points at its set. That halves the buffer a word is scanned in and the memory
//! the texts take. A quoted phrase (the only word with a space) could run from the title into
//! the labels: it is tested on each card's whole text, put together again.
//!
//! A free word is matched against every card's own text in one pass over the buffer
//! (`SearchTexts::own_matches`: a SIMD substring search that jumps from hit to hit, then from
//! one place of the word's first letter to the next for the fuzzy spelling) rather than a
//! search started per card: the third letter of a word, which turns fuzzy spelling on over
//! every card, was the board's slowest key.

use std::collections::HashMap;
use std::sync::Arc;

use crate::app::query::{Query, TextHits, fuzzy_at, fuzzy_parts, own_text_matches};
use crate::app::state::Card;
use crate::store::IssueRecord;
use crate::workflow::Workflow;

/// Where a card's search text is: its own part in the buffer, and its label set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TextAt {
    /// `buffer[start..end]` is the card's own text: `#iid title` then ` @assignee`s.
    start: u32,
    end: u32,
    /// Where its labels come in the whole text (after the title).
    labels_at: u32,
    /// Its label set, in `SearchTexts::label_sets`.
    labels: u32,
}

/// Cards' search texts, by card index, in one buffer.
#[derive(Debug, Clone, Default)]
pub struct SearchTexts {
    buffer: String,
    /// Card i's text.
    spans: Vec<TextAt>,
    /// Bytes of `buffer` no span points at any more (texts replaced by edits).
    garbage: usize,
    /// Card indices in the order their texts sit in `buffer` (an edited card's text moves to
    /// the end), for the one-pass scan.
    in_buffer_order: Vec<u32>,
    /// The cards' labels, each kept once, and their distinct sets.
    label_sets: LabelSets,
    /// (request id, card index), sorted: full-text answers name requests by id. Made when
    /// the last text is.
    by_id: Vec<(i64, u32)>,
    /// Every card has its text (`build_more` finished).
    complete: bool,
}

/// The labels cards carry, each kept once (lower-cased), and the distinct sets of them: a
/// word is tested on each label once, and a card holds it in its labels when its set has a
/// label that does.
#[derive(Debug, Clone, Default)]
struct LabelSets {
    labels: Vec<Arc<str>>,
    label_of: HashMap<Arc<str>, u32>,
    /// Set i's labels, as positions in `labels` in the card's order, are
    /// `members_of[set_from[i]..set_from[i + 1]]`: one array, read in order by a filter key.
    members_of: Vec<u32>,
    set_from: Vec<u32>,
    set_of: HashMap<Arc<[u32]>, u32>,
    /// Where a label is lower-cased, and a set put together, before they are looked up.
    lowered: String,
    members: Vec<u32>,
}

impl LabelSets {
    /// The set of `labels` (added if new).
    fn intern(&mut self, labels: &[crate::workflow::Label]) -> u32 {
        let mut members = std::mem::take(&mut self.members);
        members.clear();
        for label in labels {
            self.lowered.clear();
            TextWriter {
                out: &mut self.lowered,
            }
            .push(label);
            let at = match self.label_of.get(self.lowered.as_str()) {
                Some(&at) => at,
                None => {
                    let at = self.labels.len() as u32;
                    let text: Arc<str> = Arc::from(self.lowered.as_str());
                    self.labels.push(Arc::clone(&text));
                    self.label_of.insert(text, at);
                    at
                }
            };
            members.push(at);
        }
        let set = match self.set_of.get(members.as_slice()) {
            Some(&set) => set,
            None => {
                if self.set_from.is_empty() {
                    self.set_from.push(0);
                }
                let set = self.set_count() as u32;
                self.members_of.extend_from_slice(&members);
                self.set_from.push(self.members_of.len() as u32);
                self.set_of.insert(Arc::from(members.as_slice()), set);
                set
            }
        };
        self.members = members;
        set
    }

    fn set_count(&self) -> usize {
        self.set_from.len().saturating_sub(1)
    }

    /// Set `set`'s labels, as positions in `labels`.
    fn members(&self, set: usize) -> &[u32] {
        let from = self.set_from.get(set).copied().unwrap_or(0) as usize;
        let to = self.set_from.get(set + 1).copied().unwrap_or(0) as usize;
        self.members_of.get(from..to).unwrap_or(&[])
    }

    fn labels_in(&self, set: u32) -> impl Iterator<Item = &str> {
        self.members(set as usize)
            .iter()
            .filter_map(|&at| self.labels.get(at as usize).map(|text| &**text))
    }

    /// Appends set `set` as the whole text has it: ` label` for each label.
    fn write(&self, set: u32, out: &mut String) {
        for label in self.labels_in(set) {
            out.push(' ');
            out.push_str(label);
        }
    }

    /// For each set, whether one of its labels holds `word` (a word without spaces); `None`
    /// when no label does.
    fn holding(&self, word: &str) -> Option<Vec<bool>> {
        let labels: Vec<bool> = self
            .labels
            .iter()
            .map(|label| own_text_matches(label, word))
            .collect();
        labels.contains(&true).then(|| {
            self.set_from
                .windows(2)
                .map(|bounds| {
                    self.members_of[bounds[0] as usize..bounds[1] as usize]
                        .iter()
                        .any(|&at| labels[at as usize])
                })
                .collect()
        })
    }
}

impl SearchTexts {
    pub fn build(cards: &[Card]) -> SearchTexts {
        let mut texts = SearchTexts::default();
        texts.build_more(cards, usize::MAX);
        texts
    }

    /// Writes the texts of up to `budget` more of `cards` (the board builds them a slice at a
    /// time while idle, so a key pressed meanwhile waits for one slice, not for all of them);
    /// true once every card has its text.
    pub fn build_more(&mut self, cards: &[Card], budget: usize) -> bool {
        if self.complete {
            return true;
        }
        let start = self.spans.len();
        if start == 0 {
            self.buffer.reserve(cards.len() * 48);
            self.spans.reserve(cards.len());
            self.in_buffer_order.reserve(cards.len());
        }
        let end = start.saturating_add(budget).min(cards.len());
        for (index, card) in cards.iter().enumerate().take(end).skip(start) {
            let span = self.append(&card.record);
            self.spans.push(span);
            self.in_buffer_order.push(index as u32);
        }
        if self.spans.len() < cards.len() {
            return false;
        }
        // The estimate is rough and the buffer doubles past it: give back what it overshot.
        self.buffer.shrink_to_fit();
        self.by_id = (0..cards.len() as u32)
            .map(|i| (cards[i as usize].record.id, i))
            .collect();
        // Cards come in id order from the cache: already sorted, this only checks.
        self.by_id.sort_unstable();
        self.complete = true;
        true
    }

    /// Whether every card given to `build_more` has its text.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Card `index`'s own text: its search text without the labels ("" for an index it does
    /// not know).
    fn own(&self, index: usize) -> &str {
        self.spans
            .get(index)
            .and_then(|at| self.buffer.get(at.start as usize..at.end as usize))
            .unwrap_or("")
    }

    /// Card `index`'s whole search text, as `write_search_text` writes it, into `out`.
    pub fn write_whole(&self, index: usize, out: &mut String) {
        out.clear();
        let Some(at) = self.spans.get(index) else {
            return;
        };
        let own = self.own(index);
        let split = (at.labels_at - at.start) as usize;
        out.push_str(own.get(..split).unwrap_or(own));
        self.label_sets.write(at.labels, out);
        out.push_str(own.get(split..).unwrap_or(""));
    }

    /// Whether card `index`'s search text holds `word` (`query::own_text_matches`). Each call
    /// works out the word's label sets again: for one card; a pass over many takes
    /// `word_test` once and calls `holds_by`.
    pub fn holds(&self, index: usize, word: &str) -> bool {
        self.holds_by(index, &self.word_test(word))
    }

    /// What testing cards one by one for `word` needs, worked out once: which label sets
    /// hold it.
    pub fn word_test<'w>(&self, word: &'w str) -> WordTest<'w> {
        let phrase = spans_parts(word);
        WordTest {
            word,
            phrase,
            sets_holding: if phrase {
                None
            } else {
                self.label_sets.holding(word)
            },
        }
    }

    /// `holds`, with the word's test worked out (`word_test`).
    pub fn holds_by(&self, index: usize, test: &WordTest<'_>) -> bool {
        if test.phrase {
            let mut whole = String::new();
            self.write_whole(index, &mut whole);
            return own_text_matches(&whole, test.word);
        }
        let in_labels = || {
            let set = self.spans.get(index).map(|at| at.labels as usize);
            test.sets_holding
                .as_ref()
                .zip(set)
                .is_some_and(|(holding, set)| holding.get(set).copied().unwrap_or(false))
        };
        in_labels() || own_text_matches(self.own(index), test.word)
    }

    /// Card `index` changed (or was added at the end): its text is written anew. Texts not
    /// built yet are left to `build_more`.
    pub fn set(&mut self, index: usize, record: &IssueRecord) {
        if index > self.spans.len() {
            return;
        }
        let span = self.append(record);
        match self.spans.get_mut(index) {
            Some(old) => {
                self.garbage += (old.end - old.start) as usize;
                *old = span;
                self.in_buffer_order.retain(|&i| i as usize != index);
            }
            None => self.spans.push(span),
        }
        self.in_buffer_order.push(index as u32);
        // A new card, or (never expected) a card whose request changed: index it anew.
        let entry = (record.id, index as u32);
        if self.complete && self.by_id.binary_search(&entry).is_err() {
            self.by_id.retain(|&(_, i)| i as usize != index);
            let at = self.by_id.partition_point(|&other| other < entry);
            self.by_id.insert(at, entry);
        }
        if self.garbage > self.buffer.len() / 2 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut buffer = String::with_capacity(self.buffer.len() - self.garbage);
        for span in &mut self.spans {
            let start = buffer.len() as u32;
            buffer.push_str(&self.buffer[span.start as usize..span.end as usize]);
            let labels_at = start + (span.labels_at - span.start);
            *span = TextAt {
                start,
                end: buffer.len() as u32,
                labels_at,
                labels: span.labels,
            };
        }
        self.buffer = buffer;
        self.garbage = 0;
        self.in_buffer_order = (0..self.spans.len() as u32).collect();
    }

    /// The cards of the requests `ids` names (ids not on the board are left out).
    pub fn indices_of(&self, ids: &std::collections::HashSet<i64>) -> CardSet {
        let mut found = CardSet::with_capacity(self.spans.len());
        for id in ids {
            let at = self.by_id.partition_point(|&(other, _)| other < *id);
            for &(_, index) in self.by_id[at..].iter().take_while(|(other, _)| other == id) {
                found.insert(index as usize);
            }
        }
        found
    }

    /// The cards whose own text holds `word` (lower-case) as a substring or, from three
    /// letters, as a fuzzy spelling (`query::fuzzy_word`): what testing every card's text would
    /// find, in one pass over the buffer.
    pub fn own_matches(&self, word: &str) -> CardSet {
        let mut found = CardSet::with_capacity(self.spans.len());
        if word.is_empty() {
            for index in 0..self.spans.len() {
                found.insert(index);
            }
            return found;
        }
        if spans_parts(word) {
            let mut whole = String::new();
            for index in 0..self.spans.len() {
                self.write_whole(index, &mut whole);
                if own_text_matches(&whole, word) {
                    found.insert(index);
                }
            }
            return found;
        }
        self.scan(word, &mut found, |_, _| true);
        if let Some((first, rest)) = fuzzy_parts(word) {
            let mut encoded = [0u8; 4];
            let first = first.encode_utf8(&mut encoded);
            self.scan(first, &mut found, |text, at| {
                fuzzy_at(text, at, first.len(), rest)
            });
        }
        // Each label is tested once, each set then by its labels, and each card by its set.
        if let Some(sets_holding) = self.label_sets.holding(word) {
            for (index, at) in self.spans.iter().enumerate() {
                if sets_holding[at.labels as usize] {
                    found.insert(index);
                }
            }
        }
        found
    }

    /// Adds to `found` each card (not in it yet) whose text holds `needle` at a place `accept`
    /// takes (`accept(text, offset)`), jumping from one hit to the next over the whole buffer
    /// and past a card as soon as it is found.
    fn scan(&self, needle: &str, found: &mut CardSet, accept: impl Fn(&str, usize) -> bool) {
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let haystack = self.buffer.as_bytes();
        let mut order = self.in_buffer_order.iter().map(|&i| i as usize).peekable();
        let mut from = 0;
        while let Some(offset) = haystack.get(from..).and_then(|rest| finder.find(rest)) {
            let at = from + offset;
            // The card whose text ends after the hit (texts sit in buffer order; the gaps
            // between them are replaced texts).
            while order
                .next_if(|&i| (self.spans[i].end as usize) <= at)
                .is_some()
            {}
            let Some(&card) = order.peek() else {
                break;
            };
            let (start, end) = (
                self.spans[card].start as usize,
                self.spans[card].end as usize,
            );
            if at < start {
                from = start;
            } else if found.contains(card) {
                from = end;
            } else if at + needle.len() <= end && accept(&self.buffer[start..end], at - start) {
                found.insert(card);
                from = end;
            } else {
                from = at + 1;
            }
        }
    }

    /// Writes `record`'s own text at the end of the buffer and finds (or adds) its label set.
    fn append(&mut self, record: &IssueRecord) -> TextAt {
        let start = self.buffer.len() as u32;
        let mut own = TextWriter {
            out: &mut self.buffer,
        };
        own.head(record);
        let labels_at = own.out.len() as u32;
        own.assignees(record);
        let labels = self.label_sets.intern(&record.facts.labels);
        TextAt {
            start,
            end: self.buffer.len() as u32,
            labels_at,
            labels,
        }
    }
}

/// A free word as `SearchTexts::holds_by` tests it.
#[derive(Debug)]
pub struct WordTest<'w> {
    word: &'w str,
    /// Tested on each card's whole text (a phrase).
    phrase: bool,
    /// Which label sets hold it (`None`: none, or a phrase).
    sets_holding: Option<Vec<bool>>,
}

/// Whether `word` could hold text from two parts of a card's search text (its title, a
/// label, an assignee): only a word with a space in it (a quoted phrase), as the parts are
/// joined by spaces. Such a word is tested on each card's whole text.
fn spans_parts(word: &str) -> bool {
    word.contains(' ')
}

/// Writes the parts of a search text, lower-cased.
struct TextWriter<'a> {
    out: &'a mut String,
}

impl TextWriter<'_> {
    fn push(&mut self, text: &str) {
        if text.is_ascii() {
            self.out
                .extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            self.out.push_str(&text.to_lowercase());
        }
    }

    /// `#iid title`
    fn head(&mut self, record: &IssueRecord) {
        self.push("#");
        self.push(&record.iid.to_string());
        self.push(" ");
        self.push(&record.title);
    }

    /// ` label` for each label (`LabelSets::write` writes them as this does).
    fn labels(&mut self, record: &IssueRecord) {
        for label in record.facts.labels.iter() {
            self.push(" ");
            self.push(label);
        }
    }

    /// ` @username` for each assignee.
    fn assignees(&mut self, record: &IssueRecord) {
        for user in record.facts.assignees.iter() {
            self.push(" @");
            self.push(&user.username);
        }
    }
}

/// Appends `#iid title labels @assignees`, lower-cased, to `out`.
pub fn write_search_text(out: &mut String, record: &IssueRecord) {
    let mut text = TextWriter { out };
    text.head(record);
    text.labels(record);
    text.assignees(record);
}

/// A set of card indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardSet {
    words: Vec<u64>,
}

impl CardSet {
    /// An empty set with room for indices below `len`.
    pub fn with_capacity(len: usize) -> CardSet {
        CardSet {
            words: vec![0; len.div_ceil(64)],
        }
    }

    pub fn insert(&mut self, index: usize) {
        let word = index / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (index % 64);
    }

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

    /// Adds every index of `other`.
    pub fn union_with(&mut self, other: &CardSet) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (word, add) in self.words.iter_mut().zip(&other.words) {
            *word |= add;
        }
    }

    /// Removes every index of `other`.
    pub fn remove_all(&mut self, other: &CardSet) {
        for (word, drop) in self.words.iter_mut().zip(&other.words) {
            *word &= !drop;
        }
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

/// From this many cards to test on, the test is split over the cores.
const PARALLEL_FROM: usize = 4096;

/// The cards that pass, tested only among `within` when given (a narrowing query, or the
/// cards a full-text answer names).
pub fn passing(inputs: &FilterInputs<'_>, within: Option<&CardSet>) -> CardSet {
    let count = inputs.cards.len();
    let to_test = within.map_or(count, CardSet::len);
    // Free words are answered for every card at once (one pass over the texts, the full-text
    // answer by id) unless only a few cards are left to test (a word that grew), when testing
    // those few is cheaper.
    let answered: Vec<(&str, CardSet)> = if to_test >= count / SCAN_WHEN_TESTING_ONE_IN {
        inputs
            .query
            .free_words()
            .map(|word| {
                let mut holding = inputs.texts.own_matches(word);
                if let Some(ids) = inputs.hits.get(word) {
                    holding.union_with(&inputs.texts.indices_of(ids));
                }
                (word, holding)
            })
            .collect()
    } else {
        Vec::new()
    };
    // Otherwise each card is tested, with what each word's test needs worked out once.
    let one_by_one: Vec<(&str, WordTest<'_>)> = if answered.is_empty() {
        inputs
            .query
            .free_words()
            .map(|word| (word, inputs.texts.word_test(word)))
            .collect()
    } else {
        Vec::new()
    };
    // The words asked about are the query's own strings: found by address before by content.
    let answer = |word: &str| {
        answered
            .iter()
            .find(|(w, _)| std::ptr::eq(*w, word) || *w == word)
    };
    let test_of = |word: &str| {
        one_by_one
            .iter()
            .find(|(w, _)| std::ptr::eq(*w, word) || *w == word)
    };
    let holds = |index: usize, word: &str| match answer(word) {
        Some((_, set)) => set.contains(index),
        None => {
            test_of(word).map_or_else(
                || inputs.texts.holds(index, word),
                |(_, test)| inputs.texts.holds_by(index, test),
            ) || inputs
                .hits
                .get(word)
                .is_some_and(|ids| ids.contains(&inputs.cards[index].record.id))
        }
    };
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
                    if inputs.query.matches_by(
                        &inputs.cards[index],
                        &|word| holds(index, word),
                        inputs.workflow,
                        inputs.today,
                    ) {
                        out |= 1 << bit;
                    }
                }
                out
            })
            .collect()
    };
    let words = count.div_ceil(64);
    let threads = cores();
    // Free words answered for every card leave a bit test per card: a second thread would
    // cost more to start (and, on a busy machine, to wait for) than it saves.
    let only_answered_words =
        !answered.is_empty() && inputs.query.free_words().count() == inputs.query.terms.len();
    if threads < 2 || to_test < PARALLEL_FROM || only_answered_words {
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

/// The cores a filter pass may use (at most 4), asked once: the answer reads files under
/// `/proc` and `/sys`, which cost more than testing a few thousand cards.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
}

/// Free words are answered for every card at once when at least one card in this many is to
/// be tested.
const SCAN_WHEN_TESTING_ONE_IN: usize = 2;

#[cfg(test)]
#[path = "filtering_tests.rs"]
mod tests;

//! A large board's first screen, drawn before the whole board is loaded.
//!
//! Decoding every row is most of a large board's start-up (about 70 ms for 50,000 requests
//! on two cores), yet the first screen shows only each column's count and its top cards. So
//! the first screen reads every request's `BoardKey` (its labels, open flag, due date and
//! reference numbers; one classification per distinct label set), keeps the top cards of
//! each column in board order, and loads only those rows whole. The whole board replaces it
//! right after the first frame, before any key is read: the first screen never takes input,
//! it only has to draw exactly what the whole board draws (a test compares the two).

use std::collections::{BinaryHeap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::columns::{SortKey, sort_key_of};
use crate::app::keymap::Keymap;
use crate::app::state::{AppState, BoardData, Source, card_on_board};
use crate::store::{BoardKey, IssueRecord};
use crate::workflow::{ClassMemo, Placement, Workflow};

/// The requests a first screen shows, and how many each column holds in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstScreen {
    /// The top requests of every column, by id.
    pub ids: Vec<i64>,
    pub counts: Vec<(Placement, usize)>,
}

/// Picks each column's top `per_column` requests from `BoardKey`s seen one by one.
pub struct Picker<'a> {
    workflow: &'a Workflow,
    per_column: usize,
    memo: ClassMemo,
    /// Per column, the best requests so far, the worst on top (so it is the one to drop).
    top: HashMap<Placement, BinaryHeap<(SortKey, i64)>>,
    counts: HashMap<Placement, usize>,
}

impl<'a> Picker<'a> {
    pub fn new(workflow: &'a Workflow, per_column: usize) -> Picker<'a> {
        Picker {
            workflow,
            per_column: per_column.max(1),
            memo: ClassMemo::default(),
            top: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    /// Counts `key`'s request in its column and keeps it when it is among the top ones.
    /// Keys come in id order: the board breaks ties of the sort key by card order, which is
    /// id order, so the id breaks them here.
    pub fn add(&mut self, key: BoardKey) {
        let class = self
            .memo
            .classify_labels(self.workflow, &key.labels, key.open);
        let placement = class.placement;
        *self.counts.entry(placement).or_default() += 1;
        let entry = (
            sort_key_of(self.workflow, &class, key.due_date, key.project_id, key.iid),
            key.id,
        );
        let top = self.top.entry(placement).or_default();
        if top.len() < self.per_column {
            top.push(entry);
        } else if top.peek().is_some_and(|worst| entry < *worst) {
            top.pop();
            top.push(entry);
        }
    }

    pub fn finish(self) -> FirstScreen {
        let mut ids: Vec<i64> = self
            .top
            .into_values()
            .flat_map(|heap| heap.into_iter().map(|(_, id)| id))
            .collect();
        ids.sort_unstable();
        let mut counts: Vec<(Placement, usize)> = self.counts.into_iter().collect();
        counts.sort_by_key(|(placement, _)| match placement {
            Placement::Unlabelled => 0,
            Placement::State(i) => i + 1,
        });
        FirstScreen { ids, counts }
    }
}

/// What the first screen's state is made from besides its records.
pub struct Parts {
    pub workflow: Workflow,
    pub keymap: Keymap,
    pub data: BoardData,
    pub source: Source,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// The state that draws `screen`: the cards of `records` (the rows of `screen.ids`), with
/// every column's count standing for the cards not loaded.
pub fn state(parts: Parts, screen: &FirstScreen, records: Vec<IssueRecord>) -> AppState {
    let Parts {
        workflow,
        keymap,
        data,
        source,
        now,
        today,
    } = parts;
    let mut memo = ClassMemo::default();
    let cards: Vec<_> = records
        .into_iter()
        .map(|record| {
            card_on_board(
                &workflow,
                record,
                &data.pending_by_issue,
                &data.conflicts,
                &mut memo,
            )
        })
        .collect();
    let mut loaded: HashMap<Placement, usize> = HashMap::new();
    for card in &cards {
        *loaded.entry(card.class.placement).or_default() += 1;
    }
    let mut state = AppState::with_cards(workflow, keymap, data, cards, source, now, today);
    state.unloaded = screen
        .counts
        .iter()
        .map(|&(placement, count)| {
            let here = loaded.get(&placement).copied().unwrap_or(0);
            (placement, count.saturating_sub(here))
        })
        .filter(|&(_, missing)| missing > 0)
        .collect();
    state
}

/// The first screen of the board cached in `store`, keeping `per_column` cards of each
/// column (at least the rows a column shows on the terminal).
pub fn load(
    store: &crate::store::Store,
    parts: Parts,
    per_column: usize,
) -> crate::store::Result<AppState> {
    let mut picker = Picker::new(&parts.workflow, per_column);
    crate::store::scan_board_keys(store.conn(), &mut |key| picker.add(key))?;
    let screen = picker.finish();
    let records = crate::store::load_issues_by_id(store.conn(), &screen.ids)?;
    Ok(state(parts, &screen, records))
}

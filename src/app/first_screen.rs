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

/// Each column's top requests among the `BoardKey`s seen so far, and its count. A large
/// board is scanned in two halves at once, a `Picked` each, then `merged`.
#[derive(Default)]
pub struct Picked {
    memo: ClassMemo,
    /// Per column, the best requests so far, the worst on top (so it is the one to drop).
    top: HashMap<Placement, BinaryHeap<(SortKey, i64)>>,
    counts: HashMap<Placement, usize>,
}

impl Picked {
    /// Counts `key`'s request in its column and keeps it when it is among the top
    /// `per_column` ones. The board breaks ties of the sort key by card order, which is id
    /// order, so the id breaks them here.
    pub fn add(&mut self, workflow: &Workflow, per_column: usize, key: BoardKey) {
        let class = self.memo.classify_labels(workflow, &key.labels, key.open);
        let placement = class.placement;
        *self.counts.entry(placement).or_default() += 1;
        let entry = (
            sort_key_of(workflow, &class, key.due_date, key.project_id, key.iid),
            key.id,
        );
        let top = self.top.entry(placement).or_default();
        if top.len() < per_column.max(1) {
            top.push(entry);
        } else if top.peek().is_some_and(|worst| entry < *worst) {
            top.pop();
            top.push(entry);
        }
    }

    /// The first screen the parts picked together: the top `per_column` of each column over
    /// all of them.
    pub fn merged(parts: Vec<Picked>, per_column: usize) -> FirstScreen {
        let mut top: HashMap<Placement, Vec<(SortKey, i64)>> = HashMap::new();
        let mut counts: HashMap<Placement, usize> = HashMap::new();
        for part in parts {
            for (placement, heap) in part.top {
                top.entry(placement).or_default().extend(heap);
            }
            for (placement, count) in part.counts {
                *counts.entry(placement).or_default() += count;
            }
        }
        let mut ids: Vec<i64> = top
            .into_values()
            .flat_map(|mut entries| {
                entries.sort_unstable();
                entries.truncate(per_column.max(1));
                entries.into_iter().map(|(_, id)| id)
            })
            .collect();
        ids.sort_unstable();
        let mut counts: Vec<(Placement, usize)> = counts.into_iter().collect();
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
    let workflow = &parts.workflow;
    let picked = crate::store::scan_board_keys(store.conn(), store.path(), &|picked, key| {
        Picked::add(picked, workflow, per_column, key)
    })?;
    let screen = Picked::merged(picked, per_column);
    let records = crate::store::load_issues_by_id(store.conn(), &screen.ids)?;
    Ok(state(parts, &screen, records))
}

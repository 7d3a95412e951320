//! The board's columns: cards built from cache records (classified by the workflow, on two
//! threads for a large board), sorted, filtered, and kept in their columns with each column's
//! selection surviving a rebuild.

use chrono::NaiveDate;

use crate::app::state::{AppState, Card, Column, keep_visible};
use crate::workflow::{Classification, Placement, Workflow};

impl AppState {
    /// Each column's selected request (by id) and position.
    pub(crate) fn selection(&self) -> Vec<(Placement, Option<i64>, usize)> {
        self.columns
            .iter()
            .map(|c| {
                // Indices may be stale if cards were removed; a stale one only loses the
                // selection, it never panics.
                let id = c
                    .cards
                    .get(c.selected)
                    .and_then(|&i| self.cards.get(i))
                    .map(|card| card.record.id);
                (c.placement, id, c.selected)
            })
            .collect()
    }

    /// Re-sorts every card into its column, keeping each column's selected card selected.
    /// Call after the cards change.
    pub fn rebuild_columns(&mut self) {
        self.sort_order();
        let selected = self.selection();
        self.rebuild_columns_keeping(selected);
    }

    /// Places the cards again after the filter changed (the cards did not): no sorting, and
    /// when the query only grew, only the cards that passed before are tested.
    pub fn refilter(&mut self) {
        if self.order.len() != self.cards.len() {
            self.sort_order();
        }
        let selected = self.selection();
        self.rebuild_columns_keeping(selected);
    }

    /// Builds the cards' search texts if they are not (they wait for the first filter, or
    /// for the board to be idle after its first frame).
    pub fn prepare_search(&mut self) {
        self.prepare_search_step(usize::MAX);
    }

    /// Builds up to `budget` more search texts (`search_pending` says whether any are left).
    pub fn prepare_search_step(&mut self, budget: usize) {
        if self.search.is_complete() && self.search.len() != self.cards.len() {
            // Cards came or went without their texts: start again.
            self.search = Default::default();
        }
        self.search.build_more(&self.cards, budget);
    }

    /// Whether some search texts are still to be built.
    pub fn search_pending(&self) -> bool {
        !self.search.is_complete() || self.search.len() != self.cards.len()
    }

    pub(crate) fn sort_order(&mut self) {
        // Keys are made in card order (memory order), then sorted; the card index breaks ties,
        // so equal keys keep card order.
        let mut keyed: Vec<(SortKey, Ordered)> = self
            .cards
            .iter()
            .enumerate()
            .map(|(index, card)| {
                (
                    sort_key(card, &self.workflow),
                    Ordered::new(index, card.class.placement),
                )
            })
            .collect();
        keyed.sort_unstable_by_key(|&(key, ordered)| (key, ordered.index));
        self.order = keyed.into_iter().map(|(_, ordered)| ordered).collect();
    }

    pub(crate) fn rebuild_columns_keeping(
        &mut self,
        selected_ids: Vec<(Placement, Option<i64>, usize)>,
    ) {
        if self.order.len() != self.cards.len() {
            self.sort_order();
        }
        let focused = self.columns.get(self.focused_column).map(|c| c.placement);
        let mut columns: Vec<Column> = (0..self.workflow.states.len())
            .map(|i| Column {
                placement: Placement::State(i),
                cards: Vec::new(),
                selected: 0,
                offset: 0,
            })
            .collect();
        let mut unlabelled = Vec::new();
        let mut matching = 0;
        if self.filter.is_some() {
            self.prepare_search();
        }
        let narrowed = self.filter.as_mut().and_then(|f| f.narrow_from.take());
        let retest = self.filter.as_mut().and_then(|f| {
            f.retest
                .take()
                .map(|changed| (changed, std::mem::take(&mut f.matched)))
        });
        let matched = self.filter.as_ref().map(|filter| {
            let inputs = crate::app::filtering::FilterInputs {
                cards: &self.cards,
                texts: &self.search,
                query: &filter.query,
                workflow: &self.workflow,
                today: self.today,
                hits: &filter.text_hits,
            };
            match (narrowed, retest) {
                (None, Some((changed, mut kept))) => {
                    kept.remove_all(&changed);
                    kept.union_with(&crate::app::filtering::passing(&inputs, Some(&changed)));
                    kept
                }
                (narrowed, _) => crate::app::filtering::passing(&inputs, narrowed.as_ref()),
            }
        });
        for ordered in &self.order {
            let index = ordered.index as usize;
            if index >= self.cards.len() || matched.as_ref().is_some_and(|m| !m.contains(index)) {
                continue;
            }
            matching += 1;
            match ordered.placement() {
                Placement::State(i) => match columns.get_mut(i) {
                    Some(column) => column.cards.push(index),
                    None => unlabelled.push(index),
                },
                Placement::Unlabelled => unlabelled.push(index),
            }
        }
        if let Some(filter) = &mut self.filter {
            filter.matching = matching;
            filter.matched = matched.unwrap_or_default();
            filter.last_word_hits_known = filter.last_word_hits_known();
        }
        if !unlabelled.is_empty() {
            columns.insert(
                0,
                Column {
                    placement: Placement::Unlabelled,
                    cards: unlabelled,
                    selected: 0,
                    offset: 0,
                },
            );
        }
        let page = self.cards_per_page();
        for column in &mut columns {
            if let Some((_, id, old_selected)) =
                selected_ids.iter().find(|(p, _, _)| *p == column.placement)
            {
                column.selected = id
                    .and_then(|id| {
                        column
                            .cards
                            .iter()
                            .position(|&i| self.cards[i].record.id == id)
                    })
                    .unwrap_or(*old_selected)
                    .min(column.cards.len().saturating_sub(1));
            }
            let old_offset = self
                .columns
                .iter()
                .find(|c| c.placement == column.placement)
                .map_or(0, |c| c.offset);
            column.offset = keep_visible(old_offset, column.selected, page);
        }
        self.columns = columns;
        self.focused_column = focused
            .and_then(|p| self.columns.iter().position(|c| c.placement == p))
            .unwrap_or_else(|| self.first_workflow_column());
    }

    /// The first state column holding cards (the unlabelled column is for fixing, not a start).
    pub(crate) fn first_workflow_column(&self) -> usize {
        self.columns
            .iter()
            .position(|c| matches!(c.placement, Placement::State(_)) && !c.cards.is_empty())
            .unwrap_or(0)
    }
}

/// A card in board order and the column it goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ordered {
    /// Index into `AppState::cards`.
    pub index: u32,
    /// The state's number, or `UNLABELLED`.
    column: u32,
}

const UNLABELLED: u32 = u32::MAX;

impl Ordered {
    fn new(index: usize, placement: Placement) -> Ordered {
        Ordered {
            index: index as u32,
            column: match placement {
                Placement::State(i) => u32::try_from(i).unwrap_or(UNLABELLED),
                Placement::Unlabelled => UNLABELLED,
            },
        }
    }

    pub fn placement(self) -> Placement {
        match self.column {
            UNLABELLED => Placement::Unlabelled,
            state => Placement::State(state as usize),
        }
    }
}

pub(crate) type SortKey = (usize, Option<NaiveDate>, bool, i64, i64);

/// Cards sort by priority (1 first, unknown and none last), then due date, then reference.
fn sort_key(card: &Card, wf: &Workflow) -> SortKey {
    let record = &card.record;
    sort_key_of(
        wf,
        &card.class,
        record.facts.due_date,
        record.project_id,
        record.iid,
    )
}

/// `sort_key` from the parts it reads (the first screen has no cards yet).
pub(crate) fn sort_key_of(
    wf: &Workflow,
    class: &Classification,
    due: Option<NaiveDate>,
    project_id: i64,
    iid: i64,
) -> SortKey {
    let values = &wf.fields.priority.values;
    let priority = class
        .priority()
        .and_then(|p| values.iter().position(|v| v == p))
        .unwrap_or(values.len());
    (priority, due, due.is_none(), project_id, iid)
}

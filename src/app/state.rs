//! The app's whole state: cards, columns, selection, what is open on top, and the clock value
//! rendering uses (kept here so rendering never reads the clock and snapshots are stable).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::keymap::{Keymap, Mode};
pub use crate::app::overlay_state::{
    ActiveFilter, Confirm, ConfirmPurpose, DateInput, Detail, DetailContent, FilterInput, Overlay,
    PickOption, PickPurpose, PickValue, Picker,
};
pub use crate::store::BoardData;
use crate::store::{IssueRecord, Member};
use crate::workflow::{
    ClassMemo, Classification, MilestoneInfo, MovePlan, Placement, Workflow, classify,
};

/// A request on the board, with what the workflow derives from it.
#[derive(Debug, Clone)]
pub struct Card {
    pub record: IssueRecord,
    /// Shared by the cards of one label set (see `ClassMemo`).
    pub class: Arc<Classification>,
    /// Local edits GitLab has not confirmed yet.
    pub pending: u32,
    /// Why an edit of this request waits in conflict with GitLab, if one does.
    pub conflict: Option<String>,
}

impl Card {
    pub fn new(wf: &Workflow, record: IssueRecord, pending: u32) -> Self {
        let class = Arc::new(classify(wf, &record.facts));
        Card {
            record,
            class,
            pending,
            conflict: None,
        }
    }

    /// `#iid`.
    pub fn short_ref(&self) -> String {
        format!("#{}", self.record.iid)
    }
}

/// One board column and its own scroll position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub placement: Placement,
    /// Indices into `AppState::cards`, in display order.
    pub cards: Vec<usize>,
    pub selected: usize,
    /// First card shown.
    pub offset: usize,
}

/// Where the board's data comes from, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Demo,
    GitLab { host: String, path: String },
}

/// Which pane keys go to when nothing is open on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Board,
    Grooming,
}

/// How loud a status-bar message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub tone: Tone,
}

/// Where the background sync stands, for the status bar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// A GitLab is configured and the worker runs.
    pub enabled: bool,
    /// Why there is no sync although a GitLab is configured (no token, a rejected one), said
    /// when the user asks for a sync.
    pub unavailable: Option<String>,
    pub running: bool,
    pub offline: Option<String>,
    pub error: Option<String>,
    /// The running pass waits out GitLab's rate limit until then.
    pub waiting_until: Option<chrono::DateTime<chrono::Utc>>,
    /// The last pass stopped at GitLab's rate limit, which lasts until then.
    pub rate_limited_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// One edit as the undo history keeps it: what was done, and the request before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoStep {
    pub issue_id: i64,
    pub edit: crate::workflow::IssueEdit,
    pub before: crate::workflow::IssueFacts,
}

/// Moves waiting for the user's answers: one plan per request (several when cards are marked).
/// Each question is asked once and its answer applies to every plan that needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingMove {
    pub moves: Vec<(i64, MovePlan)>,
}

/// One undoable action: the edits of one key press, over one or many requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoBatch {
    pub id: u64,
    pub steps: Vec<UndoStep>,
}

/// A batch being saved: its summary is said once every edit of it landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchNote {
    pub id: u64,
    pub remaining: usize,
    pub summary: String,
}

/// The rows of the grooming pane, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroomRow {
    State,
    Team,
    Field(usize),
    Milestone,
    Assignees,
    DueDate,
}

impl GroomRow {
    /// The action that edits this row.
    pub fn action(self) -> crate::app::keymap::Action {
        use crate::app::keymap::Action;
        match self {
            GroomRow::State => Action::MoveTo,
            GroomRow::Team => Action::SetTeam,
            GroomRow::Field(0) => Action::SetPriority,
            GroomRow::Field(1) => Action::ToggleDod,
            GroomRow::Field(2) => Action::ToggleEteam,
            GroomRow::Field(3) => Action::SetUseCase,
            GroomRow::Field(_) => Action::SetGtmPhase,
            GroomRow::Milestone => Action::SetMilestone,
            GroomRow::Assignees => Action::SetAssignee,
            GroomRow::DueDate => Action::SetDueDate,
        }
    }
}

pub const GROOM_ROWS: [GroomRow; 10] = [
    GroomRow::State,
    GroomRow::Team,
    GroomRow::Field(0),
    GroomRow::Field(1),
    GroomRow::Field(2),
    GroomRow::Field(3),
    GroomRow::Field(4),
    GroomRow::Milestone,
    GroomRow::Assignees,
    GroomRow::DueDate,
];

/// Everything the UI shows and `update` changes.
#[derive(Debug, Clone)]
pub struct AppState {
    pub workflow: Workflow,
    pub keymap: Keymap,
    pub cards: Vec<Card>,
    /// How many requests of each column a large board's first screen has not loaded
    /// (`app::first_screen`); empty once the whole board is.
    pub unloaded: Vec<(Placement, usize)>,
    /// Every card in board order (priority, due date, reference) with its column, sorted when
    /// the cards change so that filtering never sorts nor reads a card to place it.
    pub order: Vec<crate::app::columns::Ordered>,
    /// Every card's search text, by card index.
    pub search: crate::app::filtering::SearchTexts,
    pub columns: Vec<Column>,
    /// Index into `columns`.
    pub focused_column: usize,
    pub focus: Focus,
    pub groom_row: usize,
    pub overlay: Option<Overlay>,
    /// The figures of a standup or flow view just closed, for the loop to hand back to the
    /// thread that made them: memory another thread allocated is slow to free here (a
    /// closing view spent most of its key freeing them).
    pub retired_insight: Option<Box<crate::app::insight::InsightData>>,
    pub pending_move: Option<PendingMove>,
    pub show_closed: bool,
    pub milestones: Vec<MilestoneInfo>,
    pub members: Vec<Member>,
    pub source: Source,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub pending_edits: i64,
    /// Requests with an edit waiting for the user's choice (conflict or refusal).
    pub conflicts: usize,
    pub sync: SyncState,
    /// Only cards passing this are placed in columns.
    pub filter: Option<ActiveFilter>,
    /// Undo history: each entry is one action (a batch of edits), newest last.
    pub undo: Vec<UndoBatch>,
    pub redo: Vec<UndoBatch>,
    /// The next batch id.
    pub next_batch: u64,
    pub batch_note: Option<BatchNote>,
    /// Named filters (`v`).
    pub views: Vec<(String, String)>,
    /// Light or dark terminal (`[ui] theme`).
    pub theme: crate::config::ThemeKind,
    /// Draw marks in ASCII (`NO_COLOR`, or a terminal that is not UTF-8).
    pub ascii_marks: bool,
    /// Triage suggestions and look-alikes (`None` until the learner first answers).
    pub learned: Option<std::sync::Arc<crate::learner::Learned>>,
    /// The triage queue in progress (`T`).
    pub triage: Option<crate::app::triage::TriageQueue>,
    /// Marked requests (Space, V): actions apply to all of them.
    pub marked: std::collections::BTreeSet<i64>,
    pub message: Option<Message>,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    /// The user's UTC offset: times are shown and days counted in it (UTC in tests).
    pub offset: chrono::FixedOffset,
    /// Terminal size, for paging and keeping the selection visible.
    pub viewport: (u16, u16),
    pub should_quit: bool,
    /// The first key of a sequence (`g`), waiting for the second; the which-key hint shows.
    pub pending_key: Option<crate::app::keymap::Key>,
}

impl AppState {
    pub fn new(
        workflow: Workflow,
        keymap: Keymap,
        data: BoardData,
        source: Source,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Self {
        let mut data = data;
        let cards = cards_from(
            &workflow,
            std::mem::take(&mut data.issues),
            &data.pending_by_issue,
            &data.conflicts,
        );
        AppState::with_cards(workflow, keymap, data, cards, source, now, today)
    }

    /// As `new`, with the cards already made (`card_on_board` for each of the board's
    /// requests); `data.issues` is not read.
    pub fn with_cards(
        workflow: Workflow,
        keymap: Keymap,
        data: BoardData,
        cards: Vec<Card>,
        source: Source,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Self {
        let mut state = AppState {
            workflow,
            keymap,
            search: Default::default(),
            cards,
            unloaded: Vec::new(),
            order: Vec::new(),
            columns: Vec::new(),
            focused_column: 0,
            focus: Focus::Board,
            groom_row: 0,
            overlay: None,
            retired_insight: None,
            pending_move: None,
            show_closed: true,
            milestones: data.milestones,
            members: data.members,
            source,
            last_synced_at: data.last_synced_at,
            pending_edits: data.pending_edits,
            conflicts: data.conflicts.len(),
            sync: SyncState::default(),
            filter: None,
            undo: Vec::new(),
            redo: Vec::new(),
            next_batch: 1,
            batch_note: None,
            triage: None,
            learned: None,
            views: Vec::new(),
            theme: crate::config::ThemeKind::Dark,
            ascii_marks: false,
            marked: std::collections::BTreeSet::new(),
            message: None,
            now,
            today,
            offset: chrono::Offset::fix(&Utc),
            viewport: (160, 48),
            should_quit: false,
            pending_key: None,
        };
        state.rebuild_columns();
        state
    }

    /// How many requests `column` holds, loaded or not (see `unloaded`).
    pub fn column_len(&self, column: &Column) -> usize {
        let unloaded = self
            .unloaded
            .iter()
            .find(|(placement, _)| *placement == column.placement)
            .map_or(0, |(_, n)| *n);
        column.cards.len() + unloaded
    }

    /// How many requests the board holds, loaded or not.
    pub fn request_count(&self) -> usize {
        self.cards.len() + self.unloaded.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// The mode whose keymap applies now.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Mode::Help,
            Some(Overlay::Detail(_)) => Mode::Detail,
            Some(Overlay::Insight(view)) => view.mode(),
            Some(Overlay::Picker(_)) => Mode::Picker,
            Some(Overlay::Confirm(_)) => Mode::Confirm,
            Some(Overlay::DateInput(_)) => Mode::Input,
            Some(Overlay::Filter(_)) => Mode::Filter,
            None => match self.focus {
                Focus::Board => Mode::Board,
                Focus::Grooming => Mode::Grooming,
            },
        }
    }

    /// Columns shown right now (closed ones may be hidden), as indices into `columns`.
    pub fn visible_columns(&self) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| match c.placement {
                Placement::State(i) => self.show_closed || !self.workflow.states[i].closed,
                Placement::Unlabelled => true,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Puts a message in the status bar.
    pub fn say(&mut self, tone: Tone, text: String) {
        self.message = Some(Message { text, tone });
    }

    /// The requests an action applies to: the marked ones, else the selected one.
    pub fn targets(&self) -> Vec<i64> {
        if self.marked.is_empty() {
            self.selected_card()
                .map(|c| c.record.id)
                .into_iter()
                .collect()
        } else {
            self.marked.iter().copied().collect()
        }
    }

    /// The card under the cursor, if the focused column has any.
    /// The suggestions for `card`'s empty fields (`field` 0 is the team, then the grooming
    /// pane's scoped fields in order).
    pub fn suggestions_for(&self, card: &Card) -> Vec<crate::learn::Suggestion> {
        self.learned.as_ref().map_or_else(Vec::new, |learned| {
            learned.suggestions_for(card.record.id, &card.record.facts.labels)
        })
    }

    /// The look-alikes of `card`, when it is in the first two states.
    pub fn look_alikes(&self, card: &Card) -> &[crate::learner::LookAlike] {
        self.learned
            .as_ref()
            .and_then(|l| l.similar.get(&card.record.id))
            .map_or(&[], Vec::as_slice)
    }

    pub fn selected_card(&self) -> Option<&Card> {
        let column = self.columns.get(self.focused_column)?;
        let index = *column.cards.get(column.selected)?;
        self.cards.get(index)
    }

    pub fn card_by_id(&self, id: i64) -> Option<&Card> {
        self.cards.iter().find(|c| c.record.id == id)
    }

    /// Replaces the board's data (after a sync), keeping the selection on the same requests.
    pub fn replace_data(&mut self, data: BoardData) {
        let selected = self.selection();
        self.cards = cards_from(
            &self.workflow,
            data.issues,
            &data.pending_by_issue,
            &data.conflicts,
        );
        self.milestones = data.milestones;
        self.members = data.members;
        self.last_synced_at = data.last_synced_at;
        self.pending_edits = data.pending_edits;
        self.conflicts = data.conflicts.len();
        self.search = Default::default();
        self.sort_order();
        self.rebuild_columns_keeping(selected);
    }
}

/// A request's card, with its local edits waiting and its conflict, if any; `memo` shares
/// classifications between the cards one thread makes.
pub fn card_on_board(
    workflow: &Workflow,
    record: IssueRecord,
    pending: &HashMap<i64, u32>,
    conflicts: &HashMap<i64, String>,
    memo: &mut ClassMemo,
) -> Card {
    let id = record.id;
    Card {
        class: memo.classify(workflow, &record.facts),
        record,
        pending: pending.get(&id).copied().unwrap_or(0),
        conflict: conflicts.get(&id).cloned(),
    }
}

pub(crate) fn cards_from(
    workflow: &Workflow,
    mut issues: Vec<IssueRecord>,
    pending: &HashMap<i64, u32>,
    conflicts: &HashMap<i64, String>,
) -> Vec<Card> {
    let build = |issues: Vec<IssueRecord>| -> Vec<Card> {
        let mut memo = ClassMemo::default();
        issues
            .into_iter()
            .map(|record| card_on_board(workflow, record, pending, conflicts, &mut memo))
            .collect()
    };
    // Classifying is pure: a large board is built on two threads.
    if issues.len() < PARALLEL_BUILD_FROM {
        return build(issues);
    }
    let upper = issues.split_off(issues.len() / 2);
    std::thread::scope(|scope| {
        let upper = scope.spawn(|| build(upper));
        let mut cards = Vec::with_capacity(issues.len() * 2 + 1);
        cards.extend(build(issues));
        cards.extend(
            upper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        cards
    })
}

/// From this many requests on, cards are built on two threads.
const PARALLEL_BUILD_FROM: usize = 2000;

/// The offset that keeps `selected` inside a window of `page` rows, moving as little as possible.
pub fn keep_visible(offset: usize, selected: usize, page: usize) -> usize {
    if selected < offset {
        selected
    } else if selected >= offset + page {
        selected + 1 - page
    } else {
        offset
    }
}

//! The app's whole state: cards, columns, selection, what is open on top, and the clock value
//! rendering uses (kept here so rendering never reads the clock and snapshots are stable).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::app::keymap::{Keymap, Mode};
use crate::store::{IssueRecord, Member};
use crate::workflow::{
    Classification, MilestoneInfo, MovePlan, Placement, UserRef, Workflow, classify,
};

/// A request on the board, with what the workflow derives from it.
#[derive(Debug, Clone)]
pub struct Card {
    pub record: IssueRecord,
    pub class: Classification,
    /// Local edits GitLab has not confirmed yet.
    pub pending: u32,
    /// Why an edit of this request waits in conflict with GitLab, if one does.
    pub conflict: Option<String>,
}

impl Card {
    pub fn new(wf: &Workflow, record: IssueRecord, pending: u32) -> Self {
        let class = classify(wf, &record.facts);
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

/// What a picker's choice means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickValue {
    State(usize),
    /// A scoped grooming field (by position in `GroomingFields::all`) and a value; `None` clears.
    Field(usize, Option<String>),
    Team(String),
    Milestone(Option<MilestoneInfo>),
    Assignee(Option<UserRef>),
    /// A named view's filter (`None`: no filter).
    View(Option<String>),
    /// A board action, from the command palette.
    Action(crate::app::keymap::Action),
    /// Close the request as a duplicate of this one (its full reference).
    DuplicateOf(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickOption {
    pub label: String,
    pub detail: String,
    pub current: bool,
    pub value: PickValue,
}

/// Why a picker is open: a direct edit, or a question of a move in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickPurpose {
    Edit,
    MoveAnswer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub purpose: PickPurpose,
    pub issue_id: i64,
    pub options: Vec<PickOption>,
    pub query: crate::app::text_field::TextField,
    /// Position in the filtered list.
    pub cursor: usize,
}

impl Picker {
    /// Options matching the query, best first: substring matches of the label, then of the
    /// detail, then fuzzy ones (the query's letters in order, like `cmpi` for Competitive
    /// Intelligence). Case-insensitive; the original order breaks ties.
    pub fn filtered(&self) -> Vec<&PickOption> {
        let query = self.query.value().to_lowercase();
        if query.is_empty() {
            return self.options.iter().collect();
        }
        let fuzzy = |text: &str| {
            let mut letters = text.chars();
            query.chars().all(|q| letters.any(|c| c == q))
        };
        let mut ranked: Vec<(u8, usize, &PickOption)> = self
            .options
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let label = o.label.to_lowercase();
                let rank = if label.contains(&query) {
                    0
                } else if o.detail.to_lowercase().contains(&query) {
                    1
                } else if fuzzy(&label) {
                    2
                } else {
                    return None;
                };
                Some((rank, i, o))
            })
            .collect();
        ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
        ranked.into_iter().map(|(_, _, o)| o).collect()
    }
}

/// What a yes/no question decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmPurpose {
    /// A question of a move in progress; "no" cancels the move.
    Move,
    /// A conflict: "yes" keeps the user's edit, "no" takes GitLab's; Esc decides later.
    Conflict { issue_id: i64 },
    /// `q` with marked cards.
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: String,
    /// The highlighted answer; starts at "no".
    pub yes_selected: bool,
    pub purpose: ConfirmPurpose,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateInput {
    pub issue_id: i64,
    pub text: crate::app::text_field::TextField,
    pub error: Option<String>,
}

/// A request's text and activity, read from the cache when its detail opens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailContent {
    pub description: Option<String>,
    /// Comments and system notes, oldest first.
    pub notes: Vec<crate::store::Note>,
    /// Label changes, oldest first.
    pub history: Vec<crate::store::LabelEvent>,
    /// URLs in the description and comments, numbered in the view.
    pub links: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub issue_id: i64,
    /// `None` while loading.
    pub content: Option<DetailContent>,
    /// System notes ("changed the due date") are shown dimmed, or hidden.
    pub show_system: bool,
    /// The link `o` and `y` act on (an index into `content.links`); `None`: the request itself.
    pub link: Option<usize>,
    pub scroll: u16,
}

impl Detail {
    pub fn new(issue_id: i64) -> Detail {
        Detail {
            issue_id,
            content: None,
            show_system: true,
            link: None,
            scroll: 0,
        }
    }

    /// The selected link, when one is.
    pub fn selected_link(&self) -> Option<&str> {
        let links = &self.content.as_ref()?.links;
        links.get(self.link?).map(String::as_str)
    }
}

/// The filter being typed (`/`): applied on every key press while it parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterInput {
    pub text: crate::app::text_field::TextField,
    pub error: Option<String>,
}

/// The filter in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveFilter {
    pub text: String,
    pub query: crate::app::query::Query,
    /// Cards that pass it.
    pub matching: usize,
    /// Free words looked up in the cached descriptions and comments (full-text search), with
    /// the requests whose text holds them; a word is absent until its answer arrives.
    pub text_hits: crate::app::query::TextHits,
    /// Words whose lookup is under way.
    pub searching: std::collections::BTreeSet<String>,
    /// The cards that passed when the filter was last applied (indices into `cards`, in
    /// board order), so a query that only grows can test these instead of every card.
    pub matched: crate::app::filtering::CardSet,
    /// Whether the full-text answer for the last free word was in when `matched` was made.
    pub last_word_hits_known: bool,
    /// Set when the query only grew from the previous one: test just these cards.
    pub narrow_from: Option<crate::app::filtering::CardSet>,
}

impl ActiveFilter {
    pub fn new(text: String, query: crate::app::query::Query) -> Self {
        ActiveFilter {
            text,
            query,
            matching: 0,
            text_hits: Default::default(),
            searching: Default::default(),
            matched: Default::default(),
            last_word_hits_known: false,
            narrow_from: None,
        }
    }

    /// Whether the last free word's full-text answer is known.
    fn last_word_hits_known(&self) -> bool {
        match self.query.terms.last().map(|t| &t.test) {
            Some(crate::app::query::Test::Text(word)) => self.text_hits.contains_key(word),
            _ => false,
        }
    }
}

/// What is open on top of the board.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// The standup (`S`) or flow (`F`) view.
    Insight(crate::app::insight::Insight),
    Filter(FilterInput),
    Help {
        mode: Mode,
        scroll: u16,
    },
    Detail(Detail),
    Picker(Picker),
    Confirm(Confirm),
    DateInput(DateInput),
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
    /// Every card's index in board order (priority, due date, reference), sorted when the
    /// cards change so that filtering never sorts.
    pub order: Vec<u32>,
    /// Every card's search text, by card index.
    pub search: crate::app::filtering::SearchTexts,
    pub columns: Vec<Column>,
    /// Index into `columns`.
    pub focused_column: usize,
    pub focus: Focus,
    pub groom_row: usize,
    pub overlay: Option<Overlay>,
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

/// The data a board is built from (what the store loads at start).
#[derive(Debug, Clone, Default)]
pub struct BoardData {
    pub issues: Vec<IssueRecord>,
    pub pending_by_issue: HashMap<i64, u32>,
    pub pending_edits: i64,
    pub milestones: Vec<MilestoneInfo>,
    pub members: Vec<Member>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Issues with an edit that waits for the user (a conflict or a refusal), and why.
    pub conflicts: HashMap<i64, String>,
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
        let cards = cards_from(
            &workflow,
            data.issues,
            &data.pending_by_issue,
            &data.conflicts,
        );
        let mut state = AppState {
            workflow,
            keymap,
            search: Default::default(),
            cards,
            order: Vec::new(),
            columns: Vec::new(),
            focused_column: 0,
            focus: Focus::Board,
            groom_row: 0,
            overlay: None,
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

    /// How many cards fit in a column at the current terminal height.
    pub fn cards_per_page(&self) -> usize {
        let body = self.viewport.1.saturating_sub(2 + 2) as usize;
        (body / crate::app::layout::CARD_HEIGHT as usize).max(1)
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

    /// Each column's selected request (by id) and position.
    fn selection(&self) -> Vec<(Placement, Option<i64>, usize)> {
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
        if self.search.len() != self.cards.len() {
            self.search = crate::app::filtering::SearchTexts::build(&self.cards);
        }
    }

    fn sort_order(&mut self) {
        let mut order: Vec<u32> = (0..self.cards.len() as u32).collect();
        order.sort_by_cached_key(|&i| sort_key(&self.cards[i as usize], &self.workflow));
        self.order = order;
    }

    fn rebuild_columns_keeping(&mut self, selected_ids: Vec<(Placement, Option<i64>, usize)>) {
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
        let matched = self.filter.as_ref().map(|filter| {
            let inputs = crate::app::filtering::FilterInputs {
                cards: &self.cards,
                texts: &self.search,
                query: &filter.query,
                workflow: &self.workflow,
                today: self.today,
                hits: &filter.text_hits,
            };
            crate::app::filtering::passing(&inputs, narrowed.as_ref())
        });
        for &index in &self.order {
            let index = index as usize;
            if matched.as_ref().is_some_and(|m| !m.contains(index)) {
                continue;
            }
            let Some(card) = self.cards.get(index) else {
                continue;
            };
            matching += 1;
            match card.class.placement {
                Placement::State(i) => columns[i].cards.push(index),
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
}

impl AppState {
    /// The first state column holding cards (the unlabelled column is for fixing, not a start).
    fn first_workflow_column(&self) -> usize {
        self.columns
            .iter()
            .position(|c| matches!(c.placement, Placement::State(_)) && !c.cards.is_empty())
            .unwrap_or(0)
    }
}

fn cards_from(
    workflow: &Workflow,
    mut issues: Vec<IssueRecord>,
    pending: &HashMap<i64, u32>,
    conflicts: &HashMap<i64, String>,
) -> Vec<Card> {
    let build = |issues: Vec<IssueRecord>| -> Vec<Card> {
        issues
            .into_iter()
            .map(|record| {
                let id = record.id;
                let mut card = Card::new(workflow, record, pending.get(&id).copied().unwrap_or(0));
                card.conflict = conflicts.get(&id).cloned();
                card
            })
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

/// Cards sort by priority (1 first, unknown and none last), then due date, then reference.
fn sort_key(card: &Card, wf: &Workflow) -> (usize, Option<NaiveDate>, bool, i64, i64) {
    let values = &wf.fields.priority.values;
    let priority = card
        .class
        .priority
        .as_ref()
        .and_then(|p| values.iter().position(|v| v == p))
        .unwrap_or(values.len());
    let due = card.record.facts.due_date;
    (
        priority,
        due,
        due.is_none(),
        card.record.project_id,
        card.record.iid,
    )
}

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

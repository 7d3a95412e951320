//! What can be open on top of the board (`Overlay`), and each one's state: pickers, yes/no
//! questions, the due-date input, the detail view, the filter being typed and the one in force.

use crate::app::keymap::Mode;
use crate::workflow::{MilestoneInfo, UserRef};

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
    /// Set when a full-text answer arrived: only these cards can have changed, the rest keep
    /// what `matched` says.
    pub retest: Option<crate::app::filtering::CardSet>,
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
            retest: None,
        }
    }

    /// Whether the last free word's full-text answer is known.
    pub(crate) fn last_word_hits_known(&self) -> bool {
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

//! The filter language, in GitLab's spirit: `team:pmm p:1 @alice state:backlog -dod:Y due:<7d
//! milestone:SM_Backlog label:"Partner Marketing" is:groomed` plus free words. Terms combine with
//! AND; `-` negates a term. Pure: parsing, and matching a card against a parsed query.

use chrono::NaiveDate;

use crate::app::dates::parse_due_date;
use crate::app::state::Card;
use crate::workflow::labels::values_of;
use crate::workflow::{Placement, Workflow};

/// When a due date matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueTest {
    /// Due on or before this day (`due:<7d`, `due:<2026-12-01`).
    Before(NaiveDate),
    /// Due on or after this day (`due:>3d`).
    After(NaiveDate),
    /// Past due (`due:overdue`).
    Overdue,
    /// No due date (`due:none`).
    None,
    /// Any due date (`due:any`).
    Any,
}

/// One condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    Team(String),
    /// A scoped field by key (`p`, `dod`, ...) and value.
    Field {
        key: String,
        value: String,
    },
    Assignee(String),
    State(usize),
    Unlabelled,
    Due(DueTest),
    Milestone(Option<String>),
    Label(String),
    Groomed,
    Anomaly,
    Pending,
    Conflict,
    Open,
    /// A free word: reference, title, labels, assignees (case-insensitive).
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub test: Test,
}

/// Requests whose description or comments hold a free word, by word (from the cache's
/// full-text index; the board's own text is matched directly).
pub type TextHits = std::collections::HashMap<String, std::collections::HashSet<i64>>;

/// Free words shorter than this are not looked up in descriptions and comments (as prefixes
/// they would match nearly everything).
pub const MIN_TEXT_SEARCH: usize = 3;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

const KEYS_HELP: &str = "team:, p:, dod:, eteam:, ucase:, gtm:, @user, state:, due:, milestone:, \
                         label:, is:groomed|anomaly|pending|conflict|open";

/// Splits on spaces, keeping `"quoted phrases"` together (quotes removed).
fn words(input: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err("a quote is not closed: add the closing \"".into());
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}

fn parse_due(value: &str, today: NaiveDate) -> Result<DueTest, String> {
    let lower = value.to_lowercase();
    match lower.as_str() {
        "overdue" | "late" => return Ok(DueTest::Overdue),
        "none" => return Ok(DueTest::None),
        "any" => return Ok(DueTest::Any),
        _ => {}
    }
    let (make, rest): (fn(NaiveDate) -> DueTest, &str) = if let Some(rest) = lower.strip_prefix('<')
    {
        (DueTest::Before, rest)
    } else if let Some(rest) = lower.strip_prefix('>') {
        (DueTest::After, rest)
    } else {
        (DueTest::Before, lower.as_str())
    };
    // `<7d` means "within 7 days": the relative forms of the date input, with `+` implied.
    let relative = if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) && !rest.contains('-')
    {
        format!("+{rest}")
    } else {
        rest.to_string()
    };
    match parse_due_date(&relative, today) {
        Ok(Some(day)) => Ok(make(day)),
        _ => Err(format!(
            "`due:{value}` is not understood: use due:<7d, due:>3d, due:<2026-12-01, due:overdue, due:none"
        )),
    }
}

/// Checks that the config's named views (`[views]`) parse: a broken one is an error when the
/// config is loaded, not a surprise at the key press.
pub fn check_views(config: &crate::config::Config) -> Result<(), crate::config::ConfigError> {
    let any_day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    for (name, query) in &config.views {
        parse(query, &config.workflow, any_day).map_err(|e| {
            crate::config::ConfigError::Invalid {
                path: config.file.clone().unwrap_or_default(),
                message: format!("[views] \"{name}\": {e}"),
            }
        })?;
    }
    Ok(())
}

/// Parses a filter. Errors say what was wrong and what is accepted.
pub fn parse(input: &str, wf: &Workflow, today: NaiveDate) -> Result<Query, String> {
    let field_keys: Vec<String> = wf.fields.all().iter().map(|f| f.key.clone()).collect();
    let mut terms = Vec::new();
    for word in words(input)? {
        let (negated, word) = match word.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest.to_string()),
            _ => (false, word),
        };
        let test = if let Some(user) = word.strip_prefix('@') {
            Test::Assignee(user.to_lowercase())
        } else if let Some((key, value)) = word.split_once(':').filter(|(_, v)| !v.starts_with(':'))
        {
            let key = key.to_lowercase();
            if value.is_empty() {
                return Err(format!("`{key}:` needs a value, like {key}:something"));
            }
            match key.as_str() {
                "team" => Test::Team(value.to_lowercase()),
                "state" | "s" => match value.to_lowercase().as_str() {
                    "unlabelled" | "none" => Test::Unlabelled,
                    _ => Test::State(wf.parse_state(value).ok_or_else(|| {
                        format!("unknown state `{value}`; states: {}", wf.state_names())
                    })?),
                },
                "due" => Test::Due(parse_due(value, today)?),
                "milestone" | "m" => Test::Milestone(
                    (!value.eq_ignore_ascii_case("none")).then(|| value.to_lowercase()),
                ),
                "label" | "l" => Test::Label(value.to_string()),
                "is" => match value.to_lowercase().as_str() {
                    "groomed" => Test::Groomed,
                    "anomaly" | "anomalies" => Test::Anomaly,
                    "pending" => Test::Pending,
                    "conflict" => Test::Conflict,
                    "open" => Test::Open,
                    other => {
                        return Err(format!(
                            "`is:{other}` is not a thing: use is:groomed, is:anomaly, is:pending, \
                             is:conflict or is:open"
                        ));
                    }
                },
                k if field_keys.iter().any(|f| f == k) => Test::Field {
                    key: k.to_string(),
                    value: value.to_string(),
                },
                "priority" => Test::Field {
                    key: wf.fields.priority.key.clone(),
                    value: value.to_string(),
                },
                other => return Err(format!("unknown filter `{other}:`; filters: {KEYS_HELP}")),
            }
        } else {
            // A scoped label typed as is (`p::1`) or a free word.
            Test::Text(word.to_lowercase())
        };
        terms.push(Term { negated, test });
    }
    Ok(Query { terms })
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Does `card` pass every term? A free word passes on the card's own text or on `hits`.
    /// `text` is the card's search text (`filtering::write_search_text`).
    pub fn matches(
        &self,
        card: &Card,
        text: &str,
        wf: &Workflow,
        today: NaiveDate,
        hits: &TextHits,
    ) -> bool {
        let holds = |word: &str| {
            own_text_matches(text, word)
                || hits
                    .get(word)
                    .is_some_and(|ids| ids.contains(&card.record.id))
        };
        self.matches_by(card, &holds, wf, today)
    }

    /// As `matches`, with whether the card holds a free word (in its own text or its
    /// description and comments) answered by `holds` (the filter's one-pass answers).
    pub fn matches_by(
        &self,
        card: &Card,
        holds: &dyn Fn(&str) -> bool,
        wf: &Workflow,
        today: NaiveDate,
    ) -> bool {
        self.terms
            .iter()
            .all(|term| term.negated != test(&term.test, card, holds, wf, today))
    }

    /// Every free word, negated or not.
    pub fn free_words(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().filter_map(|t| match &t.test {
            Test::Text(word) => Some(word.as_str()),
            _ => None,
        })
    }

    /// The free words worth a full-text lookup.
    pub fn text_words(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().filter_map(|t| match &t.test {
            Test::Text(word) if word.chars().count() >= MIN_TEXT_SEARCH => Some(word.as_str()),
            _ => None,
        })
    }
}

fn test(
    test: &Test,
    card: &Card,
    holds: &dyn Fn(&str) -> bool,
    wf: &Workflow,
    today: NaiveDate,
) -> bool {
    let facts = &card.record.facts;
    match test {
        Test::Team(team) => {
            card.class
                .team
                .as_ref()
                .is_some_and(|t| t.to_lowercase() == *team)
                || facts
                    .labels
                    .iter()
                    .any(|l| wf.is_team(l) && l.to_lowercase() == *team)
        }
        Test::Field { key, value } => values_of(&facts.labels, key)
            .iter()
            .any(|v| v.eq_ignore_ascii_case(value)),
        Test::Assignee(user) => facts
            .assignees
            .iter()
            .any(|a| a.username.to_lowercase() == *user),
        Test::State(i) => card.class.placement == Placement::State(*i),
        Test::Unlabelled => card.class.placement == Placement::Unlabelled,
        Test::Due(due) => match (due, facts.due_date) {
            (DueTest::None, d) => d.is_none(),
            (DueTest::Any, d) => d.is_some(),
            (DueTest::Overdue, Some(d)) => d < today && facts.open,
            (DueTest::Before(limit), Some(d)) => d <= *limit,
            (DueTest::After(limit), Some(d)) => d >= *limit,
            (_, None) => false,
        },
        Test::Milestone(None) => facts.milestone.is_none(),
        Test::Milestone(Some(title)) => facts
            .milestone
            .as_ref()
            .is_some_and(|m| m.title.to_lowercase() == *title),
        Test::Label(label) => facts.labels.iter().any(|l| l.eq_ignore_ascii_case(label)),
        Test::Groomed => card.class.groomed,
        Test::Anomaly => !card.class.anomalies.is_empty(),
        Test::Pending => card.pending > 0,
        Test::Conflict => card.conflict.is_some(),
        Test::Open => facts.open,
        Test::Text(word) => holds(word),
    }
}

/// Whether a card's own search text holds a free word: as a substring or a fuzzy spelling.
pub fn own_text_matches(text: &str, word: &str) -> bool {
    text.contains(word) || fuzzy_word(text, word)
}

/// Fuzzy, for typos and abbreviations: `word` (3+ letters) is spelled, in order, inside one word
/// of `text` that starts with the same letter (`bttlcrd` finds "battlecard", `wbnr` "webinar").
/// Holding to one word that starts alike keeps a short query from matching everything.
fn fuzzy_word(text: &str, word: &str) -> bool {
    let Some((first, rest)) = fuzzy_parts(word) else {
        return false;
    };
    // Jump between the first letter's places (memchr underneath) instead of walking every
    // token.
    text.match_indices(first)
        .any(|(at, _)| fuzzy_at(text, at, first.len_utf8(), rest))
}

/// A word's first letter and the rest, when the word is long enough to be spelled fuzzily.
pub(crate) fn fuzzy_parts(word: &str) -> Option<(char, &str)> {
    let mut letters = word.chars();
    let first = letters.next()?;
    (first.is_alphanumeric() && word.chars().count() >= MIN_TEXT_SEARCH)
        .then_some((first, letters.as_str()))
}

/// Whether the first letter found at byte `at` of `text` (`first_len` bytes long) starts a
/// token of `text` that spells `rest` in order.
pub(crate) fn fuzzy_at(text: &str, at: usize, first_len: usize, rest: &str) -> bool {
    let starts_token = text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    if !starts_token {
        return false;
    }
    let mut wanted = rest.chars().peekable();
    for c in text[at + first_len..].chars() {
        if wanted.peek().is_none() || !c.is_alphanumeric() {
            break;
        }
        if wanted.peek() == Some(&c) {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;

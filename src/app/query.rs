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
        self.terms
            .iter()
            .all(|term| term.negated != test(&term.test, card, text, wf, today, hits))
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
    text: &str,
    wf: &Workflow,
    today: NaiveDate,
    hits: &TextHits,
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
        Test::Text(word) => {
            text.contains(word.as_str())
                || fuzzy_word(text, word)
                || hits
                    .get(word)
                    .is_some_and(|ids| ids.contains(&card.record.id))
        }
    }
}

/// Fuzzy, for typos and abbreviations: `word` (3+ letters) is spelled, in order, inside one word
/// of `text` that starts with the same letter (`bttlcrd` finds "battlecard", `wbnr` "webinar").
/// Holding to one word that starts alike keeps a short query from matching everything.
fn fuzzy_word(text: &str, word: &str) -> bool {
    let mut letters = word.chars();
    let Some(first) = letters.next() else {
        return false;
    };
    let rest = letters.as_str();
    if !first.is_alphanumeric() || word.chars().count() < MIN_TEXT_SEARCH {
        return false;
    }
    // Jump between the first letter's places (memchr underneath) instead of walking every
    // token: this runs over every card on a filter key.
    text.match_indices(first).any(|(at, _)| {
        let starts_token = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if !starts_token {
            return false;
        }
        let mut wanted = rest.chars().peekable();
        for c in text[at + first.len_utf8()..].chars() {
            if !c.is_alphanumeric() {
                break;
            }
            if wanted.peek() == Some(&c) {
                wanted.next();
                if wanted.peek().is_none() {
                    return true;
                }
            }
        }
        wanted.peek().is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::IssueRecord;

    #[test]
    fn a_view_that_does_not_parse_is_a_config_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        let load = |text: &str| {
            std::fs::write(&file, text).unwrap();
            crate::config::load(&crate::config::Overrides {
                config: Some(file.clone()),
                ..Default::default()
            })
            .unwrap()
        };
        let good = load("[views]\n\"my backlog\" = \"state:backlog team:pmm\"\n");
        assert!(check_views(&good).is_ok());
        let err = check_views(&load("[views]\nbroken = \"state:nowhere\"\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[views] \"broken\"") && err.contains("unknown state"),
            "{err}"
        );
        assert!(err.contains("config.toml"), "{err}");
    }
    use crate::workflow::{IssueFacts, MilestoneRef, UserRef};
    use chrono::{TimeZone, Utc};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn card(labels: &[&str], due: Option<(u32, u32)>) -> Card {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let record = IssueRecord {
            id: 1,
            iid: 42,
            project_id: 1,
            reference: "g/p#42".into(),
            title: "Battlecard for Partner launch".into(),
            facts: IssueFacts {
                labels: labels
                    .iter()
                    .map(|s| crate::workflow::Label::from(*s))
                    .collect(),
                open: true,
                milestone: Some(MilestoneRef {
                    id: 1,
                    title: "SM_Backlog".into(),
                }),
                assignees: vec![UserRef {
                    id: 1,
                    username: "alice".into(),
                    name: "Alice".into(),
                }],
                due_date: due.and_then(|(m, d)| NaiveDate::from_ymd_opt(2026, m, d)),
            },
            author: None,
            created_at: at,
            updated_at: at,
            closed_at: None,
            web_url: String::new(),
            state_since: None,
            confidential: false,
        };
        Card::new(&Workflow::default(), record, 0)
    }

    fn q(text: &str) -> Query {
        parse(text, &Workflow::default(), today()).unwrap()
    }

    fn text_of(card: &Card) -> String {
        let mut text = String::new();
        crate::app::filtering::write_search_text(&mut text, &card.record);
        text
    }

    fn hit(text: &str, card: &Card) -> bool {
        q(text).matches(
            card,
            &text_of(card),
            &Workflow::default(),
            today(),
            &TextHits::new(),
        )
    }

    /// The fuzzy test as first written (every token walked): the fast one must agree.
    fn fuzzy_by_tokens(text: &str, word: &str) -> bool {
        let Some(first) = word.chars().next() else {
            return false;
        };
        if word.chars().count() < MIN_TEXT_SEARCH {
            return false;
        }
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|token| token.starts_with(first))
            .any(|token| {
                let mut wanted = word.chars().skip(1).peekable();
                for c in token.chars().skip(1) {
                    if wanted.peek() == Some(&c) {
                        wanted.next();
                    }
                }
                wanted.peek().is_none()
            })
    }

    #[test]
    fn the_fast_fuzzy_test_agrees_with_walking_every_token() {
        let texts = [
            "#42 battlecard for partner launch sm_req::backlog @alice",
            "#7 pp-partner: ppar éclair über-partner p",
            "#1 x",
            "",
            "#9 webinar wbnr w-e-b-i-n-a-r",
        ];
        let words = [
            "par", "ppar", "prtnr", "bttlcrd", "wbnr", "web", "ecl", "écl", "übr", "#42", "p::",
            "xyz", "pr", "partnerr", "sm_", "req",
        ];
        for text in texts {
            for word in words {
                assert_eq!(
                    fuzzy_word(text, word),
                    fuzzy_by_tokens(text, word),
                    "{word:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn free_words_forgive_typos_within_one_word() {
        let c = card(&["sm_req::backlog"], None);
        // The card's title: "Battlecard for Partner launch".
        assert!(hit("bttlcrd", &c));
        assert!(hit("prtnr", &c));
        assert!(!hit("attlecard-x", &c));
        // Letters spread over two words, or a different first letter, do not match.
        assert!(!hit("bfp", &c));
        assert!(!hit("ttlcrd", &c));
    }

    #[test]
    fn a_free_word_also_matches_through_full_text_hits() {
        let c = card(&["sm_req::backlog"], None);
        assert!(!hit("kubernetes", &c));
        let hits = TextHits::from([("kubernetes".to_string(), [c.record.id].into())]);
        let text = text_of(&c);
        assert!(q("kubernetes").matches(&c, &text, &Workflow::default(), today(), &hits));
        assert!(!q("-kubernetes").matches(&c, &text, &Workflow::default(), today(), &hits));
        // Short words are not looked up (as prefixes they match nearly everything).
        assert_eq!(
            q("ab kubernetes p:1").text_words().collect::<Vec<_>>(),
            ["kubernetes"]
        );
    }

    #[test]
    fn the_issue_s_example_query_parses_term_by_term() {
        let query = q(
            r#"team:pmm p:1 @username state:backlog -dod:Y due:<7d milestone:SM_Backlog label:"Partner Marketing""#,
        );
        assert_eq!(query.terms.len(), 8);
        assert_eq!(
            query.terms[4],
            Term {
                negated: true,
                test: Test::Field {
                    key: "dod".into(),
                    value: "Y".into()
                }
            }
        );
        assert_eq!(query.terms[7].test, Test::Label("Partner Marketing".into()));
        assert_eq!(
            query.terms[5].test,
            Test::Due(DueTest::Before(
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
            ))
        );
    }

    #[test]
    fn terms_combine_with_and_and_minus_negates() {
        let c = card(
            &["sm_req::backlog", "pmm", "p::1", "dod::N"],
            Some((11, 25)),
        );
        assert!(hit("team:pmm p:1 state:backlog -dod:Y @alice", &c));
        assert!(!hit("team:pmm p:2", &c));
        assert!(!hit("-team:pmm", &c));
        assert!(hit("milestone:sm_backlog", &c));
        assert!(!hit("milestone:none", &c));
    }

    #[test]
    fn due_dates_filter_relative_and_absolute() {
        let soon = card(&["sm_req::assigned"], Some((11, 26)));
        let late = card(&["sm_req::assigned"], Some((11, 20)));
        let none = card(&["sm_req::assigned"], None);
        assert!(hit("due:<7d", &soon) && !hit("due:<2d", &soon));
        assert!(hit("due:overdue", &late) && !hit("due:overdue", &soon));
        assert!(hit("due:none", &none) && !hit("due:none", &soon));
        assert!(hit("due:>2026-11-25", &soon) && !hit("due:>2026-11-25", &late));
    }

    #[test]
    fn free_words_search_reference_title_labels_and_people() {
        let c = card(&["sm_req::triage", "Partner Marketing"], None);
        assert!(hit("battle", &c));
        assert!(hit("#42", &c));
        assert!(hit("partner marketing", &c));
        assert!(hit("alice", &c));
        assert!(!hit("webinar", &c));
    }

    #[test]
    fn is_terms_read_the_card_s_marks() {
        let c = card(&["sm_req::backlog", "p::1", "p::2"], None);
        assert!(hit("is:anomaly", &c));
        assert!(!hit("is:groomed", &c));
        assert!(hit("is:open -is:pending", &c));
        assert!(hit("state:unlabelled", &card(&["sm_request"], None)));
    }

    #[test]
    fn mistakes_are_explained() {
        let wf = Workflow::default();
        let err = |text: &str| parse(text, &wf, today()).unwrap_err();
        assert!(err("colour:red").contains("unknown filter `colour:`"));
        assert!(err("state:doing").contains("states: new_request, triage"));
        assert!(err("due:someday").contains("due:<7d"));
        assert!(err("label:\"Partner").contains("quote is not closed"));
        assert!(err("is:happy").contains("is:groomed"));
        assert!(err("team:").contains("needs a value"));
    }

    #[test]
    fn scoped_labels_typed_whole_are_words_not_filters() {
        let c = card(&["p::1"], None);
        assert!(hit("p::1", &c));
        assert!(!hit("p::2", &c));
    }
}

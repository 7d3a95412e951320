//! The standup report (`sm-board status`, and `y` in the standup view) — counts per state, what moved since
//! the last standup, what came in, who holds what, what needs grooming, what is overdue or due
//! soon, what waits longest and the backlog's trend — as a table, markdown or JSON. Offline by
//! construction: it only reads the cache, and says how old the cache is.

use std::fmt::Write as _;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use crate::cli::StatusFormat;
use crate::metrics::standup::{Load, RequestLine};
use crate::metrics::{Clock, Standup};
use crate::store::BoardData;
use crate::workflow::{Placement, Workflow, classify};

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ColumnCount {
    pub state: String,
    /// `null` for the unlabelled column.
    pub label: Option<String>,
    pub count: usize,
}

/// The summary (`status --format json` prints exactly this).
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub columns: Vec<ColumnCount>,
    pub total: usize,
    pub pending_edits: i64,
    pub last_synced_at: Option<String>,
    /// Open requests that are not groomed.
    pub needs_grooming: usize,
    /// Requests with an anomaly (no state, two values of a key, ...).
    pub anomalies: usize,
}

pub fn summarize(wf: &Workflow, data: &BoardData) -> Summary {
    let mut counts = vec![0usize; wf.states.len()];
    let (mut unlabelled, mut needs_grooming, mut anomalies) = (0, 0, 0);
    for issue in &data.issues {
        let class = classify(wf, &issue.facts);
        match class.placement {
            Placement::State(i) => counts[i] += 1,
            Placement::Unlabelled => unlabelled += 1,
        }
        if issue.facts.open && !class.groomed {
            needs_grooming += 1;
        }
        if !class.anomalies.is_empty() {
            anomalies += 1;
        }
    }
    let mut columns: Vec<ColumnCount> = wf
        .states
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, (state, count))| ColumnCount {
            state: state.name.clone(),
            label: wf.state_label(i),
            count,
        })
        .collect();
    if unlabelled > 0 {
        columns.push(ColumnCount {
            state: "unlabelled".into(),
            label: None,
            count: unlabelled,
        });
    }
    Summary {
        columns,
        total: data.issues.len(),
        pending_edits: data.pending_edits,
        last_synced_at: data.last_synced_at.map(|t| t.to_rfc3339()),
        needs_grooming,
        anomalies,
    }
}

/// `status --format json`: the DESIGN.md contract (the summary's fields) plus the standup's
/// sections.
#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub summary: Summary,
    /// Seconds since the last sync (`null`: never synced).
    pub cache_age_seconds: Option<i64>,
    #[serde(flatten)]
    pub standup: Standup,
}

/// `--since`: `2026-11-20` (that day's midnight, local), an RFC 3339 time, or `3d` / `36h` ago.
pub fn parse_since(text: &str, clock: &Clock) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(clock.start_of(date));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    match (number.parse::<u32>(), unit) {
        (Ok(n), "d") => Ok(clock.start_of(
            clock
                .today()
                .checked_sub_days(Days::new(u64::from(n)))
                .unwrap_or(clock.today()),
        )),
        (Ok(n), "h") => Ok(clock.now - chrono::Duration::hours(i64::from(n))),
        _ => Err(format!(
            "--since {text:?}: use a date (2026-11-20), an RFC 3339 time, or 3d / 36h ago"
        )),
    }
}

fn age_words(report: &Report) -> String {
    match (&report.summary.last_synced_at, report.cache_age_seconds) {
        (Some(at), Some(age)) => {
            format!("cache synced {} ({at})", crate::text::age(age))
        }
        _ => "never synced: these are cached or demo data".to_string(),
    }
}

/// Everything `status` shows, from the cache's requests and label events.
pub fn report(
    wf: &Workflow,
    data: &BoardData,
    events: &[crate::store::LabelEvent],
    clock: Clock,
    since: DateTime<Utc>,
) -> Report {
    let histories = crate::metrics::histories(wf, &data.issues, events);
    let inputs = crate::metrics::Inputs {
        wf,
        issues: &data.issues,
        histories: &histories,
        clock,
    };
    Report {
        summary: summarize(wf, data),
        cache_age_seconds: data
            .last_synced_at
            .map(|t| (clock.now - t).num_seconds().max(0)),
        standup: crate::metrics::standup(&inputs, since),
    }
}

/// ANSI emphasis, only when printing to a terminal that wants colour.
struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn heading(&self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn warn(&self, text: &str) -> String {
        self.wrap("31", text)
    }
    fn dim(&self, text: &str) -> String {
        self.wrap("2", text)
    }
}

/// GitLab text inside a markdown list item: characters that would start markup are escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A request's title as shown, or `(confidential)` where confidential titles are left out.
fn title_shown(title: &str, confidential: bool, include_confidential: bool) -> String {
    if confidential && !include_confidential {
        "(confidential)".to_string()
    } else {
        crate::text::clean_line(title).into_owned()
    }
}

fn short(line: &RequestLine, include_confidential: bool) -> String {
    format!(
        "#{} {}",
        line.iid,
        title_shown(&line.title, line.confidential, include_confidential)
    )
}

fn loads(loads: &[Load]) -> Vec<String> {
    loads
        .iter()
        .map(|l| {
            let states: Vec<String> = l.by_state.iter().map(|(s, n)| format!("{s} {n}")).collect();
            format!(
                "{}: {} ({})",
                crate::text::clean_line(&l.name),
                l.total,
                states.join(", ")
            )
        })
        .collect()
}

/// One line of a standup section: its text, and the request it names (if it names one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub items: Vec<Item>,
}

/// The standup as sections of lines, shared by the table and markdown formats and the TUI's
/// standup view. Titles are cleaned of control characters; confidential ones are shown only with
/// `include_confidential`.
pub fn sections(standup: &Standup, clock: &Clock, include_confidential: bool) -> Vec<Section> {
    let s = standup;
    let since = s
        .since
        .with_timezone(&clock.offset)
        .format("%a %Y-%m-%d %H:%M");
    let about = |id: i64, text: String| Item { id: Some(id), text };
    let moved = s
        .moved
        .iter()
        .map(|m| {
            about(
                m.id,
                format!(
                    "#{} {} -> {}{}  {}",
                    m.iid,
                    m.from.as_deref().unwrap_or("(none)"),
                    m.to,
                    m.by.as_deref()
                        .map(|b| format!(" ({})", crate::text::clean_line(b)))
                        .unwrap_or_default(),
                    title_shown(&m.title, m.confidential, include_confidential)
                ),
            )
        })
        .collect();
    let list = |lines: &[RequestLine], with_note: bool| -> Vec<Item> {
        lines
            .iter()
            .map(|l| {
                let text = if with_note {
                    format!("{}  ({})", short(l, include_confidential), l.note)
                } else {
                    short(l, include_confidential)
                };
                about(l.id, text)
            })
            .collect()
    };
    let oldest = s
        .oldest
        .iter()
        .flat_map(|o| {
            o.requests.iter().map(move |r| {
                about(
                    r.id,
                    format!(
                        "{}: {}  ({})",
                        o.state,
                        short(r, include_confidential),
                        r.note
                    ),
                )
            })
        })
        .collect();
    let plain = |lines: Vec<String>| -> Vec<Item> {
        lines
            .into_iter()
            .map(|text| Item { id: None, text })
            .collect()
    };
    let trend = s
        .backlog_trend
        .iter()
        .map(|p| format!("{} {}", p.date.format("%m-%d"), p.count))
        .collect::<Vec<_>>()
        .join(" → ");
    let section = |heading: &str, items: Vec<Item>| Section {
        heading: heading.to_string(),
        items,
    };
    vec![
        section(&format!("Moved since {since}"), moved),
        section("New requests", list(&s.new_requests, false)),
        section("Overdue", list(&s.overdue, true)),
        section("Due within 7 days", list(&s.due_soon, true)),
        section("Work in progress by team", plain(loads(&s.wip_by_team))),
        section(
            "Work in progress by assignee",
            plain(loads(&s.wip_by_assignee)),
        ),
        section("Needs grooming", list(&s.grooming_queue, false)),
        section("Waiting longest", oldest),
        section("Backlog, last 4 weeks", plain(vec![trend])),
    ]
}

/// The report as text. The table is for the reader's own terminal and shows every title;
/// markdown, made to be pasted elsewhere, leaves confidential titles out unless
/// `include_confidential`; json carries each request's `confidential` flag.
pub fn render(
    report: &Report,
    format: StatusFormat,
    clock: &Clock,
    tty: bool,
    include_confidential: bool,
) -> String {
    let summary = &report.summary;
    let mut out = String::new();
    match format {
        StatusFormat::Json => {
            // Escaped, not cleaned: scripts get the data, terminals get nothing raw.
            return crate::sanitize::json(
                serde_json::to_string_pretty(report)
                    .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
            );
        }
        StatusFormat::Table => {
            let paint = Paint { on: tty };
            let width = summary
                .columns
                .iter()
                .map(|c| c.state.len())
                .max()
                .unwrap_or(5)
                .max(5);
            for column in &summary.columns {
                let _ = writeln!(out, "{:<width$}  {:>5}", column.state, column.count);
            }
            let _ = writeln!(out, "{:<width$}  {:>5}", "total", summary.total);
            let _ = writeln!(
                out,
                "\nneeds grooming: {}   anomalies: {}   pending edits: {}   {}",
                summary.needs_grooming,
                summary.anomalies,
                summary.pending_edits,
                paint.dim(&age_words(report))
            );
            for section in sections(&report.standup, clock, true) {
                let _ = writeln!(out, "\n{}", paint.heading(&section.heading));
                if section.items.is_empty() {
                    let _ = writeln!(out, "  {}", paint.dim("none"));
                }
                for item in section.items {
                    let shown = if section.heading == "Overdue" {
                        paint.warn(&item.text)
                    } else {
                        item.text
                    };
                    let _ = writeln!(out, "  {shown}");
                }
            }
        }
        StatusFormat::Markdown => {
            out.push_str("| state | requests |\n|---|---:|\n");
            for column in &summary.columns {
                let _ = writeln!(out, "| {} | {} |", column.state, column.count);
            }
            let _ = writeln!(out, "| **total** | **{}** |\n", summary.total);
            let _ = writeln!(
                out,
                "Needs grooming: {} · anomalies: {} · pending edits: {} · {}",
                summary.needs_grooming,
                summary.anomalies,
                summary.pending_edits,
                age_words(report)
            );
            for section in sections(&report.standup, clock, include_confidential) {
                let _ = writeln!(out, "\n### {}\n", section.heading);
                if section.items.is_empty() {
                    let _ = writeln!(out, "_none_");
                }
                for item in section.items {
                    // Titles are GitLab text: keep them from turning into markup.
                    let _ = writeln!(out, "- {}", escape_markdown(&item.text));
                }
            }
        }
    }
    out
}

//! `sm-board status`: the board's counts from the cache, as a table, markdown or JSON.
//! Offline by construction: it only reads the cache.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::BoardData;
use crate::cli::StatusFormat;
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

fn synced_words(summary: &Summary, now: DateTime<Utc>) -> String {
    match summary
        .last_synced_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
    {
        Some(at) => format!(
            "last synced {} ({})",
            crate::ui::status::age((now - at.with_timezone(&Utc)).num_seconds()),
            at.to_rfc3339()
        ),
        None => "never synced".to_string(),
    }
}

pub fn render(summary: &Summary, format: StatusFormat, now: DateTime<Utc>) -> String {
    match format {
        StatusFormat::Json => serde_json::to_string_pretty(summary)
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
        StatusFormat::Table => {
            let width = summary
                .columns
                .iter()
                .map(|c| c.state.len())
                .max()
                .unwrap_or(5)
                .max(5);
            let mut out = String::new();
            for column in &summary.columns {
                out.push_str(&format!("{:<width$}  {:>5}\n", column.state, column.count));
            }
            out.push_str(&format!("{:<width$}  {:>5}\n", "total", summary.total));
            out.push_str(&format!(
                "\nneeds grooming: {}   anomalies: {}   pending edits: {}   {}\n",
                summary.needs_grooming,
                summary.anomalies,
                summary.pending_edits,
                synced_words(summary, now)
            ));
            out
        }
        StatusFormat::Markdown => {
            let mut out = String::from("| state | requests |\n|---|---:|\n");
            for column in &summary.columns {
                out.push_str(&format!("| {} | {} |\n", column.state, column.count));
            }
            out.push_str(&format!("| **total** | **{}** |\n\n", summary.total));
            out.push_str(&format!(
                "Needs grooming: {} · anomalies: {} · pending edits: {} · {}\n",
                summary.needs_grooming,
                summary.anomalies,
                summary.pending_edits,
                synced_words(summary, now)
            ));
            out
        }
    }
}

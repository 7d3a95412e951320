//! `sm-board suggest` and `sm-board similar`: triage suggestions learned from the cache, and
//! possible duplicates, offline. Text from GitLab (titles) is cleaned for the table and escaped
//! in json, like every other output.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::ListFormat;
use crate::learn::{self, Doc, Suggester, evaluate::FieldScore, similar};
use crate::sanitize::clean_line;
use crate::store::{Store, StoreError};
use crate::workflow::Workflow;

/// Every cached request as the models read it.
pub fn load_docs(store: &Store) -> Result<Vec<Doc>, StoreError> {
    learn::load_docs(store.conn())
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn json<T: Serialize>(value: &T) -> String {
    crate::sanitize::json(
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
    )
}

/// The `--evaluate` report.
pub fn evaluation(wf: &Workflow, docs: &[Doc], format: ListFormat) -> String {
    let scores: Vec<FieldScore> = learn::evaluate::evaluate(wf, docs);
    if format == ListFormat::Json {
        return json(&serde_json::json!({
            "requests": docs.len(),
            "train_share": learn::evaluate::TRAIN_SHARE,
            "threshold": learn::THRESHOLD,
            "fields": scores,
        }));
    }
    let mut out = format!(
        "{} requests: trained on the oldest {}, tested on the newest {}; suggestions shown at {} or more\n\n",
        docs.len(),
        percent(learn::evaluate::TRAIN_SHARE),
        percent(1.0 - learn::evaluate::TRAIN_SHARE),
        percent(learn::THRESHOLD)
    );
    out.push_str(&format!(
        "{:<12} {:>7} {:>9} {:>9} {:>9} {:>14}\n",
        "field", "tested", "accuracy", "baseline", "coverage", "right if shown"
    ));
    for s in &scores {
        out.push_str(&format!(
            "{:<12} {:>7} {:>9} {:>9} {:>9} {:>14}\n",
            s.field,
            s.tested,
            percent(s.accuracy),
            percent(s.baseline),
            percent(s.coverage),
            if !s.suggested {
                "not suggested".into()
            } else if s.coverage > 0.0 {
                percent(s.accuracy_shown)
            } else {
                "-".into()
            }
        ));
    }
    if scores.is_empty() {
        out.push_str("(no field has decided requests on both sides of the split yet)\n");
    }
    out.push_str(
        "\naccuracy: the best guess is right; baseline: always the most common value;\n\
         coverage: share confident enough to be shown; a field whose guesses do not beat the\n\
         baseline on the older requests' own newest part is not suggested at all.\n",
    );
    out
}

/// The suggestions for one request.
pub fn suggestions(wf: &Workflow, docs: &[Doc], target: &Doc, format: ListFormat) -> String {
    let suggester = Suggester::train(wf, docs);
    let shown = suggester.suggest(target);
    if format == ListFormat::Json {
        let list: Vec<serde_json::Value> = shown
            .iter()
            .map(|s| {
                serde_json::json!({"field": s.field_name, "value": s.value, "label": s.label,
                                   "confidence": (s.confidence * 100.0).round() / 100.0})
            })
            .collect();
        return json(&serde_json::json!({
            "reference": target.reference, "title": target.title, "suggestions": list,
        }));
    }
    let mut out = format!(
        "{} {}\n",
        clean_line(&target.reference),
        clean_line(&target.title)
    );
    if shown.is_empty() {
        out.push_str(&format!(
            "no suggestion reaches {} (fields already set are left alone)\n",
            percent(learn::THRESHOLD)
        ));
    }
    for s in &shown {
        out.push_str(&format!(
            "  {:<12} {:<28} {}%\n",
            s.field_name,
            clean_line(&s.label),
            learn::shown_percent(s.confidence)
        ));
    }
    out
}

/// The requests most like `target`.
pub fn similar_list(
    docs: &[Doc],
    target: &Doc,
    state_key: &str,
    now: DateTime<Utc>,
    format: ListFormat,
) -> String {
    let index = similar::Index::build(docs, now);
    let found = index.similar_to(target.id);
    let by_id: HashMap<i64, &Doc> = docs.iter().map(|d| (d.id, d)).collect();
    let state_of = |r: &Doc| learn::state_name(r, state_key);
    let rows: Vec<(&Doc, f64)> = found
        .iter()
        .filter_map(|s| Some((*by_id.get(&s.id)?, s.score)))
        .collect();
    if format == ListFormat::Json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(r, score)| {
                serde_json::json!({"reference": r.reference, "title": r.title,
                                   "state": state_of(r), "score": (score * 100.0).round() / 100.0})
            })
            .collect();
        return json(&serde_json::json!({"reference": target.reference, "similar": list}));
    }
    let mut out = format!(
        "{} {}\n",
        clean_line(&target.reference),
        clean_line(&target.title)
    );
    if rows.is_empty() {
        out.push_str("no open or recently closed request reads like it\n");
    }
    for (r, score) in rows {
        out.push_str(&format!(
            "  {:.2}  {} {} ({})\n",
            score,
            clean_line(&r.reference),
            clean_line(&r.title),
            clean_line(&state_of(r))
        ));
    }
    out
}

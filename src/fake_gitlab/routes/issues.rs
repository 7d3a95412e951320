//! Issues: the group and project lists (filters, order, pagination, the live-pagination knob),
//! one issue, and edits (`PUT`, label deltas, state events).

// Helpers return the HTTP error response itself as their error: that is what a handler sends.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::Shared;
use crate::fake_gitlab::filters::IssueFilters;
use crate::fake_gitlab::model::IssueKeys;
use crate::fake_gitlab::model::{IssueUpdate, Model};
use crate::fake_gitlab::routes::{
    Params, bad_request, encode, error, fields, find_issue, not_found, paginate_with, param,
    params, writable,
};
use crate::fake_gitlab::stored::StoredIssue;

/// GitLab's issue list filters and ordering.
fn filter_issues<'m>(
    model: &'m Model,
    projects: &[i64],
    params: &Params,
) -> Result<Vec<&'m StoredIssue>, Response> {
    let filters = IssueFilters::parse(params).map_err(bad_request)?;
    let order_by = param(params, "order_by").unwrap_or("created_at");
    if !matches!(order_by, "created_at" | "updated_at" | "title" | "due_date") {
        return Err(bad_request("order_by does not have a valid value".into()));
    }
    let sort = param(params, "sort").unwrap_or("desc");
    if !matches!(sort, "asc" | "desc") {
        return Err(bad_request("sort does not have a valid value".into()));
    }
    // The project's own list shows its issues even when it is archived.
    let archived = if projects.len() == 1 {
        Default::default()
    } else {
        model.archived.clone()
    };
    let keep = |(keys, issue): &(&IssueKeys, &StoredIssue)| {
        projects.contains(&keys.project_id)
            && filters.matches_keyed(keys, issue.facts(), || issue.value(), &archived)
    };
    let mut found: Vec<(&IssueKeys, &StoredIssue)> = match filters.updated_range_ms() {
        // A window by update time: only its range is read.
        Some((from, to)) => model
            .issues_updated_between(from, to)
            .filter(keep)
            .collect(),
        None => model.issues_with_keys().filter(keep).collect(),
    };
    match order_by {
        // The usual orders come from the keys; the others read the JSON once per issue.
        "updated_at" => found.sort_by_key(|(k, _)| (k.updated_ms, k.id)),
        "created_at" => found.sort_by_key(|(k, _)| (k.created_ms, k.id)),
        _ => found.sort_by_cached_key(|(k, issue)| {
            let field = issue.value()[order_by].as_str().map(str::to_string);
            (field.unwrap_or_default(), k.id)
        }),
    }
    if sort == "desc" {
        found.reverse();
    }
    Ok(found.into_iter().map(|(_, issue)| issue).collect())
}

/// An issue as listed: its stored text, or with label objects (`with_labels_details=true`).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum ListedIssue {
    AsStored(Box<serde_json::value::RawValue>),
    Detailed(Value),
}

fn render_issue(model: &Model, issue: &StoredIssue, details: bool) -> ListedIssue {
    if !details {
        return ListedIssue::AsStored(issue.raw());
    }
    let mut out = issue.value();
    let detailed: Vec<Value> = issue
        .facts()
        .labels
        .iter()
        .map(|n| {
            model
                .labels
                .get(&**n)
                .cloned()
                .unwrap_or(json!({"name": &**n}))
        })
        .collect();
    out["labels"] = json!(detailed);
    ListedIssue::Detailed(out)
}

fn list_issues(
    model: &Model,
    projects: &[i64],
    params: &Params,
    headers: &HeaderMap,
    path: &str,
) -> Response {
    match filter_issues(model, projects, params) {
        Ok(found) => {
            let details = param(params, "with_labels_details") == Some("true");
            paginate_with(&found, params, headers, path, |i| {
                render_issue(model, i, details)
            })
        }
        Err(response) => response,
    }
}

pub async fn group_issues(
    State(app): State<Arc<Shared>>,
    Path(group): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let path = format!("/api/v4/groups/{}/issues", encode(&group));
    listing(&app, raw, &headers, &path, "Group", |model| {
        let found = model.group(&group)?;
        // A group's issues are those of every project in it or its subgroups.
        Some(
            model
                .projects
                .iter()
                .filter(|p| found.contains_path(p.namespace()))
                .map(|p| p.id)
                .collect(),
        )
    })
}

pub async fn project_issues(
    State(app): State<Arc<Shared>>,
    Path(project): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let path = format!("/api/v4/projects/{}/issues", encode(&project));
    listing(&app, raw, &headers, &path, "Project", |model| {
        model.project(&project).map(|p| vec![p.id])
    })
}

/// The issues of the projects `scope` finds (a 404 naming `what` when it finds none), then the
/// live-pagination knob.
fn listing(
    app: &Shared,
    raw: Option<String>,
    headers: &HeaderMap,
    path: &str,
    what: &str,
    scope: impl FnOnce(&Model) -> Option<Vec<i64>>,
) -> Response {
    let params = params(raw);
    let live = app.live_updates();
    let mut model = app.lock();
    let Some(projects) = scope(&model) else {
        return not_found(what);
    };
    let response = list_issues(&model, &projects, &params, headers, path);
    live_edits(&mut model, &projects, &params, &response, live);
    response
}

/// The live-pagination knob: when a listing has further pages, comment on the first `count`
/// issues of it (already served), so they move to its end and everything after shifts up.
fn live_edits(
    model: &mut Model,
    projects: &[i64],
    params: &Params,
    response: &Response,
    count: u32,
) {
    let more = response
        .headers()
        .get("x-next-page")
        .is_some_and(|v| !v.is_empty());
    if count == 0 || !response.status().is_success() || !more {
        return;
    }
    let listed: Vec<i64> = match filter_issues(model, projects, params) {
        Ok(found) => found
            .iter()
            .take(count as usize)
            .filter_map(|i| i.value()["id"].as_i64())
            .collect(),
        Err(_) => return,
    };
    for id in listed {
        model.add_note(
            id,
            "Working on it (a comment made while a listing ran)".into(),
            false,
        );
    }
}

pub async fn get_issue(
    State(app): State<Arc<Shared>>,
    Path((project, iid)): Path<(String, i64)>,
) -> Response {
    let model = app.lock();
    match find_issue(&model, &project, iid) {
        Ok(id) => Json(model.issues[&id].raw()).into_response(),
        Err(response) => response,
    }
}

fn name_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Value::String(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn optional_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().filter(|n| *n != 0),
        Value::String(s) => s.parse().ok().filter(|n| *n != 0),
        _ => None,
    }
}

fn parse_update(fields: &[(String, Value)]) -> IssueUpdate {
    let mut update = IssueUpdate::default();
    for (key, value) in fields {
        match key.as_str() {
            "labels" => update.labels = Some(name_list(value)),
            "add_labels" => update.add_labels.extend(name_list(value)),
            "remove_labels" => update.remove_labels.extend(name_list(value)),
            "state_event" => update.state_event = value.as_str().map(str::to_string),
            "milestone_id" => update.milestone_id = Some(optional_id(value)),
            "assignee_ids" | "assignee_ids[]" => {
                let ids = update.assignee_ids.get_or_insert_with(Vec::new);
                match value {
                    Value::Array(items) => ids.extend(items.iter().filter_map(optional_id)),
                    other => ids.extend(optional_id(other)),
                }
            }
            "assignee_id" => update.assignee_ids = Some(optional_id(value).into_iter().collect()),
            "due_date" => {
                update.due_date =
                    Some(value.as_str().filter(|s| !s.is_empty()).map(str::to_string));
            }
            "title" => update.title = value.as_str().map(str::to_string),
            "description" => update.description = value.as_str().map(str::to_string),
            _ => {}
        }
    }
    update
}

pub async fn put_issue(
    State(app): State<Arc<Shared>>,
    Path((project, iid)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = match fields(raw, &headers, &body) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    let mut update = parse_update(&fields);
    let deltas_known = app.lock().add_labels_api;
    if !deltas_known {
        // An old GitLab ignores parameters it does not declare.
        update.add_labels.clear();
        update.remove_labels.clear();
    }
    if let Some(event) = &update.state_event
        && !matches!(event.as_str(), "close" | "reopen")
    {
        return bad_request("state_event does not have a valid value".into());
    }
    if update.is_empty() {
        let known = if deltas_known {
            "add_labels, assignee_ids, description, due_date, labels, milestone_id, \
             remove_labels, state_event, title"
        } else {
            "assignee_ids, description, due_date, labels, milestone_id, state_event, title"
        };
        return bad_request(format!(
            "{known} are missing, at least one parameter must be provided"
        ));
    }
    let mut model = app.lock();
    let id = match find_issue(&model, &project, iid) {
        Ok(id) => id,
        Err(response) => return response,
    };
    if let Err(response) = writable(&model, &project) {
        return response;
    }
    match model.update_issue(id, &update) {
        Ok(issue) => Json(issue).into_response(),
        Err((status, body)) => error(status, body),
    }
}

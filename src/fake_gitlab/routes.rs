//! The `/api/v4` endpoints the board uses, answering with GitLab's shapes, filters, pagination
//! headers and error bodies.

// Helpers return the HTTP error response itself as their error: that is what a handler sends.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::Shared;
use crate::fake_gitlab::filters::IssueFilters;
use crate::fake_gitlab::model::IssueKeys;
use crate::fake_gitlab::model::{IssueUpdate, Model, Owner, timestamp};
use crate::fake_gitlab::stored::StoredIssue;

/// Set on each request by the gatekeeper: the scheme the fake is served with.
pub const SCHEME_HEADER: &str = "x-sm-board-fake-scheme";

/// Above this many records GitLab stops sending totals.
const TOTALS_LIMIT: usize = 10_000;

pub type Params = Vec<(String, String)>;

pub fn params(raw: Option<String>) -> Params {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn error(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

fn not_found(what: &str) -> Response {
    error(404, json!({"message": format!("404 {what} Not Found")}))
}

fn bad_request(message: String) -> Response {
    error(400, json!({"error": message}))
}

/// Offset pagination with GitLab's headers and `Link`.
fn paginate(items: Vec<Value>, params: &Params, headers: &HeaderMap, path: &str) -> Response {
    paginate_with(&items, params, headers, path, Value::clone)
}

/// Pagination that renders only the items of the page asked for (lists can be large).
fn paginate_with<T, R: serde::Serialize>(
    items: &[T],
    params: &Params,
    headers: &HeaderMap,
    path: &str,
    render: impl Fn(&T) -> R,
) -> Response {
    let per_page = param(params, "per_page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let page = param(params, "page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let total_pages = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page).min(total);
    let body: Vec<R> = items
        .iter()
        .skip(start)
        .take(per_page)
        .map(render)
        .collect();
    let next = (page < total_pages).then_some(page + 1);
    let prev = (page > 1).then(|| (page - 1).min(total_pages));
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get(SCHEME_HEADER)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    let url = |p: usize| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params.iter().filter(|(k, _)| k != "page") {
            query.append_pair(k, v);
        }
        query.append_pair("page", &p.to_string());
        format!("{scheme}://{host}{path}?{}", query.finish())
    };
    let show_totals = total <= TOTALS_LIMIT;
    let mut links = Vec::new();
    if let Some(p) = prev {
        links.push(format!("<{}>; rel=\"prev\"", url(p)));
    }
    if let Some(p) = next {
        links.push(format!("<{}>; rel=\"next\"", url(p)));
    }
    links.push(format!("<{}>; rel=\"first\"", url(1)));
    if show_totals {
        links.push(format!("<{}>; rel=\"last\"", url(total_pages)));
    }
    let mut response = Json(body).into_response();
    let h = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set("x-page", page.to_string());
    set("x-per-page", per_page.to_string());
    set(
        "x-next-page",
        next.map(|p| p.to_string()).unwrap_or_default(),
    );
    set(
        "x-prev-page",
        prev.map(|p| p.to_string()).unwrap_or_default(),
    );
    if show_totals {
        set("x-total", total.to_string());
        set("x-total-pages", total_pages.to_string());
    }
    set("link", links.join(", "));
    response
}

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
enum ListedIssue<'m> {
    AsStored(&'m serde_json::value::RawValue),
    Detailed(Value),
}

fn render_issue<'m>(model: &Model, issue: &'m StoredIssue, details: bool) -> ListedIssue<'m> {
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
    let params = params(raw);
    let live = app.live_updates();
    let mut model = app.lock();
    let Some(found) = model.group(&group) else {
        return not_found("Group");
    };
    // A group's issues are those of every project in it or its subgroups.
    let projects: Vec<i64> = model
        .projects
        .iter()
        .filter(|p| found.contains_path(p.namespace()))
        .map(|p| p.id)
        .collect();
    let path = format!("/api/v4/groups/{}/issues", encode(&group));
    let response = list_issues(&model, &projects, &params, &headers, &path);
    live_edits(&mut model, &projects, &params, &response, live);
    response
}

pub async fn project_issues(
    State(app): State<Arc<Shared>>,
    Path(project): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let live = app.live_updates();
    let mut model = app.lock();
    let Some(p) = model.project(&project).map(|p| p.id) else {
        return not_found("Project");
    };
    let path = format!("/api/v4/projects/{}/issues", encode(&project));
    let response = list_issues(&model, &[p], &params, &headers, &path);
    live_edits(&mut model, &[p], &params, &response, live);
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

fn encode(path: &str) -> String {
    path.replace('/', "%2F")
}

/// An archived project is read-only: GitLab answers writes with 403.
fn writable(model: &Model, project: &str) -> Result<(), Response> {
    match model.project(project) {
        Some(p) if model.archived.contains(&p.id) => {
            Err(error(403, json!({"message": "403 Forbidden"})))
        }
        _ => Ok(()),
    }
}

fn find_issue(model: &Model, project: &str, iid: i64) -> Result<i64, Response> {
    let p = model.project(project).ok_or_else(|| not_found("Project"))?;
    model.issue_id(p.id, iid).ok_or_else(|| not_found("Issue"))
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

/// Reads request fields from the query string and a JSON or form body, as GitLab accepts both.
fn fields(
    raw: Option<String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Vec<(String, Value)>, Response> {
    let mut out: Vec<(String, Value)> = params(raw)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    if body.is_empty() {
        return Ok(out);
    }
    let json_body = headers
        .get("content-type")
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.contains("json"));
    if json_body {
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| error(400, json!({"message": "400 Bad request - malformed JSON"})))?;
        if let Value::Object(map) = value {
            out.extend(map);
        }
    } else {
        out.extend(
            form_urlencoded::parse(body)
                .into_owned()
                .map(|(k, v)| (k, Value::String(v))),
        );
    }
    Ok(out)
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

fn note_json(
    model: &Model,
    note: &crate::fake_gitlab::model::Note,
    iid: i64,
    project_id: i64,
) -> Value {
    json!({
        "id": note.id, "type": null, "body": note.body, "attachment": null,
        "author": model.user(note.author_id), "created_at": timestamp(note.created_at),
        "updated_at": timestamp(note.created_at), "system": note.system,
        "noteable_id": note.issue_id, "noteable_type": "Issue", "project_id": project_id,
        "noteable_iid": iid, "resolvable": false, "confidential": false, "internal": false
    })
}

pub async fn list_notes(
    State(app): State<Arc<Shared>>,
    Path((project, iid)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let model = app.lock();
    let id = match find_issue(&model, &project, iid) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let project_id = model.issues[&id].facts().project_id;
    let mut notes: Vec<Value> = model
        .notes_of(id)
        .map(|n| note_json(&model, n, iid, project_id))
        .collect();
    if param(&params, "sort") != Some("asc") {
        notes.reverse();
    }
    paginate(
        notes,
        &params,
        &headers,
        &format!("/api/v4/projects/{}/issues/{iid}/notes", encode(&project)),
    )
}

pub async fn create_note(
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
    let Some(text) = fields
        .iter()
        .find(|(k, _)| k == "body")
        .and_then(|(_, v)| v.as_str())
        .filter(|b| !b.trim().is_empty())
        .map(str::to_string)
    else {
        return bad_request("body is missing".into());
    };
    let mut model = app.lock();
    let id = match find_issue(&model, &project, iid) {
        Ok(id) => id,
        Err(response) => return response,
    };
    if let Err(response) = writable(&model, &project) {
        return response;
    }
    let project_id = model.issues[&id].facts().project_id;
    let applied = crate::fake_gitlab::quick_actions::apply(&mut model, id, &text);
    if applied.remaining.is_empty() {
        // Commands only: nothing is kept as a note; GitLab says what the commands did.
        return (
            StatusCode::ACCEPTED,
            Json(json!({"commands_changes": applied.changes, "summary": applied.summary})),
        )
            .into_response();
    }
    let text = if applied.summary.is_empty() {
        text
    } else {
        applied.remaining
    };
    let note = model.add_note(id, text, false);
    (
        StatusCode::CREATED,
        Json(note_json(&model, &note, iid, project_id)),
    )
        .into_response()
}

pub async fn label_events(
    State(app): State<Arc<Shared>>,
    Path((project, iid)): Path<(String, i64)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let model = app.lock();
    if !model.label_events_api {
        return error(404, json!({"message": "404 Not Found"}));
    }
    let id = match find_issue(&model, &project, iid) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let mut events: Vec<&crate::fake_gitlab::model::LabelEvent> = model.events_of(id).collect();
    // GitLab lists them oldest first; seeded histories are recorded out of order.
    events.sort_by_key(|e| (e.created_at, e.id));
    let events: Vec<Value> = events
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id, "user": model.user(e.user_id), "created_at": timestamp(e.created_at),
                "resource_type": "Issue", "resource_id": id,
                // A label deleted since comes back as null, as on GitLab.
                "label": model.labels.get(&*e.label).cloned().unwrap_or(Value::Null),
                "action": if e.add { "add" } else { "remove" }
            })
        })
        .collect();
    paginate(
        events,
        &params,
        &headers,
        &format!(
            "/api/v4/projects/{}/issues/{iid}/resource_label_events",
            encode(&project)
        ),
    )
}

/// `Ok` when `kind`/`scope` names the fake's group or one of its projects.
fn known_scope(model: &Model, kind: &str, scope: &str) -> Result<(), Response> {
    let known = match kind {
        "groups" => model.is_group(scope),
        "projects" => model.project(scope).is_some(),
        _ => false,
    };
    if known {
        Ok(())
    } else {
        Err(not_found(if kind == "groups" {
            "Group"
        } else {
            "Project"
        }))
    }
}

/// `/groups/:id/...` or `/projects/:id/...` collections that do not depend on the scope here.
pub async fn scoped_collection(
    State(app): State<Arc<Shared>>,
    Path((kind, scope, what)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let model = app.lock();
    if let Err(response) = known_scope(&model, &kind, &scope) {
        return response;
    }
    let path = format!("/api/v4/{kind}/{}/{what}", encode(&scope));
    let items: Vec<Value> = match what.as_str() {
        "labels" => scoped_labels(&model, &kind, &scope, &params),
        "milestones" => {
            if param(&params, "include_ancestors").is_some()
                && param(&params, "include_parent_milestones").is_some()
            {
                return bad_request(
                    "include_ancestors, include_parent_milestones are mutually exclusive".into(),
                );
            }
            let state = param(&params, "state");
            let owners = milestone_owners(&model, &kind, &scope, &params);
            model
                .milestones
                .values()
                .filter(|m| state.is_none_or(|s| m["state"] == s))
                .filter(|m| owners.contains(&milestone_owner(m)))
                .cloned()
                .collect()
        }
        "boards" => vec![board(&model)],
        _ => return not_found("Resource"),
    };
    paginate(items, &params, &headers, &path)
}

fn flag(params: &Params, name: &str) -> Option<bool> {
    param(params, name).and_then(crate::fake_gitlab::filters::parse_bool)
}

/// Where a group or project (`kind`/`scope`) sits: the owners it sees as its own, and its
/// ancestor groups, nearest first.
fn own_and_ancestors(model: &Model, kind: &str, scope: &str) -> (Vec<Owner>, Vec<Owner>) {
    if kind == "projects" {
        let Some(project) = model.project(scope) else {
            return (Vec::new(), Vec::new());
        };
        let above = model
            .project_group(project)
            .map(|g| model.group_and_ancestors(g))
            .unwrap_or_default();
        (
            vec![Owner::Project(project.id)],
            above.into_iter().map(Owner::Group).collect(),
        )
    } else {
        let Some(group) = model.group(scope) else {
            return (Vec::new(), Vec::new());
        };
        let above = model.group_and_ancestors(group);
        (
            vec![Owner::Group(group.id)],
            above.into_iter().skip(1).map(Owner::Group).collect(),
        )
    }
}

fn milestone_owner(milestone: &Value) -> Owner {
    match milestone["project_id"].as_i64() {
        Some(project) => Owner::Project(project),
        None => Owner::Group(milestone["group_id"].as_i64().unwrap_or(0)),
    }
}

/// Milestones list only the group's or project's own; ancestors' come with
/// `include_ancestors=true` (older GitLab: `include_parent_milestones`).
fn milestone_owners(model: &Model, kind: &str, scope: &str, params: &Params) -> Vec<Owner> {
    let (mut owners, ancestors) = own_and_ancestors(model, kind, scope);
    let with_ancestors = flag(params, "include_ancestors")
        .or(flag(params, "include_parent_milestones"))
        .unwrap_or(false);
    if with_ancestors {
        owners.extend(ancestors);
    }
    owners
}

/// Labels: the group's or project's own and (by default) its ancestor groups'; a group's
/// subgroups' labels only with `include_descendant_groups=true`.
fn scoped_labels(model: &Model, kind: &str, scope: &str, params: &Params) -> Vec<Value> {
    let (mut owners, ancestors) = own_and_ancestors(model, kind, scope);
    if flag(params, "include_ancestor_groups").unwrap_or(true) {
        owners.extend(ancestors);
    }
    if kind == "groups"
        && flag(params, "include_descendant_groups").unwrap_or(false)
        && let Some(group) = model.group(scope)
    {
        owners.extend(model.descendants(group).into_iter().map(Owner::Group));
    }
    model
        .labels
        .iter()
        .filter(|(name, _)| {
            model
                .label_owners
                .get(*name)
                .is_some_and(|owner| owners.contains(owner))
        })
        .map(|(_, label)| label.clone())
        .collect()
}

/// The SM Request Board: one list per state label that exists, in workflow order.
fn board(model: &Model) -> Value {
    json!({"id": 42, "name": "SM Request Board", "hide_backlog_list": false,
           "hide_closed_list": false, "lists": board_lists(model)})
}

fn board_lists(model: &Model) -> Vec<Value> {
    [
        "new_request",
        "triage",
        "backlog",
        "assigned",
        "completed",
        "transfered",
        "declined",
    ]
    .iter()
    .enumerate()
    .filter_map(|(i, s)| {
        let name = format!("sm_req::{s}");
        model.labels.get(&name).map(|l| {
            json!({"id": 500 + i, "label": {"id": l["id"], "name": name, "color": l["color"]},
                   "position": i, "max_issue_count": 0, "max_issue_weight": 0})
        })
    })
    .collect()
}

pub async fn board_lists_route(
    State(app): State<Arc<Shared>>,
    Path((kind, scope, board_id)): Path<(String, String, i64)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let model = app.lock();
    if known_scope(&model, &kind, &scope).is_err() || board_id != 42 {
        return not_found("Board");
    }
    let path = format!("/api/v4/{kind}/{}/boards/{board_id}/lists", encode(&scope));
    paginate(board_lists(&model), &params, &headers, &path)
}

pub async fn members(
    State(app): State<Arc<Shared>>,
    Path((kind, scope)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = params(raw);
    let model = app.lock();
    if let Err(response) = known_scope(&model, &kind, &scope) {
        return response;
    }
    let items: Vec<Value> = model
        .members
        .values()
        .map(|u| {
            let mut member = u.clone();
            member["access_level"] = json!(30);
            member
        })
        .collect();
    paginate(
        items,
        &params,
        &headers,
        &format!("/api/v4/{kind}/{}/members/all", encode(&scope)),
    )
}

pub async fn get_group(State(app): State<Arc<Shared>>, Path(group): Path<String>) -> Response {
    let model = app.lock();
    let Some(found) = model.group(&group) else {
        return not_found("Group");
    };
    let name = found.full_path.rsplit('/').next().unwrap_or("").to_string();
    let parent_id = found
        .full_path
        .rsplit_once('/')
        .and_then(|(parent, _)| model.group(parent))
        .map(|g| g.id);
    Json(json!({
        "id": found.id, "name": name, "path": name, "full_path": found.full_path,
        "full_name": found.full_path,
        "web_url": format!("https://gitlab.example.com/groups/{}", found.full_path),
        "visibility": "private", "parent_id": parent_id
    }))
    .into_response()
}

pub async fn get_project(State(app): State<Arc<Shared>>, Path(project): Path<String>) -> Response {
    let model = app.lock();
    let Some(p) = model.project(&project) else {
        return not_found("Project");
    };
    let name = p
        .path_with_namespace
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    Json(json!({
        "id": p.id, "name": name, "path": name, "path_with_namespace": p.path_with_namespace,
        "name_with_namespace": p.path_with_namespace,
        "namespace": {"id": model.project_group(p).map_or(model.group_id, |g| g.id),
                      "full_path": p.namespace(), "kind": "group"},
        "web_url": format!("https://gitlab.example.com/{}", p.path_with_namespace),
        "default_branch": "main", "visibility": "private",
        "archived": model.archived.contains(&p.id)
    }))
    .into_response()
}

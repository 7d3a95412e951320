//! The `/api/v4` endpoints the board uses, answering with GitLab's shapes, filters, pagination
//! headers and error bodies: `issues`, `notes` (and label events), `metadata` (groups, projects,
//! labels, milestones, members, boards). Here: what they share (parameters, errors, pagination,
//! request fields).

// Helpers return the HTTP error response itself as their error: that is what a handler sends.
#![allow(clippy::result_large_err)]

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::model::Model;

/// Set on each request by the gatekeeper: the scheme the fake is served with.
pub const SCHEME_HEADER: &str = "x-sm-board-fake-scheme";

/// Above this many records GitLab stops sending totals.
pub(super) const TOTALS_LIMIT: usize = 10_000;

mod issues;
mod metadata;
mod notes;

pub use issues::{get_issue, group_issues, project_issues, put_issue};
pub use metadata::{board_lists_route, get_group, get_project, members, scoped_collection};
pub use notes::{create_note, label_events, list_notes};

pub type Params = Vec<(String, String)>;

pub fn params(raw: Option<String>) -> Params {
    raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

pub(super) fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub fn error(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

pub(super) fn not_found(what: &str) -> Response {
    error(404, json!({"message": format!("404 {what} Not Found")}))
}

pub(super) fn bad_request(message: String) -> Response {
    error(400, json!({"error": message}))
}

/// Offset pagination with GitLab's headers and `Link`.
pub(super) fn paginate(
    items: Vec<Value>,
    params: &Params,
    headers: &HeaderMap,
    path: &str,
) -> Response {
    paginate_with(&items, params, headers, path, Value::clone)
}

/// Pagination that renders only the items of the page asked for (lists can be large).
pub(super) fn paginate_with<T, R: serde::Serialize>(
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

pub(super) fn encode(path: &str) -> String {
    path.replace('/', "%2F")
}

/// An archived project is read-only: GitLab answers writes with 403.
pub(super) fn writable(model: &Model, project: &str) -> Result<(), Response> {
    match model.project(project) {
        Some(p) if model.archived.contains(&p.id) => {
            Err(error(403, json!({"message": "403 Forbidden"})))
        }
        _ => Ok(()),
    }
}

pub(super) fn find_issue(model: &Model, project: &str, iid: i64) -> Result<i64, Response> {
    let p = model.project(project).ok_or_else(|| not_found("Project"))?;
    model.issue_id(p.id, iid).ok_or_else(|| not_found("Issue"))
}

/// Reads request fields from the query string and a JSON or form body, as GitLab accepts both.
pub(super) fn fields(
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

//! Comments (`notes`, quick actions included) and label events of an issue.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::Shared;
use crate::fake_gitlab::model::{Model, timestamp};
use crate::fake_gitlab::routes::{
    bad_request, encode, error, fields, find_issue, paginate, param, params, writable,
};

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
        .map(|n| note_json(&model, &n, iid, project_id))
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
    let mut events: Vec<crate::fake_gitlab::model::LabelEvent> = model.events_of(id).collect();
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

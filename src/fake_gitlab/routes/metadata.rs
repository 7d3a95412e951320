//! Groups, projects, labels, milestones, members and boards, each listed with the inheritance
//! rules GitLab applies (ancestors' milestones only when asked, descendants' labels likewise).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::Shared;
use crate::fake_gitlab::model::{Model, Owner};
use crate::fake_gitlab::routes::{Params, bad_request, encode, not_found, paginate, param, params};

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

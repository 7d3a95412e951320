//! `POST /api/graphql`: the part of GitLab's GraphQL API a client needs to read many issues'
//! comments and label history in one request (`project.workItems(iids:)` and the notes
//! widget's `discussions`). Queries are parsed (graphql-parser), validated against the served
//! slice of the schema with graphql-ruby's messages, priced with GitLab's complexity rules and
//! refused above GitLab's limits, then run against the model. What is not served is an error,
//! as on a GitLab that lacks it: no mutations, no backward paging.
//!
//! `graphql` in the fault knobs: `full` (the default), `no_work_items` (a GitLab from before
//! work items: `Project.workItems` does not exist) or `none` (no GraphQL endpoint: 404).

pub(super) mod check;
pub(super) mod resolve;
pub mod schema;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fake_gitlab::Shared;
use crate::fake_gitlab::model::Model;
use crate::fake_gitlab::routes::error;

/// Set by the gatekeeper on a GraphQL request without credentials: GitLab runs those as an
/// anonymous user rather than refusing them.
pub const ANONYMOUS_HEADER: &str = "x-sm-board-fake-anonymous";

/// Which GraphQL the fake serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphqlApi {
    Full,
    /// `Project.workItems` does not exist (GitLab before 15.x).
    WithoutWorkItems,
    /// No `/api/graphql` at all.
    Absent,
}

impl GraphqlApi {
    pub fn parse(text: &str) -> Result<GraphqlApi, String> {
        match text {
            "full" => Ok(GraphqlApi::Full),
            "no_work_items" => Ok(GraphqlApi::WithoutWorkItems),
            "none" => Ok(GraphqlApi::Absent),
            other => Err(format!(
                "graphql is `full`, `no_work_items` or `none`, not `{other}`"
            )),
        }
    }
}

fn errors(messages: Vec<String>) -> (u16, Value) {
    let list: Vec<Value> = messages
        .into_iter()
        .map(|message| json!({ "message": message }))
        .collect();
    (200, json!({ "errors": list }))
}

/// Answers one GraphQL request: `{"query", "variables", "operationName"}`.
pub async fn serve(State(app): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let anonymous = headers.contains_key(ANONYMOUS_HEADER);
    let mut model = app.lock();
    if model.graphql_timeouts > 0 && model.graphql != GraphqlApi::Absent {
        model.graphql_timeouts -= 1;
        return axum::Json(json!({"errors": [{"message": "Request timed out"}]})).into_response();
    }
    let (status, answer) = run(&model, &body, anonymous);
    if status == 200 {
        axum::Json(answer).into_response()
    } else {
        error(status, answer)
    }
}

/// The status and body GitLab would answer `body` with.
pub fn run(model: &Model, body: &[u8], anonymous: bool) -> (u16, Value) {
    let work_items = match model.graphql {
        GraphqlApi::Absent => return (404, json!({"message": "404 Not Found"})),
        GraphqlApi::WithoutWorkItems => false,
        GraphqlApi::Full => true,
    };
    let request: Value = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(err) => {
            return (
                400,
                json!({"errors": [{"message": format!("invalid JSON: {err}")}]}),
            );
        }
    };
    let Some(text) = request["query"].as_str() else {
        return errors(vec!["No query string was present".into()]);
    };
    let variables = match &request["variables"] {
        Value::Object(vars) => vars.clone(),
        Value::Null => serde_json::Map::new(),
        _ => return errors(vec!["variables must be an object".into()]),
    };
    let document = match graphql_parser::parse_query::<&str>(text) {
        Ok(document) => document,
        Err(err) => return errors(vec![format!("Parse error: {err}")]),
    };
    let op = match check::operation(&document, request["operationName"].as_str(), variables) {
        Ok(op) => op,
        Err(message) => return errors(vec![message]),
    };
    if let Err(messages) = check::check(&op, work_items) {
        return errors(messages);
    }
    let mut resolver = resolve::Resolver {
        model,
        op: &op,
        anonymous,
        errors: Vec::new(),
    };
    let data = resolver.root(op.set);
    let mut answer = json!({ "data": data });
    if !resolver.errors.is_empty() {
        answer["errors"] = resolver
            .errors
            .into_iter()
            .map(|message| json!({ "message": message }))
            .collect();
    }
    (200, answer)
}

#[cfg(test)]
mod tests;

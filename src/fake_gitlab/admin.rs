//! The fake's own controls under `/_fake`: request counters, reset, and faults set while it
//! runs.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::fake_gitlab::faults::FaultUpdate;
use crate::fake_gitlab::{Shared, routes};

pub(super) async fn admin_stats(State(app): State<Arc<Shared>>) -> Response {
    axum::Json(json!(app.stats())).into_response()
}

pub(super) async fn admin_reset(State(app): State<Arc<Shared>>) -> Response {
    app.reset_stats();
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn admin_faults(
    State(app): State<Arc<Shared>>,
    body: axum::body::Bytes,
) -> Response {
    let update: FaultUpdate = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(err) => return routes::error(400, json!({"error": err.to_string()})),
    };
    match app.set_faults(update) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => routes::error(400, json!({"error": message})),
    }
}

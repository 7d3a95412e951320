//! The gate every API request passes: latency, injected faults, the rate limit (with the
//! headers of the configured GitLab profile), authentication, and the request counters.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::fake_gitlab::auth::{Presented, authenticate, presented};
use crate::fake_gitlab::faults::Fault;
use crate::fake_gitlab::{Shared, faults, graphql, lock, routes, throttle};

/// Counting, latency, injected faults, authentication and rate-limit headers, in that order.
pub(super) async fn gatekeeper(
    State(app): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    // Handlers build absolute links (`Link`, as GitLab does) and need the scheme.
    request.headers_mut().insert(
        routes::SCHEME_HEADER,
        HeaderValue::from_static(if app.https { "https" } else { "http" }),
    );
    let kind = faults::classify(request.method().as_str(), request.uri().path());
    lock(&app.stats).count(&kind);
    let (latency, fault) = {
        let mut faults = lock(&app.faults);
        (faults.latency_ms, faults.take_next())
    };
    // Half the latency before handling and half after, like a network: a client that dies
    // while waiting may have had its request applied already.
    let half = Duration::from_millis(latency / 2);
    if latency > 0 {
        tokio::time::sleep(half).await;
    }
    match fault {
        Some(Fault::Status(code)) => {
            let reason = StatusCode::from_u16(code)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            return routes::error(code, json!({"message": format!("{code} {reason}")}));
        }
        Some(Fault::TooMany(secs)) => {
            let mut response = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
            let h = response.headers_mut();
            h.insert("retry-after", HeaderValue::from(secs));
            return response;
        }
        Some(Fault::Drop) => {
            // Headers go out, then the body fails: the client sees the connection drop.
            let body = Body::from_stream(futures_util::stream::once(async {
                Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped",
                ))
            }));
            return Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .body(body)
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        None => {}
    }
    // GraphQL runs a request without credentials as an anonymous user, and a `read_api`
    // token may query it (a query is a POST).
    let graphql = request.uri().path().ends_with("/graphql");
    let credentials = presented(request.headers());
    if graphql && matches!(credentials, Presented::Nothing) {
        request
            .headers_mut()
            .insert(graphql::ANONYMOUS_HEADER, HeaderValue::from_static("1"));
    }
    let may_write = match authenticate(&lock(&app.tokens), credentials) {
        Ok(may_write) => may_write,
        Err(_) if graphql && request.headers().contains_key(graphql::ANONYMOUS_HEADER) => false,
        Err(body) => return routes::error(401, body),
    };
    if !may_write && request.method() != axum::http::Method::GET && !graphql {
        return routes::error(
            403,
            json!({"error": "insufficient_scope",
                   "error_description": "The request requires higher privileges than provided by the access token.",
                   "scope": "api"}),
        );
    }
    // GitLab throttles per user, after authentication.
    let (admission, headers_always) = {
        let mut throttle = lock(&app.throttle);
        let admission = throttle.admit(chrono::Utc::now().timestamp());
        (admission, throttle.headers == throttle::RateHeaders::Always)
    };
    if !admission.allowed {
        let mut response = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
        rate_headers(response.headers_mut(), &admission);
        let h = response.headers_mut();
        h.insert("retry-after", HeaderValue::from(admission.retry_after));
        if let Some(reset) = chrono::DateTime::from_timestamp(admission.reset, 0)
            && let Ok(value) =
                HeaderValue::from_str(&reset.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        {
            h.insert("ratelimit-resettime", value);
        }
        return response;
    }
    let mut response = next.run(request).await;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency) - half).await;
    }
    if headers_always {
        rate_headers(response.headers_mut(), &admission);
    }
    response
}

fn rate_headers(h: &mut axum::http::HeaderMap, admission: &throttle::Admission) {
    h.insert("ratelimit-limit", HeaderValue::from(admission.limit));
    h.insert("ratelimit-observed", HeaderValue::from(admission.used));
    h.insert(
        "ratelimit-remaining",
        HeaderValue::from(admission.limit.saturating_sub(admission.used)),
    );
    h.insert("ratelimit-reset", HeaderValue::from(admission.reset));
    h.insert(
        "ratelimit-name",
        HeaderValue::from_static("throttle_authenticated_api"),
    );
}

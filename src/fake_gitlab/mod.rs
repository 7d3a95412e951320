//! A fake GitLab: an in-memory GitLab REST v4 subset over real HTTP (axum), following
//! GITLAB_API.md closely enough that GitLab's own clients work against it. It is the demo's
//! backend, the tests' GitLab and the benchmarks' server.
//!
//! Fault knobs (latency, failure schedule or rate, 429s, dropped connections, offline) and
//! request counters are set with flags and at run time through `/_fake/*`, outside `/api/v4`.

pub mod faults;
pub(crate) mod filters;
pub mod graphql;
mod history;
pub mod model;
mod quick_actions;
mod routes;
pub mod stored;
pub mod throttle;
pub mod tls;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use faults::{Fault, FaultUpdate, Faults, Stats};
use model::{Model, ScopedLabels};

/// The token the fake accepts unless told otherwise (it guards nothing: the fake is local).
pub const DEFAULT_TOKEN: &str = "sm-board-fake-token";

/// The issues a fake starts with, in GitLab's JSON shape, taken one at a time (the demo's
/// generated thousands are never all held as JSON at once).
pub struct SeedIssues(Box<dyn Iterator<Item = Value> + Send>);

impl SeedIssues {
    /// Issues made as they are taken.
    pub fn streamed(issues: impl Iterator<Item = Value> + Send + 'static) -> Self {
        SeedIssues(Box::new(issues))
    }
}

impl From<Vec<Value>> for SeedIssues {
    fn from(issues: Vec<Value>) -> Self {
        SeedIssues(Box::new(issues.into_iter()))
    }
}

impl std::fmt::Debug for SeedIssues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SeedIssues(..)")
    }
}

/// How the fake starts.
#[derive(Debug)]
pub struct FakeConfig {
    pub issues: SeedIssues,
    pub milestones: Vec<Value>,
    /// The token with scope `api`.
    pub token: String,
    pub latency_ms: u64,
}

/// What kind of credential a token is: GitLab takes personal (and project/group) access tokens
/// in `PRIVATE-TOKEN` or `Authorization: Bearer`, OAuth access tokens only as Bearer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Personal,
    OAuth {
        expires: Option<chrono::DateTime<chrono::Utc>>,
    },
}

/// A token the fake accepts.
#[derive(Debug, Clone)]
pub struct FakeToken {
    pub value: String,
    /// Scope `api` (true) or only `read_api`.
    pub write: bool,
    pub kind: TokenKind,
}

impl FakeToken {
    pub fn personal(value: &str, write: bool) -> Self {
        FakeToken {
            value: value.to_string(),
            write,
            kind: TokenKind::Personal,
        }
    }
}

/// How the request authenticated.
enum Presented {
    PrivateToken(String),
    Bearer(String),
    Nothing,
}

fn presented(headers: &axum::http::HeaderMap) -> Presented {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = text("private-token") {
        return Presented::PrivateToken(token.to_string());
    }
    match text("authorization").and_then(|v| v.strip_prefix("Bearer ")) {
        Some(token) => Presented::Bearer(token.trim().to_string()),
        None => Presented::Nothing,
    }
}

/// GitLab's answer to a request's credentials: whether it may write, or the 401 to send.
fn authenticate(tokens: &[FakeToken], presented: Presented) -> Result<bool, Value> {
    let unauthorized = json!({"message": "401 Unauthorized"});
    let (value, as_bearer) = match presented {
        Presented::PrivateToken(value) => (value, false),
        Presented::Bearer(value) => (value, true),
        Presented::Nothing => return Err(unauthorized),
    };
    let Some(token) = tokens.iter().find(|t| t.value == value) else {
        return Err(unauthorized);
    };
    match token.kind {
        // PRIVATE-TOKEN looks the value up among access tokens only: an OAuth token there is
        // unknown.
        TokenKind::OAuth { .. } if !as_bearer => Err(unauthorized),
        TokenKind::OAuth {
            expires: Some(expires),
        } if expires <= chrono::Utc::now() => Err(json!({
            "error": "invalid_token",
            "error_description": "Token is expired. You can either do re-authorization or token refresh."
        })),
        _ => Ok(token.write),
    }
}

/// State shared by the handlers.
pub struct Shared {
    model: Mutex<Model>,
    faults: Mutex<Faults>,
    stats: Mutex<Stats>,
    /// Tokens the fake accepts.
    tokens: Mutex<Vec<FakeToken>>,
    throttle: Mutex<throttle::Throttle>,
    /// Served over TLS: the links in pagination headers say `https`.
    https: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked mid-update leaves data a test may still want to inspect.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Model> {
        lock(&self.model)
    }

    /// How many listed issues change after each page of a listing (see `FaultUpdate`).
    pub fn live_updates(&self) -> u32 {
        lock(&self.faults).live_updates
    }

    pub fn stats(&self) -> Stats {
        lock(&self.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.stats) = Stats::default();
    }

    /// Applies fault settings (the same as `POST /_fake/faults`).
    pub fn set_faults(&self, update: FaultUpdate) -> Result<(), String> {
        let mut faults = lock(&self.faults);
        if let Some(latency) = update.latency_ms {
            faults.latency_ms = latency;
        }
        if let Some(schedule) = update.schedule {
            faults.schedule = schedule
                .iter()
                .map(|f| Fault::parse(f).ok_or_else(|| format!("unknown fault `{f}`")))
                .collect::<Result<_, _>>()?;
        }
        if let Some(rate) = update.error_rate {
            faults.error_rate = rate.clamp(0.0, 1.0);
        }
        if let Some(offline) = update.offline {
            faults.offline = offline;
        }
        if let Some(live) = update.live_updates {
            faults.live_updates = live;
        }
        drop(faults);
        {
            let mut throttle = lock(&self.throttle);
            match update.profile.as_deref() {
                None => {}
                Some("gitlab.com") => {
                    *throttle = throttle::Throttle::new(2000, 60, throttle::RateHeaders::On429);
                }
                Some("self-managed") => *throttle = throttle::Throttle::default(),
                Some(other) => {
                    return Err(format!(
                        "profile is `gitlab.com` or `self-managed`, not `{other}`"
                    ));
                }
            }
            if let Some(limit) = update.rate_limit {
                throttle.limit = limit;
            }
            if let Some(secs) = update.rate_limit_window_secs {
                throttle.window_secs = secs.max(1);
            }
            match update.rate_limit_headers.as_deref() {
                None => {}
                Some("always") => throttle.headers = throttle::RateHeaders::Always,
                Some("on_429") => throttle.headers = throttle::RateHeaders::On429,
                Some(other) => {
                    return Err(format!(
                        "rate_limit_headers is `always` or `on_429`, not `{other}`"
                    ));
                }
            }
        }
        let mut model = self.lock();
        match update.scoped_labels.as_deref() {
            None => {}
            Some("premium") => model.scoped = ScopedLabels::Exclusive,
            Some("free") => model.scoped = ScopedLabels::Free,
            Some(other) => {
                return Err(format!(
                    "scoped_labels is `premium` or `free`, not `{other}`"
                ));
            }
        }
        if let Some(graphql) = &update.graphql {
            model.graphql = graphql::GraphqlApi::parse(graphql)?;
        }
        if let Some(timeouts) = update.graphql_timeouts {
            model.graphql_timeouts = timeouts;
        }
        if let Some(served) = update.label_events_api {
            model.label_events_api = served;
        }
        if let Some(create) = update.create_unknown_labels {
            model.create_unknown_labels = create;
        }
        if let Some(known) = update.add_labels_api {
            model.add_labels_api = known;
        }
        if let Some(project) = &update.archive_project {
            model.archive_project(project)?;
        }
        Ok(())
    }

    /// Adds a personal access token; `write` false gives it scope `read_api` only.
    pub fn add_token(&self, token: &str, write: bool) {
        lock(&self.tokens).push(FakeToken::personal(token, write));
    }

    /// Adds an OAuth access token (what `glab auth login` in the browser stores), with scope
    /// `api`, valid until `expires` (`None`: never expires).
    pub fn add_oauth_token(&self, token: &str, expires: Option<chrono::DateTime<chrono::Utc>>) {
        lock(&self.tokens).push(FakeToken {
            value: token.to_string(),
            write: true,
            kind: TokenKind::OAuth { expires },
        });
    }
}

/// A running fake; dropping it stops the server.
pub struct RunningFake {
    pub addr: SocketAddr,
    /// Served over HTTPS.
    pub https: bool,
    pub shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningFake {
    /// `http://127.0.0.1:PORT` (`https://` when serving TLS).
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the fake on `listen` (port 0 picks a free one) in the current tokio runtime.
pub async fn start(config: FakeConfig, listen: SocketAddr) -> std::io::Result<RunningFake> {
    start_with(config, listen, None).await
}

/// Starts the fake, serving HTTPS with `tls` when given.
pub async fn start_with(
    config: FakeConfig,
    listen: SocketAddr,
    tls: Option<tls::TlsFiles>,
) -> std::io::Result<RunningFake> {
    let acceptor = tls.as_ref().map(tls::acceptor).transpose()?;
    let shared = Arc::new(Shared {
        model: Mutex::new(Model::new(config.issues.0, config.milestones)),
        faults: Mutex::new(Faults {
            latency_ms: config.latency_ms,
            ..Faults::default()
        }),
        stats: Mutex::new(Stats::default()),
        tokens: Mutex::new(vec![FakeToken::personal(&config.token, true)]),
        throttle: Mutex::new(throttle::Throttle::default()),
        https: acceptor.is_some(),
    });
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = router(shared.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let https = acceptor.is_some();
    let task = tokio::spawn(async move {
        let stop = async {
            let _ = rx.await;
        };
        if let Some(acceptor) = acceptor {
            tls::serve(listener, acceptor, app, stop).await;
            return;
        }
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
        if let Err(err) = served {
            tracing::error!(error = %err, "fake GitLab stopped");
        }
    });
    Ok(RunningFake {
        addr,
        https,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/groups/{id}", get(routes::get_group))
        .route("/projects/{id}", get(routes::get_project))
        .route("/groups/{id}/issues", get(routes::group_issues))
        .route("/projects/{id}/issues", get(routes::project_issues))
        .route(
            "/projects/{id}/issues/{iid}",
            get(routes::get_issue).put(routes::put_issue),
        )
        .route(
            "/projects/{id}/issues/{iid}/notes",
            get(routes::list_notes).post(routes::create_note),
        )
        .route(
            "/projects/{id}/issues/{iid}/resource_label_events",
            get(routes::label_events),
        )
        .route("/{kind}/{id}/members/all", get(routes::members))
        .route(
            "/{kind}/{id}/boards/{board}/lists",
            get(routes::board_lists_route),
        )
        .route("/{kind}/{id}/{what}", get(routes::scoped_collection))
        .fallback(|| async { routes::error(404, json!({"error": "404 Not Found"})) })
        .layer(middleware::from_fn_with_state(shared.clone(), gatekeeper))
        .with_state(shared.clone());
    let admin = Router::new()
        .route("/stats", get(admin_stats))
        .route("/stats/reset", post(admin_reset))
        .route("/faults", post(admin_faults))
        .with_state(shared.clone());
    let graphql = Router::new()
        .route("/api/graphql", post(graphql::serve))
        .layer(middleware::from_fn_with_state(shared.clone(), gatekeeper))
        .with_state(shared);
    Router::new()
        .nest("/api/v4", api)
        .merge(graphql)
        .nest("/_fake", admin)
}

/// Counting, latency, injected faults, authentication and rate-limit headers, in that order.
async fn gatekeeper(State(app): State<Arc<Shared>>, mut request: Request, next: Next) -> Response {
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

async fn admin_stats(State(app): State<Arc<Shared>>) -> Response {
    axum::Json(json!(app.stats())).into_response()
}

async fn admin_reset(State(app): State<Arc<Shared>>) -> Response {
    app.reset_stats();
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_faults(State(app): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let update: FaultUpdate = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(err) => return routes::error(400, json!({"error": err.to_string()})),
    };
    match app.set_faults(update) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => routes::error(400, json!({"error": message})),
    }
}

//! A fake GitLab: an in-memory GitLab REST v4 subset over real HTTP (axum), following
//! GITLAB_API.md closely enough that GitLab's own clients work against it. It is the demo's
//! backend, the tests' GitLab and the benchmarks' server.
//!
//! Fault knobs (latency, failure schedule or rate, 429s, dropped connections, offline) and
//! request counters are set with flags and at run time through `/_fake/*`, outside `/api/v4`.

mod admin;
mod auth;
pub mod faults;
pub(crate) mod filters;
mod gate;
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

use axum::Router;
use axum::middleware::{self};
use axum::routing::{get, post};
use serde_json::{Value, json};

use admin::{admin_faults, admin_reset, admin_stats};
pub use auth::{FakeToken, TokenKind};
use faults::{Fault, FaultUpdate, Faults, Stats};
use gate::gatekeeper;
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

//! The GitLab REST client: authentication, retries (honouring `Retry-After`, exponential
//! backoff with jitter on 429 and 5xx), slowing down when `RateLimit-Remaining` runs low, and
//! pagination (follow `Link rel="next"`; fetch later pages concurrently when totals are known).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::config::token::Login;
use crate::gitlab::error::{ApiError, error_message};
use crate::gitlab::headers::next_link;
use crate::gitlab::headers::{retry_after, until_reset};
use crate::gitlab::transport::check_url;
use crate::gitlab::transport::{
    certificate_problem, describe, extra_roots, install_crypto_provider,
};

/// How hard to try before giving up on one request.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Pages fetched at once when the server gives totals.
    pub concurrency: usize,
    /// The longest a rate limit is waited out within one request; longer, and the request
    /// fails with `RateLimited` so the rest waits for the next pass.
    pub max_rate_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
            concurrency: 4,
            max_rate_wait: Duration::from_secs(60),
        }
    }
}

/// A GitLab API client for one server.
pub struct Client {
    http: reqwest::Client,
    /// `https://gitlab.example.com` (no trailing slash).
    base: String,
    host: String,
    login: Login,
    policy: RetryPolicy,
    requests: AtomicU64,
    jitter: AtomicU64,
    /// Told when a rate limit is being waited out, and until when.
    on_wait: Option<WaitNotifier>,
}

/// Called with the time a rate-limit wait ends.
pub type WaitNotifier = Box<dyn Fn(chrono::DateTime<chrono::Utc>) + Send + Sync>;

/// One page of a list.
struct Page {
    items: Vec<Value>,
    next: Option<String>,
    total_pages: Option<u32>,
    total: Option<u64>,
}

impl Client {
    /// A client with the system's trusted CAs (and `SSL_CERT_FILE`).
    pub fn new(
        base_url: &str,
        login: impl Into<Login>,
        policy: RetryPolicy,
    ) -> Result<Client, ApiError> {
        Self::connect(base_url, login.into(), policy, None)
    }

    /// A client that also trusts the CAs in `ca_cert` (else the login's own, from glab).
    pub fn connect(
        base_url: &str,
        login: Login,
        policy: RetryPolicy,
        ca_cert: Option<&std::path::Path>,
    ) -> Result<Client, ApiError> {
        check_url(base_url)?;
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("sm-board/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_cert.or(login.ca_cert.as_deref()) {
            builder = builder.tls_certs_merge(extra_roots(path)?);
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Config(format!("cannot set up HTTP: {e}")))?;
        let base = base_url.trim_end_matches('/').to_string();
        let host = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest)
            .split('/')
            .next()
            .unwrap_or("")
            .to_string();
        Ok(Client {
            http,
            base,
            host,
            login,
            policy,
            requests: AtomicU64::new(0),
            jitter: AtomicU64::new(0x9E37_79B9),
            on_wait: None,
        })
    }

    /// Tells `notify` whenever a rate limit is waited out (for a status line).
    pub fn on_rate_limit_wait(mut self, notify: WaitNotifier) -> Self {
        self.on_wait = Some(notify);
        self
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// `/api/v4` + path.
    fn url(&self, path: &str) -> String {
        format!("{}/api/v4{path}", self.base)
    }

    fn jitter(&self, max: Duration) -> Duration {
        let x = self
            .jitter
            .fetch_add(0x6D2B_79F5, Ordering::Relaxed)
            .wrapping_mul(0x5851_F42D_4C95_7F2D);
        let fraction = (x >> 40) as f64 / (1u64 << 24) as f64;
        max.mul_f64(fraction)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.policy.base_delay.saturating_mul(1 << attempt.min(10));
        let capped = exp.min(self.policy.max_delay);
        capped / 2 + self.jitter(capped / 2)
    }

    /// Sends one request with retries; returns the body text and headers of a 2xx answer.
    async fn send(
        &self,
        method: Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotent: bool,
    ) -> Result<(String, HeaderMap), ApiError> {
        let path = url.strip_prefix(&self.base).unwrap_or(url).to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut request = self
                .http
                .request(method.clone(), url)
                // Bearer takes every kind of token GitLab has (personal, project and group
                // access tokens, and OAuth, which PRIVATE-TOKEN refuses).
                .bearer_auth(self.login.secret.expose())
                .query(query);
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.text().await {
                        Ok(text) => Ok((status, headers, text)),
                        Err(err) => Err(err),
                    }
                }
                Err(err) => Err(err),
            };
            let (status, headers, text) = match outcome {
                Ok(answer) => answer,
                Err(err) => {
                    if let Some(problem) = certificate_problem(&err) {
                        return Err(ApiError::Tls {
                            host: self.host.clone(),
                            problem,
                        });
                    }
                    // Connection refused, reset or dropped mid-body, DNS, timeouts.
                    let detail = describe(err);
                    tracing::debug!(%path, attempt, %detail, "request failed");
                    if attempt >= self.policy.attempts.min(3) || !idempotent {
                        return Err(ApiError::Offline {
                            host: self.host.clone(),
                            detail,
                        });
                    }
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
            };
            self.respect_rate_limit(&headers).await;
            if status.is_success() {
                return Ok((text, headers));
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                // Retry-After, else the window's reset, else backoff; never a long silent sleep.
                let wait = retry_after(&headers)
                    .or_else(|| until_reset(&headers, chrono::Utc::now().timestamp()))
                    .unwrap_or_else(|| self.backoff(attempt));
                let until = chrono::Utc::now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                if wait > self.policy.max_rate_wait || attempt >= self.policy.attempts {
                    tracing::warn!(%path, wait_s = wait.as_secs(), "rate limited: giving up this pass");
                    return Err(ApiError::RateLimited { until });
                }
                tracing::info!(%path, attempt, wait_ms = wait.as_millis() as u64, "rate limited: waiting");
                if let Some(notify) = &self.on_wait {
                    notify(until);
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            let retryable = idempotent && matches!(status.as_u16(), 500 | 502 | 503 | 504);
            if retryable && attempt < self.policy.attempts {
                let wait = retry_after(&headers)
                    .unwrap_or_else(|| self.backoff(attempt))
                    .min(self.policy.max_rate_wait);
                tracing::info!(%path, status = status.as_u16(), attempt, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            let message = error_message(&text);
            return Err(match status.as_u16() {
                401 => ApiError::Unauthorized {
                    message,
                    hint: self.login.rejected_hint(),
                },
                403 => ApiError::Forbidden { message },
                404 => ApiError::NotFound { path, message },
                429 | 500..=599 => ApiError::Server {
                    status: status.as_u16(),
                    attempts: attempt,
                },
                other => ApiError::Rejected {
                    status: other,
                    message,
                },
            });
        }
    }

    /// When few requests are left in the window, spread the rest until it resets.
    async fn respect_rate_limit(&self, headers: &HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<i64>().ok())
        };
        let (Some(remaining), Some(limit)) =
            (number("ratelimit-remaining"), number("ratelimit-limit"))
        else {
            return;
        };
        if remaining * 20 >= limit {
            return;
        }
        let now = chrono::Utc::now().timestamp();
        let until_reset = number("ratelimit-reset").map_or(1, |reset| (reset - now).clamp(0, 60));
        let pause = Duration::from_secs(until_reset as u64) / (remaining.max(1) as u32);
        tracing::info!(
            remaining,
            pause_ms = pause.as_millis() as u64,
            "rate limit low: slowing down"
        );
        tokio::time::sleep(pause.min(Duration::from_secs(5))).await;
    }

    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        let (text, _) = self
            .send(Method::GET, &self.url(path), query, None, true)
            .await?;
        parse(&text)
    }

    /// `PUT`: GitLab's issue update with label deltas is idempotent, so it is retried.
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        let (text, _) = self
            .send(Method::PUT, &self.url(path), &[], Some(body), true)
            .await?;
        parse(&text)
    }

    /// `POST`: not idempotent, so only 429 (never processed) is retried.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ApiError> {
        let (text, _) = self
            .send(Method::POST, &self.url(path), &[], Some(body), false)
            .await?;
        parse(&text)
    }

    /// `POST /api/graphql` with a query (read-only, so retried like a `GET`). The answer may
    /// carry GraphQL `errors` with a 200; the caller reads them.
    pub async fn graphql(&self, query: &str, variables: &Value) -> Result<Value, ApiError> {
        let url = format!("{}/api/graphql", self.base);
        let body = serde_json::json!({ "query": query, "variables": variables });
        let (text, _) = self
            .send(Method::POST, &url, &[], Some(&body), true)
            .await?;
        parse(&text)
    }

    /// One page of a list, by path and query (the caller pages).
    pub async fn list_page(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<Value>, ApiError> {
        Ok(self.page(&self.url(path), query).await?.items)
    }

    /// One page of a list and the list's size when GitLab says it (`x-total`; not above
    /// 10,000).
    pub async fn list_page_with_total(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Vec<Value>, Option<u64>), ApiError> {
        let page = self.page(&self.url(path), query).await?;
        Ok((page.items, page.total))
    }

    async fn page(&self, url: &str, query: &[(&str, String)]) -> Result<Page, ApiError> {
        let (text, headers) = self.send(Method::GET, url, query, None, true).await?;
        let items = match parse(&text)? {
            Value::Array(items) => items,
            other => {
                return Err(ApiError::Malformed(format!(
                    "expected a list, got {}",
                    other.to_string().chars().take(80).collect::<String>()
                )));
            }
        };
        Ok(Page {
            items,
            next: next_link(&headers),
            total_pages: headers
                .get("x-total-pages")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok()),
            total: headers
                .get("x-total")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok()),
        })
    }

    /// Every item of a list, delivered page by page in order to `on_page` (which may stop the
    /// listing by returning an error). Later pages are fetched concurrently when the first page
    /// says how many there are; otherwise `Link rel="next"` is followed.
    pub async fn each_page<E: From<ApiError>>(
        &self,
        path: &str,
        query: &[(&str, String)],
        mut on_page: impl FnMut(Vec<Value>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut query: Vec<(&str, String)> = query.to_vec();
        if !query.iter().any(|(k, _)| *k == "per_page") {
            query.push(("per_page", "100".to_string()));
        }
        let url = self.url(path);
        let first = self.page(&url, &query).await?;
        let mut next = first.next.clone();
        let total_pages = first.total_pages;
        on_page(first.items)?;
        if let (Some(total), Some(_)) = (total_pages, next.as_ref())
            && total > 1
        {
            use futures_util::StreamExt;
            let pages = futures_util::stream::iter(2..=total)
                .map(|n| {
                    let mut q = query.clone();
                    q.push(("page", n.to_string()));
                    let url = url.clone();
                    async move { self.page(&url, &q).await }
                })
                .buffered(self.policy.concurrency.max(1));
            futures_util::pin_mut!(pages);
            while let Some(page) = pages.next().await {
                on_page(page?.items)?;
            }
            return Ok(());
        }
        while let Some(link) = next.take() {
            let page = self.page(&link, &[]).await?;
            next = page.next;
            on_page(page.items)?;
        }
        Ok(())
    }
}

fn parse(text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Malformed(format!("invalid JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_for_loopback() {
        assert!(check_url("https://gitlab.com").is_ok());
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://localhost:3000/").is_ok());
        assert!(check_url("http://[::1]:80").is_ok());
        let err = check_url("http://gitlab.example.com").unwrap_err();
        assert!(err.to_string().contains("unencrypted"));
        assert!(check_url("ftp://x").is_err());
    }

    #[test]
    fn the_loopback_exception_cannot_be_borrowed_by_another_host() {
        for url in [
            "http://localhost:x@10.255.255.1/",
            "http://127.0.0.1:1@gitlab.example.com/",
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://[::1].evil.example/",
        ] {
            assert!(check_url(url).is_err(), "{url}");
        }
        let err = check_url("https://user:secret@gitlab.com").unwrap_err();
        assert!(err.to_string().contains("user name or password"));
        assert!(!err.to_string().contains("secret"));
        assert!(check_url("http://LOCALHOST:8080/").is_ok());
        assert!(
            check_url("http://127.0.0.2/").is_ok(),
            "all of 127/8 is loopback"
        );
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "link",
            "<https://g/api/v4/x?page=1>; rel=\"prev\", <https://g/api/v4/x?page=3>; rel=\"next\", \
             <https://g/api/v4/x?page=1>; rel=\"first\""
                .parse()
                .unwrap(),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://g/api/v4/x?page=3")
        );
        headers.insert(
            "link",
            "<https://g/x?page=1>; rel=\"first\"".parse().unwrap(),
        );
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        let client = Client::new(
            "http://127.0.0.1:1",
            crate::config::Secret::new("t".into()),
            RetryPolicy::default(),
        )
        .unwrap();
        for attempt in 1..12 {
            let wait = client.backoff(attempt);
            assert!(wait <= client.policy.max_delay, "{attempt}: {wait:?}");
        }
        assert!(client.backoff(1) < client.backoff(5));
    }
}

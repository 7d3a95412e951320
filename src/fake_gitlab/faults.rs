//! Fault knobs of the fake GitLab: latency, a schedule of failures for the next requests, a
//! failure rate, and counters tests read to check how many requests a sync made.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A 5xx with GitLab's JSON error body.
    Status(u16),
    /// 429 with `Retry-After: n` seconds and a plain-text body.
    TooMany(u64),
    /// Headers sent, then the connection drops mid-body.
    Drop,
}

impl Fault {
    /// `500`, `502`, `503`, `429` or `429:2`, `drop`.
    pub fn parse(text: &str) -> Option<Fault> {
        match text.trim() {
            "drop" => Some(Fault::Drop),
            "429" => Some(Fault::TooMany(1)),
            other => {
                if let Some(secs) = other.strip_prefix("429:") {
                    return secs.parse().ok().map(Fault::TooMany);
                }
                other
                    .parse::<u16>()
                    .ok()
                    .filter(|c| (500..600).contains(c))
                    .map(Fault::Status)
            }
        }
    }
}

/// What `POST /_fake/faults` accepts; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultUpdate {
    pub latency_ms: Option<u64>,
    /// Failures for the next API requests, in order (`["503", "429:1", "drop"]`).
    pub schedule: Option<Vec<String>>,
    /// Fraction of API requests that fail with a random 500/502/503.
    pub error_rate: Option<f64>,
    /// `premium` (scoped labels exclusive) or `free`.
    pub scoped_labels: Option<String>,
    pub create_unknown_labels: Option<bool>,
    /// `false`: answer 404 on `resource_label_events`, like a GitLab older than 11.2.
    pub label_events_api: Option<bool>,
    /// Refuse every API request as if the network were down (connection dropped).
    pub offline: Option<bool>,
    /// After each page of an issue listing that has more pages, someone comments on this many
    /// of the issues already listed: they move to the end of an `updated_at` listing and the
    /// rest shift up, as GitLab's live offset pages do.
    pub live_updates: Option<u32>,
    /// `gitlab.com` (2,000 requests a minute, `RateLimit-*` headers only on the 429) or
    /// `self-managed` (the same budget, headers on every answer: the default).
    pub profile: Option<String>,
    /// Requests per window before a 429 (0: no limit).
    pub rate_limit: Option<u64>,
    pub rate_limit_window_secs: Option<u64>,
    /// `always` or `on_429`.
    pub rate_limit_headers: Option<String>,
    /// `false`: behave like a GitLab older than `add_labels`/`remove_labels` (ignored, as
    /// every unknown parameter is).
    pub add_labels_api: Option<bool>,
    /// Archive this project (id or path).
    pub archive_project: Option<String>,
    /// `full`, `no_work_items` (no `Project.workItems`, GitLab before work items) or `none`
    /// (no `/api/graphql`).
    pub graphql: Option<String>,
    /// The next N GraphQL answers are a 200 with `{"errors": [{"message": "Request timed
    /// out"}]}`, as GitLab answers a query that ran too long.
    pub graphql_timeouts: Option<u32>,
}

#[derive(Debug, Default)]
pub struct Faults {
    pub latency_ms: u64,
    pub schedule: VecDeque<Fault>,
    pub error_rate: f64,
    pub offline: bool,
    pub rng: u64,
    pub live_updates: u32,
}

impl Faults {
    /// The fault for the next request, if any.
    pub fn take_next(&mut self) -> Option<Fault> {
        if self.offline {
            return Some(Fault::Drop);
        }
        if let Some(fault) = self.schedule.pop_front() {
            return Some(fault);
        }
        if self.error_rate > 0.0 {
            self.rng = self
                .rng
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let roll = (self.rng >> 33) as f64 / (1u64 << 31) as f64;
            if roll < self.error_rate {
                return Some(Fault::Status([500, 502, 503][(self.rng % 3) as usize]));
            }
        }
        None
    }
}

/// Requests served, by kind, for tests and benchmarks.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Stats {
    pub total: u64,
    pub by_kind: BTreeMap<String, u64>,
}

impl Stats {
    pub fn count(&mut self, kind: &str) {
        self.total += 1;
        *self.by_kind.entry(kind.to_string()).or_default() += 1;
    }

    pub fn kind(&self, kind: &str) -> u64 {
        self.by_kind.get(kind).copied().unwrap_or(0)
    }
}

/// A request's kind: `GET issues`, `PUT issue`, `POST notes`, ...
pub fn classify(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let last = segments.last().copied().unwrap_or("");
    let noun = match last {
        "issues" => "issues",
        "notes" => "notes",
        "labels" => "labels",
        "milestones" => "milestones",
        "boards" => "boards",
        "all" => "members",
        "resource_label_events" => "label_events",
        "graphql" => "graphql",
        _ if segments.len() >= 2 && segments[segments.len() - 2] == "issues" => "issue",
        _ => "other",
    };
    format!("{method} {noun}")
}

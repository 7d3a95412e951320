//! GitLab's documented rules (GITLAB_API.md), each enforced by the fake and followed by the
//! client, over loopback TCP: how tokens authenticate, which milestones and labels a group
//! sees, offset pages that shift during a listing, gitlab.com's throttling, the filters GitLab
//! applies, confidential issues and archived projects.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;

use serde_json::Value;
use sm_board::config::token::{Login, TokenSource};
use sm_board::config::{Scope, Secret};
use sm_board::demo::generate;
use sm_board::fake_gitlab::{self, DEFAULT_TOKEN, FakeConfig, RunningFake};
use sm_board::gitlab::{ApiError, Client, RetryPolicy};
use sm_board::store::{self, Store};
use sm_board::sync::{SyncError, SyncReport, SyncTarget, sync};
use sm_board::workflow::Workflow;

fn policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: std::time::Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

async fn fake(issues: Vec<Value>) -> RunningFake {
    let milestones = match generate::milestones() {
        Value::Array(all) => all,
        _ => vec![],
    };
    fake_gitlab::start(
        FakeConfig {
            issues: issues.into(),
            milestones,
            token: DEFAULT_TOKEN.into(),
            latency_ms: 0,
        },
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    )
    .await
    .unwrap()
}

fn target(fake: &RunningFake) -> SyncTarget {
    SyncTarget {
        scope: Scope::Group(fake.shared.lock().group_path.clone()),
        scope_label: "sm_request".into(),
        board: Some("SM Request Board".into()),
        activity_per_pass: 0,
        listing_windows: sm_board::sync::target::WINDOWS_FOREGROUND,
    }
}

async fn sync_with(
    client: &Client,
    store: &Store,
    target: &SyncTarget,
) -> Result<SyncReport, SyncError> {
    sync(
        client,
        store,
        &Workflow::default(),
        target,
        false,
        &mut |_| {},
    )
    .await
}

/// A client with the fake's personal access token, and an empty in-memory cache.
fn client_and_cache(fake: &RunningFake) -> (Client, Store) {
    let client = Client::new(
        &fake.base_url(),
        Secret::new(DEFAULT_TOKEN.into()),
        policy(),
    )
    .unwrap();
    (client, Store::open_in_memory().unwrap())
}

/// A plain HTTP client for checking the fake itself.
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn glab_login(token: &str, expiry: Option<&str>) -> Login {
    Login {
        secret: Secret::new(token.into()),
        source: TokenSource::Glab {
            path: "/home/u/.config/glab-cli/config.yml".into(),
            host: "gitlab.example.com".into(),
        },
        oauth: true,
        expiry: expiry.map(str::to_string),
        ca_cert: None,
    }
}

/// One raw request with a header, for checking the fake itself.
async fn raw_get(fake: &RunningFake, header: (&str, &str)) -> (u16, Value) {
    let group = fake.shared.lock().group_path.replace('/', "%2F");
    let response = http()
        .get(format!("{}/api/v4/groups/{group}/issues", fake.base_url()))
        .header(header.0, header.1)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_fake_takes_oauth_tokens_only_as_bearer() {
    let fake = fake(generate::generate(5, 1, generate::default_anchor())).await;
    fake.shared.add_oauth_token("oauth-access", None);
    let (status, body) = raw_get(&fake, ("PRIVATE-TOKEN", "oauth-access")).await;
    assert_eq!(status, 401);
    assert_eq!(body, serde_json::json!({"message": "401 Unauthorized"}));
    assert_eq!(
        raw_get(&fake, ("Authorization", "Bearer oauth-access"))
            .await
            .0,
        200
    );
    // Personal access tokens work both ways.
    assert_eq!(
        raw_get(&fake, ("PRIVATE-TOKEN", DEFAULT_TOKEN)).await.0,
        200
    );
    let bearer = format!("Bearer {DEFAULT_TOKEN}");
    assert_eq!(raw_get(&fake, ("Authorization", &bearer)).await.0, 200);
}

#[tokio::test]
async fn a_glab_oauth_login_syncs() {
    let fake = fake(generate::generate(20, 2, generate::default_anchor())).await;
    fake.shared.add_oauth_token("oauth-access", None);
    let client = Client::new(&fake.base_url(), glab_login("oauth-access", None), policy()).unwrap();
    let store = Store::open_in_memory().unwrap();
    let report = sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(store::load_issues(store.conn()).unwrap().len(), 20);
}

#[tokio::test]
async fn an_expired_oauth_login_says_how_to_refresh_it() {
    let fake = fake(generate::generate(5, 3, generate::default_anchor())).await;
    let past = chrono::Utc::now() - chrono::Duration::hours(3);
    fake.shared.add_oauth_token("stale", Some(past));
    let expiry = past.format("%d %b %y %H:%M UTC").to_string();
    let client = Client::new(
        &fake.base_url(),
        glab_login("stale", Some(&expiry)),
        policy(),
    )
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    let err = sync_with(&client, &store, &target(&fake))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Api(ApiError::Unauthorized { .. })),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("glab auth status") && text.contains("expired") && text.contains("glab's"),
        "{text}"
    );
    assert!(!text.contains("stale\""), "{text}");
}

#[tokio::test]
async fn a_rejected_token_names_where_it_came_from() {
    let fake = fake(generate::generate(5, 4, generate::default_anchor())).await;
    let login = Login {
        source: TokenSource::Variable("GITLAB_ACCESS_TOKEN"),
        ..Login::from(Secret::new("nope".into()))
    };
    let client = Client::new(&fake.base_url(), login, policy()).unwrap();
    let store = Store::open_in_memory().unwrap();
    let text = sync_with(&client, &store, &target(&fake))
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("GITLAB_ACCESS_TOKEN"), "{text}");
    assert!(!text.contains("nope"), "{text}");
}

/// The names of one `/groups/:id/...` or `/projects/:id/...` list, as the fake answers it.
async fn names(fake: &RunningFake, path: &str) -> Vec<String> {
    let response = http()
        .get(format!("{}/api/v4{path}", fake.base_url()))
        .header("PRIVATE-TOKEN", DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let items: Vec<Value> = response.json().await.unwrap();
    items
        .iter()
        .map(|i| {
            i["title"]
                .as_str()
                .or(i["name"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_fake_lists_ancestors_milestones_and_descendants_labels_only_when_asked() {
    let fake = fake(generate::generate(60, 5, generate::default_anchor())).await;
    let board = "/groups/marketing%2Fstrategic-marketing";
    assert_eq!(
        fake.shared.lock().group_path,
        "marketing/strategic-marketing"
    );
    // The workflow's milestones live on the parent group.
    assert!(
        names(&fake, &format!("{board}/milestones"))
            .await
            .is_empty()
    );
    let with = names(&fake, &format!("{board}/milestones?include_ancestors=true")).await;
    assert!(with.contains(&"SM_Backlog".to_string()), "{with:?}");
    assert!(names(&fake, "/groups/marketing/milestones").await.len() >= 4);
    let project = "/projects/marketing%2Fstrategic-marketing%2Fsm-requests";
    assert!(
        names(&fake, &format!("{project}/milestones"))
            .await
            .is_empty()
    );
    let with = names(
        &fake,
        &format!("{project}/milestones?include_ancestors=true"),
    )
    .await;
    assert!(with.contains(&"FY27-Q4".to_string()), "{with:?}");
    // Subgroup labels come only with include_descendant_groups.
    let label = generate::SUBGROUP_LABEL.to_string();
    let own = names(&fake, &format!("{board}/labels")).await;
    assert!(own.contains(&"sm_req::backlog".to_string()), "{own:?}");
    assert!(!own.contains(&label), "{own:?}");
    let with = names(
        &fake,
        &format!("{board}/labels?include_descendant_groups=true"),
    )
    .await;
    assert!(with.contains(&label), "{with:?}");
    // A subgroup sees its ancestors' labels by default.
    let sub = names(
        &fake,
        "/groups/marketing%2Fstrategic-marketing%2Ffield/labels",
    )
    .await;
    assert!(sub.contains(&label) && sub.contains(&"sm_req::backlog".to_string()));
    let sub = names(
        &fake,
        "/groups/marketing%2Fstrategic-marketing%2Ffield/labels?include_ancestor_groups=false",
    )
    .await;
    assert_eq!(sub, [label]);
}

fn cached_milestones(store: &Store) -> Vec<String> {
    store::load_milestones(store.conn())
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect()
}

fn cached_labels(store: &Store) -> Vec<String> {
    let mut stmt = store.conn().prepare("SELECT name FROM labels").unwrap();
    stmt.query_map([], |row| row.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn a_subgroup_board_finds_its_parent_group_s_milestones_and_subgroup_labels() {
    let fake = fake(generate::generate(60, 6, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    sync_with(&client, &store, &target(&fake)).await.unwrap();
    let milestones = cached_milestones(&store);
    for title in ["SM_Backlog", "FY27-Q4"] {
        assert!(milestones.contains(&title.to_string()), "{milestones:?}");
    }
    let labels = cached_labels(&store);
    assert!(
        labels.contains(&generate::SUBGROUP_LABEL.to_string()),
        "{labels:?}"
    );
}

#[tokio::test]
async fn a_project_board_finds_its_ancestors_milestones() {
    let fake = fake(generate::generate(60, 7, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    let target = SyncTarget {
        scope: Scope::Project("marketing/strategic-marketing/sm-requests".into()),
        ..target(&fake)
    };
    let report = sync_with(&client, &store, &target).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert!(cached_milestones(&store).contains(&"SM_Backlog".to_string()));
    assert!(cached_labels(&store).contains(&"sm_req::backlog".to_string()));
}

/// Every issue of the board on the fake, with its `updated_at`.
fn remote_board(fake: &RunningFake) -> std::collections::BTreeMap<i64, String> {
    fake.shared.lock().updated_at_by_id("sm_request")
}

fn cached_board(store: &Store) -> std::collections::BTreeMap<i64, String> {
    store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.updated_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
        })
        .collect()
}

fn live_updates(fake: &RunningFake, count: u32) {
    fake.shared
        .set_faults(sm_board::fake_gitlab::faults::FaultUpdate {
            live_updates: Some(count),
            ..Default::default()
        })
        .unwrap();
}

/// A first sync while two listed issues change after every page: it must end in step with no
/// issue of the board missing.
async fn first_sync_while_pages_shift(fake: &RunningFake) -> (Client, Store) {
    let (client, store) = client_and_cache(fake);
    live_updates(fake, 2);
    let report = sync_with(&client, &store, &target(fake)).await.unwrap();
    live_updates(fake, 0);
    assert!(report.in_step(), "{report:?}");
    let remote = remote_board(fake);
    let cached = cached_board(&store);
    let missing: Vec<&i64> = remote
        .keys()
        .filter(|id| !cached.contains_key(id))
        .collect();
    assert!(missing.is_empty(), "{} missed: {missing:?}", missing.len());
    (client, store)
}

#[tokio::test]
async fn no_issue_is_missed_when_pages_shift_during_the_first_listing() {
    let fake = fake(generate::generate(450, 8, generate::default_anchor())).await;
    let (client, store) = first_sync_while_pages_shift(&fake).await;
    // The next pass catches whatever changed after the listing passed it.
    let report = sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(cached_board(&store), remote_board(&fake));
}

#[tokio::test]
async fn no_update_is_missed_when_pages_shift_during_an_incremental_listing() {
    let fake = fake(generate::generate(300, 9, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    sync_with(&client, &store, &target(&fake)).await.unwrap();
    // 250 issues change, so the next incremental listing spans three pages.
    let ids: Vec<i64> = remote_board(&fake).keys().take(250).copied().collect();
    for id in &ids {
        fake.shared.lock().add_note(*id, "bump".into(), false);
    }
    live_updates(&fake, 3);
    sync_with(&client, &store, &target(&fake)).await.unwrap();
    live_updates(&fake, 0);
    let remote = remote_board(&fake);
    let cached = cached_board(&store);
    let stale: Vec<&i64> = ids
        .iter()
        .filter(|id| cached[*id] < remote[*id] && !stale_by_live_edit(&fake, **id))
        .collect();
    assert!(
        stale.is_empty(),
        "{} updates missed: {stale:?}",
        stale.len()
    );
    sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert_eq!(cached_board(&store), remote_board(&fake));
}

/// Was the issue's last change one of the knob's own comments (made after it was listed)?
fn stale_by_live_edit(fake: &RunningFake, id: i64) -> bool {
    let model = fake.shared.lock();
    model
        .all_notes()
        .into_iter()
        .rev()
        .find(|n| n.issue_id == id)
        .is_some_and(|n| n.body.starts_with("Working on it"))
}

#[tokio::test]
async fn the_hourly_full_pass_comes_for_a_cache_kept_in_step_incrementally() {
    use sm_board::sync::pull::{FULL_PASS_AT, full_pass_due};
    let fake = fake(generate::generate(30, 10, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    let now = chrono::Utc::now();
    assert!(full_pass_due(&store, now).unwrap(), "a new cache");
    sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(
        !full_pass_due(&store, now).unwrap(),
        "the first sync is a full one"
    );
    assert!(full_pass_due(&store, now + chrono::Duration::minutes(61)).unwrap());
    // A cache with a high-water mark but no full pass on record (an older sm-board, or only
    // `sync` runs) gets one too.
    store
        .conn()
        .execute("DELETE FROM sync_state WHERE key = ?1", [FULL_PASS_AT])
        .unwrap();
    assert!(
        store::get_state(store.conn(), store::ISSUES_HIGH_WATER)
            .unwrap()
            .is_some()
    );
    assert!(full_pass_due(&store, now).unwrap());
}

fn throttle(fake: &RunningFake, limit: u64, window_secs: u64) {
    fake.shared
        .set_faults(sm_board::fake_gitlab::faults::FaultUpdate {
            profile: Some("gitlab.com".into()),
            rate_limit: Some(limit),
            rate_limit_window_secs: Some(window_secs),
            ..Default::default()
        })
        .unwrap();
}

#[tokio::test]
async fn the_gitlab_com_profile_sends_rate_limit_headers_only_on_the_429() {
    let fake = fake(generate::generate(5, 11, generate::default_anchor())).await;
    throttle(&fake, 2, 3600);
    let get = || async {
        http()
            .get(format!("{}/api/v4/groups/77/issues", fake.base_url()))
            .header("PRIVATE-TOKEN", DEFAULT_TOKEN)
            .send()
            .await
            .unwrap()
    };
    for _ in 0..2 {
        let ok = get().await;
        assert_eq!(ok.status().as_u16(), 200);
        assert!(ok.headers().get("ratelimit-remaining").is_none());
    }
    let refused = get().await;
    assert_eq!(refused.status().as_u16(), 429);
    let h = refused.headers();
    let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry));
    assert_eq!(h["ratelimit-remaining"], "0");
    assert!(h.get("ratelimit-reset").is_some() && h.get("ratelimit-resettime").is_some());
    assert_eq!(refused.text().await.unwrap(), "Retry later\n");
}

#[tokio::test]
async fn a_short_rate_limit_is_waited_out_and_said() {
    let fake = fake(generate::generate(450, 12, generate::default_anchor())).await;
    throttle(&fake, 4, 2);
    let waits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = waits.clone();
    let client = Client::new(
        &fake.base_url(),
        Secret::new(DEFAULT_TOKEN.into()),
        policy(),
    )
    .unwrap()
    .on_rate_limit_wait(Box::new(move |_| {
        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }));
    let store = Store::open_in_memory().unwrap();
    let report = sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(cached_board(&store), remote_board(&fake));
    assert!(waits.load(std::sync::atomic::Ordering::Relaxed) > 0);
}

#[tokio::test]
async fn a_long_rate_limit_is_reported_not_slept_through() {
    let fake = fake(generate::generate(250, 13, generate::default_anchor())).await;
    throttle(&fake, 2, 3600);
    let (client, store) = client_and_cache(&fake);
    let started = std::time::Instant::now();
    let report = sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(!report.in_step());
    let until = report.rate_limited_until.expect("rate limited");
    assert!(until > chrono::Utc::now() + chrono::Duration::seconds(60));
    let summary = sm_board::commands::sync::summary(&report).join("\n");
    assert!(
        summary.contains("rate limited") && summary.contains("next sync"),
        "{summary}"
    );
    // What was pulled before the limit stays, and the next pass goes on from there.
    let kept = store::load_issues(store.conn()).unwrap().len();
    assert!((100..250).contains(&kept), "{kept}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

async fn https_fake(cert: &str) -> RunningFake {
    let milestones = match generate::milestones() {
        Value::Array(all) => all,
        _ => vec![],
    };
    fake_gitlab::start_with(
        FakeConfig {
            issues: generate::generate(40, 14, generate::default_anchor()).into(),
            milestones,
            token: DEFAULT_TOKEN.into(),
            latency_ms: 0,
        },
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
        Some(fake_gitlab::tls::TlsFiles {
            cert: fixture(&format!("{cert}.pem")),
            key: fixture(&format!("{cert}.key")),
        }),
    )
    .await
    .unwrap()
}

async fn sync_over_tls(fake: &RunningFake, ca: Option<&str>) -> Result<SyncReport, SyncError> {
    let ca = ca.map(fixture);
    let client = Client::connect(
        &fake.base_url(),
        Login::from(Secret::new(DEFAULT_TOKEN.into())),
        policy(),
        ca.as_deref(),
    )
    .unwrap();
    let store = Store::open_in_memory().unwrap();
    sync_with(&client, &store, &target(fake)).await
}

#[tokio::test]
async fn a_private_ca_works_with_ca_cert() {
    let fake = https_fake("server").await;
    assert!(fake.base_url().starts_with("https://"));
    let report = sync_over_tls(&fake, Some("ca.pem")).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.pulled, 40);
}

#[tokio::test]
async fn certificate_failures_are_named_never_offline() {
    let cases = [
        ("server", None, "does not trust"),
        ("expired", Some("ca.pem"), "expired"),
        ("wrong-host", Some("ca.pem"), "another host name"),
    ];
    for (cert, ca, says) in cases {
        let fake = https_fake(cert).await;
        let err = sync_over_tls(&fake, ca).await.unwrap_err();
        assert!(
            matches!(err, SyncError::Api(ApiError::Tls { .. })),
            "{cert}: {err}"
        );
        let text = err.to_string();
        assert!(
            text.contains(says) && text.contains("ca_cert"),
            "{cert}: {text}"
        );
        assert!(!text.contains("offline"), "{text}");
    }
}

async fn put(fake: &RunningFake, path: &str, body: Value) -> (u16, Value) {
    let response = http()
        .put(format!("{}/api/v4{path}", fake.base_url()))
        .header("PRIVATE-TOKEN", DEFAULT_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_fake_validates_state_event_and_reports_deleted_labels_as_null() {
    let fake = fake(generate::generate(5, 15, generate::default_anchor())).await;
    let (id, project, iid) = {
        let model = fake.shared.lock();
        let issue = model.issues.values().next().unwrap().value();
        (
            issue["id"].as_i64().unwrap(),
            issue["project_id"].as_i64().unwrap(),
            issue["iid"].as_i64().unwrap(),
        )
    };
    let path = format!("/projects/{project}/issues/{iid}");
    let (status, body) = put(&fake, &path, serde_json::json!({"state_event": "archive"})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        put(&fake, &path, serde_json::json!({"state_event": "close"}))
            .await
            .0,
        200
    );
    fake.shared.lock().delete_label("sm_request");
    let events = names_of_events(&fake, &format!("{path}/resource_label_events")).await;
    assert!(events.iter().any(Value::is_null), "{events:?}");
    assert!(
        !fake.shared.lock().issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "sm_request")
    );
}

async fn names_of_events(fake: &RunningFake, path: &str) -> Vec<Value> {
    let items: Vec<Value> = http()
        .get(format!("{}/api/v4{path}", fake.base_url()))
        .header("PRIVATE-TOKEN", DEFAULT_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    items.into_iter().map(|e| e["label"].clone()).collect()
}

#[tokio::test]
async fn the_fake_applies_the_list_filters_gitlab_has() {
    let fake = fake(generate::generate(80, 16, generate::default_anchor())).await;
    let count = |query: &'static str| {
        let url = format!(
            "{}/api/v4/groups/77/issues?per_page=100&{query}",
            fake.base_url()
        );
        async move {
            let answer: Value = http()
                .get(url)
                .header("PRIVATE-TOKEN", DEFAULT_TOKEN)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            // A 400 answers with an object, not a list.
            answer.as_array().map_or(0, Vec::len)
        }
    };
    let all = count("").await;
    assert_eq!(all, 80);
    let confidential = count("confidential=true").await;
    assert!(confidential > 0 && confidential < all);
    assert_eq!(count("confidential=false").await, all - confidential);
    let backlog = count("labels=sm_req::backlog").await;
    assert_eq!(count("not[labels]=sm_req::backlog").await, all - backlog);
    assert_eq!(count("milestone=SM_Backlog").await, backlog);
    assert_eq!(count("scope=assigned_to_me").await, 0);
    assert_eq!(count("scope=everything").await, 0, "a 400 is no list");
    // An archived project's issues leave the group's list unless asked for.
    fake.shared
        .set_faults(sm_board::fake_gitlab::faults::FaultUpdate {
            archive_project: Some("marketing/strategic-marketing/competitive-intel".into()),
            ..Default::default()
        })
        .unwrap();
    let visible = count("").await;
    assert!(visible < all);
    assert_eq!(count("non_archived=false").await, all);
}

#[tokio::test]
async fn an_archived_project_is_named_on_a_refused_edit_and_on_the_full_pass() {
    let fake = fake(generate::generate(120, 17, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    let target = target(&fake);
    sync_with(&client, &store, &target).await.unwrap();
    let project = "marketing/strategic-marketing/competitive-intel";
    let record = store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .find(|r| r.reference.starts_with(project) && r.facts.open)
        .unwrap();
    let wf = Workflow::default();
    let edit = sm_board::workflow::edit::set_field(&record.facts, &wf.fields.priority, "1");
    store::apply_edit(
        store.conn(),
        record.id,
        &edit,
        &wf.state_key,
        chrono::Utc::now(),
    )
    .unwrap();
    fake.shared
        .set_faults(sm_board::fake_gitlab::faults::FaultUpdate {
            archive_project: Some(project.into()),
            ..Default::default()
        })
        .unwrap();
    let report = sync_with(&client, &store, &target).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(
        report.failed[0].contains("archived"),
        "{}",
        report.failed[0]
    );
    assert!(!report.failed[0].contains("scope"), "{}", report.failed[0]);
    let report = sync(&client, &store, &wf, &target, true, &mut |_| {})
        .await
        .unwrap();
    assert!(!report.removed.is_empty());
    assert_eq!(report.archived.len(), 1, "{report:?}");
    assert_eq!(report.archived[0].0, project);
    let summary = sm_board::commands::sync::summary(&report).join("\n");
    assert!(summary.contains("is archived"), "{summary}");
}

#[tokio::test]
async fn a_gitlab_without_add_labels_gets_full_label_sets_under_the_same_conflict_rule() {
    let fake = fake(generate::generate(60, 18, generate::default_anchor())).await;
    let (client, store) = client_and_cache(&fake);
    let target = target(&fake);
    let wf = Workflow::default();
    sync_with(&client, &store, &target).await.unwrap();
    fake.shared
        .set_faults(sm_board::fake_gitlab::faults::FaultUpdate {
            add_labels_api: Some(false),
            ..Default::default()
        })
        .unwrap();
    let mut open = store::load_issues(store.conn())
        .unwrap()
        .into_iter()
        .filter(|r| r.facts.open && r.facts.labels.iter().any(|l| l.starts_with("p::")));
    let (first, second) = (open.next().unwrap(), open.next().unwrap());
    // Someone adds a label of their own on GitLab meanwhile: a full set must keep it.
    fake.shared
        .lock()
        .update_issue(
            first.id,
            &sm_board::fake_gitlab::model::IssueUpdate {
                labels: Some(
                    first
                        .facts
                        .labels
                        .iter()
                        .map(|l| l.to_string())
                        .chain(["Needs Review".to_string()])
                        .collect(),
                ),
                ..Default::default()
            },
        )
        .unwrap();
    for record in [&first, &second] {
        let edit = sm_board::workflow::edit::set_field(&record.facts, &wf.fields.priority, "1");
        store::apply_edit(
            store.conn(),
            record.id,
            &edit,
            &wf.state_key,
            chrono::Utc::now(),
        )
        .unwrap();
    }
    let report = sync_with(&client, &store, &target).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(report.pushed, 2);
    let labels = |id: i64| -> Vec<String> {
        fake.shared.lock().issues[&id].value()["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect()
    };
    for record in [&first, &second] {
        let now = labels(record.id);
        assert!(now.contains(&"p::1".to_string()), "{now:?}");
        assert_eq!(
            now.iter().filter(|l| l.starts_with("p::")).count(),
            1,
            "{now:?}"
        );
    }
    assert!(labels(first.id).contains(&"Needs Review".to_string()));
    assert_eq!(
        store::get_state(store.conn(), sm_board::sync::push::LABELS_API)
            .unwrap()
            .as_deref(),
        Some("full_set")
    );
}

#[tokio::test]
async fn a_long_listing_in_concurrent_windows_misses_nothing_while_pages_shift() {
    let fake = fake(generate::generate(1_500, 19, generate::default_anchor())).await;
    let (client, store) = first_sync_while_pages_shift(&fake).await;
    // The mark covers everything listed, so the next pass brings only what changed since.
    fake.shared.reset_stats();
    let report = sync_with(&client, &store, &target(&fake)).await.unwrap();
    assert!(report.in_step(), "{report:?}");
    assert_eq!(cached_board(&store), remote_board(&fake));
    assert!(
        fake.shared.stats().kind("GET issues") <= 2,
        "{:?}",
        fake.shared.stats()
    );
}

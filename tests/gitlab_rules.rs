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
            issues,
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
    let response = reqwest::Client::new()
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

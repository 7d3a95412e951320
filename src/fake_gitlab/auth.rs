//! Who may ask: the tokens the fake accepts (personal access tokens in `PRIVATE-TOKEN` or
//! `Authorization: Bearer`, OAuth tokens only as Bearer, expired ones refused with GitLab's
//! `invalid_token` body).

use serde_json::{Value, json};

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
pub(super) enum Presented {
    PrivateToken(String),
    Bearer(String),
    Nothing,
}

pub(super) fn presented(headers: &axum::http::HeaderMap) -> Presented {
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
pub(super) fn authenticate(tokens: &[FakeToken], presented: Presented) -> Result<bool, Value> {
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

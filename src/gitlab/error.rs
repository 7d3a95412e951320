//! What can go wrong talking to GitLab, each case phrased with what to do about it.

/// A failed GitLab request, after retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("GitLab answered 401 ({message}): {hint}")]
    Unauthorized { message: String, hint: String },
    #[error(
        "the TLS certificate of {host} is {problem}: for a private CA set `ca_cert = \"/path/ca.pem\"` \
         under [gitlab] in the config file (or SSL_CERT_FILE); otherwise the server or the address \
         is not the one you meant"
    )]
    Tls { host: String, problem: String },
    #[error(
        "GitLab answered 403 ({message}): the token may not do this; writing needs a token with \
         scope `api` (a `read_api` token can only read)"
    )]
    Forbidden { message: String },
    #[error(
        "GitLab answered 404 for {path} ({message}): the group or project path is wrong, or this \
         token cannot see it"
    )]
    NotFound { path: String, message: String },
    #[error(
        "{project} is archived on GitLab, so it is read-only: ask a maintainer to unarchive it, \
         or drop the edit with `sm-board resolve REF --theirs`"
    )]
    Archived { project: String },
    #[error("GitLab refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("GitLab kept failing ({status}) after {attempts} attempts; try again later")]
    Server { status: u16, attempts: u32 },
    #[error("cannot reach GitLab at {host} ({detail}); working offline, edits stay queued")]
    Offline { host: String, detail: String },
    #[error(
        "GitLab is rate-limiting this token until {}; what is left waits for the next sync",
        until.with_timezone(&chrono::Local).format("%H:%M:%S")
    )]
    RateLimited {
        until: chrono::DateTime<chrono::Utc>,
    },
    #[error("GitLab sent something that is not what the API documents: {0}")]
    Malformed(String),
    #[error("{0}")]
    Config(String),
}

impl ApiError {
    /// The network is down or the server unreachable: wait and retry later, nothing is wrong
    /// with the request itself.
    pub fn is_offline(&self) -> bool {
        matches!(self, ApiError::Offline { .. })
    }

    /// Worth retrying later as-is (offline or a server that keeps failing).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Offline { .. } | ApiError::Server { .. } | ApiError::RateLimited { .. }
        )
    }
}

/// Reads GitLab's error body: `message` (a string or a field map) and/or `error`.
pub fn error_message(body: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        let text = body.trim();
        return if text.is_empty() {
            "no details".to_string()
        } else {
            text.chars().take(200).collect()
        };
    };
    let mut parts = Vec::new();
    match &value["message"] {
        serde_json::Value::String(s) => parts.push(s.clone()),
        serde_json::Value::Object(fields) => {
            for (field, problems) in fields {
                let problems = match problems {
                    serde_json::Value::Array(items) => items
                        .iter()
                        .filter_map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                parts.push(format!("{field} {problems}"));
            }
        }
        _ => {}
    }
    if let Some(error) = value["error"].as_str() {
        parts.push(error.to_string());
    }
    if let Some(description) = value["error_description"].as_str() {
        parts.push(description.to_string());
    }
    if parts.is_empty() {
        "no details".to_string()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitlab_error_bodies_are_read_in_all_their_shapes() {
        assert_eq!(
            error_message(r#"{"message":"404 Issue Not Found"}"#),
            "404 Issue Not Found"
        );
        assert_eq!(
            error_message(r#"{"message":{"title":["is too long","is invalid"]}}"#),
            "title is too long, is invalid"
        );
        assert_eq!(
            error_message(r#"{"error":"insufficient_scope","error_description":"needs api"}"#),
            "insufficient_scope; needs api"
        );
        assert_eq!(error_message("Retry later\n"), "Retry later");
        assert_eq!(error_message(""), "no details");
    }

    #[test]
    fn messages_say_what_to_do_and_never_carry_a_token() {
        let login = crate::config::token::Login::from(crate::config::Secret::new("glpat-x".into()));
        let e = ApiError::Unauthorized {
            message: "401 Unauthorized".into(),
            hint: login.rejected_hint(),
        };
        assert!(!e.to_string().contains("glpat-x"));
        assert!(e.to_string().contains("GITLAB_TOKEN"));
        assert!(e.to_string().contains("scope `api`"));
    }
}

//! What GitLab's response headers say: how long to wait (`Retry-After`, `RateLimit-Reset`) and
//! where the next page is (`Link rel="next"`).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How long until `RateLimit-Reset` (unix seconds), when the server sent it.
pub(crate) fn until_reset(headers: &HeaderMap, now: i64) -> Option<Duration> {
    let reset = headers
        .get("ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())?;
    Some(Duration::from_secs((reset - now).max(1) as u64))
}

/// `Retry-After` in seconds, when the server sent one.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

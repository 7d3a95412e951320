//! Reading glab's login for a host, the way glab itself finds and reads it: the config file is
//! `$GLAB_CONFIG_DIR/config.yml`, else the legacy `~/.config/glab-cli/config.yml` when it
//! exists, else `<XDG config home>/glab-cli/config.yml`, then each of `$XDG_CONFIG_DIRS`. It is
//! YAML (comments, quoting, flow maps), parsed with a YAML parser. sm-board only reads glab's
//! files, never writes them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use yaml_rust2::{Yaml, YamlLoader};

/// What glab stores for one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlabHost {
    /// The key under `hosts:` (glab's lower-case hostname).
    pub name: String,
    pub token: Option<String>,
    /// `api_host`: the host (and port) the API lives on, when not the key itself.
    pub api_host: Option<String>,
    pub api_protocol: Option<String>,
    /// `is_oauth2: "true"`: the token is an OAuth access token (about two hours long).
    pub oauth: bool,
    /// `oauth2_expiry_date`, as glab wrote it.
    pub oauth_expiry: Option<String>,
    /// `use_keyring: "true"` (`glab auth login --use-keyring`): the token is in the OS keyring.
    pub use_keyring: bool,
    /// A CA bundle for this host (`ca_cert`).
    pub ca_cert: Option<PathBuf>,
}

impl GlabHost {
    /// When the OAuth token expires, if glab recorded it in a form we can read.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        parse_expiry(self.oauth_expiry.as_deref()?)
    }
}

/// Where glab's config is, in glab's order of search: the first file that exists (or, with
/// `GLAB_CONFIG_DIR`, that directory's file and nothing else).
pub fn config_candidates(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
    xdg_config_home: Option<&Path>,
) -> Vec<PathBuf> {
    if let Some(dir) = env("GLAB_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir).join("config.yml")];
    }
    let mut found = Vec::new();
    if let Some(home) = home {
        found.push(home.join(".config").join("glab-cli").join("config.yml"));
    }
    if let Some(config_home) = xdg_config_home {
        found.push(config_home.join("glab-cli").join("config.yml"));
    }
    let system = env("XDG_CONFIG_DIRS")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/etc/xdg".to_string());
    found.extend(
        system
            .split(':')
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(d).join("glab-cli").join("config.yml")),
    );
    found.dedup();
    found
}

/// The config file glab would read: the first candidate that exists.
pub fn find_config(candidates: &[PathBuf]) -> Option<PathBuf> {
    candidates.iter().find(|p| p.is_file()).cloned()
}

/// Why glab's config could not be used.
#[derive(Debug, thiserror::Error)]
#[error("glab's config {path} is not valid YAML ({message}); fix it or set GITLAB_TOKEN")]
pub struct GlabConfigError {
    pub path: PathBuf,
    pub message: String,
}

fn text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.trim().is_empty())
}

fn truthy(value: &Yaml) -> bool {
    text(value).is_some_and(|t| t.eq_ignore_ascii_case("true"))
}

/// Every `hosts:` entry of a glab config, and its top-level default `host:`.
pub fn parse_hosts(
    path: &Path,
    source: &str,
) -> Result<(Vec<GlabHost>, Option<String>), GlabConfigError> {
    let docs = YamlLoader::load_from_str(source).map_err(|e| GlabConfigError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let Some(doc) = docs.first() else {
        return Ok((Vec::new(), None));
    };
    let default_host = text(&doc["host"]);
    let mut hosts = Vec::new();
    if let Some(entries) = doc["hosts"].as_hash() {
        for (key, entry) in entries {
            let Some(name) = text(key) else { continue };
            hosts.push(GlabHost {
                name,
                token: text(&entry["token"]),
                api_host: text(&entry["api_host"]),
                api_protocol: text(&entry["api_protocol"]),
                oauth: truthy(&entry["is_oauth2"]),
                oauth_expiry: text(&entry["oauth2_expiry_date"]),
                use_keyring: truthy(&entry["use_keyring"]),
                ca_cert: text(&entry["ca_cert"]).map(PathBuf::from),
            });
        }
    }
    Ok((hosts, default_host))
}

/// The entry for a GitLab at `host` (`name` or `name:port` of our URL), matched as glab
/// matches: the hostname key case-insensitively, or an `api_host` naming the same host and port.
pub fn host_entry<'h>(hosts: &'h [GlabHost], host: &str) -> Option<&'h GlabHost> {
    let wanted = host.to_ascii_lowercase();
    let (wanted_name, wanted_port) = match wanted.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => (name, Some(port)),
        _ => (wanted.as_str(), None),
    };
    let by_api_host = hosts.iter().find(|h| {
        h.api_host
            .as_deref()
            .is_some_and(|api| api.to_ascii_lowercase() == wanted)
    });
    let by_name = hosts.iter().find(|h| {
        let key = h.name.to_ascii_lowercase();
        let key_matches = key == wanted || key == wanted_name;
        // With a port in our URL, an entry pointing its API at another port is another server.
        let port_matches = match (wanted_port, h.api_host.as_deref()) {
            (Some(port), Some(api)) => api.rsplit_once(':').is_none_or(|(_, p)| p == port),
            _ => true,
        };
        key_matches && port_matches
    });
    by_api_host.or(by_name)
}

/// glab writes `oauth2_expiry_date` in Go's RFC 822 layout (`13 Mar 23 15:47 UTC`); older or
/// hand-made configs may hold RFC 3339. Zone abbreviations other than UTC/GMT/Z are read as
/// UTC (the expiry only explains a rejected token; nothing is refused on it alone).
pub fn parse_expiry(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().trim_matches('"');
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%d %b %y %H:%M %z") {
        return Some(t.with_timezone(&Utc));
    }
    let (stamp, _zone) = text.rsplit_once(' ')?;
    NaiveDateTime::parse_from_str(stamp, "%d %b %y %H:%M")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"# glab config, with comments
git_protocol: ssh
host: gitlab.example.com   # the default host
hosts:
    gitlab.com:
        api_protocol: https
        token: 'glpat-abc'   # quoted
        user: me
    GitLab.Example.com:
        api_host: gitlab.example.com:8443
        token: "oauth-access"
        is_oauth2: "true"
        oauth2_refresh_token: refresh
        oauth2_expiry_date: 13 Mar 23 15:47 GMT
        ca_cert: /etc/ssl/private-ca.pem
    keyring.example.org: {use_keyring: "true", is_oauth2: true}
"#;

    fn hosts() -> Vec<GlabHost> {
        parse_hosts(Path::new("config.yml"), CONFIG).unwrap().0
    }

    #[test]
    fn hosts_are_read_with_comments_quotes_and_flow_maps() {
        let (hosts, default) = parse_hosts(Path::new("c.yml"), CONFIG).unwrap();
        assert_eq!(default.as_deref(), Some("gitlab.example.com"));
        assert_eq!(hosts.len(), 3);
        assert_eq!(hosts[0].token.as_deref(), Some("glpat-abc"));
        assert!(!hosts[0].oauth);
        assert_eq!(hosts[1].token.as_deref(), Some("oauth-access"));
        assert!(hosts[1].oauth);
        assert_eq!(
            hosts[1].ca_cert.as_deref(),
            Some(Path::new("/etc/ssl/private-ca.pem"))
        );
        assert!(hosts[2].use_keyring && hosts[2].oauth && hosts[2].token.is_none());
    }

    #[test]
    fn hosts_match_as_glab_matches_them() {
        let hosts = hosts();
        assert_eq!(host_entry(&hosts, "gitlab.com").unwrap().name, "gitlab.com");
        assert_eq!(host_entry(&hosts, "GITLAB.COM").unwrap().name, "gitlab.com");
        // The port lives in api_host.
        let entry = host_entry(&hosts, "gitlab.example.com:8443").unwrap();
        assert_eq!(entry.token.as_deref(), Some("oauth-access"));
        // The key matches case-insensitively too, without a port.
        assert!(host_entry(&hosts, "gitlab.example.com").is_some());
        // Same name, another port: another server.
        assert!(host_entry(&hosts, "gitlab.example.com:9999").is_none());
        assert!(host_entry(&hosts, "other.host").is_none());
    }

    #[test]
    fn broken_yaml_is_an_error_that_names_the_file() {
        let err = parse_hosts(Path::new("/x/config.yml"), "hosts: [unclosed").unwrap_err();
        assert!(err.to_string().contains("/x/config.yml"), "{err}");
    }

    #[test]
    fn glab_s_expiry_dates_are_read() {
        let t = parse_expiry("13 Mar 23 15:47 GMT").unwrap();
        assert_eq!(t.to_rfc3339(), "2023-03-13T15:47:00+00:00");
        let t = parse_expiry("01 Jan 50 00:00 UTC").unwrap();
        assert_eq!(t.format("%Y").to_string(), "2050");
        assert!(parse_expiry("2026-06-18T14:00:00Z").is_some());
        assert!(parse_expiry("soon").is_none());
    }

    #[test]
    fn the_search_follows_glab_s_order() {
        let env = |name: &str| match name {
            "XDG_CONFIG_DIRS" => Some("/etc/a:/etc/b".to_string()),
            _ => None,
        };
        let found = config_candidates(&env, Some(Path::new("/home/u")), Some(Path::new("/x/conf")));
        let shown: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            shown,
            [
                "/home/u/.config/glab-cli/config.yml",
                "/x/conf/glab-cli/config.yml",
                "/etc/a/glab-cli/config.yml",
                "/etc/b/glab-cli/config.yml"
            ]
        );
        let env = |name: &str| (name == "GLAB_CONFIG_DIR").then(|| "/g".to_string());
        assert_eq!(
            config_candidates(&env, Some(Path::new("/home/u")), None),
            [PathBuf::from("/g/config.yml")]
        );
    }
}

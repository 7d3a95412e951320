//! The client's connection: which URLs it may talk to (HTTPS, or plain HTTP only on loopback),
//! the TLS roots (the system's plus a private CA), and transport failures told in words.

use crate::gitlab::error::ApiError;

pub(crate) fn install_crypto_provider() {
    // reqwest is built without a provider (no aws-lc C build); ring it is. A second call is a
    // harmless "already installed".
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Is this URL allowed? `https://` always, `http://` only for loopback addresses. The URL is
/// parsed (never matched as text), so `http://localhost:x@10.0.0.1/` is seen for what it is: a
/// remote host with credentials in it, which are refused anywhere.
pub fn check_url(url: &str) -> Result<(), ApiError> {
    let parsed = url::Url::parse(url).map_err(|e| {
        ApiError::Config(format!(
            "`{url}` is not a URL ({e}): use https://your.gitlab.host"
        ))
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ApiError::Config(
            "the GitLab URL carries a user name or password: remove them (the token comes from \
             GITLAB_TOKEN or glab's login)"
                .into(),
        ));
    }
    let host = match parsed.host() {
        Some(host) => host,
        None => {
            return Err(ApiError::Config(format!(
                "`{url}` names no host: use https://your.gitlab.host"
            )));
        }
    };
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match host {
                url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
                url::Host::Ipv4(ip) => ip.is_loopback(),
                url::Host::Ipv6(ip) => ip.is_loopback(),
            };
            if loopback {
                Ok(())
            } else {
                Err(ApiError::Config(format!(
                    "refusing plain http:// to {host}: the token would travel unencrypted; use https://"
                )))
            }
        }
        _ => Err(ApiError::Config(format!(
            "`{url}` is not an http(s) URL: use https://your.gitlab.host"
        ))),
    }
}

/// Extra CAs to trust, from a PEM file (`[gitlab] ca_cert`, glab's per-host `ca_cert`).
pub(crate) fn extra_roots(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let pem = std::fs::read(path).map_err(|e| {
        ApiError::Config(format!(
            "cannot read the CA certificate file {} ({e}); fix `ca_cert` or remove it",
            path.display()
        ))
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        ApiError::Config(format!(
            "{} holds no PEM certificate ({e}); `ca_cert` needs the CA in PEM form",
            path.display()
        ))
    })?;
    if certs.is_empty() {
        return Err(ApiError::Config(format!(
            "{} holds no PEM certificate; `ca_cert` needs the CA in PEM form",
            path.display()
        )));
    }
    Ok(certs)
}

/// What is wrong with the server's certificate, when that is why the connection failed.
pub(crate) fn certificate_problem(err: &reqwest::Error) -> Option<String> {
    use rustls::CertificateError;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = next {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(cert) => match cert {
                    CertificateError::UnknownIssuer => {
                        "issued by a certificate authority this machine does not trust".into()
                    }
                    CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                        "expired".into()
                    }
                    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                        "not valid yet".into()
                    }
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. } => {
                        "made out for another host name".into()
                    }
                    CertificateError::Revoked => "revoked".into(),
                    other => format!("rejected ({other:?})"),
                },
                other => format!("not usable: TLS failed ({other})"),
            });
        }
        // An io::Error's `source` skips the error it wraps: step into it instead.
        next = match current.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

pub(crate) fn describe(err: reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".to_string()
    } else if err.is_connect() {
        "connection refused or unreachable".to_string()
    } else if err.is_body() || err.is_decode() {
        "connection dropped mid-answer".to_string()
    } else {
        // Without the URL: it is ours to log, and keeps messages short.
        err.without_url().to_string()
    }
}

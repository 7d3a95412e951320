//! `sm-board fake-gitlab`: serves the fake GitLab (bundled, generated or `--data` issues) until
//! Ctrl-C, printing its URL on stdout for scripts.

use color_eyre::eyre::{Result, WrapErr, eyre};

/// What `sm-board fake-gitlab` serves, and how.
pub struct FakeServe {
    pub listen: std::net::SocketAddr,
    pub issues: Option<usize>,
    pub seed: u64,
    pub data: Option<std::path::PathBuf>,
    pub latency_ms: u64,
    pub token: String,
    pub oauth_tokens: Vec<String>,
    pub tls: Option<crate::fake_gitlab::tls::TlsFiles>,
    pub faults: crate::fake_gitlab::faults::FaultUpdate,
}

/// Serves until Ctrl-C.
pub fn serve(serve: FakeServe) -> Result<()> {
    let FakeServe {
        listen,
        issues,
        seed,
        data,
        latency_ms,
        token,
        oauth_tokens,
        tls,
        faults,
    } = serve;
    let generated = issues.is_some();
    let issues = match (data, issues) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(&path)
                .wrap_err_with(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str::<Vec<serde_json::Value>>(&text).wrap_err_with(|| {
                format!("{} is not a JSON array of GitLab issues", path.display())
            })?
        }
        (None, Some(n)) => {
            crate::demo::generate::generate(n, seed, crate::demo::generate::default_anchor())
        }
        (None, None) => crate::demo::bundled_issues()?,
    };
    // Generated requests refer to the generator's milestones; other data carries its own.
    let milestones = match crate::demo::generate::milestones() {
        serde_json::Value::Array(all) if generated => all,
        _ => Vec::new(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?;
    runtime.block_on(async move {
        let count = issues.len();
        let fake = crate::fake_gitlab::start_with(
            crate::fake_gitlab::FakeConfig {
                issues: issues.into(),
                milestones,
                token,
                latency_ms,
            },
            listen,
            tls,
        )
        .await
        .wrap_err_with(|| format!("cannot serve on {listen}"))?;
        for oauth in &oauth_tokens {
            fake.shared.add_oauth_token(oauth, None);
        }
        fake.shared.set_faults(faults).map_err(|e| {
            eyre!("{e} (faults are 500, 502, 503, 429, 429:SECS or drop; profiles gitlab.com or self-managed)")
        })?;
        println!("{}", fake.base_url());
        std::io::Write::flush(&mut std::io::stdout())?;
        eprintln!(
            "fake GitLab serving {count} issues at {}/api/v4 (group {}); Ctrl-C stops it",
            fake.base_url(),
            fake.shared.lock().group_path
        );
        tokio::signal::ctrl_c().await?;
        fake.stop().await;
        Ok(())
    })
}

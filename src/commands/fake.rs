//! `sm-board fake-gitlab`: serves the fake GitLab (bundled, generated or `--data` issues) until
//! Ctrl-C, printing its URL on stdout for scripts.

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::cli::FakeGitlabArgs;

/// Serves until Ctrl-C.
pub fn serve(args: FakeGitlabArgs) -> Result<()> {
    let FakeGitlabArgs {
        listen,
        issues,
        seed,
        data,
        latency_ms,
        token,
        faults,
        error_rate,
        oauth_token: oauth_tokens,
        profile,
        rate_limit,
        tls_cert,
        tls_key,
    } = args;
    let tls = tls_cert
        .zip(tls_key)
        .map(|(cert, key)| crate::fake_gitlab::tls::TlsFiles { cert, key });
    let faults = crate::fake_gitlab::faults::FaultUpdate {
        schedule: (!faults.is_empty()).then_some(faults),
        error_rate,
        profile,
        rate_limit,
        ..Default::default()
    };
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

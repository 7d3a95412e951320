//! `sm-board sync`, and the push that `move`/`label`/`resolve` try after queueing: connecting
//! to the configured GitLab, progress on stderr, and a summary with an exit code.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Config, token};
use crate::gitlab::{ApiError, Client, RetryPolicy};
use crate::store::Store;
use crate::sync::{self, Progress, SyncReport, SyncTarget};

/// Why there is no GitLab to talk to.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "no GitLab is configured: set [gitlab] url and group (or project) in the config file, \
         or pass --gitlab-url and --group/--project"
    )]
    NotConfigured,
    #[error(transparent)]
    NoToken(#[from] token::NoToken),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A client and target for the configured GitLab. A rate-limit wait is said above `bar`
/// (on stderr even when it is not a terminal: a wait is news, not progress).
pub fn connect(
    config: &Config,
    policy: RetryPolicy,
    bar: ProgressBar,
) -> Result<(Client, SyncTarget), ConnectError> {
    let gitlab = config.gitlab.as_ref().ok_or(ConnectError::NotConfigured)?;
    let login = token::resolve(gitlab)?;
    let client = Client::connect(&gitlab.url, login, policy, gitlab.ca_cert.as_deref())?
        .on_rate_limit_wait(Box::new(move |until| {
            let until = until.with_timezone(&chrono::Local).format("%H:%M:%S");
            let line = format!("GitLab is rate-limiting this token: waiting until {until}");
            if bar.is_hidden() {
                eprintln!("{line}");
            } else {
                bar.set_message(format!("rate limited until {until}"));
                bar.println(line);
            }
        }));
    Ok((
        client,
        SyncTarget {
            scope: gitlab.scope.clone(),
            scope_label: config.workflow.scope_label.clone(),
            board: gitlab.board.clone(),
            // The command line waits for everything.
            activity_per_pass: usize::MAX,
            listing_windows: crate::sync::target::WINDOWS_FOREGROUND,
        },
    ))
}

/// A progress bar on stderr when it is a terminal (hidden otherwise): issues listed of the
/// listing's total, then comments and label history fetched of the issues waiting, each with
/// its rate and time left, and any rate-limit wait as its message.
pub fn progress_bar() -> ProgressBar {
    if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    }
}

const COUNTED: &str = "{prefix} [{bar:30}] {human_pos}/{human_len} · {rate} · {eta} left {msg}";
const UNCOUNTED: &str = "{prefix} {human_pos} · {rate} {msg}";

/// Drives `bar` from a pass's progress.
pub fn show_progress(bar: ProgressBar) -> impl FnMut(Progress) {
    let style = |template: &str| {
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = write!(out, "{:.0}/s", state.per_sec());
                },
            )
            .progress_chars("=> ")
    };
    let mut stage = "";
    move |progress| {
        let (name, done, total) = match progress {
            Progress::Pushing { done, total } if total > 0 => {
                ("pushing edits", done as u64, Some(total as u64))
            }
            Progress::Pushing { .. } => return,
            Progress::Pulling { pulled, total } => ("issues", pulled as u64, total),
            Progress::Activity { waiting } => {
                ("comments and label history", 0, Some(waiting.max(0) as u64))
            }
            Progress::ActivityFetched { done, of } => {
                ("comments and label history", done as u64, Some(of as u64))
            }
        };
        if stage != name {
            // A new stage starts its own count, rate and estimate.
            stage = name;
            bar.reset();
            bar.set_message("");
            bar.set_prefix(name);
            bar.set_style(style(if total.is_some() { COUNTED } else { UNCOUNTED }));
        }
        if let Some(total) = total {
            bar.set_length(total.max(done));
        }
        bar.set_position(done);
    }
}

/// The summary, for people.
pub fn summary(report: &SyncReport) -> Vec<String> {
    let mut lines = vec![format!(
        "pushed {} edit(s), pulled {} issue(s){}, {} request(s)",
        report.pushed,
        report.pulled,
        if report.full { " (full pass)" } else { "" },
        report.requests
    )];
    if report.activity > 0 || report.activity_waiting > 0 {
        lines.push(format!(
            "comments and label history: {} issue(s) fetched, {} still to fetch",
            report.activity, report.activity_waiting
        ));
    }
    for (project, count) in &report.archived {
        lines.push(format!(
            "{project} is archived: its {count} request(s) left the board (GitLab lists no \
             issues of archived projects)"
        ));
    }
    if !report.removed.is_empty() {
        lines.push(format!(
            "removed {} issue(s) GitLab no longer lists (deleted, moved or not visible): {}",
            report.removed.len(),
            report.removed.join(", ")
        ));
    }
    for conflict in &report.conflicts {
        lines.push(format!(
            "conflict: {conflict}; keep yours or take GitLab's with `sm-board resolve`"
        ));
    }
    for failed in &report.failed {
        lines.push(format!(
            "failed: {failed}; retry or drop it with `sm-board resolve REF --mine|--theirs`"
        ));
    }
    match (&report.offline, report.rate_limited_until) {
        (Some(why), Some(_)) => lines.push(format!("rate limited: {why}")),
        (Some(offline), None) => lines.push(format!("offline: {offline}")),
        _ => {}
    }
    if report.push_busy {
        lines.push(
            "another sm-board is pushing from this cache: the queued edits go out with it"
                .to_string(),
        );
    }
    if report.unsent > 0 {
        lines.push(format!("{} edit(s) not on GitLab yet", report.unsent));
    } else if report.offline.is_none() {
        lines.push("in step with GitLab".to_string());
    }
    lines
}

/// Runs one pass in a fresh runtime (the CLI is synchronous).
pub fn run_pass(
    store: &Store,
    config: &Config,
    full: bool,
    policy: RetryPolicy,
) -> color_eyre::Result<SyncReport> {
    let bar = progress_bar();
    let (client, target) = connect(config, policy, bar.clone())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut progress = show_progress(bar.clone());
    let report = runtime.block_on(sync::sync(
        &client,
        store,
        &config.workflow,
        &target,
        full,
        &mut progress,
    ));
    bar.finish_and_clear();
    Ok(report?)
}

/// Pushes only (after `move`/`label`/`resolve`), quickly: a few attempts, then "queued".
pub fn push_now(store: &Store, config: &Config) -> color_eyre::Result<SyncReport> {
    let (client, _) = connect(
        config,
        RetryPolicy {
            attempts: 2,
            ..RetryPolicy::default()
        },
        ProgressBar::hidden(),
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut report = SyncReport::default();
    runtime.block_on(sync::push::push(
        &client,
        store,
        &config.workflow,
        &mut report,
        &mut |_| {},
    ))?;
    report.unsent = crate::store::pending_count(store.conn())?;
    Ok(report)
}

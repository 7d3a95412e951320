//! The commands that change things (`move`, `label`, `resolve`, `sync`), as the binary runs
//! them: queue in the cache, try to push, and say plainly what happened.

use std::io::IsTerminal;
use std::process::ExitCode;

use chrono::Utc;
use color_eyre::Result;

use crate::commands::edit::{self, MoveAnswers};
use crate::commands::sync::{push_now, run_pass, summary};
use crate::config::Config;
use crate::gitlab::RetryPolicy;
use crate::session;
use crate::store::{self, Store};
use crate::sync::SyncReport;

/// `println!` and `eprintln!`, through the sanitiser (these lines name GitLab's labels,
/// milestones and references) and quiet on a closed pipe.
macro_rules! say_fmt {
    ($($arg:tt)*) => { crate::output::say(&format!($($arg)*)) };
}
macro_rules! warn_fmt {
    ($($arg:tt)*) => { crate::output::warn(&format!($($arg)*)) };
}

/// Exit code when the command worked but left something undone (offline, conflicts, failures).
pub const UNDONE: u8 = 2;

/// After queueing: push when a GitLab is configured, and report.
fn push_and_report(store: &Store, config: &Config) -> Result<ExitCode> {
    if config.gitlab.is_none() {
        say_fmt!("(no GitLab configured: the edit stays in this cache)");
        return Ok(ExitCode::SUCCESS);
    }
    let report = match push_now(store, config) {
        Ok(report) => report,
        Err(err) => {
            warn_fmt!("not pushed: {err}");
            warn_fmt!("the edit stays queued and goes out with the next `sm-board sync`");
            return Ok(ExitCode::FAILURE);
        }
    };
    print_push(&report);
    Ok(if report.conflicts.is_empty() && report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(UNDONE)
    })
}

fn print_push(report: &SyncReport) {
    if let Some(offline) = &report.offline {
        say_fmt!("offline, queued: {offline}");
    } else if report.push_busy {
        say_fmt!("another sm-board is pushing; your edit is queued and goes out with it");
    } else if report.pushed > 0 {
        say_fmt!("pushed to GitLab");
    }
    for conflict in &report.conflicts {
        warn_fmt!("conflict: {conflict}");
        warn_fmt!("  settle it with `sm-board resolve REF --mine` or `--theirs`");
    }
    for failed in &report.failed {
        warn_fmt!("failed: {failed}");
    }
}

pub fn move_request(
    config: &Config,
    reference: &str,
    state: &str,
    mut answers: MoveAnswers,
) -> Result<ExitCode> {
    let (store, _) = session::open_cache(config)?;
    if !answers.yes && std::io::stdin().is_terminal() {
        answers.yes = ask_unusual(&store, config, reference, state)?;
    }
    let (issue, queued, notes) = edit::queue_move(
        &store,
        &config.workflow,
        reference,
        state,
        &answers,
        Utc::now(),
    )?;
    say_fmt!("queued: {} {}", issue.reference, queued.summary);
    for note in notes {
        warn_fmt!("note: {note}");
    }
    push_and_report(&store, config)
}

pub fn label_request(config: &Config, reference: &str, labels: &[String]) -> Result<ExitCode> {
    let (store, _) = session::open_cache(config)?;
    match edit::queue_labels(&store, &config.workflow, reference, labels, Utc::now())? {
        (issue, Some(queued)) => say_fmt!("queued: {} {}", issue.reference, queued.summary),
        (issue, None) => {
            say_fmt!(
                "{}: labels already as asked, nothing queued",
                issue.reference
            );
            return Ok(ExitCode::SUCCESS);
        }
    }
    push_and_report(&store, config)
}

pub fn resolve(config: &Config, reference: &str, keep_mine: bool) -> Result<ExitCode> {
    let (store, _) = session::open_cache(config)?;
    let (issue, seq, why) = edit::conflict_of(&store, reference)?;
    store::resolve_conflict(store.conn(), seq, keep_mine, &config.workflow.state_key)?;
    if keep_mine {
        say_fmt!("{}: keeping your edit ({why})", issue.reference);
        push_and_report(&store, config)
    } else {
        say_fmt!(
            "{}: took GitLab's version; your edit was dropped",
            issue.reference
        );
        Ok(ExitCode::SUCCESS)
    }
}

pub fn sync(config: &Config, full: bool) -> Result<ExitCode> {
    let (store, _) = session::open_cache(config)?;
    let report = run_pass(&store, config, full, RetryPolicy::default())?;
    for line in summary(&report) {
        warn_fmt!("{line}");
    }
    Ok(if report.in_step() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(UNDONE)
    })
}

/// For an interactive `move` the workflow calls unusual, ask on the terminal (default no).
fn ask_unusual(store: &Store, config: &Config, reference: &str, state: &str) -> Result<bool> {
    use std::io::Write;
    let Ok(issue) = edit::resolve(store, reference) else {
        return Ok(false);
    };
    let wf = &config.workflow;
    let Some(to) = wf.parse_state(state) else {
        return Ok(false);
    };
    let placement = crate::workflow::classify(wf, &issue.facts).placement;
    let Ok(plan) = crate::workflow::plan_move(
        wf,
        &issue.facts,
        placement,
        to,
        &[],
        Utc::now().date_naive(),
    ) else {
        return Ok(false);
    };
    let Some(crate::workflow::Need::Confirm(question)) = plan.needs.front() else {
        return Ok(false);
    };
    eprint!("{} [y/N] ", crate::sanitize::clean_line(question));
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

//! Wiring only: parse the command line, install error reporting and logging, dispatch.

use std::io::IsTerminal;
use std::process::ExitCode;

use chrono::{Local, Utc};
use color_eyre::eyre::{Result, WrapErr, eyre};

use sm_board::app::{AppState, Source};
use sm_board::cli::{Command, GlobalArgs};
use sm_board::commands::{board, edit, run, status};
use sm_board::config::{self, Config, Overrides};
use sm_board::session;
use sm_board::tui::WorkerStart;

fn main() -> ExitCode {
    if let Err(err) = install_error_reporting() {
        eprintln!("error: cannot set up error reporting: {err}");
    }
    match run() {
        Ok(code) => code,
        Err(report) => {
            // Errors name GitLab's labels, milestones and paths: through the sanitiser, as
            // "error: what happened: why", each cause once.
            let mut text = String::from("error: ");
            for (n, cause) in report.chain().enumerate() {
                let cause = cause.to_string();
                if text.contains(&cause) {
                    continue; // a message that already quotes its source
                }
                if n > 0 {
                    text.push_str(": ");
                }
                text.push_str(&cause);
            }
            sm_board::output::warn(&text);
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and memory
/// freed in one is not reused by another: the demo, whose fake GitLab, sync worker and board
/// each build large data on their own threads, peaked at 203 MB RSS for 65 MB of live heap;
/// with two arenas, 114 MB. The demo sets two before its threads start. The board sets one
/// once its board is built: the parallel load keeps its own arenas (at 50,000 requests a
/// shared one made the first frame 91 -> 140 ms), and the threads that start after it (sync,
/// learner, full-text lookups) reuse those instead of each adding one (a syncing board at
/// 10,000: peak RSS 41 -> 36 MB).
fn limit_malloc_arenas(max: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter (under glibc's own lock); arenas made
    // before stay, new threads share the existing ones.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, max);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = max;
}

fn run() -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let cli = sm_board::cli::parse();
    match &cli.command {
        Some(Command::Completions { shell }) => {
            let mut command = sm_board::cli::command();
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut command, "sm-board", &mut out);
            sm_board::output::print_rendered(&String::from_utf8_lossy(&out));
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(sm_board::cli::command())
                .render(&mut out)
                .wrap_err("cannot render the man page")?;
            sm_board::output::print_rendered(&String::from_utf8_lossy(&out));
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let config = load_config(&cli.global)?;
    let _log_guard = sm_board::logging::init_logging();
    let done: Result<()> = match cli.command {
        #[cfg(feature = "fake-gitlab")]
        None if config.gitlab.is_none() => run_demo(&config, None, 1, false, started),
        #[cfg(not(feature = "fake-gitlab"))]
        None if config.gitlab.is_none() => Err(eyre!(
            "no GitLab is configured: set [gitlab] url and group in the config file, or pass \
             --gitlab-url and --group (this build has no demo: it was built without the \
             fake-gitlab feature)"
        )),
        None => run_board(&config, started),
        #[cfg(feature = "fake-gitlab")]
        Some(Command::Demo {
            issues,
            seed,
            offline,
        }) => run_demo(&config, issues, seed, offline, started),
        Some(Command::Status {
            format,
            since,
            include_confidential,
        }) => {
            let (store, _) = session::open_cache(&config)?;
            let data = session::load_board(&store)?;
            let prefix = format!("{}::", config.workflow.state_key);
            let events = sm_board::store::load_events_with_prefix(store.conn(), &prefix)?;
            let clock = sm_board::metrics::Clock {
                now: report_time()?,
                offset: *Local::now().offset(),
            };
            let since = match since {
                Some(text) => status::parse_since(&text, &clock).map_err(|e| eyre!(e))?,
                None => clock.previous_working_day(),
            };
            let report = status::report(&config.workflow, &data, &events, clock, since);
            let tty = std::io::stdout().is_terminal() && !sm_board::output::no_color();
            let text = status::render(&report, format, &clock, tty, include_confidential);
            sm_board::output::print_rendered(&text);
            Ok(())
        }
        Some(Command::Suggest {
            reference,
            evaluate,
            format,
        }) => {
            let (store, _) = session::open_cache(&config)?;
            let docs = sm_board::commands::suggest::load_docs(&store)?;
            let text = match reference {
                Some(reference) if !evaluate => {
                    let record = sm_board::commands::edit::resolve(&store, &reference)?;
                    let target = docs
                        .iter()
                        .find(|d| d.id == record.id)
                        .ok_or_else(|| eyre!("`{reference}` is not in the cache"))?;
                    sm_board::commands::suggest::suggestions(
                        &config.workflow,
                        &docs,
                        target,
                        format,
                    )
                }
                _ => sm_board::commands::suggest::evaluation(&config.workflow, &docs, format),
            };
            sm_board::output::print_rendered(&text);
            Ok(())
        }
        Some(Command::Similar { reference, format }) => {
            let (store, _) = session::open_cache(&config)?;
            let docs = sm_board::commands::suggest::load_docs(&store)?;
            let record = sm_board::commands::edit::resolve(&store, &reference)?;
            let target = docs
                .iter()
                .find(|d| d.id == record.id)
                .ok_or_else(|| eyre!("`{reference}` is not in the cache"))?;
            let text = sm_board::commands::suggest::similar_list(
                &docs,
                target,
                &config.workflow.state_key,
                report_time()?,
                format,
            );
            sm_board::output::print_rendered(&text);
            Ok(())
        }
        Some(Command::Board { width, height }) => {
            let (store, source) = session::open_cache(&config)?;
            let (term_w, term_h) = crossterm::terminal::size().unwrap_or((160, 48));
            let state = new_state(&config, &store, source)?;
            let text = board::render_text(
                &state,
                width.unwrap_or(term_w).max(1),
                height.unwrap_or(term_h).max(1),
            )?;
            sm_board::output::print_rendered(&text);
            Ok(())
        }
        Some(Command::Move {
            reference,
            state,
            yes,
            team,
            assignee,
            milestone,
        }) => {
            let answers = edit::MoveAnswers {
                yes,
                team,
                assignee,
                milestone,
            };
            return run::move_request(&config, &reference, &state, answers);
        }
        Some(Command::Sync { full }) => return run::sync(&config, full),
        Some(Command::Resolve {
            reference, mine, ..
        }) => return run::resolve(&config, &reference, mine),
        #[cfg(feature = "fake-gitlab")]
        Some(Command::FakeGitlab(args)) => sm_board::commands::fake::serve(args),
        // Printed before any config is read (a broken config must not stop them).
        Some(Command::Completions { .. } | Command::Man) => Ok(()),
        Some(Command::Label {
            reference,
            mut labels,
            remove,
        }) => {
            labels.extend(remove.into_iter().map(|name| format!("-{name}")));
            if labels.is_empty() {
                return Err(eyre!("name at least one label to add, or --remove NAME"));
            }
            return run::label_request(&config, &reference, &labels);
        }
    };
    done?;
    Ok(ExitCode::SUCCESS)
}

/// Errors read as messages for people: no source location, no colour when piped. Panics still
/// get the full report (they are bugs).
fn install_error_reporting() -> Result<()> {
    let mut hook = color_eyre::config::HookBuilder::default()
        .display_location_section(false)
        .display_env_section(false);
    if !std::io::stderr().is_terminal() {
        hook = hook.theme(color_eyre::config::Theme::new());
    }
    hook.install()
}

fn load_config(global: &GlobalArgs) -> Result<Config> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // Flags beat environment: the environment's group/project count only when no flag set one.
    let (group, project) = match (&global.group, &global.project) {
        (None, None) => (env("SM_BOARD_GROUP"), env("SM_BOARD_PROJECT")),
        (g, p) => (g.clone(), p.clone()),
    };
    let config = config::load(&Overrides {
        config: global.config.clone(),
        db: global.db.clone(),
        gitlab_url: global.gitlab_url.clone(),
        group,
        project,
    })?;
    sm_board::app::query::check_views(&config)?;
    Ok(config)
}

fn ms(since: std::time::Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn new_state(config: &Config, store: &sm_board::store::Store, source: Source) -> Result<AppState> {
    let loading = std::time::Instant::now();
    // Cards are made on the threads that read the rows.
    let workflow = &config.workflow;
    let (data, cards) = session::load_board_as(store, &|record, data, memo| {
        sm_board::app::state::card_on_board(
            workflow,
            record,
            &data.pending_by_issue,
            &data.conflicts,
            memo,
        )
    })?;
    tracing::debug!(
        ms = ms(loading),
        issues = cards.len(),
        "board loaded from the cache"
    );
    let mut state = AppState::with_cards(
        config.workflow.clone(),
        config.keymap.clone(),
        data,
        cards,
        source,
        Utc::now(),
        Local::now().date_naive(),
    );
    tracing::debug!(ms = ms(loading), "board built");
    configure(&mut state, config);
    Ok(state)
}

/// What the configuration sets on a board's state.
fn configure(state: &mut AppState, config: &Config) {
    if !config.show_closed {
        state.show_closed = false;
    }
    state.views = config.views.clone();
    state.theme = config.theme;
    state.ascii_marks = sm_board::ui::theme::wants_ascii(&|name| std::env::var(name).ok());
}

/// From this many generated requests on, the demo writes their descriptions and raw JSON after
/// its first frame (see `demo::seed_board`).
#[cfg(feature = "fake-gitlab")]
const DEFER_DEMO_BODIES_FROM: usize = 5000;

/// The descriptions and raw JSON a demo cache at `db` still waits for (`demo::seed_bodies`).
#[cfg(feature = "fake-gitlab")]
fn seed_demo_bodies(db: &std::path::Path, issues: Option<usize>, seed: u64) {
    let started = std::time::Instant::now();
    let written = sm_board::store::Store::open(db)
        .map_err(|e| e.to_string())
        .and_then(|store| {
            let data = session::demo_data(issues, seed).map_err(|e| e.to_string())?;
            sm_board::demo::seed_bodies(&store, data).map_err(|e| e.to_string())
        });
    match written {
        Ok(n) => tracing::debug!(issues = n, ms = ms(started), "demo descriptions written"),
        Err(err) => tracing::warn!(error = %err, "demo descriptions not written"),
    }
}

/// What loads the whole board after a first screen (see `first_state`), then allows
/// `arenas` malloc arenas (see `limit_malloc_arenas`).
fn whole_board_loader(
    config: &Config,
    source: Source,
    arenas: i32,
) -> impl Fn(&sm_board::store::Store) -> std::io::Result<AppState> + '_ {
    move |store| {
        let state = new_state(config, store, source.clone()).map_err(std::io::Error::other);
        limit_malloc_arenas(arenas);
        state
    }
}

/// From this many cached requests on, the first frame draws a first screen (see
/// `app::first_screen`) and the whole board is loaded right after it.
const FIRST_SCREEN_FROM: i64 = 5000;

/// The state the first frame draws: the whole board, or for a large one its first screen
/// (`true`: the whole board is still to load).
fn first_state(
    config: &Config,
    store: &sm_board::store::Store,
    source: Source,
) -> Result<(AppState, bool)> {
    if sm_board::store::issue_count(store.conn())? < FIRST_SCREEN_FROM {
        return Ok((new_state(config, store, source)?, false));
    }
    let loading = std::time::Instant::now();
    let parts = sm_board::app::first_screen::Parts {
        workflow: config.workflow.clone(),
        keymap: config.keymap.clone(),
        data: session::board_data(store)?,
        source,
        now: Utc::now(),
        today: Local::now().date_naive(),
    };
    // Enough cards for the tallest column a terminal of this height shows.
    let rows = crossterm::terminal::size().map_or(100, |(_, rows)| usize::from(rows));
    let mut state = sm_board::app::first_screen::load(store, parts, rows.max(16))?;
    configure(&mut state, config);
    tracing::debug!(
        ms = ms(loading),
        cards = state.cards.len(),
        "first screen loaded"
    );
    Ok((state, true))
}

#[cfg(feature = "fake-gitlab")]
fn run_demo(
    config: &Config,
    issues: Option<usize>,
    seed: u64,
    offline: bool,
    started: std::time::Instant,
) -> Result<()> {
    limit_malloc_arenas(2);
    tracing::debug!(ms = ms(started), "config and logging ready");
    // A large demo opens on its board; descriptions and raw JSON follow after its first frame,
    // from the same generated data (a kept cache of other data is left as it is).
    let generated = issues.map(|n| format!("{n} generated requests, seed {seed}"));
    let bodies_later = generated
        .as_deref()
        .filter(|_| issues.is_some_and(|n| n >= DEFER_DEMO_BODIES_FROM));
    let (store, _throwaway) = session::open_demo(config.db_override.clone(), bodies_later, || {
        session::demo_data(issues, seed)
    })?;
    let bodies_pending = generated.is_some()
        && sm_board::store::get_state(store.conn(), sm_board::demo::BODIES_PENDING)? == generated;
    tracing::debug!(ms = ms(started), "cache open");
    let (mut state, partial) = first_state(config, &store, Source::Demo)?;
    let whole_board = whole_board_loader(config, Source::Demo, 2);
    let whole_board: Option<sm_board::tui::WholeBoard<'_>> = partial.then_some(&whole_board);
    let note = match (offline, config.db_override.is_none()) {
        (true, _) => "demo, offline: edits queue until you restart without --offline",
        (false, true) => {
            "demo: a local fake GitLab; edits live in a throwaway cache (--db FILE keeps them)"
        }
        (false, false) => "demo: a local fake GitLab serves this board",
    };
    state.message = Some(sm_board::app::state::Message {
        text: note.into(),
        tone: sm_board::app::state::Tone::Info,
    });
    let milestones = match (issues, sm_board::demo::generate::milestones()) {
        (Some(_), serde_json::Value::Array(all)) => all,
        _ => Vec::new(),
    };
    let (worker, _backend) = match store.path() {
        Some(db) => {
            let (go, go_rx) = tokio::sync::oneshot::channel();
            let bodies_db = db.to_path_buf();
            let (ready, backend) = sm_board::demo::backend::start(
                go_rx,
                move || {
                    if bodies_pending {
                        seed_demo_bodies(&bodies_db, issues, seed);
                    }
                },
                move || {
                    session::demo_data(issues, seed)
                        .map(sm_board::fake_gitlab::SeedIssues::streamed)
                        .map_err(|e| e.to_string())
                },
                milestones,
                offline,
                db.to_path_buf(),
                config.workflow.clone(),
            );
            (WorkerStart::Later { go, ready }, Some(backend))
        }
        None => (WorkerStart::None, None),
    };
    with_runtime(async move { run_tui(&store, &mut state, started, worker, whole_board).await })
}

fn run_board(config: &Config, started: std::time::Instant) -> Result<()> {
    tracing::debug!(ms = ms(started), "config and logging ready");
    let (store, source) = session::open_cache(config)?;
    tracing::debug!(ms = ms(started), "cache open");
    let (mut state, partial) = first_state(config, &store, source.clone())?;
    if !partial {
        limit_malloc_arenas(1);
    }
    let whole_board = whole_board_loader(config, source, 1);
    let whole_board: Option<sm_board::tui::WholeBoard<'_>> = partial.then_some(&whole_board);
    let worker = match (&config.gitlab, store.path()) {
        (Some(gitlab), Some(db)) => match config::token::resolve(gitlab) {
            Ok(login) => WorkerStart::Ready(sm_board::sync::worker::spawn(
                sm_board::sync::worker::WorkerConfig {
                    db: db.to_path_buf(),
                    url: gitlab.url.clone(),
                    login,
                    ca_cert: gitlab.ca_cert.clone(),
                    target: sm_board::sync::SyncTarget {
                        scope: gitlab.scope.clone(),
                        scope_label: config.workflow.scope_label.clone(),
                        board: gitlab.board.clone(),
                        activity_per_pass: sm_board::sync::worker::ACTIVITY_PER_PASS,
                        listing_windows: sm_board::sync::target::WINDOWS_BACKGROUND,
                    },
                    workflow: config.workflow.clone(),
                    interval: gitlab.sync_interval,
                },
            )?),
            Err(err) => {
                state.message = Some(sm_board::app::state::Message {
                    text: format!("not syncing: {err}"),
                    tone: sm_board::app::state::Tone::Error,
                });
                state.sync.unavailable = Some(format!("not syncing: {err}"));
                WorkerStart::None
            }
        },
        _ => WorkerStart::None,
    };
    with_runtime(async move { run_tui(&store, &mut state, started, worker, whole_board).await })
}

/// Runs the TUI's async part on a current-thread runtime (the sync has its own thread).
fn with_runtime(task: impl std::future::Future<Output = Result<()>>) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return Err(eyre!(
            "sm-board needs a terminal; for text output use `sm-board board` or `sm-board status`"
        ));
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .wrap_err("cannot start the async runtime")?
        .block_on(task)
}

async fn run_tui(
    store: &sm_board::store::Store,
    state: &mut AppState,
    started: std::time::Instant,
    worker: WorkerStart,
    whole_board: Option<sm_board::tui::WholeBoard<'_>>,
) -> Result<()> {
    sm_board::tui::run(store, state, started, worker, whole_board).await?;
    Ok(())
}

/// "Now" for reports: `SM_BOARD_NOW` (RFC 3339) pins it, so a report can be reproduced and
/// tested against fixed data; otherwise the clock.
fn report_time() -> Result<chrono::DateTime<Utc>> {
    match std::env::var("SM_BOARD_NOW") {
        Ok(text) => chrono::DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| eyre!("SM_BOARD_NOW={text:?} is not an RFC 3339 time ({e}); unset it or write it like 2026-11-23T10:00:00Z")),
        Err(_) => Ok(Utc::now()),
    }
}

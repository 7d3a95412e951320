//! Standup and flow at scale: 10,000 cached requests with 100,000 label events (the fake
//! GitLab's seeded histories, topped up with moves back and forth). Times `sm-board status` as
//! a process and as library calls, and opening the flow view. Prints medians; asserts nothing.
//!
//! cargo bench --bench insight -- [ISSUES] [EVENTS]     (default 10000 100000)

mod common;

use std::time::Instant;

use common::time;

use chrono::{Duration as Span, FixedOffset, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sm_board::app::{AppState, Keymap, Msg, Source, update};
use sm_board::cli::StatusFormat;
use sm_board::commands::status;
use sm_board::fake_gitlab::model::Model;
use sm_board::metrics::Clock;
use sm_board::store::{self, HistorySource, LabelEvent, StaleActivity, Store};
use sm_board::workflow::Workflow;
use sm_board::{demo, session, ui};

/// Seeds `path` with `issues` requests and about `events` state-label events.
fn seed(
    path: &std::path::Path,
    issues: usize,
    events: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let store = Store::open(path)?;
    let data = demo::generate::generate(issues, 7, demo::generate::default_anchor());
    demo::seed_store(&store, &data)?;
    let model = Model::new(data, vec![]);
    let mut by_issue: std::collections::HashMap<i64, Vec<LabelEvent>> = Default::default();
    for e in &model.all_label_events() {
        by_issue.entry(e.issue_id).or_default().push(LabelEvent {
            id: e.id,
            issue_id: e.issue_id,
            label: e.label.to_string(),
            added: e.add,
            actor: Some(format!("user{}", e.user_id)),
            created_at: e.created_at,
        });
    }
    // Top up to the wanted count with back-and-forth moves (triage <-> backlog) early in each
    // request's life, so histories are long like real ones.
    let seeded: usize = by_issue.values().map(Vec::len).sum();
    let per_issue = events.saturating_sub(seeded) / issues.max(1) / 4;
    let mut next_id = 10_000_000;
    let mut total = 0;
    for record in store::load_issues(store.conn())? {
        let list = by_issue.entry(record.id).or_default();
        for n in 0..per_issue {
            let at = record.created_at + Span::minutes(10 * (n as i64 + 1));
            for (label, added) in [
                ("sm_req::triage", true),
                ("sm_req::triage", false),
                ("sm_req::backlog", true),
                ("sm_req::backlog", false),
            ] {
                next_id += 1;
                list.push(LabelEvent {
                    id: next_id,
                    issue_id: record.id,
                    label: label.into(),
                    added,
                    actor: Some("mover".into()),
                    created_at: at,
                });
            }
        }
        list.sort_by_key(|e| (e.created_at, e.id));
        total += list.len();
        let stale = StaleActivity::of(&record);
        store::store_activity(
            store.conn(),
            &stale,
            &[],
            list,
            HistorySource::Events,
            "sm_req",
        )?;
    }
    Ok(total)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let issues = args.next().unwrap_or(10_000);
    let events = args.next().unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("insight.sqlite3");
    let start = Instant::now();
    let stored = seed(&path, issues, events)?;
    println!(
        "issues: {issues}, label events cached: {stored} (seeded in {:?})",
        start.elapsed()
    );

    let binary = env!("CARGO_BIN_EXE_sm-board");
    let process = time(7, || {
        std::process::Command::new(binary)
            .args(["status", "--format", "json", "--db"])
            .arg(&path)
            .env("SM_BOARD_NOW", "2026-11-23T10:00:00Z")
            .env("XDG_CONFIG_HOME", dir.path())
            .output()
            .map(|o| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)))
    });
    println!("`sm-board status --format json` as a process: {process:?}");

    let wf = Workflow::default();
    let clock = Clock {
        now: Utc
            .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
            .single()
            .ok_or("date")?,
        offset: FixedOffset::east_opt(0).ok_or("offset")?,
    };
    let store = Store::open(&path)?;
    let load_events = time(7, || {
        store::load_events_with_prefix(store.conn(), "sm_req::")
    });
    println!("  of which reading the events: {load_events:?}");
    let data = session::load_board(&store)?;
    let cached = store::load_events_with_prefix(store.conn(), "sm_req::")?;
    let compute = time(7, || {
        let report = status::report(&wf, &data, &cached, clock, clock.previous_working_day());
        status::render(&report, StatusFormat::Table, &clock, false, true)
    });
    println!("  of which histories + standup + rendering: {compute:?}");

    // The flow view: F, the effect's load, the computation, a 160x48 frame.
    let mut state = AppState::new(
        wf.clone(),
        Keymap::default(),
        session::load_board(&store)?,
        Source::Demo,
        clock.now,
        NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?,
    );
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    // The figures as the insight worker works them out (on its thread in the board).
    let figures = |state: &AppState| {
        let ask = sm_board::app::insight::InsightAsk::of(state);
        sm_board::insight_worker::compute_from(store.conn(), &state.workflow, ask)
            .map(Box::new)
            .map_err(|e| e.to_string())
    };
    let open_flow = time(7, || {
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char('F'), KeyModifiers::NONE)),
        );
        let answer = figures(&state);
        update(&mut state, Msg::InsightComputed(answer));
        let drawn = terminal.draw(|f| ui::render(f, &state)).map(|_| ());
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        drawn
    });
    println!("flow view opened (read the cache, compute, draw 160x48): {open_flow:?}");
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('F'), KeyModifiers::NONE)),
    );
    let answer = figures(&state);
    update(&mut state, Msg::InsightComputed(answer));
    let switch = time(7, || {
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::NONE)),
        );
        terminal.draw(|f| ui::render(f, &state)).map(|_| ())
    });
    println!("flow view 30 <-> 90 days switched and redrawn: {switch:?}");
    Ok(())
}

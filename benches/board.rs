//! Board speed at scale: load from a real SQLite file, build the state, render a frame, handle a
//! key, land an edit. Prints medians; asserts nothing (machines are shared and noisy).
//!
//! cargo bench --bench board -- [ISSUES]     (default 10000)

mod common;

use std::time::Instant;

use common::{median, time};

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sm_board::app::state::DetailContent;
use sm_board::app::{AppState, Effect, Keymap, Msg, Source, update};
use sm_board::store::Store;
use sm_board::workflow::Workflow;
use sm_board::{demo, session, ui};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issues: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.sqlite3");
    let seed_start = Instant::now();
    {
        let store = Store::open(&path)?;
        let data = demo::generate::generate(issues, 7, demo::generate::default_anchor());
        demo::seed_store(&store, &data)?;
    }
    println!("issues: {issues}");
    println!(
        "seed cache (generate + insert, once): {:?}",
        seed_start.elapsed()
    );

    let store = Store::open(&path)?;
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 10, 0, 0)
        .single()
        .ok_or("date")?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("date")?;
    let open_and_load = time(20, || {
        let store = Store::open(&path).ok()?;
        session::load_board(&store).ok()
    });
    println!("open cache + load board (5 queries): {open_and_load:?}");
    let open_only = time(20, || Store::open(&path).ok());
    println!("  of which open (pragmas, lock check, migrations): {open_only:?}");
    let issues_only = time(20, || sm_board::store::load_issues(store.conn()).ok());
    println!("  of which load_issues (scan + decode): {issues_only:?}");
    let scan_only = time(20, || {
        let mut stmt = store.conn().prepare("SELECT * FROM issues").ok()?;
        let n = stmt
            .query_map([], |r| {
                let mut bytes = 0;
                for i in 0..17 {
                    if let Ok(rusqlite::types::ValueRef::Text(t)) = r.get_ref(i) {
                        bytes += t.len();
                    }
                }
                Ok(bytes)
            })
            .ok()?
            .count();
        Some(n)
    });
    println!("  of which the bare SQL scan: {scan_only:?}");
    let data = session::load_board(&store)?;
    let build = time(20, || {
        AppState::new(
            Workflow::default(),
            Keymap::default(),
            data.clone(),
            Source::Demo,
            now,
            today,
        )
    });
    println!("classify + build columns: {build:?}");

    let mut state = AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        now,
        today,
    );
    update(&mut state, Msg::Resize(160, 48));
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    let render = time(200, || terminal.draw(|f| ui::render(f, &state)).map(|_| ()));
    println!("render 160x48 frame: {render:?}");

    let key = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let mut flip = false;
    let key_and_redraw = time(500, || {
        flip = !flip;
        update(&mut state, key(if flip { 'j' } else { 'k' }));
        terminal.draw(|f| ui::render(f, &state)).map(|_| ())
    });
    println!("key (j/k) handled + redrawn: {key_and_redraw:?}");

    // Filtering: every key press re-filters and re-sorts all columns, then redraws.
    let typed = "team:pmm p:1 deck";
    let mut per_key = Vec::new();
    for _ in 0..30 {
        update(&mut state, key('/'));
        for c in typed.chars() {
            let start = Instant::now();
            // As the TUI does: free words are also looked up in descriptions and comments.
            for effect in update(&mut state, key(c)) {
                if let Effect::SearchText { words } = effect {
                    for word in words {
                        let ids = sm_board::store::search_text(store.conn(), &word)?;
                        update(&mut state, Msg::TextHits { word, ids });
                    }
                }
            }
            let _ = terminal.draw(|f| ui::render(f, &state));
            per_key.push(start.elapsed());
        }
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
    }
    let worst = per_key.iter().max().copied().unwrap_or_default();
    let mut sorted = per_key.clone();
    sorted.sort();
    let p90 = sorted[sorted.len() * 9 / 10];
    println!(
        "filter keystroke handled + redrawn ({} keys typing {typed:?}): median {:?}, p90 {p90:?}, max {worst:?}",
        per_key.len(),
        median(per_key),
    );

    // The costliest filter key: the third letter of a free word turns fuzzy spelling on over
    // every card. Handled alone, then handled and drawn (no full-text lookup: the TUI answers
    // those off the key path).
    let mut handled = Vec::new();
    let mut drawn = Vec::new();
    for _ in 0..50 {
        update(&mut state, key('/'));
        update(&mut state, key('p'));
        update(&mut state, key('a'));
        let start = Instant::now();
        update(&mut state, key('r'));
        handled.push(start.elapsed());
        let _ = terminal.draw(|f| ui::render(f, &state));
        drawn.push(start.elapsed());
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
    }
    println!(
        "third letter of a free word (`/par`): handled {:?}, handled + drawn {:?}",
        median(handled),
        median(drawn)
    );

    // Detail view of a request with a 100 KB markdown description: open, load, draw.
    let paragraph = "## Section\n\nSome **text** with a [link](https://example.com) and `code`.\n\
                     - [ ] a task\n- a bullet\n\n```text\ncode block\n```\n";
    let big: String = paragraph.repeat(100_000 / paragraph.len() + 1);
    let issue_id = state.selected_card().ok_or("no card")?.record.id;
    let detail = time(30, || {
        let effects = update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        update(
            &mut state,
            Msg::DetailLoaded {
                issue_id,
                content: Box::new(DetailContent {
                    links: sm_board::app::links::extract(&[&big]),
                    description: Some(big.clone()),
                    ..DetailContent::default()
                }),
            },
        );
        let drawn = terminal.draw(|f| ui::render(f, &state)).map(|_| ());
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        (effects, drawn)
    });
    println!(
        "detail view with a {} KB description opened and drawn: {detail:?}",
        big.len() / 1000
    );

    // A 5 MB description on one line: laid out once when drawn first, then each key draws only
    // the rows on screen.
    let huge = "lorem ipsum dolor sit amet ".repeat(5_000_000 / 27 + 1);
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id,
            content: Box::new(DetailContent {
                description: Some(huge.clone()),
                ..DetailContent::default()
            }),
        },
    );
    let first = std::time::Instant::now();
    terminal.draw(|f| ui::render(f, &state))?;
    let first = first.elapsed();
    let scroll = time(50, || {
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)),
        );
        terminal.draw(|f| ui::render(f, &state)).map(|_| ())
    });
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    println!(
        "detail view with a {} MB single-line description: first draw {first:?}, j + redraw {scroll:?}",
        huge.len() / 1_000_000
    );

    let mut record = state.selected_card().ok_or("no card")?.record.clone();
    let edit_landed = time(50, || {
        let mut labels = record.facts.labels.to_vec();
        labels.push("bench".into());
        record.facts.labels = labels.into();
        update(
            &mut state,
            Msg::EditSaved {
                record: Box::new(record.clone()),
                pending_for_issue: 1,
                pending_edits: 1,
                edit: Box::new(sm_board::workflow::IssueEdit::default()),
                origin: sm_board::app::EditOrigin::User { batch: 1 },
            },
        );
        terminal.draw(|f| ui::render(f, &state)).map(|_| ())
    });
    println!("edit landed (reclassify + re-sort all columns) + redrawn: {edit_landed:?}");
    Ok(())
}

//! The terminal's lifecycle and the event loop: raw mode in, restored on every way out (panics
//! included, via ratatui's hook), key and resize events into `update`, effects performed against
//! the store (`effects`), and a redraw only when something changed. The sync worker, the
//! learner and the full-text lookups run on their own threads and talk to this loop through
//! channels.

use std::time::Duration;

use chrono::{Local, Timelike, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::{AppState, Effect, Msg, update};
use crate::effects::{finished, perform, perform_searches};
use crate::store::{self, Store};
use crate::sync::worker::{SyncEvent, Trigger, WorkerHandle};
use crate::ui;

/// Mouse reporting on or off. A panic turns it off too (the hook is installed once), so a crash
/// never leaves the terminal reporting mouse moves as text.
fn set_mouse(on: bool) {
    use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
            previous(info);
        }));
    });
    let _ = if on {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)
    } else {
        crossterm::execute!(std::io::stdout(), DisableMouseCapture)
    };
}

/// Search texts built a slice at a time while the board is idle (about half a millisecond):
/// a key pressed meanwhile waits for one slice at most.
const SEARCH_TEXTS_A_SLICE: usize = 2048;

/// The board's terminal: frames go out through a buffer that holds a whole one. Standard
/// output buffers 1 KiB, so a full 160x48 frame (tens of KiB of cells and escape codes) was
/// dozens of writes, each waking the terminal (or tmux) half-way through the frame.
type BoardTerminal = Terminal<CrosstermBackend<std::io::BufWriter<std::io::Stdout>>>;

/// Room for a full frame's output.
const FRAME_BUFFER: usize = 256 * 1024;

/// Raw mode, the alternate screen and the restore-on-panic hook as `ratatui::init` sets them,
/// with the buffered backend.
fn init_terminal() -> std::io::Result<BoardTerminal> {
    drop(ratatui::try_init()?);
    Terminal::new(CrosstermBackend::new(std::io::BufWriter::with_capacity(
        FRAME_BUFFER,
        std::io::stdout(),
    )))
}

/// How the board gets its sync worker.
pub enum WorkerStart {
    /// No GitLab: the board works on the cache alone.
    None,
    Ready(WorkerHandle),
    /// Started in the background once the first frame is drawn (`go`), arriving on `ready`
    /// (the demo's GitLab).
    Later {
        go: tokio::sync::oneshot::Sender<()>,
        ready: tokio::sync::oneshot::Receiver<Result<WorkerHandle, String>>,
    },
}

/// Loads the whole board, when the first frame drew a large board's first screen (see
/// `app::first_screen`).
pub type WholeBoard<'a> = &'a (dyn Fn(&Store) -> std::io::Result<AppState> + 'a);

/// Runs the board until the user quits. The terminal is restored before this returns.
///
/// `started` is when the process started, for the first-frame timing in the log. With
/// `whole_board`, the state drawn first is a first screen, replaced by what it loads before
/// any key is read.
pub async fn run(
    store: &Store,
    state: &mut AppState,
    started: std::time::Instant,
    worker: WorkerStart,
    whole_board: Option<WholeBoard<'_>>,
) -> std::io::Result<()> {
    // Times are shown in the user's zone (the state starts in UTC, as tests expect).
    state.offset = *Local::now().offset();
    let mut terminal = match init_terminal() {
        Ok(terminal) => terminal,
        Err(err) => {
            ratatui::restore();
            return Err(err);
        }
    };
    set_mouse(true);
    let result = event_loop(&mut terminal, store, state, started, worker, whole_board).await;
    set_mouse(false);
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut BoardTerminal,
    store: &Store,
    state: &mut AppState,
    started: std::time::Instant,
    start: WorkerStart,
    whole_board: Option<WholeBoard<'_>>,
) -> std::io::Result<()> {
    let (mut worker, mut pending_worker, go) = match start {
        WorkerStart::None => (None, None, None),
        WorkerStart::Ready(handle) => (Some(handle), None, None),
        WorkerStart::Later { go, ready } => (None, Some(ready), Some(go)),
    };
    state.sync.enabled = worker.is_some() || pending_worker.is_some();
    let size = terminal.size()?;
    update(state, Msg::Resize(size.width, size.height));
    let no_color = crate::output::no_color();
    draw(terminal, state, no_color)?;
    tracing::info!(
        first_frame_ms = started.elapsed().as_secs_f64() * 1000.0,
        issues = state.request_count(),
        "first frame drawn"
    );
    // The first screen takes no keys: they wait in the terminal until the whole board is in.
    if let Some(load) = whole_board {
        let mut whole = load(store)?;
        whole.offset = state.offset;
        whole.sync = std::mem::take(&mut state.sync);
        whole.message = state.message.take();
        *state = whole;
        update(state, Msg::Resize(size.width, size.height));
        draw(terminal, state, no_color)?;
        tracing::debug!(
            ms = started.elapsed().as_secs_f64() * 1000.0,
            issues = state.cards.len(),
            "whole board drawn"
        );
    }
    if let Some(go) = go {
        let _ = go.send(());
    }
    // Full-text lookups run beside the loop; an in-memory cache (tests) answers inline.
    let mut searcher = match store.path() {
        Some(path) => match crate::text_search::TextSearcher::start(path) {
            Ok(searcher) => Some(searcher),
            Err(err) => {
                tracing::warn!(error = %err, "full-text search runs on the UI thread");
                None
            }
        },
        None => None,
    };
    // So are the standup and flow views' figures.
    let mut insight = store.path().and_then(|path| {
        crate::insight_worker::InsightWorker::start(path, state.workflow.clone())
            .map_err(|err| tracing::warn!(error = %err, "the standup and flow views run on the UI thread"))
            .ok()
    });
    // Triage suggestions and look-alikes are worked out beside the loop too.
    let mut learner = store.path().and_then(|path| {
        crate::learner::Learner::start(path, state.workflow.clone())
            .map_err(|err| tracing::warn!(error = %err, "triage suggestions are off"))
            .ok()
    });
    if let Some(learner) = &learner {
        learner.relearn();
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut shown_minute = Utc::now().minute();
    let mut terminate = signal_stream(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = signal_stream(tokio::signal::unix::SignalKind::hangup())?;
    // In raw mode Ctrl-C and Ctrl-\ are keys; these come from `kill -INT` / `kill -QUIT`.
    let mut interrupt = signal_stream(tokio::signal::unix::SignalKind::interrupt())?;
    let mut quit = signal_stream(tokio::signal::unix::SignalKind::quit())?;
    while !state.should_quit {
        let mut dirty = false;
        let mut insight_ask = None;
        let msg = tokio::select! {
            // Whatever is ready goes first; the search texts are built in slices only while
            // nothing is (off the first frame's path, and after a reload).
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
                Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
                // Presses and the wheel only: motion would redraw for nothing.
                Some(Ok(Event::Mouse(mouse))) if matches!(
                    mouse.kind,
                    crossterm::event::MouseEventKind::Down(_)
                        | crossterm::event::MouseEventKind::ScrollDown
                        | crossterm::event::MouseEventKind::ScrollUp
                ) => Some(Msg::Mouse(mouse)),
                Some(Ok(_)) => None,
                Some(Err(err)) => return Err(err),
                None => break,
            },
            // A terminal closed or a `kill`: leave like `q` does, so the terminal is restored.
            _ = terminate.recv() => {
                tracing::info!("SIGTERM: quitting");
                break;
            }
            _ = hangup.recv() => {
                tracing::info!("SIGHUP: quitting");
                break;
            }
            _ = interrupt.recv() => {
                tracing::info!("SIGINT: quitting");
                break;
            }
            _ = quit.recv() => {
                tracing::info!("SIGQUIT: quitting");
                break;
            }
            ready = next_worker(&mut pending_worker) => {
                pending_worker = None;
                match ready {
                    Ok(Ok(handle)) => {
                        worker = Some(handle);
                        None
                    }
                    Ok(Err(message)) => {
                        state.sync.enabled = false;
                        Some(Msg::SyncFailed(message))
                    }
                    Err(_) => {
                        state.sync.enabled = false;
                        Some(Msg::SyncFailed("the demo's GitLab did not start".into()))
                    }
                }
            }
            event = next_sync_event(&mut worker) => match event {
                Some(SyncEvent::Started) => Some(Msg::SyncStarted),
                Some(SyncEvent::Waiting(until)) => Some(Msg::SyncWaiting(until)),
                Some(SyncEvent::Finished(report)) => {
                    // Fetched histories change only the time in state of a few cards: patched
                    // here, unless the requests changed too and the board is reloaded anyway.
                    if !report.changed_board() && !report.activity_ids.is_empty() {
                        match store::state_since_of(store.conn(), &report.activity_ids) {
                            Ok(since) => {
                                let effects = update(state, Msg::HistoryFetched(since));
                                perform_searches(&searcher, store, state, effects);
                            }
                            Err(err) => tracing::warn!(error = %err, "reading fetched histories"),
                        }
                    }
                    let finished = finished(store, report);
                    // New decisions teach; changed requests may have new look-alikes.
                    if let (Msg::SyncFinished { data: Some(_), .. }, Some(learner)) = (&finished, &learner) {
                        learner.relearn();
                    }
                    Some(finished)
                }
                Some(SyncEvent::Failed(message)) => Some(Msg::SyncFailed(message)),
                None => {
                    worker = None;
                    state.sync.enabled = false;
                    Some(Msg::SyncFailed("the sync worker stopped; restart sm-board".into()))
                }
            },
            Some((word, ids)) = next_from(searcher.as_mut().map(|s| &mut s.answers)) => Some(Msg::TextHits { word, ids }),
            Some(answer) = next_from(insight.as_mut().map(|i| &mut i.answers)) => Some(Msg::InsightComputed(answer)),
            Some(learned) = next_from(learner.as_mut().map(|l| &mut l.answers)) => Some(Msg::Learned(std::sync::Arc::new(learned))),
            _ = tick.tick() => {
                let now = Utc::now();
                // The screen shows minutes at most: redraw only when one has passed.
                dirty = now.minute() != shown_minute;
                shown_minute = now.minute();
                Some(Msg::Tick(now, Local::now().date_naive()))
            }
            () = std::future::ready(()), if state.search_pending() => {
                state.prepare_search_step(SEARCH_TEXTS_A_SLICE);
                continue;
            }
        };
        let handling = std::time::Instant::now();
        let is_key = matches!(msg, Some(Msg::Key(_)));
        if let (true, Some(learner)) = (is_key, &learner) {
            learner.key_pressed();
        }
        let is_hits = matches!(msg, Some(Msg::TextHits { .. }));
        if let Some(msg) = msg {
            dirty |= !matches!(msg, Msg::Tick(..));
            let mut effects = update(state, msg);
            while let Some(effect) = effects.pop() {
                if let Effect::SyncNow { full } = effect {
                    if let Some(worker) = &worker {
                        let _ = worker.triggers.send(Trigger::Now { full });
                    }
                    continue;
                }
                if let Effect::WriteComment { issue_id } = effect {
                    let msg = write_comment(terminal, store, state, issue_id)?;
                    effects.extend(update(state, msg));
                    dirty = true;
                    continue;
                }
                if let Effect::QueueComment { issue_id, body } = effect {
                    let reference = state
                        .card_by_id(issue_id)
                        .map(|c| c.short_ref())
                        .unwrap_or_default();
                    let outcome = store::queue_comment(store.conn(), issue_id, &body, Utc::now())
                        .map(|_| true)
                        .map_err(|e| e.to_string());
                    let msg = Msg::CommentQueued {
                        reference,
                        outcome,
                        pending_edits: store::pending_count(store.conn())
                            .unwrap_or(state.pending_edits),
                    };
                    effects.extend(update(state, msg));
                    continue;
                }
                // Asked after the redraw: the worker's pass would slow the redraw down.
                if let (Effect::ComputeInsight(ask), Some(_)) = (&effect, &insight) {
                    insight_ask = Some(*ask);
                    continue;
                }
                if let Effect::SearchText { .. } = effect {
                    perform_searches(&searcher, store, state, vec![effect]);
                    continue;
                }
                if let Some(result) = perform(store, state, effect) {
                    effects.extend(update(state, result));
                }
            }
        }
        let drawing = std::time::Instant::now();
        if dirty && !state.should_quit {
            draw(terminal, state, no_color)?;
        }
        if is_key {
            tracing::debug!(
                micros = handling.elapsed().as_micros() as u64,
                draw_micros = drawing.elapsed().as_micros() as u64,
                "key handled and redrawn"
            );
        } else if is_hits {
            tracing::debug!(
                micros = handling.elapsed().as_micros() as u64,
                "text hits shown"
            );
        }
        if let Some(ask) = insight_ask.take()
            && !insight.as_ref().is_some_and(|worker| worker.ask(ask))
            && let Some(msg) = perform(store, state, Effect::ComputeInsight(ask))
        {
            // The worker has stopped: worked out here instead.
            update(state, msg);
            draw(terminal, state, no_color)?;
        }
        if let Some(data) = state.retired_insight.take()
            && let Some(worker) = &insight
        {
            worker.free(data);
        }
    }
    Ok(())
}

/// Suspends the board for `$EDITOR`, then queues what was written. The terminal is handed
/// back in the state the editor expects (cooked mode, main screen) and taken again after.
fn write_comment(
    terminal: &mut BoardTerminal,
    store: &Store,
    state: &AppState,
    issue_id: i64,
) -> std::io::Result<Msg> {
    let card = state.card_by_id(issue_id);
    let reference = card.map(|c| c.short_ref()).unwrap_or_default();
    let title = card.map(|c| c.record.title.clone()).unwrap_or_default();
    let about = format!("Comment on {reference}: {}", ui::text::clean_line(&title));
    let template = crate::editor::instructions(&[
        &about,
        "Write above the line. An empty comment is not posted; the comment is queued and",
        "posted once.",
    ]);
    set_mouse(false);
    ratatui::restore();
    let written = crate::editor::edit(&template);
    *terminal = init_terminal()?;
    set_mouse(true);
    terminal.clear()?;
    let outcome = match written {
        Ok(text) if text.is_empty() => Ok(false),
        Ok(text) => store::queue_comment(store.conn(), issue_id, &text, Utc::now())
            .map(|_| true)
            .map_err(|e| e.to_string()),
        Err(err) => Err(err.to_string()),
    };
    Ok(Msg::CommentQueued {
        reference,
        outcome,
        pending_edits: store::pending_count(store.conn()).unwrap_or(state.pending_edits),
    })
}

/// The next answer of a helper thread (full-text lookups, the learner); never resolves
/// without the thread.
async fn next_from<T>(answers: Option<&mut tokio::sync::mpsc::UnboundedReceiver<T>>) -> Option<T> {
    match answers {
        Some(answers) => answers.recv().await,
        None => std::future::pending().await,
    }
}

/// The worker started in the background, once; never resolves when there is none.
async fn next_worker(
    pending: &mut Option<tokio::sync::oneshot::Receiver<Result<WorkerHandle, String>>>,
) -> Result<Result<WorkerHandle, String>, tokio::sync::oneshot::error::RecvError> {
    match pending {
        Some(rx) => rx.await,
        None => std::future::pending().await,
    }
}

/// The worker's next event; never resolves without a worker.
async fn next_sync_event(worker: &mut Option<WorkerHandle>) -> Option<SyncEvent> {
    match worker {
        Some(handle) => handle.events.recv().await,
        None => std::future::pending().await,
    }
}

fn signal_stream(
    kind: tokio::signal::unix::SignalKind,
) -> std::io::Result<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(kind)
}

/// `NO_COLOR` (https://no-color.org): keep bold, reverse and the like, drop every colour.
fn strip_colours(buffer: &mut ratatui::buffer::Buffer) {
    use ratatui::style::Color;
    for cell in &mut buffer.content {
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}

fn draw(terminal: &mut BoardTerminal, state: &AppState, no_color: bool) -> std::io::Result<()> {
    terminal.draw(|frame| {
        ui::render(frame, state);
        if no_color {
            strip_colours(frame.buffer_mut());
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};

    #[test]
    fn no_color_drops_colours_and_keeps_emphasis() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 4, 1));
        buffer.set_string(
            0,
            0,
            "P1",
            Style::new()
                .fg(Color::Red)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
        );
        super::strip_colours(&mut buffer);
        let cell = &buffer[(0, 0)];
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
        assert!(cell.modifier.contains(Modifier::BOLD));
        assert_eq!(cell.symbol(), "P");
    }
}

//! Performing the app's effects against the cache (the IO side of `update`): saving an edit to
//! the outbox, reading a request's detail or the label histories, full-text lookups, settling a
//! conflict, opening a URL and copying. Each returns the message that reports its result.
//!
//! Effects run inline on the UI thread: they are local SQLite writes of well under a
//! millisecond, so a worker thread would only add latency. Full-text lookups are the exception
//! and go to their own thread (`perform_searches`).

use chrono::Utc;

use crate::app::state::DetailContent;
use crate::app::{AppState, Effect, Msg, update};
use crate::session;
use crate::store::{self, Store};

/// The message for a finished pass: the board is reloaded only when the pass changed the
/// requests it shows.
pub(crate) fn finished(store: &Store, report: crate::sync::SyncReport) -> Msg {
    if !report.changed_board() {
        return Msg::SyncFinished {
            report: Box::new(report),
            data: None,
        };
    }
    match session::load_board(store) {
        Ok(data) => Msg::SyncFinished {
            report: Box::new(report),
            data: Some(Box::new(data)),
        },
        Err(err) => Msg::SyncFailed(format!("reloading the cache: {err}")),
    }
}

/// Sends the full-text lookups among `effects` (the only effect a history patch makes).
pub(crate) fn perform_searches(
    searcher: &Option<crate::text_search::TextSearcher>,
    store: &Store,
    state: &mut AppState,
    effects: Vec<Effect>,
) {
    for effect in effects {
        let Effect::SearchText { words } = effect else {
            continue;
        };
        for word in words {
            match searcher {
                Some(searcher) => searcher.ask(word),
                None => {
                    let ids = store::search_text(store.conn(), &word).unwrap_or_else(|err| {
                        tracing::warn!(error = %err, "full-text search failed");
                        Default::default()
                    });
                    // An answer makes no further effects.
                    let _ = update(state, Msg::TextHits { word, ids });
                }
            }
        }
    }
}

/// Performs one effect; its result comes back as a message.
/// A request's description, notes and label history from the cache; a read error is shown
/// in place of the description rather than hiding the view.
pub fn load_detail(store: &Store, issue_id: i64) -> DetailContent {
    let conn = store.conn();
    let read = || -> Result<DetailContent, store::StoreError> {
        let description = store::description(conn, issue_id)?;
        let notes = store::load_notes(conn, issue_id)?;
        let history = store::load_label_events(conn, issue_id)?;
        let mut texts: Vec<&str> = description.as_deref().into_iter().collect();
        texts.extend(notes.iter().filter(|n| !n.system).map(|n| n.body.as_str()));
        let links = crate::app::links::extract(&texts);
        Ok(DetailContent {
            description,
            notes,
            history,
            links,
        })
    };
    read().unwrap_or_else(|err| DetailContent {
        description: Some(format!(
            "(this request could not be read from the cache: {err})"
        )),
        ..DetailContent::default()
    })
}

pub(crate) fn perform(store: &Store, state: &AppState, effect: Effect) -> Option<Msg> {
    match effect {
        Effect::Quit
        | Effect::SyncNow { .. }
        | Effect::WriteComment { .. }
        | Effect::QueueComment { .. }
        | Effect::SearchText { .. } => None,
        Effect::OpenUrl(url) => crate::share::open_url(&url)
            .err()
            .map(|err| Msg::ActionFailed {
                action: "open the browser".into(),
                error: format!("{err}; set $BROWSER (e.g. BROWSER=firefox)"),
            }),
        Effect::Copy(text) => match crate::share::copy(&text) {
            Ok(crate::share::Reached::TmuxBuffer) => Some(Msg::CopiedToTmuxOnly),
            Ok(_) => None,
            Err(err) => Some(Msg::ActionFailed {
                action: "copy".into(),
                error: err.to_string(),
            }),
        },
        Effect::ResolveConflict {
            issue_id,
            keep_mine,
        } => {
            let resolved = store::unsettled(store.conn())
                .map(|entries| {
                    entries.into_iter().find(|e| {
                        e.issue_id == issue_id && e.status == store::OutboxStatus::Conflict
                    })
                })
                .and_then(|entry| match entry {
                    Some(entry) => store::resolve_conflict(
                        store.conn(),
                        entry.seq,
                        keep_mine,
                        &state.workflow.state_key,
                    ),
                    None => Ok(()),
                });
            Some(
                match resolved
                    .map_err(|e| e.to_string())
                    .and_then(|()| session::load_board(store).map_err(|e| e.to_string()))
                {
                    Ok(data) => Msg::ConflictResolved {
                        keep_mine,
                        data: Box::new(data),
                    },
                    Err(err) => Msg::SyncFailed(format!("settling the conflict: {err}")),
                },
            )
        }
        Effect::SaveEdit {
            issue_id,
            edit,
            origin,
        } => {
            let saved = store::apply_edit(
                store.conn(),
                issue_id,
                &edit,
                &state.workflow.state_key,
                Utc::now(),
            )
            .and_then(|record| {
                let pending = store::pending_by_issue(store.conn())?;
                Ok((record, pending))
            });
            Some(match saved {
                Ok((record, pending)) => {
                    tracing::info!(issue = issue_id, summary = %edit.summary, "edit queued");
                    Msg::EditSaved {
                        pending_for_issue: pending.get(&record.id).copied().unwrap_or(0),
                        pending_edits: pending.values().map(|&n| i64::from(n)).sum(),
                        record: Box::new(record),
                        edit: Box::new(edit),
                        origin,
                    }
                }
                Err(err) => {
                    tracing::error!(issue = issue_id, error = %err, "edit not saved");
                    Msg::EditFailed {
                        summary: edit.summary,
                        error: err.to_string(),
                    }
                }
            })
        }
        // Here only without an insight worker (a cache in memory): the board's own records.
        Effect::ComputeInsight(ask) => {
            let records = state.cards.iter().map(|c| c.record.clone()).collect();
            let events = crate::insight_worker::state_events(store.conn(), &state.workflow)
                .unwrap_or_else(|err| {
                    tracing::warn!(error = %err, "label history could not be read");
                    Vec::new()
                });
            Some(Msg::InsightComputed(Ok(Box::new(
                crate::app::insight::compute(&state.workflow, records, &events, ask),
            ))))
        }
        Effect::LoadDetail { issue_id } => Some(Msg::DetailLoaded {
            issue_id,
            content: Box::new(load_detail(store, issue_id)),
        }),
    }
}

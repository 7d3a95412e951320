//! The standup (`S`) and flow (`F`) views: opened over the board, filled when their figures
//! arrive. `compute` works them out by `metrics` from the cached requests and label histories
//! against the state's clock, off the UI thread (`insight_worker`): at 10,000 requests that is
//! 10-15 ms, which a key must not wait for. In the standup view `j`/`k` pick a listed request
//! and `Enter` jumps to it on the board; `y` copies the standup as markdown; `w` switches the
//! flow view between 30 and 90 days (both are worked out at once, so the switch is a redraw).

use chrono::{DateTime, Utc};

use crate::app::keymap::{Action, Mode};
use crate::app::msg::Effect;
use crate::app::state::{AppState, BoardData, Overlay, Tone};
use crate::cli::StatusFormat;
use crate::metrics::report::{Report, Section, render, sections, summarize};
use crate::metrics::{Clock, Flow, Inputs, Standup, flow, histories, standup};
use crate::store::{IssueRecord, LabelEvent};

/// The flow view's windows, in days.
pub const WINDOWS: [u32; 2] = [30, 90];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightKind {
    Standup,
    Flow,
}

/// What the views show, computed once (`compute`): only the figures, not the requests and
/// histories they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct InsightData {
    pub standup: Standup,
    pub sections: Vec<Section>,
    /// The flow over each of `WINDOWS`, in its order.
    pub flows: Vec<Flow>,
    /// The standup as markdown, for `y`.
    pub markdown: String,
}

impl InsightData {
    /// The flow over `days` (the first window's if `days` is not one of `WINDOWS`).
    pub fn flow(&self, days: u32) -> Option<&Flow> {
        self.flows
            .iter()
            .find(|f| f.days == days)
            .or_else(|| self.flows.first())
    }
}

/// The figures, or why they could not be worked out.
pub type InsightAnswer = Result<Box<InsightData>, String>;

/// What `compute` needs of the board besides the requests and their histories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InsightAsk {
    pub clock: Clock,
    pub pending_edits: i64,
    pub last_synced_at: Option<DateTime<Utc>>,
}

impl InsightAsk {
    pub fn of(state: &AppState) -> InsightAsk {
        InsightAsk {
            clock: clock(state),
            pending_edits: state.pending_edits,
            last_synced_at: state.last_synced_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insight {
    pub kind: InsightKind,
    /// The flow view's window.
    pub days: u32,
    /// The standup view's selected request (an index into the lines that name one).
    pub cursor: usize,
    /// `None` while the histories load.
    pub data: Option<Box<InsightData>>,
}

impl Insight {
    pub fn mode(&self) -> Mode {
        match self.kind {
            InsightKind::Standup => Mode::Standup,
            InsightKind::Flow => Mode::Flow,
        }
    }

    /// Ids of the requests the standup lists, in the order shown (`cursor` indexes this).
    pub fn listed(&self) -> Vec<i64> {
        self.data
            .as_ref()
            .map(|d| {
                d.sections
                    .iter()
                    .flat_map(|s| s.items.iter().filter_map(|i| i.id))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn clock(state: &AppState) -> Clock {
    Clock {
        now: state.now,
        offset: state.offset,
    }
}

/// Opens a view (or switches to it); its figures are worked out once, off the UI thread.
pub fn open(state: &mut AppState, kind: InsightKind) -> Vec<Effect> {
    if let Some(Overlay::Insight(view)) = &mut state.overlay {
        view.kind = kind;
        return Vec::new();
    }
    state.overlay = Some(Overlay::Insight(Insight {
        kind,
        days: WINDOWS[0],
        cursor: 0,
        data: None,
    }));
    vec![Effect::ComputeInsight(InsightAsk::of(state))]
}

/// The figures arrived: shown if a view is open. Without them, the view closes and says why.
pub fn computed(state: &mut AppState, answer: InsightAnswer) {
    let Some(Overlay::Insight(view)) = &mut state.overlay else {
        return;
    };
    match answer {
        Ok(data) => view.data = Some(data),
        Err(error) => {
            state.overlay = None;
            state.say(
                Tone::Error,
                format!("the standup and flow views could not read the cache: {error}"),
            );
        }
    }
}

/// The views' figures from the board's `records` and the label `events` of their states.
pub fn compute(
    wf: &crate::workflow::Workflow,
    records: Vec<IssueRecord>,
    events: &[LabelEvent],
    ask: InsightAsk,
) -> InsightData {
    let clock = ask.clock;
    let histories = histories(wf, &records, events);
    let inputs = Inputs {
        wf,
        issues: &records,
        histories: &histories,
        clock,
    };
    let since: DateTime<Utc> = clock.previous_working_day();
    let standup = standup(&inputs, since);
    let flows = WINDOWS.iter().map(|&days| flow(&inputs, days)).collect();
    let data = BoardData {
        issues: records,
        pending_edits: ask.pending_edits,
        last_synced_at: ask.last_synced_at,
        ..BoardData::default()
    };
    let report = Report {
        summary: summarize(wf, &data),
        cache_age_seconds: ask
            .last_synced_at
            .map(|t| (clock.now - t).num_seconds().max(0)),
        standup,
    };
    // The copy is pasted elsewhere: confidential titles stay out of it, as in `status`.
    let markdown = render(&report, StatusFormat::Markdown, &clock, false, false);
    let sections = sections(&report.standup, &clock, true);
    InsightData {
        standup: report.standup,
        sections,
        flows,
        markdown,
    }
}

pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let page = state.viewport.1.saturating_sub(8).max(1) as usize;
    let Some(Overlay::Insight(view)) = &mut state.overlay else {
        return Vec::new();
    };
    let count = view.listed().len();
    match action {
        Action::Dismiss => close(state),
        Action::Standup => view.kind = InsightKind::Standup,
        Action::Flow => view.kind = InsightKind::Flow,
        Action::SelectDown => view.cursor = (view.cursor + 1).min(count.saturating_sub(1)),
        Action::SelectUp => view.cursor = view.cursor.saturating_sub(1),
        Action::PageDown => view.cursor = (view.cursor + page).min(count.saturating_sub(1)),
        Action::PageUp => view.cursor = view.cursor.saturating_sub(page),
        Action::Top => view.cursor = 0,
        Action::Bottom => view.cursor = count.saturating_sub(1),
        Action::SwitchWindow => {
            view.days = if view.days == WINDOWS[0] {
                WINDOWS[1]
            } else {
                WINDOWS[0]
            };
        }
        Action::CopyReport => {
            if let Some(data) = &view.data {
                let markdown = data.markdown.clone();
                state.say(Tone::Info, "copied the standup as markdown".into());
                return vec![Effect::Copy(markdown)];
            }
        }
        Action::Confirm => {
            let Some(&id) = view.listed().get(view.cursor) else {
                return Vec::new();
            };
            close(state);
            jump_to(state, id);
        }
        _ => {}
    }
    Vec::new()
}

/// Closes the view, its figures kept aside for the loop to free off the UI thread.
fn close(state: &mut AppState) {
    if let Some(Overlay::Insight(view)) = state.overlay.take() {
        state.retired_insight = view.data;
    }
}

/// Selects request `id` on the board, clearing a filter or showing closed columns if they hide it.
fn jump_to(state: &mut AppState, id: i64) {
    if crate::app::triage::select(state, id) {
        return;
    }
    state.filter = None;
    state.show_closed = true;
    state.rebuild_columns();
    if !crate::app::triage::select(state, id) {
        state.say(Tone::Warn, "that request is no longer on the board".into());
    }
}

//! The app's vocabulary with the loop: `Msg`, what happened (a key, a click, an IO result), and
//! `Effect`, what the loop must do (save an edit, load a description, quit).

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;

use crate::app::state::BoardData;
use crate::store::IssueRecord;
use crate::sync::SyncReport;
use crate::workflow::edit::IssueEdit;

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or wheel turn at a terminal cell.
    Mouse(crossterm::event::MouseEvent),
    Resize(u16, u16),
    /// The clock moved (the loop sends this; `update` never reads the clock).
    Tick(DateTime<Utc>, NaiveDate),
    EditSaved {
        record: Box<IssueRecord>,
        pending_for_issue: u32,
        pending_edits: i64,
        edit: Box<IssueEdit>,
        origin: EditOrigin,
    },
    EditFailed {
        summary: String,
        error: String,
    },
    /// A copy reached only tmux's paste buffer (its `set-clipboard` is off).
    CopiedToTmuxOnly,
    /// Something that is not an edit could not be done (open in the browser, copy).
    ActionFailed {
        action: String,
        error: String,
    },
    /// The standup and flow views' figures (`insight::compute`).
    InsightComputed(crate::app::insight::InsightAnswer),
    /// Which requests' descriptions or comments hold `word`.
    TextHits {
        word: String,
        ids: std::collections::HashSet<i64>,
    },
    DetailLoaded {
        issue_id: i64,
        content: Box<crate::app::state::DetailContent>,
    },
    SyncStarted,
    /// The pass is waiting out GitLab's rate limit until then.
    SyncWaiting(chrono::DateTime<chrono::Utc>),
    /// A pass ended; `data` is the board reloaded from the cache when the pass changed it.
    SyncFinished {
        report: Box<SyncReport>,
        data: Option<Box<BoardData>>,
    },
    /// Triage suggestions and look-alikes, worked out off the UI thread.
    Learned(std::sync::Arc<crate::learner::Learned>),
    /// Histories were fetched: these requests' time in state, as now cached.
    HistoryFetched(Vec<(i64, Option<DateTime<Utc>>)>),
    SyncFailed(String),
    /// A comment was queued (`None`: the editor came back empty) or could not be.
    CommentQueued {
        reference: String,
        outcome: Result<bool, String>,
        pending_edits: i64,
    },
    /// A conflict was settled in the cache; `data` is the reloaded board.
    ConflictResolved {
        keep_mine: bool,
        data: Box<BoardData>,
    },
}

/// Who asked for an edit: the undo history records user edits and moves steps between the
/// undo and redo stacks for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EditOrigin {
    /// A user's action; edits of one action share a batch (one undo step).
    User {
        batch: u64,
    },
    Undo {
        batch: u64,
    },
    Redo {
        batch: u64,
    },
}

/// Something the loop must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SaveEdit {
        issue_id: i64,
        edit: IssueEdit,
        origin: EditOrigin,
    },
    LoadDetail {
        issue_id: i64,
    },
    /// Work out the standup and flow views' figures from the cache (off the UI thread when
    /// it can).
    ComputeInsight(crate::app::insight::InsightAsk),
    /// Look the filter's free words up in the cached descriptions and comments.
    SearchText {
        words: Vec<String>,
    },
    /// Wake the sync worker.
    SyncNow {
        full: bool,
    },
    ResolveConflict {
        issue_id: i64,
        keep_mine: bool,
    },
    OpenUrl(String),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Queue a comment as written (a quick action the board composed).
    QueueComment {
        issue_id: i64,
        body: String,
    },
    /// Suspend the board, write a comment in `$EDITOR`, queue it.
    WriteComment {
        issue_id: i64,
    },
    Quit,
}

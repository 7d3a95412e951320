//! `update` tests: key presses in, state and effects out. No IO, no async, no clock. The
//! fixtures are here; the tests are by mode, one file each.

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::state::{AppState, BoardData, DetailContent, Focus, Overlay, PickPurpose, Source};
use crate::app::{Effect, Keymap, Msg, update};
use crate::store::{IssueRecord, Member};
use crate::workflow::edit::{Change, StateEvent};
use crate::workflow::{IssueFacts, MilestoneInfo, Placement, UserRef, Workflow};

mod board;
mod detail;
mod filter;
mod grooming;
mod marks;
mod moves;
mod results;
mod triage;
mod undo;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A request with `labels` (sorted as GitLab sends them), titled `Request {id}`; shared with
/// the filter's own tests.
pub(crate) fn record(id: i64, labels: &[&str], open: bool) -> IssueRecord {
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    // Sorted, as GitLab returns labels.
    let mut labels = labels.to_vec();
    labels.sort();
    IssueRecord {
        id,
        iid: id,
        project_id: 1,
        reference: format!("g/p#{id}"),
        title: format!("Request {id}"),
        facts: IssueFacts {
            labels: labels
                .iter()
                .map(|s| crate::workflow::Label::from(*s))
                .collect(),
            open,
            ..IssueFacts::default()
        },
        author: None,
        created_at: at,
        updated_at: at,
        closed_at: None,
        web_url: format!("https://gitlab.example/g/p/-/issues/{id}").into(),
        state_since: None,
        confidential: false,
    }
}

/// A board with one request per interesting situation.
fn board() -> AppState {
    let issues = vec![
        record(1, &["sm_req::new_request", "sm_request"], true),
        record(2, &["sm_req::new_request", "pmm"], true),
        record(3, &["sm_req::triage", "pmm"], true),
        record(4, &["sm_req::backlog", "pmm", "p::2"], true),
        record(5, &["sm_req::assigned", "mrci"], true),
        record(6, &["sm_req::completed"], false),
        record(7, &["sm_request"], true),
    ];
    let data = BoardData {
        issues,
        milestones: vec![
            MilestoneInfo {
                id: 10,
                title: "SM_Backlog".into(),
                active: true,
                start_date: None,
                due_date: None,
            },
            MilestoneInfo {
                id: 11,
                title: "FY27-Q4".into(),
                active: true,
                start_date: NaiveDate::from_ymd_opt(2026, 11, 1),
                due_date: NaiveDate::from_ymd_opt(2027, 1, 31),
            },
        ],
        members: vec![
            Member {
                id: 100,
                username: "alice".into(),
                name: "Alice".into(),
            },
            Member {
                id: 101,
                username: "bob".into(),
                name: "Bob".into(),
            },
        ],
        ..BoardData::default()
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
    let mut state = AppState::new(
        Workflow::default(),
        Keymap::default(),
        data,
        Source::Demo,
        now,
        today(),
    );
    state.viewport = (160, 48);
    state
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn keys(state: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(state, KeyCode::Char(c)));
    }
    effects
}

fn select(state: &mut AppState, id: i64) {
    for (ci, column) in state.columns.iter_mut().enumerate() {
        if let Some(pos) = column
            .cards
            .iter()
            .position(|&i| state.cards[i].record.id == id)
        {
            column.selected = pos;
            state.focused_column = ci;
            return;
        }
    }
    panic!("no card {id}");
}

fn saved(effects: &[Effect]) -> &crate::workflow::IssueEdit {
    match effects {
        [Effect::SaveEdit { edit, .. }] => edit,
        other => panic!("expected one saved edit, got {other:?}"),
    }
}

/// Plays back what the loop would do with a saved edit.
fn land(state: &mut AppState, effects: &[Effect]) {
    for effect in effects {
        if let Effect::SaveEdit {
            issue_id,
            edit,
            origin,
        } = effect
        {
            let mut record = state.card_by_id(*issue_id).unwrap().record.clone();
            record.facts = edit.apply(&record.facts);
            update(
                state,
                Msg::EditSaved {
                    record: Box::new(record),
                    pending_for_issue: 1,
                    pending_edits: 1,
                    edit: Box::new(edit.clone()),
                    origin: *origin,
                },
            );
        }
    }
}

fn visible_ids(state: &AppState) -> Vec<i64> {
    let mut ids: Vec<i64> = state
        .columns
        .iter()
        .flat_map(|c| c.cards.iter().map(|&i| state.cards[i].record.id))
        .collect();
    ids.sort();
    ids
}

fn labels_of(state: &AppState, id: i64) -> Vec<crate::workflow::Label> {
    state.card_by_id(id).unwrap().record.facts.labels.to_vec()
}

fn answer_with(state: &mut AppState, effects: Vec<Effect>, ids: &[i64]) {
    for effect in effects {
        if let Effect::SearchText { words } = effect {
            for word in words {
                let ids = ids.iter().copied().collect();
                update(state, Msg::TextHits { word, ids });
            }
        }
    }
}

//! The domain view of one request: what the workflow rules read and edits change.
//!
//! Built from the cache (or GitLab's JSON) at one place; it carries no wire details.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A milestone as an issue refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneRef {
    pub id: i64,
    pub title: String,
}

/// A GitLab user as an issue refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: i64,
    pub username: String,
    #[serde(default)]
    pub name: String,
}

/// The editable facts of a request.
///
/// The label set and the assignees are shared (`Arc`): thousands of requests carry the same
/// few combinations, so a load hands each the one copy (see `store::issues`) and an edit
/// replaces the whole set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IssueFacts {
    /// Label names, sorted as GitLab returns them.
    pub labels: Arc<[crate::workflow::Label]>,
    pub open: bool,
    pub milestone: Option<MilestoneRef>,
    pub assignees: Arc<[UserRef]>,
    pub due_date: Option<NaiveDate>,
}

/// A milestone the project or group offers (from the cache).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneInfo {
    pub id: i64,
    pub title: String,
    pub active: bool,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
}

impl MilestoneInfo {
    pub fn as_ref(&self) -> MilestoneRef {
        MilestoneRef {
            id: self.id,
            title: self.title.clone(),
        }
    }

    /// Active, with dates that cover `today` (both ends inclusive).
    pub fn covers(&self, today: NaiveDate) -> bool {
        match (self.start_date, self.due_date) {
            (Some(start), Some(due)) => self.active && start <= today && today <= due,
            _ => false,
        }
    }
}

/// The milestones that can be "the current quarter's": active and covering today.
pub fn current_quarter_candidates(
    milestones: &[MilestoneInfo],
    today: NaiveDate,
) -> Vec<&MilestoneInfo> {
    milestones.iter().filter(|m| m.covers(today)).collect()
}

/// `set` with `item` added at its end (tests build requests up this way).
#[cfg(test)]
pub(crate) fn push_to<T: Clone>(set: &Arc<[T]>, item: T) -> Arc<[T]> {
    set.iter().cloned().chain([item]).collect()
}

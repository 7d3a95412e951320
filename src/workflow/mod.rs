//! The SM request workflow as pure data and rules: scoped labels, states, transitions with their
//! side effects, grooming fields and anomalies.
//!
//! Nothing in here does IO, async or reads the clock; callers pass `today` in. This is where the
//! workflow's rules are tested, in tests that read like the handbook.

pub mod classify;
pub mod edit;
pub mod issue;
pub mod label;
pub mod labels;
pub mod model;
pub mod transition;

pub use classify::{Anomaly, ClassMemo, Classification, Placement, classify};
pub use edit::IssueEdit;
pub use issue::{IssueFacts, MilestoneInfo, MilestoneRef, UserRef};
pub use label::{Label, LabelInterner, SharedStrings};
pub use model::Workflow;
pub use transition::{MovePlan, Need, plan_move};

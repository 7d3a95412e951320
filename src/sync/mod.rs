//! Keeping the cache and GitLab in step: pushing the outbox as label deltas (with conflict
//! checks) and pulling changes incrementally. `engine` is one pass; `conflict` is the pure rule.

pub mod activity;
pub mod conflict;
pub mod engine;
pub mod worker;

pub use engine::{Progress, SyncError, SyncReport, SyncTarget, sync};

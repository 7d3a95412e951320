//! Keeping the cache and GitLab in step: pushing the outbox as label deltas (with conflict
//! checks) and pulling changes incrementally. `engine` is one pass of `push`, `pull` and
//! `activity` (the history fill); `target` is what they share; `conflict` is the pure rule;
//! `worker` runs passes in the background. No two of them import each other.

pub mod activity;
pub mod conflict;
pub mod engine;
pub mod pull;
pub mod push;
pub mod target;
pub mod worker;

pub use engine::sync;
pub use target::{Progress, SyncError, SyncReport, SyncTarget};

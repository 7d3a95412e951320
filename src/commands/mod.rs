//! Headless commands: each reads or edits the cache and prints for people or scripts.

pub mod board;
pub mod edit;
#[cfg(feature = "fake-gitlab")]
pub mod fake;
pub mod run;
pub mod status;
pub mod suggest;
pub mod sync;

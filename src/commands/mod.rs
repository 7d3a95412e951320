//! Headless commands: each reads or edits the cache and prints for people or scripts.

pub mod board;
pub mod edit;
pub mod run;
pub mod status;
pub mod suggest;
pub mod sync;

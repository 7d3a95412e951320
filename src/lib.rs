//! sm-board: a terminal kanban board for GitLab issues that follow a scoped-label workflow.
//!
//! The library holds everything; `main.rs` only wires the command line to it.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod editor;
pub mod effects;
#[cfg(feature = "fake-gitlab")]
pub mod fake_gitlab;
pub mod gitlab;
pub mod insight_worker;
pub mod keymap;
pub mod learn;
pub mod learner;
pub mod logging;
pub mod metrics;
pub mod output;
pub mod private_fs;
pub mod sanitize;
pub mod session;
pub mod share;
pub mod store;
pub mod sync;
#[cfg(test)]
mod test_env;
pub mod text;
pub mod text_search;
pub mod tui;
pub mod ui;
pub mod wire;
pub mod workflow;

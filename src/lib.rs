//! sm-board: a terminal kanban board for GitLab issues that follow a scoped-label workflow.
//!
//! The library holds everything; `main.rs` only wires the command line to it.

pub mod demo;
pub mod gitlab;
pub mod store;
pub mod workflow;

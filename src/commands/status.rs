//! `sm-board status`: the standup report from the cache (see `metrics::report`), offline.

pub use crate::metrics::report::{Report, Summary, parse_since, render, report, summarize};

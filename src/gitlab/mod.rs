//! Everything that speaks GitLab's language: the REST client, wire types and their conversion
//! to the cache, and errors that say what to do.

pub mod client;
pub mod convert;
pub mod error;
pub mod history;
pub mod wire;

pub use client::{Client, RetryPolicy};
pub use error::ApiError;

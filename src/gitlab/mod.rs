//! Everything that speaks GitLab's language: the REST client (and the one GraphQL query, for
//! many issues' history at once), wire types and their conversion
//! to the cache, and errors that say what to do.

pub mod client;
pub mod discussions;
pub mod error;
pub mod headers;
pub mod history;
pub mod transport;

pub use client::{Client, RetryPolicy};
pub use error::ApiError;

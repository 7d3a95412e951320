//! Everything that speaks GitLab's language: wire types and their conversion to the cache.
//! (The REST client arrives with sync.)

pub mod convert;
pub mod wire;

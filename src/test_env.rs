//! For tests: an environment given as name/value pairs, in place of the process's (which
//! tests must not change: they run in parallel).

/// Looks names up in `pairs`, as `std::env::var(..).ok()` would in the real environment.
pub fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

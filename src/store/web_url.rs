//! A request's web address as the board keeps it. Nearly every one is its project's issue path
//! followed by the iid (`https://host/group/project/-/issues/41`), so the path is shared by all
//! requests of a project and the iid kept as a number: no allocation per request instead of an
//! 80-byte string (about 0.8 MB at 10,000 requests). Any other address is kept whole.

use std::fmt;
use std::sync::Arc;

use crate::workflow::SharedStrings;

/// A web address, compactly; `Display` gives it back exactly as GitLab sent it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct WebUrl(Repr);

#[derive(Clone, PartialEq, Eq, Default)]
enum Repr {
    #[default]
    Empty,
    /// `base` followed by `number` in decimal (no leading zero). A `u32` keeps the whole
    /// value at 24 bytes, as small as the `String` it replaces; a larger number is kept whole.
    Numbered {
        base: Arc<str>,
        number: u32,
    },
    Whole(Box<str>),
}

/// One shared base per distinct project path while a load reads thousands of rows.
pub type UrlBases = SharedStrings;

impl WebUrl {
    /// `url`, sharing its base with earlier ones through `bases`.
    pub fn shared(url: &str, bases: &mut UrlBases) -> WebUrl {
        match split_number(url) {
            Some((base, number)) => WebUrl(Repr::Numbered {
                base: bases.get(base),
                number,
            }),
            None if url.is_empty() => WebUrl(Repr::Empty),
            None => WebUrl(Repr::Whole(url.into())),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }
}

/// `url` as a base and the decimal number it ends with, when that number reads back the same
/// (no leading zero, fits a u32).
fn split_number(url: &str) -> Option<(&str, u32)> {
    let digits = url.len() - url.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (base, tail) = url.split_at(url.len() - digits);
    if tail.is_empty() || (tail.len() > 1 && tail.starts_with('0')) {
        return None;
    }
    Some((base, tail.parse().ok()?))
}

impl From<&str> for WebUrl {
    fn from(url: &str) -> WebUrl {
        WebUrl::shared(url, &mut UrlBases::default())
    }
}

impl From<String> for WebUrl {
    fn from(url: String) -> WebUrl {
        WebUrl::from(url.as_str())
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Empty => Ok(()),
            Repr::Numbered { base, number } => write!(f, "{base}{number}"),
            Repr::Whole(url) => f.write_str(url),
        }
    }
}

impl fmt::Debug for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

impl rusqlite::ToSql for WebUrl {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_reads_back_as_it_was_given() {
        let mut bases = UrlBases::default();
        for url in [
            "https://gitlab.example/g/p/-/issues/41",
            "https://gitlab.example/g/p/-/issues/0",
            "https://gitlab.example/g/p/-/issues/007",
            "https://gitlab.example/g/p/-/issues/99999999999999999999999",
            "https://gitlab.example/g/p/-/issues/4294967296",
            "https://gitlab.example/g/p/-/issues/4294967295",
            "https://gitlab.example/g/p/-/issues/",
            "https://gitlab.example/g/p/-/work_items/41?x=1",
            "42",
            "",
        ] {
            assert_eq!(WebUrl::shared(url, &mut bases).to_string(), url);
            assert_eq!(WebUrl::from(url).to_string(), url);
        }
        assert!(WebUrl::from("").is_empty());
    }

    #[test]
    fn requests_of_one_project_share_its_path() {
        let mut bases = UrlBases::default();
        let a = WebUrl::shared("https://gitlab.example/g/p/-/issues/1", &mut bases);
        let b = WebUrl::shared("https://gitlab.example/g/p/-/issues/2", &mut bases);
        let (Repr::Numbered { base: a, .. }, Repr::Numbered { base: b, .. }) = (&a.0, &b.0) else {
            panic!("both are numbered");
        };
        assert!(Arc::ptr_eq(a, b));
        assert_eq!(bases.len(), 1);
        // No bigger than the `String` it replaces on every card.
        assert_eq!(std::mem::size_of::<WebUrl>(), std::mem::size_of::<String>());
    }
}

//! A label name, shared: a board of 50,000 requests holds a few dozen distinct labels, so
//! each request points at one shared copy instead of owning its own strings (a pointer per
//! label instead of an allocation per label: less memory, and a faster load).

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// One label's name. Compares, hashes, orders and prints as the name.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(Arc<str>);

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Label {
    fn from(name: &str) -> Self {
        Label(Arc::from(name))
    }
}

impl From<String> for Label {
    fn from(name: String) -> Self {
        Label(Arc::from(name))
    }
}

impl From<&String> for Label {
    fn from(name: &String) -> Self {
        Label(Arc::from(name.as_str()))
    }
}

impl From<Label> for String {
    fn from(label: Label) -> Self {
        label.0.to_string()
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Label {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Label> for str {
    fn eq(&self, other: &Label) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Label> for &str {
    fn eq(&self, other: &Label) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Label> for String {
    fn eq(&self, other: &Label) -> bool {
        **self == *other.0
    }
}

impl serde::Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Label {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Label::from)
    }
}

/// Hands out one shared copy per distinct text (label names, web address bases, ...). Every
/// label of every request passes through here on a load, so it hashes with foldhash (seeded
/// per set) rather than SipHash.
#[derive(Debug, Default)]
pub struct SharedStrings {
    known: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl SharedStrings {
    /// The shared copy of `text`, made on first sight.
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(known) = self.known.get(text) {
            return known.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.known.insert(shared.clone());
        shared
    }

    /// How many distinct texts are held.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// Hands out one shared `Label` per distinct name.
#[derive(Debug, Default)]
pub struct LabelInterner {
    names: SharedStrings,
}

impl LabelInterner {
    pub fn label(&mut self, name: &str) -> Label {
        Label(self.names.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interned_name_is_shared_and_compares_as_text() {
        let mut names = LabelInterner::default();
        let a = names.label("p::1");
        let b = names.label("p::1");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "p::1");
        assert_eq!(a, "p::1".to_string());
        assert!(a < names.label("p::2"));
        assert_eq!(serde_json::to_string(&vec![a]).unwrap(), r#"["p::1"]"#);
    }
}

//! Scoped labels (`key::value`) as GitLab defines them.
//!
//! The key is everything before the *last* `::`, so `a::b::c` has key `a::b` and value `c`.
//! Names are matched exactly (GitLab label names are case-sensitive here, and the workflow's
//! `transfered` spelling must not be "corrected"). This module owns parsing and set arithmetic on
//! label names; it knows nothing about which keys the workflow uses.

use crate::workflow::Label;

/// The separator between a scoped label's key and value.
pub const SCOPE_SEPARATOR: &str = "::";

/// Splits a scoped label into `(key, value)`; `None` for a plain label.
///
/// A label counts as scoped when it contains `::` with a non-empty key before the last one.
pub fn split_scoped(label: &str) -> Option<(&str, &str)> {
    // A byte scan from the end: this runs for every label of every card on every load, and
    // `rfind("::")` would build a substring searcher each time.
    let bytes = label.as_bytes();
    let at = (1..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b':' && bytes[i - 1] == b':')?
        - 1;
    if at == 0 {
        return None;
    }
    // `at` is the index of an ASCII ':' so both slices fall on character boundaries.
    Some((&label[..at], &label[at + SCOPE_SEPARATOR.len()..]))
}

/// Whether `labels` hold `name`.
pub fn has<L: AsRef<str>>(labels: &[L], name: &str) -> bool {
    labels.iter().any(|l| l.as_ref() == name)
}

/// Builds the label `key::value`.
pub fn scoped(key: &str, value: &str) -> String {
    format!("{key}{SCOPE_SEPARATOR}{value}")
}

/// Every value the labels hold for `key`, in label order.
pub fn values_of<'a, L: AsRef<str>>(labels: &'a [L], key: &str) -> Vec<&'a str> {
    labels
        .iter()
        .filter_map(|label| split_scoped(label.as_ref()))
        .filter(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .collect()
}

/// The single value for `key`, or `None` when the labels hold none or (an anomaly) several.
pub fn single_value<'a, L: AsRef<str>>(labels: &'a [L], key: &str) -> Option<&'a str> {
    match values_of(labels, key).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Scoped keys for which the labels hold more than one value, with those values.
///
/// On GitLab Free both labels survive an add, so the board must surface this as a conflict.
pub fn duplicate_scopes<L: AsRef<str>>(labels: &[L]) -> Vec<(String, Vec<String>)> {
    let keys: Vec<Option<&str>> = labels
        .iter()
        .map(|l| split_scoped(l.as_ref()).map(|(k, _)| k))
        .collect();
    let repeated = keys
        .iter()
        .enumerate()
        .any(|(i, key)| key.is_some() && keys[i + 1..].contains(key));
    if !repeated {
        // The common case, checked without allocating: this runs for every card on every load.
        return Vec::new();
    }
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in labels.iter().filter_map(|l| split_scoped(l.as_ref())) {
        match seen.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => seen.push((key.to_string(), vec![value.to_string()])),
        }
    }
    seen.retain(|(_, values)| values.len() > 1);
    seen
}

/// A change to an issue's label set, sent to GitLab as `add_labels` / `remove_labels`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LabelDelta {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

impl LabelDelta {
    /// The delta that leaves exactly `key::value` for `key`: every other value of the key is
    /// removed (GitLab Free would otherwise keep both).
    pub fn set_scoped<L: AsRef<str>>(labels: &[L], key: &str, value: &str) -> Self {
        let wanted = scoped(key, value);
        let mut delta = LabelDelta::default();
        for old in values_of(labels, key) {
            if old != value {
                delta.remove.push(scoped(key, old));
            }
        }
        if !labels.iter().any(|l| l.as_ref() == wanted) {
            delta.add.push(wanted);
        }
        delta
    }

    /// The delta that removes every value of `key`.
    pub fn clear_scoped<L: AsRef<str>>(labels: &[L], key: &str) -> Self {
        LabelDelta {
            add: Vec::new(),
            remove: values_of(labels, key)
                .into_iter()
                .map(|v| scoped(key, v))
                .collect(),
        }
    }

    /// The delta that leaves exactly one label of `group` (plain labels that exclude each other,
    /// like the team labels).
    pub fn set_one_of<L: AsRef<str>>(labels: &[L], group: &[String], chosen: &str) -> Self {
        let mut delta = LabelDelta::default();
        for label in labels.iter().map(AsRef::as_ref) {
            if label != chosen && group.iter().any(|g| g == label) {
                delta.remove.push(label.to_string());
            }
        }
        if !labels.iter().any(|l| l.as_ref() == chosen) {
            delta.add.push(chosen.to_string());
        }
        delta
    }

    /// Appends another delta; a later add cancels an earlier remove of the same label and the
    /// other way round, so the result is what applying both in order would do.
    pub fn merge(&mut self, other: LabelDelta) {
        for label in other.remove {
            self.add.retain(|l| *l != label);
            if !self.remove.contains(&label) {
                self.remove.push(label);
            }
        }
        for label in other.add {
            self.remove.retain(|l| *l != label);
            if !self.add.contains(&label) {
                self.add.push(label);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// Applies the delta the way GitLab does: start from the current labels, add, then remove.
    /// The result is sorted, as GitLab returns labels.
    pub fn apply(&self, labels: &[Label]) -> Vec<Label> {
        let mut out: Vec<Label> = labels.to_vec();
        for label in &self.add {
            if !has(&out, label) {
                out.push(Label::from(label));
            }
        }
        out.retain(|l| !self.remove.iter().any(|r| r == l));
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn as_labels(names: &[String]) -> Vec<Label> {
        names.iter().map(Label::from).collect()
    }

    #[test]
    fn key_is_everything_before_the_last_separator() {
        assert_eq!(split_scoped("p::1"), Some(("p", "1")));
        assert_eq!(split_scoped("a::b::c"), Some(("a::b", "c")));
        assert_eq!(split_scoped("a:::b"), Some(("a:", "b")));
    }

    #[test]
    fn plain_labels_are_not_scoped() {
        assert_eq!(split_scoped("pmm"), None);
        assert_eq!(split_scoped("Partner Marketing"), None);
        assert_eq!(split_scoped("a:b"), None);
        assert_eq!(split_scoped("::orphan"), None);
    }

    #[test]
    fn spaces_and_case_are_kept_exactly() {
        assert_eq!(
            split_scoped("Team X::Big Thing"),
            Some(("Team X", "Big Thing"))
        );
        assert_eq!(split_scoped("P::1"), Some(("P", "1")));
        let set = labels(&["P::1", "p::2"]);
        assert_eq!(values_of(&set, "p"), vec!["2"]);
        assert_eq!(values_of(&set, "P"), vec!["1"]);
        assert_eq!(
            split_scoped("sm_req:: backlog"),
            Some(("sm_req", " backlog"))
        );
    }

    #[test]
    fn empty_value_is_still_scoped() {
        assert_eq!(split_scoped("p::"), Some(("p", "")));
    }

    #[test]
    fn single_value_refuses_ambiguity() {
        let set = labels(&["p::1", "p::2", "dod::Y"]);
        assert_eq!(single_value(&set, "p"), None);
        assert_eq!(single_value(&set, "dod"), Some("Y"));
        assert_eq!(single_value(&set, "eteam"), None);
    }

    #[test]
    fn duplicate_scopes_lists_each_conflicting_key() {
        let set = labels(&["p::1", "p::3", "dod::Y", "a::b::c", "a::b::d"]);
        assert_eq!(
            duplicate_scopes(&set),
            vec![
                ("p".to_string(), labels(&["1", "3"])),
                ("a::b".to_string(), labels(&["c", "d"])),
            ]
        );
    }

    #[test]
    fn setting_a_scoped_label_removes_every_other_value_of_its_key() {
        let set = labels(&["p::1", "p::3", "pmm"]);
        let delta = LabelDelta::set_scoped(&set, "p", "2");
        assert_eq!(delta.add, labels(&["p::2"]));
        assert_eq!(delta.remove, labels(&["p::1", "p::3"]));
        assert_eq!(delta.apply(&as_labels(&set)), labels(&["p::2", "pmm"]));
    }

    #[test]
    fn setting_the_value_already_held_is_a_no_op() {
        let set = labels(&["p::1"]);
        assert!(LabelDelta::set_scoped(&set, "p", "1").is_empty());
    }

    #[test]
    fn nested_keys_do_not_touch_their_prefix_key() {
        let set = labels(&["a::x", "a::b::c"]);
        let delta = LabelDelta::set_scoped(&set, "a::b", "d");
        assert_eq!(delta.apply(&as_labels(&set)), labels(&["a::b::d", "a::x"]));
    }

    #[test]
    fn one_of_a_group_replaces_the_others() {
        let teams = labels(&["pmm", "tech-pmm", "mrci"]);
        let set = labels(&["pmm", "mrci", "sm_request"]);
        let delta = LabelDelta::set_one_of(&set, &teams, "tech-pmm");
        assert_eq!(
            delta.apply(&as_labels(&set)),
            labels(&["sm_request", "tech-pmm"])
        );
    }

    #[test]
    fn merge_keeps_the_net_effect() {
        let mut first = LabelDelta::set_scoped(&labels(&["p::1"]), "p", "2");
        first.merge(LabelDelta::set_scoped(&labels(&["p::2"]), "p", "1"));
        assert_eq!(
            first.apply(&as_labels(&labels(&["p::1"]))),
            labels(&["p::1"])
        );
        assert_eq!(first.add, labels(&["p::1"]));
    }

    #[test]
    fn apply_adds_then_removes_like_gitlab() {
        let delta = LabelDelta {
            add: labels(&["x"]),
            remove: labels(&["x"]),
        };
        assert_eq!(delta.apply(&as_labels(&labels(&["y"]))), labels(&["y"]));
    }
}

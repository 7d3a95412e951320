//! What a request says, as the features the models count: the words of its title (counted
//! twice: a title is chosen with care, a description is often a template), the words of the
//! first 4 KB of its description, its author, and its labels that are not decisions the
//! models predict (`devops::plan`, `Category:Pipelines`, `field::event`).

/// A vocabulary keyed by `term_key`: a word costs its 8-byte key, not a string (the models
/// and the look-alike index map tens of thousands of words to ids).
pub type Vocabulary = std::collections::HashMap<u64, u32, foldhash::fast::RandomState>;

/// A 64-bit key for a feature or a word. Keys of distinct words collide with odds of about
/// n²/2⁶⁵ (under 10⁻¹⁰ for 100,000 words), which would at worst merge two words' counts.
pub fn term_key(term: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x5eed_b0a2d).hash_one(term)
}

/// The id of `term` in `vocabulary`, adding it as the next id when new.
pub fn term_id(vocabulary: &mut Vocabulary, term: &str) -> u32 {
    let next = vocabulary.len() as u32;
    *vocabulary.entry(term_key(term)).or_insert(next)
}

/// How much of a description is read.
pub const DESCRIPTION_BYTES: usize = 4096;

/// Words too common in requests to say anything about them.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "do",
    "for",
    "from",
    "has",
    "have",
    "how",
    "in",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "our",
    "that",
    "the",
    "this",
    "to",
    "we",
    "what",
    "when",
    "which",
    "will",
    "with",
    "you",
    "your",
    "being",
    "requested",
    "definition",
    "done",
    "draft",
    "review",
];

/// The lowercased words of `text`: runs of letters and digits of two characters or more,
/// neither a stopword nor a bare number.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
}

/// The first `DESCRIPTION_BYTES` of a description, cut at a character boundary.
pub fn description_head(text: &str) -> &str {
    if text.len() <= DESCRIPTION_BYTES {
        return text;
    }
    let mut end = DESCRIPTION_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A request's features, each a string with a prefix saying where it came from.
pub fn features(
    title: &str,
    description: &str,
    author: Option<&str>,
    context_labels: impl Iterator<Item = impl AsRef<str>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(title) {
        out.push(format!("w:{word}"));
        out.push(format!("w:{word}"));
    }
    out.extend(words(description_head(description)).map(|w| format!("w:{w}")));
    if let Some(author) = author {
        out.push(format!("a:{author}"));
    }
    out.extend(context_labels.map(|l| format!("l:{}", l.as_ref())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_and_common_ones_dropped() {
        let found: Vec<String> =
            words("The CI/CD deck for Kubernetes (2026) -- a refresh").collect();
        assert_eq!(found, ["ci", "cd", "deck", "kubernetes", "refresh"]);
    }

    #[test]
    fn a_long_description_is_cut_on_a_character_boundary() {
        let text = "é".repeat(DESCRIPTION_BYTES);
        let head = description_head(&text);
        assert!(head.len() <= DESCRIPTION_BYTES && head.len() >= DESCRIPTION_BYTES - 1);
    }

    #[test]
    fn title_words_count_twice_and_sources_are_told_apart() {
        let f = features(
            "Battlecard",
            "battlecard",
            Some("ana"),
            ["devops::plan"].iter(),
        );
        assert_eq!(
            f,
            [
                "w:battlecard",
                "w:battlecard",
                "w:battlecard",
                "a:ana",
                "l:devops::plan"
            ]
        );
    }
}

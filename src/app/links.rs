//! Links in a request's text (markdown links, `<autolinks>` and bare URLs), in reading order and
//! without repeats, so the detail view can number them and open one with a key.

/// Characters that end a bare URL (markdown and prose punctuation around it).
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '|')
}

/// Every `http(s)://` URL in `text`, in order, first occurrence only.
pub fn extract(texts: &[&str]) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for text in texts {
        let mut rest = *text;
        while let Some(start) = find_scheme(rest) {
            let tail = &rest[start..];
            let end = tail.find(ends_url).unwrap_or(tail.len());
            // A sentence's full stop or comma is not part of the URL.
            let url = tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
            if url.len() > "https://".len() && !links.iter().any(|l| l == url) {
                links.push(url.to_string());
            }
            rest = &tail[end.max(1)..];
        }
    }
    links
}

fn find_scheme(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_autolinks_and_bare_urls_are_found_once_in_order() {
        let description = "See [the brief](https://docs.example.com/brief?id=3) and \
                           <https://gitlab.example.com/g/p/-/issues/9>.";
        let comment =
            "Deck: https://slides.example.com/d/42, also https://docs.example.com/brief?id=3";
        assert_eq!(
            extract(&[description, comment]),
            [
                "https://docs.example.com/brief?id=3",
                "https://gitlab.example.com/g/p/-/issues/9",
                "https://slides.example.com/d/42",
            ]
        );
    }

    #[test]
    fn text_without_links_has_none() {
        assert!(extract(&["no links here, just http:// and words"]).is_empty());
    }
}

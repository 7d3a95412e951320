//! Links in a request's text, in reading order and without repeats, so the detail view can
//! number them and open one with a key. The text is read with the markdown parser the view
//! renders with (`markdown_options`), so the numbers agree: link and image targets
//! (reference links resolved), `<autolinks>`, and bare URLs in prose. URLs in code and in HTML
//! comments are not links, as GitLab does not make them ones.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The markdown extensions GitLab renders and the board shows (the detail view renders with
/// them too).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Characters that end a bare URL (markdown and prose punctuation around it).
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '|')
}

/// Every `http(s)://` link in `texts` (markdown), in order, first occurrence only.
pub fn extract(texts: &[&str]) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    let mut add = |url: &str| {
        if is_web(url) && !links.iter().any(|l| l == url) {
            links.push(url.to_string());
        }
    };
    for text in texts {
        let mut in_code = false;
        for event in Parser::new_ext(text, markdown_options()) {
            match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    add(&dest_url);
                }
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Text(prose) if !in_code => bare_urls(&prose, &mut add),
                Event::Html(html) | Event::InlineHtml(html) if !html.starts_with("<!--") => {
                    bare_urls(&html, &mut add);
                }
                _ => {}
            }
        }
    }
    links
}

fn is_web(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty())
}

/// The `http(s)://` URLs written out in `text`.
fn bare_urls(text: &str, add: &mut impl FnMut(&str)) {
    let mut rest = text;
    while let Some(start) = find_scheme(rest) {
        let tail = &rest[start..];
        let end = tail.find(ends_url).unwrap_or(tail.len());
        // A sentence's full stop or comma is not part of the URL.
        add(tail[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']));
        rest = &tail[end.max(1)..];
    }
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
    fn reference_links_and_images_count_and_code_and_comments_do_not() {
        let text = "![chart](https://img.example/c.png) [brief][b] `https://code.example/x`\n\n\
                    ```\nhttps://block.example/y\n```\n\n<!-- https://hidden.example -->\n\n\
                    [b]: https://docs.example/brief";
        assert_eq!(
            extract(&[text]),
            ["https://img.example/c.png", "https://docs.example/brief"]
        );
    }

    #[test]
    fn text_without_links_has_none() {
        assert!(extract(&["no links here, just http:// and words"]).is_empty());
    }
}

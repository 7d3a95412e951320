//! Tests of `ui::markdown`.

use super::*;

fn shown(lines: &[Line]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

fn span<'a>(lines: &'a [Line<'static>], content: &str) -> &'a Span<'static> {
    lines
        .iter()
        .flat_map(|l| l.spans.iter())
        .find(|s| s.content == content)
        .unwrap_or_else(|| panic!("no span {content:?} in {:?}", shown(lines)))
}

#[test]
fn blocks_render_as_terminal_lines() {
    let source = "# Brief\n- [ ] deck\n- [x] copy\n\n* item\n\n2. second\n\n> quoted\n\n---\n\
                  ```rust\nlet x = 1;\n```\nend <!-- sm-board:abc -->";
    assert_eq!(
        shown(&lines(source, &[])),
        [
            "Brief",
            "",
            "☐ deck",
            "☑ copy",
            "",
            "• item",
            "",
            "2. second",
            "",
            "│ quoted",
            "",
            &"─".repeat(40),
            "",
            "  ┌ rust",
            "  │ let x = 1;",
            "",
            "end",
        ]
    );
}

#[test]
fn nested_lists_indent_under_their_item() {
    let source = "1. first\n   - inner\n     more\n2. second";
    assert_eq!(
        shown(&lines(source, &[])),
        ["1. first", "   • inner", "     more", "2. second"]
    );
}

#[test]
fn inline_markup_is_styled_and_links_are_numbered() {
    let links = vec!["https://a.example/x".to_string()];
    let shown_lines = lines(
        "see **this** and `code`, [the doc](https://a.example/x) or snake_case_name",
        &links,
    );
    assert_eq!(
        shown(&shown_lines),
        ["see this and code, the doc [1] or snake_case_name"]
    );
    let bold = span(&shown_lines, "this");
    assert!(bold.style.add_modifier.contains(Modifier::BOLD));
    let link = span(&shown_lines, "the doc");
    assert!(link.style.add_modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn emphasis_nests_and_strikethrough_crosses_out() {
    let shown_lines = lines("**bold *both* bold** ~~gone~~", &[]);
    let both = span(&shown_lines, "both");
    assert!(both.style.add_modifier.contains(Modifier::BOLD));
    assert!(both.style.add_modifier.contains(Modifier::ITALIC));
    let gone = span(&shown_lines, "gone");
    assert!(gone.style.add_modifier.contains(Modifier::CROSSED_OUT));
}

#[test]
fn reference_links_and_images_are_numbered_with_the_link_list() {
    let links = vec![
        "https://img.example/chart.png".to_string(),
        "https://docs.example/brief".to_string(),
    ];
    let source = "![Q3 chart](https://img.example/chart.png) and [the brief][b]\n\n\
                  [b]: https://docs.example/brief";
    assert_eq!(
        shown(&lines(source, &links)),
        ["[image: Q3 chart] [1] and the brief [2]"]
    );
}

#[test]
fn tables_line_up_their_columns() {
    let source = "| Asset | Owner |\n|---|---:|\n| Deck | pmm |\n| Battlecard | ci |";
    assert_eq!(
        shown(&lines(source, &[])),
        [
            "Asset      │ Owner",
            "───────────┼──────",
            "Deck       │   pmm",
            "Battlecard │    ci",
        ]
    );
    let header = span(&lines(source, &[]), "Asset").style;
    assert!(header.add_modifier.contains(Modifier::BOLD));
}

#[test]
fn details_show_their_summary_and_other_html_is_dropped() {
    let source = "<details>\n<summary>Launch checklist</summary>\n\n- [ ] brief\n\n</details>\n\n\
                  a<br>b <span>kept</span>";
    assert_eq!(
        shown(&lines(source, &[])),
        ["▸ Launch checklist", "", "☐ brief", "", "a", "b kept"]
    );
}

#[test]
fn quotes_keep_their_bar_on_every_line() {
    let source = "> first\n>\n> second";
    assert_eq!(shown(&lines(source, &[])), ["│ first", "│ ", "│ second"]);
}

#[test]
fn escape_sequences_in_markdown_are_neutralised() {
    let text: String = shown(&lines("**\u{1b}[31mred**\n\n| \u{1b}]0;x |\n|-|", &[])).concat();
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

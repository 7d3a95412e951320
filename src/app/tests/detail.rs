//! The detail view: loading, links, system notes, opening and copying.

use super::*;

#[test]
fn enter_opens_the_detail_and_asks_for_the_description() {
    let mut state = board();
    select(&mut state, 3);
    let effects = press(&mut state, KeyCode::Enter);
    assert_eq!(effects, [Effect::LoadDetail { issue_id: 3 }]);
    update(
        &mut state,
        Msg::DetailLoaded {
            issue_id: 3,
            content: Box::new(DetailContent {
                description: Some("## Why\n\nBecause.".into()),
                ..DetailContent::default()
            }),
        },
    );
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    let content = detail.content.as_ref().unwrap();
    assert_eq!(content.description.as_deref(), Some("## Why\n\nBecause."));
    keys(&mut state, "jj");
    press(&mut state, KeyCode::Esc);
    assert!(state.overlay.is_none());
}

fn open_detail_with_links(state: &mut AppState, links: &[&str]) {
    select(state, 3);
    press(state, KeyCode::Enter);
    update(
        state,
        Msg::DetailLoaded {
            issue_id: 3,
            content: Box::new(DetailContent {
                links: links.iter().map(|l| l.to_string()).collect(),
                ..DetailContent::default()
            }),
        },
    );
}

#[test]
fn tab_steps_through_the_links_and_o_opens_the_selected_one() {
    let mut state = board();
    open_detail_with_links(&mut state, &["https://a.example/1", "https://b.example/2"]);
    let web_url = state.card_by_id(3).unwrap().record.web_url.clone();
    // Nothing selected: o opens the request itself.
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl(web_url.to_string())]
    );
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl("https://b.example/2".into())]
    );
    assert_eq!(
        keys(&mut state, "y"),
        [Effect::Copy("https://b.example/2".into())]
    );
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("copied https://b.example/2")
    );
    // Past the last link, back to the request; L goes backwards.
    press(&mut state, KeyCode::Tab);
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl(web_url.to_string())]
    );
    keys(&mut state, "L");
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl("https://b.example/2".into())]
    );
    assert!(
        matches!(state.overlay, Some(Overlay::Detail(_))),
        "still open"
    );
}

#[test]
fn s_hides_and_shows_system_notes_and_a_request_without_links_says_so() {
    let mut state = board();
    open_detail_with_links(&mut state, &[]);
    keys(&mut state, "s");
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    assert!(!detail.show_system);
    keys(&mut state, "s");
    let Some(Overlay::Detail(detail)) = &state.overlay else {
        panic!("expected the detail view");
    };
    assert!(detail.show_system);
    press(&mut state, KeyCode::Tab);
    assert!(
        state
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("links nowhere")
    );
}

#[test]
fn o_opens_and_y_copies_the_link_and_shift_y_the_reference() {
    let mut state = board();
    select(&mut state, 3);
    assert_eq!(
        keys(&mut state, "o"),
        [Effect::OpenUrl(
            "https://gitlab.example/g/p/-/issues/3".into()
        )]
    );
    assert_eq!(
        keys(&mut state, "y"),
        [Effect::Copy("https://gitlab.example/g/p/-/issues/3".into())]
    );
    assert_eq!(keys(&mut state, "Y"), [Effect::Copy("g/p#3".into())]);
    assert_eq!(state.message.as_ref().unwrap().text, "copied g/p#3");
}

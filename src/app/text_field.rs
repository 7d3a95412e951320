//! One text input for every place the board takes typing (the filter line, the due date, a
//! picker's query): tui-input's buffer and cursor, the editing keys of a readline prompt, and a
//! prefilled value that the first typed character replaces (as a selected field would).

use crossterm::event::KeyCode;
use tui_input::{Input, InputRequest};

use crate::app::keymap::Key;

/// A line of text being edited, with its cursor.
#[derive(Debug, Clone, Default)]
pub struct TextField {
    input: Input,
    /// Prefilled and not touched yet: typing replaces it, moving the cursor keeps it.
    fresh: bool,
}

impl TextField {
    /// An empty field, or one holding `value` with the cursor at its end.
    pub fn new(value: &str) -> TextField {
        TextField {
            input: Input::new(value.to_string()),
            fresh: false,
        }
    }

    /// A field showing `value` (the current due date, say) that typing replaces.
    pub fn prefilled(value: &str) -> TextField {
        TextField {
            input: Input::new(value.to_string()),
            fresh: !value.is_empty(),
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The cursor in display columns from the start.
    pub fn visual_cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// The value before and after the cursor.
    pub fn split_at_cursor(&self) -> (&str, &str) {
        let value = self.input.value();
        let at = value
            .char_indices()
            .nth(self.input.cursor())
            .map_or(value.len(), |(i, _)| i);
        value.split_at(at)
    }

    /// Whether typing would replace the whole value.
    pub fn is_fresh(&self) -> bool {
        self.fresh
    }

    /// Applies an edit; true when the value changed.
    pub fn apply(&mut self, request: InputRequest) -> bool {
        if std::mem::take(&mut self.fresh) && matches!(request, InputRequest::InsertChar(_)) {
            self.input.reset();
        }
        self.input
            .handle(request)
            .is_some_and(|changed| changed.value)
    }

    /// Types one character.
    pub fn insert(&mut self, c: char) -> bool {
        self.apply(InputRequest::InsertChar(c))
    }
}

impl PartialEq for TextField {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
            && self.input.cursor() == other.input.cursor()
            && self.fresh == other.fresh
    }
}

impl Eq for TextField {}

impl PartialEq<&str> for TextField {
    fn eq(&self, other: &&str) -> bool {
        self.value() == *other
    }
}

/// The edit a key asks for in a text field, as readline and most prompts take them: arrows,
/// Home/End, Ctrl-A/E (start/end), Ctrl-B/F (a character), Ctrl-arrows (a word),
/// Backspace/Ctrl-H, Delete/Ctrl-D, Ctrl-W (the word before), Ctrl-U (the line), Ctrl-K (to the
/// end). Alt-letters are not edits: through tmux they are Esc and a quick letter. `None`: not
/// an edit.
pub fn edit_for(key: Key) -> Option<InputRequest> {
    let (ctrl, alt) = (key.ctrl, key.alt);
    Some(match key.code {
        KeyCode::Char(c) if !ctrl && !alt => InputRequest::InsertChar(c),
        KeyCode::Char('a') if ctrl => InputRequest::GoToStart,
        KeyCode::Char('e') if ctrl => InputRequest::GoToEnd,
        KeyCode::Char('b') if ctrl => InputRequest::GoToPrevChar,
        KeyCode::Char('f') if ctrl => InputRequest::GoToNextChar,
        KeyCode::Char('h') if ctrl => InputRequest::DeletePrevChar,
        KeyCode::Char('d') if ctrl => InputRequest::DeleteNextChar,
        KeyCode::Char('w') if ctrl => InputRequest::DeletePrevWord,
        KeyCode::Char('u') if ctrl => InputRequest::DeleteLine,
        KeyCode::Char('k') if ctrl => InputRequest::DeleteTillEnd,
        KeyCode::Left if ctrl || alt => InputRequest::GoToPrevWord,
        KeyCode::Right if ctrl || alt => InputRequest::GoToNextWord,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Home => InputRequest::GoToStart,
        KeyCode::End => InputRequest::GoToEnd,
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Delete => InputRequest::DeleteNextChar,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, ctrl: bool) -> Key {
        Key {
            code,
            ctrl,
            alt: false,
        }
    }

    fn run(field: &mut TextField, keys: &[Key]) {
        for &k in keys {
            if let Some(request) = edit_for(k) {
                field.apply(request);
            }
        }
    }

    #[test]
    fn editing_keys_move_and_delete_as_in_a_shell_prompt() {
        let (none, ctrl) = (false, true);
        let mut field = TextField::new("team:pmm due:<7d");
        run(&mut field, &[key(KeyCode::Char('w'), ctrl)]);
        assert_eq!(field.value(), "team:pmm due:<");
        run(
            &mut field,
            &[key(KeyCode::Home, none), key(KeyCode::Char('x'), none)],
        );
        assert_eq!(field.value(), "xteam:pmm due:<");
        run(&mut field, &[key(KeyCode::Delete, none)]);
        assert_eq!(
            field.value(),
            "xeam:pmm due:<",
            "Delete takes the character after"
        );
        run(
            &mut field,
            &[key(KeyCode::Char('t'), none), key(KeyCode::Backspace, none)],
        );
        run(
            &mut field,
            &[key(KeyCode::Char('t'), none), key(KeyCode::Home, none)],
        );
        run(
            &mut field,
            &[key(KeyCode::Delete, none), key(KeyCode::Char('e'), ctrl)],
        );
        assert_eq!(field.value(), "team:pmm due:<");
        assert_eq!(field.visual_cursor(), 14);
        run(
            &mut field,
            &[key(KeyCode::Left, none), key(KeyCode::Backspace, none)],
        );
        assert_eq!(field.value(), "team:pmm due<");
        run(
            &mut field,
            &[key(KeyCode::Char('a'), ctrl), key(KeyCode::Char('k'), ctrl)],
        );
        assert_eq!(field.value(), "");
        let mut field = TextField::new("anything");
        run(&mut field, &[key(KeyCode::Char('u'), ctrl)]);
        assert_eq!(field.value(), "");
        assert_eq!(edit_for(key(KeyCode::Enter, none)), None);
        assert_eq!(edit_for(key(KeyCode::Char('x'), ctrl)), None);
    }

    #[test]
    fn a_prefilled_value_is_replaced_by_typing_and_kept_by_moving() {
        let mut typed = TextField::prefilled("2026-12-01");
        assert!(typed.is_fresh());
        typed.insert('f');
        assert_eq!(typed.value(), "f");
        let mut moved = TextField::prefilled("2026-12-01");
        moved.apply(InputRequest::GoToPrevChar);
        moved.insert('5');
        assert_eq!(moved.value(), "2026-12-051");
        let mut erased = TextField::prefilled("2026-12-01");
        erased.apply(InputRequest::DeletePrevChar);
        assert_eq!(erased.value(), "2026-12-0", "Backspace edits what is there");
    }

    #[test]
    fn wide_characters_count_in_display_columns() {
        let field = TextField::new("日本");
        assert_eq!(field.visual_cursor(), 4);
    }
}

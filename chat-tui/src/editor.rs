//! The message editor: multi-line text with a cursor, the history of sent messages, and Tab
//! completion of usernames and commands. Pure data; keys are mapped to these methods in
//! [`crate::update`].

use chat_core::v1::MessageId;
use unicode_width::UnicodeWidthStr;

/// Sent texts remembered for recall.
const HISTORY_LIMIT: usize = 100;
/// The longest text the editor accepts (the server's message limit is lower; this only keeps
/// a runaway paste from eating memory).
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// The editor.
#[derive(Debug, Clone, Default)]
pub struct Editor {
    text: String,
    /// Byte offset of the cursor, always on a char boundary.
    cursor: usize,
    history: Vec<String>,
    /// Position while browsing the history (index into `history`).
    browsing: Option<usize>,
    /// The unsent text put aside while browsing.
    draft: String,
    completion: Option<Completion>,
    /// The message being edited (after Up on an empty editor), if any.
    pub editing: Option<MessageId>,
}

#[derive(Debug, Clone)]
struct Completion {
    start: usize,
    candidates: Vec<String>,
    index: usize,
}

impl Editor {
    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor's byte offset.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text and puts the cursor at its end.
    pub fn set_text(&mut self, text: &str) {
        self.text = text.to_owned();
        self.cursor = self.text.len();
        self.completion = None;
    }

    /// Empties the editor and leaves edit mode.
    pub fn clear(&mut self) {
        self.set_text("");
        self.editing = None;
        self.browsing = None;
    }

    /// Takes the text out for sending and remembers it in the history.
    pub fn take(&mut self) -> String {
        let text = std::mem::take(&mut self.text);
        self.cursor = 0;
        self.completion = None;
        self.browsing = None;
        self.editing = None;
        if !text.trim().is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
            if self.history.len() > HISTORY_LIMIT {
                self.history.remove(0);
            }
        }
        text
    }

    /// Inserts text at the cursor (typing or a paste).
    pub fn insert(&mut self, s: &str) {
        if self.text.len() + s.len() > MAX_INPUT_BYTES {
            return;
        }
        // Carriage returns from pastes would move the terminal's cursor; keep line feeds.
        let clean: String = s
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .collect();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        self.completion = None;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
        self.completion = None;
    }

    /// Deletes the character at the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
        self.completion = None;
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end_matches(' ');
        let start = trimmed.rfind([' ', '\n']).map_or(0, |i| i + 1);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
        self.completion = None;
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// Moves to the start of the line.
    pub fn home(&mut self) {
        self.cursor = self.line_start();
    }

    /// Moves to the end of the line.
    pub fn end(&mut self) {
        self.cursor = self.line_end();
    }

    /// Moves up a line; false when already on the first.
    pub fn up(&mut self) -> bool {
        let start = self.line_start();
        if start == 0 {
            return false;
        }
        let column = self.text[start..self.cursor].chars().count();
        let previous_start = self.text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        self.cursor = advance(&self.text, previous_start, start - 1, column);
        true
    }

    /// Moves down a line; false when already on the last.
    pub fn down(&mut self) -> bool {
        let end = self.line_end();
        if end == self.text.len() {
            return false;
        }
        let column = self.text[self.line_start()..self.cursor].chars().count();
        let next_start = end + 1;
        let next_end = self.text[next_start..]
            .find('\n')
            .map_or(self.text.len(), |i| next_start + i);
        self.cursor = advance(&self.text, next_start, next_end, column);
        true
    }

    /// Recalls the previous sent text.
    pub fn history_prev(&mut self) {
        if self.history.is_empty() {
            return;
        }
        let index = match self.browsing {
            None => {
                self.draft = self.text.clone();
                self.history.len() - 1
            }
            Some(0) => 0,
            Some(i) => i - 1,
        };
        self.browsing = Some(index);
        let text = self.history[index].clone();
        self.set_text(&text);
    }

    /// Recalls the next sent text, or the draft after the newest.
    pub fn history_next(&mut self) {
        let Some(index) = self.browsing else {
            return;
        };
        if index + 1 < self.history.len() {
            self.browsing = Some(index + 1);
            let text = self.history[index + 1].clone();
            self.set_text(&text);
        } else {
            self.browsing = None;
            let draft = std::mem::take(&mut self.draft);
            self.set_text(&draft);
        }
    }

    /// Completes the word before the cursor; repeated presses cycle through the candidates.
    /// `@name` and the arguments of `/dm`, `/invite`, `/kick` complete usernames (`@` also
    /// `@here` and `@everyone`); `:sho` completes emoji shortcodes (`:shortcode:`, the emoji
    /// data the server checks against); a first word starting with `/` completes commands.
    /// Returns whether anything changed.
    pub fn complete(&mut self, users: &[String], commands: &[&str]) -> bool {
        if let Some(completion) = &mut self.completion {
            completion.index = (completion.index + 1) % completion.candidates.len();
            let (start, replacement) = (
                completion.start,
                completion.candidates[completion.index].clone(),
            );
            self.text.replace_range(start..self.cursor, &replacement);
            self.cursor = start + replacement.len();
            return true;
        }
        let start = self.text[..self.cursor]
            .rfind([' ', '\n'])
            .map_or(0, |i| i + 1);
        let word = &self.text[start..self.cursor];
        let candidates: Vec<String> = if start == 0 && word.starts_with('/') {
            commands
                .iter()
                .filter(|c| c.starts_with(word))
                .map(|c| format!("{c} "))
                .collect()
        } else if let Some(prefix) = word.strip_prefix('@') {
            let broadcasts = ["here".to_owned(), "everyone".to_owned()];
            matching(users, prefix)
                .chain(matching(&broadcasts, prefix))
                .map(|u| format!("@{u} "))
                .collect()
        } else if let Some(code) = word.strip_prefix(':')
            && code.len() >= 2
            && !code.contains(':')
        {
            shortcodes(code)
        } else if ["/dm ", "/invite ", "/kick "]
            .iter()
            .any(|c| self.text.starts_with(c) && start == c.len())
        {
            matching(users, word).map(|u| format!("{u} ")).collect()
        } else {
            Vec::new()
        };
        let Some(first) = candidates.first().cloned() else {
            return false;
        };
        self.text.replace_range(start..self.cursor, &first);
        self.cursor = start + first.len();
        if candidates.len() > 1 {
            self.completion = Some(Completion {
                start,
                candidates,
                index: 0,
            });
        }
        true
    }

    /// The text split into lines, with the cursor's line and display column.
    pub fn cursor_position(&self) -> (usize, usize) {
        let before = &self.text[..self.cursor];
        let row = before.matches('\n').count();
        let column = before[self.line_start()..].width();
        (row, column)
    }
}

/// `:shortcode: ` candidates for a partial code: those starting with it first, then those
/// containing it, at most [`SHORTCODES`].
fn shortcodes(partial: &str) -> Vec<String> {
    let partial = partial.to_lowercase();
    let mut codes: Vec<&str> = chat_core::v1::Emoji::search(&partial, 500)
        .iter()
        .filter_map(chat_core::v1::Emoji::shortcode)
        .filter(|code| code.contains(&partial))
        .collect();
    codes.sort_by_key(|code| !code.starts_with(&partial));
    codes.dedup();
    codes
        .into_iter()
        .take(SHORTCODES)
        .map(|code| format!(":{code}: "))
        .collect()
}

/// Shortcode candidates offered at most.
const SHORTCODES: usize = 20;

fn matching<'a>(users: &'a [String], prefix: &'a str) -> impl Iterator<Item = &'a String> {
    let prefix = prefix.to_lowercase();
    users
        .iter()
        .filter(move |u| u.to_lowercase().starts_with(&prefix))
}

/// The byte offset `column` characters into `text[start..end]`, or `end`.
fn advance(text: &str, start: usize, end: usize, column: usize) -> usize {
    text[start..end]
        .char_indices()
        .nth(column)
        .map_or(end, |(i, _)| start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Editor {
        let mut editor = Editor::default();
        editor.insert(text);
        editor
    }

    #[test]
    fn typing_and_backspace_respect_multibyte_characters() {
        let mut editor = typed("héllo 🎉");
        editor.backspace();
        assert_eq!(editor.text(), "héllo ");
        editor.home();
        editor.right();
        editor.right();
        editor.backspace();
        assert_eq!(editor.text(), "hllo ");
    }

    #[test]
    fn up_and_down_move_between_lines_keeping_the_column() {
        let mut editor = typed("first line\nab\nthird");
        assert!(editor.up());
        assert_eq!(editor.cursor_position(), (1, 2));
        assert!(editor.up());
        assert_eq!(editor.cursor_position(), (0, 2));
        assert!(!editor.up());
        assert!(editor.down());
        assert!(editor.down());
        assert!(!editor.down());
    }

    #[test]
    fn history_recalls_sent_texts_and_restores_the_draft() {
        let mut editor = typed("one");
        editor.take();
        editor.insert("two");
        editor.take();
        editor.insert("draft");
        editor.history_prev();
        assert_eq!(editor.text(), "two");
        editor.history_prev();
        assert_eq!(editor.text(), "one");
        editor.history_next();
        editor.history_next();
        assert_eq!(editor.text(), "draft");
    }

    #[test]
    fn tab_completes_mentions_and_cycles() {
        let users = vec!["alice".to_owned(), "albert".to_owned(), "bob".to_owned()];
        let mut editor = typed("hi @al");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "hi @alice ");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "hi @albert ");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "hi @alice ");
    }

    #[test]
    fn tab_completes_broadcasts_and_emoji_shortcodes() {
        let users = vec!["hector".to_owned()];
        let mut editor = typed("@he");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "@hector ");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "@here ");

        let mut editor = typed("yay :tad");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), "yay :tada: ");
        // Codes starting with what was typed come first.
        let mut editor = typed(":+1");
        assert!(editor.complete(&users, &[]));
        assert_eq!(editor.text(), ":+1: ");
        // One letter is too little to guess from; a closed code is left alone.
        assert!(!typed(":t").complete(&users, &[]));
        assert!(!typed(":tada:").complete(&users, &[]));
    }

    #[test]
    fn tab_completes_commands_and_their_user_arguments() {
        let users = vec!["bob".to_owned()];
        let mut editor = typed("/in");
        assert!(editor.complete(&users, &["/invite", "/join"]));
        assert_eq!(editor.text(), "/invite ");
        editor.insert("b");
        assert!(editor.complete(&users, &["/invite"]));
        assert_eq!(editor.text(), "/invite bob ");
        let mut plain = typed("no match");
        assert!(!plain.complete(&users, &["/invite"]));
    }

    #[test]
    fn delete_word_removes_the_last_word() {
        let mut editor = typed("hello big world");
        editor.delete_word();
        assert_eq!(editor.text(), "hello big ");
    }
}

//! Wrapping text to a width in terminal cells: East Asian wide characters and emoji take two
//! cells, combining marks none; words move to the next line whole when they fit on one.

use unicode_width::UnicodeWidthChar;

/// The display width of one character (control characters are dropped before wrapping).
fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Text made safe for a terminal cell grid: tabs become spaces and control characters (which
/// could move the cursor or change colors) are dropped. Line feeds stay.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Splits `text` into lines of at most `max` cells. Line feeds always break; a word longer
/// than a line is cut, never in the middle of a character.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for paragraph in sanitize(text).split('\n') {
        let mut line = String::new();
        let mut line_width = 0;
        for word in split_keeping_spaces(paragraph) {
            let word_width: usize = word.chars().map(width).sum();
            if line_width + word_width <= max {
                line.push_str(word);
                line_width += word_width;
                continue;
            }
            if word.trim().is_empty() {
                // Spaces at a break are swallowed.
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                line_width = 0;
                continue;
            }
            if word_width <= max && line_width > 0 {
                lines.push(std::mem::take(&mut line).trim_end().to_owned());
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            for c in word.chars() {
                let w = width(c);
                if line_width + w > max {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push(c);
                line_width += w;
            }
        }
        lines.push(line);
    }
    lines
}

/// Words and the runs of spaces between them, in order.
fn split_keeping_spaces(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|s| s != space) {
            parts.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

/// The display width of a string.
pub fn str_width(text: &str) -> usize {
    text.chars().map(width).sum()
}

/// `text` cut to `max` cells, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if str_width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width(c);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(wrap("hello big world", 9), vec!["hello big", "world"]);
    }

    #[test]
    fn long_words_are_cut() {
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_take_two_cells_and_are_never_split() {
        // Each of these is two cells wide: five fit in ten cells, not six.
        let lines = wrap("日本語のテキスト", 10);
        assert_eq!(lines, vec!["日本語のテ", "キスト"]);
        for line in &lines {
            assert!(str_width(line) <= 10);
        }
        // An odd width leaves the last cell empty rather than splitting a character.
        assert_eq!(wrap("🎉🎉🎉", 5), vec!["🎉🎉", "🎉"]);
    }

    #[test]
    fn line_feeds_break_and_control_characters_are_dropped() {
        assert_eq!(wrap("a\nb\x1b[31mc", 10), vec!["a", "b[31mc"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("alexandra", 6), "alexa…");
        assert_eq!(truncate("bob", 6), "bob");
        assert_eq!(truncate("日本語", 4), "日…");
    }
}

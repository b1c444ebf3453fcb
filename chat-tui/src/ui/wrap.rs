//! Wrapping text to a width in terminal cells: East Asian wide characters and emoji take two
//! cells, combining marks none; words move to the next line whole when they fit on one.

use ratatui::style::Style;
use ratatui::text::Span;
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
    wrap_spans(&[Span::raw(text)], max)
        .into_iter()
        .map(|line| line.iter().map(|span| span.content.as_ref()).collect())
        .collect()
}

/// Splits styled text into rows of at most `max` cells, exactly as [`wrap`] splits plain
/// text: a word is whatever runs between spaces, even when it changes style midway (as in
/// `**bold**text`), so styling never adds break opportunities the plain text lacks.
pub fn wrap_spans(spans: &[Span<'_>], max: usize) -> Vec<Vec<Span<'static>>> {
    let max = max.max(2);
    // One cell per character keeps the algorithm identical to plain wrapping; messages are
    // at most a few thousand characters, so the extra allocation is cheap.
    let mut cells: Vec<(char, Style)> = Vec::new();
    for span in spans {
        cells.extend(sanitize(&span.content).chars().map(|c| (c, span.style)));
    }
    let mut lines = Vec::new();
    for paragraph in cells.split(|(c, _)| *c == '\n') {
        let mut line: Vec<(char, Style)> = Vec::new();
        let mut line_width = 0;
        for word in split_cells_keeping_spaces(paragraph) {
            let word_width: usize = word.iter().map(|(c, _)| width(*c)).sum();
            if line_width + word_width <= max {
                line.extend_from_slice(word);
                line_width += word_width;
                continue;
            }
            if word.iter().all(|(c, _)| c.is_whitespace()) {
                // Spaces at a break are swallowed.
                lines.push(trim_end(std::mem::take(&mut line)));
                line_width = 0;
                continue;
            }
            if word_width <= max && line_width > 0 {
                lines.push(trim_end(std::mem::take(&mut line)));
                line.extend_from_slice(word);
                line_width = word_width;
                continue;
            }
            for &(c, style) in word {
                let w = width(c);
                if line_width + w > max {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push((c, style));
                line_width += w;
            }
        }
        lines.push(line);
    }
    lines.into_iter().map(|line| merge(&line)).collect()
}

fn trim_end(mut line: Vec<(char, Style)>) -> Vec<(char, Style)> {
    while line.last().is_some_and(|(c, _)| c.is_whitespace()) {
        line.pop();
    }
    line
}

/// Adjacent cells of one style become one span (a row with no cells is no spans).
fn merge(cells: &[(char, Style)]) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut current = None;
    for &(c, style) in cells {
        if current.is_some_and(|s| s != style) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                current.unwrap_or_default(),
            ));
        }
        current = Some(style);
        text.push(c);
    }
    if let Some(style) = current {
        spans.push(Span::styled(text, style));
    }
    spans
}

/// Words and the runs of spaces between them, in order.
fn split_cells_keeping_spaces(cells: &[(char, Style)]) -> Vec<&[(char, Style)]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, (c, _)) in cells.iter().enumerate() {
        let space = *c == ' ';
        if in_space.is_some_and(|s| s != space) {
            parts.push(&cells[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < cells.len() {
        parts.push(&cells[start..]);
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
    fn styled_text_wraps_like_plain_text_and_keeps_its_styles() {
        let bold = Style::new().add_modifier(ratatui::style::Modifier::BOLD);
        let spans = [
            Span::raw("hello "),
            Span::styled("big", bold),
            Span::raw("ger world"),
        ];
        let rows = wrap_spans(&spans, 9);
        let text: Vec<String> = rows
            .iter()
            .map(|row| row.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        // "bigger" is one word across two styles, so it moves whole.
        assert_eq!(text, vec!["hello", "bigger", "world"]);
        assert_eq!(rows[1][0].content, "big");
        assert_eq!(rows[1][0].style, bold);
        assert_eq!(rows[1][1].content, "ger");
        assert_eq!(rows[1][1].style, Style::new());
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("alexandra", 6), "alexa…");
        assert_eq!(truncate("bob", 6), "bob");
        assert_eq!(truncate("日本語", 4), "日…");
    }
}

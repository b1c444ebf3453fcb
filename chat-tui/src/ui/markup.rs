//! Formatted message bodies: the shared Markdown tree from [`chat_core::markup`] drawn as
//! styled terminal rows of at most a given width in cells.
//!
//! Inline styles become ratatui modifiers and colors; blocks become row prefixes (`▎ ` per
//! quote level, `• ` or `N. ` before list items) and code blocks a box drawn with rules.
//! Every row fits the width (code is cut, never wrapped), so the message pane can count rows
//! for scrolling exactly as it draws them.

use chat_core::markup::{Block, Document, Inline, Mention};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::dim;
use super::wrap::{sanitize, str_width, truncate, wrap_spans};

/// A quote's prefix, repeated once per level.
const QUOTE_BAR: &str = "▎ ";
/// A bulleted list item's marker.
const BULLET: &str = "• ";
/// Nested prefixes (quote bars, list markers) stop being added once less than this many
/// cells would remain for the text: a very deep quote or list at a narrow width stays
/// readable and within the width instead of overflowing.
const MIN_INNER_WIDTH: usize = 4;
/// Tabs in code blocks become this many spaces (one space, as in running text, would lose
/// the indentation that makes code readable).
const TAB: &str = "    ";

/// The color of inline code and code blocks.
fn code_style() -> Style {
    Style::new().fg(Color::Cyan)
}

/// Who is reading, to highlight the mentions that call them.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The reader's username, if mentions of them should stand out (none for their own
    /// messages, which never notify them).
    pub username: Option<&'a str>,
    /// Whether the message's `@here` / `@everyone` is a real one (the server's `broadcast`):
    /// a member's `@everyone` is plain text and calls nobody.
    pub broadcast: bool,
}

impl Reader<'_> {
    fn is_called_by(&self, mention: &Mention) -> bool {
        let Some(me) = self.username else {
            return false;
        };
        match mention {
            Mention::User { username } => username.as_str().eq_ignore_ascii_case(me),
            Mention::Here | Mention::Everyone => self.broadcast,
        }
    }
}

/// `document` as rows of at most `width` cells (at least one row, possibly empty, so a
/// message always has a row to carry its author and markers).
pub fn render(document: &Document, width: usize, reader: Reader<'_>) -> Vec<Line<'static>> {
    let mut rows = Vec::new();
    blocks(&document.blocks, width.max(1), reader, &mut rows);
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows.into_iter().map(Line::from).collect()
}

/// One row's spans.
type Row = Vec<Span<'static>>;

/// Blocks one after another, each starting on a new row. Consecutive paragraphs get no blank
/// row between them: a chat message is short and the author column already separates them.
/// Recursion follows quotes and lists, which the parser caps at a small depth.
fn blocks(list: &[Block], width: usize, reader: Reader<'_>, out: &mut Vec<Row>) {
    for block in list {
        match block {
            Block::Paragraph { inlines } => paragraph(inlines, width, reader, out),
            Block::CodeBlock { language, code } => {
                code_block(language.as_deref(), code, width, out)
            }
            Block::Quote { blocks: inner } => {
                let mut rows = Vec::new();
                let prefixed = width >= str_width(QUOTE_BAR) + MIN_INNER_WIDTH;
                let inner_width = if prefixed {
                    width - str_width(QUOTE_BAR)
                } else {
                    width
                };
                blocks(inner, inner_width, reader, &mut rows);
                for row in rows {
                    out.push(if prefixed {
                        prefix(Span::styled(QUOTE_BAR, dim()), row)
                    } else {
                        row
                    });
                }
            }
            Block::List { start, items } => list_block(*start, items, width, reader, out),
        }
    }
}

fn prefix(first: Span<'static>, row: Row) -> Row {
    let mut spans = Vec::with_capacity(row.len() + 1);
    spans.push(first);
    spans.extend(row);
    spans
}

/// A list: the marker on an item's first row, spaces of the same width on the rest, so
/// continuation rows line up under the item's text.
fn list_block(
    start: Option<u64>,
    items: &[Vec<Block>],
    width: usize,
    reader: Reader<'_>,
    out: &mut Vec<Row>,
) {
    let markers: Vec<String> = match start {
        None => items.iter().map(|_| BULLET.to_owned()).collect(),
        Some(first) => {
            let numbers: Vec<String> = (0..items.len() as u64)
                .map(|n| format!("{}.", first.saturating_add(n)))
                .collect();
            // Numbers are right-aligned so "9." and "10." items start their text together.
            let widest = numbers.iter().map(|n| str_width(n)).max().unwrap_or(0);
            numbers
                .into_iter()
                .map(|n| format!("{n:>widest$} "))
                .collect()
        }
    };
    let marker_width = markers.iter().map(|m| str_width(m)).max().unwrap_or(0);
    let prefixed = width >= marker_width + MIN_INNER_WIDTH;
    let inner_width = if prefixed {
        width - marker_width
    } else {
        width
    };
    for (item, marker) in items.iter().zip(markers) {
        let mut rows = Vec::new();
        blocks(item, inner_width, reader, &mut rows);
        if rows.is_empty() {
            // An empty item still shows its marker.
            rows.push(Vec::new());
        }
        if !prefixed {
            // Too deep for the width: the items flow unmarked, like a too-deep quote,
            // rather than overflow the pane.
            out.extend(rows);
            continue;
        }
        let indent = " ".repeat(marker_width);
        for (i, row) in rows.into_iter().enumerate() {
            let lead = if i == 0 {
                Span::raw(marker.clone())
            } else {
                Span::raw(indent.clone())
            };
            out.push(prefix(lead, row));
        }
    }
}

/// A code block in a box, verbatim: lines are cut at the width, never wrapped, since a
/// wrapped line of code reads as two statements.
fn code_block(language: Option<&str>, code: &str, width: usize, out: &mut Vec<Row>) {
    let top = match language {
        Some(language) => format!("┌─ {language}"),
        None => "┌─".to_owned(),
    };
    out.push(vec![Span::styled(truncate(&sanitize(&top), width), dim())]);
    let code_width = width.saturating_sub(2);
    let code = code.replace('\t', TAB);
    for line in code.trim_end_matches('\n').split('\n') {
        let line = sanitize(line);
        let line = line.trim_end();
        let mut row = vec![Span::styled("│ ", dim())];
        if !line.is_empty() {
            row.push(Span::styled(truncate(line, code_width), code_style()));
        }
        out.push(row);
    }
    out.push(vec![Span::styled("└─", dim())]);
}

/// Running text, wrapped at spaces; a line break always starts a new row.
fn paragraph(list: &[Inline], width: usize, reader: Reader<'_>, out: &mut Vec<Row>) {
    let mut spans = Vec::new();
    inlines(list, Style::new(), reader, &mut spans);
    out.extend(wrap_spans(&spans, width));
}

/// Flattens inline content into styled spans; a line break is a line feed, which the
/// wrapper always breaks at. Recursion follows nested styles, capped by the parser.
fn inlines(list: &[Inline], style: Style, reader: Reader<'_>, out: &mut Vec<Span<'static>>) {
    for inline in list {
        match inline {
            Inline::Text { text } => out.push(Span::styled(text.clone(), style)),
            Inline::Emphasis { inlines: inner } => {
                inlines(inner, style.add_modifier(Modifier::ITALIC), reader, out);
            }
            Inline::Strong { inlines: inner } => {
                inlines(inner, style.add_modifier(Modifier::BOLD), reader, out);
            }
            Inline::Strikethrough { inlines: inner } => {
                inlines(
                    inner,
                    style.add_modifier(Modifier::CROSSED_OUT),
                    reader,
                    out,
                );
            }
            // The backticks are markup, not content; the color says it is code. Inline code
            // never spans lines, so a stray line feed must not break the row.
            Inline::Code { code } => {
                out.push(Span::styled(
                    code.replace('\n', " "),
                    style.patch(code_style()),
                ));
            }
            Inline::Link {
                url,
                inlines: inner,
            } => {
                let before = out.len();
                inlines(inner, style.add_modifier(Modifier::UNDERLINED), reader, out);
                let text: String = out[before..].iter().map(|s| s.content.as_ref()).collect();
                // A terminal cannot follow a hidden target: show it when the text is not
                // already the address, so it can be read and copied.
                if !shows_url(&text, url) {
                    out.push(Span::styled(format!(" ({url})"), dim()));
                }
            }
            Inline::Mention { mention } => {
                let mut mention_style = style.add_modifier(Modifier::BOLD);
                if reader.is_called_by(mention) {
                    mention_style = mention_style.fg(Color::Yellow);
                }
                out.push(Span::styled(mention.to_string(), mention_style));
            }
            Inline::LineBreak => out.push(Span::styled("\n", style)),
        }
    }
}

/// Whether a link's text already is its address (a bare link, or an e-mail address whose
/// target only adds `mailto:`).
fn shows_url(text: &str, url: &str) -> bool {
    text == url || url.strip_prefix("mailto:") == Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: Reader<'static> = Reader {
        username: Some("alice"),
        broadcast: true,
    };

    fn lines(content: &str, width: usize) -> Vec<Line<'static>> {
        render(&Document::parse(content), width, ME)
    }

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn rows(content: &str, width: usize) -> Vec<String> {
        lines(content, width).iter().map(text).collect()
    }

    /// The style of the span holding `needle` in the rendering of `content`.
    fn style_of(content: &str, width: usize, needle: &str) -> Style {
        lines(content, width)
            .iter()
            .flat_map(|l| l.spans.iter())
            .find(|s| s.content.contains(needle))
            .map(|s| s.style)
            .expect("a span with the text")
    }

    fn fits(content: &str, width: usize) {
        for row in rows(content, width) {
            assert!(str_width(&row) <= width, "{row:?} is wider than {width}");
        }
    }

    #[test]
    fn plain_text_wraps_like_plain_text() {
        assert_eq!(rows("hello big world", 9), vec!["hello big", "world"]);
        assert_eq!(rows("", 9), vec![""]);
    }

    #[test]
    fn strong_emphasis_and_strikethrough_are_styles_without_markers() {
        let content = "**bold** *it* ~~gone~~";
        assert_eq!(rows(content, 10), vec!["bold it", "gone"]);
        assert!(
            style_of(content, 12, "bold")
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert!(
            style_of(content, 12, "it")
                .add_modifier
                .contains(Modifier::ITALIC)
        );
        assert!(
            style_of(content, 12, "gone")
                .add_modifier
                .contains(Modifier::CROSSED_OUT)
        );
        // Nested styles add up.
        let nested = style_of("***both***", 12, "both");
        assert!(
            nested
                .add_modifier
                .contains(Modifier::BOLD | Modifier::ITALIC)
        );
    }

    #[test]
    fn a_styled_word_is_still_one_word() {
        // "**ab**cd" must not break between the styles when the word fits on the next row.
        assert_eq!(rows("xxxxx **ab**cd", 8), vec!["xxxxx", "abcd"]);
    }

    #[test]
    fn inline_code_is_colored_without_backticks() {
        assert_eq!(
            rows("run `cargo test` now", 12),
            vec!["run cargo", "test now"]
        );
        assert_eq!(
            style_of("run `cargo test` now", 12, "cargo").fg,
            Some(Color::Cyan)
        );
        assert_eq!(style_of("run `cargo test` now", 12, "run").fg, None);
    }

    #[test]
    fn links_are_underlined_and_show_a_hidden_address() {
        let content = "[docs](https://x.io) here";
        assert_eq!(rows(content, 30), vec!["docs (https://x.io) here"]);
        assert!(
            style_of(content, 30, "docs")
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert_eq!(style_of(content, 30, "(https").fg, Some(Color::DarkGray));
        // A bare link is its own text: no repetition.
        assert_eq!(rows("see https://x.io", 30), vec!["see https://x.io"]);
        assert!(
            style_of("see https://x.io", 30, "https")
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert_eq!(rows("<bob@x.io>", 30), vec!["bob@x.io"]);
    }

    #[test]
    fn mentions_are_bold_and_yellow_when_they_call_me() {
        let content = "@bob @alice @here";
        assert_eq!(rows(content, 30), vec!["@bob @alice @here"]);
        let bob = style_of(content, 30, "@bob");
        assert!(bob.add_modifier.contains(Modifier::BOLD));
        assert_eq!(bob.fg, None);
        for me in ["@alice", "@here"] {
            let style = style_of(content, 30, me);
            assert!(style.add_modifier.contains(Modifier::BOLD));
            assert_eq!(style.fg, Some(Color::Yellow));
        }
        // Without a reader (my own message), nothing calls anyone.
        let own = render(
            &Document::parse("@alice"),
            30,
            Reader {
                username: None,
                broadcast: false,
            },
        );
        assert_eq!(own[0].spans[0].style.fg, None);
    }

    #[test]
    fn line_breaks_and_paragraphs_start_rows() {
        assert_eq!(rows("one\ntwo", 20), vec!["one", "two"]);
        assert_eq!(rows("one\n\ntwo", 20), vec!["one", "two"]);
    }

    #[test]
    fn quotes_get_a_bar_per_level() {
        assert_eq!(
            rows("> quoted words here", 10),
            vec!["▎ quoted", "▎ words", "▎ here"]
        );
        assert_eq!(rows("> > deep\n\nback", 10), vec!["▎ ▎ deep", "back"]);
        assert_eq!(style_of("> x", 10, "▎"), dim());
        fits("> > > > > > > > very deep quote", 10);
    }

    #[test]
    fn lists_have_markers_and_indented_continuations() {
        assert_eq!(
            rows("- first item\n- second", 10),
            vec!["• first", "  item", "• second"]
        );
        assert_eq!(rows("3. three\n4. four", 12), vec!["3. three", "4. four"]);
        let long: String = (1..=10).map(|n| format!("{n}. x\n")).collect();
        let numbered = rows(&long, 12);
        assert_eq!(numbered[0], " 1. x");
        assert_eq!(numbered[9], "10. x");
        assert_eq!(rows("- outer\n  - inner", 12), vec!["• outer", "  • inner"]);
        fits("- - - - - - - - deep list", 10);
    }

    #[test]
    fn code_blocks_are_boxed_and_cut_not_wrapped() {
        let content = "```rust\nfn main() {}\n\tlet x = 1;\n```";
        assert_eq!(
            rows(content, 10),
            vec!["┌─ rust", "│ fn main…", "│     let…", "└─"]
        );
        assert_eq!(style_of(content, 10, "fn").fg, Some(Color::Cyan));
        assert_eq!(rows("```\ncode\n```", 10), vec!["┌─", "│ code", "└─"]);
        fits(content, 10);
    }

    #[test]
    fn wide_characters_count_two_cells() {
        assert_eq!(
            rows("**日本語のテキスト**", 10),
            vec!["日本語のテ", "キスト"]
        );
        assert_eq!(rows("- 🎉🎉🎉", 6), vec!["• 🎉🎉", "  🎉"]);
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let rendered = rows("`a\u{1b}[31mb` \u{7}c", 20);
        assert_eq!(rendered, vec!["a[31mb c"]);
    }
}

//! Formatted text: the Markdown subset messages are written in, parsed into one small typed
//! tree that every client renders from.
//!
//! A message's stored content stays the source text; this module only reads it. The subset:
//! *emphasis*, **strong**, ~~strikethrough~~, `inline code`, fenced code blocks with an
//! optional language, links (`http`, `https` and `mailto` only, written or bare), block quotes,
//! lists, `@username` / `@here` / `@everyone` (`@all`) mentions and `:shortcode:` emoji.
//! Everything else CommonMark knows is kept as what it says: a heading is a paragraph in
//! bold, raw HTML is literal text, an image is a link to it (or its text), a rule is a line.
//!
//! The tree never carries markup a renderer must interpret: text is text (a browser puts it in
//! text nodes, never in `innerHTML`), and a link's `url` has a scheme from the allow-list.
//! Nesting deeper than [`MAX_DEPTH`] is flattened so that rendering, serializing and dropping
//! a hostile 4,000-character message never recurse deeply.

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::v1::Username;

/// The deepest nesting of quotes and lists, and separately of inline styles, that the tree
/// keeps; deeper levels are merged into their parent.
pub const MAX_DEPTH: usize = 8;

/// A block of a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Block {
    /// Running text.
    #[serde(rename = "paragraph")]
    Paragraph {
        /// Its content.
        inlines: Vec<Inline>,
    },
    /// A code block, shown verbatim in a monospace box.
    #[serde(rename = "code_block")]
    CodeBlock {
        /// The language named after the opening fence, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<String>,
        /// The code, without the fences.
        code: String,
    },
    /// A block quote.
    #[serde(rename = "quote")]
    Quote {
        /// What it quotes.
        blocks: Vec<Block>,
    },
    /// A list, numbered from `start` when ordered.
    #[serde(rename = "list")]
    List {
        /// The first number of an ordered list; absent for a bulleted list.
        #[serde(skip_serializing_if = "Option::is_none")]
        start: Option<u64>,
        /// The items, each a list of blocks.
        items: Vec<Vec<Block>>,
    },
}

/// Inline content of a paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Inline {
    /// Plain text (shortcodes already replaced by their emoji).
    #[serde(rename = "text")]
    Text {
        /// The text.
        text: String,
    },
    /// Emphasis (italic).
    #[serde(rename = "emphasis")]
    Emphasis {
        /// What is emphasized.
        inlines: Vec<Inline>,
    },
    /// Strong emphasis (bold).
    #[serde(rename = "strong")]
    Strong {
        /// What is strong.
        inlines: Vec<Inline>,
    },
    /// Struck-through text.
    #[serde(rename = "strikethrough")]
    Strikethrough {
        /// What is struck through.
        inlines: Vec<Inline>,
    },
    /// Inline code, verbatim.
    #[serde(rename = "code")]
    Code {
        /// The code.
        code: String,
    },
    /// A link whose scheme is `http`, `https` or `mailto`.
    #[serde(rename = "link")]
    Link {
        /// Where it points.
        url: String,
        /// Its text.
        inlines: Vec<Inline>,
    },
    /// A mention.
    #[serde(rename = "mention")]
    Mention {
        /// Who is mentioned.
        mention: Mention,
    },
    /// A line break.
    #[serde(rename = "line_break")]
    LineBreak,
}

/// Who a mention calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind")]
pub enum Mention {
    /// `@username`: one user (the server decides whether that user exists and may read).
    #[serde(rename = "user")]
    User {
        /// The username, in lower case.
        username: Username,
    },
    /// `@here`: the members online when the message is sent.
    #[serde(rename = "here")]
    Here,
    /// `@everyone` or `@all`: every member.
    #[serde(rename = "everyone")]
    Everyone,
}

/// A parsed message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Document {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Parses message content. Never fails: what is not markup is text.
    pub fn parse(content: &str) -> Self {
        let options = Options::ENABLE_STRIKETHROUGH;
        let mut builder = Builder::default();
        for event in Parser::new_ext(content, options) {
            builder.event(event);
        }
        builder.finish()
    }

    /// The distinct mentions, in the order they first appear (none from code).
    pub fn mentions(&self) -> Vec<Mention> {
        let mut found = Vec::new();
        visit_inlines(&self.blocks, &mut |inline| {
            if let Inline::Mention { mention } = inline
                && !found.contains(mention)
            {
                found.push(mention.clone());
            }
        });
        found
    }

    /// The text a reader sees, without styles: for previews and notifications.
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        plain_blocks(self.blocks.iter(), &mut out);
        out
    }
}

fn visit_inlines(blocks: &[Block], f: &mut impl FnMut(&Inline)) {
    fn inlines(list: &[Inline], f: &mut impl FnMut(&Inline)) {
        for inline in list {
            f(inline);
            match inline {
                Inline::Emphasis { inlines: inner }
                | Inline::Strong { inlines: inner }
                | Inline::Strikethrough { inlines: inner }
                | Inline::Link { inlines: inner, .. } => inlines(inner, f),
                Inline::Text { .. }
                | Inline::Code { .. }
                | Inline::Mention { .. }
                | Inline::LineBreak => {}
            }
        }
    }
    for block in blocks {
        match block {
            Block::Paragraph { inlines: list } => inlines(list, f),
            Block::CodeBlock { .. } => {}
            Block::Quote { blocks } => visit_inlines(blocks, f),
            Block::List { items, .. } => items.iter().for_each(|item| visit_inlines(item, f)),
        }
    }
}

fn plain_block(block: &Block, out: &mut String) {
    fn inlines(list: &[Inline], out: &mut String) {
        for inline in list {
            match inline {
                Inline::Text { text } => out.push_str(text),
                Inline::Code { code } => out.push_str(code),
                Inline::Emphasis { inlines: inner }
                | Inline::Strong { inlines: inner }
                | Inline::Strikethrough { inlines: inner }
                | Inline::Link { inlines: inner, .. } => inlines(inner, out),
                Inline::Mention { mention } => out.push_str(&mention.to_string()),
                Inline::LineBreak => out.push('\n'),
            }
        }
    }
    match block {
        Block::Paragraph { inlines: list } => inlines(list, out),
        Block::CodeBlock { code, .. } => out.push_str(code.trim_end_matches('\n')),
        Block::Quote { blocks } => plain_blocks(blocks.iter(), out),
        Block::List { items, .. } => plain_blocks(items.iter().flatten(), out),
    }
}

fn plain_blocks<'a>(blocks: impl Iterator<Item = &'a Block>, out: &mut String) {
    for (n, block) in blocks.enumerate() {
        if n > 0 {
            out.push('\n');
        }
        plain_block(block, out);
    }
}

impl std::fmt::Display for Mention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::User { username } => write!(f, "@{username}"),
            Self::Here => f.write_str("@here"),
            Self::Everyone => f.write_str("@everyone"),
        }
    }
}

/// A container being filled.
enum BlockKind {
    Root,
    Quote,
    List(Option<u64>),
    Item,
}

struct BlockFrame {
    kind: BlockKind,
    blocks: Vec<Block>,
    /// A list's finished items.
    items: Vec<Vec<Block>>,
}

enum InlineKind {
    Paragraph {
        strong: bool,
    },
    Emphasis,
    Strong,
    Strikethrough,
    /// A link; `None` when its scheme is not allowed (its text stays, unlinked).
    Link(Option<String>),
}

struct InlineFrame {
    kind: InlineKind,
    inlines: Vec<Inline>,
}

/// Turns pulldown-cmark's events into the tree with explicit stacks (no recursion).
#[derive(Default)]
struct Builder {
    blocks: Vec<BlockFrame>,
    inlines: Vec<InlineFrame>,
    /// Containers not opened because they were too deep: their ends are skipped too.
    skipped_blocks: Vec<bool>,
    skipped_inlines: Vec<bool>,
    /// Inside a code block: its language and text so far.
    code: Option<(Option<String>, String)>,
}

impl Builder {
    fn block_depth(&self) -> usize {
        self.blocks.len()
    }

    fn open_block(&mut self, kind: BlockKind) {
        self.close_paragraph();
        if self.blocks.is_empty() {
            self.blocks.push(frame(BlockKind::Root));
        }
        let deep = self.block_depth() > MAX_DEPTH;
        self.skipped_blocks.push(deep);
        if !deep {
            self.blocks.push(frame(kind));
        }
    }

    fn close_block(&mut self) {
        self.close_paragraph();
        if self.skipped_blocks.pop().unwrap_or(true) {
            return;
        }
        let Some(done) = self.blocks.pop() else {
            return;
        };
        let Some(parent) = self.blocks.last_mut() else {
            return;
        };
        match done.kind {
            BlockKind::Root => {}
            BlockKind::Quote => parent.blocks.push(Block::Quote {
                blocks: done.blocks,
            }),
            BlockKind::List(start) => {
                let mut items = done.items;
                // Items too deep to open left their blocks on the list itself: they stay,
                // as one more item, rather than vanish.
                if !done.blocks.is_empty() {
                    items.push(done.blocks);
                }
                parent.blocks.push(Block::List { start, items });
            }
            BlockKind::Item => {
                if matches!(parent.kind, BlockKind::List(_)) {
                    parent.items.push(done.blocks);
                } else {
                    parent.blocks.extend(done.blocks);
                }
            }
        }
    }

    fn current_blocks(&mut self) -> &mut Vec<Block> {
        if self.blocks.is_empty() {
            self.blocks.push(frame(BlockKind::Root));
        }
        let top = self.blocks.last_mut().expect("pushed above");
        &mut top.blocks
    }

    /// Starts a paragraph unless one is open (tight list items carry text without one).
    fn ensure_paragraph(&mut self) {
        if self.inlines.is_empty() {
            self.inlines.push(InlineFrame {
                kind: InlineKind::Paragraph { strong: false },
                inlines: Vec::new(),
            });
        }
    }

    fn close_paragraph(&mut self) {
        // Closes any style left open (only by unbalanced input) into the paragraph.
        while self.inlines.len() > 1 {
            self.close_inline_frame();
        }
        if let Some(paragraph) = self.inlines.pop() {
            let strong = matches!(paragraph.kind, InlineKind::Paragraph { strong: true });
            let mut inlines = finish_inlines(paragraph.inlines, true);
            if strong && !inlines.is_empty() {
                inlines = vec![Inline::Strong { inlines }];
            }
            self.skipped_inlines.clear();
            if !inlines.is_empty() {
                self.current_blocks().push(Block::Paragraph { inlines });
            }
        }
    }

    fn open_inline(&mut self, kind: InlineKind) {
        self.ensure_paragraph();
        let deep = self.inlines.len() > MAX_DEPTH;
        self.skipped_inlines.push(deep);
        if !deep {
            self.inlines.push(InlineFrame {
                kind,
                inlines: Vec::new(),
            });
        }
    }

    fn close_inline(&mut self) {
        if self.skipped_inlines.pop().unwrap_or(true) {
            return;
        }
        if self.inlines.len() > 1 {
            self.close_inline_frame();
        }
    }

    fn close_inline_frame(&mut self) {
        let Some(done) = self.inlines.pop() else {
            return;
        };
        let in_link = matches!(done.kind, InlineKind::Link(_))
            || self
                .inlines
                .iter()
                .any(|f| matches!(f.kind, InlineKind::Link(_)));
        let inner = finish_inlines(done.inlines, !in_link);
        let Some(parent) = self.inlines.last_mut() else {
            return;
        };
        let made = match done.kind {
            InlineKind::Paragraph { .. } => return,
            InlineKind::Emphasis => Inline::Emphasis { inlines: inner },
            InlineKind::Strong => Inline::Strong { inlines: inner },
            InlineKind::Strikethrough => Inline::Strikethrough { inlines: inner },
            InlineKind::Link(Some(url)) => Inline::Link {
                url,
                inlines: inner,
            },
            InlineKind::Link(None) => {
                parent.inlines.extend(inner);
                return;
            }
        };
        parent.inlines.push(made);
    }

    fn push_inline(&mut self, inline: Inline) {
        self.ensure_paragraph();
        if let Some(top) = self.inlines.last_mut() {
            top.inlines.push(inline);
        }
    }

    fn text(&mut self, text: &str) {
        self.push_inline(Inline::Text {
            text: text.to_owned(),
        });
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(text) => code.push_str(&text),
                Event::End(TagEnd::CodeBlock) => {
                    let (language, code) = self.code.take().unwrap_or_default();
                    self.close_paragraph();
                    self.current_blocks()
                        .push(Block::CodeBlock { language, code });
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.push_inline(Inline::Code {
                code: code.into_string(),
            }),
            // Raw HTML is shown as typed; math and footnotes are not enabled.
            Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text)
            | Event::FootnoteReference(text) => self.text(&text),
            Event::SoftBreak | Event::HardBreak => {
                // A chat line break is a line break, as the writer saw it.
                self.push_inline(Inline::LineBreak);
            }
            Event::Rule => {
                self.close_paragraph();
                self.current_blocks().push(Block::Paragraph {
                    inlines: vec![Inline::Text {
                        text: "———".to_owned(),
                    }],
                });
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                self.close_paragraph();
                self.ensure_paragraph();
            }
            Tag::Heading { .. } => {
                self.close_paragraph();
                self.inlines.push(InlineFrame {
                    kind: InlineKind::Paragraph { strong: true },
                    inlines: Vec::new(),
                });
            }
            Tag::BlockQuote(_) => self.open_block(BlockKind::Quote),
            Tag::List(start) => self.open_block(BlockKind::List(start)),
            Tag::Item => self.open_block(BlockKind::Item),
            Tag::CodeBlock(kind) => {
                self.close_paragraph();
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.code = Some((language, String::new()));
            }
            Tag::Emphasis => self.open_inline(InlineKind::Emphasis),
            Tag::Strong => self.open_inline(InlineKind::Strong),
            Tag::Strikethrough => self.open_inline(InlineKind::Strikethrough),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.open_inline(InlineKind::Link(allowed_url(link_type, &dest_url))),
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                // An image is never fetched inline: it becomes a link to it.
                self.open_inline(InlineKind::Link(allowed_url(link_type, &dest_url)));
            }
            // Not enabled; if they ever arrive, their content is kept as paragraphs.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::HtmlBlock
            | TagEnd::MetadataBlock(_) => self.close_paragraph(),
            TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item => self.close_block(),
            TagEnd::CodeBlock => {}
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image => self.close_inline(),
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }

    fn finish(mut self) -> Document {
        if let Some((language, code)) = self.code.take() {
            self.current_blocks()
                .push(Block::CodeBlock { language, code });
        }
        self.close_paragraph();
        while self.blocks.len() > 1 {
            self.skipped_blocks.push(false);
            self.close_block();
        }
        Document {
            blocks: self
                .blocks
                .pop()
                .map(|root| root.blocks)
                .unwrap_or_default(),
        }
    }
}

fn frame(kind: BlockKind) -> BlockFrame {
    BlockFrame {
        kind,
        blocks: Vec::new(),
        items: Vec::new(),
    }
}

/// The link target to keep, or `None` when its scheme is not allowed.
fn allowed_url(link_type: LinkType, url: &str) -> Option<String> {
    if matches!(link_type, LinkType::Email) {
        return Some(format!("mailto:{url}"));
    }
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase())?;
    matches!(scheme.as_str(), "http" | "https" | "mailto").then(|| url.to_owned())
}

/// Merges adjacent text (the parser splits it at every possible delimiter) and, outside
/// links, finds mentions, bare links and shortcodes in it.
fn finish_inlines(inlines: Vec<Inline>, enrich: bool) -> Vec<Inline> {
    let mut merged: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (merged.last_mut(), inline) {
            (Some(Inline::Text { text }), Inline::Text { text: more }) => text.push_str(&more),
            (_, inline) => merged.push(inline),
        }
    }
    // A trailing break (from a trailing newline) shows nothing.
    while matches!(merged.last(), Some(Inline::LineBreak)) {
        merged.pop();
    }
    let mut out = Vec::with_capacity(merged.len());
    for inline in merged {
        match inline {
            Inline::Text { text } => scan_text(&text, enrich, &mut out),
            other => out.push(other),
        }
    }
    out
}

fn is_username_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Splits text into text, mentions, bare links and emoji (shortcodes always; the rest only
/// when `enrich`).
fn scan_text(text: &str, enrich: bool, out: &mut Vec<Inline>) {
    let mut plain = String::new();
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let at_boundary = previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_'));
        let found = match c {
            '@' if enrich && at_boundary => mention_at(rest),
            'h' | 'H' if enrich && at_boundary => link_at(rest),
            ':' => shortcode_at(rest),
            _ => None,
        };
        match found {
            Some((inline, len)) => {
                if let Inline::Text { text } = &inline {
                    plain.push_str(text);
                } else {
                    if !plain.is_empty() {
                        out.push(Inline::Text {
                            text: std::mem::take(&mut plain),
                        });
                    }
                    out.push(inline);
                }
                previous = rest[..len].chars().next_back();
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                previous = Some(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text { text: plain });
    }
}

/// `@name` at the start of `text`: the mention and its length in bytes.
fn mention_at(text: &str) -> Option<(Inline, usize)> {
    let name_len = text[1..]
        .find(|c: char| !is_username_char(c))
        .unwrap_or(text.len() - 1);
    // A sentence may end right after a name: "thanks @bob." mentions bob.
    let name = text[1..=name_len].trim_end_matches(['.', '-']);
    let mention = match name.to_ascii_lowercase().as_str() {
        "here" => Mention::Here,
        "everyone" | "all" => Mention::Everyone,
        _ => Mention::User {
            username: Username::parse(name).ok()?,
        },
    };
    Some((Inline::Mention { mention }, 1 + name.len()))
}

/// A bare `http://` or `https://` link at the start of `text`, without the punctuation that
/// usually ends the sentence around it.
fn link_at(text: &str) -> Option<(Inline, usize)> {
    let lower = text.get(..8)?.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut end = text
        .find(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
        .unwrap_or(text.len());
    loop {
        let url = &text[..end];
        let trimmed = url.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', '*', '_', '~']);
        // A closing parenthesis belongs to the link only when the link opened one.
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches('(').count() < trimmed.matches(')').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == end {
            break;
        }
        end = trimmed.len();
    }
    let url = &text[..end];
    let scheme_len = if url.as_bytes()[4] == b's' || url.as_bytes()[4] == b'S' {
        8
    } else {
        7
    };
    if url.len() <= scheme_len {
        return None;
    }
    Some((
        Inline::Link {
            url: url.to_owned(),
            inlines: vec![Inline::Text {
                text: url.to_owned(),
            }],
        },
        end,
    ))
}

/// `:shortcode:` at the start of `text`, as the emoji's text.
fn shortcode_at(text: &str) -> Option<(Inline, usize)> {
    let body = &text[1..];
    let close = body.find(':')?;
    let code = &body[..close];
    if code.is_empty()
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
    {
        return None;
    }
    let emoji = emojis::get_by_shortcode(code)?;
    Some((
        Inline::Text {
            text: emoji.as_str().to_owned(),
        },
        close + 2,
    ))
}

#[cfg(test)]
mod tests;

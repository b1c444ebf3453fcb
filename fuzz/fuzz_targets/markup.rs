//! The formatted-text parser of `chat_core::markup`: for any text it returns a tree (never
//! panics), no deeper than `MAX_DEPTH`, whose links all have an allowed scheme, that
//! serializes to JSON, and whose mentions are distinct.
#![no_main]

use chat_core::markup::{Block, Document, Inline, MAX_DEPTH};
use libfuzzer_sys::fuzz_target;

fn check_inlines(inlines: &[Inline], depth: usize) {
    assert!(depth <= MAX_DEPTH + 1, "inline depth {depth}");
    for inline in inlines {
        match inline {
            Inline::Link { url, inlines } => {
                let lower = url.to_ascii_lowercase();
                assert!(
                    ["http:", "https:", "mailto:"]
                        .iter()
                        .any(|scheme| lower.starts_with(scheme)),
                    "link to {url:?}"
                );
                check_inlines(inlines, depth + 1);
            }
            Inline::Emphasis { inlines }
            | Inline::Strong { inlines }
            | Inline::Strikethrough { inlines } => check_inlines(inlines, depth + 1),
            Inline::Text { text } => assert!(!text.is_empty(), "an empty text node"),
            Inline::Code { .. } | Inline::Mention { .. } | Inline::LineBreak => {}
        }
    }
}

fn check_blocks(blocks: &[Block], depth: usize) {
    assert!(depth <= MAX_DEPTH, "block depth {depth}");
    for block in blocks {
        match block {
            Block::Paragraph { inlines } => check_inlines(inlines, 0),
            Block::CodeBlock { .. } => {}
            Block::Quote { blocks } => check_blocks(blocks, depth + 1),
            Block::List { items, .. } => {
                for item in items {
                    check_blocks(item, depth + 1);
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let document = Document::parse(text);
    check_blocks(&document.blocks, 0);
    serde_json::to_string(&document).expect("the tree serializes");
    let mentions = document.mentions();
    for (n, mention) in mentions.iter().enumerate() {
        assert!(!mentions[..n].contains(mention), "{mention:?} twice");
    }
    let _ = document.plain_text();
});

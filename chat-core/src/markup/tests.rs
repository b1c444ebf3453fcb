use super::*;

fn text(t: &str) -> Inline {
    Inline::Text { text: t.to_owned() }
}

fn para(inlines: Vec<Inline>) -> Block {
    Block::Paragraph { inlines }
}

fn user(name: &str) -> Inline {
    Inline::Mention {
        mention: Mention::User {
            username: Username::parse(name).expect("valid"),
        },
    }
}

#[test]
fn styles_nest_and_text_stays_text() {
    let doc = Document::parse("**bold *both*** ~~gone~~ `a<b>` <b>raw</b>");
    assert_eq!(
        doc.blocks,
        vec![para(vec![
            Inline::Strong {
                inlines: vec![
                    text("bold "),
                    Inline::Emphasis {
                        inlines: vec![text("both")]
                    }
                ]
            },
            text(" "),
            Inline::Strikethrough {
                inlines: vec![text("gone")]
            },
            text(" "),
            Inline::Code {
                code: "a<b>".into()
            },
            text(" <b>raw</b>"),
        ])]
    );
}

#[test]
fn code_blocks_keep_their_language_and_are_not_scanned() {
    let doc = Document::parse("```rust\nlet x = @bob; :smile:\n```\nafter");
    assert_eq!(
        doc.blocks,
        vec![
            Block::CodeBlock {
                language: Some("rust".into()),
                code: "let x = @bob; :smile:\n".into()
            },
            para(vec![text("after")])
        ]
    );
    assert!(doc.mentions().is_empty());
}

#[test]
fn only_safe_link_schemes_become_links() {
    let doc = Document::parse(
        "[ok](https://example.com/a) [bad](javascript:alert(1)) <mailto:a@b.c> <x@y.org>",
    );
    let Block::Paragraph { inlines } = &doc.blocks[0] else {
        panic!("{doc:?}")
    };
    assert_eq!(
        inlines[0],
        Inline::Link {
            url: "https://example.com/a".into(),
            inlines: vec![text("ok")]
        }
    );
    // The refused link keeps its text, unlinked.
    assert_eq!(inlines[1], text(" bad "));
    assert!(matches!(&inlines[2], Inline::Link { url, .. } if url == "mailto:a@b.c"));
    assert!(matches!(&inlines[4], Inline::Link { url, .. } if url == "mailto:x@y.org"));
}

#[test]
fn bare_links_mentions_and_shortcodes_are_found_in_text() {
    let doc =
        Document::parse("hey @Bob_Smith, see https://x.org/a_(b). :tada: @here mail a@b.com @x");
    let Block::Paragraph { inlines } = &doc.blocks[0] else {
        panic!("{doc:?}")
    };
    assert_eq!(
        inlines,
        &vec![
            text("hey "),
            user("bob_smith"),
            text(", see "),
            Inline::Link {
                url: "https://x.org/a_(b)".into(),
                inlines: vec![text("https://x.org/a_(b)")]
            },
            text(". 🎉 "),
            Inline::Mention {
                mention: Mention::Here
            },
            text(" mail a@b.com @x"),
        ]
    );
    assert_eq!(
        doc.mentions(),
        vec![
            Mention::User {
                username: Username::parse("bob_smith").expect("valid")
            },
            Mention::Here
        ]
    );
}

#[test]
fn mentions_end_before_sentence_punctuation_and_are_distinct() {
    let doc = Document::parse("thanks @bob. and @bob- and @ALL and @everyone");
    assert_eq!(
        doc.mentions(),
        vec![
            Mention::User {
                username: Username::parse("bob").expect("valid")
            },
            Mention::Everyone
        ]
    );
}

#[test]
fn lists_quotes_and_breaks() {
    let doc = Document::parse("> quoted\n> more\n\n3. one\n4. two\n\n- a\n  - b");
    assert_eq!(
        doc.blocks,
        vec![
            Block::Quote {
                blocks: vec![para(vec![text("quoted"), Inline::LineBreak, text("more")])]
            },
            Block::List {
                start: Some(3),
                items: vec![vec![para(vec![text("one")])], vec![para(vec![text("two")])]]
            },
            Block::List {
                start: None,
                items: vec![vec![
                    para(vec![text("a")]),
                    Block::List {
                        start: None,
                        items: vec![vec![para(vec![text("b")])]]
                    }
                ]]
            },
        ]
    );
    assert_eq!(doc.plain_text(), "quoted\nmore\none\ntwo\na\nb");
}

#[test]
fn headings_are_bold_paragraphs_and_images_links() {
    let doc = Document::parse("# Title\n![cat](https://x.org/cat.png)");
    assert_eq!(
        doc.blocks,
        vec![
            para(vec![Inline::Strong {
                inlines: vec![text("Title")]
            }]),
            para(vec![Inline::Link {
                url: "https://x.org/cat.png".into(),
                inlines: vec![text("cat")]
            }]),
        ]
    );
}

fn depth(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::Quote { blocks } => 1 + depth(blocks),
            Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fn inline_depth(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Emphasis { inlines }
            | Inline::Strong { inlines }
            | Inline::Strikethrough { inlines }
            | Inline::Link { inlines, .. } => 1 + inline_depth(inlines),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn hostile_nesting_is_flattened_and_keeps_the_text() {
    let quotes = format!("{}deep", ">".repeat(3000));
    let doc = Document::parse(&quotes);
    assert!(depth(&doc.blocks) <= MAX_DEPTH, "{}", depth(&doc.blocks));
    assert_eq!(doc.plain_text(), "deep");

    let lists = "- ".repeat(1500) + "x";
    let doc = Document::parse(&lists);
    assert!(depth(&doc.blocks) <= MAX_DEPTH);
    assert_eq!(doc.plain_text(), "x");

    let stars = format!("{}x{}", "*a ".repeat(1000), " a*".repeat(1000));
    let doc = Document::parse(&stars);
    let Block::Paragraph { inlines } = &doc.blocks[0] else {
        panic!()
    };
    assert!(
        inline_depth(inlines) >= MAX_DEPTH,
        "{}",
        inline_depth(inlines)
    );
    assert!(inline_depth(inlines) <= MAX_DEPTH);
    assert_eq!(doc.plain_text().matches('a').count(), 2000);
}

#[test]
fn text_past_the_depth_cap_is_kept_not_dropped() {
    // A quote, then nested lists: the deepest items are past the cap, their text is not.
    for depth in 3..12 {
        let source = format!("> {}secret @bob", "- ".repeat(depth));
        let doc = Document::parse(&source);
        assert_eq!(doc.plain_text(), "secret @bob", "at {depth}: {doc:?}");
        assert_eq!(doc.mentions().len(), 1, "at {depth}");
    }
}

#[test]
fn the_tree_serializes_with_stable_tags() {
    let doc = Document::parse("*hi* @bob\n```sh\nls\n```");
    let json = serde_json::to_value(&doc).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!([
            {"type": "paragraph", "inlines": [
                {"type": "emphasis", "inlines": [{"type": "text", "text": "hi"}]},
                {"type": "text", "text": " "},
                {"type": "mention", "mention": {"kind": "user", "username": "bob"}}
            ]},
            {"type": "code_block", "language": "sh", "code": "ls\n"}
        ])
    );
}

#[test]
fn unterminated_fences_and_empty_input() {
    assert_eq!(Document::parse("").blocks, vec![]);
    assert_eq!(
        Document::parse("```\nopen").blocks,
        vec![Block::CodeBlock {
            language: None,
            code: "open".into()
        }]
    );
}

//! Snapshots of the main screens, drawn on ratatui's `TestBackend` from reducer-built state
//! with fixed times in UTC, so they are the same on every machine.

use chat_core::v1::ServerFrame;
use chat_tui::event::Event;
use chat_tui::state::App;
use chat_tui::time::Zone;
use chat_tui::ui;
use chat_tui::update::update;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

use crate::fixtures::*;

fn render(app: &App) -> String {
    let mut terminal =
        Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("a test terminal");
    terminal.draw(|frame| ui::draw(frame, app)).expect("drawn");
    terminal.backend().to_string()
}

#[test]
fn login_screen() {
    let mut app = App::new(
        "http://127.0.0.1:8080".into(),
        String::new(),
        Zone::utc(),
        "t".into(),
    );
    app.size = (80, 20);
    type_text(&mut app, "alice");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "secret");
    assert_snapshot!(render(&app));
}

#[test]
fn main_screen() {
    let mut app = signed_in();
    frame(
        &mut app,
        ServerFrame::Typing {
            conversation_id: general(),
            user_id: bob(),
            typing: true,
        },
    );
    type_text(&mut app, "on it, 見てみます");
    // A pending message under the history, as when sent while offline.
    let mut pending = signed_in();
    type_text(&mut pending, "sent while offline");
    key(&mut pending, KeyCode::Enter);
    app.conversation_mut(general())
        .expect("general")
        .pending
        .clone_from(&pending.conversation(general()).expect("general").pending);
    assert_snapshot!(render(&app));
}

#[test]
fn member_list_open() {
    let mut app = signed_in();
    key(&mut app, KeyCode::F(3));
    assert_snapshot!(render(&app));
}

#[test]
fn help_overlay() {
    let mut app = signed_in();
    app.size = (100, 40);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.show_help);
    assert_snapshot!(render(&app));
}

#[test]
fn narrow_terminal_wraps_wide_characters() {
    let mut app = signed_in();
    app.size = (58, 16);
    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: general(),
            seq: 4,
            message: message(
                general(),
                4,
                carol(),
                "長い日本語のメッセージは二つのセルを使う文字でできています🎉🎉🎉",
                NOW,
            ),
        },
    );
    update(&mut app, Event::Tick(NOW));
    key_with(&mut app, KeyCode::Char('x'), KeyModifiers::NONE);
    assert_snapshot!(render(&app));
}

#[test]
fn replies_reactions_and_pins() {
    let mut app = signed_in();
    app.size = (72, 16);
    let original = message(general(), 4, carol(), "ship it on friday?", NOW - MINUTE);
    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: general(),
            seq: 4,
            message: original.clone(),
        },
    );
    let mut reply = message(general(), 5, bob(), "yes, after the review", NOW);
    reply.reply_to = Some(Box::new(chat_core::v1::ReplyPreview {
        id: original.id,
        seq: original.seq,
        author: original.author.clone(),
        excerpt: "ship it on friday?".into(),
        deleted: false,
    }));
    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: general(),
            seq: 5,
            message: reply,
        },
    );
    for (seq, who, count) in [(6, bob(), 1), (7, alice(), 2)] {
        frame(
            &mut app,
            ServerFrame::ReactionAdded(chat_core::v1::ReactionEvent {
                conversation_id: general(),
                seq,
                message_id: original.id,
                message_seq: original.seq,
                user_id: who,
                emoji: chat_core::v1::Emoji::parse(":+1:").expect("emoji"),
                count,
            }),
        );
    }
    frame(
        &mut app,
        ServerFrame::MessagePinned(chat_core::v1::PinEvent {
            conversation_id: general(),
            seq: 8,
            message_id: original.id,
            message_seq: original.seq,
            user_id: alice(),
            at: original.created_at,
        }),
    );
    update(&mut app, Event::Tick(NOW));
    assert_snapshot!(render(&app));
}

#[test]
fn formatted_messages() {
    let mut app = signed_in();
    app.size = (80, 24);
    let bodies = [
        (
            bob(),
            "**heads up** @alice: the *new* runner uses `cargo nextest`, see \
             [the guide](https://example.com/ci) and ~~the old notes~~",
        ),
        (
            carol(),
            "> is it on by default?\n\nyes, two steps:\n1. pull\n2. run it",
        ),
        (alice(), "```sh\ncargo nextest run --workspace\n```"),
        (
            bob(),
            "- faster\n- retries the flaky ones, so @here please rebase",
        ),
    ];
    // One a minute, the last at NOW.
    for ((seq, minutes_ago), (who, text)) in (4..).zip((0..4).rev()).zip(bodies) {
        let at = NOW - minutes_ago * MINUTE;
        frame(
            &mut app,
            ServerFrame::MessageCreated {
                conversation_id: general(),
                seq,
                message: {
                    // As the server resolves them: bob names alice, and may call @here.
                    let mut m = message(general(), seq, who, text, at);
                    if text.contains("@alice") {
                        m.mentions = vec![alice()];
                    }
                    if text.contains("@here") {
                        m.broadcast = Some(chat_core::v1::Broadcast::Here);
                    }
                    m
                },
            },
        );
    }
    update(&mut app, Event::Tick(NOW));
    let mut terminal =
        Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("a test terminal");
    terminal.draw(|frame| ui::draw(frame, &app)).expect("drawn");
    let buffer = terminal.backend().buffer();
    // The snapshot shows text only: check that a few spans carry their styles.
    let style_at = |row: &str, needle: &str| {
        let y = (0..buffer.area.height)
            .find(|&y| {
                let line: String = (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect();
                line.contains(row)
            })
            .expect("the row is drawn");
        let line: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let x = (0..line.len())
            .find(|&x| line[x..].concat().starts_with(needle))
            .expect("the text is drawn");
        buffer[(u16::try_from(x).expect("narrow"), y)].style()
    };
    let heads_up = style_at("heads up", "heads up");
    assert!(heads_up.add_modifier.contains(Modifier::BOLD));
    let me = style_at("heads up", "@alice");
    assert!(me.add_modifier.contains(Modifier::BOLD));
    assert_eq!(me.fg, Some(Color::Yellow));
    assert!(
        style_at("heads up", "new")
            .add_modifier
            .contains(Modifier::ITALIC)
    );
    assert_eq!(style_at("uses cargo", "cargo").fg, Some(Color::Cyan));
    assert!(
        style_at("uses cargo", "the guide")
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    assert!(
        style_at("old notes", "old notes")
            .add_modifier
            .contains(Modifier::CROSSED_OUT)
    );
    assert_eq!(style_at("--workspace", "cargo").fg, Some(Color::Cyan));
    assert_eq!(style_at("so @here", "@here").fg, Some(Color::Yellow));
    assert_snapshot!(render(&app));
}

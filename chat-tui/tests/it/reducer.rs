//! The reducer, event by event: no terminal, no network.

use chat_client::GatewayEvent;
use chat_core::v1::{ErrorCode, MessageContent, ServerFrame};
use chat_tui::effect::Effect;
use chat_tui::event::{Event, NetEvent};
use chat_tui::state::{Connection, History, Screen};
use chat_tui::update::update;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use crate::fixtures::*;

fn sends(effects: &[Effect]) -> Vec<(String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { nonce, content, .. } => {
                Some((nonce.clone(), content.as_str().to_owned()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn enter_sends_and_the_message_is_pending_until_acknowledged() {
    let mut app = signed_in();
    type_text(&mut app, "hello there");

    let effects = key(&mut app, KeyCode::Enter);

    let sent = sends(&effects);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1, "hello there");
    assert!(app.editor.is_empty());
    let conversation = app.current().expect("general is open");
    assert_eq!(conversation.pending.len(), 1);

    let stored = message(general(), 4, alice(), "hello there", NOW);
    net(
        &mut app,
        NetEvent::Sent {
            nonce: sent[0].0.clone(),
            message: Box::new(stored),
        },
    );

    let conversation = app.current().expect("general is open");
    assert!(conversation.pending.is_empty());
    assert_eq!(
        conversation.messages.last().map(|m| m.content.as_str()),
        Some("hello there")
    );
}

#[test]
fn a_message_sent_while_offline_stays_pending_and_is_delivered_after_the_resume() {
    let mut app = signed_in();
    net(
        &mut app,
        NetEvent::Gateway(Box::new(GatewayEvent::Reconnecting {
            attempt: 1,
            delay: std::time::Duration::from_millis(250),
            reason: "connection reset".into(),
        })),
    );
    assert!(matches!(
        app.connection,
        Connection::Reconnecting { attempt: 1, .. }
    ));
    type_text(&mut app, "sent while offline");

    let effects = key(&mut app, KeyCode::Enter);

    // The effect goes to the gateway, which holds it until it is connected again.
    let sent = sends(&effects);
    assert_eq!(sent.len(), 1);
    assert_eq!(app.current().expect("open").pending.len(), 1);

    net(
        &mut app,
        NetEvent::Gateway(Box::new(GatewayEvent::Connected(ready(2)))),
    );
    assert_eq!(app.connection, Connection::Resuming);
    assert_eq!(
        app.current().expect("open").pending.len(),
        1,
        "still pending until the ack"
    );
    net(&mut app, NetEvent::Gateway(Box::new(GatewayEvent::Resumed)));
    assert_eq!(app.connection, Connection::Resumed);
    net(
        &mut app,
        NetEvent::Sent {
            nonce: sent[0].0.clone(),
            message: Box::new(message(general(), 4, alice(), "sent while offline", NOW)),
        },
    );
    let conversation = app.current().expect("open");
    assert!(conversation.pending.is_empty());
    assert_eq!(conversation.messages.len(), 4);
}

#[test]
fn the_echo_of_an_own_message_arriving_before_its_ack_shows_it_once() {
    let mut app = signed_in();
    type_text(&mut app, "echo first");
    let sent = sends(&key(&mut app, KeyCode::Enter));
    let stored = message(general(), 4, alice(), "echo first", NOW);

    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: general(),
            seq: 4,
            message: stored.clone(),
        },
    );
    net(
        &mut app,
        NetEvent::Sent {
            nonce: sent[0].0.clone(),
            message: Box::new(stored),
        },
    );

    let conversation = app.current().expect("open");
    assert!(conversation.pending.is_empty());
    assert_eq!(
        conversation
            .messages
            .iter()
            .filter(|m| m.content == "echo first")
            .count(),
        1
    );
}

#[test]
fn a_rate_limited_send_is_retried_with_the_same_nonce_then_marked_failed() {
    let mut app = signed_in();
    type_text(&mut app, "slow down");
    let nonce = sends(&key(&mut app, KeyCode::Enter))[0].0.clone();

    let effects = net(
        &mut app,
        NetEvent::SendFailed {
            nonce: nonce.clone(),
            reason: "too many requests".into(),
            retry_after_ms: Some(400),
        },
    );

    assert!(matches!(&effects[..], [Effect::Send { nonce: n, delay_ms: 400, .. }] if *n == nonce));
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("rate limited"))
    );

    let effects = net(
        &mut app,
        NetEvent::SendFailed {
            nonce,
            reason: "forbidden".into(),
            retry_after_ms: None,
        },
    );
    assert!(effects.is_empty());
    let pending = &app.current().expect("open").pending[0];
    assert_eq!(pending.failed.as_deref(), Some("forbidden"));
    assert!(app.notice.as_ref().is_some_and(|n| n.error));
    // Up brings a failed message back into the editor.
    key(&mut app, KeyCode::Up);
    assert_eq!(app.editor.text(), "slow down");
    assert!(app.current().expect("open").pending.is_empty());
}

#[test]
fn edits_and_deletions_from_the_gateway_change_the_shown_messages() {
    let mut app = signed_in();
    let mut edited = message(general(), 3, bob(), "@alice never mind, fixed", NOW);
    edited.edited_at = Some(chat_core::v1::Timestamp::from_unix_millis(NOW).expect("time"));
    let id = edited.id;

    frame(
        &mut app,
        ServerFrame::MessageUpdated {
            conversation_id: general(),
            seq: 4,
            message: edited,
        },
    );
    let shown = app
        .current()
        .expect("open")
        .messages
        .iter()
        .find(|m| m.id == id)
        .cloned()
        .expect("kept");
    assert_eq!(shown.content, "@alice never mind, fixed");
    assert!(shown.edited);

    frame(
        &mut app,
        ServerFrame::MessageDeleted {
            conversation_id: general(),
            seq: 5,
            message_id: id,
            message_seq: 3,
        },
    );
    let shown = app
        .current()
        .expect("open")
        .messages
        .iter()
        .find(|m| m.id == id)
        .cloned()
        .expect("kept");
    assert!(shown.deleted);
    assert!(shown.content.is_empty(), "deleted text is not kept");
}

#[test]
fn messages_elsewhere_count_as_unread_and_mentions_are_flagged() {
    let mut app = signed_in();
    let before = app.conversation(random()).expect("random").unread;

    // The server says whom a message calls; text that only looks like a mention is not one.
    let mut calling = message(random(), 6, bob(), "ping @alice.", NOW);
    calling.mentions = vec![alice()];
    let effects = frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: random(),
            seq: 6,
            message: calling,
        },
    );
    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: random(),
            seq: 7,
            message: message(random(), 7, bob(), "`@alice` in code", NOW),
        },
    );

    let random_state = app.conversation(random()).expect("random");
    assert_eq!(random_state.unread, before + 2);
    assert_eq!(random_state.mentions, 1);
    let shown = random_state
        .messages
        .iter()
        .find(|m| m.seq == 6)
        .expect("shown");
    assert!(shown.calls_me);
    assert!(
        effects.is_empty(),
        "nothing is marked read in a conversation not on screen"
    );
}

#[test]
fn a_message_in_the_open_conversation_moves_the_read_cursor() {
    let mut app = signed_in();

    let effects = frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: general(),
            seq: 4,
            message: message(general(), 4, bob(), "seen at once", NOW),
        },
    );

    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            conversation: general(),
            seq: 4
        }]
    );
    assert_eq!(app.current().expect("open").unread, 0);
}

#[test]
fn opening_a_conversation_loads_its_history_and_marks_it_read_when_loaded() {
    let mut app = signed_in();

    let effects = key_with(&mut app, KeyCode::Down, KeyModifiers::ALT);

    assert_eq!(app.selected, Some(random()));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadHistory { before: None, .. }))
    );
    assert!(effects.iter().any(|e| matches!(e, Effect::LoadMembers(_))));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::MarkRead { .. })),
        "not before it is shown"
    );

    let effects = net(
        &mut app,
        NetEvent::History {
            conversation: random(),
            before: None,
            messages: vec![
                message(random(), 5, bob(), "new", NOW),
                message(random(), 4, bob(), "old", NOW - MINUTE),
            ],
            more: false,
        },
    );

    assert_eq!(
        effects,
        vec![Effect::MarkRead {
            conversation: random(),
            seq: 5
        }]
    );
    assert_eq!(app.conversation(random()).expect("random").unread, 0);
}

#[test]
fn typing_indications_show_and_expire() {
    let mut app = signed_in();
    frame(
        &mut app,
        ServerFrame::Typing {
            conversation_id: general(),
            user_id: bob(),
            typing: true,
        },
    );
    assert_eq!(app.current().expect("open").typing.len(), 1);

    update(&mut app, Event::Tick(NOW + 3_000));
    assert_eq!(app.current().expect("open").typing.len(), 1, "still fresh");
    update(&mut app, Event::Tick(NOW + 8_000));
    assert!(app.current().expect("open").typing.is_empty(), "expired");
}

#[test]
fn typing_is_announced_at_most_every_few_seconds() {
    let mut app = signed_in();

    let first = type_text(&mut app, "hel");
    update(&mut app, Event::Tick(NOW + 1_000));
    let soon = type_text(&mut app, "lo");
    update(&mut app, Event::Tick(NOW + 4_000));
    let later = type_text(&mut app, "!");

    assert_eq!(first, vec![Effect::Typing(general())]);
    assert!(soon.is_empty());
    assert_eq!(later, vec![Effect::Typing(general())]);
}

#[test]
fn tab_completes_usernames_and_commands() {
    let mut app = signed_in();
    type_text(&mut app, "thanks @b");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.editor.text(), "thanks @bob ");

    app.editor.clear();
    type_text(&mut app, "/inv");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "ca");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.editor.text(), "/invite carol ");
}

#[test]
fn slash_commands_become_effects_or_explain_themselves() {
    let mut app = signed_in();
    type_text(&mut app, "/join ops");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::JoinByName(name)] if name.as_str() == "ops"));

    type_text(&mut app, "/invite carol");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(matches!(&effects[..], [Effect::Invite { user, .. }] if user.as_str() == "carol"));

    type_text(&mut app, "/kick");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(effects.is_empty());
    assert_eq!(
        app.notice.as_ref().map(|n| n.text.as_str()),
        Some("usage: /kick <user>")
    );
    assert_eq!(
        app.editor.text(),
        "/kick",
        "a refused command stays for fixing"
    );

    app.editor.clear();
    key_with(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    key_with(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(app.selected, Some(bob_chat()));
    type_text(&mut app, "/topic hello");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(effects.is_empty());
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("in a lobby"))
    );

    app.editor.clear();
    type_text(&mut app, "/quit");
    key(&mut app, KeyCode::Enter);
    assert!(app.quit);
}

#[test]
fn a_double_slash_sends_a_literal_slash() {
    let mut app = signed_in();
    type_text(&mut app, "//shrug");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(sends(&effects)[0].1, "/shrug");
}

#[test]
fn up_in_an_empty_editor_edits_the_last_own_message_and_emptying_it_deletes() {
    let mut app = signed_in();
    let own_id = app
        .current()
        .expect("open")
        .messages
        .iter()
        .find(|m| m.author == "alice")
        .expect("own")
        .id;

    key(&mut app, KeyCode::Up);
    assert_eq!(app.editor.editing, Some(own_id));
    assert_eq!(app.editor.text(), "morning! the build is green again 🎉");
    type_text(&mut app, "!");
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effects,
        vec![Effect::Edit {
            message: own_id,
            content: MessageContent::parse("morning! the build is green again 🎉!").expect("valid"),
        }]
    );

    key(&mut app, KeyCode::Up);
    key_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert!(app.editor.is_empty());
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::Delete(own_id)]);
}

#[test]
fn alt_enter_inserts_a_new_line_instead_of_sending() {
    let mut app = signed_in();
    type_text(&mut app, "line one");
    let effects = key_with(&mut app, KeyCode::Enter, KeyModifiers::ALT);
    type_text(&mut app, "line two");
    assert!(sends(&effects).is_empty());
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(sends(&effects)[0].1, "line one\nline two");
}

#[test]
fn ctrl_up_recalls_sent_messages() {
    let mut app = signed_in();
    type_text(&mut app, "first");
    key(&mut app, KeyCode::Enter);
    key_with(&mut app, KeyCode::Up, KeyModifiers::CONTROL);
    assert_eq!(app.editor.text(), "first");
}

fn long_history(
    conversation: chat_core::v1::ConversationId,
    from: u64,
    count: u64,
) -> Vec<chat_core::v1::Message> {
    (from..from + count)
        .rev()
        .map(|seq| {
            message(
                conversation,
                seq,
                bob(),
                &format!("message number {seq}"),
                NOW - (200 - seq as i64) * MINUTE,
            )
        })
        .collect()
}

#[test]
fn scrolling_near_the_top_fetches_the_previous_page_once() {
    let mut app = signed_in();
    key_with(&mut app, KeyCode::Down, KeyModifiers::ALT);
    let effects = net(
        &mut app,
        NetEvent::History {
            conversation: random(),
            before: None,
            messages: long_history(random(), 51, 50),
            more: true,
        },
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::LoadHistory { .. })),
        "a full screen needs no more yet"
    );
    let oldest = app.current().expect("open").messages[0].id;

    let mut requests = Vec::new();
    for _ in 0..10 {
        requests.extend(key(&mut app, KeyCode::PageUp));
    }

    let loads: Vec<_> = requests
        .iter()
        .filter(|e| matches!(e, Effect::LoadHistory { .. }))
        .collect();
    assert_eq!(
        loads.len(),
        1,
        "one request while one is in flight: {loads:?}"
    );
    assert!(matches!(loads[0], Effect::LoadHistory { before: Some(id), .. } if *id == oldest));
    let scroll = app.current().expect("open").scroll;

    net(
        &mut app,
        NetEvent::History {
            conversation: random(),
            before: Some(oldest),
            messages: long_history(random(), 1, 50),
            more: false,
        },
    );
    let conversation = app.current().expect("open");
    assert_eq!(conversation.messages.len(), 100);
    assert_eq!(conversation.history, History::Complete);
    assert_eq!(
        conversation.scroll, scroll,
        "older rows go above; the view stays put"
    );
}

#[test]
fn the_mouse_wheel_scrolls_and_esc_returns_to_the_newest() {
    let mut app = signed_in();
    key_with(&mut app, KeyCode::Down, KeyModifiers::ALT);
    net(
        &mut app,
        NetEvent::History {
            conversation: random(),
            before: None,
            messages: long_history(random(), 1, 50),
            more: false,
        },
    );
    let wheel = |kind| {
        Event::Mouse(ratatui::crossterm::event::MouseEvent {
            kind,
            column: 50,
            row: 10,
            modifiers: KeyModifiers::NONE,
        })
    };

    update(
        &mut app,
        wheel(ratatui::crossterm::event::MouseEventKind::ScrollUp),
    );
    assert_eq!(app.current().expect("open").scroll, 3);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.current().expect("open").scroll, 0);
}

#[test]
fn being_removed_from_a_lobby_is_a_status_line_not_a_crash() {
    let mut app = signed_in();

    frame(
        &mut app,
        ServerFrame::MemberRemoved {
            conversation_id: general(),
            seq: 4,
            user_id: alice(),
        },
    );

    assert!(app.conversation(general()).is_none());
    assert_ne!(app.selected, Some(general()));
    let notice = app.notice.clone().expect("a notice");
    assert!(notice.error);
    assert_eq!(notice.text, "you were removed from #general");
}

#[test]
fn gateway_errors_show_in_the_status_line() {
    let mut app = signed_in();
    frame(
        &mut app,
        ServerFrame::Error {
            code: ErrorCode::RateLimited,
            message: "too many requests".into(),
            nonce: None,
            retry_after_ms: Some(1500),
        },
    );
    assert_eq!(
        app.notice.as_ref().map(|n| n.text.as_str()),
        Some("rate_limited: too many requests (retry in 1.5 s)")
    );
}

#[test]
fn presence_updates_the_online_set() {
    let mut app = signed_in();
    frame(
        &mut app,
        ServerFrame::Presence {
            user_id: bob(),
            online: false,
        },
    );
    assert!(!app.online.contains(&bob()));
    frame(
        &mut app,
        ServerFrame::Presence {
            user_id: carol(),
            online: true,
        },
    );
    assert!(app.online.contains(&carol()));
}

#[test]
fn events_of_an_unknown_conversation_refresh_the_sidebar() {
    let mut app = signed_in();
    let unknown = chat_core::v1::ConversationId::from_uuid(uuid(0x3003));
    let effects = frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: unknown,
            seq: 1,
            message: message(unknown, 1, carol(), "hi alice", NOW),
        },
    );
    assert_eq!(effects, vec![Effect::LoadConversations { select: None }]);
}

#[test]
fn a_read_cursor_from_another_device_clears_the_unread_count() {
    let mut app = signed_in();
    frame(
        &mut app,
        ServerFrame::Read {
            conversation_id: random(),
            seq: 5,
        },
    );
    assert_eq!(app.conversation(random()).expect("random").unread, 0);
}

#[test]
fn the_login_form_validates_then_signs_in() {
    let mut app = chat_tui::state::App::new(
        "http://chat.example".into(),
        String::new(),
        chat_tui::time::Zone::utc(),
        "t".into(),
    );
    assert_eq!(app.screen, Screen::Login);
    type_text(&mut app, "Not Valid");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "pw");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(effects.is_empty());
    assert!(app.login.error.is_some());

    while !app.login.username.is_empty() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "alice");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "correct horse");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(&effects[..], [Effect::Login { username, register: false, .. }] if username == "alice")
    );
    assert!(app.login.busy);
    assert!(
        !format!("{effects:?}").contains("correct horse"),
        "the password never shows in Debug"
    );

    net(
        &mut app,
        NetEvent::LoginFailed("invalid username or password".into()),
    );
    assert!(!app.login.busy);
    assert_eq!(
        app.login.error.as_deref(),
        Some("invalid username or password")
    );
}

#[test]
fn a_refused_token_returns_to_the_login_form() {
    let mut app = signed_in();
    net(
        &mut app,
        NetEvent::Gateway(Box::new(GatewayEvent::Closed {
            reason: "unauthorized".into(),
        })),
    );
    assert_eq!(app.screen, Screen::Login);
    assert!(matches!(app.connection, Connection::Offline { .. }));
}

#[test]
fn resync_required_reloads_the_history() {
    let mut app = signed_in();
    let effects = net(
        &mut app,
        NetEvent::Gateway(Box::new(GatewayEvent::ResyncRequired {
            conversation_id: general(),
        })),
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadHistory { before: None, .. }))
    );
    assert!(app.current().expect("open").messages.is_empty());
}

#[test]
fn a_new_message_does_not_move_a_view_scrolled_up() {
    let mut app = signed_in();
    key_with(&mut app, KeyCode::Down, KeyModifiers::ALT);
    net(
        &mut app,
        NetEvent::History {
            conversation: random(),
            before: None,
            messages: long_history(random(), 1, 50),
            more: false,
        },
    );
    key(&mut app, KeyCode::PageUp);
    let scroll = app.current().expect("open").scroll;

    frame(
        &mut app,
        ServerFrame::MessageCreated {
            conversation_id: random(),
            seq: 51,
            message: message(random(), 51, bob(), "one more row", NOW - 149 * MINUTE),
        },
    );

    assert_eq!(app.current().expect("open").scroll, scroll + 1);
    assert_eq!(
        app.current().expect("open").unread,
        1,
        "not seen while scrolled up"
    );
}

#[test]
fn react_reply_and_pin_commands_act_on_the_newest_message() {
    let mut app = signed_in();
    let newest = app
        .conversation(general())
        .and_then(|c| c.messages.last().map(|m| m.id))
        .expect("history");
    type_text(&mut app, "/react :+1:");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::React { message, emoji, add: true }
            if *message == newest && emoji.as_str() == "👍")),
        "{effects:?}"
    );
    type_text(&mut app, "/reply agreed");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Reply { reply_to, .. } if *reply_to == newest)),
        "{effects:?}"
    );
    type_text(&mut app, "/pin");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Pin { message, pin: true } if *message == newest)),
        "{effects:?}"
    );
    // Nothing pinned: /unpin says so instead of asking the server.
    type_text(&mut app, "/unpin");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(!effects.iter().any(|e| matches!(e, Effect::Pin { .. })));
    type_text(&mut app, "/react nope");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(!effects.iter().any(|e| matches!(e, Effect::React { .. })));
}

//! The input rules of `chat_core::v1::validate` (and the other parsing constructors): for any
//! text, each constructor either refuses it or returns a value that keeps its documented
//! rule and parses again to itself (parsing is idempotent).
#![no_main]

use chat_core::v1::{
    Cursor, Description, DisplayName, Email, Emoji, LobbyName, MessageContent, Nonce, PageLimit,
    Password, SearchQuery, Timestamp, TokenName, UserId, Username,
};
use libfuzzer_sys::fuzz_target;

/// Checks a trimmed text field: bounds in characters, no surrounding white space, no control
/// character except newline and tab where `multi_line`, and idempotent parsing.
macro_rules! text_rule {
    ($ty:ty, $text:expr, $min:expr, $max:expr, $multi_line:expr) => {
        if let Ok(value) = <$ty>::parse($text) {
            let s = value.as_str();
            let count = s.chars().count();
            assert!(($min..=$max).contains(&count), "{} {s:?}", stringify!($ty));
            assert_eq!(s, s.trim(), "{} keeps white space", stringify!($ty));
            assert!(
                !s.chars()
                    .any(|c| c.is_control() && !($multi_line && (c == '\n' || c == '\t'))),
                "{} keeps a control character: {s:?}",
                stringify!($ty)
            );
            assert_eq!(
                <$ty>::parse(s).as_ref(),
                Ok(&value),
                "{} not idempotent",
                stringify!($ty)
            );
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(name) = Username::parse(text) {
        let s = name.as_str();
        assert!((3..=32).contains(&s.len()), "{s:?}");
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b)),
            "{s:?}"
        );
        assert_eq!(Username::parse(s).as_ref(), Ok(&name));
    }
    if let Ok(password) = Password::parse(text) {
        // Exactly what was sent (never trimmed), within bcrypt's 72 bytes.
        assert_eq!(password.as_str(), text);
        assert!(text.len() <= 72 && text.chars().count() >= 8);
        assert!(!text.chars().any(char::is_control));
    }
    text_rule!(DisplayName, text, 1, 64, false);
    text_rule!(Description, text, 0, 500, true);
    text_rule!(LobbyName, text, 1, 64, false);
    text_rule!(TokenName, text, 1, 64, false);
    text_rule!(MessageContent, text, 1, 4000, true);
    if let Ok(email) = Email::parse(text) {
        let s = email.as_str();
        assert_eq!(s.matches('@').count(), 1, "{s:?}");
        assert!(!s.starts_with('@') && !s.ends_with('@'), "{s:?}");
        assert_eq!(Email::parse(s).as_ref(), Ok(&email));
    }
    if let Ok(nonce) = Nonce::new(text) {
        assert!(nonce.as_str().bytes().all(|b| b.is_ascii_graphic()));
    }
    if let Ok(query) = SearchQuery::new(text) {
        assert_eq!(SearchQuery::new(query.as_str()).as_ref(), Ok(&query));
    }
    let _ = Cursor::new(text);
    if let Ok(emoji) = Emoji::parse(text) {
        // One emoji in its fully qualified form: parsing it again gives itself, and a
        // shortcode for it (when it has one) names the same emoji.
        assert_eq!(Emoji::parse(emoji.as_str()).as_ref(), Ok(&emoji));
        if let Some(code) = emoji.shortcode() {
            assert_eq!(Emoji::parse(&format!(":{code}:")).as_ref(), Ok(&emoji));
        }
        assert!(
            !emoji.as_str().chars().any(char::is_whitespace),
            "{emoji:?}"
        );
    }
    if let Ok(id) = text.parse::<UserId>() {
        // The hyphenated form only, hex digits in either case; always written in lower case.
        assert_eq!(id.to_string(), text.to_ascii_lowercase());
    }
    if let Ok(n) = text.parse::<u32>() {
        if let Ok(limit) = PageLimit::new(n) {
            assert!((1..=100).contains(&limit.get()));
        }
    }
    // Timestamps: anything that parses must format, and the text must parse back.
    let quoted = serde_json::Value::String(text.to_owned());
    if let Ok(t) = serde_json::from_value::<Timestamp>(quoted) {
        chat_fuzz::assert_round_trip(&t);
        let _ = t.to_string();
    }
});

//! The input rules of `chat_core::v1::validate`, for forms.
//!
//! Each `validate…` function answers `undefined` when the server would accept the value and
//! otherwise the sentence the server would answer with its `validation_failed` error (for
//! example `"username must be at least 3 characters long"`), so a form can show the problem
//! before sending anything. They call the very constructors the server parses bodies with.

use chat_core::v1::{
    Description, DisplayName, Email, LobbyName, MessageContent, Nonce, Password, TokenName,
    Username, ValidationError,
};
use serde_json::json;
use wasm_bindgen::prelude::*;

/// The error sentence of a parse result, `None` when it succeeded.
fn problem<T>(parsed: Result<T, ValidationError>) -> Option<String> {
    parsed.err().map(|e| e.to_string())
}

/// Emojis whose name or shortcode contains `query` (all of them, in Unicode's order, for an
/// empty query), at most `limit`: an emoji picker's search, from the same data the server
/// checks reactions against.
#[wasm_bindgen(js_name = searchEmoji)]
pub fn search_emoji(query: &str, limit: u32) -> Vec<String> {
    chat_core::v1::Emoji::search(query, limit as usize)
        .into_iter()
        .map(chat_core::v1::Emoji::into_inner)
        .collect()
}

/// The emoji a reaction would store for `input` (an emoji or a `:shortcode:`), or
/// `undefined` when it names none.
#[wasm_bindgen(js_name = normalizeEmoji)]
pub fn normalize_emoji(input: &str) -> Option<String> {
    chat_core::v1::Emoji::parse(input)
        .ok()
        .map(chat_core::v1::Emoji::into_inner)
}

/// Parses message content into the formatted-text tree every client renders from
/// (`Block[]`, see `chat_core::markup`): build DOM nodes from it, never HTML.
#[wasm_bindgen(js_name = parseMarkup, unchecked_return_type = "Block[]")]
pub fn parse_markup(content: &str) -> JsValue {
    let document = chat_core::markup::Document::parse(content);
    serde_json::to_string(&document).map_or(JsValue::NULL, |text| crate::js::text_to_js(&text))
}

/// Checks a username: 3–32 characters of `a-z`, `A-Z`, `0-9`, `_`, `.`, `-` (stored in lower
/// case). Returns the server's error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateUsername)]
pub fn validate_username(input: &str) -> Option<String> {
    problem(Username::parse(input))
}

/// Checks a password: 8–128 characters, at most 72 bytes of UTF-8, no control characters.
/// Returns the server's error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validatePassword)]
pub fn validate_password(input: &str) -> Option<String> {
    problem(Password::parse(input))
}

/// Checks a display name: 1–64 characters after trimming, one line. Returns the server's
/// error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateDisplayName)]
pub fn validate_display_name(input: &str) -> Option<String> {
    problem(DisplayName::parse(input))
}

/// Checks a user or lobby description: at most 500 characters, may be empty. Returns the
/// server's error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateDescription)]
pub fn validate_description(input: &str) -> Option<String> {
    problem(Description::parse(input))
}

/// Checks a lobby name: 1–64 characters after trimming, one line. Returns the server's error
/// sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateLobbyName)]
pub fn validate_lobby_name(input: &str) -> Option<String> {
    problem(LobbyName::parse(input))
}

/// Checks message text: 1–4000 characters after trimming; newlines and tabs allowed, other
/// control characters not. Returns the server's error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateMessageContent)]
pub fn validate_message_content(input: &str) -> Option<String> {
    problem(MessageContent::parse(input))
}

/// Checks an e-mail address: one `@` between two non-empty parts, no white space, at most
/// 254 characters. Returns the server's error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateEmail)]
pub fn validate_email(input: &str) -> Option<String> {
    problem(Email::parse(input))
}

/// Checks an API token name: 1–64 characters after trimming, one line. Returns the server's
/// error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateTokenName)]
pub fn validate_token_name(input: &str) -> Option<String> {
    problem(TokenName::parse(input))
}

/// Checks a nonce (idempotency key): 1–64 printable ASCII characters. Returns the server's
/// error sentence, or `undefined` when valid.
#[wasm_bindgen(js_name = validateNonce)]
pub fn validate_nonce(input: &str) -> Option<String> {
    problem(Nonce::new(input))
}

/// Normalizes a valid username the way the server stores it (lower case); `undefined` when
/// the username is not valid.
#[wasm_bindgen(js_name = normalizeUsername)]
pub fn normalize_username(input: &str) -> Option<String> {
    Username::parse(input).ok().map(Username::into_inner)
}

/// The limits of the input rules as JSON, for `maxlength` attributes and counters.
pub fn limits_json() -> serde_json::Value {
    json!({
        "username": {"min": Username::MIN, "max": Username::MAX},
        "password": {"min": Password::MIN, "max": Password::MAX, "max_bytes": Password::MAX_BYTES},
        "display_name": {"min": 1, "max": DisplayName::MAX},
        "description": {"min": 0, "max": Description::MAX},
        "lobby_name": {"min": 1, "max": LobbyName::MAX},
        "message_content": {"min": 1, "max": MessageContent::MAX},
        "email": {"max": Email::MAX},
        "nonce": {"min": 1, "max": Nonce::MAX},
    })
}

/// The limits of the input rules: for each field, `min` and `max` characters (and the
/// password's `max_bytes`), e.g. `limits().message_content.max === 4000`.
#[wasm_bindgen(unchecked_return_type = "Limits")]
pub fn limits() -> JsValue {
    crate::js::json_to_js(&limits_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_inputs_have_no_problem() {
        assert_eq!(validate_username("Alice_1"), None);
        assert_eq!(validate_password("correct horse"), None);
        assert_eq!(validate_message_content("  hi  "), None);
        assert_eq!(validate_description(""), None);
        assert_eq!(validate_nonce("n-1"), None);
    }

    #[test]
    fn refused_inputs_carry_the_servers_sentence() {
        assert_eq!(
            validate_username("ab").as_deref(),
            Some("username must be at least 3 characters long")
        );
        assert_eq!(
            validate_message_content(&"x".repeat(4001)).as_deref(),
            Some("content must be at most 4000 characters long")
        );
        assert_eq!(
            validate_lobby_name("   ").as_deref(),
            Some("name must be at least 1 character long")
        );
        assert!(validate_email("no-at-sign").is_some());
        assert!(validate_display_name("two\nlines").is_some());
        assert!(validate_token_name("").is_some());
    }

    #[test]
    fn usernames_normalize_to_lower_case() {
        assert_eq!(normalize_username("Alice").as_deref(), Some("alice"));
        assert_eq!(normalize_username("a b"), None);
    }

    #[test]
    fn limits_match_the_core_constants() {
        let limits = limits_json();
        assert_eq!(limits["message_content"]["max"], 4000);
        assert_eq!(limits["password"]["max_bytes"], 72);
        assert_eq!(limits["username"]["min"], 3);
    }
}

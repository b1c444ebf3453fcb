//! Reactions: `/api/v1/messages/{message_id}/reactions/{emoji}`.
//!
//! Written out rather than through `endpoints!`: the `{emoji}` parameter is text, not an id,
//! so these descriptors are `Clone` but not `Copy`. The emoji goes into the path
//! percent-encoded: keycap emojis start with `#` or `*`, which a URL would otherwise read as
//! the start of a fragment or leave as is.

use super::{Endpoint, Method, NoBody, NoContent, NoQuery};
use crate::v1::{Emoji, MessageId, PageQuery, ReactorPage};

macro_rules! reaction_endpoint {
    ($(#[$doc:meta])* $method:ident => $name:ident, query: $query:ty, response: $response:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            /// The `{message_id}` path parameter.
            pub message_id: MessageId,
            /// The `{emoji}` path parameter.
            pub emoji: Emoji,
        }

        impl Endpoint for $name {
            const METHOD: Method = Method::$method;
            const PATH: &'static str = "/api/v1/messages/{message_id}/reactions/{emoji}";
            type Body = NoBody;
            type Query = $query;
            type Response = $response;

            fn path(&self) -> String {
                format!(
                    "/api/v1/messages/{}/reactions/{}",
                    self.message_id,
                    encode_segment(self.emoji.as_str())
                )
            }
        }
    };
}

/// Percent-encodes everything in a path segment but RFC 3986's unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

reaction_endpoint! {
    /// React to a message with an emoji (anyone who can read it; `204`, idempotent).
    Put => React, query: NoQuery, response: NoContent
}
reaction_endpoint! {
    /// Take one's reaction back (`204`, idempotent).
    Delete => Unreact, query: NoQuery, response: NoContent
}
reaction_endpoint! {
    /// Who reacted to a message with one emoji, first reacted first (anyone who can read it).
    Get => Reactors, query: PageQuery, response: ReactorPage
}

/// The method and path template of every endpoint of this module.
pub(super) const ROUTES: &[(Method, &str)] = &[
    (React::METHOD, React::PATH),
    (Unreact::METHOD, Unreact::PATH),
    (Reactors::METHOD, Reactors::PATH),
];

/// Every endpoint of this module with each path parameter set to `id`, as (method, template,
/// filled path). The emoji cannot be an id: a sample emoji's place is filled with `id` after.
#[cfg(test)]
pub(super) fn filled_paths(id: &str) -> Vec<(Method, &'static str, String)> {
    let message_id: MessageId = id.parse().expect("a sample id");
    let emoji = Emoji::parse("👍").expect("an emoji");
    let fill = |path: String| path.replace(&encode_segment(emoji.as_str()), id);
    vec![
        (
            React::METHOD,
            React::PATH,
            fill(
                React {
                    message_id,
                    emoji: emoji.clone(),
                }
                .path(),
            ),
        ),
        (
            Unreact::METHOD,
            Unreact::PATH,
            fill(
                Unreact {
                    message_id,
                    emoji: emoji.clone(),
                }
                .path(),
            ),
        ),
        (
            Reactors::METHOD,
            Reactors::PATH,
            fill(
                Reactors {
                    message_id,
                    emoji: emoji.clone(),
                }
                .path(),
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emoji_is_percent_encoded_so_keycaps_stay_in_the_path() {
        let message_id = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70"
            .parse()
            .expect("an id");
        let emoji = Emoji::parse(":hash:").expect("the keycap #");
        let path = React { message_id, emoji }.path();
        assert!(
            path.starts_with("/api/v1/messages/01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70/reactions/%23"),
            "{path}"
        );
        assert!(!path.contains('#'));
        let emoji = Emoji::parse("👍").expect("an emoji");
        assert!(
            React { message_id, emoji }
                .path()
                .ends_with("/reactions/%F0%9F%91%8D")
        );
    }
}

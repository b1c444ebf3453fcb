//! Input rules, as types.
//!
//! Each newtype here can only be built through a constructor that enforces its rule, so a
//! value of the type is proof that the rule holds. The server parses request bodies into
//! them; the SDK, the CLI, the TUI and the web client use the same constructors, so a form
//! rejects exactly what the server would.
//!
//! Lengths are counted in Unicode scalar values (`char`s). Single-line fields refuse every
//! control character and the line and paragraph separators (U+2028, U+2029); multi-line
//! fields allow newline, tab and those separators and refuse every other control character.
//! Everything else is text and kept exactly as sent: format characters (bidi marks, joiners),
//! combining sequences, noncharacters.
//!
//! The OpenAPI schemas state these rules exactly, as regular expressions: length limits apply
//! after trimming, so they are bounds on the text between the first and the last character
//! that is neither white space nor a control character, not a `maxLength` of the whole
//! string. (Password byte limits cannot be written in JSON Schema; see [`Password`].)

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {kind}")]
pub struct ValidationError {
    /// The wire name of the field.
    pub field: &'static str,
    /// What is wrong with it.
    pub kind: ValidationErrorKind,
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// Fewer characters than allowed.
    #[error("must be at least {min} {} long", characters(*min))]
    TooShort {
        /// The minimum, in characters.
        min: usize,
    },
    /// More characters than allowed.
    #[error("must be at most {max} {} long", characters(*max))]
    TooLong {
        /// The maximum, in characters.
        max: usize,
    },
    /// More bytes than allowed (bcrypt reads only the first 72 bytes of a password).
    #[error("must be at most {max} bytes long in UTF-8")]
    TooManyBytes {
        /// The maximum, in bytes.
        max: usize,
    },
    /// A character outside the allowed set.
    #[error("contains a character that is not allowed: {0}")]
    InvalidCharacter(String),
    /// Not of the expected shape.
    #[error("is not valid: {0}")]
    Malformed(&'static str),
}

/// "character" or "characters", as `n` needs.
fn characters(n: usize) -> &'static str {
    if n == 1 { "character" } else { "characters" }
}

fn err(field: &'static str, kind: ValidationErrorKind) -> ValidationError {
    ValidationError { field, kind }
}

/// How control characters are treated in a text field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    Single,
    Multi,
}

/// Checks length and characters of already-trimmed text.
fn check_text(
    field: &'static str,
    text: &str,
    min: usize,
    max: usize,
    lines: Lines,
) -> Result<(), ValidationError> {
    // U+2028 and U+2029 are not control characters, but they break lines as surely as `\n`.
    let refused = |c: char| match lines {
        Lines::Multi => c.is_control() && c != '\n' && c != '\t',
        Lines::Single => c.is_control() || c == '\u{2028}' || c == '\u{2029}',
    };
    if let Some(c) = text.chars().find(|&c| refused(c)) {
        return Err(err(
            field,
            ValidationErrorKind::InvalidCharacter(format!("U+{:04X}", u32::from(c))),
        ));
    }
    let count = text.chars().count();
    if count < min {
        return Err(err(field, ValidationErrorKind::TooShort { min }));
    }
    if count > max {
        return Err(err(field, ValidationErrorKind::TooLong { max }));
    }
    Ok(())
}

/// Defines the serde, `Display`, `AsRef<str>` and `TryFrom<String>` glue shared by the
/// string newtypes; `$parse` is the type's only constructor.
macro_rules! string_newtype {
    ($name:ident, $parse:path) => {
        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Consumes the value, returning the validated text.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                $parse(&value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                $parse(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ValidationError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $parse(value)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $parse(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

macro_rules! display_newtype {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:?})"), self.0)
            }
        }
    };
}

/// A username: 3–32 characters of `a-z`, `0-9`, `_`, `.` and `-`.
///
/// Usernames are unique regardless of case: input in upper case is accepted and stored in
/// lower case, so `Alice` and `alice` are the same user.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_.-]{3,32}$", example = "alice")))]
pub struct Username(String);

impl Username {
    /// Minimum length in characters.
    pub const MIN: usize = 3;
    /// Maximum length in characters.
    pub const MAX: usize = 32;

    /// Parses a username, folding ASCII upper case to lower case.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "username";
        let len = input.chars().count();
        if let Some(c) = input
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            let shown = if c.is_control() || c.is_whitespace() {
                format!("U+{:04X}", u32::from(c))
            } else {
                format!("{c:?}")
            };
            return Err(err(FIELD, ValidationErrorKind::InvalidCharacter(shown)));
        }
        if len < Self::MIN {
            return Err(err(FIELD, ValidationErrorKind::TooShort { min: Self::MIN }));
        }
        if len > Self::MAX {
            return Err(err(FIELD, ValidationErrorKind::TooLong { max: Self::MAX }));
        }
        Ok(Self(input.to_ascii_lowercase()))
    }

    /// Whether this name is one of the words a mention reserves (`here`, `everyone`, `all`):
    /// a valid username, but no new account may take it, since `@here` calls many people.
    pub fn is_mention_keyword(&self) -> bool {
        matches!(self.0.as_str(), "here" | "everyone" | "all")
    }
}
string_newtype!(Username, Username::parse);
display_newtype!(Username);

/// A password: 8–128 characters and at most 72 bytes of UTF-8.
///
/// bcrypt ignores everything past 72 bytes; a longer password is refused rather than
/// silently truncated. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, format = Password, min_length = 8, max_length = 72, pattern = r"^[^\x00-\x1F\x7F-\x9F]{8,128}$")))]
pub struct Password(String);

impl Password {
    /// Minimum length in characters.
    pub const MIN: usize = 8;
    /// Maximum length in characters.
    pub const MAX: usize = 128;
    /// Maximum length in bytes: bcrypt's limit.
    pub const MAX_BYTES: usize = 72;

    /// Parses a password. Control characters are refused, so every password can be typed.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "password";
        if input.chars().any(char::is_control) {
            return Err(err(
                FIELD,
                ValidationErrorKind::Malformed("contains a control character"),
            ));
        }
        let len = input.chars().count();
        if len < Self::MIN {
            return Err(err(FIELD, ValidationErrorKind::TooShort { min: Self::MIN }));
        }
        if len > Self::MAX {
            return Err(err(FIELD, ValidationErrorKind::TooLong { max: Self::MAX }));
        }
        if input.len() > Self::MAX_BYTES {
            return Err(err(
                FIELD,
                ValidationErrorKind::TooManyBytes {
                    max: Self::MAX_BYTES,
                },
            ));
        }
        Ok(Self(input.to_owned()))
    }
}
string_newtype!(Password, Password::parse);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A display name: 1–64 characters after trimming, on one line.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x1F\x7F-\x9F\u2028\u2029]{0,62}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", example = "Alice Liddell")))]
pub struct DisplayName(String);

impl DisplayName {
    /// Maximum length in characters.
    pub const MAX: usize = 64;

    /// Parses a display name, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        check_text("display_name", text, 1, Self::MAX, Lines::Single)?;
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(DisplayName, DisplayName::parse);
display_newtype!(DisplayName);

/// A free-text description of a user or a lobby: at most 500 characters, may be empty.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*(?:[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x08\x0B-\x1F\x7F-\x9F]{0,498}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?)?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")))]
pub struct Description(String);

impl Description {
    /// Maximum length in characters.
    pub const MAX: usize = 500;

    /// Parses a description, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        check_text("description", text, 0, Self::MAX, Lines::Multi)?;
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(Description, Description::parse);
display_newtype!(Description);

/// A lobby name: 1–64 characters after trimming, on one line.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x1F\x7F-\x9F\u2028\u2029]{0,62}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", example = "rustaceans")))]
pub struct LobbyName(String);

impl LobbyName {
    /// Maximum length in characters.
    pub const MAX: usize = 64;

    /// Parses a lobby name, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        check_text("name", text, 1, Self::MAX, Lines::Single)?;
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(LobbyName, LobbyName::parse);
display_newtype!(LobbyName);

/// The name of an API token: 1–64 characters after trimming, on one line.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x1F\x7F-\x9F\u2028\u2029]{0,62}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", example = "deploy bot")))]
pub struct TokenName(String);

impl TokenName {
    /// Maximum length in characters.
    pub const MAX: usize = 64;

    /// Parses a token name, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        check_text("name", text, 1, Self::MAX, Lines::Single)?;
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(TokenName, TokenName::parse);
display_newtype!(TokenName);

/// The text of a message: 1–4000 characters after trimming; newlines and tabs allowed.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x08\x0B-\x1F\x7F-\x9F]{0,3998}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", example = "hello, world")))]
pub struct MessageContent(String);

impl MessageContent {
    /// Maximum length in characters.
    pub const MAX: usize = 4000;

    /// Parses message text, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        check_text("content", text, 1, Self::MAX, Lines::Multi)?;
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(MessageContent, MessageContent::parse);
display_newtype!(MessageContent);

/// An e-mail address: one `@` with text on both sides, no white space, at most 254
/// characters. Deliverability is not checked.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@]{1,252}@[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@]{1,252}[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$", example = "alice@example.com")))]
pub struct Email(String);

impl Email {
    /// Maximum length in characters.
    pub const MAX: usize = 254;

    /// Parses an e-mail address, trimming surrounding white space.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "email";
        let text = input.trim();
        check_text(FIELD, text, 3, Self::MAX, Lines::Single)?;
        let well_formed = match text.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !text.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !well_formed {
            return Err(err(
                FIELD,
                ValidationErrorKind::Malformed("expected name@domain"),
            ));
        }
        Ok(Self(text.to_owned()))
    }
}
string_newtype!(Email, Email::parse);
display_newtype!(Email);

/// A reaction's emoji: one emoji as Unicode defines them (a single grapheme cluster, skin
/// tones and ZWJ sequences included), or a GitHub-style `:shortcode:` that names one. Stored
/// and sent as the fully qualified emoji, so `:+1:`, `👍` and the unqualified form of an emoji
/// are one reaction. The emoji data is the `emojis` crate's, not a hand-kept list.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, min_length = 1, max_length = 64, example = "👍")))]
pub struct Emoji(String);

impl Emoji {
    /// Parses an emoji or a `:shortcode:` (surrounding white space trimmed).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "emoji";
        let text = input.trim();
        let found = match text.strip_prefix(':').and_then(|t| t.strip_suffix(':')) {
            Some(code) if !code.is_empty() => emojis::get_by_shortcode(code),
            _ => emojis::get(text),
        };
        found
            .map(|emoji| Self(emoji.as_str().to_owned()))
            .ok_or_else(|| {
                err(
                    FIELD,
                    ValidationErrorKind::Malformed("expected one emoji or a :shortcode: for one"),
                )
            })
    }

    /// The emoji's main shortcode (`+1` for 👍), if it has one.
    pub fn shortcode(&self) -> Option<&'static str> {
        emojis::get(&self.0).and_then(emojis::Emoji::shortcode)
    }

    /// Emojis whose name or a shortcode contains `query` (case-insensitive), in Unicode's
    /// order, at most `limit`: the emoji pickers' search.
    pub fn search(query: &str, limit: usize) -> Vec<Self> {
        let query = query.trim().trim_matches(':').to_lowercase();
        emojis::iter()
            .filter(|e| {
                query.is_empty()
                    || e.name().contains(&query)
                    || e.shortcodes().any(|code| code.contains(&query))
            })
            .take(limit)
            .map(|e| Self(e.as_str().to_owned()))
            .collect()
    }
}
string_newtype!(Emoji, Emoji::parse);
display_newtype!(Emoji);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_one_are_singular() {
        assert_eq!(
            ValidationErrorKind::TooShort { min: 1 }.to_string(),
            "must be at least 1 character long"
        );
        assert_eq!(
            ValidationErrorKind::TooLong { max: 64 }.to_string(),
            "must be at most 64 characters long"
        );
    }

    fn kind<T>(r: Result<T, ValidationError>) -> ValidationErrorKind {
        match r {
            Ok(_) => panic!("expected a validation error"),
            Err(e) => e.kind,
        }
    }

    #[test]
    fn usernames_accept_the_allowed_alphabet_and_fold_case() {
        assert_eq!(
            Username::parse("a_b.c-9").expect("valid").as_str(),
            "a_b.c-9"
        );
        assert_eq!(Username::parse("Alice").expect("valid").as_str(), "alice");
        assert_eq!(
            Username::parse(&"x".repeat(32))
                .expect("valid")
                .as_str()
                .len(),
            32
        );
    }

    #[test]
    fn usernames_outside_the_rules_are_refused() {
        assert_eq!(
            kind(Username::parse("ab")),
            ValidationErrorKind::TooShort { min: 3 }
        );
        assert_eq!(
            kind(Username::parse(&"x".repeat(33))),
            ValidationErrorKind::TooLong { max: 32 }
        );
        for bad in ["al ice", "alice!", "äsa", "ali\u{200b}ce", "a\nb"] {
            assert!(
                matches!(
                    kind(Username::parse(bad)),
                    ValidationErrorKind::InvalidCharacter(_)
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn passwords_are_limited_in_characters_and_in_bcrypt_bytes() {
        assert!(Password::parse("12345678").is_ok());
        assert_eq!(
            kind(Password::parse("1234567")),
            ValidationErrorKind::TooShort { min: 8 }
        );
        assert!(Password::parse(&"p".repeat(72)).is_ok());
        assert_eq!(
            kind(Password::parse(&"p".repeat(73))),
            ValidationErrorKind::TooManyBytes { max: 72 }
        );
        // 30 characters, 90 bytes: short enough in characters, too long for bcrypt.
        assert_eq!(
            kind(Password::parse(&"€".repeat(30))),
            ValidationErrorKind::TooManyBytes { max: 72 }
        );
        assert_eq!(
            kind(Password::parse(&"p".repeat(129))),
            ValidationErrorKind::TooLong { max: 128 }
        );
        assert!(Password::parse("pass\0word").is_err());
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let p = Password::parse("correct horse battery").expect("valid");
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn display_names_are_trimmed_and_single_line() {
        assert_eq!(
            DisplayName::parse("  Alice  ").expect("valid").as_str(),
            "Alice"
        );
        assert_eq!(
            kind(DisplayName::parse("   ")),
            ValidationErrorKind::TooShort { min: 1 }
        );
        assert_eq!(
            kind(DisplayName::parse(&"é".repeat(65))),
            ValidationErrorKind::TooLong { max: 64 }
        );
        assert!(DisplayName::parse(&"é".repeat(64)).is_ok());
        assert!(matches!(
            kind(DisplayName::parse("two\nlines")),
            ValidationErrorKind::InvalidCharacter(_)
        ));
    }

    #[test]
    fn descriptions_may_be_empty_and_multi_line() {
        assert_eq!(Description::parse("").expect("valid").as_str(), "");
        assert!(Description::parse("line one\n\tline two").is_ok());
        assert!(Description::parse(&"d".repeat(500)).is_ok());
        assert_eq!(
            kind(Description::parse(&"d".repeat(501))),
            ValidationErrorKind::TooLong { max: 500 }
        );
        assert!(Description::parse("bell\u{7}").is_err());
    }

    #[test]
    fn lobby_names_are_1_to_64_characters_after_trimming() {
        assert_eq!(
            LobbyName::parse("  general ").expect("valid").as_str(),
            "general"
        );
        assert!(LobbyName::parse(" \t ").is_err());
        assert!(LobbyName::parse(&"n".repeat(64)).is_ok());
        assert!(LobbyName::parse(&"n".repeat(65)).is_err());
        assert!(LobbyName::parse("tab\tname").is_err());
        assert!(LobbyName::parse("line\u{2028}separator").is_err());
        assert!(DisplayName::parse("paragraph\u{2029}separator").is_err());
        assert!(Description::parse("line\u{2028}separator").is_ok());
    }

    #[test]
    fn message_content_is_1_to_4000_characters_after_trimming() {
        assert_eq!(
            MessageContent::parse("\n hi \n").expect("valid").as_str(),
            "hi"
        );
        assert!(MessageContent::parse("line\n\tindented").is_ok());
        assert!(MessageContent::parse(&"🦀".repeat(4000)).is_ok());
        assert_eq!(
            kind(MessageContent::parse(&"🦀".repeat(4001))),
            ValidationErrorKind::TooLong { max: 4000 }
        );
        assert_eq!(
            kind(MessageContent::parse("   \n ")),
            ValidationErrorKind::TooShort { min: 1 }
        );
        for bad in ["esc\u{1b}[2J", "nul\0", "del\u{7f}", "c\u{85}1"] {
            assert!(
                matches!(
                    kind(MessageContent::parse(bad)),
                    ValidationErrorKind::InvalidCharacter(_)
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unicode_edge_cases_in_content_are_kept_intact() {
        // RTL mark, zero-width joiner sequence, combining accent: text, not control characters.
        let text = "\u{200f}שלום 👩\u{200d}💻 e\u{301}";
        assert_eq!(MessageContent::parse(text).expect("valid").as_str(), text);
    }

    #[test]
    fn token_names_are_1_to_64_characters_on_one_line() {
        assert_eq!(TokenName::parse(" bot ").expect("valid").as_str(), "bot");
        assert!(TokenName::parse("").is_err());
        assert!(TokenName::parse(&"t".repeat(65)).is_err());
        assert!(TokenName::parse("two\nlines").is_err());
    }

    #[test]
    fn emails_need_one_at_sign_between_two_parts() {
        assert!(Email::parse("a@b").is_ok());
        for bad in ["ab", "@b", "a@", "a@b@c", "a b@c", ""] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn deserializing_applies_the_same_rules() {
        assert!(serde_json::from_str::<Username>("\"ok_name\"").is_ok());
        let e = serde_json::from_str::<Username>("\"no\"").expect_err("too short");
        assert!(e.to_string().contains("username must be at least 3"), "{e}");
    }

    #[test]
    fn emojis_are_one_emoji_or_a_shortcode_and_normalise_to_one_form() {
        let thumbs = Emoji::parse("👍").expect("an emoji");
        assert_eq!(Emoji::parse(":+1:").expect("a shortcode"), thumbs);
        assert_eq!(Emoji::parse(":thumbsup:").expect("a shortcode"), thumbs);
        assert_eq!(thumbs.shortcode(), Some("+1"));
        // Skin tones and ZWJ sequences are single emojis.
        for one in ["👍🏽", "👩‍💻", "🏳️‍🌈", "❤️"] {
            assert_eq!(Emoji::parse(one).expect(one).as_str(), one);
        }
        // The unqualified heart is the same reaction as the qualified one.
        assert_eq!(Emoji::parse("\u{2764}").expect("heart").as_str(), "❤️");
        for bad in ["", "a", "👍👍", ":nope-not-one:", "::", "<b>", "👍 x"] {
            assert!(Emoji::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emoji_search_finds_by_name_and_shortcode() {
        let found = Emoji::search("thumbs", 10);
        assert!(found.iter().any(|e| e.as_str() == "👍"), "{found:?}");
        assert_eq!(Emoji::search("", 5).len(), 5);
        assert!(Emoji::search("zzzz-nothing", 5).is_empty());
    }
}

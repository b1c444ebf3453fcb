//! Paging through lists: limits and opaque cursors.
//!
//! Every list that can grow without bound is paged by a keyset cursor, never by an offset:
//! the server answers a page and a `next_cursor`; passing it back as `after` (or `before`
//! for message history walked backwards) yields the next page, and `null` means the end.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::validate::{ValidationError, ValidationErrorKind};

/// How many items a page holds: 1–100, 50 when not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = u32, minimum = 1, maximum = 100, default = 50)))]
pub struct PageLimit(u32);

impl PageLimit {
    /// The page size used when the client gives none.
    pub const DEFAULT: Self = Self(50);
    /// The largest page the server answers.
    pub const MAX: u32 = 100;

    /// Checks that `n` is between 1 and [`PageLimit::MAX`].
    pub fn new(n: u32) -> Result<Self, ValidationError> {
        match n {
            0 => Err(ValidationError {
                field: "limit",
                kind: ValidationErrorKind::Malformed("must be between 1 and 100"),
            }),
            n if n > Self::MAX => Err(ValidationError {
                field: "limit",
                kind: ValidationErrorKind::Malformed("must be between 1 and 100"),
            }),
            n => Ok(Self(n)),
        }
    }

    /// The number of items.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl<'de> Deserialize<'de> for PageLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(deserializer)?;
        Self::new(n).map_err(serde::de::Error::custom)
    }
}

/// An opaque position in a list, handed out by the server as `next_cursor`.
///
/// Clients must not build or interpret cursors; they only pass them back.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, min_length = 1, max_length = 256)))]
pub struct Cursor(String);

impl Cursor {
    /// The longest cursor accepted.
    pub const MAX_LEN: usize = 256;

    /// Wraps a cursor string, refusing empty or oversized ones.
    pub fn new(s: impl Into<String>) -> Result<Self, ValidationError> {
        let s = s.into();
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err(ValidationError {
                field: "after",
                kind: ValidationErrorKind::Malformed("not a cursor"),
            });
        }
        Ok(Self(s))
    }

    /// The cursor text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({:?})", self.0)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

/// A search string for user and lobby lists: at most 64 characters, matched case-insensitively
/// against the start of names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, pattern = r"^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*(?:[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000](?:[^\x00-\x1F\x7F-\x9F]{0,62}[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000])?)?[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$")))]
pub struct SearchQuery(String);

impl SearchQuery {
    /// The longest search string accepted.
    pub const MAX: usize = 64;

    /// Trims and checks a search string.
    pub fn new(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        if s.chars().count() > Self::MAX {
            return Err(ValidationError {
                field: "q",
                kind: ValidationErrorKind::TooLong { max: Self::MAX },
            });
        }
        if s.chars().any(char::is_control) {
            return Err(ValidationError {
                field: "q",
                kind: ValidationErrorKind::Malformed("contains a control character"),
            });
        }
        Ok(Self(s.to_owned()))
    }

    /// The search text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SearchQuery {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// Query parameters of a searchable, paged list (`GET /users`, `GET /lobbies/community`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only items whose name starts with this text (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<SearchQuery>,
    /// Page size, 1–100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageLimit>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Cursor>,
}

/// Query parameters of a paged list without search (`GET /lobbies/{id}/members`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Page size, 1–100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageLimit>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_limits_are_between_1_and_100() {
        assert!(PageLimit::new(0).is_err());
        assert_eq!(PageLimit::new(1).map(PageLimit::get), Ok(1));
        assert_eq!(PageLimit::new(100).map(PageLimit::get), Ok(100));
        assert!(PageLimit::new(101).is_err());
        assert_eq!(PageLimit::default().get(), 50);
    }

    #[test]
    fn cursors_are_bounded() {
        assert!(Cursor::new("").is_err());
        assert!(Cursor::new("x".repeat(257)).is_err());
        assert!(Cursor::new("abc").is_ok());
    }

    #[test]
    fn search_queries_are_trimmed_and_bounded() {
        assert_eq!(
            SearchQuery::new("  al ").map(|q| q.as_str().to_owned()),
            Ok("al".into())
        );
        assert!(SearchQuery::new(&"q".repeat(65)).is_err());
    }
}

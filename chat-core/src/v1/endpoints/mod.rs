//! Every REST endpoint of the API, described once: method, path template, path parameters,
//! request body, query and response.
//!
//! Each endpoint is a struct holding its path parameters and implementing [`Endpoint`]; the
//! clients build every request from these descriptors, and the server's tests check them
//! against its OpenAPI document in both directions (see [`ALL`]). Describing an endpoint does
//! no I/O: how a request is sent is the client's business.
//!
//! ```
//! use chat_core::v1::endpoints::{Endpoint, GetLobby, Method};
//!
//! let lobby_id = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70".parse().expect("an id");
//! let endpoint = GetLobby { lobby_id };
//! assert_eq!(GetLobby::METHOD, Method::Get);
//! assert_eq!(GetLobby::PATH, "/api/v1/lobbies/{lobby_id}");
//! assert_eq!(endpoint.path(), "/api/v1/lobbies/01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70");
//! ```
//!
//! One file per resource, mirroring the server's routes; everything is re-exported here.

use std::fmt;

use serde::Serialize;

/// The prefix of every REST path of version 1.
pub const API_PREFIX: &str = "/api/v1";

/// The path of the WebSocket gateway (`GET`, upgraded; its frames are in [`super::frames`]).
pub const GATEWAY_PATH: &str = "/api/v1/ws";

/// An HTTP method of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method's name, in upper case (`"GET"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One REST endpoint: a value of it holds the path parameters of one request.
pub trait Endpoint {
    /// The HTTP method.
    const METHOD: Method;
    /// The path template, as the OpenAPI document spells it (`/api/v1/lobbies/{lobby_id}`).
    const PATH: &'static str;
    /// The JSON request body; [`NoBody`] when the endpoint reads none, [`Binary`] for raw
    /// bytes.
    type Body;
    /// The query parameters; [`NoQuery`] when the endpoint takes none.
    type Query;
    /// The JSON body of a successful response; [`NoContent`] for `204`, [`Binary`] for raw
    /// bytes.
    type Response;

    /// The path with this endpoint's parameters filled in.
    fn path(&self) -> String;
}

/// The request body of an endpoint that reads none.
///
/// It serializes as `{}`, which clients may send to a `POST` that reads nothing, so that
/// the request is never bodyless.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoBody {}

/// The query of an endpoint that takes no query parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoQuery {}

/// The response of an endpoint that answers `204 No Content`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoContent;

/// A body that is raw bytes, not JSON: an uploaded image (any `Content-Type`; the server
/// decides by the bytes), or a served `image/png`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Binary;

/// Defines endpoint structs and the module's list of routes, `ROUTES`.
///
/// ```text
/// /// Doc line.
/// Get "/api/v1/lobbies/{lobby_id}" => GetLobby { lobby_id: LobbyId }
///     body: NoBody, query: NoQuery, response: Lobby;
/// ```
macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $method:ident $path:literal => $name:ident { $($field:ident: $field_ty:ty),* $(,)? }
            body: $body:ty, query: $query:ty, response: $response:ty;
    )*) => {
        $(
            endpoints!(@struct $(#[$doc])* $name { $($field: $field_ty),* });

            impl $crate::v1::endpoints::Endpoint for $name {
                const METHOD: $crate::v1::endpoints::Method =
                    $crate::v1::endpoints::Method::$method;
                const PATH: &'static str = $path;
                type Body = $body;
                type Query = $query;
                type Response = $response;

                fn path(&self) -> String {
                    #[allow(unused_mut)]
                    let mut path = String::from(Self::PATH);
                    $(
                        path = path.replace(
                            concat!("{", stringify!($field), "}"),
                            &self.$field.to_string(),
                        );
                    )*
                    path
                }
            }
        )*

        /// The method and path template of every endpoint of this module.
        pub(super) const ROUTES: &[($crate::v1::endpoints::Method, &str)] =
            &[$(($crate::v1::endpoints::Method::$method, $path)),*];

        /// Every endpoint of this module with each path parameter set to `id`, as
        /// (method, template, filled path).
        #[cfg(test)]
        pub(super) fn filled_paths(id: &str) -> Vec<($crate::v1::endpoints::Method, &'static str, String)> {
            use $crate::v1::endpoints::Endpoint as _;
            let _ = id; // unused when no endpoint of the module has a parameter
            vec![$((
                $crate::v1::endpoints::Method::$method,
                $path,
                $name { $($field: id.parse().expect("a sample id")),* }.path(),
            )),*]
        }
    };
    (@struct $(#[$doc:meta])* $name:ident {}) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;
    };
    (@struct $(#[$doc:meta])* $name:ident { $($field:ident: $field_ty:ty),+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            $(
                #[doc = concat!("The `{", stringify!($field), "}` path parameter.")]
                pub $field: $field_ty,
            )+
        }
    };
}

mod admin;
mod auth;
mod chats;
mod images;
mod lobbies;
mod members;
mod messages;
mod pins;
mod reactions;
mod tokens;
mod users;

pub use admin::*;
pub use auth::*;
pub use chats::*;
pub use images::*;
pub use lobbies::*;
pub use members::*;
pub use messages::*;
pub use pins::*;
pub use reactions::*;
pub use tokens::*;
pub use users::*;

/// The routes of each resource, in the order of [`ALL`].
// Each resource module has its own `ROUTES`; the globs above make the bare name ambiguous,
// which the lint does not see.
#[allow(unused_qualifications)]
const BY_RESOURCE: &[&[(Method, &str)]] = &[
    auth::ROUTES,
    users::ROUTES,
    lobbies::ROUTES,
    members::ROUTES,
    messages::ROUTES,
    reactions::ROUTES,
    pins::ROUTES,
    chats::ROUTES,
    images::ROUTES,
    admin::ROUTES,
    tokens::ROUTES,
];

const fn count(lists: &[&[(Method, &str)]]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < lists.len() {
        total += lists[i].len();
        i += 1;
    }
    total
}

const fn flatten<const N: usize>(
    lists: &[&[(Method, &'static str)]],
) -> [(Method, &'static str); N] {
    let mut out = [(Method::Get, ""); N];
    let mut k = 0;
    let mut i = 0;
    while i < lists.len() {
        let mut j = 0;
        while j < lists[i].len() {
            out[k] = lists[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// The method and path template of every endpoint: the whole REST API of version 1, without
/// the WebSocket gateway ([`GATEWAY_PATH`]).
pub const ALL: &[(Method, &str)] = &flatten::<{ count(BY_RESOURCE) }>(BY_RESOURCE);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::v1::{LobbyId, MessageId, UserId};

    const ID: &str = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70";

    #[allow(unused_qualifications)] // as in `BY_RESOURCE`
    fn every_filled_path() -> Vec<(Method, &'static str, String)> {
        [
            auth::filled_paths(ID),
            users::filled_paths(ID),
            lobbies::filled_paths(ID),
            members::filled_paths(ID),
            messages::filled_paths(ID),
            reactions::filled_paths(ID),
            pins::filled_paths(ID),
            chats::filled_paths(ID),
            images::filled_paths(ID),
            admin::filled_paths(ID),
            tokens::filled_paths(ID),
        ]
        .concat()
    }

    #[test]
    fn all_lists_every_endpoint_once() {
        let filled = every_filled_path();
        assert_eq!(ALL.len(), filled.len());
        for ((method, template, _), listed) in filled.iter().zip(ALL) {
            assert_eq!((*method, *template), *listed);
        }
        let unique: HashSet<_> = ALL.iter().collect();
        assert_eq!(
            unique.len(),
            ALL.len(),
            "a (method, template) is described twice"
        );
    }

    #[test]
    fn templates_are_api_paths() {
        for (method, template) in ALL {
            assert!(
                template.starts_with(API_PREFIX) && template[API_PREFIX.len()..].starts_with('/'),
                "{method} {template} is not under {API_PREFIX}"
            );
            assert!(!template.ends_with('/'), "{method} {template} ends with /");
            assert!(
                !template.contains('|') && !template.contains(' '),
                "{method} {template} is not spelled as in the OpenAPI document"
            );
            assert_ne!(*template, GATEWAY_PATH);
        }
    }

    #[test]
    fn paths_fill_every_parameter_of_their_template() {
        for (method, template, path) in every_filled_path() {
            let mut expected = String::new();
            let mut rest = template;
            while let Some(start) = rest.find('{') {
                let end = rest[start..]
                    .find('}')
                    .map(|e| start + e)
                    .expect("a closed {");
                expected.push_str(&rest[..start]);
                expected.push_str(ID);
                rest = &rest[end + 1..];
            }
            expected.push_str(rest);
            assert_eq!(path, expected, "{method} {template}");
            assert!(
                !path.contains('{') && !path.contains('}'),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn each_parameter_goes_to_its_own_place() {
        let lobby_id: LobbyId = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71".parse().expect("id");
        let user_id: UserId = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72".parse().expect("id");
        let message_id: MessageId = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f73".parse().expect("id");
        assert_eq!(
            GetMember { lobby_id, user_id }.path(),
            format!("/api/v1/lobbies/{lobby_id}/members/{user_id}")
        );
        assert_eq!(
            GetLobbyMessage {
                lobby_id,
                message_id
            }
            .path(),
            format!("/api/v1/lobbies/{lobby_id}/messages/{message_id}")
        );
        assert_eq!(MyLobbies.path(), "/api/v1/lobbies");
        assert_eq!(GetMe.path(), "/api/v1/users/me");
        assert_eq!(
            DisableUser { user_id }.path(),
            format!("/api/v1/admin/users/{user_id}/disable")
        );
    }

    #[test]
    fn methods_are_spelled_in_upper_case() {
        assert_eq!(Method::Get.as_str(), "GET");
        assert_eq!(Method::Delete.to_string(), "DELETE");
        assert_eq!(Login::METHOD, Method::Post);
        assert_eq!(UpdateMe::METHOD, Method::Patch);
        assert_eq!(AddMember::METHOD, Method::Put);
    }

    #[test]
    fn no_body_is_an_empty_object() {
        assert_eq!(serde_json::to_string(&NoBody {}).expect("json"), "{}");
    }
}

//! `PUT|DELETE /api/v1/users/me/avatar`, `GET /api/v1/users/{user_id}/avatar`,
//! `PUT|GET|DELETE /api/v1/lobbies/{lobby_id}/icon`.
//!
//! Uploads are the raw image bytes (PNG, JPEG, WebP or GIF, at most 2 MiB, at most
//! 4096×4096); the server stores and serves a 256×256 PNG, and a generated identicon for an
//! id without an upload.

use chat_core::v1::{LobbyId, UserId};
use salvo::extract::{Extractible, Metadata};
use salvo::http::header::{self, HeaderValue};
use salvo::oapi::{Components, EndpointArgRegister, EndpointOutRegister, Operation};
use salvo::prelude::*;

use super::NoContent;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{MaybeCaller, PathId, State, read_body, state_from};
use crate::images::MAX_UPLOAD_BYTES;
use crate::service::images;

/// A stored PNG, with validators for caching.
pub struct Png {
    bytes: Vec<u8>,
    public: bool,
}

fn etag(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

#[async_trait]
impl Writer for Png {
    async fn write(self, req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        let tag = etag(&self.bytes);
        let cache = if self.public {
            "public, max-age=300"
        } else {
            "private, max-age=300"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(value) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, value);
        }
        let unchanged = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
        if unchanged {
            res.status_code(StatusCode::NOT_MODIFIED);
            return;
        }
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        res.write_body(self.bytes).ok();
    }
}

impl EndpointOutRegister for Png {
    fn register(_components: &mut Components, operation: &mut Operation) {
        operation.responses.insert(
            "200",
            salvo::oapi::Response::new("A 256×256 PNG.").add_content(
                "image/png",
                salvo::oapi::Content::new(salvo::oapi::Object::new()),
            ),
        );
        operation.responses.insert(
            "304",
            salvo::oapi::Response::new("Not modified (`If-None-Match`)."),
        );
    }
}

/// The raw image body of an upload, read under [`MAX_UPLOAD_BYTES`] and the body deadlines.
pub(super) struct ImageUpload(Vec<u8>);

impl<'ex> Extractible<'ex> for ImageUpload {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        let state = state_from(depot)?;
        // Checked while the body streams: a larger body is refused without being read whole.
        Ok(Self(
            read_body(req, MAX_UPLOAD_BYTES, &state.http)
                .await?
                .to_vec(),
        ))
    }
}

impl EndpointArgRegister for ImageUpload {
    fn register(_: &mut Components, operation: &mut Operation, _: &str) {
        let binary = || {
            salvo::oapi::Content::new(
                salvo::oapi::Object::new()
                    .schema_type(salvo::oapi::BasicType::String)
                    .format(salvo::oapi::SchemaFormat::KnownFormat(
                        salvo::oapi::KnownFormat::Binary,
                    )),
            )
        };
        let mut body = salvo::oapi::RequestBody::new()
            .description(
                "The image itself: PNG, JPEG, GIF or WebP, decided by its bytes (the \
                 Content-Type is not read), at most 2 MiB and 4096×4096 pixels.",
            )
            .required(salvo::oapi::Required::True);
        for kind in [
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "application/octet-stream",
        ] {
            body = body.add_content(kind, binary());
        }
        operation.request_body = Some(body);
    }
}

/// Set my avatar.
///
/// The body is the image itself: PNG, JPEG, WebP or GIF (decided by its bytes), at most
/// 2 MiB and 4096×4096. It is stored as a 256×256 PNG without metadata.
#[endpoint(tags("users"))]
pub(super) async fn set_avatar(
    state: State,
    caller: Caller,
    upload: ImageUpload,
) -> Result<NoContent, Error> {
    images::set_avatar(&state, caller, upload.0)
        .await
        .map(|()| NoContent)
}

/// Remove my avatar (succeeds when there is none).
#[endpoint(tags("users"))]
pub(super) async fn remove_avatar(state: State, caller: Caller) -> Result<NoContent, Error> {
    images::remove_avatar(&state, caller)
        .await
        .map(|()| NoContent)
}

/// Get a user's avatar (no token needed); their identicon when they have not set one.
#[endpoint(tags("users"))]
pub(super) async fn get_avatar(state: State, user_id: PathId<UserId>) -> Result<Png, Error> {
    let bytes = images::avatar(&state, user_id.0).await?;
    Ok(Png {
        bytes,
        public: true,
    })
}

/// Set a lobby's icon (lobby admins); same rules as avatars.
#[endpoint(tags("lobbies"))]
pub(super) async fn set_icon(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    upload: ImageUpload,
) -> Result<NoContent, Error> {
    images::set_icon(&state, caller, lobby_id.0, upload.0)
        .await
        .map(|()| NoContent)
}

/// Remove a lobby's icon (lobby admins; succeeds when there is none).
#[endpoint(tags("lobbies"))]
pub(super) async fn remove_icon(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<NoContent, Error> {
    images::remove_icon(&state, caller, lobby_id.0)
        .await
        .map(|()| NoContent)
}

/// Get a lobby's icon: anyone for public lobbies; members (with a token) for private ones.
///
/// A lobby without an icon has a generated one (an identicon of its id).
#[endpoint(tags("lobbies"))]
pub(super) async fn get_icon(
    state: State,
    lobby_id: PathId<LobbyId>,
    caller: MaybeCaller,
) -> Result<Png, Error> {
    let (bytes, public) = images::icon(&state, caller.0, lobby_id.0).await?;
    Ok(Png { bytes, public })
}

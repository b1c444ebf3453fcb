//! The HTTP surface: every route, the OpenAPI document, CORS and the JSON error catcher.
//!
//! One file per resource; each handler parses its input with the extractors of
//! [`crate::extract`], calls one function of [`crate::service`] and renders the result.
//!
//! | routes | file |
//! |---|---|
//! | `/api/v1/auth/*` | [`auth`] |
//! | `/api/v1/users/me`, `/api/v1/users`, `/api/v1/users/{user_id}` | [`users`] |
//! | `/api/v1/lobbies`, `/api/v1/lobbies/{lobby_id}`, join, leave | [`lobbies`] |
//! | `/api/v1/lobbies/{lobby_id}/members/*` | [`members`] |
//! | `/api/v1/lobbies/{lobby_id}/messages/*`, `/api/v1/messages/{message_id}` | [`messages`] |
//! | `/api/v1/chats/*`, `/api/v1/users/{user_id}/messages` | [`chats`] |
//! | `/api/v1/lobbies/{lobby_id}/read`, `/api/v1/chats/{chat_id}/read` | [`messages`], [`chats`] |
//! | `/api/v1/admin/*` | [`admin`]; client tokens in [`tokens`] |
//! | `/api/v1/tokens/*`, `POST /api/v1/users` | [`tokens`] |
//! | `/api/v1/ws` (WebSocket) | [`crate::gateway`] |
//! | `/healthz`, `/api/openapi.json`, `/docs` | [`meta`] |
//! | `/` and its assets: the browser client | [`web`] |

pub mod admin;
pub mod auth;
pub mod chats;
pub mod images;
pub mod lobbies;
pub mod members;
pub mod messages;
pub mod meta;
pub mod reactions;
pub mod tokens;
pub mod users;
pub mod web;

use chat_core::v1::{ErrorBody, ErrorCode};
use salvo::catcher::Catcher;
use salvo::cors::{AllowHeaders, AllowOrigin, Cors};
use salvo::http::header::{self, HeaderValue};
use salvo::http::{Method, ResBody, StatusCode};
use salvo::oapi::{Components, EndpointOutRegister, Operation, ToSchema};
use salvo::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::render_error;
use crate::extract::InjectState;
use crate::state::SharedState;

/// The API routes under `/api/v1`.
pub fn api_router() -> Router {
    Router::with_path("api/v1")
        .hoop(api_headers)
        .push(auth::router())
        .push(users::router())
        .push(lobbies::router())
        .push(messages::router())
        .push(messages::mentions_router())
        .push(chats::router())
        .push(admin::router())
        .push(tokens::router())
        .push(Router::with_path("ws").goal(crate::gateway::connect))
}

/// The whole service: routes, documentation, CORS, security headers and the error catcher.
pub fn service(state: SharedState, config: &Config) -> Service {
    let api = api_router();
    let router = Router::new()
        .hoop(InjectState(state))
        .push(meta::router(&api))
        .push(api)
        .push(web::router(config.web_dir.clone()));
    let mut service = Service::new(router)
        .hoop(common_headers)
        .catcher(Catcher::default().hoop(json_catcher));
    if !config.allowed_origins.is_empty() {
        service = service.hoop(cors(&config.allowed_origins));
    }
    service
}

fn cors(origins: &[String]) -> salvo::cors::CorsHandler {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    Cors::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(AllowHeaders::list([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
        ]))
        .expose_headers(vec!["retry-after"])
        .max_age(600)
        .into_handler()
}

/// Headers on every response.
#[handler]
async fn common_headers(res: &mut Response) {
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// Headers on API responses: JSON is never to be rendered, framed or cached.
#[handler]
async fn api_headers(res: &mut Response) {
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Turns every error salvo produces itself (no route, wrong method, an unread body over
/// the limit) into the API's JSON error body.
#[handler]
async fn json_catcher(res: &mut Response, ctrl: &mut FlowCtrl) {
    let status = res.status_code.unwrap_or(StatusCode::NOT_FOUND);
    let brief = match &res.body {
        ResBody::Error(e) => Some(e.brief.clone()),
        _ => None,
    };
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such route".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this route does not take that method".to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "the body is larger than the server accepts".to_owned(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "the body must be JSON".to_owned(),
        ),
        s if s.is_client_error() => (
            ErrorCode::BadRequest,
            brief.unwrap_or_else(|| "bad request".to_owned()),
        ),
        _ => (ErrorCode::Internal, "the server failed".to_owned()),
    };
    render_error(res, &ErrorBody::new(code, message));
    // Keep the status salvo chose for client errors we map to bad_request.
    if code == ErrorCode::BadRequest {
        res.status_code(status);
    }
    ctrl.skip_rest();
}

/// A `201 Created` response with a JSON body.
pub struct Created<T>(pub T);

#[async_trait]
impl<T: Serialize + Send> Writer for Created<T> {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(StatusCode::CREATED);
        res.render(Json(self.0));
    }
}

impl<T: ToSchema> EndpointOutRegister for Created<T> {
    fn register(components: &mut Components, operation: &mut Operation) {
        operation.responses.insert(
            "201",
            salvo::oapi::Response::new("Created.")
                .add_content("application/json", T::to_schema(components)),
        );
    }
}

/// A `200 OK` or `201 Created` response, decided at run time (PUT and "open or get").
pub struct OkOrCreated<T> {
    /// The body.
    pub body: T,
    /// Whether the resource was created by this request.
    pub created: bool,
}

#[async_trait]
impl<T: Serialize + Send> Writer for OkOrCreated<T> {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(if self.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        });
        res.render(Json(self.body));
    }
}

impl<T: ToSchema> EndpointOutRegister for OkOrCreated<T> {
    fn register(components: &mut Components, operation: &mut Operation) {
        let schema = T::to_schema(components);
        operation.responses.insert(
            "200",
            salvo::oapi::Response::new("It already existed.")
                .add_content("application/json", schema.clone()),
        );
        operation.responses.insert(
            "201",
            salvo::oapi::Response::new("Created.").add_content("application/json", schema),
        );
    }
}

/// A `204 No Content` response.
pub struct NoContent;

#[async_trait]
impl Writer for NoContent {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        res.status_code(StatusCode::NO_CONTENT);
    }
}

impl EndpointOutRegister for NoContent {
    fn register(_components: &mut Components, operation: &mut Operation) {
        operation
            .responses
            .insert("204", salvo::oapi::Response::new("Done; no body."));
    }
}

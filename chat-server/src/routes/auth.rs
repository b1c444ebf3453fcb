//! `POST /api/v1/auth/register`, `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`.

use chat_core::v1::{AuthResponse, LoginRequest, RegisterRequest};
use salvo::prelude::*;

use super::{Created, NoContent};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, State, client_ip};
use crate::service::accounts;

pub(super) fn router() -> Router {
    Router::with_path("auth")
        .push(Router::with_path("register").post(register))
        .push(Router::with_path("login").post(login))
        .push(Router::with_path("logout").post(logout))
}

/// Register an account.
///
/// Creates the account and signs it in: the answer carries a token.
#[endpoint(tags("auth"))]
async fn register(
    state: State,
    body: ApiJson<RegisterRequest>,
    req: &mut Request,
) -> Result<Created<AuthResponse>, Error> {
    let ip = client_ip(req);
    accounts::register(&state, body.0, &ip).await.map(Created)
}

/// Log in.
///
/// Too many failed attempts answer `429` with `Retry-After`.
#[endpoint(tags("auth"))]
async fn login(
    state: State,
    body: ApiJson<LoginRequest>,
    req: &mut Request,
) -> Result<Json<AuthResponse>, Error> {
    let ip = client_ip(req);
    accounts::login(&state, body.0, &ip).await.map(Json)
}

/// Log out.
///
/// Revokes the token of this request; it is refused from now on.
#[endpoint(tags("auth"))]
async fn logout(state: State, caller: Caller) -> Result<NoContent, Error> {
    accounts::logout(&state, caller).await.map(|()| NoContent)
}

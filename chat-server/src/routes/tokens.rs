//! `POST|GET /api/v1/tokens`, `DELETE /api/v1/tokens/{token_id}` (personal API tokens),
//! `POST|GET /api/v1/admin/client-tokens`, `DELETE /api/v1/admin/client-tokens/{token_id}`,
//! and `POST /api/v1/users` (client apps create accounts).

use chat_core::v1::{
    ApiTokenList, AuthResponse, CreateApiTokenRequest, CreateClientTokenRequest, CreatedApiToken,
    RegisterRequest, TokenId,
};
use salvo::prelude::*;

use super::{Created, NoContent};
use crate::auth::caller::{Caller, ClientApp};
use crate::error::Error;
use crate::extract::{ApiJson, PathId, State};
use crate::service::{accounts, tokens};

pub(super) fn router() -> Router {
    Router::with_path("tokens")
        .post(create_token)
        .get(list_tokens)
        .push(Router::with_path("{token_id}").delete(revoke_token))
}

pub(super) fn admin_router() -> Router {
    Router::with_path("client-tokens")
        .post(create_client_token)
        .get(list_client_tokens)
        .push(Router::with_path("{token_id}").delete(revoke_client_token))
}

/// Create a personal API token.
///
/// For bots and scripts: it acts as you, within its scopes (`read`: GET routes and live
/// events; `write`: everything else). The secret is in this answer only. Needs a session:
/// tokens cannot create tokens.
#[endpoint(tags("tokens"))]
async fn create_token(
    state: State,
    caller: Caller,
    body: ApiJson<CreateApiTokenRequest>,
) -> Result<Created<CreatedApiToken>, Error> {
    tokens::create(&state, caller, body.0).await.map(Created)
}

/// List your personal API tokens (without their secrets).
#[endpoint(tags("tokens"))]
async fn list_tokens(state: State, caller: Caller) -> Result<Json<ApiTokenList>, Error> {
    tokens::list(&state, caller).await.map(Json)
}

/// Revoke a personal API token.
///
/// It is refused from now on, and its open WebSocket connections close.
#[endpoint(tags("tokens"))]
async fn revoke_token(
    state: State,
    caller: Caller,
    token_id: PathId<TokenId>,
) -> Result<NoContent, Error> {
    tokens::revoke(&state, caller, token_id.0)
        .await
        .map(|()| NoContent)
}

/// Create a client token for an app (server admins).
///
/// The app may create accounts with `POST /api/v1/users`, and nothing else.
#[endpoint(tags("admin"))]
async fn create_client_token(
    state: State,
    caller: Caller,
    body: ApiJson<CreateClientTokenRequest>,
) -> Result<Created<CreatedApiToken>, Error> {
    tokens::create_client(&state, caller, body.0)
        .await
        .map(Created)
}

/// List client tokens (server admins).
#[endpoint(tags("admin"))]
async fn list_client_tokens(state: State, caller: Caller) -> Result<Json<ApiTokenList>, Error> {
    tokens::list_clients(&state, caller).await.map(Json)
}

/// Revoke a client token (server admins).
#[endpoint(tags("admin"))]
async fn revoke_client_token(
    state: State,
    caller: Caller,
    token_id: PathId<TokenId>,
) -> Result<NoContent, Error> {
    tokens::revoke_client(&state, caller, token_id.0)
        .await
        .map(|()| NoContent)
}

/// Create an account (client apps).
///
/// Needs a client token (`Authorization: Bearer chat_ct_…`); answers with the new user and
/// a session token for them.
#[endpoint(tags("users"))]
pub(super) async fn provision_user(
    state: State,
    app: ClientApp,
    body: ApiJson<RegisterRequest>,
) -> Result<Created<AuthResponse>, Error> {
    accounts::provision(&state, app, body.0).await.map(Created)
}

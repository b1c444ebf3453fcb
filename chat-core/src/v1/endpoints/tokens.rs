//! API tokens: personal tokens (`/api/v1/tokens/*`), client tokens
//! (`/api/v1/admin/client-tokens/*`), and accounts created by client apps
//! (`POST /api/v1/users`).

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{
    ApiTokenList, AuthResponse, CreateApiTokenRequest, CreateClientTokenRequest, CreatedApiToken,
    RegisterRequest, TokenId,
};

endpoints! {
    /// Create a personal API token (`201`; the secret is in this answer only).
    Post "/api/v1/tokens" => CreateToken {}
        body: CreateApiTokenRequest, query: NoQuery, response: CreatedApiToken;
    /// List my personal API tokens, without their secrets.
    Get "/api/v1/tokens" => ListTokens {}
        body: NoBody, query: NoQuery, response: ApiTokenList;
    /// Revoke a personal API token.
    Delete "/api/v1/tokens/{token_id}" => RevokeToken { token_id: TokenId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// Create a client token for an app (server admins; `201`).
    Post "/api/v1/admin/client-tokens" => CreateClientToken {}
        body: CreateClientTokenRequest, query: NoQuery, response: CreatedApiToken;
    /// List client tokens (server admins).
    Get "/api/v1/admin/client-tokens" => ListClientTokens {}
        body: NoBody, query: NoQuery, response: ApiTokenList;
    /// Revoke a client token (server admins).
    Delete "/api/v1/admin/client-tokens/{token_id}" => RevokeClientToken { token_id: TokenId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// Create an account as a client app (a client token; `201`).
    Post "/api/v1/users" => ProvisionUser {}
        body: RegisterRequest, query: NoQuery, response: AuthResponse;
}

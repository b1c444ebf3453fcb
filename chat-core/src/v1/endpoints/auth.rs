//! Authentication: `/api/v1/auth/*`.

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{AuthResponse, LoginRequest, RegisterRequest};

endpoints! {
    /// Register an account and sign it in (`201`).
    Post "/api/v1/auth/register" => Register {}
        body: RegisterRequest, query: NoQuery, response: AuthResponse;
    /// Log in.
    Post "/api/v1/auth/login" => Login {}
        body: LoginRequest, query: NoQuery, response: AuthResponse;
    /// Log out: revoke the token of the request.
    Post "/api/v1/auth/logout" => Logout {}
        body: NoBody, query: NoQuery, response: NoContent;
}

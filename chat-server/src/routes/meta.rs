//! `GET /healthz`, `GET /api/openapi.json` and the interactive API page at `/docs`.

use std::sync::Once;

use salvo::oapi::security::{Http, HttpAuthScheme};
use salvo::oapi::swagger_ui::SwaggerUi;
use salvo::oapi::{OpenApi, SecurityScheme};
use salvo::prelude::*;
use serde::Serialize;

use crate::extract::State;

/// The health answer.
#[derive(Serialize, salvo::oapi::ToSchema)]
struct Health {
    /// `ok`, or `unavailable` when the database does not answer.
    status: &'static str,
}

/// The documentation and health routes; `api` is documented in the OpenAPI document.
pub(super) fn router(api: &Router) -> Router {
    // Short schema names (`Lobby`, not `chat_core.v1.lobbies.Lobby`). salvo keeps the namer
    // process-wide; it must be set once, before any document is built.
    static NAMER: Once = Once::new();
    NAMER.call_once(|| {
        salvo::oapi::naming::set_namer(salvo::oapi::naming::FlexNamer::new().short_mode(true));
    });
    let doc = OpenApi::new("chat", env!("CARGO_PKG_VERSION"))
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::new(HttpAuthScheme::Bearer).bearer_format("JWT or chat_pat_ token"),
            ),
        )
        .add_security_scheme(
            "client_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer).bearer_format("chat_ct_ token")),
        )
        .merge_router(api);
    Router::new()
        .push(Router::with_path("healthz").get(healthz))
        .push(doc.into_router("/api/openapi.json"))
        .push(SwaggerUi::new("/api/openapi.json").into_router("/docs"))
}

/// Health check.
///
/// `200` when the server, its database and (in a cluster) Redis answer, `503` otherwise.
#[endpoint(tags("meta"), status_codes(200, 503))]
async fn healthz(state: State, res: &mut Response) -> Json<Health> {
    let redis = match state.hub.bus() {
        Some(bus) => bus.ping().await.map_err(|e| e.to_string()),
        None => Ok(()),
    };
    match state
        .store
        .ping()
        .await
        .map_err(|e| e.to_string())
        .and(redis)
    {
        Ok(()) => Json(Health { status: "ok" }),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            res.status_code(StatusCode::SERVICE_UNAVAILABLE);
            Json(Health {
                status: "unavailable",
            })
        }
    }
}

//! Management commands that work on the configured database directly, without a running
//! server: `chat-server admin grant|revoke <username>`.

use chat_core::v1::{AuditAction, UserId, Username};

use crate::config::Config;
use crate::server::StartupError;

/// Makes `username` a server admin (`admin = true`) or takes it away; the change is audited
/// with no actor (it came from the server's own machine).
pub async fn set_admin(
    config: &Config,
    username: &str,
    admin: bool,
) -> Result<UserId, StartupError> {
    let username = Username::parse(username).map_err(|e| StartupError::Config(e.to_string()))?;
    let store = crate::server::open_store(config).await?;
    let user = store
        .set_admin(&username, admin)
        .await?
        .ok_or_else(|| StartupError::Config(format!("no user named {username}")))?;
    let action = if admin {
        AuditAction::AdminGrant
    } else {
        AuditAction::AdminRevoke
    };
    store.audit(None, action, &user.to_string()).await?;
    store.close().await;
    Ok(user)
}

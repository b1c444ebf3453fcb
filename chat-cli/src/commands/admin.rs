//! `admin users|disable|enable|messages|audit|stats`.

use std::collections::HashMap;

use chat_core::v1::{
    AdminMessagesQuery, AuditAction, ListQuery, PageLimit, PageQuery, SearchQuery, Timestamp,
    UserId,
};

use crate::cli::AdminCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::local_time;
use crate::resolve;

fn timestamp(text: &str) -> Result<Timestamp, Failure> {
    serde_json::from_value(serde_json::Value::from(text)).map_err(|_| {
        Failure::usage(format!(
            "{text:?} is not an RFC 3339 time like 2026-11-21T08:00:00Z"
        ))
    })
}

pub async fn run(ctx: &Context, command: AdminCommand) -> Result<(), Failure> {
    let client = &ctx.client;
    match command {
        AdminCommand::Users { query, limit } => {
            let page = client
                .admin_users(&ListQuery {
                    q: query.as_deref().map(SearchQuery::new).transpose()?,
                    limit: Some(PageLimit::new(limit)?),
                    after: None,
                })
                .await?;
            ctx.out.either(&page, |out| {
                let rows: Vec<Vec<String>> = page
                    .items
                    .iter()
                    .map(|u| {
                        vec![
                            u.user.username.to_string(),
                            if u.is_admin {
                                "admin".into()
                            } else {
                                String::new()
                            },
                            if u.disabled {
                                "disabled".into()
                            } else {
                                String::new()
                            },
                            u.user.id.to_string(),
                        ]
                    })
                    .collect();
                out.table(&["USERNAME", "ADMIN", "STATE", "ID"], &rows)
            })
        }
        AdminCommand::Disable { user } => set_disabled(ctx, &user, true).await,
        AdminCommand::Enable { user } => set_disabled(ctx, &user, false).await,
        AdminCommand::Messages {
            lobby,
            user,
            since,
            until,
            limit,
        } => {
            let query = AdminMessagesQuery {
                lobby_id: match lobby {
                    Some(lobby) => Some(resolve::lobby(ctx, &lobby).await?.id),
                    None => None,
                },
                user_id: match user {
                    Some(user) => Some(resolve::user(ctx, &user).await?.id),
                    None => None,
                },
                since: since.as_deref().map(timestamp).transpose()?,
                until: until.as_deref().map(timestamp).transpose()?,
                before: None,
                limit: Some(PageLimit::new(limit)?),
            };
            let page = client.admin_messages(&query).await?;
            ctx.out.either(&page, |out| {
                page.items
                    .iter()
                    .map(|m| out.message_line(m) + "\n")
                    .collect::<String>()
            })
        }
        AdminCommand::Audit { limit } => {
            let page = client
                .admin_audit(&PageQuery {
                    limit: Some(PageLimit::new(limit)?),
                    after: None,
                })
                .await?;
            if ctx.out.json {
                return ctx.out.json(&page);
            }
            // Usernames for the actors, and for the targets that are users.
            let mut usernames: HashMap<UserId, String> = HashMap::new();
            let mut rows = Vec::new();
            for entry in &page.items {
                let who = match entry.actor_id {
                    Some(id) => username(ctx, &mut usernames, id).await,
                    None => "(server)".to_owned(),
                };
                let target = match entry.action {
                    AuditAction::AdminGrant
                    | AuditAction::AdminRevoke
                    | AuditAction::UserDisable
                    | AuditAction::UserEnable => match entry.target.parse::<UserId>() {
                        Ok(id) => username(ctx, &mut usernames, id).await,
                        Err(_) => entry.target.clone(),
                    },
                    _ => entry.target.clone(),
                };
                rows.push(vec![
                    local_time(&entry.created_at),
                    who,
                    entry.action.as_str().to_owned(),
                    target,
                ]);
            }
            ctx.out.either(&page, |out| {
                out.table(&["WHEN", "WHO", "ACTION", "TARGET"], &rows)
            })
        }
        AdminCommand::Stats => {
            let stats = client.admin_stats().await?;
            ctx.out.either(&stats, |_| {
                format!(
                    "users             {}\nlobbies           {}\nmessages          {}\nopen connections  {}",
                    stats.users, stats.lobbies, stats.messages, stats.open_connections
                )
            })
        }
    }
}

/// A user's username (looked up once), or the id when the lookup fails (a deleted user).
async fn username(ctx: &Context, known: &mut HashMap<UserId, String>, id: UserId) -> String {
    if let Some(name) = known.get(&id) {
        return name.clone();
    }
    let name = match ctx.client.user(id).await {
        Ok(user) => user.username.to_string(),
        Err(_) => id.to_string(),
    };
    known.insert(id, name.clone());
    name
}

async fn set_disabled(ctx: &Context, user: &str, disabled: bool) -> Result<(), Failure> {
    let user = resolve::user(ctx, user).await?;
    let updated = ctx.client.admin_set_disabled(user.id, disabled).await?;
    ctx.out.either(&updated, |_| {
        format!(
            "{} is {}",
            user.username,
            if disabled { "disabled" } else { "enabled" }
        )
    })
}

//! `token create|list|revoke`.

use chat_core::v1::{
    ApiTokenList, CreateApiTokenRequest, Timestamp, TokenId, TokenName, TokenScope,
};

use crate::cli::TokenCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::local_time;

pub async fn run(ctx: &Context, command: TokenCommand) -> Result<(), Failure> {
    match command {
        TokenCommand::Create {
            name,
            write,
            expires_in_days,
        } => {
            let mut scopes = vec![TokenScope::Read];
            if write {
                scopes.push(TokenScope::Write);
            }
            let expires_at = match expires_in_days {
                Some(0) => return Err(Failure::usage("--expires-in-days must be at least 1")),
                Some(days) => {
                    let now = chrono::Utc::now().timestamp_millis();
                    Timestamp::from_unix_millis(now + i64::from(days) * 86_400_000)
                }
                None => None,
            };
            let created = ctx
                .client
                .create_token(&CreateApiTokenRequest {
                    name: TokenName::parse(&name)?,
                    scopes,
                    expires_at,
                })
                .await?;
            ctx.out.either(&created, |out| {
                format!(
                    "{}\n{}\nid {}",
                    out.bold(&created.token),
                    out.dim("store it now: the secret cannot be shown again"),
                    created.info.id
                )
            })
        }
        TokenCommand::List => {
            let list = ApiTokenList {
                items: ctx.client.tokens().await?,
            };
            ctx.out.either(&list, |out| {
                let rows: Vec<Vec<String>> = list
                    .items
                    .iter()
                    .map(|t| {
                        let scopes: Vec<&str> = t
                            .scopes
                            .iter()
                            .map(|s| match s {
                                TokenScope::Read => "read",
                                TokenScope::Write => "write",
                            })
                            .collect();
                        vec![
                            t.name.to_string(),
                            scopes.join(","),
                            t.expires_at.as_ref().map_or("never".into(), local_time),
                            if t.revoked {
                                "revoked".into()
                            } else {
                                String::new()
                            },
                            t.id.to_string(),
                        ]
                    })
                    .collect();
                out.table(&["NAME", "SCOPES", "EXPIRES", "STATE", "ID"], &rows)
            })
        }
        TokenCommand::Revoke { id } => {
            let id: TokenId = id
                .parse()
                .map_err(|_| Failure::usage(format!("{id:?} is not a token id")))?;
            ctx.client.revoke_token(id).await?;
            ctx.out.done("revoked")
        }
    }
}

//! Lobbies and users addressed by id or by name.

use chat_core::v1::{ListQuery, Lobby, LobbyId, PageLimit, SearchQuery, User, UserId};

use crate::context::Context;
use crate::failure::Failure;

/// A lobby by id, or by name among the caller's lobbies, then the public ones.
pub async fn lobby(ctx: &Context, text: &str) -> Result<Lobby, Failure> {
    if let Ok(id) = text.parse::<LobbyId>() {
        return Ok(ctx.client.lobby(id).await?);
    }
    let wanted = text.trim().to_lowercase();
    let mine: Vec<Lobby> = ctx
        .client
        .my_lobbies()
        .await?
        .into_iter()
        .filter(|l| l.name.as_str().to_lowercase() == wanted)
        .collect();
    match mine.len() {
        1 => return Ok(mine.into_iter().next().expect("one element")),
        0 => {}
        n => {
            return Err(Failure::usage(format!(
                "{n} of your lobbies are named {text:?}; use its id"
            )));
        }
    }
    let query = ListQuery {
        q: Some(SearchQuery::new(text)?),
        limit: Some(PageLimit::new(PageLimit::MAX)?),
        after: None,
    };
    let public: Vec<Lobby> = ctx
        .client
        .community_lobbies(&query)
        .await?
        .items
        .into_iter()
        .filter(|l| l.name.as_str().to_lowercase() == wanted)
        .collect();
    match public.len() {
        1 => Ok(public.into_iter().next().expect("one element")),
        0 => Err(Failure::Refused(chat_client::Error::Api {
            status: 404,
            code: chat_core::v1::ErrorCode::NotFound,
            message: format!("no lobby named {text:?}"),
            details: None,
            retry_after: None,
        })),
        n => Err(Failure::usage(format!(
            "{n} public lobbies are named {text:?}; use its id"
        ))),
    }
}

/// A user by id or by username.
pub async fn user(ctx: &Context, text: &str) -> Result<User, Failure> {
    if let Ok(id) = text.parse::<UserId>() {
        return Ok(ctx.client.user(id).await?);
    }
    let wanted = text.trim().to_lowercase();
    let query = ListQuery {
        q: Some(SearchQuery::new(&wanted)?),
        limit: None,
        after: None,
    };
    ctx.client
        .users(&query)
        .await?
        .items
        .into_iter()
        .find(|u| u.username.as_str() == wanted)
        .ok_or_else(|| {
            Failure::Refused(chat_client::Error::Api {
                status: 404,
                code: chat_core::v1::ErrorCode::NotFound,
                message: format!("no user named {text:?}"),
                details: None,
                retry_after: None,
            })
        })
}

//! Lobbies and users addressed by id or by name.

use chat_core::v1::{ListQuery, Lobby, LobbyId, PageLimit, SearchQuery, User, UserId};

use crate::context::Context;
use crate::failure::Failure;
use crate::output::{local_time, plural};

/// A lobby by id, or by name: the caller's lobby of that name when there is exactly one,
/// else the public lobby of that name when there is exactly one. Names need not be unique, so
/// when several match, the error lists them with their ids (which always work).
pub async fn lobby(ctx: &Context, text: &str) -> Result<Lobby, Failure> {
    if let Ok(id) = text.parse::<LobbyId>() {
        return Ok(ctx.client.lobby(id).await?);
    }
    let wanted = text.trim().to_lowercase();
    let named = |l: &Lobby| l.name.as_str().to_lowercase() == wanted;
    let mut mine: Vec<Lobby> = ctx
        .client
        .my_lobbies()
        .await?
        .into_iter()
        .filter(named)
        .collect();
    if mine.len() == 1 {
        return Ok(mine.remove(0));
    }
    if mine.len() > 1 {
        let lead = format!("{} of your lobbies are named {text:?}", mine.len());
        return Err(ambiguous(text, lead, &mine));
    }
    let mut public = Vec::new();
    // A search text the protocol refuses cannot be a lobby's name either.
    if let Ok(q) = SearchQuery::new(text.trim()) {
        let mut query = ListQuery {
            q: Some(q),
            limit: Some(PageLimit::new(PageLimit::MAX)?),
            after: None,
        };
        // Names starting with the text come page by page; the exact ones may be on any page.
        for _ in 0..MAX_PAGES {
            let page = ctx.client.community_lobbies(&query).await?;
            public.extend(page.items.into_iter().filter(named));
            match page.next_cursor {
                Some(cursor) => query.after = Some(cursor),
                None => break,
            }
        }
    }
    match public.len() {
        1 => Ok(public.remove(0)),
        0 => Err(Failure::Refused(chat_client::Error::Api {
            status: 404,
            code: chat_core::v1::ErrorCode::NotFound,
            message: format!("no lobby named {text:?}"),
            details: None,
            retry_after: None,
        })),
        n => {
            let lead = format!("{n} public lobbies are named {text:?} (you are in none of them)");
            Err(ambiguous(text, lead, &public))
        }
    }
}

/// How many pages of public lobbies a name is looked up in.
const MAX_PAGES: usize = 20;

/// The error for a name that several lobbies share: each candidate with its id.
fn ambiguous(text: &str, lead: String, candidates: &[Lobby]) -> Failure {
    let lines: Vec<String> = candidates
        .iter()
        .map(|l| {
            format!(
                "  {}  {}  ({}, {}, created {})",
                l.id,
                l.name,
                l.visibility.as_str(),
                plural(l.member_count, "member", "members"),
                local_time(&l.created_at)
            )
        })
        .collect();
    let details = serde_json::json!({
        "name": text,
        "candidates": candidates
            .iter()
            .map(|l| serde_json::json!({
                "id": l.id,
                "name": l.name,
                "visibility": l.visibility,
                "member_count": l.member_count,
                "created_at": l.created_at,
                "member": l.membership.is_some(),
            }))
            .collect::<Vec<_>>(),
    });
    Failure::Ambiguous {
        message: format!(
            "{lead}; give the id of the one you mean:\n{}",
            lines.join("\n")
        ),
        details,
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

//! `lobby create|list|community|info|members|join|leave|add|remove|promote|demote|rename|delete`.

use chat_core::v1::{
    CreateLobbyRequest, Description, ListQuery, Lobby, LobbyList, LobbyName, PageLimit, PageQuery,
    Role, SearchQuery, UpdateLobbyRequest, Visibility,
};

use crate::cli::LobbyCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{Printer, local_time, plural, truncate};
use crate::resolve;

pub async fn run(ctx: &Context, command: LobbyCommand) -> Result<(), Failure> {
    let client = &ctx.client;
    match command {
        LobbyCommand::Create {
            name,
            private,
            description,
        } => {
            let lobby = client
                .create_lobby(&CreateLobbyRequest {
                    name: LobbyName::parse(&name)?,
                    description: description.as_deref().map(Description::parse).transpose()?,
                    visibility: if private {
                        Visibility::Private
                    } else {
                        Visibility::Public
                    },
                })
                .await?;
            ctx.out
                .either(&lobby, |out| format!("created {}", describe(out, &lobby)))
        }
        LobbyCommand::List => {
            let list = LobbyList {
                items: client.my_lobbies().await?,
            };
            ctx.out.either(&list, |out| lobby_table(out, &list.items))
        }
        LobbyCommand::Community { query, limit } => {
            let page = client
                .community_lobbies(&ListQuery {
                    q: query.as_deref().map(SearchQuery::new).transpose()?,
                    limit: Some(PageLimit::new(limit)?),
                    after: None,
                })
                .await?;
            ctx.out.either(&page, |out| lobby_table(out, &page.items))
        }
        LobbyCommand::Info { lobby } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            ctx.out.either(&lobby, |out| describe(out, &lobby))
        }
        LobbyCommand::Members { lobby } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            let mut items = Vec::new();
            let mut query = PageQuery {
                limit: Some(PageLimit::new(PageLimit::MAX)?),
                after: None,
            };
            loop {
                let page = client.members(lobby.id, &query).await?;
                items.extend(page.items);
                match page.next_cursor {
                    Some(cursor) => query.after = Some(cursor),
                    None => break,
                }
            }
            let page = chat_core::v1::MemberPage {
                items,
                next_cursor: None,
            };
            ctx.out.either(&page, |out| {
                let rows: Vec<Vec<String>> = page
                    .items
                    .iter()
                    .map(|m| {
                        vec![
                            m.user.username.to_string(),
                            m.role.as_str().to_owned(),
                            local_time(&m.joined_at),
                        ]
                    })
                    .collect();
                out.table(&["USERNAME", "ROLE", "JOINED"], &rows)
            })
        }
        LobbyCommand::Join { lobby } => {
            let target = resolve::lobby(ctx, &lobby).await?;
            let lobby = client.join_lobby(target.id).await?;
            ctx.out.either(&lobby, |_| format!("joined {}", lobby.name))
        }
        LobbyCommand::Leave { lobby } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            client.leave_lobby(lobby.id).await?;
            ctx.out.done(&format!("left {}", lobby.name))
        }
        LobbyCommand::Add { lobby, user, admin } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            let user = resolve::user(ctx, &user).await?;
            let role = if admin { Role::Admin } else { Role::Member };
            let (member, added) = client.add_member(lobby.id, user.id, role).await?;
            ctx.out.either(&member, |_| {
                if added {
                    format!(
                        "added {} to {} as {}",
                        user.username,
                        lobby.name,
                        member.role.as_str()
                    )
                } else {
                    format!("{} was already in {}", user.username, lobby.name)
                }
            })
        }
        LobbyCommand::Remove { lobby, user } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            let user = resolve::user(ctx, &user).await?;
            client.remove_member(lobby.id, user.id).await?;
            ctx.out
                .done(&format!("removed {} from {}", user.username, lobby.name))
        }
        LobbyCommand::Promote { lobby, user } => set_role(ctx, &lobby, &user, Role::Admin).await,
        LobbyCommand::Demote { lobby, user } => set_role(ctx, &lobby, &user, Role::Member).await,
        LobbyCommand::Rename {
            lobby,
            name,
            description,
        } => {
            let target = resolve::lobby(ctx, &lobby).await?;
            let lobby = client
                .update_lobby(
                    target.id,
                    &UpdateLobbyRequest {
                        name: Some(LobbyName::parse(&name)?),
                        description: description.as_deref().map(Description::parse).transpose()?,
                        visibility: None,
                    },
                )
                .await?;
            ctx.out.either(&lobby, |_| {
                format!("renamed {} to {}", target.name, lobby.name)
            })
        }
        LobbyCommand::Delete { lobby, yes } => {
            if !yes {
                return Err(Failure::usage(
                    "deleting a lobby deletes all its messages: add --yes",
                ));
            }
            let lobby = resolve::lobby(ctx, &lobby).await?;
            client.delete_lobby(lobby.id).await?;
            ctx.out.done(&format!("deleted {}", lobby.name))
        }
    }
}

async fn set_role(ctx: &Context, lobby: &str, user: &str, role: Role) -> Result<(), Failure> {
    let lobby = resolve::lobby(ctx, lobby).await?;
    let user = resolve::user(ctx, user).await?;
    let member = ctx.client.set_role(lobby.id, user.id, role).await?;
    ctx.out.either(&member, |_| {
        format!(
            "{} is now {} of {}",
            user.username,
            role.as_str(),
            lobby.name
        )
    })
}

fn describe(out: &Printer, lobby: &Lobby) -> String {
    let role = lobby
        .membership
        .as_ref()
        .map_or("not a member".to_owned(), |m| {
            format!("{}, {} unread", m.role.as_str(), m.unread_count)
        });
    format!(
        "{} ({}, {}; you: {role})\nid      {}\ncreated {}\n{}",
        out.bold(lobby.name.as_str()),
        lobby.visibility.as_str(),
        plural(lobby.member_count, "member", "members"),
        lobby.id,
        local_time(&lobby.created_at),
        lobby.description
    )
}

fn lobby_table(out: &Printer, lobbies: &[Lobby]) -> String {
    let rows: Vec<Vec<String>> = lobbies
        .iter()
        .map(|l| {
            vec![
                l.name.to_string(),
                l.visibility.as_str().to_owned(),
                l.member_count.to_string(),
                l.membership
                    .as_ref()
                    .map_or(String::new(), |m| m.unread_count.to_string()),
                truncate(l.description.as_str(), 40),
                l.id.to_string(),
            ]
        })
        .collect();
    out.table(
        &[
            "NAME",
            "VISIBILITY",
            "MEMBERS",
            "UNREAD",
            "DESCRIPTION",
            "ID",
        ],
        &rows,
    )
}

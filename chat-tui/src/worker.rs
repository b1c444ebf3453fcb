//! The network worker: a task that owns the [`Client`] and the [`Gateway`], carries out
//! [`Effect`]s and reports back [`NetEvent`]s over a bounded channel. REST calls run in tasks
//! of their own, so a slow request never holds up sends or live events.

use std::path::PathBuf;
use std::time::Duration;

use chat_client::profile::{Profile, Profiles};
use chat_client::{Client, Error, Gateway, GatewayConfig, GatewayEvent};
use chat_core::v1::{
    CreateLobbyRequest, HistoryQuery, ListQuery, Lobby, LobbyId, LobbyName, Nonce, PageLimit,
    PageQuery, Password, RegisterRequest, Role, SearchQuery, UpdateLobbyRequest, User, Username,
    Visibility,
};
use tokio::sync::mpsc;

use crate::effect::Effect;
use crate::event::{Event, NetEvent};
use crate::state::PAGE_SIZE;

/// Members fetched per lobby at most (pages of 100).
const MEMBER_PAGES: usize = 10;

/// Where sessions are saved.
#[derive(Debug, Clone)]
pub struct Session {
    /// The directory of `config.toml`.
    pub config_dir: PathBuf,
    /// The profile name.
    pub profile: String,
}

/// The worker's state.
pub struct Worker {
    session: Session,
    client: Option<Client>,
    gateway: Option<Gateway>,
    gateway_config: GatewayConfig,
    events: mpsc::Sender<Event>,
    /// Its own effect queue, for delayed retries.
    again: mpsc::Sender<Effect>,
}

impl Worker {
    /// A worker that reports to `events`; `again` must feed the receiver given to `run`.
    pub fn new(
        session: Session,
        gateway_config: GatewayConfig,
        events: mpsc::Sender<Event>,
        again: mpsc::Sender<Effect>,
    ) -> Self {
        Self {
            session,
            client: None,
            gateway: None,
            gateway_config,
            events,
            again,
        }
    }

    /// Runs until the effect channel closes (the app quit) or the app stops listening.
    pub async fn run(mut self, mut effects: mpsc::Receiver<Effect>) {
        loop {
            tokio::select! {
                effect = effects.recv() => match effect {
                    Some(effect) => self.handle(effect).await,
                    None => break,
                },
                event = next_event(&mut self.gateway) => match event {
                    Some(event) => {
                        if self.report(NetEvent::Gateway(Box::new(event))).await.is_err() {
                            break;
                        }
                    }
                    None => self.gateway = None,
                },
            }
        }
    }

    async fn report(&self, event: NetEvent) -> Result<(), ()> {
        self.events.send(Event::Net(event)).await.map_err(|_| ())
    }

    /// Runs a REST call in its own task and reports its outcome.
    fn spawn<F>(&self, work: impl FnOnce(Client) -> F)
    where
        F: Future<Output = Vec<NetEvent>> + Send + 'static,
    {
        let Some(client) = self.client.clone() else {
            return;
        };
        let events = self.events.clone();
        let work = work(client);
        tokio::spawn(async move {
            for event in work.await {
                if events.send(Event::Net(event)).await.is_err() {
                    break;
                }
            }
        });
    }

    async fn handle(&mut self, effect: Effect) {
        match effect {
            Effect::Login {
                server,
                username,
                password,
                register,
            } => {
                let result = self
                    .sign_in(&server, &username, &password.0, register)
                    .await;
                match result {
                    Ok(client) => {
                        let _ = self.report(NetEvent::SignedIn { username }).await;
                        self.connect(client).await;
                    }
                    Err(reason) => {
                        let _ = self.report(NetEvent::LoginFailed(reason)).await;
                    }
                }
            }
            Effect::Connect { server, token } => match client_for(&server, Some(token.0)) {
                Ok(client) => self.connect(client).await,
                Err(e) => {
                    let _ = self
                        .report(NetEvent::ConnectFailed {
                            reason: describe(&e),
                            unauthorized: false,
                        })
                        .await;
                }
            },
            Effect::Send {
                conversation,
                nonce,
                content,
                delay_ms,
            } => {
                if delay_ms > 0 {
                    let again = self.again.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                        let _ = again
                            .send(Effect::Send {
                                conversation,
                                nonce,
                                content,
                                delay_ms: 0,
                            })
                            .await;
                    });
                    return;
                }
                let events = self.events.clone();
                let sent = match (&self.gateway, Nonce::new(nonce.clone())) {
                    (Some(gateway), Ok(n)) => {
                        Ok(gateway.send_message_with_nonce(conversation, content, n))
                    }
                    (None, _) => Err("not connected".to_owned()),
                    (_, Err(e)) => Err(e.to_string()),
                };
                tokio::spawn(async move {
                    let event = match sent {
                        Ok(answer) => match answer.await {
                            Ok(message) => NetEvent::Sent {
                                nonce,
                                message: Box::new(message),
                            },
                            Err(e) => NetEvent::SendFailed {
                                nonce,
                                reason: describe(&e),
                                retry_after_ms: e.is_rate_limited().then(|| {
                                    e.retry_after()
                                        .map_or(1000, |d| d.as_millis() as u64)
                                        .max(100)
                                }),
                            },
                        },
                        Err(reason) => NetEvent::SendFailed {
                            nonce,
                            reason,
                            retry_after_ms: None,
                        },
                    };
                    let _ = events.send(Event::Net(event)).await;
                });
            }
            Effect::Edit { message, content } => {
                if let Some(gateway) = &self.gateway {
                    let answer = gateway.edit_message(message, content);
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        if let Err(e) = answer.await {
                            let event = NetEvent::Failed(format!("edit: {}", describe(&e)));
                            let _ = events.send(Event::Net(event)).await;
                        }
                    });
                }
            }
            Effect::Delete(message) => {
                if let Some(gateway) = &self.gateway {
                    let answer = gateway.delete_message(message);
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        let event = match answer.await {
                            Ok(()) => NetEvent::Done("message deleted".into()),
                            Err(e) => NetEvent::Failed(format!("delete: {}", describe(&e))),
                        };
                        let _ = events.send(Event::Net(event)).await;
                    });
                }
            }
            Effect::Reply {
                conversation,
                reply_to,
                content,
            } => {
                if let Some(gateway) = &self.gateway {
                    let answer = gateway.reply(conversation, reply_to, content);
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        if let Err(e) = answer.await {
                            let event = NetEvent::Failed(format!("reply: {}", describe(&e)));
                            let _ = events.send(Event::Net(event)).await;
                        }
                    });
                }
            }
            Effect::React {
                message,
                emoji,
                add,
            } => {
                if let Some(gateway) = &self.gateway {
                    let answer = if add {
                        futures_util::future::Either::Left(gateway.react(message, emoji))
                    } else {
                        futures_util::future::Either::Right(gateway.unreact(message, emoji))
                    };
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        if let Err(e) = answer.await {
                            let event = NetEvent::Failed(format!("reaction: {}", describe(&e)));
                            let _ = events.send(Event::Net(event)).await;
                        }
                    });
                }
            }
            Effect::Pin { message, pin } => {
                if let Some(gateway) = &self.gateway {
                    let answer = gateway.set_pinned(message, pin);
                    let events = self.events.clone();
                    tokio::spawn(async move {
                        let event = match answer.await {
                            Ok(()) => {
                                NetEvent::Done(if pin { "pinned" } else { "unpinned" }.into())
                            }
                            Err(e) => NetEvent::Failed(format!("pin: {}", describe(&e))),
                        };
                        let _ = events.send(Event::Net(event)).await;
                    });
                }
            }
            Effect::Typing(conversation) => {
                if let Some(gateway) = &self.gateway {
                    // Typing is best effort: dropped while disconnected, by design.
                    let _ = gateway.typing(conversation);
                }
            }
            Effect::MarkRead { conversation, seq } => {
                if let Some(gateway) = &self.gateway {
                    let _ = gateway.mark_read(conversation, seq);
                }
            }
            Effect::LoadConversations { select } => {
                self.spawn(move |client| async move { vec![conversations(&client, select).await] });
            }
            Effect::LoadHistory { target, before } => self.spawn(move |client| async move {
                let query = HistoryQuery {
                    before,
                    after: None,
                    limit: PageLimit::new(PAGE_SIZE).ok(),
                };
                vec![match client.history_page(target, &query).await {
                    Ok(page) => NetEvent::History {
                        conversation: target.id(),
                        before,
                        more: page.next_cursor.is_some(),
                        messages: page.items,
                    },
                    Err(e) => NetEvent::HistoryFailed {
                        conversation: target.id(),
                        reason: describe(&e),
                    },
                }]
            }),
            Effect::LoadMembers(lobby) => self.spawn(move |client| async move {
                let mut members = Vec::new();
                let mut after = None;
                for _ in 0..MEMBER_PAGES {
                    let query = PageQuery {
                        limit: PageLimit::new(100).ok(),
                        after: after.take(),
                    };
                    match client.members(lobby, &query).await {
                        Ok(page) => {
                            members.extend(page.items);
                            match page.next_cursor {
                                Some(cursor) => after = Some(cursor),
                                None => break,
                            }
                        }
                        Err(e) => {
                            return vec![NetEvent::Failed(format!("members: {}", describe(&e)))];
                        }
                    }
                }
                vec![NetEvent::Members {
                    conversation: lobby.into(),
                    members,
                }]
            }),
            Effect::LoadCommunity => self.spawn(|client| async move {
                let query = ListQuery {
                    q: None,
                    limit: PageLimit::new(100).ok(),
                    after: None,
                };
                vec![match client.community_lobbies(&query).await {
                    Ok(page) => NetEvent::Community(page.items),
                    Err(e) => NetEvent::Failed(format!("community: {}", describe(&e))),
                }]
            }),
            Effect::Join(lobby) => self.spawn(move |client| async move {
                match client.join_lobby(lobby).await {
                    Ok(joined) => vec![
                        NetEvent::Done(format!("joined #{}", joined.name)),
                        conversations(&client, Some(lobby.into())).await,
                    ],
                    Err(e) => vec![NetEvent::Failed(format!("join: {}", describe(&e)))],
                }
            }),
            Effect::JoinByName(name) => self.spawn(move |client| async move {
                match join_by_name(&client, &name).await {
                    Ok(lobby) => vec![
                        NetEvent::Done(format!("joined #{}", lobby.name)),
                        conversations(&client, Some(lobby.id.into())).await,
                    ],
                    Err(reason) => vec![NetEvent::Failed(reason)],
                }
            }),
            Effect::Create { name, private } => self.spawn(move |client| async move {
                let request = CreateLobbyRequest {
                    name,
                    description: None,
                    visibility: if private {
                        Visibility::Private
                    } else {
                        Visibility::Public
                    },
                };
                match client.create_lobby(&request).await {
                    Ok(lobby) => vec![
                        NetEvent::Done(format!("created #{}", lobby.name)),
                        conversations(&client, Some(lobby.id.into())).await,
                    ],
                    Err(e) => vec![NetEvent::Failed(format!("create: {}", describe(&e)))],
                }
            }),
            Effect::Leave(lobby) => self.spawn(move |client| async move {
                match client.leave_lobby(lobby).await {
                    Ok(()) => vec![
                        NetEvent::Done("left the lobby".into()),
                        conversations(&client, None).await,
                    ],
                    Err(e) => vec![NetEvent::Failed(format!("leave: {}", describe(&e)))],
                }
            }),
            Effect::CloseChat(chat) => self.spawn(move |client| async move {
                match client.delete_chat(chat).await {
                    Ok(()) => vec![
                        NetEvent::Done("chat closed".into()),
                        conversations(&client, None).await,
                    ],
                    Err(e) => vec![NetEvent::Failed(format!("close: {}", describe(&e)))],
                }
            }),
            Effect::OpenDm(username) => self.spawn(move |client| async move {
                let user = match find_user(&client, &username).await {
                    Ok(user) => user,
                    Err(reason) => return vec![NetEvent::Failed(reason)],
                };
                match client.open_chat(user.id).await {
                    Ok((chat, _)) => vec![conversations(&client, Some(chat.id.into())).await],
                    Err(e) => vec![NetEvent::Failed(format!("dm: {}", describe(&e)))],
                }
            }),
            Effect::Invite { lobby, user } => self.spawn(move |client| async move {
                let found = match find_user(&client, &user).await {
                    Ok(found) => found,
                    Err(reason) => return vec![NetEvent::Failed(reason)],
                };
                vec![
                    match client.add_member(lobby, found.id, Role::Member).await {
                        Ok((_, true)) => NetEvent::Done(format!("added {user}")),
                        Ok((_, false)) => NetEvent::Done(format!("{user} is already a member")),
                        Err(e) => NetEvent::Failed(format!("invite: {}", describe(&e))),
                    },
                ]
            }),
            Effect::Kick { lobby, user } => self.spawn(move |client| async move {
                let found = match find_user(&client, &user).await {
                    Ok(found) => found,
                    Err(reason) => return vec![NetEvent::Failed(reason)],
                };
                vec![match client.remove_member(lobby, found.id).await {
                    Ok(()) => NetEvent::Done(format!("removed {user}")),
                    Err(e) => NetEvent::Failed(format!("kick: {}", describe(&e))),
                }]
            }),
            Effect::SetTopic { lobby, topic } => self.spawn(move |client| async move {
                let request = UpdateLobbyRequest {
                    description: Some(topic),
                    ..UpdateLobbyRequest::default()
                };
                vec![match client.update_lobby(lobby, &request).await {
                    Ok(_) => NetEvent::Done("topic set".into()),
                    Err(e) => NetEvent::Failed(format!("topic: {}", describe(&e))),
                }]
            }),
        }
    }

    async fn sign_in(
        &self,
        server: &str,
        username: &str,
        password: &str,
        register: bool,
    ) -> Result<Client, String> {
        let client = client_for(server, None).map_err(|e| describe(&e))?;
        let answer = if register {
            let request = RegisterRequest {
                username: Username::parse(username).map_err(|e| e.to_string())?,
                password: Password::parse(password).map_err(|e| e.to_string())?,
                email: None,
                display_name: None,
            };
            client.register(&request).await
        } else {
            client.login(username, password).await
        };
        answer.map_err(|e| describe(&e))?;
        let mut profiles = Profiles::load(&self.session.config_dir).map_err(|e| e.to_string())?;
        profiles.set(
            &self.session.profile,
            Profile {
                server: Some(server.to_owned()),
                token: client.token(),
                username: Some(username.to_owned()),
            },
        );
        profiles
            .save(&self.session.config_dir)
            .map_err(|e| e.to_string())?;
        Ok(client)
    }

    async fn connect(&mut self, client: Client) {
        // A new sign-in replaces the old connection.
        self.gateway = None;
        match Gateway::connect_with(&client, self.gateway_config.clone()).await {
            Ok(gateway) => {
                self.gateway = Some(gateway);
                self.client = Some(client);
            }
            Err(e) => {
                let _ = self
                    .report(NetEvent::ConnectFailed {
                        reason: describe(&e),
                        unauthorized: e.is_unauthorized(),
                    })
                    .await;
            }
        }
    }
}

async fn next_event(gateway: &mut Option<Gateway>) -> Option<GatewayEvent> {
    match gateway {
        Some(gateway) => gateway.next_event().await,
        None => std::future::pending().await,
    }
}

/// A client for `server`, with a token when given.
pub fn client_for(server: &str, token: Option<String>) -> Result<Client, Error> {
    let mut builder =
        Client::builder(server).user_agent(concat!("chat-tui/", env!("CARGO_PKG_VERSION")));
    if let Some(token) = token {
        builder = builder.token(token);
    }
    builder.build()
}

/// An error as a sentence for the status line.
pub fn describe(error: &Error) -> String {
    match error {
        Error::Api { message, .. } => message.clone(),
        Error::Transport(_) => "cannot reach the server".to_owned(),
        other => other.to_string(),
    }
}

async fn conversations(client: &Client, select: Option<chat_core::v1::ConversationId>) -> NetEvent {
    let (lobbies, chats) = tokio::join!(client.my_lobbies(), client.chats());
    match (lobbies, chats) {
        (Ok(lobbies), Ok(chats)) => NetEvent::Conversations {
            lobbies,
            chats,
            select,
        },
        (Err(e), _) | (_, Err(e)) => NetEvent::Failed(format!("conversations: {}", describe(&e))),
    }
}

async fn find_user(client: &Client, username: &Username) -> Result<User, String> {
    let query = ListQuery {
        q: SearchQuery::new(username.as_str()).ok(),
        limit: PageLimit::new(100).ok(),
        after: None,
    };
    let page = client.users(&query).await.map_err(|e| describe(&e))?;
    page.items
        .into_iter()
        .find(|u| u.username == *username)
        .ok_or_else(|| format!("no user named {username}"))
}

async fn join_by_name(client: &Client, name: &LobbyName) -> Result<Lobby, String> {
    let mine = client.my_lobbies().await.map_err(|e| describe(&e))?;
    if let Some(lobby) = mine.into_iter().find(|l| l.name == *name) {
        return Ok(lobby);
    }
    let query = ListQuery {
        q: SearchQuery::new(name.as_str()).ok(),
        limit: PageLimit::new(100).ok(),
        after: None,
    };
    let page = client
        .community_lobbies(&query)
        .await
        .map_err(|e| describe(&e))?;
    let id: LobbyId = page
        .items
        .into_iter()
        .find(|l| l.name == *name)
        .map(|l| l.id)
        .ok_or_else(|| format!("no public lobby named #{name}"))?;
    client
        .join_lobby(id)
        .await
        .map_err(|e| format!("join: {}", describe(&e)))
}

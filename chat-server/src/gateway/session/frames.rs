//! Inbound frames: decoding, the read-only and per-frame budget checks, and one handler per
//! frame type, each calling the same service function as its REST route.

use std::time::Duration;

use chat_core::v1::{
    ClientFrame, ConversationId, MessageContent, MessageId, Nonce, SendMessageRequest, ServerFrame,
};
use salvo::websocket::Message;
use tokio::time::Instant;

use super::calls::CallKind;
use super::{End, Session};
use crate::error::Error;
use crate::service::access::Target;
use crate::service::{lobbies, messages, reactions};

/// A token bucket: `BURST` frames, refilled at `PER_SECOND`.
pub(super) struct FrameBudget {
    tokens: f64,
    updated: Instant,
}

impl FrameBudget {
    const BURST: f64 = 60.0;
    const PER_SECOND: f64 = 10.0;

    pub(super) fn new() -> Self {
        Self {
            tokens: Self::BURST,
            updated: Instant::now(),
        }
    }

    /// Takes a token, or says how long until one is available.
    pub(super) fn take(&mut self) -> Result<(), Duration> {
        let now = Instant::now();
        let elapsed = now.duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * Self::PER_SECOND).min(Self::BURST);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / Self::PER_SECOND,
            ))
        }
    }
}

impl Session {
    /// Handles one frame from the client.
    pub(super) async fn on_message(
        &mut self,
        message: Message,
        live: &mut bool,
    ) -> Result<(), End> {
        if message.is_close() {
            return Err(End::Gone);
        }
        if message.is_ping() || message.is_pong() {
            return Ok(());
        }
        let Ok(text) = message.as_str() else {
            return self
                .send(&Error::BadRequest("frames must be JSON text".into()).to_frame(None))
                .await;
        };
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => {
                let error = if e.is_data() {
                    Error::InvalidBody {
                        path: String::new(),
                        message: e.to_string(),
                    }
                } else {
                    Error::BadRequest(format!("malformed JSON: {e}"))
                };
                return self.send(&error.to_frame(None)).await;
            }
        };
        let starts_live = !*live;
        *live = true;
        if let ClientFrame::Resume { cursors } = frame {
            if starts_live {
                return self.resume(cursors).await;
            }
            let error = Error::BadRequest("resume must be the first frame after ready".into());
            return self.send(&error.to_frame(None)).await;
        }
        self.on_frame(frame).await
    }

    pub(super) async fn on_frame(&mut self, frame: ClientFrame) -> Result<(), End> {
        let state = self.state.clone();
        let caller = self.caller;
        // A read-only API token receives events; every frame that acts needs `write`.
        if !matches!(frame, ClientFrame::Ping) && !caller.can_write {
            let nonce = match &frame {
                ClientFrame::MessageSend { nonce, .. } => Some(nonce.clone()),
                ClientFrame::MessageEdit { nonce, .. }
                | ClientFrame::MessageDelete { nonce, .. }
                | ClientFrame::ReactionAdd { nonce, .. }
                | ClientFrame::ReactionRemove { nonce, .. }
                | ClientFrame::MessagePin { nonce, .. }
                | ClientFrame::MessageUnpin { nonce, .. }
                | ClientFrame::LobbyJoin { nonce, .. }
                | ClientFrame::LobbyLeave { nonce, .. } => nonce.clone(),
                _ => None,
            };
            let error = Error::Forbidden("this token has only the read scope");
            return self.send(&error.to_frame(nonce)).await;
        }
        let budgeted = matches!(
            frame,
            ClientFrame::Read { .. }
                | ClientFrame::CallInvite(_)
                | ClientFrame::CallAnswer(_)
                | ClientFrame::CallIce(_)
                | ClientFrame::CallReject(_)
                | ClientFrame::CallEnd(_)
        );
        if budgeted && let Err(retry_after) = self.budget.take() {
            return self
                .send(&Error::RateLimited { retry_after }.to_frame(None))
                .await;
        }
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong).await,
            ClientFrame::Auth { .. } | ClientFrame::Resume { .. } => {
                let error = Error::BadRequest("already authenticated".into());
                self.send(&error.to_frame(None)).await
            }
            ClientFrame::MessageSend {
                conversation_id,
                content,
                nonce,
                reply_to,
            } => {
                self.on_send(conversation_id, content, nonce, reply_to)
                    .await
            }
            ClientFrame::ReactionAdd {
                message_id,
                emoji,
                nonce,
            } => {
                let result = reactions::react(&state, caller, message_id, emoji).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::ReactionRemove {
                message_id,
                emoji,
                nonce,
            } => {
                let result = reactions::unreact(&state, caller, message_id, emoji).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::MessagePin { message_id, nonce } => {
                let result = reactions::pin(&state, caller, message_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::MessageUnpin { message_id, nonce } => {
                let result = reactions::unpin(&state, caller, message_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::MessageEdit {
                message_id,
                content,
                nonce,
            } => {
                let result = messages::edit(&state, caller, message_id, content).await;
                self.reply(nonce, result.map(Some)).await
            }
            ClientFrame::MessageDelete { message_id, nonce } => {
                let result = messages::delete(&state, caller, message_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::LobbyJoin { lobby_id, nonce } => {
                let result = lobbies::join(&state, caller, lobby_id).await;
                self.reply(nonce, result.map(|_| None)).await
            }
            ClientFrame::LobbyLeave { lobby_id, nonce } => {
                let result = lobbies::leave(&state, caller, lobby_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::Read {
                conversation_id,
                seq,
            } => self.on_read(conversation_id, seq).await,
            ClientFrame::Typing { conversation_id } => self.on_typing(conversation_id).await,
            ClientFrame::CallInvite(signal) => self.relay_call(signal, CallKind::Invite).await,
            ClientFrame::CallAnswer(signal) => self.relay_call(signal, CallKind::Answer).await,
            ClientFrame::CallIce(signal) => self.relay_call(signal, CallKind::Ice).await,
            ClientFrame::CallReject(signal) => self.relay_call(signal, CallKind::Reject).await,
            ClientFrame::CallEnd(signal) => self.relay_call(signal, CallKind::End).await,
            // A frame type added to the protocol after this server was built.
            _ => {
                let error = Error::BadRequest("unsupported frame".into());
                self.send(&error.to_frame(None)).await
            }
        }
    }

    /// `message.send`: queues the post; its `ack` (or `error`) goes out when it commits, in
    /// the order the connection sent its posts.
    async fn on_send(
        &mut self,
        conversation_id: ConversationId,
        content: MessageContent,
        nonce: Nonce,
        reply_to: Option<MessageId>,
    ) -> Result<(), End> {
        let state = self.state.clone();
        self.stop_typing(conversation_id);
        let draft = SendMessageRequest {
            content,
            nonce: Some(nonce.clone()),
            reply_to,
        };
        let submitted =
            messages::submit(&state, self.caller, Target::Any(conversation_id), draft).await;
        // Refusals queue behind earlier posts too: a connection's sends are answered in the
        // order they were sent.
        self.pending_posts.push_back(Box::pin(async move {
            let result = match submitted {
                Ok(submitted) => messages::complete(&state, submitted).await,
                Err(error) => Err(error),
            };
            (nonce, result)
        }));
        Ok(())
    }

    /// `read`: moves the read cursor; the user's other connections are told, not this one.
    async fn on_read(&mut self, conversation_id: ConversationId, seq: u64) -> Result<(), End> {
        let result = messages::mark_read(
            &self.state,
            self.caller,
            Target::Any(conversation_id),
            seq,
            Some(self.conn),
        )
        .await;
        self.reply(None, result.map(|_| None)).await
    }

    /// Answers a frame: `ack` on success when it carried a nonce, `error` on failure.
    pub(super) async fn reply(
        &mut self,
        nonce: Option<Nonce>,
        result: Result<Option<chat_core::v1::Message>, Error>,
    ) -> Result<(), End> {
        match (result, nonce) {
            (Ok(message), Some(nonce)) => self.send(&ServerFrame::Ack { nonce, message }).await,
            (Ok(_), None) => Ok(()),
            (Err(error), nonce) => self.send(&error.to_frame(nonce)).await,
        }
    }
}

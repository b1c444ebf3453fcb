//! Typing indications: relayed to the conversation, throttled, and expired when not renewed.
//! Every broadcast checks current membership in the store, so a member removed a moment ago
//! cannot type into the conversation whatever its session has seen so far.

use std::time::Duration;

use chat_core::v1::{ConversationId, ServerFrame};
use tokio::time::Instant;

use super::{End, Session};
use crate::error::Error;

/// Typing renewals closer together than this are not broadcast again.
const TYPING_THROTTLE: Duration = Duration::from_secs(2);

impl Session {
    pub(super) async fn on_typing(&mut self, conversation: ConversationId) -> Result<(), End> {
        if !self.positions.get(&conversation).is_some_and(|p| p.member) {
            let error = Error::NotFound("conversation");
            return self.send(&error.to_frame(None)).await;
        }
        let now = Instant::now();
        let expiry = now + self.state.gateway.typing_ttl;
        let broadcast = match self.typing.get(&conversation) {
            Some((_, last)) => now.duration_since(*last) >= TYPING_THROTTLE,
            None => true,
        };
        let last = if broadcast {
            // Each broadcast (at most one per throttle period) asks the store whether the
            // user still belongs to the conversation: the session's own view may not have
            // caught up with a removal yet (its queue not drained, a gap being filled).
            if self.visible_membership(conversation).await?.is_none() {
                // The session's own view catches up in order through the queued departure
                // event; only the typing is refused here.
                let error = Error::NotFound("conversation");
                return self.send(&error.to_frame(None)).await;
            }
            self.state.hub.send_to_conversation(
                conversation,
                &ServerFrame::Typing {
                    conversation_id: conversation,
                    user_id: self.me(),
                    typing: true,
                },
                self.me(),
            );
            now
        } else {
            self.typing
                .get(&conversation)
                .map_or(now, |(_, last)| *last)
        };
        self.typing.insert(conversation, (expiry, last));
        Ok(())
    }

    pub(super) fn stop_typing(&mut self, conversation: ConversationId) {
        if self.typing.remove(&conversation).is_some() {
            self.state.hub.send_to_conversation(
                conversation,
                &ServerFrame::Typing {
                    conversation_id: conversation,
                    user_id: self.me(),
                    typing: false,
                },
                self.me(),
            );
        }
    }

    pub(super) fn expire_typing(&mut self) {
        let now = Instant::now();
        let expired: Vec<_> = self
            .typing
            .iter()
            .filter(|(_, (expiry, _))| *expiry <= now)
            .map(|(c, _)| *c)
            .collect();
        for conversation in expired {
            self.stop_typing(conversation);
        }
    }
}

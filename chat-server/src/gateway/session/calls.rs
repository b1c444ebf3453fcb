//! Call signaling: `call.*` frames relayed between the two peers of a call, within limits
//! (payload size, call id length, calls per connection, and frames per sender across all of
//! its connections: `CHAT_CALL_BURST` per `CHAT_CALL_WINDOW`).

use chat_core::v1::{CallRelay, CallSignal, ServerFrame};

use super::{End, Session, internal};
use crate::error::Error;
use crate::hub::CallNote;

/// The largest call-signaling payload relayed, serialized.
const MAX_CALL_PAYLOAD: usize = 16 * 1024;
/// The longest call id.
const MAX_CALL_ID: usize = 64;
/// Calls one connection may take part in at once.
const MAX_CALLS: usize = 16;

#[derive(Clone, Copy)]
pub(super) enum CallKind {
    Invite,
    Answer,
    Ice,
    Reject,
    End,
}

impl Session {
    /// A relayed call frame reached this connection: an invitation opens the call here (so
    /// its answer and ICE candidates may be relayed back), a rejection or hang-up closes it.
    pub(super) fn note_call(&mut self, note: &CallNote) {
        if note.open {
            if self.calls.len() < MAX_CALLS || self.calls.contains_key(&note.call_id) {
                self.calls.insert(note.call_id.clone(), note.peer);
            }
        } else if self.calls.get(&note.call_id) == Some(&note.peer) {
            self.calls.remove(&note.call_id);
        }
    }

    pub(super) async fn relay_call(
        &mut self,
        signal: CallSignal,
        kind: CallKind,
    ) -> Result<(), End> {
        let me = self.me();
        let too_big =
            serde_json::to_string(&signal.payload).map_or(true, |p| p.len() > MAX_CALL_PAYLOAD);
        if signal.call_id.is_empty() || signal.call_id.len() > MAX_CALL_ID || too_big {
            let error = if too_big {
                Error::PayloadTooLarge
            } else {
                Error::BadRequest("call_id must be 1–64 bytes".into())
            };
            return self.send(&error.to_frame(None)).await;
        }
        // One sender's share of another user's queue is bounded across all of the sender's
        // connections (and nodes): before, 16 sockets of one stranger sending 16 KiB frames
        // filled a slow reader's queue and cut it off.
        // Ending and rejecting are never refused: a peer must not be left ringing.
        let limited = matches!(kind, CallKind::Invite | CallKind::Answer | CallKind::Ice);
        if limited
            && let Err(retry_after) = self.state.call_limiter.take(me, self.state.hub.bus()).await
        {
            return self
                .send(&Error::RateLimited { retry_after }.to_frame(None))
                .await;
        }
        let peer = signal.user_id;
        let reachable = peer != me
            && Box::pin(self.state.hub.is_online(peer)).await
            && self
                .state
                .store
                .share_conversation(me, peer)
                .await
                .map_err(internal)?;
        if !reachable {
            self.calls.remove(&signal.call_id);
            return self
                .send(&ServerFrame::CallUnavailable {
                    call_id: signal.call_id,
                    user_id: peer,
                })
                .await;
        }
        match kind {
            CallKind::Invite => {
                if self.calls.len() >= MAX_CALLS && !self.calls.contains_key(&signal.call_id) {
                    let error = Error::Conflict("too many calls at once on this connection");
                    return self.send(&error.to_frame(None)).await;
                }
                self.calls.insert(signal.call_id.clone(), peer);
            }
            // Only within a call this connection opened or was invited to, and that the
            // other side has not rejected or ended: a stranger's frames past `call.invite`
            // go nowhere.
            CallKind::Answer | CallKind::Ice if self.calls.get(&signal.call_id) != Some(&peer) => {
                let error = Error::Conflict(
                    "no such call: invite first, or the call was rejected or ended",
                );
                return self.send(&error.to_frame(None)).await;
            }
            CallKind::Answer => {}
            CallKind::Reject | CallKind::End => {
                self.calls.remove(&signal.call_id);
            }
            CallKind::Ice => {}
        }
        let relay = CallRelay {
            call_id: signal.call_id,
            user_id: me,
            payload: signal.payload,
        };
        let frame = match kind {
            CallKind::Invite => ServerFrame::CallInvite(relay),
            CallKind::Answer => ServerFrame::CallAnswer(relay),
            CallKind::Ice => ServerFrame::CallIce(relay),
            CallKind::Reject => ServerFrame::CallReject(relay),
            CallKind::End => ServerFrame::CallEnd(relay),
        };
        self.state.hub.send_to_user(peer, &frame, None, false);
        Ok(())
    }
}

//! Call signaling: `call.*` frames relayed between the two peers of a call, within limits
//! (payload size, call id length, calls per connection, and frames per sender across all of
//! its connections: `CHAT_CALL_BURST` per `CHAT_CALL_WINDOW`).

use chat_core::v1::{CallRelay, CallSignal, ServerFrame};

use super::{End, Session, internal};
use crate::error::Error;
use crate::hub::CallNote;
use chat_core::v1::UserId;

/// The largest call-signaling payload relayed, serialized.
const MAX_CALL_PAYLOAD: usize = 16 * 1024;
/// The longest call id.
const MAX_CALL_ID: usize = 64;
/// Calls one connection may place at once.
const MAX_CALLS: usize = 16;
/// Invitations from one peer a connection keeps open at once: a co-member sending many cannot
/// crowd out the calls of others.
const MAX_INVITES_PER_PEER: usize = 4;
/// Invitations a connection keeps open at once, from everyone.
const MAX_INVITES: usize = 64;

/// Who opened a call a connection takes part in. A call is known by its id together with the
/// peer, so an invitation reusing another call's id never takes that call over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// This connection sent the invitation.
    Placed,
    /// This connection received it.
    Invited,
}

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
        let key = (note.call_id.clone(), note.peer);
        if !note.open {
            self.calls.remove(&key);
            return;
        }
        if self.calls.contains_key(&key) {
            return;
        }
        let invited = |peer: Option<UserId>| {
            self.calls
                .iter()
                .filter(|((_, p), side)| {
                    **side == Side::Invited && peer.is_none_or(|peer| *p == peer)
                })
                .count()
        };
        if invited(Some(note.peer)) < MAX_INVITES_PER_PEER && invited(None) < MAX_INVITES {
            self.calls.insert(key, Side::Invited);
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
        let key = (signal.call_id.clone(), peer);
        if !reachable {
            self.calls.remove(&key);
            return self
                .send(&ServerFrame::CallUnavailable {
                    call_id: signal.call_id,
                    user_id: peer,
                })
                .await;
        }
        match kind {
            CallKind::Invite => {
                let placed = self.calls.values().filter(|s| **s == Side::Placed).count();
                if placed >= MAX_CALLS && !self.calls.contains_key(&key) {
                    let error = Error::Conflict("too many calls at once on this connection");
                    return self.send(&error.to_frame(None)).await;
                }
                self.calls.entry(key).or_insert(Side::Placed);
            }
            // Only within a call this connection opened or was invited to, and that the
            // other side has not rejected or ended: a stranger's frames past `call.invite`
            // go nowhere.
            CallKind::Answer | CallKind::Ice if !self.calls.contains_key(&key) => {
                let error = Error::Conflict(
                    "no such call: invite first, or the call was rejected or ended",
                );
                return self.send(&error.to_frame(None)).await;
            }
            CallKind::Answer => {}
            CallKind::Reject | CallKind::End => {
                self.calls.remove(&key);
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

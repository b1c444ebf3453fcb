//! The node's cluster loops (with `CHAT_REDIS_URL`): apply what the other nodes forward to
//! this node's connections, renew this node's presence, and announce the users of crashed
//! nodes offline. The Redis side of each is in [`crate::hub::bus`]; these loops join it to
//! the hub and the store, which the Redis client itself does not know.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::watch;

use crate::hub::bus::Bus;
use crate::state::SharedState;

/// Starts the cluster loops; nothing on a single node.
pub fn spawn(state: SharedState, stop: watch::Receiver<bool>) {
    if state.hub.bus().is_none() {
        return;
    }
    tokio::spawn(listen_loop(state.clone(), stop.clone()));
    tokio::spawn(presence_loop(state, stop));
}

/// Applies other nodes' messages to this node's connections, reconnecting when Redis goes.
async fn listen_loop(state: SharedState, mut stop: watch::Receiver<bool>) {
    let Some(bus) = state.hub.bus() else {
        return;
    };
    let mut backoff = Duration::from_millis(100);
    loop {
        let subscribed = tokio::select! {
            result = bus.subscribe() => result,
            _ = stop.changed() => return,
        };
        match subscribed {
            Ok(ops) => {
                backoff = Duration::from_millis(100);
                let mut ops = std::pin::pin!(ops);
                loop {
                    let op = tokio::select! {
                        op = ops.next() => op,
                        _ = stop.changed() => return,
                    };
                    let Some(op) = op else { break };
                    state.hub.apply(op);
                }
                tracing::warn!("lost the cluster subscription; reconnecting");
            }
            Err(e) => tracing::warn!(error = %e, "cannot subscribe to the cluster"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// Renews this node's connections and takes the connections of crashed nodes offline.
async fn presence_loop(state: SharedState, mut stop: watch::Receiver<bool>) {
    let Some(bus) = state.hub.bus() else {
        return;
    };
    let (renew_every, sweep_every) = bus.presence_intervals();
    let mut heartbeat = tokio::time::interval(renew_every);
    let mut sweep = tokio::time::interval(sweep_every);
    loop {
        tokio::select! {
            _ = heartbeat.tick() => {
                if let Err(e) = bus.renew(&state.hub.local_connections()).await {
                    tracing::warn!(error = %e, "could not renew presence");
                }
            }
            _ = sweep.tick() => sweep_expired(&state, bus).await,
            _ = stop.changed() => return,
        }
    }
}

async fn sweep_expired(state: &SharedState, bus: &Bus) {
    let gone = match bus.sweep_expired().await {
        Ok(gone) => gone,
        Err(e) => {
            tracing::warn!(error = %e, "could not sweep presence");
            return;
        }
    };
    for user in gone {
        match state.store.subscriptions(user).await {
            Ok(conversations) => state.hub.send_presence(user, &conversations, false),
            Err(e) => tracing::warn!(error = %e, "could not announce a departure"),
        }
    }
}

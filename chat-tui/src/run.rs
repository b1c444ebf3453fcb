//! The event loop: terminal input (a thread reading crossterm events), the worker's reports
//! and a clock tick go into [`update`]; its effects go to the worker; the state is drawn
//! after each batch of events.

use std::time::Duration;

use anyhow::Context;
use chat_client::GatewayConfig;
use ratatui::crossterm::event::{self as term, Event as TermEvent};
use tokio::sync::mpsc;

use crate::effect::{Effect, Secret};
use crate::event::Event;
use crate::state::{App, Screen};
use crate::time::{Zone, now_ms};
use crate::worker::{Session, Worker};
use crate::{terminal, ui, update::update};

/// Effects waiting for the worker, at most.
const EFFECT_QUEUE: usize = 1024;
/// Reports waiting for the loop, at most (the gateway buffers more behind it).
const EVENT_QUEUE: usize = 1024;
/// Input events waiting, at most.
const INPUT_QUEUE: usize = 256;
/// Events handled before the screen is drawn again.
const BATCH: usize = 512;
/// How often the clock ticks.
const TICK: Duration = Duration::from_millis(500);

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The server URL.
    pub server: String,
    /// A saved (or `CHAT_TOKEN`) token: connect at once instead of showing the form.
    pub token: Option<Secret>,
    /// The saved username, to prefill the form.
    pub username: String,
    /// Where to save the session.
    pub session: Session,
}

/// Runs the app until the user quits.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let (mut terminal, _guard) = terminal::setup().context("setting up the terminal")?;
    let (effect_tx, effect_rx) = mpsc::channel::<Effect>(EFFECT_QUEUE);
    let (event_tx, mut event_rx) = mpsc::channel::<Event>(EVENT_QUEUE);
    let (input_tx, mut input_rx) = mpsc::channel::<Event>(INPUT_QUEUE);
    let worker = Worker::new(
        options.session,
        GatewayConfig::default(),
        event_tx,
        effect_tx.clone(),
    );
    tokio::spawn(worker.run(effect_rx));
    std::thread::spawn(move || read_input(&input_tx));

    let nonce_prefix = uuid::Uuid::new_v4().simple().to_string();
    let mut app = App::new(
        options.server.clone(),
        options.username,
        Zone::Local,
        nonce_prefix,
    );
    app.now_ms = now_ms();
    let size = terminal.size()?;
    app.size = (size.width, size.height);
    if let Some(token) = options.token {
        app.screen = Screen::Connecting;
        effect_tx
            .send(Effect::Connect {
                server: options.server,
                token,
            })
            .await
            .context("the worker stopped")?;
    }

    let mut ticks = tokio::time::interval(TICK);
    while !app.quit {
        terminal.draw(|frame| ui::draw(frame, &app))?;
        let first = tokio::select! {
            biased;
            Some(event) = input_rx.recv() => event,
            event = event_rx.recv() => event.context("the network worker stopped")?,
            _ = ticks.tick() => Event::Tick(now_ms()),
        };
        let mut batch = vec![first];
        // Take what else is already waiting, keys first, so a burst is drawn once.
        while batch.len() < BATCH {
            match input_rx.try_recv().or_else(|_| event_rx.try_recv()) {
                Ok(event) => batch.push(event),
                Err(_) => break,
            }
        }
        for event in batch {
            for effect in update(&mut app, event) {
                effect_tx
                    .send(effect)
                    .await
                    .context("the network worker stopped")?;
            }
            if app.quit {
                break;
            }
        }
    }
    Ok(())
}

/// Reads terminal events on a thread of its own (crossterm's reads block) until the loop
/// is gone.
fn read_input(tx: &mpsc::Sender<Event>) {
    while !tx.is_closed() {
        match term::poll(Duration::from_millis(200)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => break,
        }
        let event = match term::read() {
            Ok(TermEvent::Key(key)) => Event::Key(key),
            Ok(TermEvent::Mouse(mouse)) => Event::Mouse(mouse),
            Ok(TermEvent::Paste(text)) => Event::Paste(text),
            Ok(TermEvent::Resize(columns, rows)) => Event::Resize(columns, rows),
            Ok(_) => continue,
            Err(_) => break,
        };
        if tx.blocking_send(event).is_err() {
            break;
        }
    }
}

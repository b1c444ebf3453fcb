//! Password hashing with bcrypt on a pool of its own: one thread per core, at a lower CPU
//! priority than the async workers.
//!
//! A cost-12 hash takes about a quarter of a second of CPU, so it must never run on an async
//! worker (it would stall every connection of that worker). Tokio's blocking pool is not
//! enough either: it grows to hundreds of threads, and a login storm would then share the
//! cores with the workers hundreds to two, starving message delivery. Here at most one hash
//! per core runs at a time, the rest queue (bounded), and the hashing threads run at
//! `nice` [`NICE`], so the scheduler prefers the workers whenever both want a core while
//! hashing still gets every cycle the workers leave idle.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use chat_core::v1::Password;
use tokio::sync::{Semaphore, oneshot};

use crate::error::Error;

/// The hashing threads' niceness (0 is the default, 19 the lowest priority).
const NICE: i32 = 10;

/// Hashes waiting or running, at most; further callers wait for a slot.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads and their queue. The threads stop when the last [`Hasher`] is dropped.
#[derive(Debug)]
struct Pool {
    jobs: SyncSender<Job>,
    slots: Semaphore,
}

impl Pool {
    fn start() -> Self {
        let (jobs, queue) = sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&queue));
            if let Err(error) = spawned {
                tracing::warn!(%error, "cannot start a password hashing thread");
            }
        }
        Self {
            jobs,
            slots: Semaphore::new(QUEUE),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let gone = || Error::Internal("the password hashing threads stopped".into());
        // The slot bounds the channel: it is held until the job has run.
        let _slot = self.slots.acquire().await.map_err(|_| gone())?;
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(f());
            }))
            .map_err(|_| gone())?;
        result.await.map_err(|_| gone())
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    // On Linux this sets the niceness of the calling thread only.
    if let Err(error) = rustix::process::setpriority_process(None, NICE) {
        tracing::debug!(%error, "cannot lower the password hashing thread's priority");
    }
    loop {
        // The lock is released before the job runs, so the threads hash in parallel.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Hashes and verifies passwords at one bcrypt cost.
#[derive(Clone, Debug)]
pub struct Hasher {
    cost: u32,
    /// A hash of a random password at the same cost. Login verifies against it when the user
    /// does not exist, so an unknown user costs exactly as much time as a wrong password.
    dummy_hash: Arc<str>,
    pool: Arc<Pool>,
}

impl Hasher {
    /// A hasher at `cost` (4–31). Starts the hashing threads and computes the dummy hash, so
    /// call it once at start-up.
    pub async fn new(cost: u32) -> Result<Self, Error> {
        let pool = Arc::new(Pool::start());
        let dummy = format!("dummy-{}", crate::store::new_id());
        let dummy_hash = pool
            .run(move || bcrypt::hash(dummy, cost))
            .await?
            .map_err(|e| Error::Internal(format!("bcrypt: {e}")))?;
        Ok(Self {
            cost,
            dummy_hash: dummy_hash.into(),
            pool,
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &Password) -> Result<String, Error> {
        let password = password.as_str().to_owned();
        let cost = self.cost;
        self.pool
            .run(move || bcrypt::hash(password, cost))
            .await?
            .map_err(|e| Error::Internal(format!("bcrypt: {e}")))
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user, so
    /// that both cases take the same time. Passwords bcrypt cannot take (over 72 bytes) are
    /// still run against the dummy hash and then refused.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, Error> {
        let usable = password.len() <= Password::MAX_BYTES && hash.is_some();
        let candidate = if password.len() <= Password::MAX_BYTES {
            password.to_owned()
        } else {
            // Same length class as a real attempt; the answer is `false` regardless.
            password.chars().take(Password::MAX_BYTES / 4).collect()
        };
        let hash = hash.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let matched = self
            .pool
            .run(move || bcrypt::verify(candidate, &hash))
            .await?
            .unwrap_or(false);
        Ok(usable && matched)
    }
}

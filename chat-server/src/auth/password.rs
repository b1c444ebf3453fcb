//! Password hashing with bcrypt on a pool of its own: one thread per core, at a lower CPU
//! priority than the async workers.
//!
//! A cost-12 hash takes about a quarter of a second of CPU, so it must never run on an async
//! worker (it would stall every connection of that worker). Tokio's blocking pool is not
//! enough either: it grows to hundreds of threads, and a login storm would then share the
//! cores with the workers hundreds to two, starving message delivery. Here at most one hash
//! per core runs at a time, the rest queue (bounded), and the hashing threads run at
//! `nice` [`NICE`], so the scheduler prefers the workers whenever both want a core while
//! hashing still gets every cycle the workers leave idle. Checks (logins) wait in a queue of
//! their own that the threads always serve first, so a flood of registrations delays a login
//! by at most the hashes already running.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use chat_core::v1::Password;
use tokio::sync::{Semaphore, oneshot};

use crate::error::Error;

/// The hashing threads' niceness (0 is the default, 19 the lowest priority).
const NICE: i32 = 10;

/// Hashes waiting or running, at most; further callers wait for a slot.
const QUEUE: usize = 1024;

type Job = Box<dyn FnOnce() + Send>;

/// Which queue a job waits in: checks first, so sign-ups (and password changes) never
/// delay logins by more than the hashes already running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priority {
    /// Checking a password: a person is signing in.
    Verify,
    /// Hashing a new password: registration, provisioning, a password change.
    Hash,
}

#[derive(Default)]
struct Queues {
    verify: VecDeque<Job>,
    hash: VecDeque<Job>,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queues: Mutex<Queues>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queues> {
        // Plain pushes and pops: the queues stay consistent under any panic.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The hashing threads and their queues. The threads stop when the pool is dropped.
struct Pool {
    shared: Arc<Shared>,
    slots: Semaphore,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

impl Pool {
    fn start() -> Self {
        Self::with_threads(std::thread::available_parallelism().map_or(1, usize::from))
    }

    fn with_threads(threads: usize) -> Self {
        let shared = Arc::new(Shared::default());
        for n in 0..threads {
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(&shared));
            if let Err(error) = spawned {
                tracing::warn!(%error, "cannot start a password hashing thread");
            }
        }
        Self {
            shared,
            slots: Semaphore::new(QUEUE),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        priority: Priority,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let gone = || Error::Internal("the password hashing threads stopped".into());
        // The slot bounds the queues: it is held until the job has run.
        let _slot = self.slots.acquire().await.map_err(|_| gone())?;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(f());
        });
        {
            let mut queues = self.shared.lock();
            match priority {
                Priority::Verify => queues.verify.push_back(job),
                Priority::Hash => queues.hash.push_back(job),
            }
        }
        self.shared.ready.notify_one();
        result.await.map_err(|_| gone())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

fn work(shared: &Shared) {
    // On Linux this sets the niceness of the calling thread only.
    if let Err(error) = rustix::process::setpriority_process(None, NICE) {
        tracing::debug!(%error, "cannot lower the password hashing thread's priority");
    }
    loop {
        let job = {
            let mut queues = shared.lock();
            loop {
                if let Some(job) = queues
                    .verify
                    .pop_front()
                    .or_else(|| queues.hash.pop_front())
                {
                    break job;
                }
                if queues.closed {
                    return;
                }
                queues = shared
                    .ready
                    .wait(queues)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        // The lock is released before the job runs, so the threads hash in parallel.
        job();
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
        let dummy = format!("dummy-{}", crate::clock::new_id());
        let dummy_hash = pool
            .run(Priority::Hash, move || bcrypt::hash(dummy, cost))
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
            .run(Priority::Hash, move || bcrypt::hash(password, cost))
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
            .run(Priority::Verify, move || bcrypt::verify(candidate, &hash))
            .await?
            .unwrap_or(false);
        Ok(usable && matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_jump_ahead_of_queued_hashes() {
        let pool = Arc::new(Pool::with_threads(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        // Occupy the only thread until everything below is queued.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let blocker = {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.run(Priority::Hash, move || held.recv().ok()).await })
        };
        let record = |name: &'static str, priority: Priority| {
            let (pool, order) = (Arc::clone(&pool), Arc::clone(&order));
            tokio::spawn(async move {
                pool.run(priority, move || {
                    order
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(name)
                })
                .await
            })
        };
        let mut jobs = vec![
            record("hash 1", Priority::Hash),
            record("hash 2", Priority::Hash),
        ];
        // Wait until the blocker runs and both hashes are queued, then queue the check.
        while pool.shared.lock().hash.len() < 2 {
            tokio::task::yield_now().await;
        }
        jobs.push(record("verify", Priority::Verify));
        while pool.shared.lock().verify.is_empty() {
            tokio::task::yield_now().await;
        }
        release.send(()).expect("blocker waits");
        blocker.await.expect("joined").expect("ran");
        for job in jobs {
            job.await.expect("joined").expect("ran");
        }
        assert_eq!(
            *order.lock().unwrap_or_else(PoisonError::into_inner),
            ["verify", "hash 1", "hash 2"]
        );
    }
}

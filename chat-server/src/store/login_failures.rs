//! Login attempts: the `login_failures` table behind login throttling.
//!
//! An attempt is written here *before* its password is checked (a reservation) and removed
//! again when the password was right, so attempts still being verified count like failures:
//! however many arrive at once, no more than the limit are ever verified.

use sqlx::AnyConnection;

use super::{Store, StoreError};

/// How many attempts a window holds (or allows) for each key of a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCounts {
    /// For this username from this address.
    pub username_and_ip: u32,
    /// From this address, for any username.
    pub ip: u32,
    /// For this username, from anywhere.
    pub username: u32,
}

/// The answer to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt may be verified; it counts as a failure until [`Store::confirm_login`].
    Granted(i64),
    /// A limit is reached: one more attempt fits once the failure recorded at this time
    /// (milliseconds) leaves the window.
    Refused {
        /// When the failure that must age out was recorded.
        oldest_blocking_at: i64,
    },
}

impl Store {
    /// Reserves a login attempt unless `limits` are reached within the window that starts
    /// after `since_millis`; forgets attempts older than the window.
    ///
    /// A plain read answers attempts that are over a limit already, so a flood of refused
    /// logins never queues for the write lock. Otherwise counting again and inserting happen
    /// in one write transaction, which is serialized across every node (see
    /// [`Store::begin_write`]), so concurrent attempts cannot all see room for one more.
    pub async fn reserve_login_attempt(
        &self,
        username: &str,
        ip: &str,
        at_millis: i64,
        since_millis: i64,
        limits: FailureCounts,
    ) -> Result<Reservation, StoreError> {
        {
            let mut conn = self.pool().acquire().await?;
            if let Some(oldest_blocking_at) =
                blocking(&mut conn, username, ip, at_millis, since_millis, limits).await?
            {
                return Ok(Reservation::Refused { oldest_blocking_at });
            }
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(since_millis)
            .execute(&mut *tx)
            .await?;
        if let Some(oldest_blocking_at) =
            blocking(&mut tx, username, ip, at_millis, since_millis, limits).await?
        {
            tx.commit().await?;
            return Ok(Reservation::Refused { oldest_blocking_at });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(username)
        .bind(ip)
        .bind(at_millis)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Reservation::Granted(id))
    }

    /// A reserved attempt succeeded: forgets it and the earlier failures of this username
    /// from this address.
    pub async fn confirm_login(
        &self,
        reservation: i64,
        username: &str,
        ip: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE id = $1 OR (username = $2 AND ip = $3)")
            .bind(reservation)
            .bind(username)
            .bind(ip)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// When a limit is reached: the time of the attempt that must age out of the window before
/// one more fits (the latest such time over the three limits); `None` when there is room.
async fn blocking(
    conn: &mut AnyConnection,
    username: &str,
    ip: &str,
    at_millis: i64,
    since_millis: i64,
    limits: FailureCounts,
) -> Result<Option<i64>, StoreError> {
    let (username_and_ip, by_ip, by_username): (i64, i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND ip = $2 AND at > $3),
            (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3),
            (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $3)",
    )
    .bind(username)
    .bind(ip)
    .bind(since_millis)
    .fetch_one(&mut *conn)
    .await?;
    let mut blocking: Option<i64> = None;
    for (count, limit, query) in [
        (
            username_and_ip,
            limits.username_and_ip,
            "SELECT at FROM login_failures WHERE username = $1 AND ip = $2 AND at > $3
             ORDER BY at LIMIT 1 OFFSET $4",
        ),
        (
            by_ip,
            limits.ip,
            "SELECT at FROM login_failures WHERE ip = $2 AND at > $3 AND $1 = $1
             ORDER BY at LIMIT 1 OFFSET $4",
        ),
        (
            by_username,
            limits.username,
            "SELECT at FROM login_failures WHERE username = $1 AND at > $3 AND $2 = $2
             ORDER BY at LIMIT 1 OFFSET $4",
        ),
    ] {
        let limit = i64::from(limit);
        if count < limit {
            continue;
        }
        // Once the (count - limit)-th oldest attempt leaves the window, one more fits.
        let at: Option<i64> = sqlx::query_scalar(query)
            .bind(username)
            .bind(ip)
            .bind(since_millis)
            .bind(count - limit)
            .fetch_optional(&mut *conn)
            .await?;
        let at = at.unwrap_or(at_millis);
        blocking = Some(blocking.map_or(at, |b| b.max(at)));
    }
    Ok(blocking)
}

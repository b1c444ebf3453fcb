//! The query plans of the keyset-paged reads that grow with the data (message history and
//! the community directory), so a test can show that an index serves each of them — no
//! full scan, no sort — on either backend.

use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use super::{Backend, Store, StoreError, lobbies, messages};

/// The plan the database chose for one query, one line per step.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    /// Which read.
    pub query: &'static str,
    /// The plan as the database prints it.
    pub lines: Vec<String>,
}

type Binder =
    fn(Query<'static, sqlx::Any, AnyArguments>) -> Query<'static, sqlx::Any, AnyArguments>;

/// A conversation or user id for the parameters (its value does not matter for the plan).
const SOME_ID: &str = "01900000-0000-7000-8000-000000000000";

impl Store {
    /// Explains the keyset reads with representative parameters. PostgreSQL is told to avoid
    /// full scans, bitmap scans and sorts, which a small test table would otherwise make
    /// cheapest: a plan that still scans or sorts shows that no index can serve the query in
    /// order.
    pub async fn keyset_query_plans(&self) -> Result<Vec<QueryPlan>, StoreError> {
        let reads: [(&'static str, String, Binder); 3] = [
            ("history, newest first", messages::history_sql(false), |q| {
                q.bind(SOME_ID).bind(i64::MAX).bind(0_i64).bind(51_i64)
            }),
            (
                "history, after a message",
                messages::history_sql(true),
                |q| q.bind(SOME_ID).bind(10_i64).bind(0_i64).bind(51_i64),
            ),
            ("community lobbies", lobbies::community_sql(), |q| {
                q.bind(SOME_ID).bind("%").bind("").bind("").bind(51_i64)
            }),
        ];
        let mut plans = Vec::new();
        for (query, sql, bind) in reads {
            let mut tx = self.pool().begin().await?;
            let (explain, column) = match self.backend() {
                Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {sql}"), 3),
                Backend::Postgres => {
                    for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                        sqlx::query(sqlx::AssertSqlSafe(format!("SET LOCAL {setting} = off")))
                            .execute(&mut *tx)
                            .await?;
                    }
                    (format!("EXPLAIN {sql}"), 0)
                }
            };
            let rows = bind(sqlx::query(sqlx::AssertSqlSafe(explain)))
                .fetch_all(&mut *tx)
                .await?;
            tx.rollback().await?;
            let lines = rows
                .iter()
                .map(|row| row.try_get::<String, _>(column))
                .collect::<Result<_, _>>()?;
            plans.push(QueryPlan { query, lines });
        }
        Ok(plans)
    }
}

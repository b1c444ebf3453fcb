//! The keyset reads that grow with the data are served by indexes on both backends: the
//! plans show neither a full scan of a table nor a sort.

use chat_server::store::{Backend, Store};

use crate::helpers::spawn_app;

/// Whether a plan line reads a whole base table.
fn scans_a_table(backend: Backend, line: &str) -> bool {
    match backend {
        // `SCAN x` of a table; scanning the result of a subquery (`SCAN unread`) is fine.
        Backend::Sqlite => line
            .strip_prefix("SCAN ")
            .is_some_and(|what| !what.starts_with("unread")),
        Backend::Postgres => line.contains("Seq Scan"),
    }
}

/// Whether a plan line sorts rows.
fn sorts(backend: Backend, line: &str) -> bool {
    match backend {
        Backend::Sqlite => line.contains("TEMP B-TREE"),
        Backend::Postgres => line
            .trim_start()
            .trim_start_matches("->")
            .trim_start()
            .starts_with("Sort"),
    }
}

#[tokio::test]
async fn keyset_reads_are_served_by_indexes_without_sorting() {
    let app = spawn_app().await;
    let store = Store::connect(&app.database_url).await.expect("store");
    let backend = store.backend();

    let plans = store.keyset_query_plans().await.expect("plans");

    assert!(!plans.is_empty());
    for plan in plans {
        let text = plan.lines.join("\n");
        for line in &plan.lines {
            assert!(
                !scans_a_table(backend, line),
                "{}: full scan in\n{text}",
                plan.query
            );
            assert!(!sorts(backend, line), "{}: sort in\n{text}", plan.query);
        }
    }
}

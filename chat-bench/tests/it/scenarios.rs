//! One test per scenario: it runs, and its report is sane.

use std::time::Duration;

use chat_bench::Report;
use chat_bench::scenarios::fanout::{self, FanoutSettings};
use chat_bench::scenarios::history::{self, HistorySettings};
use chat_bench::scenarios::idle::{self, IdleSettings};
use chat_bench::scenarios::login::{self, LoginSettings};
use chat_bench::scenarios::me::{self, MeSettings};
use chat_bench::scenarios::persist::{self, PersistSettings};

use crate::helpers::{short_run, spawn_server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanout_delivers_every_acked_message_to_every_member_once_in_order() {
    let server = spawn_server().await;
    let settings = FanoutSettings {
        rooms: 1,
        members: 5,
        senders: 2,
        window: 4,
        drain_timeout: Duration::from_secs(15),
        ..FanoutSettings::default()
    };

    let report = fanout::run(&short_run(&server), &settings)
        .await
        .expect("fanout runs");

    assert!(report.acked > 0, "{report:?}");
    assert!(report.deliveries >= report.acked, "{report:?}");
    assert!(report.latency.samples > 0, "{report:?}");
    assert!(report.drained, "{report:?}");
    assert_eq!(
        (report.lost, report.duplicated, report.out_of_order),
        (0, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.send_errors + report.rate_limited, 0, "{report:?}");
    assert!(Report::Fanout(report).failures().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_fanout_over_two_rooms_sends_at_about_the_asked_rate() {
    let server = spawn_server().await;
    let settings = FanoutSettings {
        rooms: 2,
        members: 3,
        senders: 2,
        rate: 50,
        window: 16,
        drain_timeout: Duration::from_secs(15),
        ..FanoutSettings::default()
    };

    let report = fanout::run(&short_run(&server), &settings)
        .await
        .expect("fanout runs");

    // 50/s over the whole second (warm-up included) is 50 ticks, one more per sender when a
    // tick meets the stop; as fast as acks allow would be hundreds. Ticks are skipped only
    // when 16 sends are in flight, which a slow machine may still cause now and then.
    assert!((10..=52).contains(&report.total_acked), "{report:?}");
    assert!(report.acked <= report.total_acked);
    assert_eq!(
        (report.lost, report.duplicated, report.out_of_order),
        (0, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_opens_every_connection_from_two_source_addresses() {
    let server = spawn_server().await;
    let settings = IdleSettings {
        connections: 20,
        users: 4,
        source_ips: Some(2),
        server_pid: Some(std::process::id()),
        ..IdleSettings::default()
    };

    let report = idle::run(&short_run(&server), &settings)
        .await
        .expect("idle runs");

    assert_eq!((report.opened, report.failed), (20, 0), "{report:?}");
    assert_eq!(report.dropped, 0, "{report:?}");
    assert_eq!(report.source_ips, 2);
    assert!(report.connections_per_sec > 0.0);
    assert!(report.server_rss_after_kib.is_some_and(|kib| kib > 0));
    assert!(report.server_rss_per_connection_kib.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pages_through_a_seeded_lobby() {
    let server = spawn_server().await;
    let settings = HistorySettings {
        messages: 200,
        concurrency: 4,
        seeders: 2,
        seed_window: 16,
        ..HistorySettings::default()
    };

    let report = history::run(&short_run(&server), &settings)
        .await
        .expect("history runs");

    assert_eq!((report.seeded, report.seed_errors), (200, 0), "{report:?}");
    assert!(report.seed_per_sec > 0.0);
    assert!(report.requests > 0, "{report:?}");
    assert_eq!(report.errors, 0, "{report:?}");
    assert_eq!(report.latency.samples, report.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persist_counts_acknowledged_sends() {
    let server = spawn_server().await;
    let settings = PersistSettings {
        senders: 4,
        window: 8,
        rooms: 2,
        ..PersistSettings::default()
    };

    let report = persist::run(&short_run(&server), &settings)
        .await
        .expect("persist runs");

    assert!(report.acked > 0, "{report:?}");
    assert!(report.messages_per_sec > 0.0);
    assert_eq!(report.ack_latency.samples, report.acked);
    assert_eq!(
        report.errors + report.rate_limited + report.unanswered,
        0,
        "{report:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_storms_beside_a_fanout_and_compares_with_bcrypt_capacity() {
    let server = spawn_server().await;
    let settings = LoginSettings {
        users: 10,
        concurrency: 4,
        fanout_members: 4,
        fanout_rate: 50,
        bcrypt_cost: 4,
        bcrypt_samples: 3,
    };

    let report = login::run(&short_run(&server), &settings)
        .await
        .expect("login runs");

    assert!(report.logins > 0, "{report:?}");
    assert_eq!(report.errors, 0, "{report:?}");
    assert!(report.bcrypt_capacity_per_sec > 0.0);
    assert!(report.bcrypt_verify_all_cores_ms > 0.0);
    assert!(report.capacity_used_percent > 0.0);
    assert!(report.fanout.deliveries > 0, "{report:?}");
    assert!(report.failures().is_empty(), "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_answers_concurrent_clients() {
    let server = spawn_server().await;

    let report = me::run(&short_run(&server), &MeSettings { concurrency: 4 })
        .await
        .expect("me runs");

    assert!(report.requests > 0, "{report:?}");
    assert_eq!(report.errors, 0, "{report:?}");
    assert!(report.latency.p99_ms >= report.latency.p50_ms);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_prints_as_a_table_and_as_one_json_object() {
    let server = spawn_server().await;
    let report = Report::Me(
        me::run(&short_run(&server), &MeSettings { concurrency: 1 })
            .await
            .expect("me runs"),
    );

    let table = report.to_table();
    let json: serde_json::Value =
        serde_json::from_str(&report.to_json().expect("json")).expect("one JSON object");

    assert!(table.contains("requests/s"), "{table}");
    assert_eq!(json["scenario"], "me");
    assert!(json["requests_per_sec"].as_f64().is_some_and(|r| r > 0.0));
}

//! Idempotence, transactions, read_committed and exactly-once consume-transform-produce
//! (T2–T8, C7), with Kafka's numbers: 5 in flight, 5 remembered batches, 30 s request
//! timeout, 60 s transaction timeout.

use std::collections::BTreeMap;

use kplay_engine::group::{GroupConfig, OffsetResetPolicy};
use kplay_engine::log::PartitionLog;
use kplay_engine::producer::{KeyStream, ProducerSpec};
use kplay_engine::sim::{Command, Simulation};
use kplay_engine::trace::EventKind;
use kplay_engine::transaction::{ControlRecordType, IsolationLevel};
use proptest::prelude::*;

fn topic(sim: &mut Simulation, name: &str, partitions: u32) {
    sim.apply(Command::CreateTopic {
        name: name.into(),
        partitions,
        retention_ms: None,
        retention_bytes: None,
    })
    .unwrap();
}

fn producer(name: &str, topic: &str) -> ProducerSpec {
    ProducerSpec {
        name: name.into(),
        topic: topic.into(),
        keys: KeyStream::Fixed {
            keys: vec!["k".into()],
        },
        ..ProducerSpec::default()
    }
}

fn send(sim: &mut Simulation, producer: &str, count: u32) {
    sim.apply(Command::ProducerSend {
        producer: producer.into(),
        count,
    })
    .unwrap();
}

fn reader(isolation_level: IsolationLevel) -> GroupConfig {
    GroupConfig {
        auto_offset_reset: OffsetResetPolicy::Earliest,
        isolation_level,
        ..GroupConfig::default()
    }
}

fn group(sim: &mut Simulation, id: &str, topic: &str, config: GroupConfig, consumers: u32) {
    sim.apply(Command::AddGroup {
        group: id.into(),
        topics: vec![topic.into()],
        config,
        consumers,
    })
    .unwrap();
}

fn log<'a>(sim: &'a Simulation, topic: &str, partition: u32) -> &'a PartitionLog {
    sim.topic(topic).unwrap().partition(partition).unwrap()
}

fn values(log: &PartitionLog) -> Vec<Option<String>> {
    log.range(0, u64::MAX).map(|r| r.value.clone()).collect()
}

/// Offsets `group` processed, in order.
fn processed(sim: &Simulation, group: &str) -> Vec<u64> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::Processed {
                group: g, offset, ..
            } if g == group => Some(*offset),
            _ => None,
        })
        .collect()
}

fn count_events(sim: &Simulation, pred: impl Fn(&EventKind) -> bool) -> usize {
    sim.trace().events().filter(|e| pred(&e.kind)).count()
}

/// A lost acknowledgement on one producer, `sends` records sent at time 0.
fn lost_ack_run(spec: ProducerSpec, sends: u32) -> Simulation {
    let mut sim = Simulation::new(1);
    topic(&mut sim, "orders", 1);
    let name = spec.name.clone();
    sim.apply(Command::AddProducer(spec)).unwrap();
    sim.apply(Command::LoseAcks {
        producer: name.clone(),
        count: 1,
    })
    .unwrap();
    send(&mut sim, &name, sends);
    sim.run_until(40_000);
    sim
}

#[test]
fn t3_with_idempotence_a_retried_batch_is_not_appended_again() {
    let sim = lost_ack_run(producer("p", "orders"), 1);
    let log = log(&sim, "orders", 0);
    assert_eq!(log.log_end_offset(), 1, "the retry must not be appended");
    assert_eq!(log.get(0).unwrap().sequence, Some(0));
    let retried: Vec<u64> = sim
        .trace()
        .events()
        .filter(|e| matches!(e.kind, EventKind::ProduceRetried { .. }))
        .map(|e| e.at_ms)
        .collect();
    // Sent at 0, answer lost, request.timeout.ms = 30 000 later the producer resends.
    assert_eq!(retried, vec![30_000]);
    let dropped: Vec<(u64, u64)> = sim
        .trace()
        .events()
        .filter_map(|e| match e.kind {
            EventKind::DuplicateDropped { offset, .. } => Some((e.at_ms, offset)),
            _ => None,
        })
        .collect();
    // retry.backoff.ms 100 + 1 ms latency; the answer carries the original offset 0.
    assert_eq!(dropped, vec![(30_101, 0)]);
    assert_eq!(sim.producers()[0].in_flight(), 0);
}

#[test]
fn t3_five_batches_in_flight_are_all_recognised_after_the_retry() {
    let sim = lost_ack_run(producer("p", "orders"), 5);
    assert_eq!(log(&sim, "orders", 0).log_end_offset(), 5);
    assert_eq!(
        count_events(&sim, |k| matches!(k, EventKind::DuplicateDropped { .. })),
        5
    );
    assert_eq!(
        count_events(&sim, |k| matches!(k, EventKind::DuplicateAppended { .. })),
        0
    );
}

#[test]
fn t5_without_idempotence_the_retry_is_a_duplicate_after_later_records() {
    let spec = ProducerSpec {
        enable_idempotence: false,
        value_template: "v{seq}".into(),
        ..producer("p", "orders")
    };
    let sim = lost_ack_run(spec.clone(), 3);
    let v = |s: &str| Some(s.to_owned());
    // Batch 0's answer was lost while 1 and 2 were in flight (max 5); all three are resent,
    // so v0 lands again after the later v1 and v2.
    assert_eq!(
        values(log(&sim, "orders", 0)),
        vec![v("v0"), v("v1"), v("v2"), v("v0"), v("v1"), v("v2")]
    );
    assert_eq!(
        count_events(&sim, |k| matches!(k, EventKind::DuplicateAppended { .. })),
        3
    );
    // One request in flight: the duplicate follows its original, nothing is reordered.
    let one = ProducerSpec {
        max_in_flight_requests_per_connection: 1,
        ..spec
    };
    let sim = lost_ack_run(one, 3);
    assert_eq!(
        values(log(&sim, "orders", 0)),
        vec![v("v0"), v("v0"), v("v1"), v("v2")]
    );
}

#[test]
fn t1_acks_zero_has_no_acknowledgement_to_lose() {
    let mut sim = Simulation::new(1);
    topic(&mut sim, "orders", 1);
    let spec = ProducerSpec {
        acks: kplay_engine::producer::Acks::Zero,
        enable_idempotence: false,
        ..producer("p", "orders")
    };
    sim.apply(Command::AddProducer(spec)).unwrap();
    let err = sim
        .apply(Command::LoseAcks {
            producer: "p".into(),
            count: 1,
        })
        .unwrap_err();
    assert!(err.to_string().contains("acks=0"));
}

/// A transactional producer `tp` and two groups reading `orders` (one partition).
fn txn_setup() -> Simulation {
    let mut sim = Simulation::new(3);
    topic(&mut sim, "orders", 1);
    sim.apply(Command::AddProducer(ProducerSpec {
        transactional_id: Some("tx-orders".into()),
        ..producer("tp", "orders")
    }))
    .unwrap();
    sim.apply(Command::AddProducer(producer("plain", "orders")))
        .unwrap();
    group(
        &mut sim,
        "rc",
        "orders",
        reader(IsolationLevel::ReadCommitted),
        1,
    );
    group(
        &mut sim,
        "ru",
        "orders",
        reader(IsolationLevel::ReadUncommitted),
        1,
    );
    sim.run_until(5_000);
    sim
}

fn txn(sim: &mut Simulation, records: u32, commit: bool) {
    sim.apply(Command::BeginTransaction {
        producer: "tp".into(),
    })
    .unwrap();
    send(sim, "tp", records);
    let end = if commit {
        Command::CommitTransaction {
            producer: "tp".into(),
        }
    } else {
        Command::AbortTransaction {
            producer: "tp".into(),
        }
    };
    sim.apply(end).unwrap();
}

#[test]
fn t6_markers_take_offsets_and_consumers_see_gaps() {
    let mut sim = txn_setup();
    txn(&mut sim, 2, true);
    txn(&mut sim, 1, true);
    sim.run_until(10_000);
    let log = log(&sim, "orders", 0);
    let controls: Vec<Option<ControlRecordType>> = log.range(0, 10).map(|r| r.control).collect();
    assert_eq!(
        controls,
        vec![
            None,
            None,
            Some(ControlRecordType::Commit),
            None,
            Some(ControlRecordType::Commit)
        ]
    );
    assert_eq!(log.last_stable_offset(), 5);
    // Neither isolation level is ever given a marker: offsets 2 and 4 are gaps.
    assert_eq!(processed(&sim, "rc"), vec![0, 1, 3]);
    assert_eq!(processed(&sim, "ru"), vec![0, 1, 3]);
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "{:?}",
        sim.checker().violations()
    );
    // A sends outside a transaction fails (IllegalStateException), nothing is appended.
    send(&mut sim, "tp", 1);
    assert_eq!(
        sim.topic("orders")
            .unwrap()
            .partition(0)
            .unwrap()
            .log_end_offset(),
        5
    );
    assert_eq!(sim.producers()[0].errors, 1);
}

#[test]
fn t8_lso_stops_at_an_open_transaction_and_read_committed_waits_for_the_commit() {
    let mut sim = txn_setup();
    sim.apply(Command::BeginTransaction {
        producer: "tp".into(),
    })
    .unwrap();
    send(&mut sim, "tp", 1);
    send(&mut sim, "plain", 2);
    sim.run_until(10_000);
    let l = log(&sim, "orders", 0);
    assert_eq!((l.last_stable_offset(), l.high_watermark()), (0, 3));
    assert!(processed(&sim, "rc").is_empty(), "held at the LSO");
    assert_eq!(processed(&sim, "ru"), vec![0, 1, 2]);
    let snap = sim.snapshot(10);
    assert_eq!(snap.topics[0].partitions[0].last_stable_offset, 0);
    assert_eq!(snap.topics[0].partitions[0].open_transactions.len(), 1);
    // C7: kafka-consumer-groups lists end offsets read_uncommitted, so a read_committed
    // group's LOG-END-OFFSET is the high watermark too, and its LAG counts the records it is
    // held back from.
    let rows = |snap: &kplay_engine::snapshot::Snapshot, id: &str| {
        snap.groups
            .iter()
            .find(|g| g.id == id)
            .unwrap()
            .offsets
            .clone()
    };
    assert_eq!(rows(&snap, "ru")[0].log_end_offset, 3);
    assert_eq!(rows(&snap, "ru")[0].lag, Some(0));
    assert_eq!(rows(&snap, "rc")[0].log_end_offset, 3);
    if let Some(committed) = rows(&snap, "rc")[0].group_offset {
        assert_eq!(rows(&snap, "rc")[0].lag, Some(3 - committed));
    }

    sim.apply(Command::CommitTransaction {
        producer: "tp".into(),
    })
    .unwrap();
    sim.run_until(15_000);
    assert_eq!(log(&sim, "orders", 0).last_stable_offset(), 4);
    assert_eq!(processed(&sim, "rc"), vec![0, 1, 2]);
    let snap = sim.snapshot(10);
    assert_eq!(rows(&snap, "rc")[0].log_end_offset, 4);
    // The commit marker at offset 3 stays counted: Spring commits the last record's offset
    // + 1, not the consumer's position past the marker. This is the lag of 1 that
    // kafka-consumer-groups shows for transactional topics (KAFKA-10683), which Spring's
    // fixTxOffsets container property exists to remove.
    assert_eq!(rows(&snap, "rc")[0].group_offset, Some(3));
    assert_eq!(rows(&snap, "rc")[0].lag, Some(1));
    assert_eq!(sim.checker().violation_count(), 0);
}

#[test]
fn t7_aborted_records_are_invisible_to_read_committed_and_visible_to_read_uncommitted() {
    let mut sim = txn_setup();
    txn(&mut sim, 2, false);
    txn(&mut sim, 1, true);
    sim.run_until(10_000);
    assert_eq!(processed(&sim, "rc"), vec![3]);
    assert_eq!(processed(&sim, "ru"), vec![0, 1, 3]);
    let l = log(&sim, "orders", 0);
    assert_eq!(l.aborted_transactions(), 1);
    let visible: Vec<u64> = l
        .visible_records(IsolationLevel::ReadCommitted)
        .map(|r| r.offset)
        .collect();
    assert_eq!(visible, vec![3]);
    // Skipped on purpose: counted as skipped, never a lost-write or a poll-skip.
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "{:?}",
        sim.checker().violations()
    );
    assert_eq!(sim.checker().guarantees()["rc"].skipped, 2);
    assert_eq!(sim.group("rc").unwrap().committed.values().next(), Some(&4));
}

#[test]
fn t6_rate_driven_transactions_commit_every_n_records_and_abort_every_kth() {
    let mut sim = Simulation::new(5);
    topic(&mut sim, "orders", 1);
    sim.apply(Command::AddProducer(ProducerSpec {
        transactional_id: Some("tx-rate".into()),
        transaction_size: Some(3),
        abort_every: Some(2),
        rate_per_sec: 10.0,
        ..producer("tp", "orders")
    }))
    .unwrap();
    group(
        &mut sim,
        "rc",
        "orders",
        reader(IsolationLevel::ReadCommitted),
        1,
    );
    sim.run_until(2_450);
    // 24 records in 8 transactions of 3: markers after each, every second one an abort.
    let markers: Vec<ControlRecordType> = log(&sim, "orders", 0)
        .range(0, u64::MAX)
        .filter_map(|r| r.control)
        .collect();
    assert_eq!(markers.len(), 8);
    for (i, m) in markers.iter().enumerate() {
        let expected = if i % 2 == 1 {
            ControlRecordType::Abort
        } else {
            ControlRecordType::Commit
        };
        assert_eq!(*m, expected, "transaction {}", i + 1);
    }
    sim.run_until(6_000);
    let rc = processed(&sim, "rc");
    assert!(
        rc.iter().all(|o| (o / 4) % 2 == 0),
        "only committed transactions: {rc:?}"
    );
    assert!(!rc.is_empty());
}

#[test]
fn t6_an_open_transaction_is_aborted_after_transaction_timeout_ms() {
    let mut sim = txn_setup();
    sim.apply(Command::BeginTransaction {
        producer: "tp".into(),
    })
    .unwrap();
    send(&mut sim, "tp", 1);
    sim.run_until(64_999);
    assert_eq!(log(&sim, "orders", 0).last_stable_offset(), 0);
    sim.run_until(65_000);
    // Started at 5 000, aborted 60 000 ms later with the epoch bumped.
    let l = log(&sim, "orders", 0);
    assert_eq!(l.get(1).unwrap().control, Some(ControlRecordType::Abort));
    assert_eq!(l.last_stable_offset(), 2);
    let ended = sim
        .trace()
        .events()
        .find(|e| matches!(e.kind, EventKind::TransactionEnded { .. }))
        .unwrap();
    assert_eq!(ended.at_ms, 65_000);
    // The producer learns of it on its next call and may begin again.
    assert!(sim
        .apply(Command::CommitTransaction {
            producer: "tp".into()
        })
        .is_ok());
    txn(&mut sim, 1, true);
    sim.run_until(70_000);
    assert_eq!(processed(&sim, "rc"), vec![2]);
}

/// Inputs on `order-events`, a forwarding group `enricher` with two consumers, a crash of
/// `enricher-1` mid-batch, and (optionally) its restart.
fn ctp_run(exactly_once: bool, restart_at: Option<u64>) -> Simulation {
    let mut sim = Simulation::new(21);
    topic(&mut sim, "order-events", 3);
    topic(&mut sim, "enriched", 3);
    sim.apply(Command::AddProducer(ProducerSpec {
        keys: KeyStream::KeySpace {
            prefix: "order-".into(),
            count: 50,
            skew: 0.0,
        },
        rate_per_sec: 20.0,
        ..producer("order-service", "order-events")
    }))
    .unwrap();
    group(
        &mut sim,
        "enricher",
        "order-events",
        GroupConfig {
            forward_to: Some("enriched".into()),
            exactly_once,
            processing_time_ms: 100,
            max_poll_records: 10,
            ..reader(IsolationLevel::ReadUncommitted)
        },
        2,
    );
    group(
        &mut sim,
        "audit",
        "enriched",
        reader(IsolationLevel::ReadCommitted),
        1,
    );
    sim.run_until(8_000);
    sim.apply(Command::CrashConsumer {
        consumer: "enricher-1".into(),
    })
    .unwrap();
    if let Some(at) = restart_at {
        sim.run_until(at);
        sim.apply(Command::RestartConsumer {
            consumer: "enricher-1".into(),
        })
        .unwrap();
    }
    sim.run_until(20_000);
    sim.apply(Command::SetProducerRate {
        name: "order-service".into(),
        rate_per_sec: 0.0,
    })
    .unwrap();
    sim.run_until(240_000);
    sim
}

/// How often each input (`topic-p@offset`) appears among the committed output records.
fn committed_outputs(sim: &Simulation) -> BTreeMap<String, u32> {
    committed_outputs_of(sim, "enriched")
}

fn committed_outputs_of(sim: &Simulation, topic: &str) -> BTreeMap<String, u32> {
    let mut seen = BTreeMap::new();
    for log in sim.topic(topic).unwrap().partitions() {
        for r in log.visible_records(IsolationLevel::ReadCommitted) {
            let v: serde_json::Value = serde_json::from_str(r.value.as_deref().unwrap()).unwrap();
            *seen
                .entry(v["from"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    seen
}

fn all_inputs(sim: &Simulation) -> Vec<String> {
    let topic = sim.topic("order-events").unwrap();
    let mut inputs = Vec::new();
    for (p, log) in topic.partitions().iter().enumerate() {
        for r in log.range(0, u64::MAX) {
            inputs.push(format!("order-events-{p}@{}", r.offset));
        }
    }
    inputs
}

#[test]
fn exactly_once_crash_mid_batch_then_restart_gives_every_input_once() {
    let sim = ctp_run(true, Some(12_000));
    // The restart fenced the transaction the crashed process left open.
    let fenced = sim.trace().events().any(|e| match &e.kind {
        EventKind::TransactionEnded {
            committed: false,
            reason,
            ..
        } => reason.contains("fenced"),
        _ => false,
    });
    assert!(fenced, "the restart should abort the open transaction");
    let seen = committed_outputs(&sim);
    let inputs = all_inputs(&sim);
    assert!(inputs.len() > 300);
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "duplicates among committed outputs: {twice:?}"
    );
    let missing: Vec<_> = inputs.iter().filter(|i| !seen.contains_key(*i)).collect();
    assert!(missing.is_empty(), "inputs without output: {missing:?}");
    // The read_committed reader of the output saw each committed output exactly once.
    assert_eq!(processed(&sim, "audit").len(), inputs.len());
    assert_eq!(sim.checker().guarantees()["audit"].duplicates, 0);
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "{:?}",
        sim.checker().violations()
    );
}

#[test]
fn exactly_once_crash_without_restart_is_aborted_by_the_transaction_timeout() {
    let sim = ctp_run(true, None);
    let timed_out = sim.trace().events().find(|e| match &e.kind {
        EventKind::TransactionEnded {
            committed: false,
            reason,
            ..
        } => reason.contains("transaction.timeout.ms (60000)"),
        _ => false,
    });
    let at = timed_out.expect("the open transaction times out").at_ms;
    assert!((60_000..=68_000).contains(&at), "aborted at {at}");
    let seen = committed_outputs(&sim);
    assert!(seen.values().all(|n| *n == 1));
    assert_eq!(seen.len(), all_inputs(&sim).len());
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "{:?}",
        sim.checker().violations()
    );
}

#[test]
fn without_exactly_once_a_crash_duplicates_outputs() {
    let sim = ctp_run(false, Some(12_000));
    let seen = committed_outputs(&sim);
    let twice = seen.values().filter(|n| **n > 1).count();
    assert!(
        twice > 0,
        "at-least-once forwarding should duplicate after a crash"
    );
    assert_eq!(seen.len(), all_inputs(&sim).len(), "but loses nothing");
    assert_eq!(sim.checker().violation_count(), 0);
}

/// A fault for the exactly-once property test.
#[derive(Clone, Debug)]
enum Fault {
    Crash(u32),
    Restart(u32),
    Pause(u32),
    Resume(u32),
    LoseAcks(u32),
}

fn fault() -> impl Strategy<Value = (u64, Fault)> {
    let consumer = 1u32..=3;
    let kind = prop_oneof![
        consumer.clone().prop_map(Fault::Crash),
        consumer.clone().prop_map(Fault::Restart),
        consumer.clone().prop_map(Fault::Pause),
        consumer.prop_map(Fault::Resume),
        (1u32..8).prop_map(Fault::LoseAcks),
    ];
    (0u64..120_000, kind)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// With exactly_once, no crash, restart, pause or lost acknowledgement makes an input
    /// appear twice among the committed outputs, and the checker finds no violation.
    #[test]
    fn exactly_once_never_commits_an_output_twice(
        seed in any::<u64>(),
        mut faults in proptest::collection::vec(fault(), 0..10),
    ) {
        faults.sort_by_key(|(t, _)| *t);
        let mut sim = Simulation::new(seed);
        topic(&mut sim, "order-events", 3);
        topic(&mut sim, "enriched", 2);
        sim.apply(Command::AddProducer(ProducerSpec {
            keys: KeyStream::KeySpace { prefix: "order-".into(), count: 30, skew: 0.0 },
            // Close to the group's capacity (3 × 1000 / 60 records/s), so batches back up
            // and a crash usually cuts one short after some outputs were sent.
            rate_per_sec: 45.0,
            ..producer("order-service", "order-events")
        })).unwrap();
        group(&mut sim, "enricher", "order-events", GroupConfig {
            forward_to: Some("enriched".into()),
            exactly_once: true,
            processing_time_ms: 60,
            max_poll_records: 8,
            ..reader(IsolationLevel::ReadUncommitted)
        }, 3);
        group(&mut sim, "audit", "enriched", reader(IsolationLevel::ReadCommitted), 1);
        for (at_ms, f) in &faults {
            sim.run_until(*at_ms);
            let name = |n: u32| format!("enricher-{n}");
            let command = match f {
                Fault::Crash(n) => Command::CrashConsumer { consumer: name(*n) },
                Fault::Restart(n) => Command::RestartConsumer { consumer: name(*n) },
                Fault::Pause(n) => Command::PauseConsumer { consumer: name(*n), paused: true },
                Fault::Resume(n) => Command::PauseConsumer { consumer: name(*n), paused: false },
                Fault::LoseAcks(count) => Command::LoseAcks {
                    producer: "order-service".into(), count: *count,
                },
            };
            let _ = sim.apply(command);
        }
        sim.run_until(240_000);
        let seen = committed_outputs(&sim);
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        prop_assert!(twice.is_empty(), "seed {}: duplicates {:?}, faults {:?}", seed, twice, faults);
        prop_assert_eq!(sim.checker().violation_count(), 0,
            "seed {}: {:?}", seed, sim.checker().violations());
    }
}

#[test]
fn example_scenarios_show_dedup_duplicates_and_fencing_without_violations() {
    use kplay_engine::scenario::Scenario;
    let run = |json: &str| {
        let mut sim = Scenario::from_json(json).unwrap().build().unwrap();
        sim.run_until(60_000);
        assert_eq!(
            sim.checker().violation_count(),
            0,
            "{:?}",
            sim.checker().violations()
        );
        sim
    };
    let sim = run(include_str!(
        "../examples/scenarios/idempotent-producer.json"
    ));
    let hw = |topic: &str| {
        sim.topic(topic)
            .unwrap()
            .partition(0)
            .unwrap()
            .high_watermark()
    };
    // Both producers sent 120 records; only the one without idempotence wrote duplicates.
    assert_eq!(sim.producers()[0].sent, sim.producers()[1].sent);
    assert_eq!(hw("payments-plain") - hw("payments-idempotent"), 5);
    assert_eq!(
        count_events(&sim, |k| matches!(k, EventKind::DuplicateDropped { .. })),
        5
    );

    let sim = run(include_str!(
        "../examples/scenarios/transactions-read-committed.json"
    ));
    let fenced = count_events(
        &sim,
        |k| matches!(k, EventKind::TransactionEnded { reason, .. } if reason.contains("fenced")),
    );
    assert_eq!(fenced, 1);
    let seen = committed_outputs_of(&sim, "enriched-orders");
    assert!(seen.values().all(|n| *n == 1), "no input forwarded twice");
    assert!(sim.checker().guarantees()["committed-reader"].skipped > 0);
    assert_eq!(sim.checker().guarantees()["uncommitted-reader"].skipped, 0);
}

#[test]
fn t6_a_transactional_id_already_in_use_is_refused_with_both_names_quoted_apart() {
    let mut sim = Simulation::new(1);
    topic(&mut sim, "t", 1);
    let with_id = |name: &str| ProducerSpec {
        transactional_id: Some("tx<b>".into()),
        ..producer(name, "t")
    };
    sim.apply(Command::AddProducer(with_id("first"))).unwrap();
    let refused = sim
        .apply(Command::AddProducer(with_id("second")))
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        r#"the transactional.id "tx<b>" is already producer "first"'s"#
    );
}

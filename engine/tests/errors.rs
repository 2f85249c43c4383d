//! Failures, retries, dead letters and delivery guarantees, with the numbers of Spring's and
//! Kafka's own documentation and tests (statement ids E, D, J, N, C).

mod common;

use common::earliest;
use kplay_engine::backoff::BackOff;
use kplay_engine::consumer::ConsumerStatus;
use kplay_engine::dead_letter::SpringKafkaVersion;
use kplay_engine::group::GroupConfig;
use kplay_engine::listener::{
    ErrorHandlerConfig, FailureKind, FailureRule, ListenerConfig, RecordMatch, ValueFormat,
};
use kplay_engine::log::Header;
use kplay_engine::retry_topic::RetryTopicConfig;
use kplay_engine::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use kplay_engine::sim::{Command, ScriptEntry};
use kplay_engine::trace::EventKind;
use kplay_engine::Simulation;

/// Topic `orders` with `partitions` partitions and group `g` of one consumer with `config`.
fn orders_scenario(seed: u64, partitions: u32, config: GroupConfig) -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: "errors".into(),
        seed,
        cluster: Default::default(),
        topics: vec![TopicSpec {
            name: "orders".into(),
            partitions,
            retention_ms: None,
            retention_bytes: None,
        }],
        producers: vec![],
        groups: vec![GroupSpec {
            id: "g".into(),
            topics: vec!["orders".into()],
            config,
            consumers: 1,
        }],
        queues: Vec::new(),
        call_chains: Vec::new(),
        script: vec![],
        open_at_ms: None,
        played_to_ms: None,
    }
}

/// `orders` with `partitions` partitions, one group `g` of one consumer with `listener`, and
/// records sent at the given times as (key, value).
fn run(
    partitions: u32,
    listener: ListenerConfig,
    sends: &[(u64, &str, &str)],
    until_ms: u64,
) -> Simulation {
    let config = GroupConfig {
        listener,
        ..earliest(0)
    };
    let mut scenario = orders_scenario(5, partitions, config);
    for &(at_ms, key, value) in sends {
        scenario.script.push(ScriptEntry {
            at_ms,
            after_events: None,
            command: Command::Produce {
                topic: "orders".into(),
                key: Some(key.into()),
                value: Some(value.into()),
                partition: Some(0),
                headers: vec![],
            },
        });
    }
    let mut sim = scenario.build().unwrap();
    sim.run_until(until_ms);
    sim
}

/// A record with key `k` and `value` produced to `orders`-`partition` at `at_ms`.
fn produce(at_ms: u64, partition: u32, value: &str) -> ScriptEntry {
    ScriptEntry {
        at_ms,
        after_events: None,
        command: Command::Produce {
            topic: "orders".into(),
            key: Some("k".into()),
            value: Some(value.into()),
            partition: Some(partition),
            headers: vec![],
        },
    }
}

/// The first dead letter's record: the first record of the partition it went to (the tests
/// that read it send one).
fn first_dead_letter(sim: &Simulation) -> kplay_engine::log::Record {
    let (topic, partition, _) = dead_letters(sim).remove(0);
    let log = sim.topic(&topic).unwrap().partition(partition).unwrap();
    log.get(0).unwrap().clone()
}

/// `orders` with `partitions` partitions, whose group dead-letters a not-retryable failure at
/// once; one POISON record sent to `partition` with one header, run to 20 s.
fn dead_letter_one(partitions: u32, partition: u32, header: (&str, &[u8])) -> Simulation {
    let config = GroupConfig {
        listener: listener(
            vec![poison(FailureKind::NonRetryable)],
            BackOff::fixed(0, 0),
            true,
        ),
        ..earliest(0)
    };
    let mut scenario = orders_scenario(1, partitions, config);
    scenario.script.push(ScriptEntry {
        at_ms: T0,
        after_events: None,
        command: Command::Produce {
            topic: "orders".into(),
            key: Some("k".into()),
            value: Some("POISON".into()),
            partition: Some(partition),
            headers: vec![Header {
                key: header.0.into(),
                value: header.1.to_vec(),
            }],
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(20_000);
    sim
}

fn poison(kind: FailureKind) -> FailureRule {
    FailureRule {
        matches: RecordMatch {
            key_equals: None,
            value_contains: Some("POISON".into()),
        },
        kind,
        exception: None,
        message: Some("cannot process order".into()),
    }
}

fn listener(rules: Vec<FailureRule>, back_off: BackOff, dead_letter: bool) -> ListenerConfig {
    ListenerConfig {
        failures: rules,
        error_handler: ErrorHandlerConfig {
            back_off,
            dead_letter,
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    }
}

/// Times of the listener's failed deliveries of `offset` of `orders-0`.
fn failure_times(sim: &Simulation, partition: &str, offset: u64) -> Vec<u64> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::ListenerFailed {
                partition: p,
                offset: o,
                ..
            } if p == partition && *o == offset => Some(e.at_ms),
            _ => None,
        })
        .collect()
}

/// Failure times relative to the first one (the first delivery happens one network hop after
/// the send).
fn relative_failure_times(sim: &Simulation, partition: &str, offset: u64) -> Vec<u64> {
    let times = failure_times(sim, partition, offset);
    times.iter().map(|t| t - times[0]).collect()
}

fn dead_letters(sim: &Simulation) -> Vec<(String, u32, u64)> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::DeadLettered {
                dead_letter_topic,
                dead_letter_partition,
                offset,
                ..
            } => Some((
                dead_letter_topic.to_string(),
                *dead_letter_partition,
                *offset,
            )),
            _ => None,
        })
        .collect()
}

fn processed_at(sim: &Simulation, partition: &str, offset: u64) -> Option<u64> {
    sim.trace().events().find_map(|e| match &e.kind {
        EventKind::Processed {
            partition: p,
            offset: o,
            group,
            ..
        } if p == partition && *o == offset && group == "g" => Some(e.at_ms),
        _ => None,
    })
}

fn assert_clean(sim: &Simulation) {
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "{:?}",
        sim.checker().violations()
    );
}

const T0: u64 = 10_000;

#[test]
fn e3_fixed_back_off_1000_3_delivers_four_times_then_dead_letters() {
    let sends = [(T0, "order-1", "POISON"), (T0, "order-2", "fine")];
    let sim = run(
        1,
        listener(
            vec![poison(FailureKind::Poison)],
            BackOff::fixed(1_000, 3),
            true,
        ),
        &sends,
        30_000,
    );
    assert_eq!(
        relative_failure_times(&sim, "orders-0", 0),
        vec![0, 1_000, 2_000, 3_000]
    );
    let first = failure_times(&sim, "orders-0", 0)[0];
    assert_eq!(first, T0 + 1, "delivered one network hop after the send");
    // D1/D2: newest spring-kafka names it <topic>-dlt, same partition number.
    assert_eq!(dead_letters(&sim), vec![("orders-dlt".into(), 0, 0)]);
    // E6: the record after the poison one waited behind it (head-of-line blocking), then ran.
    assert_eq!(processed_at(&sim, "orders-0", 1), Some(first + 3_000));
    let g = &sim.checker().guarantees()["g"];
    assert_eq!(
        (g.failed_deliveries, g.dead_lettered, g.processed),
        (4, 1, 1)
    );
    // The recovered record is committed: nothing is redelivered later.
    assert_eq!(sim.group("g").unwrap().committed[&"orders-0".parse_tp()], 2);
    assert_clean(&sim);
}

#[test]
fn e3_e7_the_default_error_handler_delivers_ten_times_then_only_logs() {
    let sim = run(
        1,
        listener(
            vec![poison(FailureKind::Poison)],
            BackOff::spring_kafka_default(),
            false,
        ),
        &[(T0, "k", "POISON")],
        20_000,
    );
    assert_eq!(
        relative_failure_times(&sim, "orders-0", 0),
        vec![0; 10],
        "FixedBackOff(0, 9): ten deliveries, all at once"
    );
    assert!(dead_letters(&sim).is_empty());
    let recovered = sim.trace().events().find_map(|e| match &e.kind {
        EventKind::Recovered { how, .. } => Some(how.clone()),
        _ => None,
    });
    assert!(recovered
        .unwrap()
        .starts_with("Backoff exhausted for orders-0@0 after 10 deliveries"));
    assert_clean(&sim);
}

#[test]
fn e5_a_non_retryable_exception_goes_to_the_recoverer_after_one_delivery() {
    let sim = run(
        1,
        listener(
            vec![poison(FailureKind::NonRetryable)],
            BackOff::fixed(1_000, 3),
            true,
        ),
        &[(T0, "k", "POISON")],
        20_000,
    );
    assert_eq!(failure_times(&sim, "orders-0", 0).len(), 1);
    assert_eq!(dead_letters(&sim).len(), 1);
    // Without a dead-letter topic the log says why the record was not retried.
    let sim = run(
        1,
        listener(
            vec![poison(FailureKind::NonRetryable)],
            BackOff::fixed(1_000, 3),
            false,
        ),
        &[(T0, "k", "POISON")],
        20_000,
    );
    let recovered = sim.trace().events().find_map(|e| match &e.kind {
        EventKind::Recovered { how, .. } => Some(how.to_string()),
        _ => None,
    });
    let how = recovered.unwrap();
    assert!(
        how.contains("is not retryable, so orders-0@0 was not retried")
            && how.contains("one delivery"),
        "{how}"
    );
}

#[test]
fn e3_a_transient_error_recovers_by_back_off() {
    let rule = poison(FailureKind::Transient { failures: 2 });
    let sim = run(
        1,
        listener(vec![rule], BackOff::fixed(500, 5), true),
        &[(T0, "k", "POISON")],
        20_000,
    );
    assert_eq!(relative_failure_times(&sim, "orders-0", 0), vec![0, 500]);
    assert_eq!(processed_at(&sim, "orders-0", 0), Some(T0 + 1 + 1_000));
    assert!(dead_letters(&sim).is_empty());
    assert_clean(&sim);
}

#[test]
fn e4_exponential_1000_x2_retries_forever_and_runs_into_max_poll_interval() {
    let config = listener(
        vec![poison(FailureKind::Poison)],
        BackOff::exponential(1_000, 2.0),
        true,
    );
    let mut scenario_listener = config;
    scenario_listener.error_handler.dead_letter = true;
    let group = GroupConfig {
        listener: scenario_listener,
        max_poll_interval_ms: 20_000,
        ..earliest(0)
    };
    let mut sim = {
        let mut s = orders_scenario(1, 1, group);
        s.script.push(ScriptEntry {
            at_ms: T0,
            after_events: None,
            command: Command::Produce {
                topic: "orders".into(),
                key: None,
                value: Some("POISON".into()),
                partition: None,
                headers: vec![],
            },
        });
        s.build().unwrap()
    };
    sim.run_until(T0 + 40_000);
    let times = relative_failure_times(&sim, "orders-0", 0);
    // 1, 2, 4, 8, 16 s apart (E4): deliveries at 0, 1, 3, 7, 15, 31 s.
    assert_eq!(times, vec![0, 1_000, 3_000, 7_000, 15_000, 31_000]);
    sim.run_until(T0 + 200_000);
    // Once a single back-off (30 s at the cap) is longer than max.poll.interval.ms (20 s here),
    // the sleeping thread misses its poll and the consumer leaves the group (C10, N5).
    let timed_out = sim.trace().events().any(|e| matches!(&e.kind, EventKind::ConsumerError { error, .. } if error.starts_with("consumer poll timeout")));
    assert!(timed_out);
    assert!(
        dead_letters(&sim).is_empty(),
        "ExponentialBackOff(1000, 2.0) never stops"
    );
}

#[test]
fn d1_spring_kafka_3_2_names_the_dead_letter_topic_dot_dlt() {
    let mut l = listener(
        vec![poison(FailureKind::NonRetryable)],
        BackOff::fixed(0, 0),
        true,
    );
    l.error_handler.spring_kafka_version = SpringKafkaVersion::V3_2;
    let sim = run(1, l, &[(T0, "k", "POISON")], 20_000);
    assert_eq!(dead_letters(&sim), vec![("orders.DLT".into(), 0, 0)]);
}

#[test]
fn d2_d3_a_missing_dead_letter_partition_falls_back_to_the_partitioner_and_headers_are_added() {
    let mut sim = dead_letter_one(3, 2, ("trace-id", b"abc"));
    // The auto-created dead-letter topic has one partition (num.partitions = 1), so partition 2
    // does not exist there and Kafka's partitioner picks partition 0.
    assert_eq!(dead_letters(&sim), vec![("orders-dlt".into(), 0, 0)]);
    let record = first_dead_letter(&sim);
    let header = |name: &str| {
        record
            .headers
            .iter()
            .find(|h| h.key == name)
            .map(|h| h.value.clone())
    };
    assert_eq!(header("trace-id").unwrap(), b"abc");
    assert_eq!(header("kafka_dlt-original-topic").unwrap(), b"orders");
    assert_eq!(
        header("kafka_dlt-original-partition").unwrap(),
        2u32.to_be_bytes()
    );
    assert_eq!(
        header("kafka_dlt-original-offset").unwrap(),
        0u64.to_be_bytes()
    );
    assert_eq!(header("kafka_dlt-original-consumer-group").unwrap(), b"g");
    assert_eq!(
        header("kafka_dlt-exception-cause-fqcn").unwrap(),
        b"java.lang.ClassCastException"
    );
    assert_eq!(record.value.as_deref(), Some("POISON"));

    // Redrive: the record goes back to its original topic, without the dead-letter headers.
    sim.apply(Command::Redrive {
        topic: "orders-dlt".into(),
        partition: 0,
        from_offset: 0,
        count: 1,
    })
    .unwrap();
    let back = sim
        .topic("orders")
        .unwrap()
        .partitions()
        .iter()
        .flat_map(|l| l.range(0, u64::MAX))
        .filter(|r| r.timestamp_ms > T0)
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(back.len(), 1);
    assert!(back[0]
        .headers
        .iter()
        .all(|h| !h.key.starts_with("kafka_dlt-")));
    assert_eq!(back[0].value.as_deref(), Some("POISON"));
}

#[test]
fn j1_without_error_handling_deserializer_a_bad_value_blocks_its_partition() {
    let l = ListenerConfig {
        value_format: ValueFormat::Json {
            trusted_packages: vec!["java.util".into()],
        },
        ..ListenerConfig::default()
    };
    let sends = [
        (T0, "a", r#"{"ok":1}"#),
        (T0, "b", "not json"),
        (T0, "c", r#"{"ok":3}"#),
    ];
    let sim = run(1, l, &sends, 60_000);
    assert!(processed_at(&sim, "orders-0", 0).is_some());
    assert!(processed_at(&sim, "orders-0", 1).is_none());
    assert!(
        processed_at(&sim, "orders-0", 2).is_none(),
        "the partition is stuck at the bad record"
    );
    let failures = sim
        .trace()
        .events()
        .filter(|e| matches!(e.kind, EventKind::PollFailed { offset: 1, .. }))
        .count();
    assert_eq!(failures, 1, "reported once per stuck record");
    assert!(dead_letters(&sim).is_empty());
    assert_eq!(sim.consumer("g-1").unwrap().stuck.len(), 1);
}

#[test]
fn j1_a_bad_value_stops_every_partition_of_its_consumer() {
    let config = GroupConfig {
        listener: ListenerConfig {
            value_format: ValueFormat::Json {
                trusted_packages: vec!["java.util".into()],
            },
            ..ListenerConfig::default()
        },
        ..earliest(0)
    };
    let mut scenario = orders_scenario(5, 2, config);
    scenario.script = vec![
        produce(T0, 1, r#"{"ok":1}"#),
        produce(T0 + 1_000, 0, "not json"),
        produce(T0 + 5_000, 1, r#"{"ok":2}"#),
        produce(T0 + 6_000, 0, r#"{"ok":3}"#),
    ];
    let mut sim = scenario.build().unwrap();
    sim.run_until(60_000);
    assert!(
        processed_at(&sim, "orders-1", 0).is_some(),
        "before the bad record"
    );
    // poll() throws at orders-0@0 on every call before it returns anything, so the record
    // that arrives on orders-1 afterwards is never delivered either.
    assert!(
        processed_at(&sim, "orders-1", 1).is_none(),
        "the whole consumer is stuck"
    );
    assert!(processed_at(&sim, "orders-0", 1).is_none());
    // The diagram shows both partitions blocked, as they are.
    let consumer = sim.consumer("g-1").unwrap();
    for partition in 0..2 {
        let tp = kplay_engine::assignor::TopicPartition {
            topic: "orders".into(),
            partition,
        };
        let blocking = consumer.blocked_on(&tp, sim.now_ms());
        let blocking = blocking.unwrap_or_else(|| panic!("orders-{partition}"));
        // Both wait behind the record that cannot be deserialized.
        assert_eq!(
            (
                blocking.partition.to_string(),
                blocking.offset,
                blocking.poll_fails
            ),
            ("orders-0".to_owned(), 0, true)
        );
    }
    assert!(sim.consumer("g-1").unwrap().stuck.contains_key(
        &kplay_engine::assignor::TopicPartition {
            topic: "orders".into(),
            partition: 0
        }
    ));
}

#[test]
fn j2_with_error_handling_deserializer_the_bad_value_is_dead_lettered_after_one_delivery() {
    let l = ListenerConfig {
        value_format: ValueFormat::Json {
            trusted_packages: vec!["java.util".into()],
        },
        error_handling_deserializer: true,
        error_handler: ErrorHandlerConfig {
            dead_letter: true,
            back_off: BackOff::fixed(1_000, 3),
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    };
    let sends = [
        (T0, "a", r#"{"ok":1}"#),
        (T0, "b", "not json"),
        (T0, "c", r#"{"ok":3}"#),
    ];
    let sim = run(1, l, &sends, 60_000);
    assert_eq!(
        failure_times(&sim, "orders-0", 1).len(),
        1,
        "DeserializationException is fatal (E5)"
    );
    assert_eq!(dead_letters(&sim), vec![("orders-dlt".into(), 0, 1)]);
    let dlt = first_dead_letter(&sim);
    assert_eq!(
        dlt.value.as_deref(),
        Some("not json"),
        "the raw value is kept"
    );
    assert_eq!(processed_at(&sim, "orders-0", 2), Some(T0 + 1));
    assert_clean(&sim);
}

#[test]
fn j3_an_untrusted_type_header_fails_like_bad_json() {
    let l = ListenerConfig {
        value_format: ValueFormat::Json {
            trusted_packages: vec!["java.util".into(), "java.lang".into()],
        },
        error_handling_deserializer: true,
        error_handler: ErrorHandlerConfig {
            dead_letter: true,
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    };
    let config = GroupConfig {
        listener: l,
        ..earliest(0)
    };
    let mut scenario = orders_scenario(1, 1, config);
    scenario.script.push(ScriptEntry {
        at_ms: T0,
        after_events: None,
        command: Command::Produce {
            topic: "orders".into(),
            key: Some("k".into()),
            value: Some("{}".into()),
            partition: None,
            headers: vec![Header {
                key: "__TypeId__".into(),
                value: b"com.example.OrderEvent".to_vec(),
            }],
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(20_000);
    let message = sim.trace().events().find_map(|e| match &e.kind {
        EventKind::ListenerFailed { message, .. } => Some(message.clone()),
        _ => None,
    });
    assert!(message
        .unwrap()
        .contains("The class 'com.example.OrderEvent' is not in the trusted packages"));
    assert_eq!(dead_letters(&sim).len(), 1);
    // The exception headers describe the DeserializationException the deserializer stored
    // (DeadLetterPublishingRecoverer.addAndEnhanceHeaders): findRootCause unwraps only
    // ListenerExecutionFailedException, so the cause is the DeserializationException itself,
    // and its message is its own; the delegate's exception is in the stack trace.
    let record = first_dead_letter(&sim);
    let header = |name: &str| {
        record
            .last_header(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    assert_eq!(
        header("kafka_dlt-exception-fqcn").as_deref(),
        Some("org.springframework.kafka.support.serializer.DeserializationException")
    );
    assert_eq!(
        header("kafka_dlt-exception-cause-fqcn").as_deref(),
        Some("org.springframework.kafka.support.serializer.DeserializationException")
    );
    assert_eq!(
        header("kafka_dlt-exception-message").as_deref(),
        Some("failed to deserialize")
    );
    let trace = header("kafka_dlt-exception-stacktrace").unwrap();
    assert!(
        trace.contains(
            "\nCaused by: java.lang.IllegalArgumentException: The class 'com.example.OrderEvent'"
        ),
        "{trace}"
    );
    assert_eq!(
        header("kafka_dlt-original-consumer-group").as_deref(),
        Some("g")
    );
}

#[test]
fn n1_n4_non_blocking_retries_deliver_three_times_without_blocking_the_partition() {
    let l = ListenerConfig {
        failures: vec![poison(FailureKind::Poison)],
        error_handler: ErrorHandlerConfig {
            retry_topic: Some(RetryTopicConfig::default()),
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    };
    let sends = [(T0, "order-1", "POISON"), (T0, "order-2", "fine")];
    let sim = run(1, l, &sends, 30_000);
    // Spring creates orders-retry (SINGLE_TOPIC, ≥ 3.2) and orders-dlt, and a group for each.
    assert!(sim.topic("orders-retry").is_some());
    assert!(sim.group("g-retry").is_some() && sim.group("g-dlt").is_some());
    // The next record on the main partition is not blocked by the failure (N5).
    assert_eq!(processed_at(&sim, "orders-0", 1), Some(T0 + 1));
    let attempts: Vec<u64> = sim
        .trace()
        .events()
        .filter(|e| matches!(e.kind, EventKind::ListenerFailed { .. }))
        .map(|e| e.at_ms - T0 - 1)
        .collect();
    // attempts = 3: one main delivery and two retries, 1 s apart (N1, N4).
    assert_eq!(attempts, vec![0, 1_000, 2_000]);
    let dlt: Vec<String> = dead_letters(&sim).into_iter().map(|d| d.0).collect();
    assert_eq!(dlt, vec!["orders-dlt".to_string()]);
    // The forward to the dead-letter topic carries the retry headers too: the attempt after
    // the third, and the times as Java BigInteger bytes.
    let record = first_dead_letter(&sim);
    assert_eq!(
        record.last_header("retry_topic-attempts"),
        Some(&4i32.to_be_bytes()[..])
    );
    let original = record
        .last_header("retry_topic-original-timestamp")
        .unwrap();
    assert_eq!(
        original,
        &kplay_engine::dead_letter::big_integer_bytes(T0)[..],
        "the main topic's record time"
    );
    assert!(original.len() < 8, "shortest bytes, not a long");
    assert_clean(&sim);
}

#[test]
fn n5_non_blocking_retries_lose_per_key_order() {
    let l = ListenerConfig {
        failures: vec![poison(FailureKind::Transient { failures: 1 })],
        error_handler: ErrorHandlerConfig {
            retry_topic: Some(RetryTopicConfig::default()),
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    };
    // Two events of the same key: the first fails once and is retried a second later, after
    // the second was processed.
    let sends = [
        (T0, "order-7", "created POISON"),
        (T0 + 10, "order-7", "paid"),
    ];
    let sim = run(1, l, &sends, 30_000);
    let g = &sim.checker().guarantees()["g"];
    assert_eq!(g.ordering_violations, 1);
    assert_clean(&sim);
}

/// One consumer that crashes in the middle of a slow batch and a second that takes over.
fn crash_mid_batch(listener: ListenerConfig) -> Simulation {
    let config = GroupConfig {
        listener,
        max_poll_records: 50,
        ..earliest(100)
    };
    let mut scenario = common::orders(21, 1, 20.0, 1, config);
    scenario.groups[0].consumers = 2;
    let mut sim = scenario.build().unwrap();
    sim.run_until(20_000);
    let owner = sim
        .consumers()
        .iter()
        .find(|c| !c.assignment.is_empty() && !c.batch.is_empty())
        .map(|c| c.name.clone());
    let owner = owner.expect("one consumer is busy with a batch");
    sim.apply(Command::CrashConsumer { consumer: owner })
        .unwrap();
    sim.run_until(120_000);
    sim
}

#[test]
fn c5_at_least_once_repeats_records_after_a_crash_and_loses_none() {
    let sim = crash_mid_batch(ListenerConfig::default());
    let g = &sim.checker().guarantees()["group-a"];
    assert!(g.duplicates > 0);
    assert_eq!(g.lost, 0);
    assert_clean(&sim);
}

#[test]
fn at_most_once_commits_before_processing_so_a_crash_loses_records() {
    let sim = crash_mid_batch(ListenerConfig {
        commit_before_processing: true,
        ..ListenerConfig::default()
    });
    let g = &sim.checker().guarantees()["group-a"];
    assert!(g.lost > 0, "{g:?}");
    assert_eq!(g.duplicates, 0);
    assert_clean(&sim);
}

#[test]
fn an_idempotent_consumer_turns_redeliveries_into_no_ops() {
    let sim = crash_mid_batch(ListenerConfig {
        idempotent: true,
        ..ListenerConfig::default()
    });
    let g = &sim.checker().guarantees()["group-a"];
    assert!(g.duplicates_suppressed > 0);
    assert_eq!(g.duplicates, 0, "no record is processed twice in effect");
    assert_clean(&sim);
    assert!(sim
        .consumers()
        .iter()
        .any(|c| c.status == ConsumerStatus::Crashed));
}

trait ParseTp {
    fn parse_tp(&self) -> kplay_engine::assignor::TopicPartition;
}

impl ParseTp for str {
    fn parse_tp(&self) -> kplay_engine::assignor::TopicPartition {
        kplay_engine::assignor::parse_topic_partition(self).unwrap()
    }
}

#[test]
fn d3_a_plain_recoverer_appends_original_headers_to_a_record_that_already_has_them() {
    // A copy of an earlier dead letter, sent back by hand with its headers.
    let sim = dead_letter_one(1, 0, ("kafka_dlt-original-topic", b"payments"));
    assert_eq!(dead_letters(&sim).len(), 1);
    let record = first_dead_letter(&sim);
    let topics: Vec<&[u8]> = record
        .headers
        .iter()
        .filter(|h| h.key == "kafka_dlt-original-topic")
        .map(|h| h.value.as_slice())
        .collect();
    // appendOriginalHeaders=true: the earlier one stays and this failure's is added after it.
    assert_eq!(topics, [&b"payments"[..], &b"orders"[..]]);
}

#[test]
fn n1_retry_topics_turned_on_during_a_run_get_their_listeners_and_reach_the_dlt() {
    let mut sim = run(
        1,
        listener(
            vec![poison(FailureKind::Poison)],
            BackOff::fixed(0, 0),
            false,
        ),
        &[],
        5_000,
    );
    let mut config = sim.group("g").unwrap().config.clone();
    config.listener.error_handler.retry_topic = Some(RetryTopicConfig::default());
    sim.apply(Command::SetGroupConfig {
        group: "g".into(),
        config,
    })
    .unwrap();
    assert!(sim.group("g-retry").is_some() && sim.group("g-dlt").is_some());
    sim.apply(Command::Produce {
        topic: "orders".into(),
        key: Some("k".into()),
        value: Some("POISON".into()),
        partition: Some(0),
        headers: vec![],
    })
    .unwrap();
    sim.run_until(40_000);
    let dlt: Vec<String> = dead_letters(&sim).into_iter().map(|d| d.0).collect();
    assert_eq!(dlt, vec!["orders-dlt".to_string()]);
    assert_clean(&sim);
}

#[test]
fn n4_a_retry_listener_waiting_longer_than_max_poll_interval_stays_in_its_group() {
    let l = ListenerConfig {
        failures: vec![poison(FailureKind::Poison)],
        error_handler: ErrorHandlerConfig {
            retry_topic: Some(RetryTopicConfig {
                attempts: 2,
                delay_ms: 60_000,
                ..RetryTopicConfig::default()
            }),
            ..ErrorHandlerConfig::default()
        },
        ..ListenerConfig::default()
    };
    let config = GroupConfig {
        listener: l,
        max_poll_interval_ms: 20_000,
        ..earliest(0)
    };
    let mut scenario = orders_scenario(5, 1, config);
    scenario.script.push(ScriptEntry {
        at_ms: T0,
        after_events: None,
        command: Command::Produce {
            topic: "orders".into(),
            key: Some("k".into()),
            value: Some("POISON".into()),
            partition: Some(0),
            headers: vec![],
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(120_000);
    // The retry listener pauses the partition and goes on polling while the record is not
    // due: no poll timeout, and the record reaches the DLT after its one retry.
    let timeouts = sim
        .trace()
        .events()
        .filter(|e| matches!(&e.kind, EventKind::ConsumerError { error, .. } if error.starts_with("consumer poll timeout")))
        .count();
    assert_eq!(timeouts, 0);
    assert_eq!(dead_letters(&sim).len(), 1);
}

#[test]
fn e6_n5_a_retried_record_blocks_its_partition_from_first_failure_to_recovery_and_the_sleep_blocks_the_rest(
) {
    for (back_off, deliveries) in [(BackOff::fixed(1_000, 3), 4), (BackOff::fixed(0, 9), 10)] {
        let l = listener(vec![poison(FailureKind::Poison)], back_off.clone(), true);
        let config = GroupConfig {
            listener: l,
            processing_time_ms: 200,
            ..earliest(0)
        };
        let mut scenario = orders_scenario(5, 2, config);
        scenario.script = vec![
            produce(T0, 0, "POISON"),
            produce(T0, 1, "ok"),
            produce(T0 + 500, 1, "ok"),
        ];
        let mut sim = scenario.build().unwrap();
        let tp = |partition| kplay_engine::assignor::TopicPartition {
            topic: "orders".into(),
            partition,
        };
        let mut other_blocked = false;
        // From the first failure to the last delivery, at every event, the poison record
        // holds its partition; the other partition waits only while the back-off sleeps.
        loop {
            assert!(
                sim.step() && sim.now_ms() < 60_000,
                "{back_off:?}: never recovered"
            );
            let failures = failure_times(&sim, "orders-0", 0).len();
            let c = sim.consumer("g-1").unwrap();
            let now = sim.now_ms();
            match c.blocked_on(&tp(0), now) {
                Some(b) => assert_eq!((b.partition, b.offset, b.poll_fails), (tp(0), 0, false)),
                None if failures == deliveries => break,
                None => assert_eq!(
                    failures, 0,
                    "{back_off:?} at {now}: the partition went free"
                ),
            }
            if let Some(b) = c.blocked_on(&tp(1), now) {
                assert_eq!(
                    (b.partition, b.offset),
                    (tp(0), 0),
                    "behind orders-0's record"
                );
                assert!(
                    c.backing_off_until.is_some_and(|t| t > now),
                    "only while it sleeps"
                );
                other_blocked = true;
            }
        }
        assert_eq!(other_blocked, deliveries == 4, "{back_off:?}");
        // Recovered, it is dead-lettered, and nothing blocks any more.
        sim.run_for(1_000);
        assert_eq!(dead_letters(&sim).len(), 1);
        let c = sim.consumer("g-1").unwrap();
        assert!(c.blocked_on(&tp(0), sim.now_ms()).is_none());
    }
}

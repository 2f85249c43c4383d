//! The scenario format as the hand-written reader (`json_read`) reads it: the same values, the
//! same defaults and the same refusals as serde's derived `Deserialize`, which it replaced.
//!
//! The reader was proved against the derives while both existed (commit "Hand-written reader
//! for the scenario format, next to the serde derives"), on every example and lesson, on every
//! single change to every field of them and of a scenario of every type, and on random
//! scenarios. What stays:
//! * every example, lesson, every-type and random scenario reads back equal to what was
//!   written;
//! * fingerprints of what the derives made of those ~83 000 changed texts, which the reader
//!   must still match, with one change made on purpose since: rates, skews and multipliers
//!   are decimals with at most three places (`kplay_engine::decimal`). The changes that put a
//!   number beyond 10^12 into one of them are now refused, and they are written `2.5` or `2`
//!   where serde_json wrote `2.5` or `2.0`. With the grid check lifted and serde_json's float
//!   printer put back, the reader matched the old fingerprints exactly;
//! * the messages, word for word, and the spellings refused on purpose.

use kplay_engine::backoff::BackOff;
use kplay_engine::dead_letter::SpringKafkaVersion;
use kplay_engine::group::{CommitMode, GroupConfig, OffsetResetPolicy};
use kplay_engine::json_read::{self, Field};
use kplay_engine::listener::{
    ErrorHandlerConfig, FailureKind, FailureRule, ListenerConfig, RecordMatch, ValueFormat,
};
use kplay_engine::log::Header;
use kplay_engine::partitioner::{PartitionerConfig, PartitionerKind};
use kplay_engine::producer::{Acks, KeySerializer, KeyStream, ProducerSpec};
use kplay_engine::retry_topic::{
    RetryTopicConfig, SameIntervalTopicReuseStrategy, TopicSuffixingStrategy,
};
use kplay_engine::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use kplay_engine::sim::{ClusterConfig, Command, ResetTarget, ScriptEntry};
use kplay_engine::transaction::IsolationLevel;
use kplay_engine::{assignor::AssignorKind, json_read::Path};
use proptest::prelude::*;
use serde_json::{json, Value};

/// The scenario in `text` as the reader reads it, checking that serde's `Deserialize` (now
/// built on the reader) reads the same.
fn read(text: &str) -> Result<Scenario, String> {
    let value = json_read::parse(text)?;
    let scenario = Scenario::read(&Field::root(&value));
    let through_serde = serde_json::from_str::<Scenario>(text).map_err(|e| e.to_string());
    assert_eq!(scenario.is_ok(), through_serde.is_ok(), "{text}");
    if let (Ok(a), Ok(b)) = (&scenario, &through_serde) {
        assert_eq!(a, b, "{text}");
    }
    scenario
}

fn examples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/scenarios");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 7, "{out:?}");
    out
}

/// Each lesson's scenario, and each of its solutions as a script, as JSON text.
fn lesson_scenarios() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/lessons");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "index.json" {
            continue;
        }
        let lesson: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.display().to_string();
        let scenario = lesson["scenario"].clone();
        out.push((name.clone(), scenario.to_string()));
        for (i, step) in lesson["steps"].as_array().unwrap().iter().enumerate() {
            if let Some(solution) = step.pointer("/try_this/solution") {
                let mut with_solution = scenario.clone();
                with_solution["script"] = solution.clone();
                out.push((format!("{name} step {i}"), with_solution.to_string()));
            }
        }
    }
    assert!(out.len() >= 10, "{}", out.len());
    out
}

/// A group's settings with every field away from its default.
fn busy_group_config(back_off: BackOff, retry_topic: bool) -> GroupConfig {
    GroupConfig {
        assignor: AssignorKind::CooperativeSticky,
        session_timeout_ms: 10_000,
        heartbeat_interval_ms: 1_000,
        max_poll_interval_ms: 60_000,
        max_poll_records: 7,
        commit_mode: CommitMode::Record,
        auto_commit_interval_ms: 700,
        auto_offset_reset: OffsetResetPolicy::Earliest,
        initial_rebalance_delay_ms: 12,
        processing_time_ms: 5,
        static_membership: true,
        listener: ListenerConfig {
            processing_jitter_ms: 3,
            failures: vec![
                FailureRule {
                    matches: RecordMatch {
                        key_equals: Some("k".into()),
                        value_contains: Some("boom".into()),
                    },
                    kind: FailureKind::Transient { failures: 2 },
                    exception: Some("java.io.IOException".into()),
                    message: Some("down".into()),
                },
                FailureRule {
                    matches: RecordMatch::default(),
                    kind: FailureKind::Poison,
                    exception: None,
                    message: None,
                },
                FailureRule {
                    matches: RecordMatch {
                        key_equals: None,
                        value_contains: Some("x".into()),
                    },
                    kind: FailureKind::NonRetryable,
                    exception: None,
                    message: None,
                },
            ],
            value_format: ValueFormat::Json {
                trusted_packages: vec!["com.example".into()],
            },
            error_handling_deserializer: true,
            error_handler: ErrorHandlerConfig {
                back_off,
                dead_letter: true,
                spring_kafka_version: SpringKafkaVersion::V3_1,
                not_retryable: vec!["java.lang.Error".into()],
                retry_topic: retry_topic.then(|| RetryTopicConfig {
                    attempts: 4,
                    delay_ms: 250,
                    multiplier: 2.5,
                    max_delay_ms: Some(9_000),
                    reuse_strategy: SameIntervalTopicReuseStrategy::MultipleTopics,
                    suffixing_strategy: TopicSuffixingStrategy::SuffixWithIndexValue,
                    retry_suffix: "-r".into(),
                    dlt_suffix: "-d".into(),
                    version: SpringKafkaVersion::V2_9,
                }),
            },
            idempotent: true,
            commit_before_processing: true,
        },
        isolation_level: IsolationLevel::ReadCommitted,
        forward_to: Some("out".into()),
        exactly_once: true,
    }
}

/// A producer with every field away from its default.
fn busy_producer(keys: KeyStream) -> ProducerSpec {
    ProducerSpec {
        name: "p".into(),
        topic: "t".into(),
        keys,
        value_template: "{key}".into(),
        rate_per_sec: 12.5,
        key_serializer: KeySerializer::Integer,
        partitioner: PartitionerConfig {
            kind: PartitionerKind::LegacyRoundRobin,
            batch_size: 100,
            ignore_keys: true,
            adaptive: false,
        },
        enable_idempotence: false,
        acks: Acks::Zero,
        max_in_flight_requests_per_connection: 2,
        request_timeout_ms: 900,
        retries: -3,
        transactional_id: Some("tx".into()),
        transaction_timeout_ms: 1_234,
        transaction_size: Some(5),
        abort_every: Some(3),
    }
}

/// A scenario (not a valid one) that holds every type and every variant of the format.
fn everything() -> Scenario {
    let fixed = BackOff::Fixed {
        interval_ms: 5,
        max_attempts: None,
    };
    let exponential = BackOff::Exponential {
        initial_interval_ms: 100,
        multiplier: 1.5,
        max_interval_ms: 1_000,
        max_elapsed_time_ms: Some(5_000),
        max_attempts: Some(4),
    };
    let with_max_retries = BackOff::ExponentialWithMaxRetries {
        max_retries: 3,
        initial_interval_ms: 10,
        multiplier: 3.0,
        max_interval_ms: 200,
    };
    let commands = vec![
        Command::CreateTopic {
            name: "t2".into(),
            partitions: 2,
            retention_ms: Some(1),
            retention_bytes: Some(2),
        },
        Command::AddPartitions {
            topic: "t".into(),
            partitions: 4,
        },
        Command::AddProducer(busy_producer(KeyStream::Null)),
        Command::RemoveProducer { name: "p".into() },
        Command::SetProducerRate {
            name: "p".into(),
            rate_per_sec: 0.25,
        },
        Command::Produce {
            topic: "t".into(),
            key: None,
            value: Some("v".into()),
            partition: Some(1),
            headers: vec![Header {
                key: "h".into(),
                value: vec![0, 255, 7],
            }],
        },
        Command::Produce {
            topic: "t".into(),
            key: Some("k".into()),
            value: None,
            partition: None,
            headers: vec![],
        },
        Command::AddGroup {
            group: "g2".into(),
            topics: vec!["t".into()],
            config: busy_group_config(exponential, false),
            consumers: 2,
        },
        Command::AddConsumer { group: "g".into() },
        Command::RemoveConsumer {
            consumer: "g-1".into(),
        },
        Command::CrashConsumer {
            consumer: "g-1".into(),
        },
        Command::RestartConsumer {
            consumer: "g-1".into(),
        },
        Command::PauseConsumer {
            consumer: "g-1".into(),
            paused: true,
        },
        Command::SetGroupConfig {
            group: "g".into(),
            config: busy_group_config(with_max_retries, true),
        },
        Command::Redrive {
            topic: "t-dlt".into(),
            partition: 0,
            from_offset: 3,
            count: 9,
        },
        Command::LoseAcks {
            producer: "p".into(),
            count: 1,
        },
        Command::BeginTransaction {
            producer: "p".into(),
        },
        Command::CommitTransaction {
            producer: "p".into(),
        },
        Command::AbortTransaction {
            producer: "p".into(),
        },
        Command::ProducerSend {
            producer: "p".into(),
            count: 3,
        },
    ];
    let targets = [
        ResetTarget::Earliest,
        ResetTarget::Latest,
        ResetTarget::ToOffset { offset: 5 },
        ResetTarget::ShiftBy { by: -2 },
        ResetTarget::ToTime { at_ms: 100 },
    ];
    let resets = targets.into_iter().map(|to| Command::ResetOffsets {
        group: "g".into(),
        to,
    });
    let script = commands
        .into_iter()
        .chain(resets)
        .enumerate()
        .map(|(i, command)| ScriptEntry {
            at_ms: i as u64 * 10,
            after_events: (i % 2 == 0).then_some(i as u64),
            command,
        })
        .collect();
    Scenario {
        version: SCENARIO_VERSION,
        name: "everything".into(),
        seed: u64::MAX,
        cluster: ClusterConfig {
            network_latency_ms: 3,
            retention_check_interval_ms: 50,
        },
        topics: vec![TopicSpec {
            name: "t".into(),
            partitions: 3,
            retention_ms: Some(60_000),
            retention_bytes: Some(1 << 20),
        }],
        producers: vec![
            busy_producer(KeyStream::Fixed {
                keys: vec!["a".into(), "b".into()],
            }),
            busy_producer(KeyStream::KeySpace {
                prefix: "order-".into(),
                count: 10,
                skew: 1.25,
            }),
        ],
        groups: vec![
            GroupSpec {
                id: "g".into(),
                topics: vec!["t".into()],
                config: busy_group_config(fixed, true),
                consumers: 3,
            },
            GroupSpec {
                id: "plain".into(),
                topics: vec![],
                config: GroupConfig::default(),
                consumers: 1,
            },
        ],
        queues: Vec::new(),
        call_chains: Vec::new(),
        script,
        open_at_ms: Some(77),
        played_to_ms: Some(99),
    }
}

/// Commands added after the reader was proved against the derives (the queue and the call
/// chain beside the cluster): the fingerprints cover the format as it was then, so their tags
/// are left out of the changes; `tests/beside.rs` reads and writes them.
const COMMANDS_SINCE_THE_PROOF: &[&str] = &[
    "add_queue",
    "add_queue_worker",
    "crash_queue_worker",
    "restart_queue_worker",
    "add_call_chain",
    "set_service",
];

/// Every spelling of every enum and every tag the format has, and a few near misses.
fn spellings() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = vec![
        "range",
        "roundrobin",
        "round-robin",
        "sticky",
        "cooperative-sticky",
        "auto",
        "batch",
        "record",
        "earliest",
        "latest",
        "none",
        "read_uncommitted",
        "read_committed",
        "string",
        "integer",
        "all",
        "one",
        "zero",
        "uniform-sticky",
        "legacy-sticky",
        "legacy-round-robin",
        "V2_9",
        "V3_0",
        "V3_1",
        "V3_2",
        "V3_3",
        "V4_0",
        "V4_1",
        "SingleTopic",
        "MultipleTopics",
        "SuffixWithDelayValue",
        "SuffixWithIndexValue",
        // Near misses.
        "Range",
        "round_robin",
        "ALL",
        "v4_1",
        "CreateTopic",
        "",
        "nope",
    ];
    out.extend(
        Command::TYPES
            .iter()
            .filter(|t| !COMMANDS_SINCE_THE_PROOF.contains(t)),
    );
    for types in [
        ResetTarget::TYPES,
        KeyStream::TYPES,
        BackOff::TYPES,
        FailureKind::TYPES,
        ValueFormat::TYPES,
    ] {
        out.extend_from_slice(types);
    }
    out
}

/// The values a field is replaced by. Tags (`"type"`) get strings only, and objects are not
/// replaced by arrays: those are the spellings the reader refuses on purpose (see
/// `json_read`).
fn replacements(original: &Value, is_tag: bool) -> Vec<Value> {
    let mut out: Vec<Value> = spellings().into_iter().map(Value::from).collect();
    out.push(json!(
        "a much longer text that is no name of anything at all, really"
    ));
    if is_tag {
        return out;
    }
    out.extend([
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-1),
        json!(2.5),
        json!(1.0),
        json!(255),
        json!(256),
        json!(2147483648u64),
        json!(-2147483649i64),
        json!(4294967296u64),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e300),
        json!({}),
        json!({"type": "null"}),
    ]);
    if !original.is_object() {
        out.extend([json!([]), json!(["a"]), json!([1, 2]), json!([{}])]);
    }
    out
}

/// The JSON pointer of every value in `value`, the root included, with whether it is the
/// value of a `"type"` key.
fn pointers(value: &Value, at: String, is_tag: bool, out: &mut Vec<(String, bool)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                pointers(v, format!("{at}/{escaped}"), k == "type", out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
    out.push((at, is_tag));
}

/// `value` with one field removed, replaced or joined by an unknown field, in every way
/// [`replacements`] lists, each passed to `check` as text.
fn every_single_change(value: &Value, check: &mut dyn FnMut(&str)) -> usize {
    let mut all = Vec::new();
    pointers(value, String::new(), false, &mut all);
    let mut count = 0;
    for (pointer, is_tag) in all {
        let original = value.pointer(&pointer).unwrap().clone();
        if let Some((parent, key)) = pointer.rsplit_once('/') {
            let mut changed = value.clone();
            if let Some(Value::Object(map)) = changed.pointer_mut(parent) {
                map.remove(&key.replace("~1", "/").replace("~0", "~"));
                check(&changed.to_string());
                count += 1;
            }
        }
        for replacement in replacements(&original, is_tag) {
            let mut changed = value.clone();
            *changed.pointer_mut(&pointer).unwrap() = replacement;
            check(&changed.to_string());
            count += 1;
        }
        if original.is_object() {
            for extra in ["zzz", "Type", "version"] {
                let mut changed = value.clone();
                let map = changed
                    .pointer_mut(&pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap();
                map.entry(extra).or_insert(json!(1));
                check(&changed.to_string());
                count += 1;
            }
        }
    }
    count
}

// ---- files ----------------------------------------------------------------------------------

#[test]
fn every_example_and_lesson_reads_the_same() {
    for (name, text) in examples().into_iter().chain(lesson_scenarios()) {
        let scenario = read(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = read(&serde_json::to_string(&scenario).unwrap()).unwrap();
        assert_eq!(again, scenario, "{name}");
    }
}

/// A fingerprint of many readings: FNV-1a over each scenario read (as compact JSON) or the
/// word `refused`, with the counts of both.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fingerprint {
    hash: u64,
    accepted: usize,
    refused: usize,
}

impl Fingerprint {
    fn add(&mut self, result: &Result<Scenario, String>) {
        let text = match result {
            Ok(scenario) => {
                self.accepted += 1;
                serde_json::to_string(scenario).unwrap()
            }
            Err(_) => {
                self.refused += 1;
                "refused".to_owned()
            }
        };
        if self.hash == 0 {
            self.hash = 0xcbf2_9ce4_8422_2325;
        }
        for byte in text.bytes().chain([0]) {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// What serde's derived `Deserialize` made of every single change to the examples (computed
/// while it existed): the reader must keep making the same of them. Since decimal settings,
/// 30 changes that put a number beyond 10^12 (`1e300`, `u64::MAX`, `i64::MIN`) into a rate,
/// skew or multiplier are refused (8648 accepted
/// before).
const EXAMPLES_CHANGED: Fingerprint = Fingerprint {
    hash: 15881711515467629008,
    accepted: 8618,
    refused: 28060,
};

#[test]
fn every_change_to_every_field_of_the_examples_reads_the_same() {
    let mut fingerprint = Fingerprint::default();
    for (_, text) in examples() {
        let value: Value = serde_json::from_str(&text).unwrap();
        every_single_change(&value, &mut |text| fingerprint.add(&read(text)));
    }
    assert!(
        fingerprint.accepted + fingerprint.refused > 10_000,
        "{fingerprint:?}"
    );
    assert_eq!(fingerprint, EXAMPLES_CHANGED);
}

// ---- every type -----------------------------------------------------------------------------

#[test]
fn a_scenario_of_every_type_reads_back_the_same() {
    let scenario = everything();
    let text = serde_json::to_string_pretty(&scenario).unwrap();
    assert_eq!(read(&text), Ok(scenario));
}

/// The editor's and `kplay`'s indented JSON is serde_json's pretty format, written by
/// re-indenting the compact text (the page carries one serializer per type, not two).
#[test]
fn indented_json_is_serde_json_pretty_for_every_example_and_type() {
    let mut scenarios: Vec<Scenario> = examples()
        .iter()
        .chain(&lesson_scenarios())
        .map(|(name, text)| read(text).unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect();
    scenarios.push(everything());
    for scenario in scenarios {
        assert_eq!(
            scenario.to_json(),
            serde_json::to_string_pretty(&scenario).unwrap()
        );
    }
}

/// What serde's derived `Deserialize` made of every single change to [`everything`]
/// (computed while it existed). Since decimal settings, 27 changes that put a number beyond
/// 10^12 into a rate, skew or multiplier are refused (7994 accepted before). Since
/// `played_to_ms`, [`everything`] sets it too: 9 more changes accepted and 90 more refused,
/// those of that field (with the field unset and unlisted, the fingerprint was unchanged:
/// hash 9913391992138182108, 7967 accepted, 38578 refused). Since idempotence left out is
/// Kafka's default, which a conflicting setting turns off (T2), a change that drops
/// `enable_idempotence` beside such a setting reads it as off: same counts, hash
/// 6144129724288832869 before.
const EVERYTHING_CHANGED: Fingerprint = Fingerprint {
    hash: 694938691902012632,
    accepted: 7976,
    refused: 38668,
};

#[test]
fn every_change_to_every_field_of_every_type_reads_the_same() {
    let value = serde_json::to_value(everything()).unwrap();
    let mut fingerprint = Fingerprint::default();
    every_single_change(&value, &mut |text| fingerprint.add(&read(text)));
    // Both outcomes are well represented: defaults and ignored fields, and refusals.
    assert!(
        fingerprint.accepted > 2_000 && fingerprint.refused > 20_000,
        "{fingerprint:?}"
    );
    assert_eq!(fingerprint, EVERYTHING_CHANGED);
}

// ---- random scenarios -----------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9.-]{0,8}", "\\PC{0,8}"]
}

/// A decimal setting: at most three places, up to 10^12 either way (`kplay_engine::decimal`).
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1_000_000_000_000_000i64..=1_000_000_000_000_000).prop_map(|units| units as f64 / 1000.0),
        (0u32..10_000).prop_map(|units| f64::from(units) / 1000.0),
        Just(0.1),
    ]
}

fn back_off() -> impl Strategy<Value = BackOff> {
    prop_oneof![
        (any::<u64>(), any::<Option<u64>>()).prop_map(|(interval_ms, max_attempts)| {
            BackOff::Fixed {
                interval_ms,
                max_attempts,
            }
        }),
        (
            any::<u64>(),
            number(),
            any::<u64>(),
            any::<Option<u64>>(),
            any::<Option<u64>>()
        )
            .prop_map(|(a, multiplier, b, c, d)| BackOff::Exponential {
                initial_interval_ms: a,
                multiplier,
                max_interval_ms: b,
                max_elapsed_time_ms: c,
                max_attempts: d,
            }),
        (any::<u32>(), any::<u64>(), number(), any::<u64>()).prop_map(|(r, a, multiplier, b)| {
            BackOff::ExponentialWithMaxRetries {
                max_retries: r,
                initial_interval_ms: a,
                multiplier,
                max_interval_ms: b,
            }
        }),
    ]
}

fn version() -> impl Strategy<Value = SpringKafkaVersion> {
    prop::sample::select(SpringKafkaVersion::ALL.to_vec())
}

fn retry_topic() -> impl Strategy<Value = RetryTopicConfig> {
    (
        (any::<u32>(), any::<u64>(), number(), any::<Option<u64>>()),
        (any::<bool>(), any::<bool>(), text(), text(), version()),
    )
        .prop_map(
            |((attempts, delay_ms, multiplier, max_delay_ms), (single, index, r, d, version))| {
                RetryTopicConfig {
                    attempts,
                    delay_ms,
                    multiplier,
                    max_delay_ms,
                    reuse_strategy: if single {
                        SameIntervalTopicReuseStrategy::SingleTopic
                    } else {
                        SameIntervalTopicReuseStrategy::MultipleTopics
                    },
                    suffixing_strategy: if index {
                        TopicSuffixingStrategy::SuffixWithIndexValue
                    } else {
                        TopicSuffixingStrategy::SuffixWithDelayValue
                    },
                    retry_suffix: r,
                    dlt_suffix: d,
                    version,
                }
            },
        )
}

fn failure_rule() -> impl Strategy<Value = FailureRule> {
    let kind = prop_oneof![
        Just(FailureKind::Poison),
        any::<u32>().prop_map(|failures| FailureKind::Transient { failures }),
        Just(FailureKind::NonRetryable),
    ];
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        kind,
        proptest::option::of(text()),
        proptest::option::of(text()),
    )
        .prop_map(
            |(key_equals, value_contains, kind, exception, message)| FailureRule {
                matches: RecordMatch {
                    key_equals,
                    value_contains,
                },
                kind,
                exception,
                message,
            },
        )
}

fn group_config() -> impl Strategy<Value = GroupConfig> {
    let listener = (
        any::<u64>(),
        prop::collection::vec(failure_rule(), 0..3),
        proptest::option::of(prop::collection::vec(text(), 0..3)),
        any::<[bool; 4]>(),
        back_off(),
        version(),
        prop::collection::vec(text(), 0..2),
        proptest::option::of(retry_topic()),
    )
        .prop_map(
            |(jitter, failures, json, flags, back_off, version, not_retryable, retry_topic)| {
                ListenerConfig {
                    processing_jitter_ms: jitter,
                    failures,
                    value_format: match json {
                        Some(trusted_packages) => ValueFormat::Json { trusted_packages },
                        None => ValueFormat::String,
                    },
                    error_handling_deserializer: flags[0],
                    error_handler: ErrorHandlerConfig {
                        back_off,
                        dead_letter: flags[1],
                        spring_kafka_version: version,
                        not_retryable,
                        retry_topic,
                    },
                    idempotent: flags[2],
                    commit_before_processing: flags[3],
                }
            },
        );
    (
        (
            prop::sample::select(vec![
                AssignorKind::Range,
                AssignorKind::RoundRobin,
                AssignorKind::Sticky,
                AssignorKind::CooperativeSticky,
            ]),
            any::<[u64; 6]>(),
            any::<u32>(),
            prop::sample::select(vec![
                CommitMode::Auto,
                CommitMode::Batch,
                CommitMode::Record,
            ]),
            prop::sample::select(vec![
                OffsetResetPolicy::Earliest,
                OffsetResetPolicy::Latest,
                OffsetResetPolicy::None,
            ]),
        ),
        (any::<[bool; 3]>(), listener, proptest::option::of(text())),
    )
        .prop_map(
            |((assignor, ms, records, commit_mode, reset), (flags, listener, forward_to))| {
                GroupConfig {
                    assignor,
                    session_timeout_ms: ms[0],
                    heartbeat_interval_ms: ms[1],
                    max_poll_interval_ms: ms[2],
                    max_poll_records: records,
                    commit_mode,
                    auto_commit_interval_ms: ms[3],
                    auto_offset_reset: reset,
                    initial_rebalance_delay_ms: ms[4],
                    processing_time_ms: ms[5],
                    static_membership: flags[0],
                    listener,
                    isolation_level: if flags[1] {
                        IsolationLevel::ReadCommitted
                    } else {
                        IsolationLevel::ReadUncommitted
                    },
                    forward_to,
                    exactly_once: flags[2],
                }
            },
        )
}

fn producer() -> impl Strategy<Value = ProducerSpec> {
    let keys = prop_oneof![
        prop::collection::vec(text(), 0..3).prop_map(|keys| KeyStream::Fixed { keys }),
        (text(), any::<u32>(), number()).prop_map(|(prefix, count, skew)| KeyStream::KeySpace {
            prefix,
            count,
            skew
        }),
        Just(KeyStream::Null),
    ];
    (
        (text(), text(), keys, text(), number()),
        (
            any::<bool>(),
            prop::sample::select(vec![
                PartitionerKind::UniformSticky,
                PartitionerKind::LegacySticky,
                PartitionerKind::LegacyRoundRobin,
                PartitionerKind::RoundRobin,
            ]),
            any::<u32>(),
            any::<[bool; 3]>(),
            prop::sample::select(vec![Acks::All, Acks::One, Acks::Zero]),
        ),
        (
            any::<u32>(),
            any::<u64>(),
            any::<i32>(),
            proptest::option::of(text()),
            any::<u64>(),
            any::<Option<u32>>(),
            any::<Option<u32>>(),
        ),
    )
        .prop_map(
            |(
                (name, topic, keys, value_template, rate_per_sec),
                (integer, kind, batch_size, flags, acks),
                (in_flight, timeout, retries, transactional_id, tx_timeout, size, abort),
            )| ProducerSpec {
                name,
                topic,
                keys,
                value_template,
                rate_per_sec,
                key_serializer: if integer {
                    KeySerializer::Integer
                } else {
                    KeySerializer::String
                },
                partitioner: PartitionerConfig {
                    kind,
                    batch_size,
                    ignore_keys: flags[0],
                    adaptive: flags[1],
                },
                enable_idempotence: flags[2],
                acks,
                max_in_flight_requests_per_connection: in_flight,
                request_timeout_ms: timeout,
                retries,
                transactional_id,
                transaction_timeout_ms: tx_timeout,
                transaction_size: size,
                abort_every: abort,
            },
        )
}

fn command() -> impl Strategy<Value = Command> {
    let header = (text(), prop::collection::vec(any::<u8>(), 0..4))
        .prop_map(|(key, value)| Header { key, value });
    let target = prop_oneof![
        Just(ResetTarget::Earliest),
        Just(ResetTarget::Latest),
        any::<u64>().prop_map(|offset| ResetTarget::ToOffset { offset }),
        any::<i64>().prop_map(|by| ResetTarget::ShiftBy { by }),
        any::<u64>().prop_map(|at_ms| ResetTarget::ToTime { at_ms }),
    ];
    prop_oneof![
        (
            text(),
            any::<u32>(),
            any::<Option<u64>>(),
            any::<Option<u64>>()
        )
            .prop_map(|(name, partitions, retention_ms, retention_bytes)| {
                Command::CreateTopic {
                    name,
                    partitions,
                    retention_ms,
                    retention_bytes,
                }
            }),
        (text(), any::<u32>())
            .prop_map(|(topic, partitions)| Command::AddPartitions { topic, partitions }),
        producer().prop_map(Command::AddProducer),
        text().prop_map(|name| Command::RemoveProducer { name }),
        (text(), number())
            .prop_map(|(name, rate_per_sec)| Command::SetProducerRate { name, rate_per_sec }),
        (
            text(),
            proptest::option::of(text()),
            proptest::option::of(text()),
            any::<Option<u32>>(),
            prop::collection::vec(header, 0..3)
        )
            .prop_map(|(topic, key, value, partition, headers)| Command::Produce {
                topic,
                key,
                value,
                partition,
                headers,
            }),
        (
            text(),
            prop::collection::vec(text(), 0..3),
            group_config(),
            any::<u32>()
        )
            .prop_map(|(group, topics, config, consumers)| Command::AddGroup {
                group,
                topics,
                config,
                consumers,
            }),
        text().prop_map(|group| Command::AddConsumer { group }),
        text().prop_map(|consumer| Command::RemoveConsumer { consumer }),
        text().prop_map(|consumer| Command::CrashConsumer { consumer }),
        text().prop_map(|consumer| Command::RestartConsumer { consumer }),
        (text(), any::<bool>())
            .prop_map(|(consumer, paused)| Command::PauseConsumer { consumer, paused }),
        (text(), group_config())
            .prop_map(|(group, config)| Command::SetGroupConfig { group, config }),
        (text(), any::<u32>(), any::<u64>(), any::<u32>()).prop_map(
            |(topic, partition, from_offset, count)| Command::Redrive {
                topic,
                partition,
                from_offset,
                count,
            }
        ),
        (text(), target).prop_map(|(group, to)| Command::ResetOffsets { group, to }),
        (text(), any::<u32>()).prop_map(|(producer, count)| Command::LoseAcks { producer, count }),
        text().prop_map(|producer| Command::BeginTransaction { producer }),
        text().prop_map(|producer| Command::CommitTransaction { producer }),
        text().prop_map(|producer| Command::AbortTransaction { producer }),
        (text(), any::<u32>())
            .prop_map(|(producer, count)| Command::ProducerSend { producer, count }),
    ]
}

prop_compose! {
    fn scenario()(
        version in prop_oneof![Just(SCENARIO_VERSION), any::<u32>()],
        name in text(),
        seed in any::<u64>(),
        cluster in any::<(u64, u64)>(),
        topics in prop::collection::vec(
            (text(), any::<u32>(), any::<Option<u64>>(), any::<Option<u64>>()), 0..3),
        producers in prop::collection::vec(producer(), 0..2),
        groups in prop::collection::vec(
            (text(), prop::collection::vec(text(), 0..3), group_config(), any::<u32>()), 0..2),
        script in prop::collection::vec(
            (any::<u64>(), any::<Option<u64>>(), command()), 0..6),
        open_at_ms in any::<Option<u64>>(),
        played_to_ms in any::<Option<u64>>(),
    ) -> Scenario {
        Scenario {
            version,
            name,
            seed,
            cluster: ClusterConfig {
                network_latency_ms: cluster.0,
                retention_check_interval_ms: cluster.1,
            },
            topics: topics
                .into_iter()
                .map(|(name, partitions, retention_ms, retention_bytes)| TopicSpec {
                    name,
                    partitions,
                    retention_ms,
                    retention_bytes,
                })
                .collect(),
            producers,
            groups: groups
                .into_iter()
                .map(|(id, topics, config, consumers)| GroupSpec { id, topics, config, consumers })
                .collect(),
            queues: Vec::new(),
            call_chains: Vec::new(),
            script: script
                .into_iter()
                .map(|(at_ms, after_events, command)| ScriptEntry { at_ms, after_events, command })
                .collect(),
            open_at_ms,
            played_to_ms,
        }
    }
}

/// `value` with `changes` random changes: a field removed, replaced or joined by an unknown
/// one, chosen by `choices`.
fn damaged(mut value: Value, choices: &[(u16, u16)]) -> Value {
    for &(node, how) in choices {
        let mut all = Vec::new();
        pointers(&value, String::new(), false, &mut all);
        let (pointer, is_tag) = all[node as usize % all.len()].clone();
        let original = value.pointer(&pointer).unwrap().clone();
        let options = replacements(&original, is_tag);
        let how = how as usize % (options.len() + 2);
        if how < options.len() {
            *value.pointer_mut(&pointer).unwrap() = options[how].clone();
        } else if how == options.len() {
            if let Some((parent, key)) = pointer.rsplit_once('/') {
                if let Some(Value::Object(map)) = value.pointer_mut(parent) {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
            }
        } else if let Some(map) = value.pointer_mut(&pointer).unwrap().as_object_mut() {
            map.insert("zzz".into(), json!([1]));
        }
    }
    value
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_scenario_reads_back_the_same(scenario in scenario()) {
        let text = serde_json::to_string(&scenario).unwrap();
        prop_assert_eq!(read(&text), Ok(scenario));
    }

    /// The page writes scenarios with its own writer (`kplay_engine::json_write`), which must
    /// write what serde_json makes of the derives.
    #[test]
    fn any_scenario_is_written_as_serde_json_writes_it(scenario in scenario()) {
        prop_assert_eq!(scenario.to_compact_json(), serde_json::to_string(&scenario).unwrap());
    }

    #[test]
    fn any_damaged_scenario_reads_the_same(
        scenario in scenario(),
        choices in prop::collection::vec(any::<(u16, u16)>(), 1..4),
    ) {
        let value = damaged(serde_json::to_value(&scenario).unwrap(), &choices);
        let _ = read(&value.to_string());
    }
}

// ---- refusals and messages ------------------------------------------------------------------

#[test]
fn the_spellings_nothing_writes_are_refused() {
    // serde's derives accepted these; nothing writes them, so the reader refuses them.
    let refused = [
        // A struct as an array of its field values.
        (
            r#"{"version":1,"topics":[["t",1]]}"#,
            "topics[0]: expected an object, got an array",
        ),
        (
            r#"{"version":1,"cluster":[]}"#,
            "cluster: expected an object, got an array",
        ),
        // An internally tagged enum as an array, its tag first.
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":["add_consumer","g"]}]}"#,
            "script[0].command: expected an object, got an array",
        ),
        // A unit variant as a one-entry object.
        (
            r#"{"version":1,"producers":[{"name":"p","topic":"t","keys":{"type":"null"},"acks":{"one":null}}]}"#,
            r#"producers[0].acks: expected one of "all", "one", "zero", got an object"#,
        ),
        // A variant by its number, which serde took where it buffered the enum.
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"reset_offsets","group":"g","to":{"type":1}}}]}"#,
            "script[0].command.to.type: expected a string, got 1",
        ),
        // An unknown field given twice.
        (
            r#"{"version":1,"groups":[{"id":"g","topics":[],"config":{"x":1,"x":2}}]}"#,
            r#"duplicate field "x" at line 1 column 64"#,
        ),
    ];
    for (text, message) in refused {
        assert_eq!(read(text), Err(message.to_owned()), "{text}");
    }
}

#[test]
fn a_field_given_twice_is_refused() {
    for (text, column) in [
        (r#"{"version":1,"seed":1,"seed":2}"#, 28),
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"add_consumer","group":"g","group":"h"}}]}"#,
            86,
        ),
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"add_consumer","type":"add_consumer","group":"g"}}]}"#,
            73,
        ),
    ] {
        let e = read(text).unwrap_err();
        assert!(e.starts_with("duplicate field"), "{e}");
        assert!(e.ends_with(&format!("line 1 column {column}")), "{e}");
    }
}

#[test]
fn a_setting_that_does_not_fit_the_cluster_says_where_it_is() {
    let text = r#"{"version":1,"topics":[{"name":"t","partitions":2}],"producers":[],"groups":[{"id":"g","topics":["t"]},{"id":"h","topics":["nope"]}]}"#;
    assert_eq!(
        Scenario::from_json(text).unwrap_err().to_string(),
        "groups[1]: topic nope does not exist"
    );
}

#[test]
fn messages_say_where_what_was_expected_and_what_was_found() {
    let cases = [
        (r#"{}"#, r#"missing field "version""#),
        (r#"[]"#, "expected an object, got an array"),
        (
            r#"{"version":1,"seed":"forty-two"}"#,
            r#"seed: expected a whole number from 0 to 18446744073709551615, got "forty-two""#,
        ),
        (
            r#"{"version":1,"seed":-1}"#,
            "seed: expected a whole number from 0 to 18446744073709551615, got -1",
        ),
        (
            r#"{"version":1,"seed":1.5}"#,
            "seed: expected a whole number from 0 to 18446744073709551615, got 1.5",
        ),
        (
            r#"{"version":1,"name":null}"#,
            "name: expected a string, got null",
        ),
        (
            r#"{"version":1,"colour":"red"}"#,
            r#"unknown field "colour", expected one of "version", "name", "seed", "cluster", "topics", "producers", "groups", "queues", "call_chains", "script", "open_at_ms", "played_to_ms""#,
        ),
        (
            r#"{"version":1,"topics":[{"name":"t"}]}"#,
            r#"topics[0]: missing field "partitions""#,
        ),
        (
            r#"{"version":1,"topics":[{"name":"t","partitions":4294967296}]}"#,
            "topics[0].partitions: expected a partition count from 1 to 64, got 4294967296",
        ),
        (
            r#"{"version":1,"topics":[{"name":"t","partitions":-1}]}"#,
            "topics[0].partitions: expected a partition count from 1 to 64, got -1",
        ),

        (
            r#"{"version":1,"groups":[{"id":"g","topics":["t"],"config":{"max_poll_records":"ten"}}]}"#,
            r#"groups[0].config.max_poll_records: expected a whole number from 0 to 4294967295, got "ten""#,
        ),
        (
            r#"{"version":1,"groups":[{"id":"g","topics":["t", 7]}]}"#,
            "groups[0].topics[1]: expected a string, got 7",
        ),
        (
            r#"{"version":1,"groups":[{"id":"g","topics":[],"config":{"assignor":"Range"}}]}"#,
            r#"groups[0].config.assignor: expected one of "range", "roundrobin", "round-robin", "sticky", "cooperative-sticky", got "Range""#,
        ),
        (
            r#"{"version":1,"groups":[{"id":"g","topics":[],"config":{"listener":{"error_handler":{"back_off":{"type":"linear"}}}}}]}"#,
            r#"groups[0].config.listener.error_handler.back_off.type: unknown variant "linear", expected one of "fixed", "exponential", "exponential_with_max_retries""#,
        ),
        (
            r#"{"version":1,"groups":[{"id":"g","topics":[],"config":{"listener":{"failures":[{"kind":{"type":"transient"}}]}}}]}"#,
            r#"groups[0].config.listener.failures[0].kind: missing field "failures""#,
        ),
        (
            r#"{"version":1,"producers":[{"name":"p","topic":"t","keys":{"prefix":"k"}}]}"#,
            r#"producers[0].keys: missing field "type""#,
        ),
        (
            r#"{"version":1,"producers":[{"name":"p","topic":"t","keys":{"type":"null"},"retries":2147483648}]}"#,
            "producers[0].retries: expected a whole number from -2147483648 to 2147483647, got 2147483648",
        ),
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"produce","topic":"t","headers":[{"key":"h","value":[256]}]}}]}"#,
            "script[0].command.headers[0].value[0]: expected a whole number from 0 to 255, got 256",
        ),
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"set_producer_rate","name":"p","rate_per_sec":"fast"}}]}"#,
            r#"script[0].command.rate_per_sec: expected a number with at most 3 decimal places, got "fast""#,
        ),
        (
            r#"{"version":1,"script":[{"at_ms":0,"command":{"type":"pause_consumer","consumer":"c","paused":1}}]}"#,
            "script[0].command.paused: expected true or false, got 1",
        ),
        (r#"{"version":1} x"#, "trailing characters at line 1 column 15"),
        (r#"{"version":1"#, "EOF while parsing an object at line 1 column 12"),
    ];
    for (text, message) in cases {
        assert_eq!(read(text), Err(message.to_owned()), "{text}");
    }
    assert_eq!(
        Scenario::from_json(r#"{"version":1,"topics":{}}"#)
            .unwrap_err()
            .to_string(),
        "scenario is not valid: topics: expected an array, got an object"
    );
}

#[test]
fn fields_left_out_take_kafkas_and_springs_defaults() {
    let scenario = read(
        r#"{"version":1,
            "groups":[{"id":"g","topics":["t"]}, {"id":"h","topics":[],"config":{"listener":{
                "failures":[{"kind":{"type":"poison"}}],
                "value_format":{"type":"json"},
                "error_handler":{"back_off":{"type":"fixed","interval_ms":5}}}}}],
            "producers":[{"name":"p","topic":"t","keys":{"type":"key_space","prefix":"k","count":3}}],
            "script":[{"at_ms":0,"command":{"type":"add_group","group":"x","topics":[]}},
                      {"at_ms":1,"command":{"type":"produce","topic":"t"}}]}"#,
    )
    .unwrap();
    assert_eq!(scenario.name, "");
    assert_eq!(scenario.seed, 0);
    assert_eq!(scenario.cluster, ClusterConfig::default());
    assert_eq!(scenario.cluster.network_latency_ms, 1);
    assert_eq!(scenario.open_at_ms, None);
    let g = &scenario.groups[0];
    assert_eq!((g.consumers, &g.config), (1, &GroupConfig::default()));
    assert_eq!(g.config.session_timeout_ms, 45_000);
    assert_eq!(g.config.max_poll_records, 500);
    let listener = &scenario.groups[1].config.listener;
    assert_eq!(listener.failures[0].matches, RecordMatch::default());
    assert_eq!(
        listener.value_format,
        ValueFormat::Json {
            trusted_packages: vec!["java.util".into(), "java.lang".into()]
        }
    );
    assert_eq!(
        listener.error_handler.back_off,
        BackOff::Fixed {
            interval_ms: 5,
            max_attempts: None
        }
    );
    assert_eq!(
        listener.error_handler.spring_kafka_version,
        SpringKafkaVersion::V4_1
    );
    let p = &scenario.producers[0];
    assert_eq!(
        p,
        &ProducerSpec {
            name: "p".into(),
            topic: "t".into(),
            keys: KeyStream::KeySpace {
                prefix: "k".into(),
                count: 3,
                skew: 0.0
            },
            ..ProducerSpec::default()
        }
    );
    assert!(p.enable_idempotence);
    assert_eq!(
        (p.max_in_flight_requests_per_connection, p.retries),
        (5, i32::MAX)
    );
    assert_eq!(p.transaction_timeout_ms, 60_000);
    match &scenario.script[0].command {
        Command::AddGroup {
            config, consumers, ..
        } => assert_eq!((config, *consumers), (&GroupConfig::default(), 0)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        scenario.script[1].command,
        Command::Produce {
            topic: "t".into(),
            key: None,
            value: None,
            partition: None,
            headers: vec![]
        }
    );
}

#[test]
fn every_listed_tag_reads_and_every_written_tag_is_listed() {
    let value = serde_json::to_value(everything()).unwrap();
    let mut tags = Vec::new();
    collect_tags(&value, &mut tags);
    for tag in &tags {
        assert!(spellings().contains(&tag.as_str()), "{tag}");
    }
    for name in Command::TYPES
        .iter()
        .filter(|t| !COMMANDS_SINCE_THE_PROOF.contains(t))
    {
        assert!(
            tags.iter().any(|t| t == name),
            "{name} is in no command written"
        );
    }
}

fn collect_tags(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(tag)) = map.get("type") {
                out.push(tag.clone());
            }
            map.values().for_each(|v| collect_tags(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_tags(v, out)),
        _ => {}
    }
}

#[test]
fn paths_are_written_from_the_root() {
    let root = Path::ROOT;
    let groups = root.field("groups");
    let first = groups.index(0);
    assert_eq!(first.error("x"), "groups[0]: x");
    assert_eq!(root.error("x"), "x");
}

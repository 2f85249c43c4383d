//! Determinism: the same scenario and seed always give the same trace, and random command
//! sequences with faults never make the checker find a violation.

mod common;

use common::{earliest, orders};
use kplay_engine::assignor::AssignorKind;
use kplay_engine::group::{CommitMode, GroupConfig};
use kplay_engine::scenario::Scenario;
use kplay_engine::sim::{Command, ScriptEntry};
use proptest::prelude::*;

/// The example scenario shipped with the engine; its hash is also asserted in the browser
/// (tests/web.rs at the top level), so native and wasm cannot drift apart unnoticed.
pub const EXAMPLE: &str = include_str!("../examples/scenarios/order-events.json");
/// Trace hash of [`EXAMPLE`] run to 90 s.
pub const EXAMPLE_HASH_AT_90_S: &str = "d7c98a5a5a9afcf9";

fn hash_of(scenario: &Scenario, until_ms: u64) -> u64 {
    let mut sim = scenario.build().unwrap();
    sim.run_until(until_ms);
    sim.trace().hash()
}

#[test]
fn the_same_scenario_twice_gives_the_same_trace_hash() {
    let scenario = orders(11, 3, 50.0, 2, earliest(5));
    assert_eq!(hash_of(&scenario, 60_000), hash_of(&scenario, 60_000));
    let other_seed = Scenario {
        seed: 12,
        ..scenario.clone()
    };
    assert_ne!(hash_of(&scenario, 60_000), hash_of(&other_seed, 60_000));
}

#[test]
fn golden_trace_hash_of_the_example_scenario() {
    let scenario = Scenario::from_json(EXAMPLE).unwrap();
    let mut sim = scenario.build().unwrap();
    sim.run_until(90_000);
    assert_eq!(
        format!("{:016x}", sim.trace().hash()),
        EXAMPLE_HASH_AT_90_S,
        "seed {}: the example's trace changed; if on purpose, update the hash here and in tests/web.rs",
        scenario.seed
    );
}

/// The example scenarios, by file name, for the golden-hash table.
pub const EXAMPLES: [(&str, &str); 7] = [
    (
        "crash-duplicates.json",
        include_str!("../examples/scenarios/crash-duplicates.json"),
    ),
    (
        "idempotent-consumer.json",
        include_str!("../examples/scenarios/idempotent-consumer.json"),
    ),
    (
        "idempotent-producer.json",
        include_str!("../examples/scenarios/idempotent-producer.json"),
    ),
    (
        "order-events.json",
        include_str!("../examples/scenarios/order-events.json"),
    ),
    (
        "poison-to-dead-letter.json",
        include_str!("../examples/scenarios/poison-to-dead-letter.json"),
    ),
    (
        "transactions-read-committed.json",
        include_str!("../examples/scenarios/transactions-read-committed.json"),
    ),
    (
        "transient-backoff.json",
        include_str!("../examples/scenarios/transient-backoff.json"),
    ),
];

#[test]
fn every_example_matches_its_golden_trace_hash() {
    let table = include_str!("../examples/scenarios/golden-hashes.txt");
    let golden: Vec<(&str, &str)> = table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once(' ').expect("file hash"))
        .collect();
    assert_eq!(
        golden.len(),
        EXAMPLES.len(),
        "every example has a golden hash"
    );
    for (file, json) in EXAMPLES {
        let expected = golden.iter().find(|(f, _)| *f == file).expect("listed").1;
        let mut sim = Scenario::from_json(json).unwrap().build().unwrap();
        sim.run_until(90_000);
        assert_eq!(format!("{:016x}", sim.trace().hash()), expected, "{file}");
    }
}

#[test]
fn a_recorded_script_replays_to_the_same_trace() {
    let scenario = orders(13, 4, 30.0, 3, earliest(10));
    let mut live = scenario.build().unwrap();
    live.run_until(15_000);
    live.apply(Command::CrashConsumer {
        consumer: "group-a-2".into(),
    })
    .unwrap();
    live.run_until(25_000);
    live.apply(Command::AddPartitions {
        topic: "order-events".into(),
        partitions: 6,
    })
    .unwrap();
    live.run_until(40_000);
    live.apply(Command::RestartConsumer {
        consumer: "group-a-2".into(),
    })
    .unwrap();
    live.run_until(90_000);

    let recorded = scenario.with_script_of(&live);
    assert_eq!(recorded.script.len(), 3);
    let mut replay = recorded.build().unwrap();
    replay.run_until(90_000);
    assert_eq!(replay.trace().hash(), live.trace().hash());
    assert_eq!(replay.script(), live.script());
}

/// A fault or action at a time, for the property test.
#[derive(Clone, Debug)]
enum Fault {
    Crash(u32),
    Restart(u32),
    Pause(u32),
    Resume(u32),
    Remove(u32),
    AddConsumer,
    AddPartitions,
}

fn fault() -> impl Strategy<Value = (u64, Fault)> {
    let consumer = 1u32..=4;
    let kind = prop_oneof![
        consumer.clone().prop_map(Fault::Crash),
        consumer.clone().prop_map(Fault::Restart),
        consumer.clone().prop_map(Fault::Pause),
        consumer.clone().prop_map(Fault::Resume),
        consumer.prop_map(Fault::Remove),
        Just(Fault::AddConsumer),
        Just(Fault::AddPartitions),
    ];
    (0u64..400_000, kind)
}

fn assignor() -> impl Strategy<Value = AssignorKind> {
    prop_oneof![
        Just(AssignorKind::Range),
        Just(AssignorKind::RoundRobin),
        Just(AssignorKind::Sticky),
        Just(AssignorKind::CooperativeSticky),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// With commits after processing (at-least-once), no fault makes a record lost, and the
    /// engine breaks none of Kafka's rules the checker knows.
    #[test]
    fn random_faults_never_cause_a_violation(
        seed in any::<u64>(),
        assignor in assignor(),
        record_commits in any::<bool>(),
        static_members in any::<bool>(),
        mut faults in proptest::collection::vec(fault(), 0..12),
    ) {
        faults.sort_by_key(|(t, _)| *t);
        let config = GroupConfig {
            assignor,
            commit_mode: if record_commits { CommitMode::Record } else { CommitMode::Batch },
            static_membership: static_members,
            max_poll_records: 20,
            max_poll_interval_ms: 60_000,
            ..earliest(20)
        };
        let mut scenario = orders(seed, 3, 20.0, 3, config);
        let mut partitions = 3;
        for (at_ms, f) in faults {
            let name = |n: u32| format!("group-a-{n}");
            let command = match f {
                Fault::Crash(n) => Command::CrashConsumer { consumer: name(n) },
                Fault::Restart(n) => Command::RestartConsumer { consumer: name(n) },
                Fault::Pause(n) => Command::PauseConsumer { consumer: name(n), paused: true },
                Fault::Resume(n) => Command::PauseConsumer { consumer: name(n), paused: false },
                Fault::Remove(n) => Command::RemoveConsumer { consumer: name(n) },
                Fault::AddConsumer => Command::AddConsumer { group: "group-a".into() },
                Fault::AddPartitions => {
                    partitions += 1;
                    Command::AddPartitions { topic: "order-events".into(), partitions }
                }
            };
            scenario.script.push(ScriptEntry { at_ms, after_events: None, command });
        }
        let mut sim = scenario.build().unwrap();
        sim.run_until(600_000);
        prop_assert_eq!(
            sim.checker().violation_count(), 0,
            "seed {}: {:?}\nreproduce: kplay run with this scenario:\n{}",
            seed, sim.checker().violations(), scenario.to_json()
        );
    }
}

/// The page's Step ends on a whole millisecond: after each one the run is where a replay to
/// that moment (what a share link opens) is, and each one shows something.
#[test]
fn each_step_to_visible_stands_where_a_replay_to_its_moment_stands() {
    let scenario = Scenario::from_json(EXAMPLE).unwrap();
    let mut sim = scenario.build().unwrap();
    for press in 0..300 {
        let before = (sim.trace().total(), sim.now_ms());
        assert!(
            sim.step_to_visible(10_000),
            "press {press}: nothing left to run"
        );
        assert_ne!(
            (sim.trace().total(), sim.now_ms()),
            before,
            "press {press} showed nothing"
        );
        assert!(
            sim.next_event_ms().is_none_or(|at| at > sim.now_ms()),
            "press {press} left events of {} ms to run",
            sim.now_ms()
        );
        if press % 25 == 0 {
            assert_eq!(
                hash_of(&scenario, sim.now_ms()),
                sim.trace().hash(),
                "press {press}: a replay to {} ms differs",
                sim.now_ms()
            );
        }
    }
}

//! The fault soak: many seeded random scenarios with crashes, restarts, pauses, poison
//! records, lost acknowledgements and offset resets, each run through the [`crate::checker`].
//!
//! A seed fixes a whole scenario ([`random_scenario`]): topics with retention (so logs stay
//! bounded however long it runs), producers with keyed, skewed and null keys, groups with every
//! assignor, commit mode and error handler the engine models, and a script of faults at random
//! times. Whatever the faults, Kafka's promises must hold: the checker must find no violation
//! (allowed anomalies such as duplicates, skips and at-most-once losses are fine), and once the
//! faults and producers stop, every running consumer must get back into a stable group
//! ([`unsettled`]).
//!
//! A failing seed reproduces exactly: its scenario is plain JSON that `kplay run` replays.
//! The normal test run soaks a small sample (engine/tests/soak.rs); the `soak` example runs
//! ten thousand scenarios and prints throughput and peak memory.
//!
//! Not covered here: transactions and exactly-once forwarding (their own tests drive them),
//! JSON deserialization failures and redrives.

use crate::assignor::AssignorKind;
use crate::backoff::BackOff;
use crate::checker::Anomaly;
use crate::consumer::{ConsumerStatus, MemberPhase};
use crate::dead_letter::SpringKafkaVersion;
use crate::group::{CommitMode, GroupConfig, GroupState, OffsetResetPolicy};
use crate::listener::{ErrorHandlerConfig, FailureKind, FailureRule, ListenerConfig, RecordMatch};
use crate::producer::{default_value_template, Acks, KeyStream, ProducerSpec};
use crate::retry_topic::RetryTopicConfig;
use crate::rng::SimRng;
use crate::scenario::{GroupSpec, Scenario, TopicSpec, MAX_SCRIPT_MS, SCENARIO_VERSION};
use crate::sim::{Command, ResetTarget, ScriptEntry, Simulation};
use crate::trace::TraceRetention;

/// Virtual run length of one soak scenario unless told otherwise: two minutes, long enough
/// for session timeouts (at most 45 s here), retention (10–120 s) and several rebalances,
/// and short enough that ten thousand scenarios take a few minutes on one core.
pub const DEFAULT_RUN_MS: u64 = 120_000;
/// Most faults one scenario's script holds (an offset reset counts once, though it scripts
/// the stop of every consumer, the reset and the restarts).
pub const MAX_FAULTS: u64 = 25;
/// Text in a record's value that a poison failure rule matches: every delivery fails.
pub const POISON_MARKER: &str = "POISON";
/// Text in a record's value that a non-retryable failure rule matches (E5).
pub const FATAL_MARKER: &str = "FATAL";
/// Trace events kept in memory while soaking (the hash still covers all).
pub const SOAK_TRACE_EVENTS: usize = 256;
/// How often the soak samples the bytes kept in logs, virtual ms.
pub const LOG_SAMPLE_INTERVAL_MS: u64 = 10_000;
/// Most partitions a soak topic grows to through `AddPartitions` faults.
const MAX_SOAK_PARTITIONS: u32 = 24;
/// Prefix of every producer key, so that transient failure rules can name one.
const KEY_PREFIX: &str = "k-";
const TOPIC_NAMES: [&str; 3] = ["orders", "payments", "shipments"];
const GROUP_NAMES: [&str; 3] = ["notification", "analytics", "inventory"];

/// The soak's draws, all from one [`SimRng`] seeded with the scenario's seed.
struct Draw(SimRng);

impl Draw {
    /// A uniform integer in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.0.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.0.below(100) < percent
    }

    /// One of `items`, uniformly.
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.0.below(items.len() as u64) as usize].clone()
    }

    /// An index drawn with these relative weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let mut x = self.0.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("x is below the sum of the weights")
    }
}

/// A random scenario for `seed`, with faults spread over [`DEFAULT_RUN_MS`].
pub fn random_scenario(seed: u64) -> Scenario {
    random_scenario_within(seed, DEFAULT_RUN_MS)
}

/// A random scenario for `seed` whose faults fall within the first `run_ms` of virtual time.
/// Every value lies within the engine's limits, so [`Scenario::build`] succeeds.
pub fn random_scenario_within(seed: u64, run_ms: u64) -> Scenario {
    let mut r = Draw(SimRng::new(seed));
    let topics: Vec<TopicSpec> = (0..r.range(1, 3) as usize)
        .map(|i| random_topic(&mut r, TOPIC_NAMES[i]))
        .collect();
    let topic_names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let producers: Vec<ProducerSpec> = (1..=r.range(1, 3))
        .map(|i| random_producer(&mut r, format!("producer-{i}"), &topic_names))
        .collect();
    let groups: Vec<GroupSpec> = (0..r.range(1, 3) as usize)
        .map(|i| random_group(&mut r, GROUP_NAMES[i], &topic_names))
        .collect();
    let script = random_faults(&mut r, run_ms, &topics, &producers, &groups);
    Scenario {
        version: SCENARIO_VERSION,
        name: format!("soak seed {seed}"),
        seed,
        cluster: Default::default(),
        topics,
        producers,
        groups,
        queues: Vec::new(),
        call_chains: Vec::new(),
        script,
        open_at_ms: None,
        played_to_ms: None,
    }
}

/// A topic with 1–12 partitions and time or size retention (or both).
fn random_topic(r: &mut Draw, name: &str) -> TopicSpec {
    let ms = [10_000, 30_000, 60_000, 120_000];
    let bytes = [4_096, 16_384, 65_536, 262_144];
    let (retention_ms, retention_bytes) = match r.range(0, 2) {
        0 => (Some(r.pick(&ms)), None),
        1 => (None, Some(r.pick(&bytes))),
        _ => (Some(r.pick(&ms)), Some(r.pick(&bytes))),
    };
    TopicSpec {
        name: name.to_owned(),
        partitions: r.range(1, 12) as u32,
        retention_ms,
        retention_bytes,
    }
}

/// A producer at 1–200 records/s with keyed, skewed, fixed or null keys, idempotent or not.
fn random_producer(r: &mut Draw, name: String, topics: &[String]) -> ProducerSpec {
    let keys = match r.range(0, 3) {
        0 => KeyStream::KeySpace {
            prefix: KEY_PREFIX.into(),
            count: r.range(1, 1_000) as u32,
            skew: 0.0,
        },
        1 => KeyStream::KeySpace {
            prefix: KEY_PREFIX.into(),
            count: r.range(10, 1_000) as u32,
            skew: r.pick(&[0.5, 1.0, 2.0]),
        },
        2 => KeyStream::Fixed {
            keys: (0..r.range(1, 5))
                .map(|k| format!("{KEY_PREFIX}{k}"))
                .collect(),
        },
        _ => KeyStream::Null,
    };
    // Log-uniform over 1–200 records/s, in whole records.
    let rate_per_sec = 200f64.powf(r.0.unit_f64()).round().max(1.0);
    let mut spec = ProducerSpec {
        name,
        topic: r.pick(topics),
        keys,
        value_template: default_value_template(),
        rate_per_sec,
        request_timeout_ms: r.pick(&[2_000, 10_000, 30_000]),
        ..ProducerSpec::default()
    };
    if r.chance(30) {
        spec.enable_idempotence = false;
        spec.acks = r.pick(&[Acks::All, Acks::One, Acks::Zero]);
        spec.max_in_flight_requests_per_connection = r.pick(&[1, 5, 10]);
        spec.retries = r.pick(&[0, 3, i32::MAX]);
    }
    spec
}

/// A group of 1–5 consumers on a non-empty subset of the topics, with random settings and,
/// sometimes, failure rules and a non-default error handler.
fn random_group(r: &mut Draw, id: &str, topics: &[String]) -> GroupSpec {
    let mut subscribed: Vec<String> = topics.iter().filter(|_| r.chance(50)).cloned().collect();
    if subscribed.is_empty() {
        subscribed.push(r.pick(topics));
    }
    let session_timeout_ms = r.pick(&[6_000, 10_000, 20_000, 45_000]);
    let config = GroupConfig {
        assignor: r.pick(&[
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
            AssignorKind::CooperativeSticky,
        ]),
        session_timeout_ms,
        heartbeat_interval_ms: session_timeout_ms / 3,
        max_poll_interval_ms: r.pick(&[10_000, 30_000, 60_000, 300_000]),
        max_poll_records: r.pick(&[1, 5, 20, 100, 500]),
        commit_mode: r.pick(&[CommitMode::Auto, CommitMode::Batch, CommitMode::Record]),
        auto_commit_interval_ms: r.pick(&[1_000, 5_000]),
        // `none` would only fail the consumers (NoOffsetForPartitionException).
        auto_offset_reset: r.pick(&[OffsetResetPolicy::Earliest, OffsetResetPolicy::Latest]),
        initial_rebalance_delay_ms: r.pick(&[0, 3_000]),
        // Mostly quick listeners; sometimes slow ones that overrun max.poll.interval.ms.
        processing_time_ms: if r.chance(10) {
            r.pick(&[100, 500])
        } else {
            r.range(0, 20)
        },
        static_membership: r.chance(30),
        listener: random_listener(r),
        ..GroupConfig::default()
    };
    GroupSpec {
        id: id.to_owned(),
        topics: subscribed,
        config,
        consumers: r.range(1, 5) as u32,
    }
}

/// A listener with, sometimes, a poison rule, a non-retryable rule and a transient rule, and
/// an error handler with blocking back-off (recovering by logging or to a dead-letter topic)
/// or retry topics; sometimes at-most-once or idempotent.
fn random_listener(r: &mut Draw) -> ListenerConfig {
    let mut failures = Vec::new();
    let by_value = |text: &str, kind| FailureRule {
        matches: RecordMatch {
            key_equals: None,
            value_contains: Some(text.to_owned()),
        },
        kind,
        exception: None,
        message: None,
    };
    if r.chance(50) {
        failures.push(by_value(POISON_MARKER, FailureKind::Poison));
        if r.chance(30) {
            failures.push(by_value(FATAL_MARKER, FailureKind::NonRetryable));
        }
    }
    if r.chance(30) {
        failures.push(FailureRule {
            matches: RecordMatch {
                key_equals: Some(format!("{KEY_PREFIX}{}", r.range(0, 9))),
                value_contains: None,
            },
            kind: FailureKind::Transient {
                failures: r.range(1, 3) as u32,
            },
            exception: None,
            message: None,
        });
    }
    let back_off = match r.range(0, 3) {
        0 => BackOff::spring_kafka_default(),
        1 => BackOff::fixed(r.pick(&[0, 100, 1_000]), r.range(0, 5)),
        2 => BackOff::ExponentialWithMaxRetries {
            max_retries: r.range(1, 4) as u32,
            initial_interval_ms: r.pick(&[100, 500]),
            multiplier: 2.0,
            max_interval_ms: 5_000,
        },
        // Rarely: retry forever, so a poison record blocks its partition for good.
        _ if r.chance(20) => BackOff::Fixed {
            interval_ms: 1_000,
            max_attempts: None,
        },
        _ => BackOff::fixed(500, 3),
    };
    let version = r.pick(&SpringKafkaVersion::ALL);
    let retry_topic = (!failures.is_empty() && r.chance(25)).then(|| RetryTopicConfig {
        attempts: r.range(2, 3) as u32,
        delay_ms: r.pick(&[200, 1_000]),
        multiplier: r.pick(&[0.0, 2.0]),
        ..RetryTopicConfig::for_version(version)
    });
    ListenerConfig {
        processing_jitter_ms: r.range(0, 10),
        failures,
        error_handler: ErrorHandlerConfig {
            back_off,
            dead_letter: retry_topic.is_none() && r.chance(50),
            spring_kafka_version: version,
            retry_topic,
            ..ErrorHandlerConfig::default()
        },
        idempotent: r.chance(20),
        commit_before_processing: r.chance(15),
        ..ListenerConfig::default()
    }
}

/// 0–[`MAX_FAULTS`] faults at random times in `1 s..run_ms`, in time order.
fn random_faults(
    r: &mut Draw,
    run_ms: u64,
    topics: &[TopicSpec],
    producers: &[ProducerSpec],
    groups: &[GroupSpec],
) -> Vec<ScriptEntry> {
    let count = r.range(0, MAX_FAULTS);
    if run_ms <= 1_000 {
        return Vec::new();
    }
    let mut times: Vec<u64> = (0..count).map(|_| r.range(1_000, run_ms - 1)).collect();
    times.sort_unstable();
    // Consumers per group so far: faults name `<group>-<n>`, and AddConsumer adds the next n.
    let mut consumers: Vec<u32> = groups.iter().map(|g| g.consumers).collect();
    let mut partitions: Vec<u32> = topics.iter().map(|t| t.partitions).collect();
    // Topics a poison rule reads, so that poison sends reach a listener that fails on them.
    let poisoned: Vec<String> = groups
        .iter()
        .filter(|g| !g.config.listener.failures.is_empty())
        .flat_map(|g| g.topics.iter().cloned())
        .collect();
    let mut script = Vec::new();
    let mut push = |at_ms: u64, command: Command| {
        script.push(ScriptEntry {
            at_ms,
            after_events: None,
            command,
        })
    };
    for at_ms in times {
        let g = r.0.below(groups.len() as u64) as usize;
        let group = groups[g].id.clone();
        let consumer = format!("{group}-{}", r.range(1, u64::from(consumers[g])));
        // Crash, restart, pause, resume, remove, add consumer, add partitions, poison send,
        // lost acknowledgements, offset reset.
        match r.weighted(&[15, 15, 8, 8, 6, 6, 5, 12, 12, 5]) {
            0 => push(at_ms, Command::CrashConsumer { consumer }),
            1 => push(at_ms, Command::RestartConsumer { consumer }),
            2 => push(
                at_ms,
                Command::PauseConsumer {
                    consumer,
                    paused: true,
                },
            ),
            3 => push(
                at_ms,
                Command::PauseConsumer {
                    consumer,
                    paused: false,
                },
            ),
            4 => push(at_ms, Command::RemoveConsumer { consumer }),
            5 => {
                consumers[g] += 1;
                push(at_ms, Command::AddConsumer { group });
            }
            6 => {
                let t = r.0.below(topics.len() as u64) as usize;
                if partitions[t] < MAX_SOAK_PARTITIONS {
                    partitions[t] = (partitions[t] + r.range(1, 3) as u32).min(MAX_SOAK_PARTITIONS);
                    push(
                        at_ms,
                        Command::AddPartitions {
                            topic: topics[t].name.clone(),
                            partitions: partitions[t],
                        },
                    );
                }
            }
            7 => {
                let topic = if poisoned.is_empty() {
                    topics[r.0.below(topics.len() as u64) as usize].name.clone()
                } else {
                    r.pick(&poisoned)
                };
                let marker = if r.chance(20) {
                    FATAL_MARKER
                } else {
                    POISON_MARKER
                };
                for _ in 0..r.range(1, 3) {
                    let key = r
                        .chance(80)
                        .then(|| format!("{KEY_PREFIX}{}", r.range(0, 20)));
                    push(
                        at_ms,
                        Command::Produce {
                            topic: topic.clone(),
                            value: Some(format!(
                                r#"{{"orderId":"{}","status":"{marker}"}}"#,
                                key.as_deref().unwrap_or("none")
                            )),
                            key,
                            partition: None,
                            headers: Vec::new(),
                        },
                    );
                }
            }
            8 => {
                let p = r.0.below(producers.len() as u64) as usize;
                push(
                    at_ms,
                    Command::LoseAcks {
                        producer: producers[p].name.clone(),
                        count: r.range(1, 20) as u32,
                    },
                );
            }
            _ => {
                // An offset reset needs an Empty group: stop every consumer, wait out the
                // session timeout (static and crashed members only leave when it expires),
                // reset, restart them. A fault scripted in between may restart one early;
                // then the group is not Empty and the reset is refused and skipped.
                let stop = 0..consumers[g];
                for n in stop.clone() {
                    push(
                        at_ms,
                        Command::RemoveConsumer {
                            consumer: format!("{group}-{}", n + 1),
                        },
                    );
                }
                let reset_at = at_ms + groups[g].config.session_timeout_ms + 3_000;
                let to = match r.range(0, 4) {
                    0 => ResetTarget::Earliest,
                    1 => ResetTarget::Latest,
                    2 => ResetTarget::ShiftBy {
                        by: -(r.range(1, 100) as i64),
                    },
                    3 => ResetTarget::ToTime { at_ms: at_ms / 2 },
                    _ => ResetTarget::ToOffset {
                        offset: r.range(0, 50),
                    },
                };
                push(
                    reset_at,
                    Command::ResetOffsets {
                        group: group.clone(),
                        to,
                    },
                );
                for n in stop {
                    push(
                        reset_at + 1_000,
                        Command::RestartConsumer {
                            consumer: format!("{group}-{}", n + 1),
                        },
                    );
                }
            }
        }
    }
    // The reset sequences reach past later faults: restore time order (stable, so commands
    // of one time keep the order they were drawn in), within the script's time limit.
    script.sort_by_key(|e| e.at_ms);
    script.retain(|e| e.at_ms <= MAX_SCRIPT_MS);
    script
}

/// What one soak scenario did.
#[derive(Clone, Debug)]
pub struct SoakResult {
    /// The scenario's seed.
    pub seed: u64,
    /// Violations the checker found (must be 0).
    pub violations: u64,
    /// The first violations in detail.
    pub anomalies: Vec<Anomaly>,
    /// Events the simulation ran.
    pub events: u64,
    /// Records appended to logs.
    pub records: u64,
    /// Bytes kept in all partition logs at the end of the run.
    pub log_bytes: u64,
    /// Most bytes kept in all partition logs at any sample (every
    /// [`LOG_SAMPLE_INTERVAL_MS`] and at the end).
    pub peak_log_bytes: u64,
    /// Script commands due within the run that the simulation refused and skipped (e.g. a
    /// restart of a running consumer, or an offset reset of a group that was not Empty).
    pub refused_commands: u64,
    /// Running consumers not back in a stable group after the quiet time ([`unsettled`]);
    /// each counts as a violation.
    pub unsettled: Vec<String>,
    /// The scenario as JSON when it found a violation, for `kplay run`.
    pub scenario_json: Option<String>,
}

/// Totals over a soak.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SoakSummary {
    /// Scenarios run.
    pub scenarios: u64,
    /// Violations over all scenarios.
    pub violations: u64,
    /// Seeds of the scenarios with violations.
    pub failing_seeds: Vec<u64>,
    /// Events over all scenarios.
    pub events: u64,
    /// Records produced over all scenarios.
    pub records: u64,
    /// The most bytes any scenario kept in its logs at any sample.
    pub peak_log_bytes: u64,
    /// Refused script commands over all scenarios.
    pub refused_commands: u64,
}

/// Bytes kept in all partition logs of `sim`.
pub fn log_bytes(sim: &Simulation) -> u64 {
    sim.topics()
        .flat_map(|t| t.partitions())
        .map(|p| p.size_bytes())
        .sum()
}

/// Quiet time after a soak run, with every producer stopped and no more faults, within which
/// each running consumer must be back in a stable group: longer than the longest rebalance
/// timeout the soak draws (300 s), a new member's wait in JoinGroup (300 s) and a session
/// timeout (45 s) together.
pub const SETTLE_MS: u64 = 15 * 60_000;

/// Liveness: the running consumers that are not active members of a stable group once the
/// quiet time after the run is over, with what they and their group are doing. Two settings
/// keep a group from settling in Kafka too, so their groups are left out: a heartbeat
/// interval at least the rebalance timeout (`max.poll.interval.ms`), since members hear of a
/// rebalance only at their next heartbeat and it can time out before they do; and a full
/// batch that outlasts the poll timer, since the consumer then leaves, rejoins and processes
/// the same records again for ever.
pub fn unsettled(sim: &Simulation) -> Vec<String> {
    let mut out = Vec::new();
    for c in sim.consumers() {
        let g = &sim.groups()[c.group];
        let config = &g.config;
        let batch_ms = u64::from(config.max_poll_records)
            * (config.processing_time_ms + config.listener.processing_jitter_ms);
        if c.status != ConsumerStatus::Running
            || config.heartbeat_interval_ms >= config.max_poll_interval_ms
            || batch_ms >= config.max_poll_interval_ms
        {
            continue;
        }
        if c.phase != MemberPhase::Active || g.state != GroupState::Stable {
            out.push(format!(
                "{} is {:?} in generation {} while group {} is {} in generation {}",
                c.name,
                c.phase,
                c.generation,
                g.id,
                g.state.name(),
                g.generation
            ));
        }
    }
    out
}

/// The scenario of `seed` for a run of `run_ms`, with its quiet time scripted: after its
/// last fault (a fault's own follow-ups, such as the restarts after an offset reset, may come
/// after `run_ms`), every producer stops, and nothing else happens for [`SETTLE_MS`]. The run
/// with its quiet time ends at [`settled_at`].
pub fn soak_scenario(seed: u64, run_ms: u64) -> Scenario {
    let mut scenario = random_scenario_within(seed, run_ms);
    let quiet_from = quiet_from(&scenario, run_ms);
    let mut producers: Vec<String> = scenario.producers.iter().map(|p| p.name.clone()).collect();
    for entry in &scenario.script {
        if let Command::AddProducer(spec) = &entry.command {
            producers.push(spec.name.clone());
        }
    }
    for name in producers {
        scenario.script.push(ScriptEntry {
            at_ms: quiet_from,
            after_events: None,
            command: Command::SetProducerRate {
                name,
                rate_per_sec: 0.0,
            },
        });
    }
    scenario
}

/// When the quiet time of a soak scenario (before its producers are stopped) begins.
fn quiet_from(scenario: &Scenario, run_ms: u64) -> u64 {
    let last = scenario.script.iter().map(|e| e.at_ms).max().unwrap_or(0);
    run_ms.max(last) + 1
}

/// When the run of [`soak_scenario`] and its quiet time is over: the `--until-ms` that
/// replays a soak failure with `kplay run`.
pub fn settled_at(scenario: &Scenario) -> u64 {
    scenario.script.iter().map(|e| e.at_ms).max().unwrap_or(0) + SETTLE_MS
}

/// Runs the scenario of `seed` to `run_ms`, then its quiet time ([`soak_scenario`]), and
/// reports what the checker found and which consumers did not settle ([`unsettled`]).
pub fn soak_one(seed: u64, run_ms: u64) -> SoakResult {
    let scenario = soak_scenario(seed, run_ms);
    let mut sim = scenario
        .build()
        .unwrap_or_else(|e| panic!("seed {seed}: the soak built an invalid scenario: {e}"));
    sim.set_trace_retention(TraceRetention::Newest(SOAK_TRACE_EVENTS));
    let mut peak_log_bytes = 0;
    let mut t = 0;
    while t < run_ms {
        t = (t + LOG_SAMPLE_INTERVAL_MS).min(run_ms);
        sim.run_until(t);
        peak_log_bytes = peak_log_bytes.max(log_bytes(&sim));
    }
    let due = scenario.script.iter().filter(|e| e.at_ms <= run_ms).count();
    let refused_commands = due.saturating_sub(sim.script().len()) as u64;
    let log_bytes_at_end = log_bytes(&sim);
    sim.run_until(settled_at(&scenario));
    let unsettled = unsettled(&sim);
    let checker = sim.checker();
    let violations = checker.violation_count() + unsettled.len() as u64;
    let counters = sim.counters();
    SoakResult {
        seed,
        violations,
        anomalies: checker.violations().iter().take(10).cloned().collect(),
        events: counters.events,
        records: counters.records_produced,
        log_bytes: log_bytes_at_end,
        peak_log_bytes,
        refused_commands,
        unsettled,
        scenario_json: (violations > 0).then(|| scenario.to_json()),
    }
}

/// Runs the scenarios of `seeds`, each to `run_ms` of virtual time, hands each result to
/// `on_result`, and returns the totals. The caller measures wall time.
pub fn soak(
    seeds: std::ops::Range<u64>,
    run_ms: u64,
    mut on_result: impl FnMut(SoakResult),
) -> SoakSummary {
    let mut summary = SoakSummary::default();
    for seed in seeds {
        let result = soak_one(seed, run_ms);
        summary.scenarios += 1;
        summary.violations += result.violations;
        if result.violations > 0 {
            summary.failing_seeds.push(seed);
        }
        summary.events += result.events;
        summary.records += result.records;
        summary.peak_log_bytes = summary.peak_log_bytes.max(result.peak_log_bytes);
        summary.refused_commands += result.refused_commands;
        on_result(result);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_scenario() {
        assert_eq!(random_scenario(5), random_scenario(5));
        assert_ne!(random_scenario(5), random_scenario(6));
    }

    #[test]
    fn scripts_are_in_time_order_within_the_run() {
        for seed in 0..200 {
            let s = random_scenario_within(seed, 60_000);
            assert!(s.script.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        }
    }
}

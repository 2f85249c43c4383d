//! The fixed heavy scenario the benchmarks run natively and in the browser: 12 partitions,
//! one producer sending 1 million keyed records, and 3 groups of 4 consumers.

use crate::group::{GroupConfig, OffsetResetPolicy};
use crate::producer::{default_value_template, KeyStream, ProducerSpec};
use crate::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use crate::trace::TraceRetention;

/// Records the heavy scenario produces.
pub const HEAVY_RECORDS: u64 = 1_000_000;
/// Its producer's rate, records per second of virtual time.
pub const HEAVY_RATE_PER_SEC: f64 = 10_000.0;

/// The heavy scenario.
pub fn heavy_scenario() -> Scenario {
    let config = GroupConfig {
        auto_offset_reset: OffsetResetPolicy::Earliest,
        ..GroupConfig::default()
    };
    let group = |id: &str| GroupSpec {
        id: id.to_owned(),
        topics: vec!["order-events".into()],
        config: config.clone(),
        consumers: 4,
    };
    Scenario {
        version: SCENARIO_VERSION,
        name: "benchmark: 12 partitions, 3 groups of 4 consumers, 1 million records".into(),
        seed: 2026,
        cluster: Default::default(),
        topics: vec![TopicSpec {
            name: "order-events".into(),
            partitions: 12,
            retention_ms: None,
            retention_bytes: None,
        }],
        producers: vec![ProducerSpec {
            name: "order-service".into(),
            topic: "order-events".into(),
            keys: KeyStream::KeySpace {
                prefix: "order-".into(),
                count: 10_000,
                skew: 0.0,
            },
            value_template: default_value_template(),
            rate_per_sec: HEAVY_RATE_PER_SEC,
            key_serializer: Default::default(),
            partitioner: Default::default(),
            ..Default::default()
        }],
        groups: vec![
            group("notification"),
            group("analytics"),
            group("inventory"),
        ],
        queues: Vec::new(),
        call_chains: Vec::new(),
        script: vec![],
        open_at_ms: None,
        played_to_ms: None,
    }
}

/// What one run of the heavy scenario did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeavyRun {
    /// Record-level events simulated (produced + delivered + processed).
    pub record_events: u64,
    /// All events taken from the queue.
    pub events: u64,
    /// Records produced.
    pub records: u64,
    /// Hash of the trace.
    pub trace_hash: u64,
    /// Checker violations (must be 0).
    pub violations: u64,
}

/// Runs the heavy scenario until every record was produced and consumed by all groups.
/// The caller times it, and drops the returned simulation (a million records take a while to
/// free) after it stopped the clock.
pub fn run_heavy() -> (HeavyRun, crate::Simulation) {
    let mut sim = heavy_scenario()
        .build()
        .expect("the heavy scenario is valid");
    sim.set_trace_retention(TraceRetention::Newest(1_000));
    // The producer needs 100 s of virtual time; a few more let consumers catch up.
    let end_ms = (HEAVY_RECORDS as f64 / HEAVY_RATE_PER_SEC * 1000.0) as u64;
    sim.run_until(end_ms);
    let produced = sim.counters().records_produced;
    // Stop the producer at exactly one million records, then drain.
    let name = sim.producers()[0].spec.name.clone();
    let _ = sim.apply(crate::sim::Command::SetProducerRate {
        name,
        rate_per_sec: 0.0,
    });
    sim.run_for(10_000);
    let counters = sim.counters();
    let run = HeavyRun {
        record_events: counters.record_events(),
        events: counters.events,
        records: produced,
        trace_hash: sim.trace().hash(),
        violations: sim.checker().violation_count(),
    };
    (run, sim)
}

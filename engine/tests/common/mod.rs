//! Scenario builders shared by the engine's integration tests.
#![allow(dead_code)]

use kplay_engine::group::GroupConfig;
use kplay_engine::producer::{KeyStream, ProducerSpec};
use kplay_engine::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};

/// `order-events` with `partitions` partitions, one keyed producer at `rate` records/s, and
/// one group with `consumers` consumers reading from the earliest offset.
pub fn orders(
    seed: u64,
    partitions: u32,
    rate: f64,
    consumers: u32,
    config: GroupConfig,
) -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: "test".into(),
        seed,
        cluster: Default::default(),
        topics: vec![TopicSpec {
            name: "order-events".into(),
            partitions,
            retention_ms: None,
            retention_bytes: None,
        }],
        producers: vec![ProducerSpec {
            name: "order-service".into(),
            topic: "order-events".into(),
            keys: KeyStream::KeySpace {
                prefix: "order-".into(),
                count: 100,
                skew: 0.0,
            },
            value_template: kplay_engine::producer::default_value_template(),
            rate_per_sec: rate,
            key_serializer: Default::default(),
            partitioner: Default::default(),
            ..Default::default()
        }],
        groups: vec![GroupSpec {
            id: "group-a".into(),
            topics: vec!["order-events".into()],
            config,
            consumers,
        }],
        queues: Vec::new(),
        call_chains: Vec::new(),
        script: vec![],
        open_at_ms: None,
        played_to_ms: None,
    }
}

/// Settings that make tests quick to read: earliest reset, a little processing time.
pub fn earliest(processing_time_ms: u64) -> GroupConfig {
    GroupConfig {
        auto_offset_reset: kplay_engine::group::OffsetResetPolicy::Earliest,
        processing_time_ms,
        ..GroupConfig::default()
    }
}

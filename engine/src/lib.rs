//! The Kafka Playground engine: a deterministic, Kafka-exact simulation of producers,
//! partitions, consumer groups and offsets, with no web dependencies.
//!
//! # Layout
//!
//! * [`murmur2`]: Kafka's `Utils.murmur2` and `Utils.toPositive` (P2, P3).
//! * [`partitioner`]: the producer's choice of partition (`BuiltInPartitioner`, P1–P10).
//! * [`rng`]: the seeded, portable PRNG every random choice draws from.
//! * [`assignor`]: RangeAssignor, RoundRobinAssignor, StickyAssignor, CooperativeStickyAssignor.
//! * [`log`]: a partition log with log start offset, high watermark and log end offset.
//! * [`topic`]: a topic and its partitions.
//! * [`sim`]: the simulation, its commands and virtual time.
//! * [`producer`]: producers and their settings (`acks`, `enable.idempotence`, …).
//! * [`producer_state`]: idempotence on the broker: producer ids, epochs, sequence numbers and
//!   the five-batch deduplication window (`ProducerStateEntry`, T3–T4).
//! * [`sender`]: batches in flight, lost acknowledgements, request timeouts and retries
//!   (`Sender`, T1, T3, T5).
//! * [`transaction`]: the transaction coordinator, markers, the last stable offset's inputs and
//!   `isolation.level` (T6–T8).
//! * [`consumer`]: the poll loop, read_committed fetches and exactly-once
//!   consume-transform-produce.
//! * [`group`], [`group_coordinator`]: consumer groups and the classic group coordinator.
//! * [`checker`]: the Jepsen-style anomaly checker.
//!
//! Statement ids such as P1 or C13 refer to the project's Kafka semantics notes; each module
//! says which Kafka or Spring class it models and which Kafka version it follows.

pub mod assignor;
pub mod backoff;
pub mod bench;
pub mod checker;
pub mod consumer;
pub mod dead_letter;
pub mod group;
pub mod group_coordinator;
pub mod log;
pub mod murmur2;
pub mod partitioner;
pub mod producer;
pub mod producer_state;
pub mod retry_topic;
pub mod rng;
pub mod scenario;
pub mod sender;
pub mod sim;
pub mod snapshot;
pub mod topic;
pub mod trace;
pub mod transaction;

pub use sim::{Command, CommandError, Outcome, RecordMetadata, Simulation};

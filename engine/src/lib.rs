//! The Kafka Playground engine: a deterministic, Kafka-exact simulation of producers,
//! partitions, consumer groups and offsets, with no web dependencies.
//!
//! # Layout
//!
//! The simulation and its clock:
//! * [`sim`]: the [`Simulation`], its [`Command`]s, virtual time and the event queue.
//! * [`rng`]: the seeded, portable PRNG every random choice draws from.
//! * [`checkpoint`]: copies of the run that scrubbing back replays from.
//! * [`scenario`]: a whole run (setup, seed, script of actions) as one serializable value.
//! * [`link`]: share links: a scenario in the page's address (`#k1.…`), with caps and migrations.
//! * [`json_read`]: the lean reader every scenario type parses itself with (no serde derive).
//! * [`json_pretty`]: indents compact JSON (one serializer per type in the page, not two).
//! * [`decimal`]: rates, skews and multipliers: decimals with at most three places, exact in JSON.
//! * [`vec_map`]: a map kept as a sorted vector, for the engine's many small maps.
//! * [`snapshot`]: what the view and `kplay run` show, in Kafka's vocabulary.
//! * [`trace`]: the event log and its platform-independent hash.
//! * [`checker`]: Jepsen-style anomaly checks (violations versus allowed anomalies).
//! * [`inspect`]: what the page's inspector shows for a record, topic, partition, producer,
//!   group, consumer or the broker, with the actions that apply to it.
//! * [`journey`]: trace one record through a run (send, polls, attempts, dead letter, commits).
//! * [`lesson`]: guided lessons: a preset scenario, narrated steps, and experiments whose
//!   outcome a check verifies.
//!
//! The broker:
//! * [`topic`] and [`log`]: topics, partition logs, log start offset, high watermark, retention.
//! * [`group`]: a consumer group as the coordinator keeps it (`ClassicGroupState`, C8).
//! * [`group_coordinator`]: JoinGroup, SyncGroup, heartbeats, LeaveGroup, OffsetCommit.
//!
//! The clients:
//! * [`producer`]: key streams, value templates, serializers, rates.
//! * [`partitioner`]: `BuiltInPartitioner` and the legacy partitioners (P1–P10).
//! * [`murmur2`]: Kafka's `Utils.murmur2` and `Utils.toPositive` (P2, P3).
//! * [`consumer`]: `KafkaConsumer`'s poll loop, positions, commits and heartbeat thread.
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
//! Spring Kafka's listener container:
//! * [`listener`]: the `@KafkaListener`'s processing, failure rules and deserialization.
//! * [`error_handler`]: `DefaultErrorHandler`, dead-letter publishing, retry topics, redrive.
//! * [`backoff`]: `FixedBackOff`, `ExponentialBackOff`, `ExponentialBackOffWithMaxRetries`.
//! * [`dead_letter`]: dead-letter topic names, partitions and headers per Spring version.
//! * [`retry_topic`]: `@RetryableTopic` topic names and delays.
//! * [`spring`]: the Spring Boot view: `application.yml`, Java config and CLI calls for a scenario.
//! * [`spring_yaml`]: a pasted `application.yml` configures a scenario; unknown keys are reported.
//!
//! Beside the cluster, for the lessons that compare Kafka with other ways to connect services:
//! * [`queue`]: a RabbitMQ-style queue with competing workers, acknowledgements and prefetch.
//! * [`call_chain`]: a chain of synchronous service calls with latencies, timeouts and a
//!   client thread pool.
//! * [`timers`]: the small event queue both run on.
//!
//! * [`mod@bench`]: the heavy scenario the benchmarks run.
//! * [`mod@soak`]: the fault soak: seeded random scenarios with faults, run through the checker.
//!
//! Statement ids such as P1 or C13 refer to the project's Kafka semantics notes; each module
//! says which Kafka or Spring class it models and which Kafka version it follows.

pub mod assignor;
pub mod backoff;
pub mod bench;
pub mod call_chain;
pub mod checker;
pub mod checkpoint;
pub mod consumer;
pub mod dead_letter;
pub mod decimal;
pub mod error_handler;
pub mod group;
pub mod group_coordinator;
pub mod inspect;
pub mod journey;
pub mod json_parse;
pub mod json_pretty;
pub mod json_read;
pub mod json_write;
pub mod lesson;
pub mod link;
pub mod listener;
pub mod log;
pub mod murmur2;
pub mod order;
pub mod partitioner;
pub mod producer;
pub mod producer_state;
pub mod queue;
pub mod retry_topic;
pub mod rng;
pub mod scenario;
pub mod sender;
pub mod sim;
pub mod snapshot;
pub mod soak;
pub mod spring;
pub mod spring_yaml;
pub mod timers;
pub mod topic;
pub mod trace;
pub mod transaction;
pub mod vec_map;

pub use sim::{Command, CommandError, Outcome, RecordMetadata, Simulation};

//! The simulation: virtual time, the event queue, the cluster's topics, producers, groups and
//! consumers, and the commands that change them.
//!
//! Time is virtual, in milliseconds, and jumps from one event to the next. Events at the same
//! time run in the order they were scheduled (a sequence number breaks ties), every random
//! choice comes from one seeded [`SimRng`], and no map is iterated in hash order, so a seed and
//! a script of commands replay exactly.
//!
//! Every user action goes through [`Simulation::apply`] and is recorded in the script with its
//! virtual time.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;
use crate::call_chain::{CallChain, CallChainSpec, MAX_CHAINS};
use crate::checker::Checker;
use crate::consumer::Consumer;
use crate::group::{Group, GroupConfig, GroupRole, GroupState};
use crate::json_read::{Field, Obj};
use crate::log::{Header, ProducerBatch};
use crate::producer::{Producer, ProducerSpec};
use crate::queue::{Queue, QueueSpec, WorkerSpec, MAX_QUEUES};
use crate::rng::SimRng;
use crate::topic::{Topic, MAX_PARTITIONS};
use crate::trace::{EventKind, Trace, TraceEvent, TraceRetention};

/// Longest topic name Kafka accepts (`Topic.MAX_NAME_LENGTH`).
pub const MAX_TOPIC_NAME_LEN: usize = 249;
/// Most topics a simulation may have.
pub const MAX_TOPICS: usize = 32;
/// Most producers.
pub const MAX_PRODUCERS: usize = 32;
/// Most consumer groups.
pub const MAX_GROUPS: usize = 16;
/// Most consumers over all groups.
pub const MAX_CONSUMERS: usize = 128;
/// Longest key or value a user may type, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A user action, applied at the simulation's current virtual time.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Creates a topic.
    CreateTopic {
        /// Topic name: 1–249 characters of `[a-zA-Z0-9._-]`, as Kafka requires.
        name: String,
        /// Partition count, 1–[`MAX_PARTITIONS`].
        partitions: u32,
        /// `retention.ms`: records older than this are deleted (None: kept forever).
        #[serde(skip_serializing_if = "Option::is_none")]
        retention_ms: Option<u64>,
        /// `retention.bytes` per partition (None: no size limit).
        #[serde(skip_serializing_if = "Option::is_none")]
        retention_bytes: Option<u64>,
    },
    /// Grows a topic to `partitions` partitions (Kafka never shrinks a topic).
    AddPartitions {
        /// Topic to grow.
        topic: String,
        /// New total partition count.
        partitions: u32,
    },
    /// Adds a producer.
    AddProducer(ProducerSpec),
    /// Removes a producer by name.
    RemoveProducer {
        /// Its name.
        name: String,
    },
    /// Changes a producer's send rate.
    SetProducerRate {
        /// Its name.
        name: String,
        /// Records per second of virtual time, with at most three decimal places; 0 stops it.
        #[serde(serialize_with = "crate::decimal::serialize")]
        rate_per_sec: f64,
    },
    /// Sends one record, as `KafkaProducer.send` with a `StringSerializer` key.
    Produce {
        /// Destination topic.
        topic: String,
        /// The key as text (UTF-8, P10), or `None` for a null key.
        key: Option<String>,
        /// The value as text.
        value: Option<String>,
        /// An explicit partition, which wins over the key (P5).
        #[serde(skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
        /// Record headers.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        headers: Vec<Header>,
    },
    /// Creates a consumer group subscribed to `topics`, with `consumers` members.
    AddGroup {
        /// `group.id`.
        group: String,
        /// Subscribed topics.
        topics: Vec<String>,
        /// Consumer settings.
        config: GroupConfig,
        /// How many consumers to start.
        consumers: u32,
    },
    /// Starts one more consumer in a group.
    AddConsumer {
        /// `group.id`.
        group: String,
    },
    /// Shuts a consumer down cleanly: commit, then LeaveGroup.
    RemoveConsumer {
        /// Its name, e.g. `notification-2`.
        consumer: String,
    },
    /// Kills a consumer: no commit, no LeaveGroup; the coordinator notices after
    /// `session.timeout.ms` (C10).
    CrashConsumer {
        /// Its name.
        consumer: String,
    },
    /// Starts a crashed or removed consumer again.
    RestartConsumer {
        /// Its name.
        consumer: String,
    },
    /// Pauses or resumes a consumer's listener (its heartbeat thread keeps running, so a long
    /// pause exceeds `max.poll.interval.ms`, C10).
    PauseConsumer {
        /// Its name.
        consumer: String,
        /// `true` to pause, `false` to resume.
        paused: bool,
    },
    /// Replaces a group's consumer settings; members pick them up when they next (re)join.
    SetGroupConfig {
        /// `group.id`.
        group: String,
        /// The new settings.
        config: GroupConfig,
    },
    /// Sends records of a dead-letter topic back to their original topic.
    Redrive {
        /// The dead-letter topic.
        topic: String,
        /// Its partition.
        partition: u32,
        /// First offset to redrive.
        from_offset: u64,
        /// How many records, at most 10 000.
        count: u32,
    },
    /// Resets a group's committed offsets, as `kafka-consumer-groups --reset-offsets`.
    /// Allowed only while the group is Empty.
    ResetOffsets {
        /// `group.id`.
        group: String,
        /// Where to.
        to: ResetTarget,
    },
    /// A fault: the broker's next `count` answers to this producer are lost on the way back,
    /// so it retries after `request.timeout.ms` (see [`crate::sender`]). Not for `acks=0`.
    LoseAcks {
        /// The producer's name.
        producer: String,
        /// How many answers to lose, 1–[`crate::sender::MAX_LOST_ACKS`].
        count: u32,
    },
    /// `beginTransaction` of a transactional producer.
    BeginTransaction {
        /// The producer's name.
        producer: String,
    },
    /// `commitTransaction`: a commit marker goes into every partition the transaction wrote
    /// to (T6).
    CommitTransaction {
        /// The producer's name.
        producer: String,
    },
    /// `abortTransaction`: an abort marker goes into every partition the transaction wrote
    /// to; read_committed consumers never see its records (T6, T7).
    AbortTransaction {
        /// The producer's name.
        producer: String,
    },
    /// Makes a producer send its next `count` records now, as its rate would.
    ProducerSend {
        /// The producer's name.
        producer: String,
        /// How many records, 1–[`MAX_SENDS_PER_COMMAND`].
        count: u32,
    },
    /// Adds a message queue fed by a producer's records (see [`crate::queue`]).
    AddQueue(QueueSpec),
    /// Adds a worker to a queue.
    AddQueueWorker {
        /// The queue's name.
        queue: String,
        /// The new worker.
        worker: WorkerSpec,
    },
    /// Kills a queue's worker: its unacknowledged messages go back to the queue.
    CrashQueueWorker {
        /// The queue's name.
        queue: String,
        /// The worker's name.
        worker: String,
    },
    /// Starts a crashed queue worker again.
    RestartQueueWorker {
        /// The queue's name.
        queue: String,
        /// The worker's name.
        worker: String,
    },
    /// Adds a chain of synchronous service calls fed by a producer's records (see
    /// [`crate::call_chain`]).
    AddCallChain(CallChainSpec),
    /// Changes a service of a call chain: its latency, whether it answers, or both.
    SetService {
        /// The chain's name.
        chain: String,
        /// The service's name.
        service: String,
        /// New latency, virtual ms.
        #[serde(skip_serializing_if = "Option::is_none")]
        latency_ms: Option<u64>,
        /// `false` kills it, `true` brings it back.
        #[serde(skip_serializing_if = "Option::is_none")]
        up: Option<bool>,
    },
}

/// Most records one `ProducerSend` command sends.
pub const MAX_SENDS_PER_COMMAND: u32 = 10_000;

impl Command {
    /// Every command's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] = &[
        "create_topic",
        "add_partitions",
        "add_producer",
        "remove_producer",
        "set_producer_rate",
        "produce",
        "add_group",
        "add_consumer",
        "remove_consumer",
        "crash_consumer",
        "restart_consumer",
        "pause_consumer",
        "set_group_config",
        "redrive",
        "reset_offsets",
        "lose_acks",
        "begin_transaction",
        "commit_transaction",
        "abort_transaction",
        "producer_send",
        "add_queue",
        "add_queue_worker",
        "crash_queue_worker",
        "restart_queue_worker",
        "add_call_chain",
        "set_service",
    ];

    /// Reads a command from parsed JSON (see [`crate::json_read`]): an object whose `"type"`
    /// names the command, with the command's fields beside it.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let string = |name| o.req(name)?.string();
        let count = |name| o.req(name)?.u32();
        Ok(match o.tag("type")? {
            "create_topic" => Command::CreateTopic {
                name: string("name")?,
                partitions: count("partitions")?,
                retention_ms: o.maybe("retention_ms", Field::u64)?,
                retention_bytes: o.maybe("retention_bytes", Field::u64)?,
            },
            "add_partitions" => Command::AddPartitions {
                topic: string("topic")?,
                partitions: count("partitions")?,
            },
            // A newtype variant: the producer's fields sit beside `"type"`.
            "add_producer" => Command::AddProducer(ProducerSpec::read(f)?),
            "remove_producer" => Command::RemoveProducer {
                name: string("name")?,
            },
            "set_producer_rate" => Command::SetProducerRate {
                name: string("name")?,
                rate_per_sec: o.req("rate_per_sec")?.decimal()?,
            },
            "produce" => Command::Produce {
                topic: string("topic")?,
                key: o.maybe("key", Field::string)?,
                value: o.maybe("value", Field::string)?,
                partition: o.maybe("partition", Field::u32)?,
                headers: o.or("headers", Vec::new(), |f| f.list(Header::read))?,
            },
            "add_group" => Command::AddGroup {
                group: string("group")?,
                topics: o.req("topics")?.strings()?,
                config: o.or("config", GroupConfig::default(), GroupConfig::read)?,
                consumers: o.or("consumers", 0, Field::u32)?,
            },
            "add_consumer" => Command::AddConsumer {
                group: string("group")?,
            },
            "remove_consumer" => Command::RemoveConsumer {
                consumer: string("consumer")?,
            },
            "crash_consumer" => Command::CrashConsumer {
                consumer: string("consumer")?,
            },
            "restart_consumer" => Command::RestartConsumer {
                consumer: string("consumer")?,
            },
            "pause_consumer" => Command::PauseConsumer {
                consumer: string("consumer")?,
                paused: o.req("paused")?.bool()?,
            },
            "set_group_config" => Command::SetGroupConfig {
                group: string("group")?,
                config: GroupConfig::read(&o.req("config")?)?,
            },
            "redrive" => Command::Redrive {
                topic: string("topic")?,
                partition: count("partition")?,
                from_offset: o.req("from_offset")?.u64()?,
                count: count("count")?,
            },
            "reset_offsets" => Command::ResetOffsets {
                group: string("group")?,
                to: ResetTarget::read(&o.req("to")?)?,
            },
            "lose_acks" => Command::LoseAcks {
                producer: string("producer")?,
                count: count("count")?,
            },
            "begin_transaction" => Command::BeginTransaction {
                producer: string("producer")?,
            },
            "commit_transaction" => Command::CommitTransaction {
                producer: string("producer")?,
            },
            "abort_transaction" => Command::AbortTransaction {
                producer: string("producer")?,
            },
            "producer_send" => Command::ProducerSend {
                producer: string("producer")?,
                count: count("count")?,
            },
            "add_queue" => Command::AddQueue(QueueSpec::read(f)?),
            "add_queue_worker" => Command::AddQueueWorker {
                queue: string("queue")?,
                worker: WorkerSpec::read(&o.req("worker")?)?,
            },
            "crash_queue_worker" => Command::CrashQueueWorker {
                queue: string("queue")?,
                worker: string("worker")?,
            },
            "restart_queue_worker" => Command::RestartQueueWorker {
                queue: string("queue")?,
                worker: string("worker")?,
            },
            "add_call_chain" => Command::AddCallChain(CallChainSpec::read(f)?),
            "set_service" => Command::SetService {
                chain: string("chain")?,
                service: string("service")?,
                latency_ms: o.maybe("latency_ms", Field::u64)?,
                up: o.maybe("up", Field::bool)?,
            },
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }
}

/// Targets of `kafka-consumer-groups --reset-offsets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResetTarget {
    /// `--to-earliest`: the log start offset.
    Earliest,
    /// `--to-latest`: the log end offset.
    Latest,
    /// `--to-offset N`, clamped to the log's range.
    ToOffset {
        /// The offset.
        offset: u64,
    },
    /// `--shift-by N`, clamped to the log's range.
    ShiftBy {
        /// How far, negative to go back.
        by: i64,
    },
    /// `--to-datetime`: the first offset whose timestamp is at or after `at_ms`.
    ToTime {
        /// Virtual time, ms.
        at_ms: u64,
    },
}

impl ResetTarget {
    /// Every target's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] =
        &["earliest", "latest", "to_offset", "shift_by", "to_time"];

    /// Reads a reset target from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(match o.tag("type")? {
            "earliest" => ResetTarget::Earliest,
            "latest" => ResetTarget::Latest,
            "to_offset" => ResetTarget::ToOffset {
                offset: o.req("offset")?.u64()?,
            },
            "shift_by" => ResetTarget::ShiftBy {
                by: o.req("by")?.i64()?,
            },
            "to_time" => ResetTarget::ToTime {
                at_ms: o.req("at_ms")?.u64()?,
            },
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }
}

/// One entry of a scenario's script: a command and when it was applied.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScriptEntry {
    /// Virtual time, ms.
    pub at_ms: u64,
    /// How many events had run when the command was applied. Recorded runs set it, so that a
    /// replay applies the command between exactly the same two events even when several
    /// happen in the same millisecond. Hand-written scripts leave it out: the command then
    /// applies after every event at or before `at_ms`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_events: Option<u64>,
    /// What was done.
    pub command: Command,
}

impl ScriptEntry {
    /// Reads a script entry from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(ScriptEntry {
            at_ms: o.req("at_ms")?.u64()?,
            after_events: o.maybe("after_events", Field::u64)?,
            command: Command::read(&o.req("command")?)?,
        })
    }
}

crate::json_read::deserialize_with_reader!(Command, ResetTarget, ScriptEntry, ClusterConfig);

/// Where a produced record landed: what the producer's send callback receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordMetadata {
    /// Partition the record was appended to.
    pub partition: u32,
    /// Offset it got there.
    pub offset: u64,
}

/// Why a command was refused. The simulation is unchanged when a command fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// The topic name breaks Kafka's naming rules.
    InvalidTopicName(String),
    /// A partition count outside 1–[`MAX_PARTITIONS`].
    InvalidPartitionCount {
        /// The topic.
        topic: String,
        /// The refused count.
        partitions: u32,
    },
    /// The topic exists already.
    TopicExists(String),
    /// No such topic.
    UnknownTopic(String),
    /// An explicit partition the topic does not have.
    UnknownPartition {
        /// The topic.
        topic: String,
        /// The refused partition.
        partition: u32,
    },
    /// No such producer, group or consumer.
    Unknown {
        /// "producer", "group" or "consumer".
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// A name already taken.
    Duplicate {
        /// "producer", "group" or "consumer".
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// A playground limit (counts, sizes) would be exceeded.
    Limit(String),
    /// Settings Kafka (or the playground) does not accept.
    Invalid(String),
    /// The command does not fit the current state (e.g. an offset reset of a non-empty group).
    NotAllowed(String),
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidTopicName(name) => write!(
                f,
                "topic name {name:?} is not valid: use 1–{MAX_TOPIC_NAME_LEN} characters of a–z, A–Z, 0–9, '.', '_' and '-'"
            ),
            Self::InvalidPartitionCount { topic, partitions } => write!(
                f,
                "topic {topic}: partitions must be 1–{MAX_PARTITIONS}, got {partitions}"
            ),
            Self::TopicExists(name) => write!(f, "topic {name} already exists"),
            Self::UnknownTopic(name) => write!(f, "topic {name} does not exist"),
            Self::UnknownPartition { topic, partition } => {
                write!(f, "topic {topic} has no partition {partition}")
            }
            Self::Unknown { what, name } => write!(f, "there is no {what} named {name:?}"),
            Self::Duplicate { what, name } => write!(f, "a {what} named {name:?} already exists"),
            Self::Limit(text) | Self::Invalid(text) | Self::NotAllowed(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for CommandError {}

/// What a successful command produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report beyond the change itself.
    Done,
    /// A record was appended.
    Produced(RecordMetadata),
}

/// Whether `c` is a control character or one that reorders the text around it (the Unicode
/// bidirectional marks, embeddings, overrides and isolates). Names are refused with these: a
/// right-to-left override in a group id would turn the rest of every log line, and of the
/// Java and YAML the Spring Boot tab writes, back to front.
pub fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as an error message quotes it: its first 40 characters and `…` when longer, so that
/// a name pasted by mistake does not fill the page.
pub fn cut_for_message(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Kafka's rule for topic names (`org.apache.kafka.common.internals.Topic.validate`):
/// 1–249 characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".
pub fn is_valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOPIC_NAME_LEN
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Settings of the simulated cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterConfig {
    /// One-way network delay between clients and brokers, ms.
    pub network_latency_ms: u64,
    /// How often the broker's log cleaner applies retention (`log.retention.check.interval.ms`,
    /// 300 000 in Kafka; shorter here so that retention shows within a lesson).
    pub retention_check_interval_ms: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            network_latency_ms: 1,
            retention_check_interval_ms: 1_000,
        }
    }
}

/// Longest one-way network delay a scenario may set: one minute.
pub const MAX_NETWORK_LATENCY_MS: u64 = 60_000;
/// Longest retention check interval: one day (Kafka's minimum is 1 ms, as here).
pub const MAX_RETENTION_CHECK_INTERVAL_MS: u64 = 86_400_000;

impl ClusterConfig {
    /// Checks the settings: a check interval of 0 would run the log cleaner forever at one
    /// instant, and a latency beyond a minute is no network the playground can show.
    pub fn validate(&self) -> Result<(), String> {
        if self.network_latency_ms > MAX_NETWORK_LATENCY_MS {
            return Err(format!(
                "cluster: network_latency_ms must be 0–{MAX_NETWORK_LATENCY_MS}, got {}",
                self.network_latency_ms
            ));
        }
        if !(1..=MAX_RETENTION_CHECK_INTERVAL_MS).contains(&self.retention_check_interval_ms) {
            return Err(format!(
                "cluster: retention_check_interval_ms must be 1–{MAX_RETENTION_CHECK_INTERVAL_MS}, got {}",
                self.retention_check_interval_ms
            ));
        }
        Ok(())
    }

    /// Reads cluster settings from parsed JSON (see [`crate::json_read`]); missing settings
    /// keep their defaults.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = ClusterConfig::default();
        Ok(ClusterConfig {
            network_latency_ms: o.or("network_latency_ms", d.network_latency_ms, Field::u64)?,
            retention_check_interval_ms: o.or(
                "retention_check_interval_ms",
                d.retention_check_interval_ms,
                Field::u64,
            )?,
        })
    }
}

/// Something scheduled to happen at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// A producer with a rate sends its next record.
    ProducerSend { producer: usize, epoch: u32 },
    /// The log cleaner applies retention.
    RetentionCheck,
    /// A JoinGroup request reaches the coordinator.
    JoinArrives { consumer: usize, incarnation: u32 },
    /// A join phase's deadline (initial delay or rebalance timeout).
    JoinDeadline { group: usize, epoch: u64 },
    /// The leader's SyncGroup reaches the coordinator with the assignment.
    SyncArrives { group: usize, generation: i32 },
    /// A member receives its assignment.
    AssignmentArrives {
        consumer: usize,
        incarnation: u32,
        generation: i32,
    },
    /// A consumer's heartbeat thread sends a heartbeat.
    Heartbeat { consumer: usize, incarnation: u32 },
    /// A consumer's heartbeat thread checks the poll timer between heartbeats: at the moment
    /// `max.poll.interval.ms` runs out, if no poll came first (C10).
    PollTimerCheck { consumer: usize, incarnation: u32 },
    /// The coordinator checks whether a member's session expired.
    SessionCheck { group: usize, member_id: String },
    /// A consumer calls `poll()`.
    Poll { consumer: usize, incarnation: u32 },
    /// The listener finishes the record at the head of the consumer's batch.
    ProcessDone { consumer: usize, incarnation: u32 },
    /// An OffsetCommit request reaches the coordinator.
    CommitArrives {
        consumer: usize,
        /// The consumer's `member_epoch` when it sent the commit: the member id it used.
        member_epoch: u32,
        generation: i32,
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// A LeaveGroup request reaches the coordinator.
    LeaveArrives {
        group: usize,
        member_id: String,
        reason: String,
    },
    /// A produce request reaches the broker (producers with a sender, [`crate::sender`]).
    BatchArrives { producer: usize, batch: u64 },
    /// The broker's answer reaches the producer.
    AckArrives {
        producer: usize,
        connection: u32,
        batch: u64,
    },
    /// A produce request's `request.timeout.ms` is up.
    RequestTimeout { producer: usize, connection: u32 },
    /// A transaction's `transaction.timeout.ms` is up.
    TransactionTimeout {
        transactional_id: String,
        serial: u64,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Scheduled {
    at_ms: u64,
    seq: u64,
    event: Event,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at_ms, self.seq).cmp(&(other.at_ms, other.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The events still to run, taken in (time, sequence) order.
///
/// Most events are due within one network latency of now (polls, offset commits, wake-ups),
/// while a few hundred heartbeats and session checks wait seconds ahead. The near ones are kept
/// in a sorted deque, where adding one is nearly always a push at the back and taking one a pop
/// at the front; only the far ones go through the binary heap, each of whose pops sifts through
/// all of them. Taking the earlier of the two heads gives exactly the order of a single heap.
#[derive(Clone, Debug, Default)]
struct EventQueue {
    near: std::collections::VecDeque<Scheduled>,
    far: BinaryHeap<Reverse<Scheduled>>,
}

impl EventQueue {
    /// Adds `item`, near when it is due by `near_until_ms`.
    fn push(&mut self, item: Scheduled, near_until_ms: u64) {
        if item.at_ms > near_until_ms {
            self.far.push(Reverse(item));
        } else if self.near.back().is_none_or(|last| last.at_ms <= item.at_ms) {
            self.near.push_back(item);
        } else {
            // Sequence numbers only grow, so `item` goes after every event of its time.
            let at = self.near.partition_point(|s| s.at_ms <= item.at_ms);
            self.near.insert(at, item);
        }
    }

    /// Whether the near head comes before the far head (false when there is no near one).
    fn near_first(&self) -> bool {
        match (self.near.front(), self.far.peek()) {
            (Some(near), Some(Reverse(far))) => near < far,
            (near, _) => near.is_some(),
        }
    }

    /// The next event.
    fn peek(&self) -> Option<&Scheduled> {
        if self.near_first() {
            self.near.front()
        } else {
            self.far.peek().map(|Reverse(s)| s)
        }
    }

    /// Takes the next event.
    fn pop(&mut self) -> Option<Scheduled> {
        if self.near_first() {
            self.near.pop_front()
        } else {
            self.far.pop().map(|Reverse(s)| s)
        }
    }
}

/// Counters for benchmarks and the status bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Events taken from the queue.
    pub events: u64,
    /// Records appended to logs.
    pub records_produced: u64,
    /// Records handed to listeners (with redeliveries).
    pub records_delivered: u64,
    /// Records whose processing finished.
    pub records_processed: u64,
    /// Offset commits the coordinator stored.
    pub commits: u64,
}

impl Counters {
    /// Record-level events: produced, delivered and processed records.
    pub fn record_events(&self) -> u64 {
        self.records_produced + self.records_delivered + self.records_processed
    }
}

/// The whole simulated world.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub(crate) config: ClusterConfig,
    pub(crate) seed: u64,
    pub(crate) now_ms: u64,
    seq: u64,
    queue: EventQueue,
    pub(crate) rng: SimRng,
    pub(crate) topics: VecMap<String, Topic>,
    pub(crate) producers: Vec<Producer>,
    pub(crate) groups: Vec<Group>,
    pub(crate) consumers: Vec<Consumer>,
    pub(crate) trace: Trace,
    /// Crashes, rebalances and dead letters so far, for the timeline.
    milestones: crate::trace::Milestones,
    pub(crate) checker: Checker,
    pub(crate) counters: Counters,
    /// Partitioner of the user's own sends (the Produce form), Kafka's default one.
    manual_partitioner: crate::partitioner::ProducerPartitioner,
    /// Member ids per group in the order they joined: Kafka's leader is the first to join,
    /// and its assignors see members in this order.
    pub(crate) join_order: VecMap<usize, Vec<String>>,
    /// Commands applied so far, with their times: the run's script.
    script: Vec<ScriptEntry>,
    /// Script entries still to replay (from a scenario), in order.
    pending_script: std::collections::VecDeque<ScriptEntry>,
    retention_scheduled: bool,
    /// The transaction coordinator, which also hands out producer ids.
    pub(crate) txn_coordinator: crate::transaction::TransactionCoordinator,
    /// Message queues fed by producers, beside the cluster.
    queues: Vec<Queue>,
    /// Synchronous call chains fed by producers, beside the cluster.
    chains: Vec<CallChain>,
}

impl Simulation {
    /// An empty cluster at virtual time 0 whose random choices all follow from `seed`.
    pub fn new(seed: u64) -> Self {
        Self::with_config(seed, ClusterConfig::default())
    }

    /// Like [`Simulation::new`] with explicit cluster settings.
    pub fn with_config(seed: u64, config: ClusterConfig) -> Self {
        Self {
            config,
            seed,
            now_ms: 0,
            seq: 0,
            queue: EventQueue::default(),
            rng: SimRng::new(seed),
            topics: VecMap::new(),
            producers: Vec::new(),
            groups: Vec::new(),
            consumers: Vec::new(),
            trace: Trace::new(TraceRetention::All),
            milestones: Default::default(),
            checker: Checker::default(),
            counters: Counters::default(),
            manual_partitioner: crate::partitioner::ProducerPartitioner::new(Default::default()),
            join_order: VecMap::new(),
            script: Vec::new(),
            pending_script: std::collections::VecDeque::new(),
            retention_scheduled: false,
            txn_coordinator: Default::default(),
            queues: Vec::new(),
            chains: Vec::new(),
        }
    }

    /// The seed every random choice follows from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Cluster settings.
    pub fn cluster_config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Virtual time in milliseconds since the scenario started.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// The topic named `name`.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics.get(name)
    }

    /// All topics, by name.
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    /// All producers, in the order they were added (removed ones included, marked).
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }

    /// All consumer groups, in the order they were added.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group with this `group.id`.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// All consumers, in the order they were added.
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// The consumer named `name`.
    pub fn consumer(&self, name: &str) -> Option<&Consumer> {
        self.consumers.iter().find(|c| c.name == name)
    }

    /// The event trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Takes the kept trace events out, oldest first (the trace hash still covers them).
    pub fn drain_trace(&mut self) -> Vec<TraceEvent> {
        self.trace.drain().collect()
    }

    /// Keeps only the newest `n` trace events in memory from now on (the hash still covers all).
    pub fn set_trace_retention(&mut self, retention: TraceRetention) {
        self.trace.set_retention(retention);
    }

    /// The checker's findings.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Crashes, rebalances and dead letters so far, oldest first (thinned evenly past
    /// [`crate::trace::MAX_MILESTONES`]).
    pub fn milestones(&self) -> &[crate::trace::Milestone] {
        self.milestones.kept()
    }

    /// Throughput counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The message queues beside the cluster, in the order they were added.
    pub fn queues(&self) -> &[Queue] {
        &self.queues
    }

    /// The queue named `name`.
    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.iter().find(|q| q.name == name)
    }

    /// The synchronous call chains beside the cluster, in the order they were added.
    pub fn call_chains(&self) -> &[CallChain] {
        &self.chains
    }

    /// The call chain named `name`.
    pub fn call_chain(&self, name: &str) -> Option<&CallChain> {
        self.chains.iter().find(|c| c.name == name)
    }

    /// Brings the queues and call chains up to the current virtual time. They are fed by the
    /// cluster but never feed it back, so they run lazily: before each input and each event,
    /// every one of their own events due by then runs first, which makes the outcome the same
    /// however often this is called.
    fn advance_beside(&mut self) {
        let now = self.now_ms;
        for q in &mut self.queues {
            q.advance_to(now);
        }
        for c in &mut self.chains {
            c.advance_to(now);
        }
    }

    /// The commands applied so far, with their virtual times.
    pub fn script(&self) -> &[ScriptEntry] {
        &self.script
    }

    /// Lag of `group` on `tp` as `kafka-consumer-groups --describe` reports it (C7): the end
    /// offset minus the committed offset, or `None` when the group has no committed offset
    /// there. The tool lists end offsets with the admin client's default isolation,
    /// read_uncommitted, so the end is the high watermark for a read_committed group too: its
    /// lag counts the records of open transactions that it cannot read yet.
    pub fn lag(&self, group: &Group, tp: &TopicPartition) -> Option<u64> {
        let committed = *group.committed.get(tp)?;
        let end = self.end_offset(tp)?;
        Some(end.saturating_sub(committed))
    }

    /// Records of `tp` that `group` has not committed past: its [`lag`](Self::lag) where it has
    /// a committed offset, else every record from the log start. Kafka's LAG is blank on a
    /// partition without a committed offset (C7); the page's lag chart counts it this way.
    pub fn backlog(&self, group: &Group, tp: &TopicPartition) -> Option<u64> {
        let log = self.topic(&tp.topic)?.partition(tp.partition)?;
        let from = match group.committed.get(tp) {
            Some(&committed) => committed,
            None => log.log_start_offset(),
        };
        Some(log.high_watermark().saturating_sub(from))
    }

    /// The end offset of `tp` that `kafka-consumer-groups` shows as LOG-END-OFFSET (C7): the
    /// high watermark, whatever the group's isolation level.
    pub fn end_offset(&self, tp: &TopicPartition) -> Option<u64> {
        Some(
            self.topic(&tp.topic)?
                .partition(tp.partition)?
                .high_watermark(),
        )
    }

    /// Virtual time of the next thing to happen (an event, or a script entry to replay).
    pub fn next_event_ms(&self) -> Option<u64> {
        if let Some(entry) = self.due_script_entry() {
            return Some(entry.at_ms.max(self.now_ms));
        }
        self.queue.peek().map(|s| s.at_ms)
    }

    /// The script entry to apply before the next event, if one is due.
    fn due_script_entry(&self) -> Option<&ScriptEntry> {
        let entry = self.pending_script.front()?;
        let due = match entry.after_events {
            Some(n) => self.counters.events >= n,
            None => self.queue.peek().is_none_or(|s| s.at_ms > entry.at_ms),
        };
        due.then_some(entry)
    }

    pub(crate) fn schedule(&mut self, at_ms: u64, event: Event) {
        self.seq += 1;
        let near_until_ms = self.now_ms.saturating_add(self.config.network_latency_ms);
        self.queue.push(
            Scheduled {
                at_ms,
                seq: self.seq,
                event,
            },
            near_until_ms,
        );
    }

    pub(crate) fn schedule_in(&mut self, delay_ms: u64, event: Event) {
        self.schedule(self.now_ms.saturating_add(delay_ms), event);
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.trace.push(TraceEvent {
            at_ms: self.now_ms,
            kind,
        });
    }

    /// Like [`Simulation::emit`] for the events the timeline marks (crashes, rebalances, dead
    /// letters). Kept out of `emit`: looking at every event there cost 8% of the engine's
    /// speed, and only three places emit these.
    pub(crate) fn emit_milestone(&mut self, kind: EventKind) {
        self.milestones.note(self.now_ms, &kind);
        self.emit(kind);
    }

    /// Runs the next event, if there is one, and returns whether it ran.
    pub fn step(&mut self) -> bool {
        if self.due_script_entry().is_some() {
            let entry = self.pending_script.pop_front().expect("due entry");
            self.now_ms = self.now_ms.max(entry.at_ms);
            // A script recorded from a run only holds commands that succeeded then; replayed
            // at the same point of the same run they succeed again. A hand-written script may
            // hold bad commands: those are skipped.
            let _ = self.apply(entry.command);
            return true;
        }
        let Some(next) = self.queue.pop() else {
            return false;
        };
        self.now_ms = next.at_ms;
        self.counters.events += 1;
        if !(self.queues.is_empty() && self.chains.is_empty()) {
            self.advance_beside();
        }
        self.handle(next.event);
        true
    }

    /// The page's Step: runs events until one shows (it reaches the trace, or the clock
    /// moves), then the rest of that millisecond, so the run stands where a replay to this
    /// moment stands. Runs at most `max_events` looking; whether anything ran.
    pub fn step_to_visible(&mut self, max_events: usize) -> bool {
        let (events, now) = (self.trace.total(), self.now_ms);
        for ran in 0..max_events {
            if !self.step() {
                return ran > 0;
            }
            if self.trace.total() != events || self.now_ms != now {
                self.run_until(self.now_ms);
                return true;
            }
        }
        true
    }

    /// Runs every event scheduled at or before `t_ms`, then sets the clock to `t_ms`.
    pub fn run_until(&mut self, t_ms: u64) {
        while self.next_event_ms().is_some_and(|at| at <= t_ms) {
            self.step();
        }
        self.now_ms = self.now_ms.max(t_ms);
        self.advance_beside();
    }

    /// Runs for `duration_ms` of virtual time.
    pub fn run_for(&mut self, duration_ms: u64) {
        self.run_until(self.now_ms.saturating_add(duration_ms));
    }

    /// Runs events until `t_ms` or until `max_events` ran, whichever comes first, and returns
    /// whether it reached `t_ms`. The page uses it to bound the work done per frame.
    pub fn run_until_bounded(&mut self, t_ms: u64, max_events: u64) -> bool {
        let mut ran = 0;
        while self.next_event_ms().is_some_and(|at| at <= t_ms) {
            if ran == max_events {
                return false;
            }
            self.step();
            ran += 1;
        }
        self.now_ms = self.now_ms.max(t_ms);
        self.advance_beside();
        true
    }

    /// Every script entry: those applied so far, then those still to replay (after a rewind).
    pub fn full_script(&self) -> Vec<ScriptEntry> {
        self.script
            .iter()
            .chain(self.pending_script.iter())
            .cloned()
            .collect()
    }

    /// Drops the script entries still to replay: "fork from here" discards the future so that
    /// new actions take its place.
    pub fn discard_pending_script(&mut self) -> usize {
        let n = self.pending_script.len();
        self.pending_script.clear();
        n
    }

    /// Replaces the script entries still to replay with `entries` (a checkpoint restored into a
    /// run whose future differs from the one it was copied from).
    pub fn replace_pending_script(&mut self, entries: Vec<ScriptEntry>) {
        self.pending_script.clear();
        self.pending_script.extend(entries);
    }

    /// Forgets the recorded script (after a scenario's setup, which is not part of it).
    pub(crate) fn clear_script(&mut self) {
        self.script.clear();
    }

    /// Queues script entries (from a scenario) to be applied at their times.
    pub(crate) fn load_script(&mut self, entries: Vec<ScriptEntry>) {
        self.pending_script.extend(entries);
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::ProducerSend { producer, epoch } => self.on_producer_send(producer, epoch),
            Event::RetentionCheck => self.on_retention_check(),
            Event::JoinArrives {
                consumer,
                incarnation,
            } => self.on_join(consumer, incarnation),
            Event::JoinDeadline { group, epoch } => self.on_join_deadline(group, epoch),
            Event::SyncArrives { group, generation } => self.on_sync(group, generation),
            Event::AssignmentArrives {
                consumer,
                incarnation,
                generation,
            } => self.on_assignment(consumer, incarnation, generation),
            Event::Heartbeat {
                consumer,
                incarnation,
            } => self.on_heartbeat(consumer, incarnation),
            Event::PollTimerCheck {
                consumer,
                incarnation,
            } => self.on_poll_timer_check(consumer, incarnation),
            Event::SessionCheck { group, member_id } => self.on_session_check(group, &member_id),
            Event::Poll {
                consumer,
                incarnation,
            } => self.on_poll(consumer, incarnation),
            Event::ProcessDone {
                consumer,
                incarnation,
            } => self.on_process_done(consumer, incarnation),
            Event::CommitArrives {
                consumer,
                member_epoch,
                generation,
                offsets,
            } => self.on_commit(consumer, member_epoch, generation, offsets),
            Event::LeaveArrives {
                group,
                member_id,
                reason,
            } => self.on_leave(group, &member_id, reason),
            Event::BatchArrives { producer, batch } => self.on_batch_arrives(producer, batch),
            Event::AckArrives {
                producer,
                connection,
                batch,
            } => self.on_ack_arrives(producer, connection, batch),
            Event::RequestTimeout {
                producer,
                connection,
            } => self.on_request_timeout(producer, connection),
            Event::TransactionTimeout {
                transactional_id,
                serial,
            } => self.on_transaction_timeout(&transactional_id, serial),
        }
    }

    /// Applies a user command at the current virtual time and records it in the script.
    pub fn apply(&mut self, command: Command) -> Result<Outcome, CommandError> {
        let outcome = self.execute(command.clone())?;
        let after_events = Some(self.counters.events);
        self.script.push(ScriptEntry {
            at_ms: self.now_ms,
            after_events,
            command,
        });
        Ok(outcome)
    }

    fn execute(&mut self, command: Command) -> Result<Outcome, CommandError> {
        match command {
            Command::CreateTopic {
                name,
                partitions,
                retention_ms,
                retention_bytes,
            } => {
                if !is_valid_topic_name(&name) {
                    return Err(CommandError::InvalidTopicName(name));
                }
                if !(1..=MAX_PARTITIONS).contains(&partitions) {
                    return Err(CommandError::InvalidPartitionCount {
                        topic: name,
                        partitions,
                    });
                }
                if self.topics.contains_key(&name) {
                    return Err(CommandError::TopicExists(name));
                }
                if self.topics.len() >= MAX_TOPICS {
                    return Err(CommandError::Limit(format!("at most {MAX_TOPICS} topics")));
                }
                let mut topic = Topic::new(name.clone(), partitions);
                topic.retention_ms = retention_ms;
                topic.retention_bytes = retention_bytes;
                if (retention_ms.is_some() || retention_bytes.is_some())
                    && !self.retention_scheduled
                {
                    self.retention_scheduled = true;
                    self.schedule_in(
                        self.config.retention_check_interval_ms,
                        Event::RetentionCheck,
                    );
                }
                self.topics.insert(name.clone(), topic);
                self.emit(EventKind::TopicCreated {
                    topic: name.into(),
                    partitions,
                });
                Ok(Outcome::Done)
            }
            Command::AddPartitions { topic, partitions } => {
                let current = self
                    .topics
                    .get(&topic)
                    .ok_or_else(|| CommandError::UnknownTopic(topic.clone()))?
                    .partition_count();
                if partitions <= current {
                    return Err(CommandError::NotAllowed(format!(
                        "topic {topic} has {current} partitions; Kafka can only add partitions, so ask for more than {current}"
                    )));
                }
                if partitions > MAX_PARTITIONS {
                    return Err(CommandError::InvalidPartitionCount { topic, partitions });
                }
                self.topics
                    .get_mut(&topic)
                    .expect("checked")
                    .grow_to(partitions);
                self.emit(EventKind::PartitionsAdded {
                    topic: topic.clone().into(),
                    partitions,
                });
                self.on_metadata_change(&topic);
                Ok(Outcome::Done)
            }
            Command::AddProducer(spec) => {
                spec.validate().map_err(CommandError::Invalid)?;
                if !self.topics.contains_key(&spec.topic) {
                    return Err(CommandError::UnknownTopic(spec.topic));
                }
                if self.producers.iter().any(|p| p.spec.name == spec.name) {
                    return Err(CommandError::Duplicate {
                        what: "producer",
                        name: spec.name,
                    });
                }
                if self.producers.len() >= MAX_PRODUCERS {
                    return Err(CommandError::Limit(format!(
                        "at most {MAX_PRODUCERS} producers"
                    )));
                }
                if let Some(id) = &spec.transactional_id {
                    if let Some(other) = self
                        .producers
                        .iter()
                        .find(|p| p.spec.transactional_id.as_ref() == Some(id))
                    {
                        return Err(CommandError::Invalid(format!(
                            "the transactional.id {id:?} is already producer {:?}'s",
                            other.spec.name
                        )));
                    }
                }
                let rng = self.rng.fork();
                let index = self.producers.len();
                self.emit(EventKind::ProducerAdded {
                    producer: spec.name.clone().into(),
                    topic: spec.topic.clone().into(),
                });
                self.producers.push(Producer::new(spec, rng));
                self.init_producer(index);
                self.schedule_producer(index);
                Ok(Outcome::Done)
            }
            Command::RemoveProducer { name } => {
                let index = self.producer_index(&name)?;
                let producer = &mut self.producers[index];
                producer.removed = true;
                producer.epoch += 1;
                self.emit(EventKind::ProducerRemoved {
                    producer: name.into(),
                });
                Ok(Outcome::Done)
            }
            Command::SetProducerRate { name, rate_per_sec } => {
                let index = self.producer_index(&name)?;
                let mut spec = self.producers[index].spec.clone();
                spec.rate_per_sec = rate_per_sec;
                spec.validate().map_err(CommandError::Invalid)?;
                let producer = &mut self.producers[index];
                producer.spec = spec;
                producer.epoch += 1;
                self.schedule_producer(index);
                Ok(Outcome::Done)
            }
            Command::Produce {
                topic,
                key,
                value,
                partition,
                headers,
            } => {
                if key.as_ref().map_or(0, String::len) > MAX_FIELD_BYTES
                    || value.as_ref().map_or(0, String::len) > MAX_FIELD_BYTES
                {
                    return Err(CommandError::Limit(format!(
                        "keys and values are limited to {MAX_FIELD_BYTES} bytes"
                    )));
                }
                let header_bytes: usize = headers.iter().map(|h| h.key.len() + h.value.len()).sum();
                if header_bytes > MAX_FIELD_BYTES {
                    return Err(CommandError::Limit(format!(
                        "a record's headers are limited to {MAX_FIELD_BYTES} bytes in all, names and values"
                    )));
                }
                let count = self
                    .topics
                    .get(&topic)
                    .ok_or_else(|| CommandError::UnknownTopic(topic.clone()))?
                    .partition_count();
                if let Some(p) = partition.filter(|p| *p >= count) {
                    return Err(CommandError::UnknownPartition {
                        topic,
                        partition: p,
                    });
                }
                let key_bytes = key.map(String::into_bytes);
                let meta = self
                    .send(None, &topic, key_bytes, value, partition, headers)
                    .expect("the user's sends complete at once");
                Ok(Outcome::Produced(meta))
            }
            Command::AddGroup {
                group,
                topics,
                config,
                consumers,
            } => {
                self.add_group(group, topics, config, consumers)?;
                Ok(Outcome::Done)
            }
            Command::AddConsumer { group } => {
                let index = self.group_index(&group)?;
                self.add_consumer(index)?;
                Ok(Outcome::Done)
            }
            Command::RemoveConsumer { consumer } => {
                let index = self.consumer_index(&consumer)?;
                self.remove_consumer(index)?;
                Ok(Outcome::Done)
            }
            Command::CrashConsumer { consumer } => {
                let index = self.consumer_index(&consumer)?;
                self.crash_consumer(index)?;
                Ok(Outcome::Done)
            }
            Command::RestartConsumer { consumer } => {
                let index = self.consumer_index(&consumer)?;
                self.restart_consumer(index)?;
                Ok(Outcome::Done)
            }
            Command::PauseConsumer { consumer, paused } => {
                let index = self.consumer_index(&consumer)?;
                self.pause_consumer(index, paused)?;
                Ok(Outcome::Done)
            }
            Command::SetGroupConfig { group, config } => {
                let index = self.group_index(&group)?;
                config
                    .validate()
                    .map_err(|e| CommandError::Invalid(format!("group {group}: {e}")))?;
                let topics = self.groups[index].topics.clone();
                self.check_forward_to(&group, &topics, &config)?;
                let old = std::mem::replace(&mut self.groups[index].config, config.clone());
                // Non-blocking retries turned on need their retry and dead-letter listeners,
                // as when the group was added.
                if self.groups[index].role == GroupRole::Main {
                    if let Err(e) = self.create_retry_groups(index) {
                        self.groups[index].config = old;
                        return Err(e);
                    }
                }
                for (setting, before, after) in describe_changes(&old, &config) {
                    let _ = before;
                    self.emit(EventKind::GroupConfigChanged {
                        group: group.clone().into(),
                        setting: setting.into(),
                        value: after.into(),
                    });
                }
                if old.assignor != config.assignor {
                    self.rejoin_all(index);
                }
                if old.static_membership != config.static_membership {
                    self.apply_static_membership_before_join(index);
                }
                Ok(Outcome::Done)
            }
            Command::Redrive {
                topic,
                partition,
                from_offset,
                count,
            } => {
                if count == 0 || count > 10_000 {
                    return Err(CommandError::Limit(format!(
                        "redrive 1–10000 records at a time, got {count}"
                    )));
                }
                self.redrive(&topic, partition, from_offset, count)?;
                Ok(Outcome::Done)
            }
            Command::ResetOffsets { group, to } => {
                let index = self.group_index(&group)?;
                self.reset_offsets(index, to)?;
                Ok(Outcome::Done)
            }
            Command::LoseAcks { producer, count } => {
                let index = self.producer_index(&producer)?;
                self.lose_acks(index, count)?;
                Ok(Outcome::Done)
            }
            Command::BeginTransaction { producer } => {
                let index = self.producer_index(&producer)?;
                self.begin_transaction(index)?;
                Ok(Outcome::Done)
            }
            Command::CommitTransaction { producer } => {
                let index = self.producer_index(&producer)?;
                self.end_producer_transaction(index, true)?;
                Ok(Outcome::Done)
            }
            Command::AbortTransaction { producer } => {
                let index = self.producer_index(&producer)?;
                self.end_producer_transaction(index, false)?;
                Ok(Outcome::Done)
            }
            Command::ProducerSend { producer, count } => {
                let index = self.producer_index(&producer)?;
                if !(1..=MAX_SENDS_PER_COMMAND).contains(&count) {
                    return Err(CommandError::Limit(format!(
                        "send 1–{MAX_SENDS_PER_COMMAND} records at a time, got {count}"
                    )));
                }
                for _ in 0..count {
                    self.produce_next(index);
                }
                Ok(Outcome::Done)
            }
            Command::AddQueue(spec) => {
                spec.validate().map_err(CommandError::Invalid)?;
                self.producer_index(&spec.producer)
                    .map_err(|e| CommandError::Invalid(format!("{}: {e}", spec.name)))?;
                self.check_beside_name(&spec.name)?;
                if self.queues.len() >= MAX_QUEUES {
                    return Err(CommandError::Limit(format!("at most {MAX_QUEUES} queues")));
                }
                self.queues.push(Queue::new(&spec));
                Ok(Outcome::Done)
            }
            Command::AddQueueWorker { queue, worker } => {
                let now = self.now_ms;
                self.queue_mut(&queue)?
                    .add_worker(&worker, now)
                    .map_err(CommandError::Invalid)?;
                Ok(Outcome::Done)
            }
            Command::CrashQueueWorker { queue, worker } => {
                let now = self.now_ms;
                self.queue_mut(&queue)?
                    .crash_worker(&worker, now)
                    .map_err(CommandError::NotAllowed)?;
                Ok(Outcome::Done)
            }
            Command::RestartQueueWorker { queue, worker } => {
                let now = self.now_ms;
                self.queue_mut(&queue)?
                    .restart_worker(&worker, now)
                    .map_err(CommandError::NotAllowed)?;
                Ok(Outcome::Done)
            }
            Command::AddCallChain(spec) => {
                spec.validate().map_err(CommandError::Invalid)?;
                self.producer_index(&spec.producer)
                    .map_err(|e| CommandError::Invalid(format!("{}: {e}", spec.name)))?;
                self.check_beside_name(&spec.name)?;
                if self.chains.len() >= MAX_CHAINS {
                    return Err(CommandError::Limit(format!(
                        "at most {MAX_CHAINS} call chains"
                    )));
                }
                self.chains.push(CallChain::new(&spec));
                Ok(Outcome::Done)
            }
            Command::SetService {
                chain,
                service,
                latency_ms,
                up,
            } => {
                self.advance_beside();
                let c = self.chains.iter_mut().find(|c| c.name == chain).ok_or(
                    CommandError::Unknown {
                        what: "call chain",
                        name: chain,
                    },
                )?;
                c.set_service(&service, latency_ms, up)
                    .map_err(CommandError::Invalid)?;
                Ok(Outcome::Done)
            }
        }
    }

    /// A queue by name, brought up to now, to change.
    fn queue_mut(&mut self, name: &str) -> Result<&mut Queue, CommandError> {
        self.advance_beside();
        self.queues
            .iter_mut()
            .find(|q| q.name == name)
            .ok_or_else(|| CommandError::Unknown {
                what: "queue",
                name: name.into(),
            })
    }

    /// Refuses a queue or call chain name already taken by either.
    fn check_beside_name(&self, name: &str) -> Result<(), CommandError> {
        if self.queue(name).is_some() || self.call_chain(name).is_some() {
            return Err(CommandError::Duplicate {
                what: "queue or call chain",
                name: name.into(),
            });
        }
        Ok(())
    }

    /// Publishes a producer's record to the queues it feeds and starts a request in the call
    /// chains it feeds.
    fn feed_beside(&mut self, producer: usize, key: Option<&str>) {
        self.advance_beside();
        let now = self.now_ms;
        let name = &self.producers[producer].spec.name;
        for q in self.queues.iter_mut().filter(|q| &q.producer == name) {
            q.publish(key.map(str::to_owned), now);
        }
        for c in self.chains.iter_mut().filter(|c| &c.producer == name) {
            c.request(now);
        }
    }

    /// The offsets a reset would set, per partition (before → after), without changing anything;
    /// or why kafka-consumer-groups would refuse it (`--shift-by` on a partition with no
    /// committed offset).
    pub fn preview_reset(
        &self,
        group: &str,
        to: ResetTarget,
    ) -> Result<Vec<(TopicPartition, Option<u64>, u64)>, CommandError> {
        let g = self.group(group).ok_or_else(|| CommandError::Unknown {
            what: "group",
            name: group.into(),
        })?;
        let mut rows = Vec::new();
        for topic_name in &g.topics {
            let Some(topic) = self.topics.get(topic_name) else {
                continue;
            };
            for (p, log) in topic.partitions().iter().enumerate() {
                let tp = TopicPartition {
                    topic: topic_name.clone(),
                    partition: p as u32,
                };
                let before = g.committed.get(&tp).copied();
                let (start, end) = (log.log_start_offset(), log.log_end_offset());
                let after = match to {
                    ResetTarget::Earliest => start,
                    ResetTarget::Latest => end,
                    ResetTarget::ToOffset { offset } => offset.clamp(start, end),
                    ResetTarget::ShiftBy { by } => {
                        // kafka-consumer-groups shifts only committed offsets.
                        let Some(before) = before else {
                            return Err(CommandError::NotAllowed(format!(
                                "Cannot shift offset for partition {tp} since there is no current committed offset: use --to-earliest, --to-latest or --to-offset there"
                            )));
                        };
                        let shifted = i128::from(before) + i128::from(by);
                        shifted.clamp(i128::from(start), i128::from(end)) as u64
                    }
                    ResetTarget::ToTime { at_ms } => log.offset_for_time(at_ms),
                };
                rows.push((tp, before, after));
            }
        }
        Ok(rows)
    }

    fn reset_offsets(&mut self, index: usize, to: ResetTarget) -> Result<(), CommandError> {
        let group = &self.groups[index];
        if group.state != GroupState::Empty {
            return Err(CommandError::NotAllowed(format!(
                "offsets of group {} can be reset only while it is Empty (it is {}): stop its consumers first",
                group.id,
                group.state.name()
            )));
        }
        let id = group.id.clone();
        for (tp, before, after) in self.preview_reset(&id, to)? {
            if before.is_some_and(|before| after < before) {
                self.groups[index].rewound = true;
            }
            self.groups[index].committed.insert(tp.clone(), after);
            self.checker.on_skip_to(&id, &tp, after);
            self.emit(EventKind::OffsetReset {
                group: id.clone().into(),
                partition: tp.to_string().into(),
                offset: after,
                reason: "kafka-consumer-groups --reset-offsets".into(),
            });
        }
        Ok(())
    }

    fn producer_index(&self, name: &str) -> Result<usize, CommandError> {
        self.producers
            .iter()
            .position(|p| p.spec.name == name && !p.removed)
            .ok_or_else(|| CommandError::Unknown {
                what: "producer",
                name: name.into(),
            })
    }

    pub(crate) fn group_index(&self, id: &str) -> Result<usize, CommandError> {
        self.groups
            .iter()
            .position(|g| g.id == id)
            .ok_or_else(|| CommandError::Unknown {
                what: "group",
                name: id.into(),
            })
    }

    fn consumer_index(&self, name: &str) -> Result<usize, CommandError> {
        self.consumers
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| CommandError::Unknown {
                what: "consumer",
                name: name.into(),
            })
    }

    /// Starts a producer's sending at its current rate: the k-th send of this rate is due at
    /// `k × 1000 / rate` ms after now, rounded to the millisecond, so fractional intervals
    /// keep the average rate and rates above 1000/s send several records per millisecond.
    fn schedule_producer(&mut self, index: usize) {
        let now = self.now_ms;
        let producer = &mut self.producers[index];
        producer.rate_start_ms = now;
        producer.sent_at_rate = 0;
        if let Some(due) = producer.due_ms(1) {
            let epoch = producer.epoch;
            self.schedule(
                due.max(now + 1),
                Event::ProducerSend {
                    producer: index,
                    epoch,
                },
            );
        }
    }

    fn on_producer_send(&mut self, index: usize, epoch: u32) {
        let producer = &self.producers[index];
        if producer.removed || producer.epoch != epoch {
            return;
        }
        loop {
            let producer = &self.producers[index];
            match producer.due_ms(producer.sent_at_rate + 1) {
                Some(due) if due <= self.now_ms => self.produce_next(index),
                Some(due) => {
                    self.schedule(
                        due,
                        Event::ProducerSend {
                            producer: index,
                            epoch,
                        },
                    );
                    return;
                }
                None => return,
            }
        }
    }

    /// Sends the producer's next record: its next key and value, in a transaction of its own
    /// when it runs rate-driven transactions (`transaction_size`).
    fn produce_next(&mut self, index: usize) {
        let rate_driven_txn = self.producers[index].spec.transaction_size;
        if rate_driven_txn.is_some() {
            self.producer_epoch_is_stale(index);
            let p = &self.producers[index];
            if !p.in_transaction && p.pending_end.is_none() {
                let _ = self.begin_transaction(index);
            }
        }
        let producer = &mut self.producers[index];
        let key = producer.next_key();
        let value = producer.render_value(key.as_deref(), self.now_ms);
        if !(self.queues.is_empty() && self.chains.is_empty()) {
            self.feed_beside(index, key.as_deref());
        }
        let producer = &mut self.producers[index];
        // The topic's shared trace name (a reference count), rather than a copy of the text.
        let topic = match self.topics.get(&producer.spec.topic) {
            Some(t) => t.label.clone(),
            None => crate::trace::Name::from(producer.spec.topic.as_str()),
        };
        let serializer = producer.spec.key_serializer;
        match key.map(|k| serializer.serialize_owned(k)).transpose() {
            Ok(key_bytes) => {
                self.send(
                    Some(index),
                    &topic,
                    key_bytes,
                    Some(value),
                    None,
                    Vec::new(),
                );
            }
            Err(error) => {
                producer.errors += 1;
                let name = producer.spec.name.clone();
                self.emit(EventKind::ProduceFailed {
                    producer: name.into(),
                    topic,
                    error: error.into(),
                });
            }
        }
        let producer = &mut self.producers[index];
        producer.sent += 1;
        producer.sent_at_rate += 1;
        if let Some(size) = rate_driven_txn {
            if producer.in_transaction && producer.transaction_records >= size {
                let commit = producer
                    .spec
                    .abort_every
                    .is_none_or(|k| !producer.transactions_begun.is_multiple_of(u64::from(k)));
                let _ = self.end_producer_transaction(index, commit);
            }
        }
    }

    /// Appends a record sent by the playground itself (a recoverer, a redrive) through the
    /// default partitioner when `partition` is `None`.
    pub(crate) fn send_internal(
        &mut self,
        topic: &str,
        key: Option<Vec<u8>>,
        value: Option<String>,
        partition: Option<u32>,
        headers: Vec<Header>,
    ) -> RecordMetadata {
        self.send(None, topic, key, value, partition, headers)
            .expect("the playground's own sends are neither transactional nor in flight")
    }

    /// Appends one record, as a producer's send and the broker's append would, and wakes
    /// consumers waiting on that partition. Returns where it landed, or `None` when the send
    /// failed or is still in flight (producers with a [`crate::sender`]).
    fn send(
        &mut self,
        producer: Option<usize>,
        topic: &str,
        key: Option<Vec<u8>>,
        value: Option<String>,
        explicit: Option<u32>,
        headers: Vec<Header>,
    ) -> Option<RecordMetadata> {
        let count = self.topics[topic].partition_count();
        let partition = match producer {
            Some(i) => {
                let p = &mut self.producers[i];
                p.partitioner
                    .partition(topic, key.as_deref(), explicit, count, &[], &mut p.rng)
            }
            // The user's own sends go through a producer with Kafka's default partitioner,
            // drawing from the simulation's generator.
            None => self.manual_partitioner.partition(
                topic,
                key.as_deref(),
                explicit,
                count,
                &[],
                &mut self.rng,
            ),
        };
        let mut batch = None;
        if let Some(i) = producer {
            // The partition as an owned key is made only on the paths that keep one: making it
            // for every record would copy the topic's name every time.
            let tp = || TopicPartition {
                topic: topic.to_owned(),
                partition,
            };
            if let Some(id) = self.producers[i].spec.transactional_id.clone() {
                if let Err(error) = self.check_transactional_send(i) {
                    let p = &mut self.producers[i];
                    p.errors += 1;
                    let name = p.spec.name.clone();
                    self.emit(EventKind::ProduceFailed {
                        producer: name.into(),
                        topic: topic.to_owned().into(),
                        error: error.into(),
                    });
                    return None;
                }
                self.add_partition_to_transaction(&id, &tp());
                self.producers[i].transaction_records += 1;
            }
            if self.producers[i].sender.is_some() {
                self.enqueue_batch(i, tp(), key, value, headers);
                return None;
            }
            let p = &mut self.producers[i];
            let transactional = p.in_transaction;
            batch = p.identity.as_mut().map(|id| ProducerBatch {
                producer_id: id.producer_id,
                epoch: id.epoch,
                sequence: id.next_sequence_at(topic, partition),
                transactional,
            });
        }
        let now = self.now_ms;
        let log = self
            .topics
            .get_mut(topic)
            .expect("topic checked")
            .partition_mut(partition)
            .expect("in range");
        // One allocation for a UTF-8 key's trace name (the common case), two otherwise.
        let key_text = key.as_ref().map(|k| match std::str::from_utf8(k) {
            Ok(text) => crate::trace::Name::from(text),
            Err(_) => crate::trace::Name::from(crate::log::bytes_to_text(k)),
        });
        let offset = match batch {
            None => log.append(key, value, headers, now),
            Some(batch) => match log.append_idempotent(key, value, headers, now, batch) {
                Ok(appended) => appended.offset(),
                Err(error) => {
                    let i = producer.expect("batches come from producers");
                    self.producers[i].errors += 1;
                    let name = self.producers[i].spec.name.clone();
                    self.emit(EventKind::ProduceFailed {
                        producer: name.into(),
                        topic: topic.to_owned().into(),
                        error: error.to_string().into(),
                    });
                    return None;
                }
            },
        };
        let size = log.get(offset).map_or(0, |r| r.size_bytes());
        match producer {
            Some(i) => {
                let p = &mut self.producers[i];
                p.partitioner
                    .on_append(topic, partition, size as u32, &mut p.rng);
            }
            // The playground's own producer (sends from the page, dead letters, redrives)
            // moves its sticky partition on too (P6).
            None => self
                .manual_partitioner
                .on_append(topic, partition, size as u32, &mut self.rng),
        }
        self.counters.records_produced += 1;
        let producer_name = producer.map(|i| self.producers[i].label.clone());
        let topic_label = self.topics[topic].label.clone();
        self.emit(EventKind::Produced {
            producer: producer_name,
            topic: topic_label,
            partition,
            offset,
            key: key_text,
        });
        self.wake_consumers(topic, partition);
        Some(RecordMetadata { partition, offset })
    }

    /// A transactional producer may send only inside a transaction and with the current epoch.
    fn check_transactional_send(&mut self, index: usize) -> Result<(), String> {
        if self.producer_epoch_is_stale(index) {
            return Err("InvalidProducerEpochException: the transaction timed out and the coordinator aborted it; begin a new one".into());
        }
        if !self.producers[index].in_transaction {
            return Err(
                "IllegalStateException: a transactional producer can only send inside a transaction (BeginTransaction first)"
                    .into(),
            );
        }
        Ok(())
    }

    fn on_retention_check(&mut self) {
        let now = self.now_ms;
        let mut deleted_events = Vec::new();
        for topic in self.topics.values_mut() {
            let (retention_ms, retention_bytes) = (topic.retention_ms, topic.retention_bytes);
            if retention_ms.is_none() && retention_bytes.is_none() {
                continue;
            }
            let name = topic.name().to_owned();
            for p in 0..topic.partition_count() {
                let log = topic.partition_mut(p).expect("in range");
                let deleted = log.trim_front(|record, total_bytes| {
                    retention_ms.is_some_and(|ms| record.timestamp_ms.saturating_add(ms) <= now)
                        || retention_bytes.is_some_and(|max| total_bytes > max)
                });
                if deleted > 0 {
                    deleted_events.push((format!("{name}-{p}"), log.log_start_offset(), deleted));
                }
            }
        }
        for (partition, log_start_offset, deleted) in deleted_events {
            self.emit(EventKind::RetentionDeleted {
                partition: partition.into(),
                log_start_offset,
                deleted,
            });
        }
        self.schedule_in(
            self.config.retention_check_interval_ms,
            Event::RetentionCheck,
        );
    }

    fn add_group(
        &mut self,
        id: String,
        topics: Vec<String>,
        config: GroupConfig,
        consumers: u32,
    ) -> Result<(), CommandError> {
        if id.is_empty() || id.len() > 249 || id.chars().any(is_hidden_control) {
            return Err(CommandError::Invalid(format!(
                "group id {:?} must be 1–249 printable characters, with no control or text-direction characters",
                cut_for_message(&id)
            )));
        }
        if self.groups.iter().any(|g| g.id == id) {
            return Err(CommandError::Duplicate {
                what: "group",
                name: id,
            });
        }
        if self.groups.len() >= MAX_GROUPS {
            return Err(CommandError::Limit(format!(
                "at most {MAX_GROUPS} consumer groups"
            )));
        }
        if topics.is_empty() {
            return Err(CommandError::Invalid(format!(
                "group {id}: subscribe to at least one topic"
            )));
        }
        if let Some(missing) = topics.iter().find(|t| !self.topics.contains_key(*t)) {
            return Err(CommandError::UnknownTopic(missing.clone()));
        }
        config
            .validate()
            .map_err(|e| CommandError::Invalid(format!("group {id}: {e}")))?;
        self.check_forward_to(&id, &topics, &config)?;
        if self.consumers.len() + consumers as usize > MAX_CONSUMERS {
            return Err(CommandError::Limit(format!(
                "at most {MAX_CONSUMERS} consumers in all"
            )));
        }
        self.emit(EventKind::GroupAdded {
            group: id.clone().into(),
        });
        if config.listener.commit_before_processing {
            self.checker.set_at_most_once(&id);
        }
        let handler = config.listener.error_handler.clone();
        self.groups.push(Group::new(id, config, topics.clone()));
        let index = self.groups.len() - 1;
        if handler.dead_letter && handler.retry_topic.is_none() {
            // The dead-letter topic exists from the start, so a dead-letter group can subscribe.
            for topic in &topics {
                let dlt =
                    crate::dead_letter::dead_letter_topic_name(topic, handler.spring_kafka_version);
                self.ensure_topic(&dlt);
            }
        }
        for _ in 0..consumers {
            self.add_consumer(index)?;
        }
        self.create_retry_groups(index)?;
        Ok(())
    }

    /// A group's `forward_to` topic must exist and must not be one it reads (that would loop).
    fn check_forward_to(
        &self,
        group: &str,
        topics: &[String],
        config: &GroupConfig,
    ) -> Result<(), CommandError> {
        let Some(out) = &config.forward_to else {
            return Ok(());
        };
        if !self.topics.contains_key(out) {
            return Err(CommandError::UnknownTopic(out.clone()));
        }
        if topics.contains(out) {
            return Err(CommandError::Invalid(format!(
                "group {group} reads {out}, so it cannot forward to it: every output would be read again"
            )));
        }
        Ok(())
    }

    /// Members learn of new partitions through metadata refreshes; the leader then triggers a
    /// rebalance. The simulation does it at once.
    fn on_metadata_change(&mut self, topic: &str) {
        let affected: Vec<usize> = (0..self.groups.len())
            .filter(|&g| self.groups[g].topics.iter().any(|t| t == topic))
            .collect();
        for g in affected {
            self.request_rebalance(g, "metadata changed: partitions added");
        }
    }
}

/// Lists the settings that differ between two group configurations, as (name, old, new).
fn describe_changes(old: &GroupConfig, new: &GroupConfig) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut check = |name: &str, a: String, b: String| {
        if a != b {
            out.push((name.to_owned(), a, b));
        }
    };
    check(
        "partition.assignment.strategy",
        old.assignor.protocol_name().into(),
        new.assignor.protocol_name().into(),
    );
    check(
        "session.timeout.ms",
        old.session_timeout_ms.to_string(),
        new.session_timeout_ms.to_string(),
    );
    check(
        "heartbeat.interval.ms",
        old.heartbeat_interval_ms.to_string(),
        new.heartbeat_interval_ms.to_string(),
    );
    check(
        "max.poll.interval.ms",
        old.max_poll_interval_ms.to_string(),
        new.max_poll_interval_ms.to_string(),
    );
    check(
        "max.poll.records",
        old.max_poll_records.to_string(),
        new.max_poll_records.to_string(),
    );
    check(
        "commit mode",
        old.commit_mode.name().to_owned(),
        new.commit_mode.name().to_owned(),
    );
    check(
        "auto.commit.interval.ms",
        old.auto_commit_interval_ms.to_string(),
        new.auto_commit_interval_ms.to_string(),
    );
    check(
        "auto.offset.reset",
        old.auto_offset_reset.name().to_owned(),
        new.auto_offset_reset.name().to_owned(),
    );
    check(
        "processing time ms",
        old.processing_time_ms.to_string(),
        new.processing_time_ms.to_string(),
    );
    let membership = |on: bool| {
        if on {
            "static (group.instance.id)"
        } else {
            "dynamic"
        }
    };
    check(
        "membership",
        membership(old.static_membership).into(),
        membership(new.static_membership).into(),
    );
    check(
        "isolation.level",
        old.isolation_level.name().to_owned(),
        new.isolation_level.name().to_owned(),
    );
    check(
        "forward to",
        old.forward_to.clone().unwrap_or_else(|| "none".into()),
        new.forward_to.clone().unwrap_or_else(|| "none".into()),
    );
    check(
        "exactly once",
        old.exactly_once.to_string(),
        new.exactly_once.to_string(),
    );
    out
}

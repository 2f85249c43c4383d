//! The simulation: virtual time, the cluster's topics, and the commands that change them.
//!
//! Every change goes through [`Simulation::apply`], so that a run is the seed plus the list of
//! commands with their virtual times, and replays exactly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::log::Header;
use crate::partitioner::partition_for_key;
use crate::topic::{Topic, MAX_PARTITIONS};

/// Longest topic name Kafka accepts (`Topic.MAX_NAME_LENGTH`).
pub const MAX_TOPIC_NAME_LEN: usize = 249;

/// A user action. Applied at the simulation's current virtual time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Creates a topic with `partitions` partitions.
    CreateTopic {
        /// Topic name: 1–249 characters of `[a-zA-Z0-9._-]`, as Kafka requires.
        name: String,
        /// Partition count, 1–[`MAX_PARTITIONS`].
        partitions: u32,
    },
    /// Sends one record, as `KafkaProducer.send` with a `StringSerializer` key.
    Produce {
        /// Destination topic.
        topic: String,
        /// The key as text (serialized as UTF-8, P10), or `None` for a null key.
        key: Option<String>,
        /// The value as text.
        value: Option<String>,
        /// An explicit partition, which wins over the key (P5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
    },
}

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
    InvalidPartitionCount { topic: String, partitions: u32 },
    /// The topic exists already.
    TopicExists(String),
    /// No such topic.
    UnknownTopic(String),
    /// An explicit partition the topic does not have.
    UnknownPartition { topic: String, partition: u32 },
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

/// Kafka's rule for topic names (`org.apache.kafka.common.internals.Topic.validate`):
/// 1–249 characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".
pub fn is_valid_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOPIC_NAME_LEN
        && name != "."
        && name != ".."
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The whole simulated world.
#[derive(Clone, Debug)]
pub struct Simulation {
    now_ms: u64,
    topics: BTreeMap<String, Topic>,
}

impl Simulation {
    /// An empty cluster at virtual time 0.
    pub fn new() -> Self {
        Self { now_ms: 0, topics: BTreeMap::new() }
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

    /// Applies a user command at the current virtual time.
    pub fn apply(&mut self, command: Command) -> Result<Outcome, CommandError> {
        match command {
            Command::CreateTopic { name, partitions } => {
                if !is_valid_topic_name(&name) {
                    return Err(CommandError::InvalidTopicName(name));
                }
                if !(1..=MAX_PARTITIONS).contains(&partitions) {
                    return Err(CommandError::InvalidPartitionCount { topic: name, partitions });
                }
                if self.topics.contains_key(&name) {
                    return Err(CommandError::TopicExists(name));
                }
                self.topics.insert(name.clone(), Topic::new(name, partitions));
                Ok(Outcome::Done)
            }
            Command::Produce { topic, key, value, partition } => {
                let now = self.now_ms;
                let log_topic = self
                    .topics
                    .get_mut(&topic)
                    .ok_or_else(|| CommandError::UnknownTopic(topic.clone()))?;
                let key = key.map(String::into_bytes);
                let count = log_topic.partition_count();
                let partition = match (partition, &key) {
                    (Some(p), _) if p < count => p,
                    (Some(p), _) => {
                        return Err(CommandError::UnknownPartition { topic, partition: p })
                    }
                    (None, Some(bytes)) => partition_for_key(bytes, count),
                    // Null keys get the sticky partitioner once producers exist; until then, 0.
                    (None, None) => 0,
                };
                let log = log_topic.partition_mut(partition).expect("partition checked above");
                let offset = log.append(key, value, Vec::<Header>::new(), now);
                Ok(Outcome::Produced(RecordMetadata { partition, offset }))
            }
        }
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn produce(sim: &mut Simulation, key: &str) -> RecordMetadata {
        let command = Command::Produce {
            topic: "order-events".into(),
            key: Some(key.into()),
            value: Some("{}".into()),
            partition: None,
        };
        match sim.apply(command).unwrap() {
            Outcome::Produced(meta) => meta,
            other => panic!("expected a produced record, got {other:?}"),
        }
    }

    fn with_topic(partitions: u32) -> Simulation {
        let mut sim = Simulation::new();
        sim.apply(Command::CreateTopic { name: "order-events".into(), partitions }).unwrap();
        sim
    }

    #[test]
    fn p1_produce_appends_at_the_next_offset_of_the_keyed_partition() {
        let mut sim = with_topic(3);
        let first = produce(&mut sim, "order-42");
        assert_eq!(first.partition, partition_for_key(b"order-42", 3));
        assert_eq!(first.offset, 0);
        let second = produce(&mut sim, "order-42");
        assert_eq!(second, RecordMetadata { partition: first.partition, offset: 1 });
        let log = sim.topic("order-events").unwrap().partition(first.partition).unwrap();
        assert_eq!(log.log_end_offset(), 2);
        assert_eq!(log.get(1).unwrap().key_text().as_deref(), Some("order-42"));
    }

    #[test]
    fn bad_topic_commands_are_refused_with_a_clear_message() {
        let mut sim = with_topic(3);
        let err = sim
            .apply(Command::CreateTopic { name: "big".into(), partitions: 500 })
            .unwrap_err();
        assert_eq!(err.to_string(), "topic big: partitions must be 1–64, got 500");
        let err = sim
            .apply(Command::CreateTopic { name: "<b>x</b>".into(), partitions: 1 })
            .unwrap_err();
        assert!(matches!(err, CommandError::InvalidTopicName(_)));
        assert!(matches!(
            sim.apply(Command::CreateTopic { name: "order-events".into(), partitions: 1 }),
            Err(CommandError::TopicExists(_))
        ));
        assert!(matches!(
            sim.apply(Command::Produce {
                topic: "order-events".into(),
                key: None,
                value: None,
                partition: Some(3)
            }),
            Err(CommandError::UnknownPartition { partition: 3, .. })
        ));
    }
}

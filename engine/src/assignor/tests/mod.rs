//! Tests for the assignors: ports of Kafka's own unit tests (named after the Kafka test and the
//! statement id), the sticky balance oracle, property checks, and a replay of vectors produced by
//! running Kafka's Java classes.

mod cooperative_sticky;
mod java_vectors;
mod oracle;
mod problem;
mod properties;
mod range;
mod round_robin;
mod sticky;

use crate::vec_map::VecMap;

use super::{assign, AssignorKind, Subscription, TopicPartition};

/// `tp("t", 0)`.
pub(crate) fn tp(topic: &str, partition: u32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

/// Partition counts from `(topic, count)` pairs.
pub(crate) fn topics(pairs: &[(&str, u32)]) -> VecMap<String, u32> {
    pairs.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

/// A member subscribed to `topics` with no history.
pub(crate) fn member(id: &str, topics: &[&str]) -> Subscription {
    Subscription::new(id, topics)
}

/// A member with owned partitions from `generation`.
pub(crate) fn owning(
    id: &str,
    topics: &[&str],
    owned: &[TopicPartition],
    generation: i32,
) -> Subscription {
    Subscription {
        owned_partitions: owned.to_vec(),
        generation: Some(generation),
        ..Subscription::new(id, topics)
    }
}

/// A static member.
pub(crate) fn static_member(id: &str, instance: &str, topics: &[&str]) -> Subscription {
    Subscription {
        group_instance_id: Some(instance.to_string()),
        ..Subscription::new(id, topics)
    }
}

/// Subscriptions keyed by member id.
pub(crate) fn group(members: &[Subscription]) -> VecMap<String, Subscription> {
    members
        .iter()
        .map(|m| (m.member_id.clone(), m.clone()))
        .collect()
}

/// Runs `kind` and returns member id → partitions.
pub(crate) fn run(
    kind: AssignorKind,
    counts: &VecMap<String, u32>,
    members: &[Subscription],
) -> VecMap<String, Vec<TopicPartition>> {
    assign(kind, counts, &group(members))
}

/// A list sorted by (topic, partition), for order-insensitive comparisons as Kafka's tests make.
pub(crate) fn sorted(mut list: Vec<TopicPartition>) -> Vec<TopicPartition> {
    list.sort();
    list
}

/// The next member's subscription after a rebalance: same topics, owning what it was given.
pub(crate) fn next_generation(
    members: &[Subscription],
    result: &VecMap<String, Vec<TopicPartition>>,
    generation: i32,
) -> Vec<Subscription> {
    members
        .iter()
        .map(|m| Subscription {
            owned_partitions: result[&m.member_id].clone(),
            generation: Some(generation),
            ..m.clone()
        })
        .collect()
}

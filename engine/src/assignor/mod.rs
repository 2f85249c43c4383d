//! Consumer-group partition assignors, computed exactly as Apache Kafka's Java client computes
//! them (C12–C15).
//!
//! Models `RangeAssignor`, `RoundRobinAssignor`, `StickyAssignor` and `CooperativeStickyAssignor`
//! from `org.apache.kafka.clients.consumer`, plus `AbstractPartitionAssignor` (member ordering)
//! and `AbstractStickyAssignor` (the shared sticky algorithm). Follows Apache Kafka trunk at
//! 4.0.0-SNAPSHOT (commit `1eb7644`, October 2024); the client-side assignors have behaved the
//! same since 3.5 (KIP-881 added rack awareness without changing the rack-less result).
//!
//! # Layout
//!
//! * [`range`]: `RangeAssignor` (per topic, contiguous ranges).
//! * [`round_robin`]: `RoundRobinAssignor` (one partition each in turn, C12).
//! * [`sticky`]: `AbstractStickyAssignor` and `StickyAssignor` (eager, C14 a–b).
//! * [`cooperative_sticky`]: `CooperativeStickyAssignor` (C14 c).
//! * [`java`]: Java `String` ordering and hashing and `HashMap` iteration order, which leak into
//!   Kafka's results.
//!
//! # What Kafka's results depend on, and what this module assumes
//!
//! The Java assignors iterate `HashMap`s in a few places, so the input map types matter. This
//! module assumes what Kafka's own `ConsumerCoordinator` builds: the subscriptions are a
//! `HashMap` filled member by member, and the partition counts a `HashMap` filled topic by topic.
//! [`assign`] fills them in ascending member id / topic order; [`AssignmentProblem::solve`] fills
//! the subscriptions in the order the members are listed. As in
//! `AbstractPartitionAssignor.assign(Cluster, …)`, only topics that some member subscribes to and
//! that have at least one partition take part.
//!
//! # Left out
//!
//! * Rack-aware assignment (KIP-881): the simulation has no racks, so no member sends a rack id
//!   and Kafka's rack-aware branches never run.
//! * `StickyAssignor` user-data bytes: ownership and generation arrive as typed fields
//!   ([`Subscription::owned_partitions`], [`Subscription::generation`]) instead of a serialized
//!   `ByteBuffer`; the order in which Kafka's decoder returns them is reproduced.
//! * Owned partitions whose number is not below the topic's partition count are dropped before
//!   assignment (Kafka keeps them and may hand them out again); [`AssignmentProblem::solve`]
//!   rejects them instead.

pub mod cooperative_sticky;
pub mod java;
pub mod range;
pub mod round_robin;
pub mod sticky;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::vec_map::VecMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// One partition of one topic, as Kafka's `org.apache.kafka.common.TopicPartition`.
///
/// Displays as `topic-partition` like Kafka's `toString`. Ordered by topic (Rust string order,
/// byte by byte), then partition; the assignors use Java's string order internally where Kafka
/// sorts. Comparisons go eight bytes at a time ([`crate::order::cmp_bytes`]): partitions are the
/// keys of the engine's hottest maps, and a byte-wise string compare is slow in wasm.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TopicPartition {
    /// Topic name.
    pub topic: String,
    /// Partition number, from 0.
    pub partition: u32,
}

impl PartialEq for TopicPartition {
    fn eq(&self, other: &Self) -> bool {
        self.partition == other.partition
            && crate::order::eq_bytes(self.topic.as_bytes(), other.topic.as_bytes())
    }
}

impl Eq for TopicPartition {}

impl std::hash::Hash for TopicPartition {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.topic.hash(state);
        self.partition.hash(state);
    }
}

impl Ord for TopicPartition {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        crate::order::cmp_bytes(self.topic.as_bytes(), other.topic.as_bytes())
            .then(self.partition.cmp(&other.partition))
    }
}

impl PartialOrd for TopicPartition {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl TopicPartition {
    /// A partition of `topic`.
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// What one member sends when it joins: Kafka's `ConsumerPartitionAssignor.Subscription`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The member id the coordinator gave this member. [`assign`] uses the map key instead.
    pub member_id: String,
    /// `group.instance.id` of a static member (C15); such members sort first (C13).
    pub group_instance_id: Option<String>,
    /// Subscribed topics. Topics absent from the partition counts are ignored.
    pub topics: Vec<String>,
    /// Partitions the member owned in its last generation: the sticky assignors keep them where
    /// they can (C14 b). Range and RoundRobin ignore them.
    pub owned_partitions: Vec<TopicPartition>,
    /// Generation in which `owned_partitions` were owned. When members claim the same partition
    /// the higher generation wins; equal generations both lose it (`AbstractStickyAssignor`).
    /// `None` or a negative value means "no generation" (Kafka's `DEFAULT_GENERATION`, -1).
    pub generation: Option<i32>,
}

impl Subscription {
    /// A dynamic member with no previous ownership.
    pub fn new(member_id: impl Into<String>, topics: &[&str]) -> Self {
        Subscription {
            member_id: member_id.into(),
            group_instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned_partitions: Vec::new(),
            generation: None,
        }
    }
}

/// The four assignors of the classic consumer group protocol, by their
/// `partition.assignment.strategy` protocol names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignorKind {
    /// `RangeAssignor`, protocol name `range`.
    Range,
    /// `RoundRobinAssignor`, protocol name `roundrobin`.
    #[serde(rename = "roundrobin")]
    RoundRobin,
    /// `StickyAssignor`, protocol name `sticky` (eager).
    Sticky,
    /// `CooperativeStickyAssignor`, protocol name `cooperative-sticky`.
    CooperativeSticky,
}

impl AssignorKind {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("range", AssignorKind::Range),
        ("roundrobin", AssignorKind::RoundRobin),
        ("round-robin", AssignorKind::RoundRobin),
        ("sticky", AssignorKind::Sticky),
        ("cooperative-sticky", AssignorKind::CooperativeSticky),
    ];

    /// Reads a protocol name, e.g. `"cooperative-sticky"`; `"round-robin"` is also accepted
    /// for `"roundrobin"` (see [`crate::json_read`]).
    pub fn read(f: &crate::json_read::Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

crate::json_read::deserialize_with_reader!(AssignorKind);

/// How members give up partitions during a rebalance (C14 d): Kafka's
/// `ConsumerPartitionAssignor.RebalanceProtocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RebalanceProtocol {
    /// Every member revokes everything before rejoining.
    Eager,
    /// Members revoke only the partitions that move; a moved partition reaches its new owner one
    /// rebalance later.
    Cooperative,
}

impl AssignorKind {
    /// All four, in Kafka's documentation order.
    pub const ALL: [AssignorKind; 4] = [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ];

    /// The name the assignor's `name()` returns and the group protocol carries.
    pub fn protocol_name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The rebalance protocol Kafka uses with this assignor: only `cooperative-sticky` is
    /// cooperative (it also supports eager, but a group of cooperative members picks cooperative).
    pub fn rebalance_protocol(self) -> RebalanceProtocol {
        match self {
            AssignorKind::CooperativeSticky => RebalanceProtocol::Cooperative,
            _ => RebalanceProtocol::Eager,
        }
    }
}

/// Computes the assignment `kind` produces for these members.
///
/// `subscriptions` is keyed by member id (the key wins over [`Subscription::member_id`]). Every
/// member appears in the result, with an empty list if it gets nothing (C12). Each list is in
/// the order Kafka's assignor returns it, not sorted: Range lists topics in Java `HashMap` order,
/// RoundRobin in topic order, the sticky assignors keep owned partitions first.
///
/// An empty group gets an empty map (Kafka's assignors are never called for one).
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &VecMap<String, u32>,
    subscriptions: &VecMap<String, Subscription>,
) -> VecMap<String, Vec<TopicPartition>> {
    let members: Vec<Subscription> = subscriptions
        .iter()
        .map(|(id, s)| Subscription {
            member_id: id.clone(),
            ..s.clone()
        })
        .collect();
    assign_in_join_order(kind, partitions_per_topic, &members)
}

/// Like [`assign`], but the members are given in the order they joined, which is the order
/// Kafka's coordinator fills its subscriptions `HashMap` in. That order decides ties only: two
/// member ids in one hash bucket, or equal claims in the sticky assignors.
///
/// Member ids must be unique; a repeated id keeps its first subscription.
pub fn assign_in_join_order(
    kind: AssignorKind,
    partitions_per_topic: &VecMap<String, u32>,
    members: &[Subscription],
) -> VecMap<String, Vec<TopicPartition>> {
    let group = Group::new(partitions_per_topic, members);
    if group.members.is_empty() {
        return VecMap::new();
    }
    let lists = match kind {
        AssignorKind::Range => range::assign(&group),
        AssignorKind::RoundRobin => round_robin::assign(&group),
        AssignorKind::Sticky => sticky::assign(&group, sticky::Flavor::Eager).assignment,
        AssignorKind::CooperativeSticky => cooperative_sticky::assign(&group),
    };
    crate::order::map_of(
        group
            .members
            .iter()
            .zip(lists)
            .map(|(m, list)| (m.member_id.clone(), list)),
    )
}

/// The assignors' common input, normalised the way Kafka sees it.
pub(crate) struct Group {
    /// Topics that take part, ascending by Java string order, with their partition counts.
    pub topics: Vec<(String, u32)>,
    /// Members in the iteration order of Kafka's subscriptions `HashMap`.
    pub members: Vec<Subscription>,
}

impl Group {
    fn new(partitions_per_topic: &VecMap<String, u32>, members: &[Subscription]) -> Group {
        // Kafka's coordinator builds a HashMap member by member; a repeated key keeps its slot
        // and the first value here (the coordinator never sends one twice).
        let mut seen = HashSet::new();
        let mut unique: Vec<Subscription> = Vec::new();
        for m in members {
            if seen.insert(m.member_id.clone()) {
                let mut m = m.clone();
                // A subscription comes from a Java Set: no topic twice.
                let mut topics_seen = HashSet::new();
                m.topics.retain(|t| topics_seen.insert(t.clone()));
                unique.push(m);
            }
        }
        let order = java::hash_map_order(unique.iter().map(|m| m.member_id.clone()));
        let mut by_id = crate::order::map_of(unique.into_iter().map(|m| (m.member_id.clone(), m)));
        let members: Vec<Subscription> = order
            .iter()
            .map(|id| by_id.remove(id).expect("every ordered id is a member"))
            .collect();

        let subscribed = crate::order::set_of(
            members
                .iter()
                .flat_map(|m| m.topics.iter().map(String::as_str)),
        );
        let mut topics: Vec<(String, u32)> = partitions_per_topic
            .iter()
            .filter(|(t, n)| **n > 0 && subscribed.contains(t.as_str()))
            .map(|(t, n)| (t.clone(), *n))
            .collect();
        crate::order::sort_by(&mut topics, |a, b| java::compare_str(&a.0, &b.0));

        let counts = crate::order::map_of(topics.iter().cloned());
        let members = members
            .into_iter()
            .map(|mut m| {
                m.owned_partitions.retain(|tp| match counts.get(&tp.topic) {
                    Some(n) => tp.partition < *n,
                    None => true,
                });
                m
            })
            .collect();
        Group { topics, members }
    }

    /// Partition count of a participating topic.
    pub fn partition_count(&self, topic: &str) -> Option<u32> {
        self.topics
            .iter()
            .find(|(t, _)| t == topic)
            .map(|(_, n)| *n)
    }
}

/// `AbstractPartitionAssignor.MemberInfo.compareTo` (C13): members with a `group.instance.id`
/// first, by instance id; then the others by member id; both in Java string order.
pub fn compare_members(a: &Subscription, b: &Subscription) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java::compare_str(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java::compare_str(&a.member_id, &b.member_id),
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON problem behind `kplay assign`.
// ---------------------------------------------------------------------------------------------

/// Most partitions one topic may have in a problem.
pub const MAX_PARTITIONS_PER_TOPIC: u32 = 10_000;
/// Most topics in a problem.
pub const MAX_TOPICS: usize = 1_000;
/// Most partitions over all topics in a problem.
pub const MAX_TOTAL_PARTITIONS: u64 = 100_000;
/// Most members in a problem.
pub const MAX_MEMBERS: usize = 1_000;

/// An assignment problem as `kplay assign` reads it from JSON.
///
/// `topics` is either an object `{"orders": 6}` or a list `[{"name": "orders", "partitions": 6}]`.
///
/// ```
/// use kplay_engine::assignor::AssignmentProblem;
/// let p: AssignmentProblem = serde_json::from_str(r#"{
///   "assignor": "range",
///   "topics": {"t": 3},
///   "members": [{"member_id": "c1", "topics": ["t"]}, {"member_id": "c2", "topics": ["t"]}]
/// }"#).unwrap();
/// let out = p.solve().unwrap();
/// assert_eq!(out["c1"], ["t-0", "t-1"]);
/// assert_eq!(out["c2"], ["t-2"]);
/// ```
#[derive(Clone, Debug, Deserialize)]
pub struct AssignmentProblem {
    /// Which assignor runs.
    pub assignor: AssignorKind,
    /// Partition count per topic.
    #[serde(deserialize_with = "deserialize_topics")]
    pub topics: VecMap<String, u32>,
    /// The members, in the order they joined.
    pub members: Vec<MemberInput>,
}

/// One member of an [`AssignmentProblem`].
#[derive(Clone, Debug, Deserialize)]
pub struct MemberInput {
    /// Unique, non-empty member id.
    pub member_id: String,
    /// `group.instance.id` for a static member.
    #[serde(default)]
    pub group_instance_id: Option<String>,
    /// Subscribed topics; topics missing from the problem's `topics` are ignored as Kafka
    /// ignores unknown topics.
    pub topics: Vec<String>,
    /// Previously owned partitions as `"topic-partition"`; the last `-` separates the number.
    ///
    /// The assignor gets them in the order given, as through Kafka's Java API. A real
    /// consumer's arrive sorted by topic, then partition (`ConsumerProtocol` sorts them on the
    /// wire), which matters only when subscriptions differ: with equal ones the sticky
    /// assignors sort owned partitions themselves. The simulation's groups share one
    /// subscription.
    #[serde(default)]
    pub owned: Vec<String>,
    /// Generation of the previous ownership.
    #[serde(default)]
    pub generation: Option<i32>,
}

#[derive(Deserialize)]
struct TopicEntry {
    name: String,
    partitions: u32,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TopicsForm {
    Map(std::collections::BTreeMap<String, u32>),
    List(Vec<TopicEntry>),
}

fn deserialize_topics<'de, D: Deserializer<'de>>(d: D) -> Result<VecMap<String, u32>, D::Error> {
    match TopicsForm::deserialize(d)? {
        TopicsForm::Map(m) => Ok(m.into_iter().collect()),
        TopicsForm::List(list) => {
            let mut map = VecMap::new();
            for entry in list {
                if map.insert(entry.name.clone(), entry.partitions).is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "topic \"{}\" is listed twice",
                        entry.name
                    )));
                }
            }
            Ok(map)
        }
    }
}

/// Why an [`AssignmentProblem`] cannot be solved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignError {
    /// The group has no members.
    NoMembers,
    /// More than [`MAX_MEMBERS`] members.
    TooManyMembers {
        /// Members given.
        count: usize,
    },
    /// More than [`MAX_TOPICS`] topics.
    TooManyTopics {
        /// Topics given.
        count: usize,
    },
    /// A member id or topic name is empty.
    EmptyName {
        /// What was empty, e.g. `member id of member #3`.
        what: String,
    },
    /// Two members share a member id.
    DuplicateMemberId {
        /// The repeated id.
        member_id: String,
    },
    /// Two members share a `group.instance.id`.
    DuplicateGroupInstanceId {
        /// The repeated instance id.
        group_instance_id: String,
    },
    /// A topic's partition count is 0 or above [`MAX_PARTITIONS_PER_TOPIC`].
    BadPartitionCount {
        /// The topic.
        topic: String,
        /// Its count.
        partitions: u32,
    },
    /// All topics together have more than [`MAX_TOTAL_PARTITIONS`] partitions.
    TooManyPartitions {
        /// Total given.
        total: u64,
    },
    /// A member lists a topic twice.
    DuplicateTopic {
        /// The member.
        member_id: String,
        /// The repeated topic.
        topic: String,
    },
    /// An `owned` entry is not `topic-partition`.
    MalformedOwned {
        /// The member.
        member_id: String,
        /// The entry as given.
        entry: String,
    },
    /// A member lists an owned partition twice.
    DuplicateOwned {
        /// The member.
        member_id: String,
        /// The repeated entry.
        entry: String,
    },
    /// An owned partition of a known topic does not exist.
    OwnedPartitionOutOfRange {
        /// The member.
        member_id: String,
        /// The entry as given.
        entry: String,
        /// The topic's partition count.
        partitions: u32,
    },
}

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::NoMembers => write!(f, "the group has no members; give at least one"),
            AssignError::TooManyMembers { count } => write!(
                f,
                "{count} members given; at most {MAX_MEMBERS} members are allowed"
            ),
            AssignError::TooManyTopics { count } => {
                write!(
                    f,
                    "{count} topics given; at most {MAX_TOPICS} topics are allowed"
                )
            }
            AssignError::EmptyName { what } => write!(f, "the {what} is empty"),
            AssignError::DuplicateMemberId { member_id } => {
                write!(
                    f,
                    "member id \"{member_id}\" is used by more than one member"
                )
            }
            AssignError::DuplicateGroupInstanceId { group_instance_id } => write!(
                f,
                "group instance id \"{group_instance_id}\" is used by more than one member"
            ),
            AssignError::BadPartitionCount { topic, partitions } => write!(
                f,
                "topic \"{topic}\" has {partitions} partitions; a topic needs between 1 and \
                 {MAX_PARTITIONS_PER_TOPIC} partitions"
            ),
            AssignError::TooManyPartitions { total } => write!(
                f,
                "the topics have {total} partitions in total; at most {MAX_TOTAL_PARTITIONS} \
                 are allowed"
            ),
            AssignError::DuplicateTopic { member_id, topic } => write!(
                f,
                "member \"{member_id}\" subscribes to topic \"{topic}\" more than once"
            ),
            AssignError::MalformedOwned { member_id, entry } => write!(
                f,
                "member \"{member_id}\" has owned entry \"{entry}\", which is not \
                 \"topic-partition\" (e.g. \"orders-0\")"
            ),
            AssignError::DuplicateOwned { member_id, entry } => write!(
                f,
                "member \"{member_id}\" lists owned partition \"{entry}\" more than once"
            ),
            AssignError::OwnedPartitionOutOfRange {
                member_id,
                entry,
                partitions,
            } => write!(
                f,
                "member \"{member_id}\" owns \"{entry}\", but that topic has only {partitions} \
                 partitions (numbered from 0)"
            ),
        }
    }
}

impl std::error::Error for AssignError {}

/// Parses `"topic-partition"`, splitting at the last `-` as Kafka's tools do.
pub fn parse_topic_partition(s: &str) -> Option<TopicPartition> {
    let (topic, partition) = s.rsplit_once('-')?;
    if topic.is_empty() || partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Kafka partitions are Java ints.
    let partition: u32 = partition.parse().ok()?;
    if partition > i32::MAX as u32 {
        return None;
    }
    Some(TopicPartition::new(topic, partition))
}

impl AssignmentProblem {
    /// Validates the problem and runs the assignor: member id → `"topic-partition"` strings, in
    /// the order Kafka returns them (see [`assign`]).
    pub fn solve(&self) -> Result<VecMap<String, Vec<String>>, AssignError> {
        let members = self.validate()?;
        let result = assign_in_join_order(self.assignor, &self.topics, &members);
        Ok(result
            .into_iter()
            .map(|(id, list)| (id, list.iter().map(ToString::to_string).collect()))
            .collect())
    }

    fn validate(&self) -> Result<Vec<Subscription>, AssignError> {
        if self.topics.len() > MAX_TOPICS {
            return Err(AssignError::TooManyTopics {
                count: self.topics.len(),
            });
        }
        let mut total: u64 = 0;
        for (topic, &partitions) in &self.topics {
            if topic.is_empty() {
                return Err(AssignError::EmptyName {
                    what: "name of a topic".into(),
                });
            }
            if partitions == 0 || partitions > MAX_PARTITIONS_PER_TOPIC {
                return Err(AssignError::BadPartitionCount {
                    topic: topic.clone(),
                    partitions,
                });
            }
            total += u64::from(partitions);
        }
        if total > MAX_TOTAL_PARTITIONS {
            return Err(AssignError::TooManyPartitions { total });
        }
        if self.members.is_empty() {
            return Err(AssignError::NoMembers);
        }
        if self.members.len() > MAX_MEMBERS {
            return Err(AssignError::TooManyMembers {
                count: self.members.len(),
            });
        }
        let mut ids = HashSet::new();
        let mut instances = HashSet::new();
        let mut out = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.iter().enumerate() {
            if m.member_id.is_empty() {
                return Err(AssignError::EmptyName {
                    what: format!("member id of member #{}", i + 1),
                });
            }
            if !ids.insert(m.member_id.as_str()) {
                return Err(AssignError::DuplicateMemberId {
                    member_id: m.member_id.clone(),
                });
            }
            if let Some(instance) = &m.group_instance_id {
                if instance.is_empty() {
                    return Err(AssignError::EmptyName {
                        what: format!("group instance id of member \"{}\"", m.member_id),
                    });
                }
                if !instances.insert(instance.as_str()) {
                    return Err(AssignError::DuplicateGroupInstanceId {
                        group_instance_id: instance.clone(),
                    });
                }
            }
            let mut topics = HashSet::new();
            for t in &m.topics {
                if t.is_empty() {
                    return Err(AssignError::EmptyName {
                        what: format!("topic name in the subscription of \"{}\"", m.member_id),
                    });
                }
                if !topics.insert(t.as_str()) {
                    return Err(AssignError::DuplicateTopic {
                        member_id: m.member_id.clone(),
                        topic: t.clone(),
                    });
                }
            }
            let mut owned = Vec::with_capacity(m.owned.len());
            let mut owned_seen = HashSet::new();
            for entry in &m.owned {
                let tp =
                    parse_topic_partition(entry).ok_or_else(|| AssignError::MalformedOwned {
                        member_id: m.member_id.clone(),
                        entry: entry.clone(),
                    })?;
                if !owned_seen.insert(tp.clone()) {
                    return Err(AssignError::DuplicateOwned {
                        member_id: m.member_id.clone(),
                        entry: entry.clone(),
                    });
                }
                if let Some(&partitions) = self.topics.get(&tp.topic) {
                    if tp.partition >= partitions {
                        return Err(AssignError::OwnedPartitionOutOfRange {
                            member_id: m.member_id.clone(),
                            entry: entry.clone(),
                            partitions,
                        });
                    }
                }
                owned.push(tp);
            }
            out.push(Subscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topics: m.topics.clone(),
                owned_partitions: owned,
                generation: m.generation,
            });
        }
        Ok(out)
    }
}

//! Snapshots: what the view and `kplay run` show of a simulation at one moment, in Kafka's
//! vocabulary (Low Water Mark = log start offset, High Water Mark, Log End Offset, Group
//! Offset = committed offset, Lag), as `kafka-consumer-groups --describe` reports it (C7).
//!
//! Building one reads counts and the newest few records of each log, never whole logs, so it
//! stays cheap however long the logs grow.

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;
use crate::checker::{Anomaly, GroupGuarantees};
use crate::consumer::{ConsumerStatus, MemberPhase};
use crate::group::GroupState;
use crate::log::Record;
use crate::sim::{Counters, Simulation};

/// A whole-simulation snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Virtual time, ms.
    pub now_ms: u64,
    /// The seed.
    pub seed: u64,
    /// Hash of the whole event trace so far (hex).
    pub trace_hash: String,
    /// Events recorded so far.
    pub trace_events: u64,
    /// Topics by name.
    pub topics: Vec<TopicSnapshot>,
    /// Producers.
    pub producers: Vec<ProducerSnapshot>,
    /// Consumer groups.
    pub groups: Vec<GroupSnapshot>,
    /// Throughput counters.
    pub counters: Counters,
    /// Violations the checker found.
    pub violations: Vec<Anomaly>,
}

/// One topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicSnapshot {
    /// Name.
    pub name: String,
    /// Its partitions.
    pub partitions: Vec<PartitionSnapshot>,
}

/// One partition, as Kafka UIs' partition tables show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionSnapshot {
    /// Partition number.
    pub partition: u32,
    /// Low Water Mark: the log start offset.
    pub log_start_offset: u64,
    /// High Water Mark.
    pub high_watermark: u64,
    /// Log End Offset.
    pub log_end_offset: u64,
    /// Records currently kept.
    pub messages: u64,
    /// The newest records (at most the requested window).
    pub newest: Vec<Record>,
}

/// One producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerSnapshot {
    /// Name.
    pub name: String,
    /// Topic.
    pub topic: String,
    /// Records sent.
    pub sent: u64,
    /// Records per second.
    pub rate_per_sec: f64,
    /// Removed.
    pub removed: bool,
}

/// One consumer group, as `kafka-consumer-groups --describe` shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSnapshot {
    /// `group.id`.
    pub id: String,
    /// State (C8).
    pub state: GroupState,
    /// Generation id.
    pub generation: i32,
    /// Assignor protocol name of the current generation.
    pub protocol: Option<String>,
    /// Leader member id.
    pub leader: Option<String>,
    /// Members.
    pub members: Vec<MemberSnapshot>,
    /// Per-partition offsets and lag.
    pub offsets: Vec<OffsetRow>,
    /// Delivery statistics.
    pub guarantees: GroupGuarantees,
}

/// One consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberSnapshot {
    /// Consumer name (`client.id`).
    pub consumer: String,
    /// Member id, when it is a member.
    pub member_id: Option<String>,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// Process status.
    pub status: ConsumerStatus,
    /// Protocol phase.
    pub phase: MemberPhase,
    /// Owned partitions as `topic-partition`.
    pub assignment: Vec<String>,
    /// Records processed.
    pub processed: u64,
    /// In flight: records fetched by the last poll and not yet processed, as `topic-partition@offset`,
    /// the one being processed first.
    pub in_flight: Vec<String>,
    /// The error that stopped it.
    pub error: Option<String>,
}

/// A row of the group table: Partition, Assigned member, Log End Offset, Group Offset, Lag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OffsetRow {
    /// `topic-partition`.
    pub partition: String,
    /// Consumer that owns it in the coordinator's view.
    pub assigned: Option<String>,
    /// Log End Offset (the high watermark, as `ListOffsets(latest)` answers, C7).
    pub log_end_offset: u64,
    /// Committed offset, `None` when there is none.
    pub group_offset: Option<u64>,
    /// Lag, `None` when there is no committed offset.
    pub lag: Option<u64>,
}

impl Simulation {
    /// A snapshot with up to `window` newest records per partition.
    pub fn snapshot(&self, window: usize) -> Snapshot {
        let topics = self
            .topics()
            .map(|t| TopicSnapshot {
                name: t.name().to_owned(),
                partitions: t
                    .partitions()
                    .iter()
                    .enumerate()
                    .map(|(p, log)| {
                        let end = log.log_end_offset();
                        PartitionSnapshot {
                            partition: p as u32,
                            log_start_offset: log.log_start_offset(),
                            high_watermark: log.high_watermark(),
                            log_end_offset: end,
                            messages: log.len(),
                            newest: log
                                .range(end.saturating_sub(window as u64), end)
                                .cloned()
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let producers = self
            .producers()
            .iter()
            .map(|p| ProducerSnapshot {
                name: p.spec.name.clone(),
                topic: p.spec.topic.clone(),
                sent: p.sent,
                rate_per_sec: p.spec.rate_per_sec,
                removed: p.removed,
            })
            .collect();
        let groups = self
            .groups()
            .iter()
            .enumerate()
            .map(|(gi, g)| {
                let members = self
                    .consumers()
                    .iter()
                    .filter(|c| c.group == gi)
                    .map(|c| MemberSnapshot {
                        consumer: c.name.clone(),
                        member_id: c.member_id.clone(),
                        group_instance_id: c.instance_id.clone(),
                        status: c.status,
                        phase: c.phase,
                        assignment: c.assignment.iter().map(ToString::to_string).collect(),
                        processed: c.processed,
                        in_flight: c
                            .batch
                            .iter()
                            .take(50)
                            .map(|(tp, o)| format!("{tp}@{o}"))
                            .collect(),
                        error: c.error.clone(),
                    })
                    .collect();
                let mut offsets = Vec::new();
                for topic in &g.topics {
                    let Some(t) = self.topic(topic) else { continue };
                    for (p, log) in t.partitions().iter().enumerate() {
                        let tp = TopicPartition {
                            topic: topic.clone(),
                            partition: p as u32,
                        };
                        offsets.push(OffsetRow {
                            partition: tp.to_string(),
                            assigned: g
                                .owner_of(&tp)
                                .map(|m| self.consumers()[m.consumer].name.clone()),
                            log_end_offset: log.high_watermark(),
                            group_offset: g.committed.get(&tp).copied(),
                            lag: self.lag(g, &tp),
                        });
                    }
                }
                GroupSnapshot {
                    id: g.id.clone(),
                    state: g.state,
                    generation: g.generation,
                    protocol: g.protocol.map(|p| p.protocol_name().to_owned()),
                    leader: g.leader.clone(),
                    members,
                    offsets,
                    guarantees: self
                        .checker()
                        .guarantees()
                        .get(&g.id)
                        .cloned()
                        .unwrap_or_default(),
                }
            })
            .collect();
        Snapshot {
            now_ms: self.now_ms(),
            seed: self.seed(),
            trace_hash: format!("{:016x}", self.trace().hash()),
            trace_events: self.trace().total(),
            topics,
            producers,
            groups,
            counters: self.counters(),
            violations: self.checker().violations().to_vec(),
        }
    }
}

//! Snapshots: what the view and `kplay run` show of a simulation at one moment, in Kafka's
//! vocabulary (Low Water Mark = log start offset, High Water Mark, Log End Offset, Group
//! Offset = committed offset, Lag), as `kafka-consumer-groups --describe` reports it (C7).
//!
//! Building one reads counts and the newest few records of each log, never whole logs, so it
//! stays cheap however long the logs grow.
//!
//! Partitions also show the last stable offset and open transactions (T8); producers their
//! producer id, epoch, batches in flight and transaction (T3, T6). A group's end offset and lag
//! use the high watermark, for a read_committed group too, as kafka-consumer-groups does (C7).

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;
use crate::checker::{Anomaly, GroupGuarantees};
use crate::consumer::{ConsumerStatus, MemberPhase};
use crate::group::GroupState;
use crate::lesson::plural;
use crate::log::{OpenTransaction, Record};
use crate::sim::{Counters, Simulation};
use crate::transaction::IsolationLevel;

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
    /// Message queues beside the cluster (left out when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<QueueSnapshot>,
    /// Synchronous call chains beside the cluster (left out when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_chains: Vec<CallChainSnapshot>,
}

/// A queue beside the cluster ([`crate::queue`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueSnapshot {
    /// Name.
    pub name: String,
    /// The producer feeding it.
    pub producer: String,
    /// Messages published.
    pub published: u64,
    /// Messages acknowledged and deleted.
    pub deleted: u64,
    /// Messages on the broker now (ready and unacknowledged).
    pub depth: u64,
    /// Redeliveries after a worker crashed.
    pub redelivered: u64,
    /// Messages finished after a later one with the same key.
    pub out_of_order: u64,
    /// Publishes refused because the queue was full.
    pub refused: u64,
    /// Workers: name, running or not, unacknowledged message ids, acknowledged count.
    pub workers: Vec<WorkerSnapshot>,
}

/// A queue's worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerSnapshot {
    /// Name.
    pub name: String,
    /// Whether it runs.
    pub up: bool,
    /// Ids of the messages it holds unacknowledged.
    pub unacked: Vec<u64>,
    /// Messages it acknowledged.
    pub acked: u64,
}

/// A call chain beside the cluster ([`crate::call_chain`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallChainSnapshot {
    /// Name.
    pub name: String,
    /// The producer feeding it.
    pub producer: String,
    /// Requests started, succeeded, failed (timeout) and refused (client busy).
    pub started: u64,
    /// See `started`.
    pub succeeded: u64,
    /// See `started`.
    pub failed: u64,
    /// See `started`.
    pub refused: u64,
    /// Requests waiting now.
    pub in_flight: u32,
    /// Response times, ms.
    pub last_response_ms: Option<u64>,
    /// See `last_response_ms`.
    pub max_response_ms: u64,
    /// Services in call order: name, latency, up, calls, missed, threads held.
    pub services: Vec<ServiceSnapshot>,
}

/// A service of a call chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceSnapshot {
    /// Name.
    pub name: String,
    /// Latency, ms.
    pub latency_ms: u64,
    /// Whether it answers.
    pub up: bool,
    /// Requests that reached it while up.
    pub calls: u64,
    /// Requests that reached it while down.
    pub missed: u64,
    /// Requests it holds a thread for now.
    pub in_flight: u32,
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
    /// Last stable offset (T8): where read_committed consumers stop.
    pub last_stable_offset: u64,
    /// Open transactions and their first offsets.
    pub open_transactions: Vec<OpenTransaction>,
    /// Transactions aborted in this partition so far.
    pub aborted_transactions: u64,
    /// Records currently kept (transaction markers included).
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
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub rate_per_sec: f64,
    /// Removed.
    pub removed: bool,
    /// Sends that failed.
    pub errors: u64,
    /// Producer id (idempotent and transactional producers).
    pub producer_id: Option<u64>,
    /// Producer epoch.
    pub epoch: Option<u16>,
    /// `enable.idempotence`.
    pub enable_idempotence: bool,
    /// `transactional.id`.
    pub transactional_id: Option<String>,
    /// Whether a transaction is open.
    pub in_transaction: bool,
    /// Batches sent and not yet acknowledged.
    pub in_flight: u32,
    /// Records waiting for an in-flight slot.
    pub queued: u32,
    /// Answers still to be lost (the `LoseAcks` fault).
    pub acks_to_lose: u32,
    /// Transactions committed (by the coordinator's count).
    pub transactions_committed: u64,
    /// Transactions aborted.
    pub transactions_aborted: u64,
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
    /// `isolation.level`.
    pub isolation_level: IsolationLevel,
    /// Leader member id.
    pub leader: Option<String>,
    /// Members.
    pub members: Vec<MemberSnapshot>,
    /// Per-partition offsets and lag.
    pub offsets: Vec<OffsetRow>,
    /// Delivery statistics.
    pub guarantees: GroupGuarantees,
    /// Why each anomaly in `guarantees` is allowed under the group's configuration (the
    /// checker reports anything not allowed as a violation instead).
    pub allowed: Vec<String>,
    /// Keys with anomalies (the guarantee monitor's per-key view), by key.
    pub keys: crate::vec_map::VecMap<String, crate::checker::KeyAnomalies>,
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
    /// `transactional.id` of its transactional producer (`exactly_once` groups).
    pub transactional_id: Option<String>,
    /// Whether its batch's transaction is open.
    pub in_transaction: bool,
}

/// A row of the group table: Partition, Assigned member, Log End Offset, Group Offset, Lag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OffsetRow {
    /// `topic-partition`.
    pub partition: String,
    /// Consumer that owns it in the coordinator's view; `name (old member)` when the owner is
    /// the member the consumer was before a restart, not yet expired.
    pub assigned: Option<String>,
    /// Log End Offset as `kafka-consumer-groups` shows it (C7): `ListOffsets(latest)` with the
    /// admin client's default isolation, read_uncommitted, which answers the high watermark
    /// for every group, read_committed ones included.
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
                            last_stable_offset: log.last_stable_offset(),
                            open_transactions: log.open_transactions().collect(),
                            aborted_transactions: log.aborted_transactions(),
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
                errors: p.errors,
                producer_id: p.identity.as_ref().map(|i| i.producer_id),
                epoch: p.identity.as_ref().map(|i| i.epoch),
                enable_idempotence: p.spec.enable_idempotence,
                transactional_id: p.spec.transactional_id.clone(),
                in_transaction: p.in_transaction,
                in_flight: p.in_flight() as u32,
                queued: p.queued() as u32,
                acks_to_lose: p.sender.as_ref().map_or(0, |s| s.lose_acks),
                transactions_committed: p
                    .spec
                    .transactional_id
                    .as_ref()
                    .and_then(|id| self.transactions().entry(id))
                    .map_or(0, |e| e.committed),
                transactions_aborted: p
                    .spec
                    .transactional_id
                    .as_ref()
                    .and_then(|id| self.transactions().entry(id))
                    .map_or(0, |e| e.aborted),
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
                        transactional_id: c
                            .transaction
                            .as_ref()
                            .map(|t| t.transactional_id.clone()),
                        in_transaction: c.transaction.as_ref().is_some_and(|t| t.open),
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
                            assigned: g.owner_of(&tp).map(|m| {
                                // A restarted consumer is a new member; its old member keeps
                                // its partitions until its session times out (C10).
                                let c = &self.consumers()[m.consumer];
                                match &c.member_id {
                                    Some(id) if *id != m.member_id => {
                                        format!("{} (old member)", c.name)
                                    }
                                    _ => c.name.clone(),
                                }
                            }),
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
                    isolation_level: g.config.isolation_level,
                    leader: g.leader.clone(),
                    members,
                    offsets,
                    guarantees: self
                        .checker()
                        .guarantees()
                        .get(&g.id)
                        .cloned()
                        .unwrap_or_default(),
                    allowed: allowed_anomalies(self, g, self.checker().guarantees().get(&g.id)),
                    keys: self
                        .checker()
                        .key_anomalies(&g.id)
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
            queues: self
                .queues()
                .iter()
                .map(|q| QueueSnapshot {
                    name: q.name.clone(),
                    producer: q.producer.clone(),
                    published: q.published,
                    deleted: q.deleted,
                    depth: q.depth() as u64,
                    redelivered: q.redelivered,
                    out_of_order: q.out_of_order,
                    refused: q.refused,
                    workers: q
                        .workers
                        .iter()
                        .map(|w| WorkerSnapshot {
                            name: w.name.clone(),
                            up: w.up,
                            unacked: w.unacked.iter().map(|m| m.id).collect(),
                            acked: w.acked,
                        })
                        .collect(),
                })
                .collect(),
            call_chains: self
                .call_chains()
                .iter()
                .map(|c| CallChainSnapshot {
                    name: c.name.clone(),
                    producer: c.producer.clone(),
                    started: c.started,
                    succeeded: c.succeeded,
                    failed: c.failed,
                    refused: c.refused,
                    in_flight: c.in_flight,
                    last_response_ms: c.last_response_ms,
                    max_response_ms: c.max_response_ms,
                    services: c
                        .services
                        .iter()
                        .map(|s| ServiceSnapshot {
                            name: s.name.clone(),
                            latency_ms: s.latency_ms,
                            up: s.up,
                            calls: s.calls,
                            missed: s.missed,
                            in_flight: s.in_flight,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// One sentence per anomaly the group shows, saying why its configuration allows it.
fn allowed_anomalies(
    sim: &Simulation,
    group: &crate::group::Group,
    stats: Option<&GroupGuarantees>,
) -> Vec<String> {
    let Some(stats) = stats else {
        return Vec::new();
    };
    let listener = &group.config.listener;
    let mut out = Vec::new();
    if stats.duplicates > 0 {
        let why = if group.rewound {
            "an offset reset moved the group back, so it processes those records again on purpose; at-least-once delivery also delivers again what was processed before a crash, a rebalance or a failed commit."
        } else if group.config.exactly_once {
            "processed again after their transaction was aborted (a crash, a rebalance or a fenced producer). The aborted transaction's output and offsets never reach read_committed readers, so downstream each record counts once: exactly-once holds."
        } else if group.config.commit_mode == crate::group::CommitMode::Auto {
            "at-least-once delivery. enable.auto.commit commits positions inside poll() every auto.commit.interval.ms, so records processed since the last of those commits are delivered again after a crash or a rebalance."
        } else {
            "at-least-once delivery. Offsets are committed after processing, so records processed before a crash, a rebalance or a failed commit are delivered again from the last committed offset."
        };
        out.push(format!(
            "{} {}: {why}",
            stats.duplicates,
            plural(stats.duplicates, "duplicate", "duplicates")
        ));
    }
    if stats.lost > 0 {
        out.push(format!(
            "{} lost: at-most-once delivery. Offsets are committed before processing, so the records of a batch in progress when the consumer failed are never processed.",
            stats.lost
        ));
    }
    if stats.skipped > 0 {
        // Only the causes this group's settings and topics allow: `earliest` never skips.
        let mut causes = Vec::new();
        if group.config.auto_offset_reset == crate::group::OffsetResetPolicy::Latest {
            causes.push("auto.offset.reset=latest starting after the records already there");
        }
        let retained = group
            .topics
            .iter()
            .filter_map(|name| sim.topic(name))
            .any(|t| t.retention_ms.is_some() || t.retention_bytes.is_some());
        if retained {
            causes.push("retention deleting records before they were read");
        }
        causes.push("an offset reset moving the group forward");
        if group.config.isolation_level == crate::transaction::IsolationLevel::ReadCommitted {
            causes.push("transaction markers and aborted records, which read_committed hides");
        }
        let last = causes.pop().unwrap_or_default();
        let listed = if causes.is_empty() {
            last.to_owned()
        } else {
            format!("{}, or {last}", causes.join(", "))
        };
        out.push(format!("{} skipped on purpose: {listed}.", stats.skipped));
    }
    if stats.ordering_violations > 0 {
        out.push(format!(
            "{} out of key order: non-blocking retries (@RetryableTopic) process a failed record after later records of the same key.",
            stats.ordering_violations
        ));
    }
    if stats.dead_lettered > 0 {
        out.push(format!(
            "{} dead-lettered: the error handler gave up on {} and published {} to a dead-letter topic with kafka_dlt-* headers.",
            stats.dead_lettered,
            plural(stats.dead_lettered, "it", "them"),
            plural(stats.dead_lettered, "it", "them")
        ));
    }
    if stats.recovered > 0 {
        out.push(format!(
            "{} recovered by logging: Spring's default recoverer logs the record at ERROR and skips it, once the back-off is exhausted or at once for an exception that is not retried (a deserialization error, for one).",
            stats.recovered
        ));
    }
    if stats.duplicates_suppressed > 0 {
        out.push(format!(
            "{} {}: the idempotent listener{} stores the ids of processed records and skips repeats.",
            stats.duplicates_suppressed,
            plural(stats.duplicates_suppressed, "redelivery ignored", "redeliveries ignored"),
            if listener.idempotent { "" } else { " (configured on the group)" }
        ));
    }
    out
}

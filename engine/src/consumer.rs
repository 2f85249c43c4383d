//! The consumer client: `KafkaConsumer` with its poll loop, positions, commits and heartbeat
//! thread, running a listener as Spring's listener container does.
//!
//! * C3/C4: the position is the next offset to hand out; committed offsets are "last processed
//!   + 1".
//! * C2: `auto.offset.reset` when there is no committed offset or it is out of range.
//! * C5: a member that takes over a partition starts from the committed offset, so records
//!   processed but not committed are delivered again.
//! * C6: auto commit inside `poll()`, before a rebalance and on close.
//! * C10: the heartbeat thread runs beside the poll loop; a poll loop that stalls for more than
//!   `max.poll.interval.ms` makes the client leave the group.
//! * C14(d): eager assignors revoke everything before rejoining; cooperative ones revoke only
//!   what moves and rejoin once more.
//!
//! * T6, T7: transaction markers are never handed out, and a read_committed consumer reads
//!   only below the last stable offset and skips records of aborted transactions; both move
//!   the position past what they skip, so the offsets a consumer sees have gaps.
//! * Consume-transform-produce (`forward_to`): each processed record is sent on to another
//!   topic. With `exactly_once` each poll's batch is one transaction of the consumer's own
//!   transactional producer (`transactional.id` = `tx-` + its name, stable across restarts),
//!   and the consumed offsets are sent to the transaction, so they are committed with it
//!   (Spring's `KafkaTransactionManager` with `sendOffsetsToTransaction`, KIP-447 group
//!   metadata). A crash leaves the transaction open until the restarted consumer fences it
//!   (`initTransactions` bumps the epoch and aborts it) or `transaction.timeout.ms` passes.
//!   A batch whose transaction was aborted under it is rolled back: the consumer seeks to the
//!   batch's first offsets and polls again (Spring's `DefaultAfterRollbackProcessor`).
//!
//! Simplified: one fetch returns what the log holds below the high watermark (no byte limits),
//! and records are processed one at a time by one listener thread. Forwarded records are
//! sent at once (no acknowledgements to lose); without `exactly_once` they carry no producer
//! id.

use std::collections::VecDeque;

use crate::vec_map::VecMap;
use std::sync::Arc;

use crate::assignor::{RebalanceProtocol, TopicPartition};
use crate::group::{CommitMode, OffsetResetPolicy};
use crate::log::ProducerBatch;
use crate::producer_state::ProducerIdentity;
use crate::sim::{CommandError, Event, Simulation, MAX_CONSUMERS};
use crate::trace::EventKind;
use crate::transaction::{TransactionOffsets, DEFAULT_TRANSACTION_TIMEOUT_MS};

/// A consumer's generation before it first joins, and after the group forgot it
/// (`Generation.NO_GENERATION`).
pub(crate) const NO_GENERATION: i32 = -1;

/// The transactional producer of a consumer in an `exactly_once` group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerTransaction {
    /// `transactional.id`: `tx-` + the consumer's name.
    pub transactional_id: String,
    /// Producer id, epoch and sequences.
    pub identity: ProducerIdentity,
    /// Whether the current batch's transaction is open.
    pub open: bool,
}

/// A partition whose records a poll returned, resolved once per fetch: its trace name and the
/// checker's track, so that processing each record looks nothing up by name.
#[derive(Debug)]
pub struct FetchedPartition {
    /// The partition.
    pub tp: TopicPartition,
    pub(crate) label: crate::trace::Name,
    pub(crate) track: usize,
}

impl std::ops::Deref for FetchedPartition {
    type Target = TopicPartition;
    fn deref(&self) -> &TopicPartition {
        &self.tp
    }
}

impl std::fmt::Display for FetchedPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.tp.fmt(f)
    }
}

/// Sets the pending commit of `tp` to `offset`, keeping the list sorted as a map would be.
fn set_pending(pending: &mut Vec<(TopicPartition, u64)>, tp: &TopicPartition, offset: u64) {
    match pending.binary_search_by(|(t, _)| t.cmp(tp)) {
        Ok(i) => pending[i].1 = offset,
        Err(i) => pending.insert(i, (tp.clone(), offset)),
    }
}

/// Sets `map[tp] = offset`, cloning the key only when it is new (fetches and commits update
/// the same few partitions over and over).
pub(crate) fn set_offset(
    map: &mut VecMap<TopicPartition, u64>,
    tp: &TopicPartition,
    offset: u64,
) -> Option<u64> {
    match map.get_mut(tp) {
        Some(slot) => Some(std::mem::replace(slot, offset)),
        None => map.insert(tp.clone(), offset),
    }
}

/// The `group.instance.id` of a static member. Spring Kafka's concurrent container gives
/// its n-th child container the configured id with the suffix `-(n-1)`
/// (`ConcurrentMessageListenerContainer`: `setClientIdSuffix("-" + index)`, from 0), and the
/// Spring Boot tab configures the group's id, so the playground's consumer `orders-1` is
/// `orders-0`.
fn static_instance_id(group_id: &str, consumer: &str) -> String {
    let index = consumer
        .strip_prefix(group_id)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|&n| n > 0);
    match index {
        Some(n) => format!("{group_id}-{}", n - 1),
        None => consumer.to_owned(),
    }
}

impl Consumer {
    /// Virtual time of its last `poll()`, from which `max.poll.interval.ms` counts (C10).
    pub fn last_poll_ms(&self) -> u64 {
        self.last_poll_ms
    }

    /// The record that keeps this consumer from getting past `tp` at `now_ms`, if any: one
    /// its poll keeps failing at (J1), which holds up every partition it owns; the failed
    /// record of `tp` the error handler retries (E1, E6), from its first failure until it
    /// succeeds or is recovered, sleeps included; or, while the back-off sleeps on the
    /// consumer's thread, the failed record of another partition it owns (N5).
    pub fn blocked_on(&self, tp: &TopicPartition, now_ms: u64) -> Option<Blocking> {
        // A poll that fails at one partition's record returns nothing for any of them (J1).
        let stalled = self
            .stuck
            .iter()
            .find(|(t, &at)| self.positions.get(*t) == Some(&at));
        if let Some((at, &offset)) = stalled.filter(|_| self.assignment.contains(tp)) {
            return Some(Blocking {
                partition: at.clone(),
                offset,
                poll_fails: true,
            });
        }
        if let Some(failed) = self.failed.get(tp) {
            return Some(Blocking {
                partition: tp.clone(),
                offset: failed.offset,
                poll_fails: false,
            });
        }
        let sleeping = self.backing_off_until.is_some_and(|t| t > now_ms);
        let (at, failed) = self.failed.iter().next()?;
        (sleeping && self.assignment.contains(tp)).then(|| Blocking {
            partition: at.clone(),
            offset: failed.offset,
            poll_fails: false,
        })
    }
}

/// The record a consumer cannot get past ([`Consumer::blocked_on`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// Its partition.
    pub partition: TopicPartition,
    /// Its offset.
    pub offset: u64,
    /// Whether the consumer's poll fails at it (a value that cannot be deserialized), rather
    /// than the listener failing and the error handler backing off.
    pub poll_fails: bool,
}

impl ConsumerStatus {
    /// The status in words.
    pub fn name(self) -> &'static str {
        match self {
            ConsumerStatus::Running => "running",
            ConsumerStatus::Paused => "paused",
            ConsumerStatus::Crashed => "crashed",
            ConsumerStatus::Stopped => "stopped",
            ConsumerStatus::Failed => "failed",
        }
    }
}

/// Whether the consumer's process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ConsumerStatus {
    /// Polling and processing.
    Running,
    /// The listener is stuck; the heartbeat thread still runs.
    Paused,
    /// The process died.
    Crashed,
    /// Shut down cleanly.
    Stopped,
    /// Stopped by an error it cannot get past (e.g. `NoOffsetForPartitionException`).
    Failed,
}

/// Where the consumer is in the group protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MemberPhase {
    /// Not a member.
    Unjoined,
    /// JoinGroup sent; waiting for the join phase to complete.
    Joining,
    /// Holds an assignment and consumes.
    Active,
}

/// A simulated consumer.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Display name and `client.id`, e.g. `notification-1`.
    pub name: String,
    /// Index of its group.
    pub group: usize,
    /// Process status.
    pub status: ConsumerStatus,
    /// Group-protocol phase.
    pub phase: MemberPhase,
    /// Member id from the coordinator.
    pub member_id: Option<String>,
    /// `group.instance.id` for static members.
    pub instance_id: Option<String>,
    /// Generation of its current assignment.
    pub generation: i32,
    /// Partitions it owns.
    pub assignment: Vec<TopicPartition>,
    /// Next offset to fetch per owned partition (C4).
    pub positions: VecMap<TopicPartition, u64>,
    /// Records fetched by the last poll and not yet processed: (partition, offset).
    /// Entries share their partition through an `Arc`, so a fetch of many records clones no
    /// strings.
    pub batch: VecDeque<(Arc<FetchedPartition>, u64)>,
    /// The error that stopped it, if any.
    pub error: Option<String>,
    /// Records this consumer processed.
    pub processed: u64,
    /// Next offsets processed but not yet committed (batch and record modes), sorted by
    /// partition as a map's entries would be. A sorted list rather than a map: a commit takes
    /// all of it as its offsets, with no map to allocate and take apart every batch.
    pending_commit: Vec<(TopicPartition, u64)>,
    /// The transactional producer of an `exactly_once` consumer, once it sent something.
    pub transaction: Option<ConsumerTransaction>,
    /// Per partition, the position the current batch started at (`exactly_once` only): where
    /// a rollback seeks back to.
    batch_start: VecMap<TopicPartition, u64>,
    /// Changes on crash, restart and pause, so scheduled events for an old life are dropped.
    pub(crate) incarnation: u32,
    pub(crate) rejoin_needed: bool,
    /// Whether it is idle in `poll()`, waiting for records.
    pub(crate) waiting: bool,
    pub(crate) last_poll_ms: u64,
    pub(crate) last_auto_commit_ms: u64,
    /// Whether a heartbeat chain runs for this incarnation.
    heartbeating: bool,
    /// Rotates which owned partition a fetch starts with, as Kafka's fetcher does.
    fetch_cursor: usize,
    /// Partitions whose poll fails at a record that cannot be deserialized (J1), by offset.
    pub stuck: VecMap<TopicPartition, u64>,
    /// The error handler's per-partition failure state (E1).
    pub(crate) failed: VecMap<TopicPartition, crate::error_handler::FailedRecord>,
    /// Until when the consumer thread sleeps in the error handler's back-off (or waits for a
    /// retry topic's record to be due).
    pub backing_off_until: Option<u64>,
    /// Its name as a shared trace name.
    pub(crate) label: crate::trace::Name,
    /// Bumped whenever `member_id` changes, so an offset commit can say which member id it was
    /// sent with without carrying a copy of it.
    pub(crate) member_epoch: u32,
    /// Trace names of the partitions it has read.
    partition_labels: VecMap<TopicPartition, crate::trace::Name>,
    /// The partitions it has fetched, resolved for processing.
    fetched: VecMap<TopicPartition, Arc<FetchedPartition>>,
}

impl Consumer {
    fn new(name: String, group: usize, instance_id: Option<String>) -> Self {
        let label = crate::trace::Name::from(name.as_str());
        Self {
            name,
            group,
            status: ConsumerStatus::Running,
            phase: MemberPhase::Unjoined,
            member_id: None,
            instance_id,
            generation: NO_GENERATION,
            assignment: Vec::new(),
            positions: VecMap::new(),
            batch: VecDeque::new(),
            error: None,
            processed: 0,
            pending_commit: Vec::new(),
            transaction: None,
            batch_start: VecMap::new(),
            incarnation: 0,
            rejoin_needed: false,
            waiting: false,
            last_poll_ms: 0,
            last_auto_commit_ms: 0,
            heartbeating: false,
            fetch_cursor: 0,
            stuck: VecMap::new(),
            failed: VecMap::new(),
            backing_off_until: None,
            label,
            member_epoch: 0,
            partition_labels: VecMap::new(),
            fetched: VecMap::new(),
        }
    }

    /// `topic-partition` as a shared trace name, made once per partition.
    pub(crate) fn partition_label(&mut self, tp: &TopicPartition) -> crate::trace::Name {
        if let Some(label) = self.partition_labels.get(tp) {
            return label.clone();
        }
        let label = crate::trace::Name::from(tp.to_string());
        self.partition_labels.insert(tp.clone(), label.clone());
        label
    }

    /// Whether it has partitions but no records to process and nothing to do.
    pub fn is_idle(&self) -> bool {
        self.status == ConsumerStatus::Running
            && self.phase == MemberPhase::Active
            && self.assignment.is_empty()
    }
}

impl Simulation {
    pub(crate) fn add_consumer(&mut self, group: usize) -> Result<usize, CommandError> {
        if self.consumers.len() >= MAX_CONSUMERS {
            return Err(CommandError::Limit(format!(
                "at most {MAX_CONSUMERS} consumers in all"
            )));
        }
        let group_id = self.groups[group].id.clone();
        let ordinal = self.consumers.iter().filter(|c| c.group == group).count() + 1;
        let mut name = format!("{group_id}-{ordinal}");
        let mut n = ordinal;
        while self.consumers.iter().any(|c| c.name == name) {
            n += 1;
            name = format!("{group_id}-{n}");
        }
        let instance_id = self.groups[group]
            .config
            .static_membership
            .then(|| static_instance_id(&group_id, &name));
        let index = self.consumers.len();
        self.consumers
            .push(Consumer::new(name.clone(), group, instance_id));
        self.emit(EventKind::ConsumerAdded {
            group: group_id.into(),
            consumer: name.into(),
        });
        self.schedule_in(
            0,
            Event::Poll {
                consumer: index,
                incarnation: 0,
            },
        );
        Ok(index)
    }

    fn consumer_names(&self, index: usize) -> (String, String) {
        let c = &self.consumers[index];
        (self.groups[c.group].id.clone(), c.name.clone())
    }

    /// Starts a new life: events scheduled for the old one are ignored from now on.
    fn new_incarnation(&mut self, index: usize) -> u32 {
        let c = &mut self.consumers[index];
        c.incarnation += 1;
        c.heartbeating = false;
        if c.waiting {
            // It was inside poll() until now: that poll is its last one.
            c.last_poll_ms = self.now_ms;
            c.waiting = false;
        }
        c.incarnation
    }

    /// Refuses actions that need a live consumer process.
    fn ensure_running(&self, index: usize) -> Result<(), CommandError> {
        let c = &self.consumers[index];
        if matches!(c.status, ConsumerStatus::Running | ConsumerStatus::Paused) {
            Ok(())
        } else {
            Err(CommandError::NotAllowed(format!(
                "consumer {} is not running",
                c.name
            )))
        }
    }

    pub(crate) fn crash_consumer(&mut self, index: usize) -> Result<(), CommandError> {
        self.ensure_running(index)?;
        self.new_incarnation(index);
        self.drop_client_state(index);
        let c = &mut self.consumers[index];
        c.status = ConsumerStatus::Crashed;
        let (group, consumer) = self.consumer_names(index);
        self.emit_milestone(EventKind::ConsumerCrashed {
            group: group.into(),
            consumer: consumer.into(),
        });
        Ok(())
    }

    /// Forgets everything a process keeps in memory (the coordinator still knows the member).
    fn drop_client_state(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        let owned = std::mem::take(&mut c.assignment);
        c.positions.clear();
        c.batch.clear();
        c.pending_commit.clear();
        c.stuck.clear();
        c.failed.clear();
        c.backing_off_until = None;
        c.batch_start.clear();
        if let Some(txn) = c.transaction.as_mut() {
            // The process is gone; the coordinator still holds its open transaction.
            txn.open = false;
        }
        c.phase = MemberPhase::Unjoined;
        c.rejoin_needed = false;
        for tp in owned {
            self.checker.on_unassigned(index, &tp);
        }
    }

    pub(crate) fn restart_consumer(&mut self, index: usize) -> Result<(), CommandError> {
        let c = &self.consumers[index];
        if !matches!(
            c.status,
            ConsumerStatus::Crashed | ConsumerStatus::Stopped | ConsumerStatus::Failed
        ) {
            return Err(CommandError::NotAllowed(format!(
                "consumer {} is running already",
                c.name
            )));
        }
        let incarnation = self.new_incarnation(index);
        // The new process reads the group's settings as they are now: static membership
        // turned on or off since takes effect here.
        let group = &self.groups[self.consumers[index].group];
        let instance_id = group
            .config
            .static_membership
            .then(|| static_instance_id(&group.id, &self.consumers[index].name));
        let c = &mut self.consumers[index];
        c.status = ConsumerStatus::Running;
        c.error = None;
        c.instance_id = instance_id;
        // A dynamic member gets a new member id; a static one rejoins with its instance id.
        c.member_id = None;
        c.member_epoch += 1;
        let (group, consumer) = self.consumer_names(index);
        self.emit(EventKind::ConsumerRestarted {
            group: group.into(),
            consumer: consumer.into(),
        });
        // The new process's transactional producer calls initTransactions with the same
        // transactional.id: the epoch goes up and the transaction its predecessor left open
        // is aborted (fencing).
        if let Some(id) = self.consumers[index]
            .transaction
            .as_ref()
            .map(|t| t.transactional_id.clone())
        {
            let identity = self.init_transactional_id(&id, DEFAULT_TRANSACTION_TIMEOUT_MS);
            if let Some(txn) = self.consumers[index].transaction.as_mut() {
                txn.identity = identity;
                txn.open = false;
            }
        }
        self.schedule_in(
            0,
            Event::Poll {
                consumer: index,
                incarnation,
            },
        );
        Ok(())
    }

    pub(crate) fn pause_consumer(
        &mut self,
        index: usize,
        paused: bool,
    ) -> Result<(), CommandError> {
        let c = &self.consumers[index];
        let want = if paused {
            ConsumerStatus::Running
        } else {
            ConsumerStatus::Paused
        };
        if c.status != want {
            return Err(CommandError::NotAllowed(format!(
                "consumer {} is {}, so it cannot be {}",
                c.name,
                c.status.name(),
                if paused { "paused" } else { "resumed" }
            )));
        }
        // A new incarnation drops the processing step or poll in flight; the heartbeat thread
        // keeps running through a pause, so it is restarted for the new incarnation.
        let incarnation = self.new_incarnation(index);
        let c = &mut self.consumers[index];
        c.status = if paused {
            ConsumerStatus::Paused
        } else {
            ConsumerStatus::Running
        };
        let resume_processing = !c.batch.is_empty();
        let member = c.phase != MemberPhase::Unjoined;
        let (group, consumer) = self.consumer_names(index);
        self.emit(EventKind::ConsumerPaused {
            group: group.into(),
            consumer: consumer.into(),
            paused,
        });
        if member {
            self.start_heartbeats(index);
        }
        if !paused {
            let processing = self.processing_delay(self.consumers[index].group);
            if resume_processing {
                self.schedule_in(
                    processing,
                    Event::ProcessDone {
                        consumer: index,
                        incarnation,
                    },
                );
            } else {
                self.schedule_in(
                    0,
                    Event::Poll {
                        consumer: index,
                        incarnation,
                    },
                );
            }
        }
        Ok(())
    }

    pub(crate) fn remove_consumer(&mut self, index: usize) -> Result<(), CommandError> {
        self.ensure_running(index)?;
        // close(): commit what was processed (auto commit: the positions, C6), then leave.
        self.commit_on_revoke(index);
        let c = &self.consumers[index];
        let (group, member_id, is_static) = (c.group, c.member_id.clone(), c.instance_id.is_some());
        // close() gives up what the consumer owns (onLeavePrepare), a static member's too,
        // though it sends no LeaveGroup and the coordinator keeps its partitions until its
        // session expires: lost when the generation was reset or a rebalance is under way,
        // revoked otherwise.
        if !c.assignment.is_empty() {
            let lost = c.generation == NO_GENERATION || c.phase == MemberPhase::Joining;
            let owned = c.assignment.clone();
            if lost {
                self.emit_lost(index, &owned);
            } else {
                self.emit_revoked(index, &owned);
            }
        }
        self.new_incarnation(index);
        self.drop_client_state(index);
        self.consumers[index].status = ConsumerStatus::Stopped;
        if let (Some(member_id), false) = (member_id, is_static) {
            // Static members do not send LeaveGroup on close; their session simply expires.
            self.schedule_in(
                self.config.network_latency_ms,
                Event::LeaveArrives {
                    group,
                    member_id,
                    reason: "the consumer left the group (close)".into(),
                },
            );
        }
        let (group, consumer) = self.consumer_names(index);
        self.emit(EventKind::ConsumerRemoved {
            group: group.into(),
            consumer: consumer.into(),
        });
        Ok(())
    }

    /// Records arrived in `topic`-`partition`: wake consumers idle in `poll()` that own it.
    pub(crate) fn wake_consumers(&mut self, topic: &str, partition: u32) {
        let latency = self.config.network_latency_ms;
        for index in 0..self.consumers.len() {
            let c = &self.consumers[index];
            if c.waiting
                && c.assignment
                    .iter()
                    .any(|tp| tp.partition == partition && tp.topic == topic)
            {
                let incarnation = c.incarnation;
                self.consumers[index].waiting = false;
                self.schedule_in(
                    latency,
                    Event::Poll {
                        consumer: index,
                        incarnation,
                    },
                );
            }
        }
    }

    fn live(&self, index: usize, incarnation: u32) -> bool {
        let c = &self.consumers[index];
        c.incarnation == incarnation
            && matches!(c.status, ConsumerStatus::Running | ConsumerStatus::Paused)
    }

    /// Forgets what consumer `index` kept about `partitions` it gave up: a record its poll
    /// failed at (J1), and the error handler's failure and back-off there (E1).
    fn forget_partitions(&mut self, index: usize, partitions: &[TopicPartition]) {
        let c = &mut self.consumers[index];
        c.stuck.retain(|tp, _| !partitions.contains(tp));
        c.batch_start.retain(|tp, _| !partitions.contains(tp));
        let failed_before = c.failed.len();
        c.failed.retain(|tp, _| !partitions.contains(tp));
        if failed_before > 0 && c.failed.is_empty() {
            c.backing_off_until = None;
        }
    }

    /// Traces that consumer `index` gave up `partitions` as lost (onPartitionsLost).
    fn emit_lost(&mut self, index: usize, partitions: &[TopicPartition]) {
        self.emit_given_up(index, partitions, true);
    }

    /// Traces that consumer `index` gave up `partitions` (onPartitionsRevoked).
    fn emit_revoked(&mut self, index: usize, partitions: &[TopicPartition]) {
        self.emit_given_up(index, partitions, false);
    }

    fn emit_given_up(&mut self, index: usize, partitions: &[TopicPartition], lost: bool) {
        let (group, consumer) = self.consumer_names(index);
        let (group, consumer) = (group.into(), consumer.into());
        let partitions = partitions.iter().map(ToString::to_string).collect();
        self.emit(if lost {
            EventKind::PartitionsLost {
                group,
                consumer,
                partitions,
            }
        } else {
            EventKind::Revoked {
                group,
                consumer,
                partitions,
            }
        });
    }

    /// Sends JoinGroup. Eager protocols first give up every partition (C14(d)).
    fn send_join(&mut self, index: usize) {
        let group = self.consumers[index].group;
        let protocol = self.groups[group].config.assignor.rebalance_protocol();
        let c = &self.consumers[index];
        if c.generation == NO_GENERATION && !c.assignment.is_empty() {
            // onJoinPrepare after the generation was reset: every owned partition is lost,
            // with no commit, whatever the protocol; the JoinGroup then claims none. An
            // exactly-once batch's transaction cannot commit its offsets any more (the group
            // refuses the old generation), so it is aborted.
            self.consumers[index].pending_commit.clear();
            if self.groups[group].config.exactly_once {
                self.abort_consumer_transaction(
                    index,
                    "the partitions were lost (generation reset): the batch's transaction is aborted",
                );
            }
            let lost = std::mem::take(&mut self.consumers[index].assignment);
            let c = &mut self.consumers[index];
            c.positions.clear();
            c.batch.clear();
            self.forget_partitions(index, &lost);
            for tp in &lost {
                self.checker.on_unassigned(index, tp);
            }
            self.emit_lost(index, &lost);
        } else if protocol == RebalanceProtocol::Eager
            && !self.consumers[index].assignment.is_empty()
        {
            self.commit_on_revoke(index);
            let revoked = std::mem::take(&mut self.consumers[index].assignment);
            self.consumers[index].positions.clear();
            self.consumers[index].batch.clear();
            self.forget_partitions(index, &revoked);
            for tp in &revoked {
                self.checker.on_unassigned(index, tp);
            }
            self.emit_revoked(index, &revoked);
        } else if self.groups[group].config.commit_mode == CommitMode::Auto {
            // onJoinPrepare commits positions before every rebalance (C6).
            self.commit_on_revoke(index);
        }
        let c = &mut self.consumers[index];
        c.phase = MemberPhase::Joining;
        c.rejoin_needed = false;
        c.waiting = false;
        let incarnation = c.incarnation;
        self.schedule_in(
            self.config.network_latency_ms,
            Event::JoinArrives {
                consumer: index,
                incarnation,
            },
        );
    }

    /// Commits before partitions are given up or the consumer closes: the positions under auto
    /// commit (C6), the processed records otherwise (Spring commits pending acks on revoke).
    fn commit_on_revoke(&mut self, index: usize) {
        if self.groups[self.consumers[index].group].config.exactly_once {
            // Offsets go with transactions only. A batch cut short (close) is aborted, as
            // `KafkaProducer.close()` aborts an ongoing transaction.
            self.consumers[index].pending_commit.clear();
            self.abort_consumer_transaction(
                index,
                "the consumer closed mid-batch: close() aborts the ongoing transaction",
            );
            return;
        }
        let c = &self.consumers[index];
        let offsets: Vec<(TopicPartition, u64)> = match self.groups[c.group].config.commit_mode {
            CommitMode::Auto => {
                // Positions count only for records already processed: a batch in progress is
                // not finished, so its partitions commit where processing stands.
                let mut at = c.positions.clone();
                for (tp, offset) in &c.batch {
                    at.entry(TopicPartition::clone(tp))
                        .and_modify(|o| *o = (*o).min(*offset));
                }
                at.into_iter().collect()
            }
            CommitMode::Batch | CommitMode::Record => c.pending_commit.clone(),
        };
        self.consumers[index].pending_commit.clear();
        self.send_commit(index, offsets);
    }

    fn send_commit(&mut self, index: usize, offsets: Vec<(TopicPartition, u64)>) {
        if offsets.is_empty() {
            return;
        }
        let c = &self.consumers[index];
        if c.member_id.is_none() {
            return;
        }
        let (member_epoch, generation) = (c.member_epoch, c.generation);
        self.schedule_in(
            self.config.network_latency_ms,
            Event::CommitArrives {
                consumer: index,
                member_epoch,
                generation,
                offsets,
            },
        );
    }

    /// The heartbeat thread: one heartbeat every `heartbeat.interval.ms` while a member.
    fn start_heartbeats(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        if c.heartbeating {
            return;
        }
        c.heartbeating = true;
        let incarnation = c.incarnation;
        let interval = self.groups[c.group].config.heartbeat_interval_ms;
        self.schedule_in(
            interval,
            Event::Heartbeat {
                consumer: index,
                incarnation,
            },
        );
    }

    pub(crate) fn on_heartbeat(&mut self, index: usize, incarnation: u32) {
        if !self.live(index, incarnation) {
            return;
        }
        let group = self.consumers[index].group;
        let config = self.groups[group].config.clone();
        if self.poll_timer_expired(index) {
            self.poll_timeout(index);
            return;
        }
        // The heartbeat thread wakes every retry.backoff.ms between heartbeats; what matters
        // of those wake-ups is the one that finds the poll timer run out.
        let c = &self.consumers[index];
        if c.phase == MemberPhase::Active && !c.waiting {
            let deadline = c.last_poll_ms.saturating_add(config.max_poll_interval_ms);
            // A deadline already behind (a retry listener's wait, inside poll()) is looked at
            // again by the next heartbeat.
            if deadline > self.now_ms
                && deadline < self.now_ms.saturating_add(config.heartbeat_interval_ms)
            {
                self.schedule_in(
                    deadline - self.now_ms,
                    Event::PollTimerCheck {
                        consumer: index,
                        incarnation,
                    },
                );
            }
        }
        let c = &self.consumers[index];
        let Some(member_id) = c.member_id.clone() else {
            self.consumers[index].heartbeating = false;
            return;
        };
        // The heartbeat reaches the coordinator; its answer comes back at once.
        let g = &mut self.groups[group];
        let answer = match g.members.get_mut(&member_id) {
            None => Some("UNKNOWN_MEMBER_ID"),
            Some(m) => {
                m.last_heartbeat_ms = self.now_ms;
                match g.state {
                    crate::group::GroupState::PreparingRebalance => Some("REBALANCE_IN_PROGRESS"),
                    _ if g.generation != c.generation && c.phase == MemberPhase::Active => {
                        Some("ILLEGAL_GENERATION")
                    }
                    _ => None,
                }
            }
        };
        if answer.is_none() {
            let session = config.session_timeout_ms;
            self.schedule_in(session, Event::SessionCheck { group, member_id });
        }
        match answer {
            Some("UNKNOWN_MEMBER_ID") => {
                // Removed meanwhile (session timeout): forget the member id and the
                // generation, and join again.
                let c = &mut self.consumers[index];
                if c.instance_id.is_none() {
                    c.member_id = None;
                    c.member_epoch += 1;
                }
                c.generation = NO_GENERATION;
                c.rejoin_needed = true;
                self.wake_for_rejoin(index);
            }
            Some("ILLEGAL_GENERATION") => {
                // A rebalance completed without this member.
                self.reset_generation(index);
            }
            Some(_) => {
                self.consumers[index].rejoin_needed = true;
                self.wake_for_rejoin(index);
            }
            None => {}
        }
        let c = &self.consumers[index];
        if c.phase == MemberPhase::Unjoined {
            self.consumers[index].heartbeating = false;
            return;
        }
        self.schedule_in(
            config.heartbeat_interval_ms,
            Event::Heartbeat {
                consumer: index,
                incarnation,
            },
        );
    }

    /// C10: whether the time since the last `poll()` has reached `max.poll.interval.ms`
    /// (`Timer.isExpired`: now >= deadline). A consumer idle in `poll()` (no records, or no
    /// partitions at all) is inside poll: the client resets its poll timer on every turn of
    /// that loop, so it never times out.
    fn poll_timer_expired(&self, index: usize) -> bool {
        let c = &self.consumers[index];
        let group = &self.groups[c.group];
        // A retry topic's listener waiting for a record to be due pauses that partition and
        // goes on polling (KafkaConsumerBackoffManager): it is inside poll() too.
        let due_wait = matches!(group.role, crate::group::GroupRole::RetryStage { .. })
            && c.backing_off_until.is_some_and(|t| t > self.now_ms);
        c.phase == MemberPhase::Active
            && !c.waiting
            && !due_wait
            && self.now_ms.saturating_sub(c.last_poll_ms) >= group.config.max_poll_interval_ms
    }

    /// The heartbeat thread's check between heartbeats: a stalled poll loop leaves the group
    /// when its poll timer runs out, not at the next heartbeat.
    pub(crate) fn on_poll_timer_check(&mut self, index: usize, incarnation: u32) {
        if self.live(index, incarnation) && self.poll_timer_expired(index) {
            self.poll_timeout(index);
        }
    }

    /// The group answered that this member's generation is over (`resetGenerationOnResponseError`):
    /// it forgets the generation, so it gives up its partitions as lost, and joins again.
    pub(crate) fn reset_generation(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        c.generation = NO_GENERATION;
        c.rejoin_needed = true;
        self.wake_for_rejoin(index);
    }

    /// The coordinator answered the consumer's JoinGroup or SyncGroup with UNKNOWN_MEMBER_ID:
    /// it removed the member while the consumer waited. The consumer forgets its generation
    /// (and, unless static, its member id) and joins again (`resetStateAndRejoin`).
    pub(crate) fn join_refused(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        if c.status != ConsumerStatus::Running || c.phase != MemberPhase::Joining {
            return;
        }
        if c.instance_id.is_none() {
            c.member_id = None;
            c.member_epoch += 1;
        }
        c.generation = NO_GENERATION;
        self.send_join(index);
    }

    /// Consumers of `group` that have not reached the coordinator yet take the group's static
    /// membership setting: a process that has not connected is configured as one started from
    /// now on. Turning static membership on before the first Play makes the starting
    /// consumers static, as the Spring Boot tab then shows them.
    pub(crate) fn apply_static_membership_before_join(&mut self, group: usize) {
        let is_static = self.groups[group].config.static_membership;
        let group_id = self.groups[group].id.clone();
        for c in self.consumers.iter_mut() {
            if c.group == group && c.member_id.is_none() && c.status == ConsumerStatus::Running {
                c.instance_id = is_static.then(|| static_instance_id(&group_id, &c.name));
            }
        }
    }

    /// The coordinator answered the SyncGroup of `member_id` with REBALANCE_IN_PROGRESS: a
    /// new join phase began before the assignment came. The consumer keeps its member id and
    /// sends JoinGroup again.
    pub(crate) fn sync_refused(&mut self, index: usize, member_id: &str) {
        let c = &self.consumers[index];
        if c.status == ConsumerStatus::Running
            && c.phase == MemberPhase::Joining
            && c.member_id.as_deref() == Some(member_id)
        {
            self.send_join(index);
        }
    }

    /// Every running member of `group` joins again, as when all of them restart with a
    /// changed `partition.assignment.strategy`: their JoinGroups carry the new assignor, and
    /// the changed metadata makes the coordinator rebalance.
    pub(crate) fn rejoin_all(&mut self, group: usize) {
        for index in 0..self.consumers.len() {
            let c = &mut self.consumers[index];
            if c.group == group
                && c.status == ConsumerStatus::Running
                && c.phase == MemberPhase::Active
            {
                c.rejoin_needed = true;
                self.wake_for_rejoin(index);
            }
        }
    }

    /// A consumer idle in `poll()` returns to rejoin at once; a busy one rejoins at its next poll.
    fn wake_for_rejoin(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        if c.waiting && c.status == ConsumerStatus::Running {
            c.waiting = false;
            let incarnation = c.incarnation;
            self.schedule_in(
                0,
                Event::Poll {
                    consumer: index,
                    incarnation,
                },
            );
        }
    }

    /// `max.poll.interval.ms` expired (C10): a dynamic member sends LeaveGroup; a static member
    /// only stops heartbeating, so its partitions move when its session expires.
    fn poll_timeout(&mut self, index: usize) {
        let c = &mut self.consumers[index];
        let group = c.group;
        let member_id = c.member_id.clone();
        let is_static = c.instance_id.is_some();
        c.heartbeating = false;
        c.phase = MemberPhase::Unjoined;
        c.rejoin_needed = true;
        // Leaving resets the generation, a static member's too (resetGenerationOnLeaveGroup).
        c.generation = NO_GENERATION;
        if !is_static {
            c.member_id = None;
            c.member_epoch += 1;
        }
        let (group_id, consumer) = self.consumer_names(index);
        self.emit(EventKind::ConsumerError {
            group: group_id.into(),
            consumer: consumer.into(),
            error: "consumer poll timeout has expired: the time between polls exceeded max.poll.interval.ms, so the consumer left the group".into(),
        });
        if let (Some(member_id), false) = (member_id, is_static) {
            self.schedule_in(
                self.config.network_latency_ms,
                Event::LeaveArrives {
                    group,
                    member_id,
                    reason: "max.poll.interval.ms expired".into(),
                },
            );
        }
    }

    pub(crate) fn on_assignment(&mut self, index: usize, incarnation: u32, generation: i32) {
        if !self.live(index, incarnation) || self.consumers[index].phase != MemberPhase::Joining {
            return;
        }
        let group = self.consumers[index].group;
        let Some(member_id) = self.consumers[index].member_id.clone() else {
            return;
        };
        let g = &self.groups[group];
        if g.generation != generation {
            return;
        }
        let Some(member) = g.members.get(&member_id) else {
            self.join_refused(index);
            return;
        };
        let new_assignment = member.assignment.clone();
        let cooperative = g.config.assignor.rebalance_protocol() == RebalanceProtocol::Cooperative;

        let old = std::mem::take(&mut self.consumers[index].assignment);
        let revoked: Vec<TopicPartition> = old
            .iter()
            .filter(|tp| !new_assignment.contains(tp))
            .cloned()
            .collect();
        if !revoked.is_empty() {
            // Cooperative: give up only what moves, commit it, and rejoin once more (C14(c)).
            self.consumers[index].assignment = old.clone();
            self.commit_on_revoke(index);
            self.forget_partitions(index, &revoked);
            let c = &mut self.consumers[index];
            for tp in &revoked {
                c.positions.remove(tp);
                c.batch.retain(|(t, _)| t.tp != *tp);
                self.checker.on_unassigned(index, tp);
            }
            self.emit_revoked(index, &revoked);
        }
        let c = &mut self.consumers[index];
        c.assignment = new_assignment.clone();
        c.generation = generation;
        c.phase = MemberPhase::Active;
        c.rejoin_needed = cooperative && !revoked.is_empty();
        c.last_poll_ms = self.now_ms;
        c.last_auto_commit_ms = self.now_ms;
        let (group_id, consumer) = self.consumer_names(index);
        self.emit(EventKind::Assigned {
            group: group_id.into(),
            consumer: consumer.into(),
            generation,
            partitions: new_assignment.iter().map(ToString::to_string).collect(),
        });
        for tp in new_assignment.iter().filter(|tp| !old.contains(tp)) {
            if !self.init_position(index, tp) {
                return;
            }
        }
        self.start_heartbeats(index);
        self.schedule_in(
            0,
            Event::Poll {
                consumer: index,
                incarnation,
            },
        );
    }

    /// Sets the position of a newly owned partition: the committed offset (C5), or
    /// `auto.offset.reset` (C2). Returns false when the consumer failed.
    fn init_position(&mut self, index: usize, tp: &TopicPartition) -> bool {
        let group = self.consumers[index].group;
        let committed = self.groups[group].committed.get(tp).copied();
        let Some(log) = self
            .topics
            .get(&tp.topic)
            .and_then(|t| t.partition(tp.partition))
        else {
            return true;
        };
        let (start, end) = (log.log_start_offset(), log.high_watermark());
        let in_range = committed.filter(|&o| (start..=end).contains(&o));
        // seekToEnd answers the last stable offset under read_committed (T7).
        let end = log.fetch_limit(self.groups[group].config.isolation_level);
        let position = match in_range {
            Some(offset) => offset,
            None => {
                let reason = if committed.is_some() {
                    "offset out of range"
                } else {
                    "no committed offset"
                };
                match self.groups[group].config.auto_offset_reset {
                    OffsetResetPolicy::Earliest => {
                        self.reset_position(group, tp, start, reason, "earliest")
                    }
                    OffsetResetPolicy::Latest => {
                        self.reset_position(group, tp, end, reason, "latest")
                    }
                    OffsetResetPolicy::None => {
                        let error = if committed.is_some() {
                            format!("OffsetOutOfRangeException: fetch position for partition {tp} is out of range and auto.offset.reset=none")
                        } else {
                            format!("NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{tp}]")
                        };
                        self.fail_consumer(index, error);
                        return false;
                    }
                }
            }
        };
        if in_range.is_some() && self.groups[group].config.listener.commit_before_processing {
            let id = self.groups[group].id.clone();
            self.checker.on_resume_at_most_once(&id, tp, position);
        }
        self.consumers[index].positions.insert(tp.clone(), position);
        self.checker.on_position(index, tp, position);
        true
    }

    fn reset_position(
        &mut self,
        group: usize,
        tp: &TopicPartition,
        to: u64,
        reason: &str,
        policy: &str,
    ) -> u64 {
        let id = self.groups[group].id.clone();
        self.checker.on_skip_to(&id, tp, to);
        self.emit(EventKind::OffsetReset {
            group: id.into(),
            partition: tp.to_string().into(),
            offset: to,
            reason: (format!("{reason}: auto.offset.reset={policy}")).into(),
        });
        to
    }

    /// The consumer stops with an error it cannot get past; the user sees it.
    fn fail_consumer(&mut self, index: usize, error: String) {
        let c = &self.consumers[index];
        let (group, member_id, is_static) = (c.group, c.member_id.clone(), c.instance_id.is_some());
        self.new_incarnation(index);
        self.drop_client_state(index);
        let c = &mut self.consumers[index];
        c.status = ConsumerStatus::Failed;
        c.error = Some(error.clone());
        let (group_id, consumer) = self.consumer_names(index);
        self.emit(EventKind::ConsumerError {
            group: group_id.into(),
            consumer: consumer.into(),
            error: error.into(),
        });
        if let (Some(member_id), false) = (member_id, is_static) {
            self.schedule_in(
                self.config.network_latency_ms,
                Event::LeaveArrives {
                    group,
                    member_id,
                    reason: "the consumer failed and closed".into(),
                },
            );
        }
    }

    pub(crate) fn on_poll(&mut self, index: usize, incarnation: u32) {
        if !self.live(index, incarnation) || self.consumers[index].status != ConsumerStatus::Running
        {
            return;
        }
        if !self.consumers[index].batch.is_empty() {
            // Still processing the previous batch; the poll happens when it is done.
            return;
        }
        self.consumers[index].last_poll_ms = self.now_ms;
        self.consumers[index].waiting = false;
        self.consumers[index].backing_off_until = None;
        let c = &self.consumers[index];
        if c.phase == MemberPhase::Unjoined || (c.rejoin_needed && c.phase == MemberPhase::Active) {
            self.send_join(index);
            return;
        }
        if c.phase != MemberPhase::Active {
            return;
        }
        let group = c.group;
        // The settings this poll needs, copied: a clone of the whole config (failure rules,
        // error handler) would allocate on every poll.
        let config = &self.groups[group].config;
        let commit_mode = config.commit_mode;
        let auto_commit_interval_ms = config.auto_commit_interval_ms;
        let max_poll_records = config.max_poll_records;
        let commit_before_processing = config.listener.commit_before_processing;
        let processing_time_ms = config.processing_time_ms;
        let processing_jitter_ms = config.listener.processing_jitter_ms;
        if commit_mode == CommitMode::Auto
            && self.now_ms >= self.consumers[index].last_auto_commit_ms + auto_commit_interval_ms
        {
            self.consumers[index].last_auto_commit_ms = self.now_ms;
            let offsets = self.consumers[index]
                .positions
                .clone()
                .into_iter()
                .collect();
            self.send_commit(index, offsets);
        }
        if !self.fetch(index, max_poll_records) {
            return;
        }
        if self.consumers[index].batch.is_empty() {
            // Long poll: sleep until records arrive, or until the next auto commit is due.
            self.consumers[index].waiting = true;
            if commit_mode == CommitMode::Auto {
                let due = self.consumers[index].last_auto_commit_ms + auto_commit_interval_ms;
                self.schedule(
                    due,
                    Event::Poll {
                        consumer: index,
                        incarnation,
                    },
                );
            }
            return;
        }
        if commit_before_processing {
            // At-most-once: the positions are committed before the records are processed.
            let offsets = self.consumers[index]
                .positions
                .clone()
                .into_iter()
                .collect();
            self.send_commit(index, offsets);
        }
        if processing_time_ms == 0 && processing_jitter_ms == 0 {
            while !self.consumers[index].batch.is_empty() {
                if !self.process_head(index) {
                    return;
                }
            }
            self.finish_batch(index, incarnation);
        } else {
            let delay = self.processing_delay(group);
            self.schedule_in(
                delay,
                Event::ProcessDone {
                    consumer: index,
                    incarnation,
                },
            );
        }
    }

    /// Fills the consumer's batch with up to `max_records` records from its partitions.
    /// Returns false when the consumer failed.
    fn fetch(&mut self, index: usize, max_records: u32) -> bool {
        if self.consumers[index].assignment.is_empty() {
            return true;
        }
        // The assignment is lent out for the loop instead of cloned (a poll comes every few
        // records, and a clone is an allocation per partition). Nothing the loop calls reads
        // it; it is put back before a failure, which hands it to `drop_client_state`.
        let owned = std::mem::take(&mut self.consumers[index].assignment);
        let outcome = self.fetch_owned(index, &owned, max_records);
        self.consumers[index].assignment = owned;
        match outcome {
            Ok(()) => true,
            Err(error) => {
                self.fail_consumer(index, error);
                false
            }
        }
    }

    /// The loop of [`Simulation::fetch`] over the consumer's partitions `owned`. An error
    /// means the consumer must fail with it.
    fn fetch_owned(
        &mut self,
        index: usize,
        owned: &[TopicPartition],
        max_records: u32,
    ) -> Result<(), String> {
        let group = self.consumers[index].group;
        // J1: once poll() has thrown at a record, the failed fetch stays next in line, and
        // every later poll throws there again before it returns anything: none of the
        // consumer's partitions moves until that partition is taken away or sought past.
        let c = &self.consumers[index];
        if owned.iter().any(|tp| {
            c.stuck
                .get(tp)
                .is_some_and(|&at| c.positions.get(tp) == Some(&at))
        }) {
            return Ok(());
        }
        let group_id = self.groups[group].label.clone();
        let consumer_name = self.consumers[index].label.clone();
        let start = self.consumers[index].fetch_cursor % owned.len();
        self.consumers[index].fetch_cursor = self.consumers[index].fetch_cursor.wrapping_add(1);
        let isolation = self.groups[group].config.isolation_level;
        let exactly_once = self.groups[group].config.exactly_once;
        if exactly_once {
            self.consumers[index].batch_start.clear();
        }
        let mut budget = u64::from(max_records);
        for i in 0..owned.len() {
            if budget == 0 {
                break;
            }
            let tp = &owned[(start + i) % owned.len()];
            let Some(&position) = self.consumers[index].positions.get(tp) else {
                continue;
            };
            let Some(log) = self
                .topics
                .get(&tp.topic)
                .and_then(|t| t.partition(tp.partition))
            else {
                continue;
            };
            let (log_start, hw) = (log.log_start_offset(), log.high_watermark());
            let limit = log.fetch_limit(isolation);
            let has_control_records = log.has_control_records();
            let mut from = position;
            if position < log_start || position > hw {
                // The position fell out of the log (retention): auto.offset.reset applies (C2).
                let to = match self.groups[group].config.auto_offset_reset {
                    OffsetResetPolicy::Earliest => log_start,
                    OffsetResetPolicy::Latest => limit,
                    OffsetResetPolicy::None => {
                        return Err(format!(
                            "OffsetOutOfRangeException: fetch position {position} is out of range for partition {tp} and auto.offset.reset=none"
                        ));
                    }
                };
                let policy = self.groups[group]
                    .config
                    .auto_offset_reset
                    .name()
                    .to_owned();
                self.reset_position(group, tp, to, "offset out of range", &policy);
                self.checker.on_position(index, tp, to);
                from = to;
            }
            if exactly_once {
                self.consumers[index]
                    .batch_start
                    .entry(tp.clone())
                    .or_insert(from);
            }
            // Read from the log above: a position reset changes no log.
            if has_control_records || limit != hw {
                // Markers, aborted records or an open transaction: look at each record.
                budget -= self.fetch_skipping(index, tp, from, limit, budget);
                continue;
            }
            let mut count = (hw - from).min(budget);
            // Without ErrorHandlingDeserializer a value that cannot be deserialized makes poll()
            // throw at that record (J1). This poll still returns what it collected before it,
            // this partition's earlier records included, and nothing after it.
            let bad = self.first_undeserializable(index, tp, from, count);
            if let Some(bad) = bad {
                count = bad - from;
                self.poll_failed_at(index, tp, bad);
                budget = count;
            }
            if count == 0 {
                set_offset(&mut self.consumers[index].positions, tp, from);
                if bad.is_some() {
                    break;
                }
                continue;
            }
            budget -= count;
            let shared = self.fetched_partition(index, tp);
            let c = &mut self.consumers[index];
            c.batch
                .extend((from..from + count).map(|o| (Arc::clone(&shared), o)));
            set_offset(&mut c.positions, tp, from + count);
            self.counters.records_delivered += count;
            self.checker
                .on_fetch(self.now_ms, &group_id, index, tp, from, count, from + count);
            let partition_label = shared.label.clone();
            self.emit(EventKind::Fetched {
                group: group_id.clone(),
                consumer: consumer_name.clone(),
                partition: partition_label,
                from_offset: from,
                count: count as u32,
            });
        }
        Ok(())
    }

    /// Fetches `tp` from `from` up to `limit`, giving out at most `budget` records and stepping
    /// over markers and (under read_committed) aborted records (T6, T7). Returns how many
    /// records it gave out.
    fn fetch_skipping(
        &mut self,
        index: usize,
        tp: &crate::assignor::TopicPartition,
        from: u64,
        limit: u64,
        budget: u64,
    ) -> u64 {
        let group = self.consumers[index].group;
        let isolation = self.groups[group].config.isolation_level;
        let log = self
            .topics
            .get(&tp.topic)
            .and_then(|t| t.partition(tp.partition))
            .expect("the caller found it");
        let mut delivered = Vec::new();
        let mut markers = Vec::new();
        let mut aborted = Vec::new();
        let mut next = from;
        for record in log.range(from, limit) {
            if log.is_delivered(record, isolation) {
                if delivered.len() as u64 == budget {
                    break;
                }
                delivered.push(record.offset);
            } else if record.control.is_some() {
                markers.push(record.offset);
            } else {
                aborted.push(record.offset);
            }
            next = record.offset + 1;
        }
        let group_id = self.groups[group].label.clone();
        let consumer_name = self.consumers[index].label.clone();
        for &o in &markers {
            self.checker.on_skipped(&group_id, tp, o, false);
        }
        for &o in &aborted {
            self.checker.on_skipped(&group_id, tp, o, true);
        }
        let count = delivered.len() as u64;
        let shared = self.fetched_partition(index, tp);
        let c = &mut self.consumers[index];
        set_offset(&mut c.positions, tp, next);
        c.batch
            .extend(delivered.into_iter().map(|o| (Arc::clone(&shared), o)));
        if count > 0 {
            self.counters.records_delivered += count;
            self.checker
                .on_fetch(self.now_ms, &group_id, index, tp, from, count, next);
            let partition_label = shared.label.clone();
            self.emit(EventKind::Fetched {
                group: group_id.clone(),
                consumer: consumer_name.clone(),
                partition: partition_label,
                from_offset: from,
                count: count as u32,
            });
        } else {
            self.checker.on_position(index, tp, next);
        }
        if !markers.is_empty() || !aborted.is_empty() {
            self.emit(EventKind::FetchSkipped {
                group: group_id,
                consumer: consumer_name,
                partition: tp.to_string().into(),
                markers: markers.len() as u32,
                aborted: aborted.len() as u32,
            });
        }
        count
    }

    /// `tp` with its trace name and checker track, for the records of one fetch; made once per
    /// consumer and partition, then shared by every fetch.
    fn fetched_partition(&mut self, index: usize, tp: &TopicPartition) -> Arc<FetchedPartition> {
        if let Some(shared) = self.consumers[index].fetched.get(tp) {
            return Arc::clone(shared);
        }
        let group = self.consumers[index].group;
        let track = self.checker.track_id(&self.groups[group].label, tp);
        let label = self.consumers[index].partition_label(tp);
        let shared = Arc::new(FetchedPartition {
            tp: tp.clone(),
            label,
            track,
        });
        self.consumers[index]
            .fetched
            .insert(tp.clone(), Arc::clone(&shared));
        shared
    }

    /// Delivers the record at the head of the batch to the listener. Returns false when the
    /// listener failed and the error handler took over the rest of the batch.
    pub(crate) fn process_head(&mut self, index: usize) -> bool {
        let Some((fetched, offset)) = self.consumers[index].batch.pop_front() else {
            return true;
        };
        let tp = &fetched.tp;
        let group = self.consumers[index].group;
        if !self.groups[group].listener_is_plain() {
            match self.deliver_to_listener(index, tp, offset) {
                crate::error_handler::Delivery::Processed => {}
                crate::error_handler::Delivery::Skipped => return true,
                crate::error_handler::Delivery::Failed => return false,
            }
        }
        self.record_processed(index, tp, offset, Some(&fetched));
        true
    }

    /// Counts a record as processed by the listener and acknowledges it.
    pub(crate) fn record_processed(
        &mut self,
        index: usize,
        tp: &TopicPartition,
        offset: u64,
        fetched: Option<&FetchedPartition>,
    ) {
        let group = self.consumers[index].group;
        let group_id = self.groups[group].label.clone();
        let again = match fetched {
            Some(f) => self.checker.on_processed_in(f.track, &group_id, offset),
            None => self.checker.on_processed(&group_id, tp, offset),
        };
        if again {
            let key = self
                .topics
                .get(&tp.topic)
                .and_then(|t| t.partition(tp.partition))
                .and_then(|l| l.get(offset))
                .and_then(|r| r.key.clone());
            self.checker
                .on_key(&group_id, key.as_deref(), |k| k.duplicates += 1);
        }
        self.counters.records_processed += 1;
        let c = &mut self.consumers[index];
        c.processed += 1;
        set_pending(&mut c.pending_commit, tp, offset + 1);
        let consumer = c.label.clone();
        let partition = match fetched {
            Some(f) => f.label.clone(),
            None => c.partition_label(tp),
        };
        self.emit(EventKind::Processed {
            group: group_id,
            consumer,
            partition,
            offset,
        });
        if self.groups[group].config.forward_to.is_some() && !self.forward_record(index, tp, offset)
        {
            return;
        }
        self.ack_record(index);
    }

    /// `AckMode.RECORD` commits after each record.
    pub(crate) fn ack_record(&mut self, index: usize) {
        let group = self.consumers[index].group;
        if self.groups[group].config.commit_mode == CommitMode::Record {
            let offsets = std::mem::take(&mut self.consumers[index].pending_commit);
            self.send_commit(index, offsets);
        }
    }

    /// Acknowledges `offset` of `tp` without processing (a recovered or skipped record).
    pub(crate) fn ack_offset(&mut self, index: usize, tp: &TopicPartition, offset: u64) {
        set_pending(&mut self.consumers[index].pending_commit, tp, offset + 1);
        self.ack_record(index);
    }

    /// Commits what was processed so far (the error handler does this before it seeks, E6).
    pub(crate) fn commit_processed(&mut self, index: usize) {
        let offsets = std::mem::take(&mut self.consumers[index].pending_commit);
        self.send_commit(index, offsets);
    }

    /// Time the listener spends on the next record: the group's processing time plus a seeded
    /// jitter.
    pub(crate) fn processing_delay(&mut self, group: usize) -> u64 {
        let config = &self.groups[group].config;
        let (base, jitter) = (
            config.processing_time_ms,
            config.listener.processing_jitter_ms,
        );
        if jitter == 0 {
            base
        } else {
            base + self.rng.below(jitter + 1)
        }
    }

    /// After a batch: commit it (Spring's `AckMode.BATCH`, S1) and poll again.
    fn finish_batch(&mut self, index: usize, incarnation: u32) {
        let group = self.consumers[index].group;
        if self.groups[group].config.exactly_once {
            self.commit_consumer_transaction(index);
        } else if self.groups[group].config.commit_mode == CommitMode::Batch {
            let offsets = std::mem::take(&mut self.consumers[index].pending_commit);
            self.send_commit(index, offsets);
        }
        self.schedule_in(
            0,
            Event::Poll {
                consumer: index,
                incarnation,
            },
        );
    }

    pub(crate) fn on_process_done(&mut self, index: usize, incarnation: u32) {
        if !self.live(index, incarnation) || self.consumers[index].status != ConsumerStatus::Running
        {
            return;
        }
        if !self.process_head(index) {
            return;
        }
        if self.consumers[index].batch.is_empty() {
            self.finish_batch(index, incarnation);
        } else {
            let processing = self.processing_delay(self.consumers[index].group);
            self.schedule_in(
                processing,
                Event::ProcessDone {
                    consumer: index,
                    incarnation,
                },
            );
        }
    }
}

/// Consume-transform-produce (`forward_to`, `exactly_once`).
impl Simulation {
    /// Sends the output of input record `offset` of `tp` to the group's `forward_to` topic.
    /// Returns false when the batch was rolled back instead.
    fn forward_record(&mut self, index: usize, tp: &TopicPartition, offset: u64) -> bool {
        let group = self.consumers[index].group;
        let config = &self.groups[group].config;
        let (Some(out), exactly_once) = (config.forward_to.clone(), config.exactly_once) else {
            return true;
        };
        let Some(input) = self
            .topics
            .get(&tp.topic)
            .and_then(|t| t.partition(tp.partition))
            .and_then(|log| log.get(offset))
        else {
            return true;
        };
        let key = input.key.clone();
        // Topic names are validated to `[a-zA-Z0-9._-]`, so only the value needs escaping.
        let value = format!(
            r#"{{"from":"{tp}@{offset}","value":{}}}"#,
            input
                .value
                .as_deref()
                .map_or_else(|| "null".to_owned(), crate::json_write::quoted)
        );
        let Some(count) = self.topics.get(&out).map(|t| t.partition_count()) else {
            return true;
        };
        // Keyed outputs go where Kafka's partitioner puts the key (P1); keyless ones stay on
        // the input's partition number (the sticky partitioner is not modelled here).
        let partition = match &key {
            Some(k) => crate::partitioner::partition_for_key(k, count),
            None => tp.partition % count,
        };
        let out_tp = TopicPartition {
            topic: out.clone(),
            partition,
        };
        let mut batch = None;
        let mut writer = self.consumers[index].name.clone();
        if exactly_once {
            if self.consumers[index].transaction.is_none() {
                let id = format!("tx-{}", self.consumers[index].name);
                let identity = self.init_transactional_id(&id, DEFAULT_TRANSACTION_TIMEOUT_MS);
                self.consumers[index].transaction = Some(ConsumerTransaction {
                    transactional_id: id,
                    identity,
                    open: false,
                });
            }
            let txn = self.consumers[index]
                .transaction
                .as_ref()
                .expect("set above");
            let id = txn.transactional_id.clone();
            if self.coordinator_epoch(&id) != Some(txn.identity.epoch) {
                self.rollback_batch(
                    index,
                    "InvalidProducerEpochException: the transaction timed out and the coordinator aborted it",
                );
                return false;
            }
            self.add_partition_to_transaction(&id, &out_tp);
            let txn = self.consumers[index]
                .transaction
                .as_mut()
                .expect("set above");
            txn.open = true;
            batch = Some(ProducerBatch {
                producer_id: txn.identity.producer_id,
                epoch: txn.identity.epoch,
                sequence: txn.identity.next_sequence(&out_tp),
                transactional: true,
            });
            writer = id;
        }
        let now = self.now_ms;
        let log = self
            .topics
            .get_mut(&out)
            .and_then(|t| t.partition_mut(partition))
            .expect("partition from the topic's count");
        let key_text = key.as_ref().map(|k| crate::log::bytes_to_text(k));
        let appended = match batch {
            None => Ok(log.append(key, Some(value), Vec::new(), now)),
            Some(batch) => log
                .append_idempotent(key, Some(value), Vec::new(), now, batch)
                .map(|a| a.offset()),
        };
        let offset = match appended {
            Ok(offset) => offset,
            Err(error) => {
                self.rollback_batch(index, &error.to_string());
                return false;
            }
        };
        self.counters.records_produced += 1;
        self.emit(EventKind::Produced {
            producer: Some(writer.into()),
            topic: out.clone().into(),
            partition,
            offset,
            key: key_text.map(crate::trace::Name::from),
        });
        self.wake_consumers(&out, partition);
        true
    }

    /// After an `exactly_once` batch: send the consumed offsets to the transaction and commit
    /// it. The group coordinator checks the member and generation first (KIP-447); a zombie's
    /// transaction is aborted and its batch rolled back.
    fn commit_consumer_transaction(&mut self, index: usize) {
        let c = &self.consumers[index];
        let Some(txn) = c.transaction.as_ref().filter(|t| t.open) else {
            // Nothing was sent in this batch; offsets, if any, are committed as usual.
            let offsets = std::mem::take(&mut self.consumers[index].pending_commit);
            self.send_commit(index, offsets);
            return;
        };
        let id = txn.transactional_id.clone();
        if self.coordinator_epoch(&id) != Some(txn.identity.epoch) {
            self.rollback_batch(
                index,
                "InvalidProducerEpochException: the transaction timed out and the coordinator aborted it",
            );
            return;
        }
        let refusal = match c.member_id.clone() {
            None => Some("the consumer is not a member of the group"),
            Some(member_id) => self.commit_refusal(index, &member_id, c.generation),
        };
        if let Some(reason) = refusal {
            let reason = format!("sendOffsetsToTransaction refused: {reason}");
            self.abort_consumer_transaction(index, &reason);
            self.rollback_batch(index, &reason);
            return;
        }
        let offsets: Vec<(TopicPartition, u64)> =
            std::mem::take(&mut self.consumers[index].pending_commit);
        self.add_offsets_to_transaction(
            &id,
            TransactionOffsets {
                consumer: index,
                offsets,
            },
        );
        let c = &mut self.consumers[index];
        c.batch_start.clear();
        if let Some(txn) = c.transaction.as_mut() {
            txn.open = false;
        }
        self.end_transaction(&id, true, "commitTransaction after the batch");
    }

    /// Aborts the consumer's open transaction, if it has one.
    fn abort_consumer_transaction(&mut self, index: usize, reason: &str) {
        let Some(txn) = self.consumers[index].transaction.as_mut() else {
            return;
        };
        if !txn.open {
            return;
        }
        txn.open = false;
        let id = txn.transactional_id.clone();
        self.end_transaction(&id, false, reason);
    }

    /// The batch's transaction is gone: forget the batch, take the coordinator's epoch, and
    /// seek back to where the batch started, so the next poll fetches it again.
    fn rollback_batch(&mut self, index: usize, reason: &str) {
        let epoch = self.consumers[index]
            .transaction
            .as_ref()
            .and_then(|t| self.coordinator_epoch(&t.transactional_id));
        let c = &mut self.consumers[index];
        if let (Some(txn), Some(epoch)) = (c.transaction.as_mut(), epoch) {
            if txn.identity.epoch != epoch {
                txn.identity.set_epoch(epoch);
            }
            txn.open = false;
        }
        c.batch.clear();
        c.pending_commit.clear();
        let starts = std::mem::take(&mut c.batch_start);
        for (tp, position) in starts {
            if c.assignment.contains(&tp) {
                c.positions.insert(tp.clone(), position);
                self.checker.on_position(index, &tp, position);
            }
        }
        let (group, consumer) = self.consumer_names(index);
        self.emit(EventKind::BatchRolledBack {
            group: group.into(),
            consumer: consumer.into(),
            reason: reason.to_owned().into(),
        });
    }
}

//! Transactions: the broker's `TransactionCoordinator` (one entry per `transactional.id`
//! with its producer id, epoch and ongoing transaction), the control records it writes
//! (`ControlRecordType`), and the consumer's `isolation.level`.
//!
//! * T6: a transactional producer (which is always idempotent) writes records into a
//!   transaction; commit or abort writes one control record (marker) into every partition the
//!   transaction touched. A marker takes an offset and is never given to a consumer, so the
//!   offsets a consumer sees have gaps. `transaction.timeout.ms` is 60 000 by default; the
//!   broker's `transaction.max.timeout.ms` (900 000) bounds it. When it expires the
//!   coordinator aborts the transaction and bumps the epoch, fencing the producer.
//! * `InitProducerId` for a `transactional.id` that already has an epoch bumps the epoch and
//!   aborts the transaction the previous incarnation left open (fencing zombies).
//! * T7: `read_committed` consumers read below the last stable offset and skip aborted
//!   records; `read_uncommitted` (the default) ones read below the high watermark.
//! * Offsets sent to a transaction (`sendOffsetsToTransaction`) are committed to the group
//!   only when the transaction commits.
//!
//! Follows Kafka 3.x/4.x. Simplified: the coordinator answers at once (no
//! `PrepareCommit`/`PrepareAbort` states and no latency for `AddPartitionsToTxn` or `EndTxn`),
//! markers are written the moment a transaction ends, and transaction version 2 (KIP-890,
//! an epoch bump per transaction) is not modelled.

use crate::vec_map::{VecMap, VecSet};

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;
use crate::producer_state::ProducerIdentity;
use crate::sim::{CommandError, Event, Simulation};
use crate::trace::EventKind;

/// `transaction.timeout.ms` default, 60 000 (T6).
pub const DEFAULT_TRANSACTION_TIMEOUT_MS: u64 = 60_000;
/// The broker's `transaction.max.timeout.ms` default, 900 000: the longest timeout a producer
/// may ask for (T6).
pub const MAX_TRANSACTION_TIMEOUT_MS: u64 = 900_000;
/// Longest `transactional.id` the playground accepts, in bytes.
pub const MAX_TRANSACTIONAL_ID_LEN: usize = 249;

/// The kind of a control record (`ControlRecordType`, T6): `ABORT = 0`, `COMMIT = 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlRecordType {
    /// The transaction was aborted.
    Abort = 0,
    /// The transaction was committed.
    Commit = 1,
}

/// A consumer's `isolation.level` (T7, C1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    /// Kafka's default: every data record below the high watermark, aborted ones included.
    #[default]
    ReadUncommitted,
    /// Only below the last stable offset, without records of aborted transactions.
    ReadCommitted,
}

crate::json_read::deserialize_with_reader!(IsolationLevel);

impl IsolationLevel {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("read_uncommitted", IsolationLevel::ReadUncommitted),
        ("read_committed", IsolationLevel::ReadCommitted),
    ];

    /// Reads `"read_uncommitted"` or `"read_committed"` (see [`crate::json_read`]).
    pub fn read(f: &crate::json_read::Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// The value as Kafka writes it.
    pub fn name(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "read_uncommitted",
            IsolationLevel::ReadCommitted => "read_committed",
        }
    }
}

/// Offsets a consumer sent to a transaction, for its group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionOffsets {
    /// Index of the consumer that sent them.
    pub consumer: usize,
    /// The offsets (next offset to read, C3).
    pub offsets: Vec<(TopicPartition, u64)>,
}

/// A transaction the coordinator knows to be ongoing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OngoingTransaction {
    /// Serial number, so that the timeout of an earlier transaction is ignored.
    pub serial: u64,
    /// When its first partition was added, ms.
    pub started_ms: u64,
    /// Partitions it wrote to.
    pub partitions: VecSet<TopicPartition>,
    /// Offsets to commit with it.
    pub offsets: Option<TransactionOffsets>,
}

/// The coordinator's entry for one `transactional.id` (`TransactionMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionalIdEntry {
    /// The `transactional.id`.
    pub transactional_id: String,
    /// Its producer id, stable across epochs.
    pub producer_id: u64,
    /// Current epoch: bumped by every `InitProducerId` and by a timeout abort.
    pub epoch: u16,
    /// `transaction.timeout.ms` the producer asked for.
    pub timeout_ms: u64,
    /// The ongoing transaction, if any.
    pub ongoing: Option<OngoingTransaction>,
    /// Transactions committed.
    pub committed: u64,
    /// Transactions aborted.
    pub aborted: u64,
}

/// The transaction coordinator of the simulated cluster.
#[derive(Clone, Debug, Default)]
pub struct TransactionCoordinator {
    entries: VecMap<String, TransactionalIdEntry>,
    next_producer_id: u64,
    next_serial: u64,
}

impl TransactionCoordinator {
    /// The entry of `transactional_id`.
    pub fn entry(&self, transactional_id: &str) -> Option<&TransactionalIdEntry> {
        self.entries.get(transactional_id)
    }

    /// Every entry, by `transactional.id`.
    pub fn entries(&self) -> impl Iterator<Item = &TransactionalIdEntry> {
        self.entries.values()
    }

    /// A new producer id (`InitProducerId` without a `transactional.id`).
    pub(crate) fn allocate_producer_id(&mut self) -> u64 {
        let id = self.next_producer_id;
        self.next_producer_id += 1;
        id
    }
}

impl Simulation {
    /// The transaction coordinator.
    pub fn transactions(&self) -> &TransactionCoordinator {
        &self.txn_coordinator
    }

    /// `InitProducerId` with a `transactional.id`: a new producer id at epoch 0, or the same
    /// producer id at the next epoch, aborting the transaction an earlier incarnation left
    /// open (fencing).
    pub(crate) fn init_transactional_id(
        &mut self,
        transactional_id: &str,
        timeout_ms: u64,
    ) -> ProducerIdentity {
        let ongoing = self
            .txn_coordinator
            .entries
            .get(transactional_id)
            .is_some_and(|e| e.ongoing.is_some());
        if ongoing {
            self.bump_epoch(transactional_id);
            self.end_transaction(
                transactional_id,
                false,
                "fenced: a new producer with the same transactional.id called initTransactions, which bumped the epoch",
            );
        }
        let coordinator = &mut self.txn_coordinator;
        let entry = match coordinator.entries.get_mut(transactional_id) {
            Some(entry) => {
                entry.epoch = entry.epoch.wrapping_add(1);
                entry.timeout_ms = timeout_ms;
                entry
            }
            None => {
                let producer_id = coordinator.allocate_producer_id();
                coordinator
                    .entries
                    .entry(transactional_id.to_owned())
                    .or_insert(TransactionalIdEntry {
                        transactional_id: transactional_id.to_owned(),
                        producer_id,
                        epoch: 0,
                        timeout_ms,
                        ongoing: None,
                        committed: 0,
                        aborted: 0,
                    })
            }
        };
        let identity = ProducerIdentity::new(entry.producer_id, entry.epoch);
        self.emit(EventKind::ProducerIdInitialized {
            transactional_id: transactional_id.to_owned().into(),
            producer_id: identity.producer_id,
            epoch: identity.epoch,
        });
        identity
    }

    fn bump_epoch(&mut self, transactional_id: &str) {
        if let Some(entry) = self.txn_coordinator.entries.get_mut(transactional_id) {
            entry.epoch = entry.epoch.wrapping_add(1);
        }
    }

    /// The coordinator's current epoch of `transactional_id`.
    pub(crate) fn coordinator_epoch(&self, transactional_id: &str) -> Option<u16> {
        self.txn_coordinator
            .entries
            .get(transactional_id)
            .map(|e| e.epoch)
    }

    /// `AddPartitionsToTxn`: the first partition starts the transaction and its timeout.
    pub(crate) fn add_partition_to_transaction(
        &mut self,
        transactional_id: &str,
        tp: &TopicPartition,
    ) {
        let now = self.now_ms;
        let coordinator = &mut self.txn_coordinator;
        let Some(entry) = coordinator.entries.get_mut(transactional_id) else {
            return;
        };
        let timeout = match &mut entry.ongoing {
            Some(ongoing) => {
                ongoing.partitions.insert(tp.clone());
                None
            }
            None => {
                coordinator.next_serial += 1;
                let serial = coordinator.next_serial;
                entry.ongoing = Some(OngoingTransaction {
                    serial,
                    started_ms: now,
                    partitions: VecSet::from([tp.clone()]),
                    offsets: None,
                });
                Some((serial, entry.timeout_ms))
            }
        };
        if let Some((serial, timeout_ms)) = timeout {
            self.schedule_in(
                timeout_ms,
                Event::TransactionTimeout {
                    transactional_id: transactional_id.to_owned(),
                    serial,
                },
            );
        }
    }

    /// `sendOffsetsToTransaction`: the offsets are committed to the group with the
    /// transaction. Returns false when there is no ongoing transaction.
    pub(crate) fn add_offsets_to_transaction(
        &mut self,
        transactional_id: &str,
        offsets: TransactionOffsets,
    ) -> bool {
        let Some(ongoing) = self
            .txn_coordinator
            .entries
            .get_mut(transactional_id)
            .and_then(|e| e.ongoing.as_mut())
        else {
            return false;
        };
        ongoing.offsets = Some(offsets);
        true
    }

    /// `EndTxn`: writes a commit or abort marker into every partition of the ongoing
    /// transaction (T6), wakes consumers of those partitions (the last stable offset moved),
    /// and on commit stores the offsets sent to the transaction. Returns false when nothing
    /// was ongoing.
    pub(crate) fn end_transaction(
        &mut self,
        transactional_id: &str,
        commit: bool,
        reason: &str,
    ) -> bool {
        let Some(entry) = self.txn_coordinator.entries.get_mut(transactional_id) else {
            return false;
        };
        let Some(ongoing) = entry.ongoing.take() else {
            return false;
        };
        let (producer_id, epoch) = (entry.producer_id, entry.epoch);
        if commit {
            entry.committed += 1;
        } else {
            entry.aborted += 1;
        }
        let control = if commit {
            ControlRecordType::Commit
        } else {
            ControlRecordType::Abort
        };
        let now = self.now_ms;
        let mut markers = Vec::new();
        for tp in &ongoing.partitions {
            let Some(log) = self
                .topics
                .get_mut(&tp.topic)
                .and_then(|t| t.partition_mut(tp.partition))
            else {
                continue;
            };
            if let Some(offset) = log.append_marker(producer_id, epoch, control, now) {
                markers.push(format!("{tp}@{offset}"));
            }
        }
        self.emit(EventKind::TransactionEnded {
            transactional_id: transactional_id.to_owned().into(),
            producer_id,
            epoch,
            committed: commit,
            reason: reason.to_owned().into(),
            markers,
        });
        for tp in &ongoing.partitions {
            self.wake_consumers(&tp.topic, tp.partition);
        }
        if let (true, Some(offsets)) = (commit, ongoing.offsets) {
            self.store_offsets(offsets.consumer, offsets.offsets);
        }
        true
    }

    /// `transaction.timeout.ms` passed since the transaction started: the coordinator bumps
    /// the epoch (fencing the producer) and aborts it (T6).
    pub(crate) fn on_transaction_timeout(&mut self, transactional_id: &str, serial: u64) {
        let entry = self.txn_coordinator.entries.get(transactional_id);
        let Some(timeout_ms) = entry
            .filter(|e| e.ongoing.as_ref().is_some_and(|o| o.serial == serial))
            .map(|e| e.timeout_ms)
        else {
            return;
        };
        self.bump_epoch(transactional_id);
        self.end_transaction(
            transactional_id,
            false,
            &format!("transaction.timeout.ms ({timeout_ms}) expired: the coordinator aborted the transaction and bumped the epoch"),
        );
    }
}

/// The producer's side of transactions, as Kafka's `TransactionManager` keeps it.
impl Simulation {
    /// `initTransactions` for a transactional producer, or a plain producer id for an
    /// idempotent one; nothing for the others.
    pub(crate) fn init_producer(&mut self, index: usize) {
        let spec = &self.producers[index].spec;
        let identity = match (&spec.transactional_id, spec.enable_idempotence) {
            (Some(id), _) => {
                let (id, timeout) = (id.clone(), spec.transaction_timeout_ms);
                Some(self.init_transactional_id(&id, timeout))
            }
            (None, true) => Some(ProducerIdentity::new(
                self.txn_coordinator.allocate_producer_id(),
                0,
            )),
            (None, false) => None,
        };
        self.producers[index].identity = identity;
    }

    /// Whether the coordinator bumped the epoch behind the producer's back (a timed-out
    /// transaction). The producer then learns it (`InvalidProducerEpochException`), forgets
    /// the transaction and takes the new epoch, as clients since KIP-360 do.
    pub(crate) fn producer_epoch_is_stale(&mut self, index: usize) -> bool {
        let Some(id) = self.producers[index].spec.transactional_id.clone() else {
            return false;
        };
        let current = self.coordinator_epoch(&id);
        let producer = &mut self.producers[index];
        match (producer.identity.as_mut(), current) {
            (Some(identity), Some(epoch)) if identity.epoch != epoch => {
                identity.set_epoch(epoch);
                producer.in_transaction = false;
                producer.transaction_records = 0;
                producer.pending_end = None;
                true
            }
            _ => false,
        }
    }

    /// `beginTransaction`.
    pub(crate) fn begin_transaction(&mut self, index: usize) -> Result<(), CommandError> {
        let producer = &self.producers[index];
        let name = producer.spec.name.clone();
        if producer.spec.transactional_id.is_none() {
            return Err(CommandError::NotAllowed(format!(
                "producer {name} has no transactional_id, so it cannot begin a transaction"
            )));
        }
        self.producer_epoch_is_stale(index);
        let producer = &mut self.producers[index];
        if producer.in_transaction || producer.pending_end.is_some() {
            return Err(CommandError::NotAllowed(format!(
                "producer {name} has a transaction open already (IllegalStateException)"
            )));
        }
        producer.in_transaction = true;
        producer.transaction_records = 0;
        producer.transactions_begun += 1;
        Ok(())
    }

    /// `commitTransaction` or `abortTransaction`: waits for batches in flight, then ends the
    /// transaction at the coordinator.
    pub(crate) fn end_producer_transaction(
        &mut self,
        index: usize,
        commit: bool,
    ) -> Result<(), CommandError> {
        let name = self.producers[index].spec.name.clone();
        if self.producer_epoch_is_stale(index) {
            let topic = self.producers[index].spec.topic.clone();
            self.producers[index].errors += 1;
            self.emit(EventKind::ProduceFailed {
                producer: name.into(),
                topic: topic.into(),
                error: "InvalidProducerEpochException: the transaction timed out and the coordinator aborted it".into(),
            });
            return Ok(());
        }
        let producer = &mut self.producers[index];
        if !producer.in_transaction {
            return Err(CommandError::NotAllowed(format!(
                "producer {name} has no open transaction: begin one first"
            )));
        }
        producer.in_transaction = false;
        producer.pending_end = Some(commit);
        self.maybe_end_pending_transaction(index);
        Ok(())
    }

    /// Ends a requested commit or abort once no batch of the producer is in flight.
    pub(crate) fn maybe_end_pending_transaction(&mut self, index: usize) {
        let producer = &self.producers[index];
        if producer.pending_end.is_none() || producer.in_flight() > 0 || producer.queued() > 0 {
            return;
        }
        let commit = self.producers[index].pending_end.take().expect("checked");
        let Some(id) = self.producers[index].spec.transactional_id.clone() else {
            return;
        };
        if self.producer_epoch_is_stale(index) {
            return;
        }
        let reason = if commit {
            "commitTransaction"
        } else {
            "abortTransaction"
        };
        self.end_transaction(&id, commit, reason);
    }
}

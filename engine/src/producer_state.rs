//! Idempotent writes on the broker: the per-partition producer state that Kafka keeps in
//! `ProducerStateEntry` and checks in `ProducerAppendInfo`, and the client's side of it (a
//! producer id, an epoch and one sequence number per partition).
//!
//! * T3: for each producer id a partition remembers its last
//!   [`NUM_BATCHES_TO_RETAIN`] = 5 batches. A batch with the same epoch and exactly the same
//!   first and last sequence as a remembered one is a duplicate: it is not appended again, and
//!   the answer carries the original offset.
//! * T4: within an epoch the next batch must start at `lastSeq + 1` (wrapping from
//!   `i32::MAX` to 0); a new, higher epoch must start at 0; a lower epoch is refused.
//!
//! Follows Kafka 3.x/4.x (`storage/.../log/ProducerStateEntry.java`,
//! `ProducerAppendInfo.java`). Simplified: every batch holds one record, so first and last
//! sequence are equal; producer ids never expire (`producer.id.expiration.ms` is not modelled).

use std::collections::VecDeque;

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;

/// How many batches per producer id a partition remembers for deduplication
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`, T3).
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

/// The sequence number after `seq` when a batch holds `records` records: Kafka's
/// `DefaultRecordBatch.incrementSequence`, which wraps from `i32::MAX` to 0 (T4).
pub fn increment_sequence(seq: i32, records: i32) -> i32 {
    if seq > i32::MAX - records {
        records - (i32::MAX - seq) - 1
    } else {
        seq + records
    }
}

/// What a partition remembers of one appended batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchMetadata {
    /// Sequence of the batch's first record.
    pub first_seq: i32,
    /// Sequence of its last record.
    pub last_seq: i32,
    /// Offset its first record got.
    pub first_offset: u64,
}

/// Why the broker refused an idempotent batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppendError {
    /// `OutOfOrderSequenceException`: the batch does not continue the producer's sequence (T4).
    OutOfOrderSequence {
        /// The sequence the broker expected.
        expected: i32,
        /// The batch's first sequence.
        got: i32,
    },
    /// `InvalidProducerEpochException`: a newer epoch of this producer id has written (T4).
    InvalidProducerEpoch {
        /// The epoch the partition knows.
        current: u16,
        /// The batch's epoch.
        got: u16,
    },
}

impl std::fmt::Display for AppendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OutOfOrderSequence { expected, got } => write!(
                f,
                "OutOfOrderSequenceException: expected sequence {expected}, got {got}"
            ),
            Self::InvalidProducerEpoch { current, got } => write!(
                f,
                "InvalidProducerEpochException: epoch {got} is older than the current epoch {current}"
            ),
        }
    }
}

/// A partition's memory of one producer id (`ProducerStateEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerStateEntry {
    /// The producer id.
    pub producer_id: u64,
    /// The newest epoch seen; `None` before the first batch (`RecordBatch.NO_PRODUCER_EPOCH`).
    pub epoch: Option<u16>,
    /// The last batches appended in that epoch, oldest first, at most [`NUM_BATCHES_TO_RETAIN`].
    batches: VecDeque<BatchMetadata>,
}

impl ProducerStateEntry {
    /// An entry that knows `epoch` but no batch of it, as after a transaction marker that
    /// bumped the epoch: the next batch of that epoch must start at sequence 0.
    pub fn new(producer_id: u64, epoch: u16) -> Self {
        Self {
            producer_id,
            epoch: Some(epoch),
            batches: VecDeque::new(),
        }
    }

    /// An entry for a producer id the partition has not seen: its first batch is taken at any
    /// sequence, because the records before it may be gone (retention, DeleteRecords).
    pub fn unseen(producer_id: u64) -> Self {
        Self {
            producer_id,
            epoch: None,
            batches: VecDeque::new(),
        }
    }

    /// The remembered batches, oldest first.
    pub fn batches(&self) -> impl Iterator<Item = &BatchMetadata> {
        self.batches.iter()
    }

    /// `findDuplicateBatch`: a remembered batch with this epoch and exactly these sequences.
    pub fn find_duplicate(
        &self,
        epoch: u16,
        first_seq: i32,
        last_seq: i32,
    ) -> Option<BatchMetadata> {
        if Some(epoch) != self.epoch {
            return None;
        }
        self.batches
            .iter()
            .find(|b| b.first_seq == first_seq && b.last_seq == last_seq)
            .copied()
    }

    /// `ProducerAppendInfo.checkProducerEpoch` and `checkSequence` (T4) for a batch that is not
    /// a duplicate.
    pub fn check(&self, epoch: u16, first_seq: i32) -> Result<(), AppendError> {
        let Some(current) = self.epoch else {
            return Ok(());
        };
        if epoch < current {
            return Err(AppendError::InvalidProducerEpoch {
                current,
                got: epoch,
            });
        }
        let expected = if epoch > current {
            0
        } else {
            self.batches
                .back()
                .map_or(0, |b| increment_sequence(b.last_seq, 1))
        };
        if first_seq != expected {
            return Err(AppendError::OutOfOrderSequence {
                expected,
                got: first_seq,
            });
        }
        Ok(())
    }

    /// Remembers an appended batch, forgetting the oldest beyond five (a new epoch forgets all).
    pub fn record(&mut self, epoch: u16, batch: BatchMetadata) {
        if Some(epoch) != self.epoch {
            self.epoch = Some(epoch);
            self.batches.clear();
        }
        if self.batches.len() == NUM_BATCHES_TO_RETAIN {
            self.batches.pop_front();
        }
        self.batches.push_back(batch);
    }

    /// A transaction marker written with `epoch` (the coordinator may have bumped it).
    pub fn bump_epoch(&mut self, epoch: u16) {
        if self.epoch.is_none_or(|current| epoch > current) {
            self.epoch = Some(epoch);
            self.batches.clear();
        }
    }
}

/// The client's side of idempotence: the producer id and epoch from `InitProducerId`, and the
/// next sequence number per partition (Kafka's `TransactionManager` keeps these).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerIdentity {
    /// Producer id.
    pub producer_id: u64,
    /// Producer epoch.
    pub epoch: u16,
    /// Next sequence per topic and partition: nested, so that a send can look its partition
    /// up by the topic name it has, without building a `TopicPartition` (an allocation).
    sequences: VecMap<String, VecMap<u32, i32>>,
}

impl ProducerIdentity {
    /// A fresh identity at epoch `epoch`.
    pub fn new(producer_id: u64, epoch: u16) -> Self {
        Self {
            producer_id,
            epoch,
            sequences: VecMap::new(),
        }
    }

    /// Takes the sequence for the next one-record batch to `tp`.
    pub fn next_sequence(&mut self, tp: &TopicPartition) -> i32 {
        self.next_sequence_at(&tp.topic, tp.partition)
    }

    /// Like [`ProducerIdentity::next_sequence`], for `partition` of `topic`.
    pub fn next_sequence_at(&mut self, topic: &str, partition: u32) -> i32 {
        let take = |per_topic: &mut VecMap<u32, i32>| {
            let next = per_topic.entry(partition).or_insert(0);
            let seq = *next;
            *next = increment_sequence(seq, 1);
            seq
        };
        // One lookup of the topic's name, which is copied only the first time.
        match self.sequences.get_mut(topic) {
            Some(per_topic) => take(per_topic),
            None => take(self.sequences.entry(topic.to_owned()).or_default()),
        }
    }

    /// Moves to a new epoch: sequences start again at 0 (T4).
    pub fn set_epoch(&mut self, epoch: u16) {
        self.epoch = epoch;
        self.sequences.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(seq: i32, offset: u64) -> BatchMetadata {
        BatchMetadata {
            first_seq: seq,
            last_seq: seq,
            first_offset: offset,
        }
    }

    #[test]
    fn t3_only_the_last_five_batches_are_recognised_as_duplicates() {
        let mut entry = ProducerStateEntry::new(7, 0);
        for seq in 0..6 {
            entry.check(0, seq).unwrap();
            entry.record(0, batch(seq, 100 + seq as u64));
        }
        assert_eq!(entry.batches().count(), NUM_BATCHES_TO_RETAIN);
        assert_eq!(entry.find_duplicate(0, 5, 5).unwrap().first_offset, 105);
        assert_eq!(entry.find_duplicate(0, 1, 1).unwrap().first_offset, 101);
        // Batch 0 fell out of the window, and another epoch never matches.
        assert!(entry.find_duplicate(0, 0, 0).is_none());
        assert!(entry.find_duplicate(1, 5, 5).is_none());
    }

    #[test]
    fn t4_sequences_continue_wrap_and_restart_with_a_new_epoch() {
        assert_eq!(increment_sequence(i32::MAX, 1), 0);
        assert_eq!(increment_sequence(5, 1), 6);
        let mut entry = ProducerStateEntry::new(1, 3);
        assert_eq!(
            entry.check(3, 1),
            Err(AppendError::OutOfOrderSequence {
                expected: 0,
                got: 1
            })
        );
        entry.record(3, batch(0, 0));
        assert!(entry.check(3, 1).is_ok());
        assert!(entry.check(3, 2).is_err());
        assert!(entry.check(4, 0).is_ok());
        assert!(entry.check(4, 1).is_err());
        assert_eq!(
            entry.check(2, 1),
            Err(AppendError::InvalidProducerEpoch { current: 3, got: 2 })
        );
        // A producer id the partition has never seen may start anywhere: the wrap-around
        // from Integer.MAX_VALUE is then checked as usual
        // (ProducerStateManagerTest.testProducerSequenceWrapAround).
        let mut unseen = ProducerStateEntry::unseen(9);
        assert!(unseen.check(15, i32::MAX).is_ok());
        unseen.record(15, batch(i32::MAX, 0));
        assert!(unseen.check(15, 1).is_err());
        assert!(unseen.check(15, 0).is_ok());
        let mut identity = ProducerIdentity::new(1, 0);
        let tp = TopicPartition {
            topic: "t".into(),
            partition: 0,
        };
        assert_eq!(identity.next_sequence(&tp), 0);
        assert_eq!(identity.next_sequence(&tp), 1);
        identity.set_epoch(1);
        assert_eq!(identity.next_sequence(&tp), 0);
    }
}

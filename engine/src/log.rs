//! A partition's log, as Kafka's `UnifiedLog` exposes it to clients: an append-only sequence
//! of records with a log start offset, a high watermark and a log end offset.
//!
//! The simulated cluster has one replica per partition, so the high watermark equals the log
//! end offset (R3 with an ISR of one). Retention moves the log start offset forward; records
//! below it are gone, which is what makes `auto.offset.reset` (C2) matter.
//!
//! The log also keeps what `UnifiedLog` and its `ProducerStateManager` keep for idempotent and
//! transactional producers: the last batches per producer id (T3, T4, see
//! [`crate::producer_state`]), the open transactions, whose first offset holds the last stable
//! offset back (T8), and the aborted transactions (Kafka's transaction index), which
//! read_committed fetches leave out (T7). Transaction markers are control records that take an
//! offset like any record (T6).

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::producer_state::{AppendError, BatchMetadata, ProducerStateEntry};
use crate::transaction::{ControlRecordType, IsolationLevel};

/// One record header, as Kafka's `RecordHeader`: a UTF-8 key and raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    /// Header name.
    pub key: String,
    /// Header value bytes.
    pub value: Vec<u8>,
}

impl Header {
    /// Reads a header from parsed JSON: a string key and the value's bytes as an array of
    /// numbers (see [`crate::json_read`]).
    pub fn read(f: &crate::json_read::Field) -> Result<Self, String> {
        let o = crate::json_read::Obj::new(f)?;
        Ok(Header {
            key: o.req("key")?.string()?,
            value: o.req("value")?.bytes()?,
        })
    }
}

crate::json_read::deserialize_with_reader!(Header);

/// Bytes as text for display: the UTF-8 text when they are valid UTF-8, hex otherwise.
pub fn bytes_to_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`: the v2 batch header (base offset, length,
/// leader epoch, magic, CRC, attributes, last offset delta, timestamps, producer id, epoch,
/// base sequence, record count).
pub const RECORD_BATCH_OVERHEAD: u64 = 61;

/// Bytes of a v2 record batch that holds one uncompressed record with these key and value
/// lengths (`None`: null) and headers: the batch header and the record as
/// `DefaultRecord.sizeInBytes` counts it, with timestamp and offset deltas of 0.
///
/// The engine sends every record in a batch of its own (see [`crate::partitioner`]), so this
/// is what Kafka's `RecordAccumulator` reports to the sticky partitioner as appended bytes
/// (`appendNewBatch`: the new batch's `estimatedSizeInBytes`), and what the record takes in
/// the log.
pub fn batch_size_bytes(key: Option<usize>, value: Option<usize>, headers: &[Header]) -> u64 {
    // A length or count as a zig-zag varint, -1 for null.
    fn varint(n: i64) -> u64 {
        let mut zigzag = ((n << 1) ^ (n >> 63)) as u64;
        let mut bytes = 1;
        while zigzag >= 0x80 {
            zigzag >>= 7;
            bytes += 1;
        }
        bytes
    }
    fn field(len: Option<usize>) -> u64 {
        len.map_or(1, |n| varint(n as i64) + n as u64)
    }
    // Attributes (1 byte), timestamp delta and offset delta (0: one byte each).
    let mut body = 3 + field(key) + field(value) + varint(headers.len() as i64);
    for h in headers {
        body += field(Some(h.key.len())) + field(Some(h.value.len()));
    }
    RECORD_BATCH_OVERHEAD + varint(body as i64) + body
}

/// A record stored in a partition log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Position in the partition, assigned by the log on append.
    pub offset: u64,
    /// The serialized key, or `None` for a null key.
    pub key: Option<Vec<u8>>,
    /// The value as text (the playground's serializers produce UTF-8), or `None` for a tombstone.
    pub value: Option<String>,
    /// Record headers, in the order the producer added them.
    pub headers: Vec<Header>,
    /// CreateTime: the producer's virtual clock when it sent the record, in ms.
    pub timestamp_ms: u64,
    /// Producer id of an idempotent or transactional producer; `None` when sent without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer_id: Option<u64>,
    /// The record's sequence number for its producer id and partition (T4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i32>,
    /// Whether it was written inside a transaction.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub transactional: bool,
    /// For a transaction marker, which one (T6); `None` for data records. Markers have no key
    /// and no value and are never given to consumers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlRecordType>,
}

impl Record {
    /// The record's size in the log: the bytes of a v2 record batch holding only this record
    /// (see [`batch_size_bytes`]). Retention by size counts these, and so does the sticky
    /// partitioner.
    pub fn size_bytes(&self) -> u64 {
        if self.control.is_some() {
            // A marker's key is its version and type (2 + 2 bytes), its value its version and
            // the coordinator epoch (2 + 4 bytes): `EndTransactionMarker`.
            return batch_size_bytes(Some(4), Some(6), &[]);
        }
        batch_size_bytes(
            self.key.as_ref().map(Vec::len),
            self.value.as_ref().map(String::len),
            &self.headers,
        )
    }

    /// The key as text for display: UTF-8 when it is, hex otherwise, `None` for a null key.
    pub fn key_text(&self) -> Option<String> {
        self.key.as_deref().map(bytes_to_text)
    }

    /// The value of the last header named `name` (a name may repeat; the last one counts, as
    /// with Kafka's `Headers.lastHeader`).
    pub fn last_header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .rev()
            .find(|h| h.key == name)
            .map(|h| h.value.as_slice())
    }
}

/// Who wrote a batch, as the batch header of an idempotent or transactional producer says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducerBatch {
    /// Producer id.
    pub producer_id: u64,
    /// Producer epoch.
    pub epoch: u16,
    /// Sequence of the batch's (single) record.
    pub sequence: i32,
    /// Whether the batch belongs to a transaction.
    pub transactional: bool,
}

/// What the broker did with a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Appended at this offset.
    New(u64),
    /// A duplicate of a batch appended earlier at this offset (T3): not appended again.
    Duplicate(u64),
}

impl Appended {
    /// The offset the producer's callback receives.
    pub fn offset(self) -> u64 {
        match self {
            Appended::New(o) | Appended::Duplicate(o) => o,
        }
    }
}

/// Where a record stands in a transaction ([`PartitionLog::transaction_state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionState {
    /// A data record of a transaction not yet ended: above the last stable offset, so
    /// read_committed consumers wait for it (T8).
    Open,
    /// A data record of a committed transaction.
    Committed,
    /// A data record of an aborted transaction: read_committed consumers skip it (T7).
    Aborted,
    /// The marker that commits a transaction (T6).
    CommitMarker,
    /// The marker that aborts a transaction (T6).
    AbortMarker,
}

impl TransactionState {
    /// The state in words.
    pub fn describe(self) -> &'static str {
        match self {
            TransactionState::Open => "in an open transaction",
            TransactionState::Committed => "in a committed transaction",
            TransactionState::Aborted => "in an aborted transaction",
            TransactionState::CommitMarker => "commit marker",
            TransactionState::AbortMarker => "abort marker",
        }
    }
}

/// An open transaction in one partition, as the snapshot shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTransaction {
    /// Its producer id.
    pub producer_id: u64,
    /// Offset of its first record in this partition: the last stable offset stops here (T8).
    pub first_offset: u64,
}

/// The log of one partition.
#[derive(Clone, Debug, Default)]
pub struct PartitionLog {
    /// Offset of the first record still in the log.
    log_start_offset: u64,
    /// Records from `log_start_offset` up to the log end offset, oldest first.
    records: std::collections::VecDeque<Record>,
    /// Sum of `size_bytes` over `records`, kept for retention by size.
    size_bytes: u64,
    /// Producer state per producer id (T3, T4).
    producers: VecMap<u64, ProducerStateEntry>,
    /// Open transactions: producer id → first offset in this partition.
    open_txns: VecMap<u64, u64>,
    /// Aborted transactions: producer id → (first offset → offset of the abort marker).
    aborted: VecMap<u64, VecMap<u64, u64>>,
    /// Aborted transactions ever recorded here.
    aborted_count: u64,
    /// Control records ever appended (0 lets fetches skip looking at each record).
    control_count: u64,
}

impl PartitionLog {
    /// An empty log starting at offset 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offset of the oldest record still kept (Kafka's "Low Water Mark" in UIs).
    pub fn log_start_offset(&self) -> u64 {
        self.log_start_offset
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> u64 {
        self.log_start_offset + self.records.len() as u64
    }

    /// The high watermark: with a single in-sync replica it equals the log end offset (R3).
    pub fn high_watermark(&self) -> u64 {
        self.log_end_offset()
    }

    /// Number of records currently in the log.
    pub fn len(&self) -> u64 {
        self.records.len() as u64
    }

    /// Whether the log holds no records (it may still have a non-zero start offset).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Total size of the records kept, in bytes.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// Appends a record, giving it the next offset, and returns that offset.
    pub fn append(
        &mut self,
        key: Option<Vec<u8>>,
        value: Option<String>,
        headers: Vec<Header>,
        timestamp_ms: u64,
    ) -> u64 {
        let offset = self.log_end_offset();
        self.push(Record {
            offset,
            key,
            value,
            headers,
            timestamp_ms,
            producer_id: None,
            sequence: None,
            transactional: false,
            control: None,
        })
    }

    fn push(&mut self, record: Record) -> u64 {
        let offset = record.offset;
        self.size_bytes += record.size_bytes();
        self.records.push_back(record);
        offset
    }

    /// Appends a one-record batch of an idempotent or transactional producer, as
    /// `UnifiedLog.append` does: a duplicate of one of the producer's last five batches is
    /// not appended again (T3); a batch out of sequence or of an old epoch is refused (T4).
    /// The first record of a transaction opens it in this partition.
    pub fn append_idempotent(
        &mut self,
        key: Option<Vec<u8>>,
        value: Option<String>,
        headers: Vec<Header>,
        timestamp_ms: u64,
        batch: ProducerBatch,
    ) -> Result<Appended, AppendError> {
        let entry = self
            .producers
            .entry(batch.producer_id)
            .or_insert_with(|| ProducerStateEntry::unseen(batch.producer_id));
        if let Some(original) = entry.find_duplicate(batch.epoch, batch.sequence, batch.sequence) {
            return Ok(Appended::Duplicate(original.first_offset));
        }
        entry.check(batch.epoch, batch.sequence)?;
        let offset = self.log_start_offset + self.records.len() as u64;
        entry.record(
            batch.epoch,
            BatchMetadata {
                first_seq: batch.sequence,
                last_seq: batch.sequence,
                first_offset: offset,
            },
        );
        if batch.transactional {
            self.open_txns.entry(batch.producer_id).or_insert(offset);
        }
        self.push(Record {
            offset,
            key,
            value,
            headers,
            timestamp_ms,
            producer_id: Some(batch.producer_id),
            sequence: Some(batch.sequence),
            transactional: batch.transactional,
            control: None,
        });
        Ok(Appended::New(offset))
    }

    /// Writes a transaction marker for `producer_id` if it has an open transaction here, closes
    /// the transaction, and returns the marker's offset (T6). An abort is remembered so that
    /// read_committed fetches leave the transaction's records out (T7).
    pub fn append_marker(
        &mut self,
        producer_id: u64,
        epoch: u16,
        control: ControlRecordType,
        timestamp_ms: u64,
    ) -> Option<u64> {
        let first = self.open_txns.remove(&producer_id)?;
        let offset = self.log_end_offset();
        if let Some(entry) = self.producers.get_mut(&producer_id) {
            entry.bump_epoch(epoch);
        }
        if control == ControlRecordType::Abort {
            self.aborted
                .entry(producer_id)
                .or_default()
                .insert(first, offset);
            self.aborted_count += 1;
        }
        self.control_count += 1;
        Some(self.push(Record {
            offset,
            key: None,
            value: None,
            headers: Vec::new(),
            timestamp_ms,
            producer_id: Some(producer_id),
            sequence: None,
            transactional: true,
            control: Some(control),
        }))
    }

    /// The last stable offset (T8): the first offset of the earliest open transaction when it
    /// lies below the high watermark, else the high watermark.
    pub fn last_stable_offset(&self) -> u64 {
        let hw = self.high_watermark();
        match self.open_txns.values().min() {
            Some(&first) if first < hw => first.max(self.log_start_offset),
            _ => hw,
        }
    }

    /// Where a consumer with `isolation` may read up to: the high watermark, or the last
    /// stable offset under read_committed (T7, C7).
    pub fn fetch_limit(&self, isolation: IsolationLevel) -> u64 {
        match isolation {
            IsolationLevel::ReadUncommitted => self.high_watermark(),
            IsolationLevel::ReadCommitted => self.last_stable_offset(),
        }
    }

    /// Open transactions in this partition, by producer id.
    pub fn open_transactions(&self) -> impl Iterator<Item = OpenTransaction> + '_ {
        self.open_txns
            .iter()
            .map(|(&producer_id, &first_offset)| OpenTransaction {
                producer_id,
                first_offset,
            })
    }

    /// How many transactions were aborted in this partition.
    pub fn aborted_transactions(&self) -> u64 {
        self.aborted_count
    }

    /// Whether any transaction marker was ever written here. Without one, every record is a
    /// committed or non-transactional data record.
    pub fn has_control_records(&self) -> bool {
        self.control_count > 0
    }

    /// Whether `record` belongs to an aborted transaction.
    pub fn is_aborted(&self, record: &Record) -> bool {
        if !record.transactional || record.control.is_some() {
            return false;
        }
        let Some(pid) = record.producer_id else {
            return false;
        };
        self.aborted.get(&pid).is_some_and(|ranges| {
            ranges
                .range(..=record.offset)
                .next_back()
                .is_some_and(|(_, &last)| record.offset <= last)
        })
    }

    /// Where `record` stands in its transaction (T6–T8), for the page to show: `None` for a
    /// record sent outside one.
    pub fn transaction_state(&self, record: &Record) -> Option<TransactionState> {
        Some(match record.control {
            Some(ControlRecordType::Commit) => TransactionState::CommitMarker,
            Some(ControlRecordType::Abort) => TransactionState::AbortMarker,
            None if !record.transactional => return None,
            None if self.is_aborted(record) => TransactionState::Aborted,
            None => {
                let open = record
                    .producer_id
                    .and_then(|pid| self.open_txns.get(&pid))
                    .is_some_and(|&first| record.offset >= first);
                if open {
                    TransactionState::Open
                } else {
                    TransactionState::Committed
                }
            }
        })
    }

    /// Whether a consumer with `isolation` is given `record`: never a marker, and under
    /// read_committed never a record of an aborted transaction (T6, T7).
    pub fn is_delivered(&self, record: &Record, isolation: IsolationLevel) -> bool {
        record.control.is_none()
            && (isolation == IsolationLevel::ReadUncommitted || !self.is_aborted(record))
    }

    /// The records a consumer with `isolation` would see, from the log start to its fetch
    /// limit, in offset order.
    pub fn visible_records(&self, isolation: IsolationLevel) -> impl Iterator<Item = &Record> + '_ {
        self.range(0, self.fetch_limit(isolation))
            .filter(move |r| self.is_delivered(r, isolation))
    }

    /// The record at `offset`, if it is still in the log.
    pub fn get(&self, offset: u64) -> Option<&Record> {
        let index = offset.checked_sub(self.log_start_offset)?;
        self.records.get(usize::try_from(index).ok()?)
    }

    /// Records with offsets in `from..to`, clamped to what the log holds.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = &Record> + '_ {
        let start = from.max(self.log_start_offset).min(self.log_end_offset());
        let end = to.max(start).min(self.log_end_offset());
        let skip = (start - self.log_start_offset) as usize;
        self.records.iter().skip(skip).take((end - start) as usize)
    }

    /// The first offset whose timestamp is at or after `at_ms`, or the log end offset when
    /// there is none (as `ListOffsets` by timestamp answers).
    pub fn offset_for_time(&self, at_ms: u64) -> u64 {
        // CreateTime comes from the virtual clock, so timestamps never decrease along the log.
        let index = self.records.partition_point(|r| r.timestamp_ms < at_ms);
        self.log_start_offset + index as u64
    }

    /// Deletes records from the front while `delete(record, total_bytes)` says so, advancing the
    /// log start offset.
    /// Returns how many records were deleted.
    pub fn trim_front(&mut self, mut delete: impl FnMut(&Record, u64) -> bool) -> u64 {
        let mut deleted = 0;
        while let Some(front) = self.records.front() {
            if !delete(front, self.size_bytes) {
                break;
            }
            self.size_bytes -= front.size_bytes();
            self.records.pop_front();
            self.log_start_offset += 1;
            deleted += 1;
        }
        if deleted > 0 {
            // Aborted ranges wholly below the log start are no longer needed.
            let start = self.log_start_offset;
            for ranges in self.aborted.values_mut() {
                ranges.retain(|_, last| *last >= start);
            }
            self.aborted.retain(|_, ranges| !ranges.is_empty());
        }
        deleted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_assigns_consecutive_offsets_from_zero() {
        let mut log = PartitionLog::new();
        assert_eq!(
            log.append(Some(b"k".to_vec()), Some("a".into()), vec![], 0),
            0
        );
        assert_eq!(log.append(None, Some("b".into()), vec![], 5), 1);
        assert_eq!(log.log_end_offset(), 2);
        assert_eq!(log.high_watermark(), 2);
        assert_eq!(log.get(1).unwrap().value.as_deref(), Some("b"));
        // Two one-record batches: 61 + 9 bytes with a key, 61 + 8 with a null one.
        assert_eq!(log.size_bytes(), 70 + 69);
    }

    #[test]
    fn a_record_takes_the_bytes_of_its_own_v2_batch() {
        // Null key, 100-byte value: a 107-byte body, a 2-byte length and the 61-byte header.
        assert_eq!(batch_size_bytes(None, Some(100), &[]), 170);
        // Lengths of 64 and more take two varint bytes (zig-zag doubles them): a 63-byte key
        // takes 1 + 63, a 64-byte one 2 + 64.
        assert_eq!(
            batch_size_bytes(Some(63), None, &[]),
            61 + 2 + 3 + 64 + 1 + 1
        );
        assert_eq!(
            batch_size_bytes(Some(64), None, &[]),
            61 + 2 + 3 + 66 + 1 + 1
        );
        let header = Header {
            key: "trace".into(),
            value: vec![1, 2, 3],
        };
        // The header adds its name and value, each after a one-byte length.
        assert_eq!(
            batch_size_bytes(None, None, std::slice::from_ref(&header)),
            batch_size_bytes(None, None, &[]) + 1 + 5 + 1 + 3
        );
        let marker = Record {
            offset: 0,
            key: None,
            value: None,
            headers: vec![],
            timestamp_ms: 0,
            producer_id: Some(1),
            sequence: None,
            transactional: true,
            control: Some(ControlRecordType::Commit),
        };
        assert_eq!(marker.size_bytes(), batch_size_bytes(Some(4), Some(6), &[]));
    }

    fn txn_batch(producer_id: u64, sequence: i32) -> ProducerBatch {
        ProducerBatch {
            producer_id,
            epoch: 0,
            sequence,
            transactional: true,
        }
    }

    #[test]
    fn t8_the_last_stable_offset_is_the_first_offset_of_the_earliest_open_transaction() {
        let mut log = PartitionLog::new();
        log.append(None, Some("plain".into()), vec![], 0);
        let a = log.append_idempotent(None, Some("a".into()), vec![], 0, txn_batch(1, 0));
        assert_eq!(a, Ok(Appended::New(1)));
        log.append_idempotent(None, Some("b".into()), vec![], 0, txn_batch(2, 0))
            .unwrap();
        log.append_idempotent(None, Some("a2".into()), vec![], 0, txn_batch(1, 1))
            .unwrap();
        assert_eq!((log.last_stable_offset(), log.high_watermark()), (1, 4));
        // T6: the marker takes offset 4; producer 2's transaction still holds the LSO at 2.
        assert_eq!(
            log.append_marker(1, 0, ControlRecordType::Abort, 0),
            Some(4)
        );
        assert_eq!(log.last_stable_offset(), 2);
        assert_eq!(log.append_marker(1, 0, ControlRecordType::Abort, 0), None);
        assert_eq!(
            log.append_marker(2, 0, ControlRecordType::Commit, 0),
            Some(5)
        );
        assert_eq!(log.last_stable_offset(), 6);
        let committed: Vec<u64> = log
            .visible_records(IsolationLevel::ReadCommitted)
            .map(|r| r.offset)
            .collect();
        assert_eq!(committed, vec![0, 2]);
        let uncommitted: Vec<u64> = log
            .visible_records(IsolationLevel::ReadUncommitted)
            .map(|r| r.offset)
            .collect();
        assert_eq!(uncommitted, vec![0, 1, 2, 3]);
    }

    #[test]
    fn t6_to_t8_each_record_says_where_it_stands_in_its_transaction() {
        use TransactionState::*;
        let mut log = PartitionLog::new();
        log.append(None, Some("plain".into()), vec![], 0);
        for (pid, seq) in [(1, 0), (2, 0), (1, 1)] {
            log.append_idempotent(None, Some("v".into()), vec![], 0, txn_batch(pid, seq))
                .unwrap();
        }
        let states = |log: &PartitionLog| -> Vec<Option<TransactionState>> {
            log.range(0, log.log_end_offset())
                .map(|r| log.transaction_state(r))
                .collect()
        };
        assert_eq!(states(&log), [None, Some(Open), Some(Open), Some(Open)]);
        log.append_marker(1, 0, ControlRecordType::Abort, 0);
        assert_eq!(
            states(&log),
            [
                None,
                Some(Aborted),
                Some(Open),
                Some(Aborted),
                Some(AbortMarker)
            ]
        );
        log.append_marker(2, 0, ControlRecordType::Commit, 0);
        assert_eq!(
            states(&log)[1..],
            [
                Some(Aborted),
                Some(Committed),
                Some(Aborted),
                Some(AbortMarker),
                Some(CommitMarker)
            ]
        );
        // Producer 1's next transaction is open again; its aborted one stays aborted.
        log.append_idempotent(None, Some("v".into()), vec![], 0, txn_batch(1, 2))
            .unwrap();
        assert_eq!(states(&log)[1], Some(Aborted));
        assert_eq!(states(&log)[6], Some(Open));
    }

    #[test]
    fn t3_a_duplicate_answers_with_the_original_offset() {
        let mut log = PartitionLog::new();
        let batch = ProducerBatch {
            transactional: false,
            ..txn_batch(9, 0)
        };
        assert_eq!(
            log.append_idempotent(None, Some("x".into()), vec![], 0, batch),
            Ok(Appended::New(0))
        );
        assert_eq!(
            log.append_idempotent(None, Some("x".into()), vec![], 0, batch),
            Ok(Appended::Duplicate(0))
        );
        assert_eq!(log.log_end_offset(), 1);
    }

    #[test]
    fn t4_a_producer_the_partition_has_not_seen_may_start_at_any_sequence() {
        let mut log = PartitionLog::new();
        let batch = |epoch, sequence| ProducerBatch {
            producer_id: 1,
            epoch,
            sequence,
            transactional: false,
        };
        let mut append = |b| log.append_idempotent(None, Some("x".into()), vec![], 0, b);
        assert_eq!(append(batch(15, i32::MAX)), Ok(Appended::New(0)));
        assert_eq!(append(batch(15, 0)), Ok(Appended::New(1)));
        assert_eq!(
            append(batch(15, 5)),
            Err(AppendError::OutOfOrderSequence {
                expected: 1,
                got: 5
            })
        );
        assert_eq!(
            append(batch(16, 3)),
            Err(AppendError::OutOfOrderSequence {
                expected: 0,
                got: 3
            })
        );
    }

    #[test]
    fn trimming_advances_the_log_start_offset_and_keeps_offsets() {
        let mut log = PartitionLog::new();
        for i in 0..5 {
            log.append(None, Some(format!("v{i}")), vec![], i);
        }
        let deleted = log.trim_front(|r, _| r.timestamp_ms < 2);
        assert_eq!(deleted, 2);
        assert_eq!(log.log_start_offset(), 2);
        assert_eq!(log.log_end_offset(), 5);
        assert!(log.get(1).is_none());
        assert_eq!(log.get(2).unwrap().value.as_deref(), Some("v2"));
        let offsets: Vec<u64> = log.range(0, 10).map(|r| r.offset).collect();
        assert_eq!(offsets, vec![2, 3, 4]);
    }
}

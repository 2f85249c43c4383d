//! A partition's log, as Kafka's `UnifiedLog` exposes it to clients: an append-only sequence
//! of records with a log start offset, a high watermark and a log end offset.
//!
//! The simulated cluster has one replica per partition, so the high watermark equals the log
//! end offset (R3 with an ISR of one). Retention moves the log start offset forward; records
//! below it are gone, which is what makes `auto.offset.reset` (C2) matter.

use serde::{Deserialize, Serialize};

/// One record header, as Kafka's `RecordHeader`: a UTF-8 key and raw bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Header name.
    pub key: String,
    /// Header value bytes.
    pub value: Vec<u8>,
}

/// Bytes as text for display: the UTF-8 text when they are valid UTF-8, hex otherwise.
pub fn bytes_to_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
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
}

impl Record {
    /// The record's size as the log accounts for it: key, value and headers, in bytes.
    /// Kafka adds a few bytes of framing per record; the simulation leaves that out.
    pub fn size_bytes(&self) -> u64 {
        let key = self.key.as_ref().map_or(0, Vec::len);
        let value = self.value.as_ref().map_or(0, String::len);
        let headers: usize = self
            .headers
            .iter()
            .map(|h| h.key.len() + h.value.len())
            .sum();
        (key + value + headers) as u64
    }

    /// The key as text for display: UTF-8 when it is, hex otherwise, `None` for a null key.
    pub fn key_text(&self) -> Option<String> {
        self.key.as_deref().map(bytes_to_text)
    }
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
        let record = Record {
            offset,
            key,
            value,
            headers,
            timestamp_ms,
        };
        self.size_bytes += record.size_bytes();
        self.records.push_back(record);
        offset
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
        assert_eq!(log.size_bytes(), 3);
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

//! The event trace: what happened, when, in Kafka's words, and a hash of all of it.
//!
//! The hash covers every event ever recorded (not just the kept window) and is computed
//! with FNV-1a over a platform-independent encoding, so the same run gives the same hash
//! natively and in wasm (where `usize` is 32 bits): that is the determinism check.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::group::GroupState;

/// One thing that happened in the simulation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Virtual time, ms.
    pub at_ms: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The kinds of trace events. Field names follow Kafka's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// A topic was created.
    TopicCreated { topic: String, partitions: u32 },
    /// A topic grew to `partitions` partitions.
    PartitionsAdded { topic: String, partitions: u32 },
    /// A producer was added.
    ProducerAdded { producer: String, topic: String },
    /// A producer was removed.
    ProducerRemoved { producer: String },
    /// A send completed: the producer callback's topic, partition and offset.
    Produced {
        producer: Option<String>,
        topic: String,
        partition: u32,
        offset: u64,
        key: Option<String>,
    },
    /// A consumer group was created.
    GroupAdded { group: String },
    /// A consumer was added to a group.
    ConsumerAdded { group: String, consumer: String },
    /// A group moved between classic-protocol states (C8).
    GroupStateChanged {
        group: String,
        from: GroupState,
        to: GroupState,
        generation: i32,
    },
    /// A member joined (or rejoined) the group.
    MemberJoined {
        group: String,
        consumer: String,
        member_id: String,
    },
    /// The coordinator removed a member.
    MemberRemoved {
        group: String,
        consumer: String,
        member_id: String,
        reason: String,
    },
    /// A member received its assignment for a generation.
    Assigned {
        group: String,
        consumer: String,
        generation: i32,
        partitions: Vec<String>,
    },
    /// A member gave up partitions before rejoining (eager: all of them; cooperative: those that move).
    Revoked {
        group: String,
        consumer: String,
        partitions: Vec<String>,
    },
    /// A poll returned records of one partition.
    Fetched {
        group: String,
        consumer: String,
        partition: String,
        from_offset: u64,
        count: u32,
    },
    /// The listener finished one record.
    Processed {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
    },
    /// The coordinator stored a committed offset (the next offset to read, C3).
    Committed {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
    },
    /// The coordinator refused a commit.
    CommitFailed {
        group: String,
        consumer: String,
        reason: String,
    },
    /// A position was reset by `auto.offset.reset` (C2) or by the user.
    OffsetReset {
        group: String,
        partition: String,
        offset: u64,
        reason: String,
    },
    /// A consumer cannot continue (e.g. `auto.offset.reset=none` with no committed offset).
    ConsumerError {
        group: String,
        consumer: String,
        error: String,
    },
    /// A consumer process died without leaving the group.
    ConsumerCrashed { group: String, consumer: String },
    /// A crashed or stopped consumer started again.
    ConsumerRestarted { group: String, consumer: String },
    /// A consumer's listener was paused or resumed.
    ConsumerPaused {
        group: String,
        consumer: String,
        paused: bool,
    },
    /// A consumer was shut down cleanly (commit, then LeaveGroup).
    ConsumerRemoved { group: String, consumer: String },
    /// A group setting changed.
    GroupConfigChanged {
        group: String,
        setting: String,
        value: String,
    },
    /// The log start offset moved because of retention.
    RetentionDeleted {
        partition: String,
        log_start_offset: u64,
        deleted: u64,
    },
    // New kinds go last: the trace hash covers each kind's position in this list, so inserting
    // one earlier would change every golden hash.
    /// A send failed before it reached the broker (e.g. the serializer refused the key).
    ProduceFailed {
        producer: String,
        topic: String,
        error: String,
    },
    /// `poll()` failed at a record whose value cannot be deserialized (J1).
    PollFailed {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
        error: String,
    },
    /// The listener threw for a record.
    ListenerFailed {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
        exception: String,
        message: String,
        attempt: u32,
    },
    /// The error handler sleeps before the record is delivered again (E1, E6).
    BackOff {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
        back_off_ms: u64,
    },
    /// The default recoverer logged a record and skipped it.
    Recovered {
        group: String,
        partition: String,
        offset: u64,
        how: String,
    },
    /// A record was published to a dead-letter topic (D1–D3).
    DeadLettered {
        group: String,
        partition: String,
        offset: u64,
        dead_letter_topic: String,
        dead_letter_partition: u32,
        dead_letter_offset: u64,
        exception: String,
    },
    /// A record was forwarded to a retry topic (N4).
    RetryScheduled {
        group: String,
        partition: String,
        offset: u64,
        retry_topic: String,
        retry_partition: u32,
        retry_offset: u64,
        due_ms: u64,
        attempt: u32,
    },
    /// An idempotent listener recognised a record it had processed and skipped it.
    DuplicateSkipped {
        group: String,
        consumer: String,
        partition: String,
        offset: u64,
    },
    /// A dead-letter record was sent back to its original topic.
    Redriven {
        from: String,
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// The broker's response to a produce request was lost on the way back (the `LoseAcks`
    /// fault): the connection is unusable until the request times out.
    AckLost {
        producer: String,
        partition: String,
        offset: u64,
        sequence: Option<i32>,
    },
    /// `request.timeout.ms` expired: the producer reconnected and sent a batch again.
    ProduceRetried {
        producer: String,
        partition: String,
        sequence: Option<i32>,
        attempt: u32,
    },
    /// The broker recognised a retried batch as one of the producer's last five (T3) and did
    /// not append it again; the answer carries the original offset.
    DuplicateDropped {
        producer: String,
        partition: String,
        sequence: i32,
        offset: u64,
    },
    /// A retried batch without idempotence was appended a second time (T5).
    DuplicateAppended {
        producer: String,
        partition: String,
        offset: u64,
        original_offset: u64,
    },
    /// `InitProducerId` for a `transactional.id`: its producer id and (new) epoch.
    ProducerIdInitialized {
        transactional_id: String,
        producer_id: u64,
        epoch: u16,
    },
    /// A transaction ended: markers (`topic-partition@offset`) were written (T6).
    TransactionEnded {
        transactional_id: String,
        producer_id: u64,
        epoch: u16,
        committed: bool,
        reason: String,
        markers: Vec<String>,
    },
    /// A fetch stepped over records the consumer is not given: transaction markers, and under
    /// read_committed records of aborted transactions (T6, T7).
    FetchSkipped {
        group: String,
        consumer: String,
        partition: String,
        markers: u32,
        aborted: u32,
    },
    /// A consumer with `exactly_once` rolled its batch back: its transaction was aborted, so
    /// it seeks back to the batch's first offsets and polls again.
    BatchRolledBack {
        group: String,
        consumer: String,
        reason: String,
    },
}

/// How much of the trace to keep in memory. The hash always covers everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceRetention {
    /// Keep every event (for `kplay run` and tests).
    All,
    /// Keep only the newest `n` events (for the page and benchmarks).
    Newest(usize),
}

/// The recorded events and the running hash.
#[derive(Clone, Debug)]
pub struct Trace {
    events: VecDeque<TraceEvent>,
    retention: TraceRetention,
    hasher: Fnv1a,
    total: u64,
}

impl Trace {
    /// An empty trace.
    pub fn new(retention: TraceRetention) -> Self {
        Self {
            events: VecDeque::new(),
            retention,
            hasher: Fnv1a::new(),
            total: 0,
        }
    }

    /// Records an event.
    pub fn push(&mut self, event: TraceEvent) {
        event.hash(&mut self.hasher);
        self.total += 1;
        if let TraceRetention::Newest(n) = self.retention {
            if self.events.len() >= n {
                self.events.pop_front();
            }
        }
        self.events.push_back(event);
    }

    /// The kept events, oldest first.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.events.iter()
    }

    /// How many events were ever recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The hash of every event ever recorded, in order.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// Changes how many events are kept from now on.
    pub fn set_retention(&mut self, retention: TraceRetention) {
        self.retention = retention;
        if let TraceRetention::Newest(n) = retention {
            while self.events.len() > n {
                self.events.pop_front();
            }
        }
    }
}

/// The trace hasher: FNV-1a's constants applied to 8-byte little-endian words (a byte-wise
/// tail for the rest), with every integer written as a little-endian `u64`, so that `usize`
/// and `isize` (which derived `Hash` uses for lengths and enum discriminants) hash alike on
/// 32- and 64-bit targets. Word-wise mixing is eight times fewer multiplications than
/// byte-wise FNV-1a; the trace hash is a determinism check, not a security measure.
#[derive(Clone, Debug)]
pub struct Fnv1a(u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl Fnv1a {
    /// A hasher at the FNV offset basis.
    pub fn new() -> Self {
        Self(FNV_OFFSET)
    }

    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(FNV_PRIME);
        // FNV's prime only moves bits upwards; fold the high half back down.
        self.0 ^= self.0 >> 29;
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let mut last = [0u8; 8];
            last[..tail.len()].copy_from_slice(tail);
            // The tail's length goes in the top byte so "a" and "a\0" differ.
            self.mix(u64::from_le_bytes(last) ^ ((tail.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_i8(&mut self, i: i8) {
        self.write_u64(i as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.write_u64(i as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.write_u64(i as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hasher_tells_apart_lengths_orders_and_integer_widths_alike() {
        let hash = |f: &dyn Fn(&mut Fnv1a)| {
            let mut h = Fnv1a::new();
            f(&mut h);
            h.finish()
        };
        assert_ne!(hash(&|h| h.write(b"a")), hash(&|h| h.write(b"a\0")));
        assert_ne!(
            hash(&|h| h.write(b"abcdefgh12")),
            hash(&|h| h.write(b"12abcdefgh"))
        );
        assert_ne!(hash(&|h| h.write(b"")), hash(&|h| h.write(b"\0")));
        // usize and u64 hash alike, so 32-bit wasm and 64-bit native agree.
        assert_eq!(hash(&|h| h.write_usize(7)), hash(&|h| h.write_u64(7)));
        assert_eq!(hash(&|h| h.write_isize(-1)), hash(&|h| h.write_i64(-1)));
    }

    #[test]
    fn retention_keeps_the_newest_events_but_hashes_all() {
        let event = |at_ms| TraceEvent {
            at_ms,
            kind: EventKind::GroupAdded { group: "g".into() },
        };
        let mut kept = Trace::new(TraceRetention::Newest(2));
        let mut all = Trace::new(TraceRetention::All);
        for t in 0..5 {
            kept.push(event(t));
            all.push(event(t));
        }
        assert_eq!(
            kept.events().map(|e| e.at_ms).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert_eq!(kept.total(), 5);
        assert_eq!(kept.hash(), all.hash());
        let mut other = Trace::new(TraceRetention::All);
        other.push(event(1));
        assert_ne!(other.hash(), all.hash());
    }
}

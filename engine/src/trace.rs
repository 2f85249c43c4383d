//! The event trace: what happened, when, in Kafka's words, and a hash of all of it.
//!
//! The hash covers every event ever recorded (not just the kept window) and is computed
//! with FNV-1a over a platform-independent encoding, so the same run gives the same hash
//! natively and in wasm (where `usize` is 32 bits): that is the determinism check.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::group::GroupState;

/// A name or text in a trace event: shared, so that recording an event for every record
/// copies no strings. Hashes, compares, prints and serializes exactly as the text it holds.
///
/// Its content hash is computed once, when the name is made: hashing a name into the trace
/// hash is then one word, however long the name.
#[derive(Clone)]
pub struct Name(Arc<str>, u64);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn new(text: Arc<str>) -> Self {
        let mut h = Fnv1a::new();
        h.write(text.as_bytes());
        h.write_u64(text.len() as u64);
        let digest = h.finish();
        Self(text, digest)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.1 == other.1 && self.0 == other.0
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.1);
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Self::new(Arc::from(text))
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(Arc::from(text))
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Self::new(Arc::from(text.as_str()))
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Name::from)
    }
}

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
    TopicCreated { topic: Name, partitions: u32 },
    /// A topic grew to `partitions` partitions.
    PartitionsAdded { topic: Name, partitions: u32 },
    /// A producer was added.
    ProducerAdded { producer: Name, topic: Name },
    /// A producer was removed.
    ProducerRemoved { producer: Name },
    /// A send completed: the producer callback's topic, partition and offset.
    Produced {
        producer: Option<Name>,
        topic: Name,
        partition: u32,
        offset: u64,
        key: Option<Name>,
    },
    /// A consumer group was created.
    GroupAdded { group: Name },
    /// A consumer was added to a group.
    ConsumerAdded { group: Name, consumer: Name },
    /// A group moved between classic-protocol states (C8).
    GroupStateChanged {
        group: Name,
        from: GroupState,
        to: GroupState,
        generation: i32,
    },
    /// A member joined (or rejoined) the group.
    MemberJoined {
        group: Name,
        consumer: Name,
        member_id: Name,
    },
    /// The coordinator removed a member.
    MemberRemoved {
        group: Name,
        consumer: Name,
        member_id: Name,
        reason: Name,
    },
    /// A member received its assignment for a generation.
    Assigned {
        group: Name,
        consumer: Name,
        generation: i32,
        partitions: Vec<String>,
    },
    /// A member gave up partitions before rejoining (eager: all of them; cooperative: those that
    /// move), or all of them on close.
    Revoked {
        group: Name,
        consumer: Name,
        partitions: Vec<String>,
    },
    /// A poll returned records of one partition.
    Fetched {
        group: Name,
        consumer: Name,
        partition: Name,
        from_offset: u64,
        count: u32,
    },
    /// The listener finished one record.
    Processed {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
    },
    /// The coordinator stored a committed offset (the next offset to read, C3).
    Committed {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
    },
    /// The coordinator refused a commit.
    CommitFailed {
        group: Name,
        consumer: Name,
        reason: Name,
    },
    /// A position was reset by `auto.offset.reset` (C2) or by the user.
    OffsetReset {
        group: Name,
        partition: Name,
        offset: u64,
        reason: Name,
    },
    /// A consumer cannot continue (e.g. `auto.offset.reset=none` with no committed offset).
    ConsumerError {
        group: Name,
        consumer: Name,
        error: Name,
    },
    /// A consumer process died without leaving the group.
    ConsumerCrashed { group: Name, consumer: Name },
    /// A crashed or stopped consumer started again.
    ConsumerRestarted { group: Name, consumer: Name },
    /// A consumer's listener was paused or resumed.
    ConsumerPaused {
        group: Name,
        consumer: Name,
        paused: bool,
    },
    /// A consumer was shut down cleanly (commit, then LeaveGroup).
    ConsumerRemoved { group: Name, consumer: Name },
    /// A group setting changed.
    GroupConfigChanged {
        group: Name,
        setting: Name,
        value: Name,
    },
    /// The log start offset moved because of retention.
    RetentionDeleted {
        partition: Name,
        log_start_offset: u64,
        deleted: u64,
    },
    // New kinds go last: the trace hash covers each kind's position in this list, so inserting
    // one earlier would change every golden hash.
    /// A send failed before it reached the broker (e.g. the serializer refused the key).
    ProduceFailed {
        producer: Name,
        topic: Name,
        error: Name,
    },
    /// `poll()` failed at a record whose value cannot be deserialized (J1).
    PollFailed {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
        error: Name,
    },
    /// The listener threw for a record.
    ListenerFailed {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
        exception: Name,
        message: Name,
        attempt: u32,
    },
    /// The error handler sleeps before the record is delivered again (E1, E6).
    BackOff {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
        back_off_ms: u64,
    },
    /// The default recoverer logged a record and skipped it.
    Recovered {
        group: Name,
        partition: Name,
        offset: u64,
        how: Name,
    },
    /// A record was published to a dead-letter topic (D1–D3).
    DeadLettered {
        group: Name,
        partition: Name,
        offset: u64,
        dead_letter_topic: Name,
        dead_letter_partition: u32,
        dead_letter_offset: u64,
        exception: Name,
    },
    /// A record was forwarded to a retry topic (N4).
    RetryScheduled {
        group: Name,
        partition: Name,
        offset: u64,
        retry_topic: Name,
        retry_partition: u32,
        retry_offset: u64,
        due_ms: u64,
        attempt: u32,
    },
    /// An idempotent listener recognised a record it had processed and skipped it.
    DuplicateSkipped {
        group: Name,
        consumer: Name,
        partition: Name,
        offset: u64,
    },
    /// A dead-letter record was sent back to its original topic.
    Redriven {
        from: Name,
        topic: Name,
        partition: u32,
        offset: u64,
    },
    /// The broker's response to a produce request was lost on the way back (the `LoseAcks`
    /// fault): the connection is unusable until the request times out.
    AckLost {
        producer: Name,
        partition: Name,
        offset: u64,
        sequence: Option<i32>,
    },
    /// `request.timeout.ms` expired: the producer reconnected and sent a batch again.
    ProduceRetried {
        producer: Name,
        partition: Name,
        sequence: Option<i32>,
        attempt: u32,
    },
    /// The broker recognised a retried batch as one of the producer's last five (T3) and did
    /// not append it again; the answer carries the original offset.
    DuplicateDropped {
        producer: Name,
        partition: Name,
        sequence: i32,
        offset: u64,
    },
    /// A retried batch without idempotence was appended a second time (T5).
    DuplicateAppended {
        producer: Name,
        partition: Name,
        offset: u64,
        original_offset: u64,
    },
    /// `InitProducerId` for a `transactional.id`: its producer id and (new) epoch.
    ProducerIdInitialized {
        transactional_id: Name,
        producer_id: u64,
        epoch: u16,
    },
    /// A transaction ended: markers (`topic-partition@offset`) were written (T6).
    TransactionEnded {
        transactional_id: Name,
        producer_id: u64,
        epoch: u16,
        committed: bool,
        reason: Name,
        markers: Vec<String>,
    },
    /// A fetch stepped over records the consumer is not given: transaction markers, and under
    /// read_committed records of aborted transactions (T6, T7).
    FetchSkipped {
        group: Name,
        consumer: Name,
        partition: Name,
        markers: u32,
        aborted: u32,
    },
    /// A consumer with `exactly_once` rolled its batch back: its transaction was aborted, so
    /// it seeks back to the batch's first offsets and polls again.
    BatchRolledBack {
        group: Name,
        consumer: Name,
        reason: Name,
    },
    /// A consumer whose generation was reset (it left on a poll timeout, or the coordinator
    /// no longer knew it) gave up everything it owned as lost before rejoining: no commit,
    /// and the partitions are read again from the group's committed offsets (C10, C14).
    PartitionsLost {
        group: Name,
        consumer: Name,
        partitions: Vec<String>,
    },
}

/// What a timeline mark stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MilestoneKind {
    /// A consumer process died.
    Crash,
    /// A group started rebalancing.
    Rebalance,
    /// A record went to a dead-letter topic.
    DeadLetter,
}

/// A moment of the run worth finding again on the timeline: crashes, rebalances and dead
/// letters. Kept apart from the trace, whose page window forgets old events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    /// Virtual time.
    pub at_ms: u64,
    /// What happened.
    pub kind: MilestoneKind,
    /// It in a few words, for a tooltip.
    pub what: String,
}

/// Most milestones kept; past it every second one is dropped, and from then on only every
/// second new one is kept (every fourth after the next time, and so on), so a long run keeps
/// evenly spread marks across its whole length.
pub const MAX_MILESTONES: usize = 400;

impl Milestone {
    /// The milestone an event is, if it is one.
    pub fn of(at_ms: u64, kind: &EventKind) -> Option<Self> {
        let (kind, what) = match kind {
            EventKind::ConsumerCrashed { consumer, .. } => {
                (MilestoneKind::Crash, format!("{consumer} crashed"))
            }
            EventKind::GroupStateChanged {
                group,
                to: GroupState::PreparingRebalance,
                ..
            } => (
                MilestoneKind::Rebalance,
                format!("{group} started rebalancing"),
            ),
            EventKind::DeadLettered {
                partition,
                offset,
                dead_letter_topic,
                ..
            } => (
                MilestoneKind::DeadLetter,
                format!("{partition}@{offset} dead-lettered to {dead_letter_topic}"),
            ),
            _ => return None,
        };
        Some(Self { at_ms, kind, what })
    }
}

/// The milestones of a run, thinned evenly once there are more than [`MAX_MILESTONES`].
#[derive(Clone, Debug, Default)]
pub struct Milestones {
    kept: Vec<Milestone>,
    /// Every how many-th milestone is kept.
    stride: u64,
    /// Milestones seen so far, kept or not.
    seen: u64,
}

impl Milestones {
    /// Notes the milestone `event` is, if it is one.
    pub fn note(&mut self, at_ms: u64, event: &EventKind) {
        let Some(milestone) = Milestone::of(at_ms, event) else {
            return;
        };
        let stride = self.stride.max(1);
        self.seen += 1;
        if !(self.seen - 1).is_multiple_of(stride) {
            return;
        }
        if self.kept.len() >= MAX_MILESTONES {
            let mut keep = false;
            self.kept.retain(|_| {
                keep = !keep;
                keep
            });
            self.stride = stride * 2;
            if !(self.seen - 1).is_multiple_of(self.stride) {
                return;
            }
        }
        self.kept.push(milestone);
    }

    /// The kept milestones, oldest first.
    pub fn kept(&self) -> &[Milestone] {
        &self.kept
    }
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

    /// Takes the kept events out, oldest first; the hash and the total stay.
    pub fn drain(&mut self) -> std::collections::vec_deque::Drain<'_, TraceEvent> {
        self.events.drain(..)
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
    fn milestones_thin_evenly_and_keep_both_ends() {
        let mut milestones = Milestones::default();
        for t in 0..1_000u64 {
            let event = EventKind::ConsumerCrashed {
                group: "g".into(),
                consumer: "c".into(),
            };
            milestones.note(t, &event);
        }
        let list = milestones.kept();
        assert!(list.len() <= MAX_MILESTONES, "{}", list.len());
        assert_eq!(list[0].at_ms, 0, "the oldest stays");
        assert!(list.last().unwrap().at_ms >= 996, "the newest are there");
        assert!(list.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
        let gaps: Vec<u64> = list.windows(2).map(|w| w[1].at_ms - w[0].at_ms).collect();
        assert!(
            gaps.iter().all(|&g| g == gaps[0]),
            "evenly thinned: {gaps:?}"
        );
        assert_eq!(list[0].what, "c crashed");
        let stable = EventKind::GroupStateChanged {
            group: "g".into(),
            from: GroupState::CompletingRebalance,
            to: GroupState::Stable,
            generation: 1,
        };
        assert_eq!(
            Milestone::of(5, &stable),
            None,
            "only the start of a rebalance is one"
        );
    }

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

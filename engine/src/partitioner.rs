//! The producer's choice of partition, as Kafka's `KafkaProducer.partition()`, its
//! `RecordAccumulator` and the partitioner classes make it.
//!
//! * P1: a keyed record goes to `toPositive(murmur2(serializedKey)) % numPartitions`.
//! * P4: `numPartitions` counts every partition of the topic, available or not; a keyed record
//!   stays on its hashed partition even when that partition has no leader.
//! * P5: an explicit partition wins; then a configured `partitioner.class` (here
//!   [`PartitionerKind::RoundRobin`] and the two legacy kinds); then the key hash unless
//!   `partitioner.ignore.keys`; then the built-in sticky logic.
//! * P10: the hash is over the *serialized* key bytes (UTF-8 for `StringSerializer`).
//!
//! # Which Kafka code each kind follows
//!
//! * [`PartitionerKind::UniformSticky`] (P6): the producer with no `partitioner.class`, Kafka 3.3
//!   and later (KIP-794). `KafkaProducer.partition()` hashes keys; records without a usable key go
//!   to `BuiltInPartitioner`, driven by `RecordAccumulator.append()` as in apache/kafka trunk of
//!   2024-10-25 (`1eb7644349cb`): one sticky partition per topic that switches once at least
//!   `batch.size` bytes were appended to it and the partition's batches are all full, or in any
//!   case at `2 × batch.size`. The next partition is uniform over partitions with a leader, or
//!   weighted by queue sizes when `partitioner.adaptive.partitioning.enable` is on and load
//!   statistics were given ([`ProducerPartitioner::update_load_stats`], [`PartitionLoadStats`]).
//! * [`PartitionerKind::LegacySticky`] (P7): `DefaultPartitioner` with `StickyPartitionCache`,
//!   Kafka 2.4 to 3.2 (KIP-480), also what `partitioner.class=...DefaultPartitioner` still does in
//!   3.3+. The sticky partition changes in `onNewBatch`, which `KafkaProducer.doSend` calls with
//!   the partition it first chose whenever the accumulator would have to open a new batch; the
//!   record is then partitioned again.
//! * [`PartitionerKind::LegacyRoundRobin`] (P8): `DefaultPartitioner` of Kafka 2.3 and earlier: a
//!   per-topic Java `int` counter seeded with a random `int`, `toPositive(counter++)` modulo the
//!   number of partitions with a leader.
//! * [`PartitionerKind::RoundRobin`] (P9): `RoundRobinPartitioner` as of trunk 2024-10-25, a
//!   per-topic counter from 0 that ignores keys. Because `KafkaProducer` asks a configured
//!   partitioner a second time whenever a new batch is needed, the counter moves twice for such a
//!   record (KAFKA-9965, KAFKA-16283: with an even number of partitions only half of them get
//!   records). The later fix, KAFKA-17632 (apache/kafka PR #17620, merged after that snapshot),
//!   is *not* modelled.
//!
//! # What is simplified
//!
//! * **Batching.** The engine has no record accumulator or sender yet, so every record is assumed
//!   to sit alone in a batch that the sender drains before the next record is sent: linger.ms = 0
//!   and a sender that keeps up. Under that assumption Kafka's own code paths give:
//!   * UniformSticky: the record's fresh batch is not full (`MemoryRecordsBuilder.isFull()` is
//!     practically never true after one record, because the buffer is at least the record's size
//!     upper bound), so the append itself switches only at `2 × batch.size`. The switch after
//!     `batch.size` bytes happens when the next record without a key arrives and finds the
//!     partition's queue drained (`RecordAccumulator.partitionChanged`, `allBatchesFull`).
//!   * LegacySticky and RoundRobin: every send needs a new batch, so every send goes through
//!     `onNewBatch` and a second `partition()` call.
//!   * Kafka counts "appended bytes" as the growth of the batch's estimated size (the first record
//!     of a batch includes the 61-byte v2 batch header). [`ProducerPartitioner::on_append`] takes
//!     whatever byte count the caller's model uses; the simulation passes the size of the
//!     record's own batch, header and record framing included ([`crate::log::batch_size_bytes`]).
//!
//!   [`BuiltInPartitioner`] and [`StickyPartitionCache`] expose the per-topic machinery with the
//!   batch state as an argument, for a future model with real batches.
//! * **Available partitions** are listed in partition-id order; Kafka keeps the order of the
//!   metadata response, which only matters for which partition a given counter value maps to.
//! * **`partitioner.availability.timeout.ms`** (default 0, disabled) is not modelled: load
//!   statistics never exclude a partition for latency.
//! * **Randomness** (`ThreadLocalRandom`) comes from [`SimRng`]: `toPositive(nextInt())` is
//!   [`SimRng::next_positive_i32`], a raw `nextInt()` is `next_u32() as i32`. The sequence of draws
//!   follows Kafka's (one draw per `BuiltInPartitioner.nextPartition`, a draw loop in
//!   `StickyPartitionCache`), so the same seed always gives the same partitions.
//! * `partitioner.ignore.keys` and adaptive partitioning apply only to UniformSticky. Kafka's
//!   config docs say a custom partitioner makes both settings irrelevant, and the other kinds are
//!   configured through `partitioner.class` (or predate the settings).
//!
//! The keyed formula is the same from 0.8.2 to 4.x.

use crate::vec_map::VecMap;

use serde::Serialize;

use crate::json_read::{Field, Obj};
use crate::murmur2::{murmur2, to_positive};
use crate::rng::SimRng;

/// Kafka's default `batch.size` in bytes (`ProducerConfig`, P11).
pub const DEFAULT_BATCH_SIZE: u32 = 16_384;

/// The partition Kafka's producer picks for a record whose serialized key is `key` (P1).
///
/// # Panics
///
/// Panics if `num_partitions` is zero: a topic always has at least one partition.
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    assert!(num_partitions > 0, "a topic has at least one partition");
    // to_positive never returns a negative number, so the cast is lossless.
    (to_positive(murmur2(key)) as u32) % num_partitions
}

/// Which partitioner a producer uses for records without an explicit partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartitionerKind {
    /// Kafka 3.3+ with no `partitioner.class`: `BuiltInPartitioner`, KIP-794 (P6).
    #[default]
    UniformSticky,
    /// Kafka 2.4–3.2 `DefaultPartitioner` with `StickyPartitionCache`, KIP-480 (P7).
    LegacySticky,
    /// Kafka 2.3 and earlier `DefaultPartitioner`: per-topic round robin for null keys (P8).
    LegacyRoundRobin,
    /// `partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner`: round robin
    /// that ignores keys (P9).
    RoundRobin,
}

/// The producer settings that shape partitioning, with Kafka's defaults (P11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionerConfig {
    /// Which partitioner is used.
    pub kind: PartitionerKind,
    /// `batch.size` in bytes, also the "sticky" limit of [`PartitionerKind::UniformSticky`].
    /// Kafka default 16384; 0 behaves as 1, as `KafkaProducer` uses `max(1, batch.size)`.
    pub batch_size: u32,
    /// `partitioner.ignore.keys` (Kafka 3.3+, default `false`): hash no keys and send keyed
    /// records to the sticky partition too. Only affects [`PartitionerKind::UniformSticky`].
    pub ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable` (Kafka 3.3+, default `true`): weight the choice
    /// of the next sticky partition by queue sizes when load statistics are given. Only affects
    /// [`PartitionerKind::UniformSticky`].
    pub adaptive: bool,
}

impl Default for PartitionerConfig {
    fn default() -> Self {
        Self {
            kind: PartitionerKind::UniformSticky,
            batch_size: DEFAULT_BATCH_SIZE,
            ignore_keys: false,
            adaptive: true,
        }
    }
}

impl PartitionerKind {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("uniform-sticky", PartitionerKind::UniformSticky),
        ("legacy-sticky", PartitionerKind::LegacySticky),
        ("legacy-round-robin", PartitionerKind::LegacyRoundRobin),
        ("round-robin", PartitionerKind::RoundRobin),
    ];

    /// Reads a partitioner's name, e.g. `"uniform-sticky"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

impl PartitionerConfig {
    /// Reads partitioner settings from parsed JSON (see [`crate::json_read`]); settings left
    /// out keep Kafka's defaults.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = PartitionerConfig::default();
        Ok(PartitionerConfig {
            kind: o.or("kind", d.kind, PartitionerKind::read)?,
            batch_size: o.or("batch_size", d.batch_size, Field::u32)?,
            ignore_keys: o.or("ignore_keys", d.ignore_keys, Field::bool)?,
            adaptive: o.or("adaptive", d.adaptive, Field::bool)?,
        })
    }
}

crate::json_read::deserialize_with_reader!(PartitionerKind, PartitionerConfig);

/// Whether `partition` has a leader. Partitions past the end of `available` count as available,
/// so an empty slice means "all partitions have a leader".
fn is_available(available: &[bool], partition: u32) -> bool {
    available.get(partition as usize).copied().unwrap_or(true)
}

/// The ids of the partitions that have a leader, in id order (Kafka's
/// `cluster.availablePartitionsForTopic`).
fn available_partitions(available: &[bool], num_partitions: u32) -> Vec<u32> {
    (0..num_partitions)
        .filter(|&p| is_available(available, p))
        .collect()
}

/// Java's `random % n` for a non-negative `random` and a positive `n`.
fn non_negative_mod(random: i32, n: usize) -> usize {
    debug_assert!(random >= 0 && n > 0);
    (random as u32 as usize) % n
}

/// The weights KIP-794 adaptive partitioning gives the partitions with a leader, as a cumulative
/// frequency table (`BuiltInPartitioner.PartitionLoadStats`, P6).
///
/// A partition whose queue holds `q` batches gets weight `maxQueue + 1 - q`; a random number
/// modulo the total weight is mapped to the first partition whose running sum exceeds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionLoadStats {
    /// Running sums of the weights, strictly increasing (every weight is at least 1).
    cumulative: Vec<u64>,
    /// The partition each entry of `cumulative` stands for.
    partition_ids: Vec<u32>,
}

impl PartitionLoadStats {
    /// Builds the table from the queue sizes of the partitions that may be chosen, as
    /// `BuiltInPartitioner.updatePartitionLoadStats` does.
    ///
    /// `queue_sizes[i]` is the number of batches queued for partition `partition_ids[i]`; these are
    /// the partitions with a leader. `partition_count` is the number of partitions the sizes were
    /// collected over (Kafka's `queueSizes.length`), which counts leaderless ones too.
    ///
    /// Returns `None`, meaning "choose uniformly", where Kafka does: no partition to choose, fewer
    /// than two partitions, or all queues the same length with none left out.
    ///
    /// # Panics
    ///
    /// Panics if `queue_sizes` and `partition_ids` differ in length.
    pub fn from_queue_sizes(
        queue_sizes: &[u32],
        partition_ids: &[u32],
        partition_count: usize,
    ) -> Option<Self> {
        assert_eq!(
            queue_sizes.len(),
            partition_ids.len(),
            "one queue size per partition id"
        );
        let length = queue_sizes.len();
        if length < 1 || partition_count < 2 {
            return None;
        }
        let max_queue = queue_sizes.iter().copied().max().unwrap_or(0);
        let all_equal = queue_sizes.iter().all(|&q| q == queue_sizes[0]);
        if all_equal && length == partition_count {
            return None;
        }
        let max_plus_one = u64::from(max_queue) + 1;
        let mut running = 0u64;
        let cumulative = queue_sizes
            .iter()
            .map(|&q| {
                running += max_plus_one - u64::from(q);
                running
            })
            .collect();
        Some(Self {
            cumulative,
            partition_ids: partition_ids.to_vec(),
        })
    }

    /// The total weight: random numbers are taken modulo this (Kafka's test-only
    /// `loadStatsRangeEnd`).
    pub fn range_end(&self) -> u64 {
        *self
            .cumulative
            .last()
            .expect("a load table has at least one partition")
    }

    /// The running sums of the weights, one per choosable partition.
    pub fn cumulative_frequencies(&self) -> &[u64] {
        &self.cumulative
    }

    /// The partition a non-negative random `int` selects: the first entry whose running sum is
    /// strictly greater than `random % range_end()`, found by binary search.
    pub fn choose(&self, random: i32) -> u32 {
        debug_assert!(random >= 0, "Kafka draws toPositive(nextInt())");
        let weighted = u64::from(random.unsigned_abs()) % self.range_end();
        let index = self.cumulative.partition_point(|&sum| sum <= weighted);
        self.partition_ids[index]
    }
}

/// The sticky partition of one topic and the bytes appended to it since it was chosen
/// (`BuiltInPartitioner.StickyPartitionInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StickyPartitionInfo {
    partition: u32,
    produced_bytes: u64,
}

/// KIP-794's per-topic partitioner for records without a key (`BuiltInPartitioner`, Kafka 3.3+,
/// P6).
///
/// Each method that may pick a partition takes `random`, a source of non-negative Java `int`s
/// (`toPositive(ThreadLocalRandom.nextInt())`); [`ProducerPartitioner`] passes
/// [`SimRng::next_positive_i32`], tests may pass a counter as Kafka's tests do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltInPartitioner {
    sticky_batch_size: u32,
    sticky: Option<StickyPartitionInfo>,
    load_stats: Option<PartitionLoadStats>,
}

impl BuiltInPartitioner {
    /// A partitioner that switches after `sticky_batch_size` bytes (the producer's `batch.size`).
    /// Zero is treated as 1, as `KafkaProducer` does before building it.
    pub fn new(sticky_batch_size: u32) -> Self {
        Self {
            sticky_batch_size: sticky_batch_size.max(1),
            sticky: None,
            load_stats: None,
        }
    }

    /// The current sticky partition, if one was chosen.
    pub fn current_partition(&self) -> Option<u32> {
        self.sticky.map(|s| s.partition)
    }

    /// Bytes appended to the current sticky partition since it was chosen.
    pub fn produced_bytes(&self) -> u64 {
        self.sticky.map_or(0, |s| s.produced_bytes)
    }

    /// The load statistics in use, if any.
    pub fn load_stats(&self) -> Option<&PartitionLoadStats> {
        self.load_stats.as_ref()
    }

    /// Replaces the load statistics (`updatePartitionLoadStats`); `None` means uniform choice.
    pub fn set_load_stats(&mut self, stats: Option<PartitionLoadStats>) {
        self.load_stats = stats;
    }

    /// The sticky partition, choosing one first if there is none (`peekCurrentPartitionInfo`).
    ///
    /// A sticky partition beyond `num_partitions` (the topic was recreated smaller) is dropped
    /// and chosen again; Kafka's partition counts only grow, so it never meets this case.
    pub fn peek_current_partition(
        &mut self,
        available: &[bool],
        num_partitions: u32,
        random: &mut impl FnMut() -> i32,
    ) -> u32 {
        match self.sticky {
            Some(info) if info.partition < num_partitions => info.partition,
            _ => {
                let partition = self.next_partition(available, num_partitions, random);
                self.sticky = Some(StickyPartitionInfo {
                    partition,
                    produced_bytes: 0,
                });
                partition
            }
        }
    }

    /// Records `appended_bytes` more bytes on the sticky partition and switches to a new one when
    /// at least `batch.size` bytes were produced and `enable_switch` is set (all of the
    /// partition's batches are full), or when at least `2 × batch.size` were produced whatever
    /// `enable_switch` says (`updatePartitionInfo`). Returns whether it switched.
    ///
    /// Does nothing if no sticky partition was chosen yet.
    pub fn update_partition_info(
        &mut self,
        appended_bytes: u32,
        enable_switch: bool,
        available: &[bool],
        num_partitions: u32,
        random: &mut impl FnMut() -> i32,
    ) -> bool {
        let Some(info) = self.sticky.as_mut() else {
            return false;
        };
        info.produced_bytes += u64::from(appended_bytes);
        let limit = u64::from(self.sticky_batch_size);
        let produced = info.produced_bytes;
        if (produced >= limit && enable_switch) || produced >= 2 * limit {
            let partition = self.next_partition(available, num_partitions, random);
            self.sticky = Some(StickyPartitionInfo {
                partition,
                produced_bytes: 0,
            });
            return true;
        }
        false
    }

    /// Draws the next sticky partition (`nextPartition`): weighted by the load statistics when
    /// there are some, else uniform over partitions with a leader, else over all partitions.
    ///
    /// Statistics that name a partition the topic no longer has (stale after the caller shrank
    /// it, which Kafka never does) fall back to the uniform choice with the same draw.
    fn next_partition(
        &self,
        available: &[bool],
        num_partitions: u32,
        random: &mut impl FnMut() -> i32,
    ) -> u32 {
        let random = random();
        if let Some(stats) = &self.load_stats {
            let weighted = stats.choose(random);
            if weighted < num_partitions {
                return weighted;
            }
        }
        let candidates = available_partitions(available, num_partitions);
        if candidates.is_empty() {
            non_negative_mod(random, num_partitions as usize) as u32
        } else {
            candidates[non_negative_mod(random, candidates.len())]
        }
    }
}

/// KIP-480's per-topic sticky partition (`StickyPartitionCache`, Kafka 2.4–3.2, P7).
///
/// `random` supplies non-negative Java `int`s, as for [`BuiltInPartitioner`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StickyPartitionCache {
    current: Option<u32>,
}

impl StickyPartitionCache {
    /// The sticky partition, choosing one if there is none (`partition(topic, cluster)`).
    pub fn partition(
        &mut self,
        available: &[bool],
        num_partitions: u32,
        random: &mut impl FnMut() -> i32,
    ) -> u32 {
        match self.current {
            Some(p) if p < num_partitions => p,
            _ => {
                self.current = None;
                self.next_partition(None, available, num_partitions, random)
            }
        }
    }

    /// Called when a new batch is created for `prev_partition` (`nextPartition`, reached through
    /// `onNewBatch`; `None` is Kafka's `-1`). Changes the sticky partition only if there is none
    /// or it is `prev_partition`: the new one is random among partitions with a leader and
    /// differs from the old one when at least two have a leader; the only one when exactly one
    /// has; random among all when none has. Returns the sticky partition afterwards.
    pub fn next_partition(
        &mut self,
        prev_partition: Option<u32>,
        available: &[bool],
        num_partitions: u32,
        random: &mut impl FnMut() -> i32,
    ) -> u32 {
        let old = self.current;
        if let Some(old_partition) = old {
            if Some(old_partition) != prev_partition {
                return old_partition;
            }
        }
        let candidates = available_partitions(available, num_partitions);
        let new = match candidates.len() {
            0 => non_negative_mod(random(), num_partitions as usize) as u32,
            1 => candidates[0],
            n => loop {
                let pick = candidates[non_negative_mod(random(), n)];
                if Some(pick) != old {
                    break pick;
                }
            },
        };
        self.current = Some(new);
        new
    }

    /// The sticky partition, if one was chosen.
    pub fn current_partition(&self) -> Option<u32> {
        self.current
    }
}

/// A per-topic Java `AtomicInteger` round-robin counter, as used by Kafka 2.3's
/// `DefaultPartitioner` (P8, seeded randomly) and by `RoundRobinPartitioner` (P9, from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundRobinCounter {
    next: i32,
}

impl RoundRobinCounter {
    /// A counter whose first value is `start`.
    pub fn starting_at(start: i32) -> Self {
        Self { next: start }
    }

    /// The counter value the next call will use.
    pub fn peek(&self) -> i32 {
        self.next
    }

    /// Takes the next counter value (wrapping like a Java `int`) and maps it to
    /// `available[toPositive(value) % available.len()]`, or to `toPositive(value) % num_partitions`
    /// when no partition has a leader.
    pub fn next_partition(&mut self, available: &[bool], num_partitions: u32) -> u32 {
        let value = self.next;
        self.next = self.next.wrapping_add(1);
        let positive = to_positive(value);
        let candidates = available_partitions(available, num_partitions);
        if candidates.is_empty() {
            non_negative_mod(positive, num_partitions as usize) as u32
        } else {
            candidates[non_negative_mod(positive, candidates.len())]
        }
    }
}

/// A record sent down UniformSticky's sticky path, with the cluster view of that send, which
/// Kafka uses again if the append forces a switch.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PendingAppend {
    partition: u32,
    num_partitions: u32,
    available: Vec<bool>,
}

/// Partitioning state one producer keeps for one topic.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TopicState {
    /// UniformSticky.
    built_in: BuiltInPartitioner,
    /// UniformSticky: the record that took the sticky path and whose append has not been
    /// reported yet. Only such appends count towards the sticky batch, as in Kafka, where keyed
    /// and explicit appends pass no `StickyPartitionInfo`.
    awaiting_append: Option<PendingAppend>,
    /// LegacySticky.
    sticky_cache: StickyPartitionCache,
    /// LegacyRoundRobin and RoundRobin; created on first use, as Kafka creates its counters.
    counter: Option<RoundRobinCounter>,
}

/// One producer's partitioning state: per topic, the sticky partition and the bytes produced to
/// it, or the round-robin counter, depending on [`PartitionerKind`].
///
/// Call [`partition`](Self::partition) for each record, then [`on_append`](Self::on_append)
/// once it is appended. See the module documentation for the batching model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerPartitioner {
    config: PartitionerConfig,
    /// Keyed by topic name; a `VecMap` so nothing depends on hash iteration order.
    topics: VecMap<String, TopicState>,
}

impl ProducerPartitioner {
    /// A producer's partitioner with no state yet.
    pub fn new(config: PartitionerConfig) -> Self {
        Self {
            config,
            topics: VecMap::new(),
        }
    }

    /// The configuration this partitioner was built with.
    pub fn config(&self) -> &PartitionerConfig {
        &self.config
    }

    /// The current sticky partition of `topic` (UniformSticky and LegacySticky), if any.
    pub fn sticky_partition(&self, topic: &str) -> Option<u32> {
        let state = self.topics.get(topic)?;
        match self.config.kind {
            PartitionerKind::UniformSticky => state.built_in.current_partition(),
            PartitionerKind::LegacySticky => state.sticky_cache.current_partition(),
            PartitionerKind::LegacyRoundRobin | PartitionerKind::RoundRobin => None,
        }
    }

    fn topic_state(&mut self, topic: &str) -> &mut TopicState {
        let batch_size = self.config.batch_size;
        // Looked up before inserting, so the name is copied only for a new topic (this runs
        // for every record).
        if !self.topics.contains_key(topic) {
            self.topics.insert(
                topic.to_owned(),
                TopicState {
                    built_in: BuiltInPartitioner::new(batch_size),
                    awaiting_append: None,
                    sticky_cache: StickyPartitionCache::default(),
                    counter: None,
                },
            );
        }
        self.topics.get_mut(topic).expect("inserted above")
    }

    /// Chooses the partition for one record of `topic`, following P5: an `explicit` partition
    /// wins (it is returned as given; checking it exists is the caller's job); then a configured
    /// [`PartitionerKind::RoundRobin`]; then the murmur2 hash of the serialized `key` (unless
    /// `ignore_keys` with UniformSticky); then the sticky or legacy logic of the kind.
    ///
    /// `available[p]` tells whether partition `p` has a leader (missing entries count as `true`;
    /// pass `&[]` when all have). Keyed records ignore it (P4). Adaptive weighting uses the
    /// statistics last given to [`update_load_stats`](Self::update_load_stats).
    ///
    /// # Panics
    ///
    /// Panics if `num_partitions` is zero.
    pub fn partition(
        &mut self,
        topic: &str,
        key: Option<&[u8]>,
        explicit: Option<u32>,
        num_partitions: u32,
        available: &[bool],
        rng: &mut SimRng,
    ) -> u32 {
        assert!(num_partitions > 0, "a topic has at least one partition");
        let kind = self.config.kind;
        let ignore_keys = self.config.ignore_keys;
        let state = self.topic_state(topic);
        state.awaiting_append = None;
        let mut random = || rng.next_positive_i32();

        match kind {
            PartitionerKind::UniformSticky => {
                if let Some(p) = explicit {
                    return p;
                }
                if let (Some(key), false) = (key, ignore_keys) {
                    return partition_for_key(key, num_partitions);
                }
                let built_in = &mut state.built_in;
                built_in.peek_current_partition(available, num_partitions, &mut random);
                // The sender drained the sticky partition's queue since the last record, so all
                // its batches are "full": complete a switch the last append had to defer
                // (RecordAccumulator.partitionChanged).
                built_in.update_partition_info(0, true, available, num_partitions, &mut random);
                let partition =
                    built_in.peek_current_partition(available, num_partitions, &mut random);
                state.awaiting_append = Some(PendingAppend {
                    partition,
                    num_partitions,
                    available: available.to_vec(),
                });
                partition
            }
            PartitionerKind::LegacySticky => {
                // DefaultPartitioner: explicit, else hash, else the sticky partition.
                let fixed = explicit.or_else(|| key.map(|k| partition_for_key(k, num_partitions)));
                let cache = &mut state.sticky_cache;
                let first = match fixed {
                    Some(p) => p,
                    None => cache.partition(available, num_partitions, &mut random),
                };
                // Every send opens a new batch (the queue was drained), so doSend calls
                // onNewBatch with the first choice and partitions the record again.
                cache.next_partition(Some(first), available, num_partitions, &mut random);
                match fixed {
                    Some(p) => p,
                    None => cache.partition(available, num_partitions, &mut random),
                }
            }
            PartitionerKind::LegacyRoundRobin => {
                if let Some(p) = explicit {
                    return p;
                }
                if let Some(key) = key {
                    return partition_for_key(key, num_partitions);
                }
                // The counter starts at ThreadLocalRandom.nextInt(), any int.
                let counter = state
                    .counter
                    .get_or_insert_with(|| RoundRobinCounter::starting_at(rng.next_u32() as i32));
                counter.next_partition(available, num_partitions)
            }
            PartitionerKind::RoundRobin => {
                if let Some(p) = explicit {
                    return p;
                }
                let counter = state
                    .counter
                    .get_or_insert(RoundRobinCounter::starting_at(0));
                // The first answer is discarded: the append finds no open batch, onNewBatch does
                // nothing, and KafkaProducer asks the partitioner again (KAFKA-9965).
                counter.next_partition(available, num_partitions);
                counter.next_partition(available, num_partitions)
            }
        }
    }

    /// Tells the partitioner that `bytes` were appended to `partition` of `topic`.
    ///
    /// Only UniformSticky keeps byte counts, and only for the record [`partition`](Self::partition)
    /// last sent down the sticky path for that topic; other appends are ignored, as Kafka
    /// ignores keyed and explicit records here. The record's batch is taken to be not yet full,
    /// so this switches only once `2 × batch.size` bytes were produced; the usual switch after
    /// `batch.size` bytes happens when the next record without a key is partitioned.
    pub fn on_append(&mut self, topic: &str, partition: u32, bytes: u32, rng: &mut SimRng) {
        if self.config.kind != PartitionerKind::UniformSticky {
            return;
        }
        let Some(state) = self.topics.get_mut(topic) else {
            return;
        };
        let Some(pending) = state.awaiting_append.take() else {
            return;
        };
        if pending.partition != partition {
            return;
        }
        let mut random = || rng.next_positive_i32();
        state.built_in.update_partition_info(
            bytes,
            false,
            &pending.available,
            pending.num_partitions,
            &mut random,
        );
    }

    /// Gives UniformSticky the queue sizes of `topic`'s partitions for adaptive partitioning, as
    /// `RecordAccumulator.ready()` does on every sender pass (`updatePartitionLoadStats`).
    ///
    /// `queue_sizes[p]` is the number of batches queued for partition `p`; `None` means no
    /// statistics (Kafka has none until every partition has had a batch). Partitions without a
    /// leader (`available[p] == false`) are left out of the choice. Ignored unless the kind is
    /// UniformSticky and `adaptive` is on. The weights apply from the next switch on.
    pub fn update_load_stats(
        &mut self,
        topic: &str,
        queue_sizes: Option<&[u32]>,
        available: &[bool],
    ) {
        let use_stats = self.config.kind == PartitionerKind::UniformSticky && self.config.adaptive;
        let stats = match (use_stats, queue_sizes) {
            (true, Some(sizes)) => {
                let count = u32::try_from(sizes.len()).unwrap_or(u32::MAX);
                let ids = available_partitions(available, count);
                let chosen: Vec<u32> = ids.iter().map(|&p| sizes[p as usize]).collect();
                PartitionLoadStats::from_queue_sizes(&chosen, &ids, sizes.len())
            }
            _ => None,
        };
        self.topic_state(topic).built_in.set_load_stats(stats);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's tests replace the random draw with 0, 1, 2, …; so do these.
    fn sequential() -> impl FnMut() -> i32 {
        let mut next = 0;
        move || {
            next += 1;
            next - 1
        }
    }

    fn producer(kind: PartitionerKind, batch_size: u32) -> ProducerPartitioner {
        ProducerPartitioner::new(PartitionerConfig {
            kind,
            batch_size,
            ..PartitionerConfig::default()
        })
    }

    /// Sends `count` records without a key to `topic`, reporting each append of `bytes` bytes.
    fn send_unkeyed(
        p: &mut ProducerPartitioner,
        topic: &str,
        count: usize,
        bytes: u32,
        num_partitions: u32,
        available: &[bool],
        rng: &mut SimRng,
    ) -> Vec<u32> {
        (0..count)
            .map(|_| {
                let part = p.partition(topic, None, None, num_partitions, available, rng);
                p.on_append(topic, part, bytes, rng);
                part
            })
            .collect()
    }

    fn histogram(partitions: &[u32], num_partitions: u32) -> Vec<usize> {
        let mut counts = vec![0; num_partitions as usize];
        for &p in partitions {
            counts[p as usize] += 1;
        }
        counts
    }

    #[test]
    fn p1_keyed_partition_is_positive_murmur2_modulo_partition_count() {
        // murmur2("21") = -973932308, toPositive = 1173551340; 1173551340 % 3 = 0.
        assert_eq!(partition_for_key(b"21", 3), 1_173_551_340 % 3);
        assert_eq!(partition_for_key(b"abc", 7), 479_470_107 % 7);
    }

    #[test]
    fn p10_string_keys_hash_their_utf8_bytes() {
        // murmur2([0xc3, 0xa9]) = 186971271, from an independent port of Utils.murmur2.
        assert_eq!(
            partition_for_key("é".as_bytes(), 1_000_000_000),
            186_971_271
        );
    }

    #[test]
    fn p1_same_key_always_lands_on_the_same_partition() {
        for n in 1..=64 {
            let p = partition_for_key(b"order-42", n);
            assert!(p < n);
            assert_eq!(p, partition_for_key(b"order-42", n));
        }
    }

    #[test]
    fn p11_partitioner_config_defaults_match_kafka() {
        let config = PartitionerConfig::default();
        assert_eq!(config.kind, PartitionerKind::UniformSticky);
        assert_eq!(config.batch_size, 16_384);
        assert!(!config.ignore_keys);
        assert!(config.adaptive);
        assert_eq!(
            serde_json::to_string(&PartitionerKind::LegacyRoundRobin).unwrap(),
            "\"legacy-round-robin\""
        );
        let parsed: PartitionerConfig = serde_json::from_str(r#"{"kind":"round-robin"}"#).unwrap();
        assert_eq!(parsed.kind, PartitionerKind::RoundRobin);
        assert_eq!(parsed.batch_size, 16_384);
    }

    // ---- P5: precedence -------------------------------------------------------------------

    const ALL_KINDS: [PartitionerKind; 4] = [
        PartitionerKind::UniformSticky,
        PartitionerKind::LegacySticky,
        PartitionerKind::LegacyRoundRobin,
        PartitionerKind::RoundRobin,
    ];

    #[test]
    fn p5_explicit_partition_wins_for_every_kind() {
        for kind in ALL_KINDS {
            let mut p = producer(kind, 16_384);
            let mut rng = SimRng::new(5);
            for _ in 0..20 {
                let got = p.partition("t", Some(b"order-42"), Some(2), 6, &[], &mut rng);
                assert_eq!(got, 2, "{kind:?}");
                let got = p.partition("t", None, Some(4), 6, &[], &mut rng);
                assert_eq!(got, 4, "{kind:?}");
            }
        }
    }

    #[test]
    fn p5_p4_keys_are_hashed_by_every_kind_but_round_robin_even_to_leaderless_partitions() {
        let expected = partition_for_key(b"order-42", 5);
        for kind in ALL_KINDS {
            let mut p = producer(kind, 16_384);
            let mut rng = SimRng::new(9);
            let got: Vec<u32> = (0..10)
                .map(|_| p.partition("t", Some(b"order-42"), None, 5, &[false; 5], &mut rng))
                .collect();
            if kind == PartitionerKind::RoundRobin {
                assert_eq!(histogram(&got, 5), vec![2; 5], "round robin ignores keys");
            } else {
                assert_eq!(got, vec![expected; 10], "{kind:?}");
            }
        }
    }

    #[test]
    fn p5_ignore_keys_sends_keyed_records_to_the_sticky_partition() {
        let mut p = ProducerPartitioner::new(PartitionerConfig {
            ignore_keys: true,
            ..PartitionerConfig::default()
        });
        let mut rng = SimRng::new(11);
        let sticky = p.partition("t", None, None, 64, &[], &mut rng);
        for i in 0..50u32 {
            let key = format!("key-{i}");
            let got = p.partition("t", Some(key.as_bytes()), None, 64, &[], &mut rng);
            p.on_append("t", got, 10, &mut rng);
            assert_eq!(got, sticky, "keyed records follow the sticky partition");
        }
        assert_eq!(p.topics["t"].built_in.produced_bytes(), 500);
    }

    #[test]
    fn p5_ignore_keys_does_not_affect_configured_partitioners() {
        let mut p = ProducerPartitioner::new(PartitionerConfig {
            kind: PartitionerKind::LegacyRoundRobin,
            ignore_keys: true,
            ..PartitionerConfig::default()
        });
        let mut rng = SimRng::new(1);
        let got = p.partition("t", Some(b"abc"), None, 7, &[], &mut rng);
        assert_eq!(got, partition_for_key(b"abc", 7));
    }

    // ---- P6: BuiltInPartitioner (Kafka 3.3+) -------------------------------------------------

    #[test]
    fn p6_test_sticky_partitioning_switches_after_batch_size() {
        // BuiltInPartitionerTest.testStickyPartitioning: a sticky batch of 3 one-byte records.
        let mut random = sequential();
        let mut a = BuiltInPartitioner::new(3);
        let part_a = a.peek_current_partition(&[], 3, &mut random);
        assert!(!a.update_partition_info(1, true, &[], 3, &mut random));
        assert_eq!(a.peek_current_partition(&[], 3, &mut random), part_a);
        assert!(!a.update_partition_info(1, true, &[], 3, &mut random));
        assert_eq!(a.peek_current_partition(&[], 3, &mut random), part_a);
        assert!(a.update_partition_info(1, true, &[], 3, &mut random));
        assert_ne!(a.peek_current_partition(&[], 3, &mut random), part_a);

        // Switching also works with a single partition.
        let mut b = BuiltInPartitioner::new(1);
        for _ in 0..10 {
            assert_eq!(b.peek_current_partition(&[], 1, &mut random), 0);
            b.update_partition_info(1, true, &[], 1, &mut random);
        }
    }

    #[test]
    fn p6_unavailable_partitions_test_never_picks_a_leaderless_partition() {
        // BuiltInPartitionerTest.unavailablePartitionsTest, with a sticky batch of 1 byte.
        let mut rng = SimRng::new(2024);
        let mut random = || rng.next_positive_i32();

        let topic_a = [true, false, true];
        let mut a = BuiltInPartitioner::new(1);
        let part_a = a.peek_current_partition(&topic_a, 3, &mut random);
        a.update_partition_info(1, true, &topic_a, 3, &mut random);
        assert_ne!(part_a, 1);
        let mut found_another = false;
        for _ in 0..100 {
            let another = a.peek_current_partition(&topic_a, 3, &mut random);
            a.update_partition_info(1, true, &topic_a, 3, &mut random);
            assert_ne!(another, 1);
            found_another |= another != part_a;
        }
        assert!(found_another, "expected a partition other than {part_a}");

        let topic_b = [false, true];
        let mut b = BuiltInPartitioner::new(1);
        for _ in 0..100 {
            assert_eq!(b.peek_current_partition(&topic_b, 2, &mut random), 1);
            b.update_partition_info(1, true, &topic_b, 2, &mut random);
        }

        // With no partition available, one is still chosen among all of them.
        let topic_c = [false];
        let mut c = BuiltInPartitioner::new(1);
        assert_eq!(c.peek_current_partition(&topic_c, 1, &mut random), 0);
        c.update_partition_info(1, true, &topic_c, 1, &mut random);
        assert_eq!(c.peek_current_partition(&topic_c, 1, &mut random), 0);
    }

    #[test]
    fn p6_adaptive_partitions_test_frequencies_follow_queue_sizes() {
        // BuiltInPartitionerTest.adaptivePartitionsTest: queue sizes {5,0,3,0,1} give weights
        // max + 1 - size = {1,6,3,6,5}; two full cycles of sequential draws hit each partition
        // exactly twice its weight.
        let queue_sizes = [5, 0, 3, 0, 1];
        let ids = [0, 1, 2, 3, 4];
        let stats = PartitionLoadStats::from_queue_sizes(&queue_sizes, &ids, 5).unwrap();
        assert_eq!(stats.cumulative_frequencies(), &[1, 7, 10, 16, 21]);

        let mut built_in = BuiltInPartitioner::new(1);
        built_in.set_load_stats(Some(stats));
        let cycles = 2;
        let iterations = built_in.load_stats().unwrap().range_end() * cycles;
        let mut random = sequential();
        let mut frequencies = [0u64; 5];
        for _ in 0..iterations {
            let p = built_in.peek_current_partition(&[], 5, &mut random);
            frequencies[p as usize] += 1;
            built_in.update_partition_info(1, true, &[], 5, &mut random);
        }
        assert_eq!(frequencies, [2, 12, 6, 12, 10]);
    }

    #[test]
    fn p6_adaptive_cumulative_frequency_table_and_binary_search() {
        // The worked example in BuiltInPartitioner: sizes 0 3 1 -> weights 4 1 3 -> 4 5 8;
        // draws 0..=3 pick the first, 4 the second, 5..=7 the third, and 8 wraps to the first.
        let stats = PartitionLoadStats::from_queue_sizes(&[0, 3, 1], &[10, 11, 12], 3).unwrap();
        assert_eq!(stats.cumulative_frequencies(), &[4, 5, 8]);
        assert_eq!(stats.range_end(), 8);
        let picks: Vec<u32> = (0..9).map(|r| stats.choose(r)).collect();
        assert_eq!(picks, vec![10, 10, 10, 10, 11, 12, 12, 12, 10]);
        assert_eq!(stats.choose(i32::MAX), stats.choose(i32::MAX % 8));
    }

    #[test]
    fn p6_adaptive_is_off_where_kafka_turns_it_off() {
        // All queues equal and none left out: uniform, no table.
        assert_eq!(
            PartitionLoadStats::from_queue_sizes(&[2, 2, 2], &[0, 1, 2], 3),
            None
        );
        // Fewer than two partitions, or none to choose from.
        assert_eq!(PartitionLoadStats::from_queue_sizes(&[4], &[0], 1), None);
        assert_eq!(PartitionLoadStats::from_queue_sizes(&[], &[], 3), None);
        // Equal queues but a leaderless partition left out: the table is used, without it.
        let stats = PartitionLoadStats::from_queue_sizes(&[0, 0], &[0, 2], 3).unwrap();
        assert_eq!(stats.cumulative_frequencies(), &[1, 2]);
        assert_eq!(
            (0..4).map(|r| stats.choose(r)).collect::<Vec<_>>(),
            [0, 2, 0, 2]
        );
    }

    #[test]
    fn p6_test_sticky_batch_size_more_than_zero() {
        // BuiltInPartitionerTest.testStickyBatchSizeMoreThatZero: Kafka rejects 0 there, and
        // KafkaProducer never passes it (max(1, batch.size)); here 0 acts as 1.
        let mut random = sequential();
        let mut zero = BuiltInPartitioner::new(0);
        zero.peek_current_partition(&[], 4, &mut random);
        assert!(zero.update_partition_info(1, true, &[], 4, &mut random));
        assert_eq!(zero, {
            let mut one = BuiltInPartitioner::new(1);
            let mut random = sequential();
            one.peek_current_partition(&[], 4, &mut random);
            one.update_partition_info(1, true, &[], 4, &mut random);
            one
        });
    }

    #[test]
    fn p6_test_uniform_built_in_partitioner_waits_for_a_full_batch() {
        // RecordAccumulatorTest.testUniformBuiltInPartitioner at the partitioner level, with the
        // accumulator's batch states written out: batch.size 1024, sequential draws.
        let mut random = sequential();
        let draws = std::cell::Cell::new(0);
        let mut counted = || {
            draws.set(draws.get() + 1);
            random()
        };
        let mut b = BuiltInPartitioner::new(1024);
        // A small record: the first draw picks partition 0; its batch is not full.
        assert_eq!(b.peek_current_partition(&[], 3, &mut counted), 0);
        b.update_partition_info(80, false, &[], 3, &mut counted);
        // A large record does not fit: the small batch is closed (now full), no switch below
        // the limit; the large one opens a batch that is not full, so the switch is disabled.
        b.update_partition_info(0, true, &[], 3, &mut counted);
        assert_eq!(b.peek_current_partition(&[], 3, &mut counted), 0);
        b.update_partition_info(1100, false, &[], 3, &mut counted);
        assert_eq!(b.current_partition(), Some(0));
        // Each further large record closes the previous batch, which completes the deferred
        // switch before it is appended.
        for expected in [1, 2, 0] {
            assert!(b.update_partition_info(0, true, &[], 3, &mut counted));
            assert_eq!(b.peek_current_partition(&[], 3, &mut counted), expected);
            b.update_partition_info(1100, false, &[], 3, &mut counted);
        }
        assert_eq!(draws.get(), 4);
    }

    #[test]
    fn p6_switch_is_forced_at_twice_the_batch_size() {
        let mut random = sequential();
        let mut b = BuiltInPartitioner::new(100);
        b.peek_current_partition(&[], 3, &mut random);
        for _ in 0..3 {
            assert!(!b.update_partition_info(60, false, &[], 3, &mut random));
        }
        assert_eq!(b.produced_bytes(), 180);
        assert!(b.update_partition_info(60, false, &[], 3, &mut random));
        assert_eq!(b.current_partition(), Some(1));
        assert_eq!(b.produced_bytes(), 0);
    }

    #[test]
    fn p6_sticky_partitioning_switches_after_batch_size() {
        // Producer level: one-byte records and batch.size 3. The partition may change only
        // before records 3, 6, 9, … (the random draw may pick the same partition again).
        let mut p = producer(PartitionerKind::UniformSticky, 3);
        let mut rng = SimRng::new(42);
        let parts = send_unkeyed(&mut p, "t", 300, 1, 4, &[], &mut rng);
        let mut switches = 0;
        for i in 1..parts.len() {
            if parts[i] != parts[i - 1] {
                assert_eq!(i % 3, 0, "switched before record {i}: {parts:?}");
                switches += 1;
            }
        }
        assert!(switches > 50, "only {switches} switches");
        assert_eq!(p.sticky_partition("t"), parts.last().copied());
        assert!(histogram(&parts, 4).iter().all(|&n| n > 40));
    }

    #[test]
    fn p6_one_partition_topic_always_gets_partition_0() {
        let mut p = producer(PartitionerKind::UniformSticky, 1);
        let mut rng = SimRng::new(3);
        assert_eq!(
            send_unkeyed(&mut p, "t", 20, 5, 1, &[], &mut rng),
            vec![0; 20]
        );
        // Kafka draws even when there is one partition: once for the first sticky partition,
        // then once per append, as 5 bytes are past twice the 1-byte batch and force a switch.
        let mut replay = SimRng::new(3);
        for _ in 0..21 {
            replay.next_positive_i32();
        }
        assert_eq!(rng.next_u64(), replay.next_u64());
    }

    #[test]
    fn p6_keyed_and_explicit_appends_do_not_count_toward_the_sticky_batch() {
        let mut p = producer(PartitionerKind::UniformSticky, 3);
        let mut rng = SimRng::new(8);
        let sticky = p.partition("t", None, None, 3, &[], &mut rng);
        p.on_append("t", sticky, 1, &mut rng);
        for _ in 0..5 {
            let explicit = p.partition("t", None, Some(sticky), 3, &[], &mut rng);
            p.on_append("t", explicit, 1000, &mut rng);
            let keyed = p.partition("t", Some(b"k"), None, 3, &[], &mut rng);
            p.on_append("t", keyed, 1000, &mut rng);
            // An append reported for another partition than the one chosen does not count either.
            let unkeyed = p.partition("t", None, None, 3, &[], &mut rng);
            assert_eq!(unkeyed, sticky);
            p.on_append("t", (sticky + 1) % 3, 1000, &mut rng);
        }
        assert_eq!(p.topics["t"].built_in.produced_bytes(), 1);
        assert_eq!(p.sticky_partition("t"), Some(sticky));
    }

    #[test]
    fn p6_append_of_twice_the_batch_size_switches_at_once() {
        let mut p = producer(PartitionerKind::UniformSticky, 10);
        let mut rng = SimRng::new(4);
        let first = p.partition("t", None, None, 3, &[], &mut rng);
        p.on_append("t", first, 15, &mut rng);
        assert_eq!(
            p.topics["t"].built_in.produced_bytes(),
            15,
            "switch deferred"
        );
        let second = p.partition("t", None, None, 3, &[], &mut rng);
        assert_eq!(p.topics["t"].built_in.produced_bytes(), 0, "switched");
        p.on_append("t", second, 25, &mut rng);
        assert_eq!(p.topics["t"].built_in.produced_bytes(), 0, "forced switch");
    }

    #[test]
    fn p6_producer_never_picks_a_leaderless_partition() {
        let mut p = producer(PartitionerKind::UniformSticky, 1);
        let mut rng = SimRng::new(77);
        let available = [true, false, true];
        let parts = send_unkeyed(&mut p, "t", 200, 1, 3, &available, &mut rng);
        let counts = histogram(&parts, 3);
        assert_eq!(counts[1], 0);
        assert!(counts[0] > 60 && counts[2] > 60, "{counts:?}");
        // No partition has a leader: choose among all.
        let parts = send_unkeyed(&mut p, "u", 300, 1, 3, &[false; 3], &mut rng);
        assert!(histogram(&parts, 3).iter().all(|&n| n > 60));
    }

    #[test]
    fn p6_producer_adaptive_choice_follows_queue_sizes() {
        let mut p = producer(PartitionerKind::UniformSticky, 1);
        let mut rng = SimRng::new(123);
        p.update_load_stats("t", Some(&[5, 0, 3, 0, 1]), &[]);
        let parts = send_unkeyed(&mut p, "t", 21_000, 1, 5, &[], &mut rng);
        let counts = histogram(&parts, 5);
        for (count, weight) in counts.iter().zip([1, 6, 3, 6, 5]) {
            let expected = 1000 * weight;
            assert!(count.abs_diff(expected) < expected / 10, "{counts:?}");
        }
        // A leaderless partition is left out of the table; None drops the table.
        p.update_load_stats("t", Some(&[0, 0, 9, 0]), &[true, false, true, true]);
        let table = p.topics["t"].built_in.load_stats().unwrap().clone();
        assert_eq!(table.cumulative_frequencies(), &[10, 11, 21]);
        p.update_load_stats("t", None, &[]);
        assert_eq!(p.topics["t"].built_in.load_stats(), None);
    }

    #[test]
    fn p6_stale_load_stats_never_name_a_missing_partition() {
        let mut p = producer(PartitionerKind::UniformSticky, 1);
        let mut rng = SimRng::new(21);
        // Statistics for 4 partitions that favour partition 3, then the topic has only 2.
        p.update_load_stats("t", Some(&[9, 9, 9, 0]), &[]);
        let parts = send_unkeyed(&mut p, "t", 200, 1, 2, &[], &mut rng);
        assert!(parts.iter().all(|&part| part < 2), "{parts:?}");
    }

    #[test]
    fn p6_load_stats_are_ignored_without_adaptive_partitioning() {
        let mut off = ProducerPartitioner::new(PartitionerConfig {
            adaptive: false,
            ..PartitionerConfig::default()
        });
        off.update_load_stats("t", Some(&[5, 0, 3]), &[]);
        assert_eq!(off.topics["t"].built_in.load_stats(), None);
        let mut legacy = producer(PartitionerKind::LegacySticky, 16_384);
        legacy.update_load_stats("t", Some(&[5, 0, 3]), &[]);
        assert_eq!(legacy.topics["t"].built_in.load_stats(), None);
    }

    // ---- P7: StickyPartitionCache (Kafka 2.4–3.2) -------------------------------------------

    #[test]
    fn p7_test_sticky_partition_cache() {
        // StickyPartitionCacheTest.testStickyPartitionCache.
        let mut rng = SimRng::new(31);
        let mut random = || rng.next_positive_i32();
        let mut a = StickyPartitionCache::default();
        let mut b = StickyPartitionCache::default();

        let part_a = a.partition(&[], 3, &mut random);
        assert_eq!(a.partition(&[], 3, &mut random), part_a);
        let part_b = b.partition(&[], 1, &mut random);
        assert_eq!(b.partition(&[], 1, &mut random), part_b);

        let changed_a = a.next_partition(Some(part_a), &[], 3, &mut random);
        assert_eq!(a.partition(&[], 3, &mut random), changed_a);
        assert_ne!(changed_a, part_a);
        // The batch was for a partition that is no longer the sticky one: no change.
        assert_eq!(
            a.next_partition(Some(part_a), &[], 3, &mut random),
            changed_a
        );
        assert_eq!(a.partition(&[], 3, &mut random), changed_a);

        // A single partition still works.
        let changed_b = b.next_partition(Some(part_b), &[], 1, &mut random);
        assert_eq!(changed_b, b.partition(&[], 1, &mut random));
        assert_eq!(changed_b, 0);
    }

    #[test]
    fn p7_unavailable_partitions_test() {
        // StickyPartitionCacheTest.unavailablePartitionsTest.
        let mut rng = SimRng::new(32);
        let mut random = || rng.next_positive_i32();

        let topic_a = [true, false, true];
        let mut a = StickyPartitionCache::default();
        let mut part_a = a.partition(&topic_a, 3, &mut random);
        assert_ne!(part_a, 1);
        for _ in 0..100 {
            part_a = a.next_partition(Some(part_a), &topic_a, 3, &mut random);
            assert_ne!(a.partition(&topic_a, 3, &mut random), 1);
        }

        let topic_b = [false, true];
        let mut b = StickyPartitionCache::default();
        let mut part_b = b.partition(&topic_b, 2, &mut random);
        assert_eq!(part_b, 1);
        for _ in 0..100 {
            part_b = b.next_partition(Some(part_b), &topic_b, 2, &mut random);
            assert_eq!(b.partition(&topic_b, 2, &mut random), 1);
        }

        let mut c = StickyPartitionCache::default();
        let part_c = c.partition(&[false], 1, &mut random);
        assert_eq!(part_c, 0);
        assert_eq!(c.next_partition(Some(part_c), &[false], 1, &mut random), 0);
    }

    #[test]
    fn p7_legacy_sticky_moves_on_every_new_batch() {
        // Every record opens a new batch (linger.ms = 0, queue drained), so each unkeyed record
        // lands on a partition other than the previous one.
        let mut p = producer(PartitionerKind::LegacySticky, 16_384);
        let mut rng = SimRng::new(6);
        let parts = send_unkeyed(&mut p, "t", 200, 100, 4, &[], &mut rng);
        for pair in parts.windows(2) {
            assert_ne!(pair[0], pair[1], "{parts:?}");
        }
        assert!(histogram(&parts, 4).iter().all(|&n| n > 30));
        assert_eq!(p.sticky_partition("t"), parts.last().copied());
        // With a single available partition it is always that one.
        let parts = send_unkeyed(&mut p, "u", 20, 100, 3, &[false, true, false], &mut rng);
        assert_eq!(parts, vec![1; 20]);
    }

    #[test]
    fn p7_new_batch_of_a_keyed_or_explicit_record_on_the_sticky_partition_moves_it() {
        let mut p = producer(PartitionerKind::LegacySticky, 16_384);
        let mut rng = SimRng::new(13);
        // An explicit record on a fresh topic already sets a sticky partition (onNewBatch).
        assert_eq!(p.partition("t", None, Some(0), 8, &[], &mut rng), 0);
        let sticky = p.sticky_partition("t").expect("set by onNewBatch");

        let key_on = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| partition_for_key(k.as_bytes(), 8) == sticky)
            .unwrap();
        let key_off = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| partition_for_key(k.as_bytes(), 8) != sticky)
            .unwrap();
        assert_ne!(
            p.partition("t", Some(key_off.as_bytes()), None, 8, &[], &mut rng),
            sticky
        );
        assert_eq!(
            p.sticky_partition("t"),
            Some(sticky),
            "other partition: no change"
        );
        assert_eq!(
            p.partition("t", Some(key_on.as_bytes()), None, 8, &[], &mut rng),
            sticky
        );
        let moved = p.sticky_partition("t").unwrap();
        assert_ne!(
            moved, sticky,
            "a new batch on the sticky partition moves it"
        );
        assert_eq!(p.partition("t", None, Some(moved), 8, &[], &mut rng), moved);
        assert_ne!(p.sticky_partition("t"), Some(moved));
    }

    // ---- P8: DefaultPartitioner up to Kafka 2.3 -------------------------------------------

    #[test]
    fn p8_legacy_round_robin_30_sends_over_3_partitions_gives_10_each() {
        // DefaultPartitionerTest.testRoundRobin (2.3.0): topic B is used every fifth send and
        // must not disturb topic A's counter.
        let mut p = producer(PartitionerKind::LegacyRoundRobin, 16_384);
        let mut rng = SimRng::new(99);
        let mut parts = Vec::new();
        for i in 0..30 {
            parts.push(p.partition("topicA", None, None, 3, &[], &mut rng));
            if i % 5 == 0 {
                assert_eq!(p.partition("topicB", None, None, 1, &[], &mut rng), 0);
            }
        }
        assert_eq!(histogram(&parts, 3), vec![10, 10, 10]);
        for pair in parts.windows(2) {
            assert_eq!(pair[1], (pair[0] + 1) % 3, "{parts:?}");
        }
    }

    #[test]
    fn p8_test_round_robin_with_unavailable_partitions() {
        // DefaultPartitionerTest.testRoundRobinWithUnavailablePartitions (2.3.0): partition 1 has
        // no leader; 100 sends split evenly over 0 and 2.
        let mut p = producer(PartitionerKind::LegacyRoundRobin, 16_384);
        let mut rng = SimRng::new(100);
        let parts: Vec<u32> = (0..100)
            .map(|_| p.partition("test", None, None, 3, &[true, false, true], &mut rng))
            .collect();
        assert_eq!(histogram(&parts, 3), vec![50, 0, 50]);
    }

    #[test]
    fn p8_test_key_partition_is_stable() {
        // DefaultPartitionerTest.testKeyPartitionIsStable; keyed records leave the counter alone.
        let mut p = producer(PartitionerKind::LegacyRoundRobin, 16_384);
        let mut rng = SimRng::new(7);
        p.partition("test", None, None, 3, &[], &mut rng);
        let counter = p.topics["test"].counter.unwrap().peek();
        let first = p.partition("test", Some(b"key"), None, 3, &[], &mut rng);
        assert_eq!(first, partition_for_key(b"key", 3));
        assert_eq!(
            p.partition("test", Some(b"key"), None, 3, &[], &mut rng),
            first
        );
        assert_eq!(p.topics["test"].counter.unwrap().peek(), counter);
    }

    #[test]
    fn p8_counter_wraps_like_a_java_int_through_to_positive() {
        // toPositive(i32::MAX) % 3 = 1, toPositive(i32::MIN) = 0; toPositive(-2) = i32::MAX - 1,
        // which is 0 mod 3 where abs(-2) would give 2.
        let mut at_max = RoundRobinCounter::starting_at(i32::MAX);
        let parts: Vec<u32> = (0..3).map(|_| at_max.next_partition(&[], 3)).collect();
        assert_eq!(parts, vec![1, 0, 1]);
        assert_eq!(at_max.peek(), i32::MIN + 2);
        let mut at_minus_two = RoundRobinCounter::starting_at(-2);
        let parts: Vec<u32> = (0..4)
            .map(|_| at_minus_two.next_partition(&[], 3))
            .collect();
        assert_eq!(parts, vec![0, 1, 0, 1]);
        // No partition has a leader: the counter runs over all partitions.
        let mut none = RoundRobinCounter::starting_at(0);
        let parts: Vec<u32> = (0..4)
            .map(|_| none.next_partition(&[false; 3], 3))
            .collect();
        assert_eq!(parts, vec![0, 1, 2, 0]);
    }

    #[test]
    fn p8_counter_starts_at_a_random_int() {
        let starts: Vec<i32> = (0..8)
            .map(|seed| {
                let mut p = producer(PartitionerKind::LegacyRoundRobin, 16_384);
                p.partition("t", None, None, 3, &[], &mut SimRng::new(seed));
                p.topics["t"].counter.unwrap().peek().wrapping_sub(1)
            })
            .collect();
        assert!(starts.iter().any(|&s| s < 0), "{starts:?}");
        assert!(starts.windows(2).all(|w| w[0] != w[1]), "{starts:?}");
    }

    // ---- P9: RoundRobinPartitioner -------------------------------------------------------

    #[test]
    fn p9_test_round_robin_with_unavailable_partitions() {
        // RoundRobinPartitionerTest.testRoundRobinWithUnavailablePartitions, calling the
        // partitioner itself once per record as the Kafka test does.
        let mut counter = RoundRobinCounter::starting_at(0);
        let parts: Vec<u32> = (0..100)
            .map(|_| counter.next_partition(&[true, false, true], 3))
            .collect();
        assert_eq!(histogram(&parts, 3), vec![50, 0, 50]);
    }

    #[test]
    fn p9_test_round_robin_with_null_key_bytes() {
        // RoundRobinPartitionerTest.testRoundRobinWithNullKeyBytes, one call per record.
        let mut topic_a = RoundRobinCounter::starting_at(0);
        let mut topic_b = RoundRobinCounter::starting_at(0);
        let mut parts = Vec::new();
        for i in 0..30 {
            parts.push(topic_a.next_partition(&[], 3));
            if i % 5 == 0 {
                assert_eq!(topic_b.next_partition(&[], 1), 0);
            }
        }
        assert_eq!(parts[..4], [0, 1, 2, 0]);
        assert_eq!(histogram(&parts, 3), vec![10, 10, 10]);
    }

    #[test]
    fn p9_test_round_robin_with_key_bytes() {
        // RoundRobinPartitionerTest.testRoundRobinWithKeyBytes through the producer: the counter
        // moves twice per record, which still covers 3 partitions evenly.
        let mut p = producer(PartitionerKind::RoundRobin, 16_384);
        let mut rng = SimRng::new(0);
        let mut parts = Vec::new();
        for i in 0..30 {
            parts.push(p.partition("topicA", Some(b"key"), None, 3, &[], &mut rng));
            if i % 5 == 0 {
                p.partition("topicB", Some(b"key"), None, 1, &[], &mut rng);
            }
        }
        assert_eq!(parts[..4], [1, 0, 2, 1]);
        assert_eq!(histogram(&parts, 3), vec![10, 10, 10]);
    }

    #[test]
    fn p9_kafka_16283_producer_skips_every_other_partition() {
        // Each send needs a new batch, so KafkaProducer asks the partitioner twice and keeps the
        // second answer: with an even number of partitions, half of them never get a record.
        let mut p = producer(PartitionerKind::RoundRobin, 16_384);
        let mut rng = SimRng::new(0);
        let parts = send_unkeyed(&mut p, "t", 40, 100, 4, &[], &mut rng);
        assert_eq!(histogram(&parts, 4), vec![0, 20, 0, 20]);
        let parts = send_unkeyed(&mut p, "u", 10, 100, 3, &[true, false, true], &mut rng);
        assert_eq!(parts, vec![2; 10]);
    }

    #[test]
    fn p9_explicit_partition_leaves_the_counter_alone() {
        let mut p = producer(PartitionerKind::RoundRobin, 16_384);
        let mut rng = SimRng::new(0);
        assert_eq!(p.partition("t", None, None, 3, &[], &mut rng), 1);
        assert_eq!(p.partition("t", None, Some(0), 3, &[], &mut rng), 0);
        assert_eq!(p.partition("t", None, None, 3, &[], &mut rng), 0);
    }

    // ---- Determinism ---------------------------------------------------------------------

    #[test]
    fn the_same_seed_gives_the_same_partitions_for_every_kind() {
        let run = |kind: PartitionerKind, seed: u64| {
            let mut p = producer(kind, 50);
            let mut rng = SimRng::new(seed);
            let mut parts = Vec::new();
            for i in 0..200u32 {
                let key = (i % 3 == 0).then(|| i.to_be_bytes());
                let part = p.partition("t", key.as_ref().map(|k| &k[..]), None, 6, &[], &mut rng);
                p.on_append("t", part, 20, &mut rng);
                parts.push(part);
            }
            parts
        };
        for kind in ALL_KINDS {
            assert_eq!(run(kind, 1), run(kind, 1), "{kind:?}");
        }
        assert_ne!(
            run(PartitionerKind::UniformSticky, 1),
            run(PartitionerKind::UniformSticky, 2)
        );
    }
}

//! A checker that watches every delivery and commit and names anomalies the way Jepsen's
//! Kafka checker does (`lost-write`, `duplicate`, `poll-skip`, `nonmonotonic-poll`, …).
//!
//! It separates **violations** (what Kafka promises never happens; a violation means the
//! simulation is wrong) from **allowed anomalies** (what the configuration permits, such as
//! duplicates after a consumer fails before committing, C5). It never panics; it records.
//!
//! Per group and partition it keeps a bitmap of processed offsets, so memory grows by one
//! bit per record and group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assignor::TopicPartition;
use crate::vec_map::VecMap;

/// One anomaly the checker found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    /// Jepsen-style name, e.g. `lost-write`.
    pub kind: String,
    /// Consumer group.
    pub group: String,
    /// `topic-partition`.
    pub partition: String,
    /// The offset concerned.
    pub offset: u64,
    /// Virtual time, ms.
    pub at_ms: u64,
    /// Why it happened or why it is wrong.
    pub detail: String,
}

/// What a group's listener saw, and the anomalies its configuration allows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupGuarantees {
    /// Records processed (first time).
    pub processed: u64,
    /// Records processed again after a redelivery (C5): allowed under at-least-once.
    pub duplicates: u64,
    /// Records never processed because the position jumped past them on purpose
    /// (`auto.offset.reset=latest`, retention, an offset reset).
    pub skipped: u64,
    /// Deliveries in which the listener threw.
    pub failed_deliveries: u64,
    /// Records the default recoverer logged and skipped.
    pub recovered: u64,
    /// Records published to a dead-letter topic.
    pub dead_lettered: u64,
    /// Redeliveries an idempotent listener recognised and ignored.
    pub duplicates_suppressed: u64,
    /// Records processed after a later record of the same key and partition (non-blocking
    /// retries give up per-key order, N5).
    pub ordering_violations: u64,
    /// Records never processed because their offsets were committed before processing and
    /// the consumer failed (at-most-once).
    pub lost: u64,
}

/// Anomalies of one key in one group: the guarantee monitor's per-key view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAnomalies {
    /// Records of this key processed again after a redelivery.
    pub duplicates: u64,
    /// Deliveries of this key's records in which the listener threw.
    pub failed_deliveries: u64,
    /// Records of this key published to a dead-letter topic.
    pub dead_lettered: u64,
    /// Records of this key processed after a later record of the same key.
    pub ordering_violations: u64,
}

/// Most keys the per-key monitor follows per group; later keys are counted in the group
/// totals only.
pub const MAX_MONITORED_KEYS: usize = 1_000;

#[derive(Clone, Debug, Default)]
struct PartitionTrack {
    /// Bit `o` set when offset `o` was processed at least once.
    processed: Vec<u64>,
    /// Offsets below this were checked against commits (or skipped on purpose).
    verified_upto: u64,
}

impl PartitionTrack {
    fn is_set(&self, offset: u64) -> bool {
        let (word, bit) = ((offset / 64) as usize, offset % 64);
        self.processed
            .get(word)
            .is_some_and(|w| w & (1 << bit) != 0)
    }

    fn set(&mut self, offset: u64) -> bool {
        let (word, bit) = ((offset / 64) as usize, offset % 64);
        if self.processed.len() <= word {
            self.processed.resize(word + 1, 0);
        }
        let was = self.processed[word] & (1 << bit) != 0;
        self.processed[word] |= 1 << bit;
        was
    }
}

/// Most violations kept in detail (all are counted).
const MAX_KEPT: usize = 1_000;

/// The checker's state.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Offsets processed, one track per group and partition.
    tracks: Vec<PartitionTrack>,
    /// Where each group's partitions' tracks are (nested so lookups need no allocation).
    track_ids: VecMap<String, VecMap<TopicPartition, usize>>,
    guarantees: VecMap<String, GroupGuarantees>,
    violations: Vec<Anomaly>,
    violation_count: u64,
    /// Fetch positions per consumer and partition: the next offset a poll must start at.
    expected_fetch: VecMap<usize, VecMap<TopicPartition, u64>>,
    /// Groups that commit before processing (at-most-once): losses there are allowed.
    at_most_once: crate::vec_map::VecSet<String>,
    /// Per group and key (as text; `null` for a null key): keys with anomalies.
    keys: VecMap<String, VecMap<String, KeyAnomalies>>,
    /// Per main group, key and original partition: the highest original offset processed.
    /// A B-tree, not a [`VecMap`]: one entry per key, and a producer may use a million keys.
    order: BTreeMap<(String, String, Option<Vec<u8>>), u64>,
}

impl Checker {
    /// Violations found so far (the first 1 000 are kept in detail).
    pub fn violations(&self) -> &[Anomaly] {
        &self.violations
    }

    /// Number of violations found so far.
    pub fn violation_count(&self) -> u64 {
        self.violation_count
    }

    /// Allowed-anomaly counts per group.
    pub fn guarantees(&self) -> &VecMap<String, GroupGuarantees> {
        &self.guarantees
    }

    /// The id of the processed-offsets track of `group` on `tp`, created on first use. A fetch
    /// resolves it once, so processing each record needs no lookup.
    pub(crate) fn track_id(&mut self, group: &str, tp: &TopicPartition) -> usize {
        // One lookup of the group's name when the track exists (every commit looks one up).
        if let Some(&id) = self.track_ids.get(group).and_then(|m| m.get(tp)) {
            return id;
        }
        if !self.track_ids.contains_key(group) {
            self.track_ids.insert(group.to_owned(), VecMap::new());
        }
        let per_group = self.track_ids.get_mut(group).expect("inserted above");
        if let Some(&id) = per_group.get(tp) {
            return id;
        }
        self.tracks.push(PartitionTrack::default());
        per_group.insert(tp.clone(), self.tracks.len() - 1);
        self.tracks.len() - 1
    }

    /// The processed-offsets track of `group` on `tp`, created on first use.
    fn track(&mut self, group: &str, tp: &TopicPartition) -> &mut PartitionTrack {
        let id = self.track_id(group, tp);
        &mut self.tracks[id]
    }

    fn track_if_any(&self, group: &str, tp: &TopicPartition) -> Option<&PartitionTrack> {
        let id = *self.track_ids.get(group)?.get(tp)?;
        self.tracks.get(id)
    }

    /// The statistics of `group`, created on first use.
    fn stats(&mut self, group: &str) -> &mut GroupGuarantees {
        if !self.guarantees.contains_key(group) {
            self.guarantees
                .insert(group.to_owned(), GroupGuarantees::default());
        }
        self.guarantees.get_mut(group).expect("inserted above")
    }

    fn violation(&mut self, anomaly: Anomaly) {
        self.violation_count += 1;
        if self.violations.len() < MAX_KEPT {
            self.violations.push(anomaly);
        }
    }

    /// A consumer's position for `tp` was set (assignment, reset, seek): the next poll of
    /// that partition must start there.
    pub(crate) fn on_position(&mut self, consumer: usize, tp: &TopicPartition, offset: u64) {
        crate::consumer::set_offset(self.expected_fetch.entry(consumer).or_default(), tp, offset);
    }

    /// A consumer gave up `tp`.
    pub(crate) fn on_unassigned(&mut self, consumer: usize, tp: &TopicPartition) {
        if let Some(per_consumer) = self.expected_fetch.get_mut(&consumer) {
            per_consumer.remove(tp);
        }
    }

    /// A poll returned `count` records of `tp` starting at `from`, and the position moved to
    /// `next` (`from + count`, or further when the fetch stepped over markers or aborted
    /// records, T6: those gaps are not a `poll-skip`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_fetch(
        &mut self,
        at_ms: u64,
        group: &str,
        consumer: usize,
        tp: &TopicPartition,
        from: u64,
        count: u64,
        next: u64,
    ) {
        debug_assert!(next >= from + count);
        // The expected position is read and moved to `next` in one lookup (this runs for
        // every fetch); a partition without one gets it afterwards.
        let expected = self
            .expected_fetch
            .get_mut(&consumer)
            .and_then(|m| m.get_mut(tp))
            .map(|slot| std::mem::replace(slot, next));
        if expected.is_none() {
            crate::consumer::set_offset(self.expected_fetch.entry(consumer).or_default(), tp, next);
        }
        match expected {
            Some(expected) if from > expected => self.violation(Anomaly {
                kind: "poll-skip".into(),
                group: group.into(),
                partition: tp.to_string(),
                offset: expected,
                at_ms,
                detail: format!("a poll started at offset {from}, skipping from {expected}"),
            }),
            Some(expected) if from < expected => self.violation(Anomaly {
                kind: "nonmonotonic-poll".into(),
                group: group.into(),
                partition: tp.to_string(),
                offset: from,
                at_ms,
                detail: format!("a poll went back from {expected} to {from} without a seek"),
            }),
            Some(_) => {}
            None => self.violation(Anomaly {
                kind: "unassigned-poll".into(),
                group: group.into(),
                partition: tp.to_string(),
                offset: from,
                at_ms,
                detail: "a consumer fetched a partition it has no position for".into(),
            }),
        }
    }

    /// A fetch stepped over `offset` of `tp` on purpose: a transaction marker, or (`counts` =
    /// true) a record of an aborted transaction under read_committed, which counts as skipped.
    /// Neither is a `lost-write` when a later commit passes it.
    pub(crate) fn on_skipped(
        &mut self,
        group: &str,
        tp: &TopicPartition,
        offset: u64,
        counts: bool,
    ) {
        let again = self.track(group, tp).set(offset);
        if counts && !again {
            self.stats(group).skipped += 1;
        }
    }

    /// The listener finished `offset` of `tp` in `group`.
    /// Returns whether it had been processed before (a duplicate).
    pub(crate) fn on_processed(&mut self, group: &str, tp: &TopicPartition, offset: u64) -> bool {
        let track = self.track_id(group, tp);
        self.on_processed_in(track, group, offset)
    }

    /// Like [`Checker::on_processed`], with the track already resolved by [`Checker::track_id`].
    pub(crate) fn on_processed_in(&mut self, track: usize, group: &str, offset: u64) -> bool {
        let again = self.tracks[track].set(offset);
        let count = |stats: &mut GroupGuarantees| {
            if again {
                stats.duplicates += 1;
            } else {
                stats.processed += 1;
            }
        };
        // This runs for every record: one lookup of the group's name, not the two of
        // `stats`, when the group has statistics already.
        match self.guarantees.get_mut(group) {
            Some(stats) => count(stats),
            None => count(self.stats(group)),
        }
        again
    }

    /// The per-key monitor: keys of `group` with anomalies, by key text.
    pub fn key_anomalies(&self, group: &str) -> Option<&VecMap<String, KeyAnomalies>> {
        self.keys.get(group)
    }

    /// Counts an anomaly of `key` in `group` (at most [`MAX_MONITORED_KEYS`] keys a group).
    pub(crate) fn on_key(
        &mut self,
        group: &str,
        key: Option<&[u8]>,
        update: impl FnOnce(&mut KeyAnomalies),
    ) {
        let text = key.map_or_else(|| "null".to_owned(), crate::log::bytes_to_text);
        let per_group = self.keys.entry(group.to_owned()).or_default();
        if let Some(stats) = per_group.get_mut(&text) {
            update(stats);
        } else if per_group.len() < MAX_MONITORED_KEYS {
            update(per_group.entry(text).or_default());
        }
    }

    /// The group's position moved to `offset` on purpose (reset policy, retention, a user's
    /// reset): records below it that were never processed count as skipped, not lost.
    pub(crate) fn on_skip_to(&mut self, group: &str, tp: &TopicPartition, offset: u64) {
        let track = self.track(group, tp);
        let mut skipped = 0;
        for o in track.verified_upto..offset {
            if !track.is_set(o) {
                skipped += 1;
            }
        }
        track.verified_upto = track.verified_upto.max(offset);
        self.stats(group).skipped += skipped;
    }

    /// Marks `group` as committing before processing: its commits run ahead of processing,
    /// and records a failure skips are counted as lost, not as violations.
    pub(crate) fn set_at_most_once(&mut self, group: &str) {
        self.at_most_once.insert(group.to_owned());
    }

    /// An at-most-once group resumes `tp` at its committed `offset`: records below it that
    /// were never processed are lost, as that configuration allows.
    pub(crate) fn on_resume_at_most_once(&mut self, group: &str, tp: &TopicPartition, offset: u64) {
        let track = self.track(group, tp);
        let lost = (track.verified_upto..offset)
            .filter(|&o| !track.is_set(o))
            .count() as u64;
        track.verified_upto = track.verified_upto.max(offset);
        self.stats(group).lost += lost;
    }

    /// A record was handled without being processed (recovered, forwarded to a retry topic,
    /// or recognised as a duplicate): committing past it is not a lost write.
    pub(crate) fn on_processed_quietly(&mut self, group: &str, tp: &TopicPartition, offset: u64) {
        self.track(group, tp).set(offset);
    }

    /// The listener threw.
    pub(crate) fn on_failed_delivery(&mut self, group: &str) {
        self.stats(group).failed_deliveries += 1;
    }

    /// The default recoverer logged and skipped a record.
    pub(crate) fn on_recovered(&mut self, group: &str) {
        self.stats(group).recovered += 1;
    }

    /// A record reached a dead-letter topic.
    pub(crate) fn on_dead_letter(&mut self, group: &str) {
        self.stats(group).dead_lettered += 1;
    }

    /// An idempotent listener ignored a record it had processed before.
    pub(crate) fn on_duplicate_suppressed(&mut self, group: &str) {
        self.stats(group).duplicates_suppressed += 1;
    }

    /// `own_group` processes `record` from `tp` for the first time or again; per key, records
    /// of one original partition should be processed in offset order.
    pub(crate) fn on_order(
        &mut self,
        main_group: &str,
        own_group: &str,
        tp: &TopicPartition,
        record: &crate::log::Record,
    ) {
        let first_time = !self
            .track_if_any(own_group, tp)
            .is_some_and(|t| t.is_set(record.offset));
        let (original_partition, original_offset) = original_position(record, tp);
        let key = (
            main_group.to_owned(),
            original_partition,
            record.key.clone(),
        );
        let last = self.order.entry(key).or_insert(original_offset);
        if original_offset < *last {
            if first_time {
                self.stats(main_group).ordering_violations += 1;
                self.on_key(main_group, record.key.as_deref(), |k| {
                    k.ordering_violations += 1
                });
            }
        } else {
            *last = original_offset;
        }
    }

    /// The coordinator stored `offset` for `tp`: with commits after processing, every record
    /// below it must have been processed (otherwise a `lost-write`).
    pub(crate) fn on_commit(&mut self, at_ms: u64, group: &str, tp: &TopicPartition, offset: u64) {
        if self.at_most_once.contains(group) {
            return;
        }
        let track = self.track(group, tp);
        let from = track.verified_upto;
        let missing = (from..offset).find(|&o| !track.is_set(o));
        track.verified_upto = track.verified_upto.max(offset);
        if let Some(o) = missing {
            self.violation(Anomaly {
                kind: "lost-write".into(),
                group: group.into(),
                partition: tp.to_string(),
                offset: o,
                at_ms,
                detail: format!("offset {offset} was committed but offset {o} was never processed"),
            });
        }
    }

    /// Records an engine invariant that broke (e.g. a partition owned twice in a Stable group).
    pub(crate) fn on_invariant(
        &mut self,
        at_ms: u64,
        kind: &str,
        group: &str,
        partition: String,
        detail: String,
    ) {
        self.violation(Anomaly {
            kind: kind.into(),
            group: group.into(),
            partition,
            offset: 0,
            at_ms,
            detail,
        });
    }
}

/// Where a record first entered the system: its `kafka_dlt-original-*` headers when it was
/// forwarded, else its own partition and offset.
fn original_position(record: &crate::log::Record, tp: &TopicPartition) -> (String, u64) {
    match crate::dead_letter::original_of(record) {
        Some((topic, partition, offset)) => (format!("{topic}-{partition}"), offset),
        None => (tp.to_string(), record.offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(p: u32) -> TopicPartition {
        TopicPartition {
            topic: "t".into(),
            partition: p,
        }
    }

    #[test]
    fn committing_past_an_unprocessed_record_is_a_lost_write() {
        let mut c = Checker::default();
        c.on_processed("g", &tp(0), 0);
        c.on_processed("g", &tp(0), 2);
        c.on_commit(10, "g", &tp(0), 3);
        assert_eq!(c.violation_count(), 1);
        assert_eq!(c.violations()[0].kind, "lost-write");
        assert_eq!(c.violations()[0].offset, 1);
    }

    #[test]
    fn reprocessing_counts_a_duplicate_not_a_violation() {
        let mut c = Checker::default();
        for o in [0, 1, 1, 2] {
            c.on_processed("g", &tp(0), o);
        }
        c.on_commit(5, "g", &tp(0), 3);
        assert_eq!(c.violation_count(), 0);
        assert_eq!(
            c.guarantees()["g"],
            GroupGuarantees {
                processed: 3,
                duplicates: 1,
                ..GroupGuarantees::default()
            }
        );
    }

    #[test]
    fn skips_on_purpose_are_counted_and_not_lost() {
        let mut c = Checker::default();
        c.on_skip_to("g", &tp(1), 4);
        c.on_processed("g", &tp(1), 4);
        c.on_commit(1, "g", &tp(1), 5);
        assert_eq!(c.violation_count(), 0);
        assert_eq!(c.guarantees()["g"].skipped, 4);
    }

    #[test]
    fn polls_must_continue_from_the_position() {
        let mut c = Checker::default();
        c.on_position(1, &tp(0), 5);
        c.on_fetch(0, "g", 1, &tp(0), 5, 3, 8);
        c.on_fetch(0, "g", 1, &tp(0), 9, 1, 10);
        c.on_fetch(0, "g", 1, &tp(0), 2, 1, 3);
        let kinds: Vec<&str> = c.violations().iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(kinds, ["poll-skip", "nonmonotonic-poll"]);
    }
}

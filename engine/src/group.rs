//! A consumer group as the classic group coordinator keeps it (`ClassicGroup` and
//! `ClassicGroupState` in Kafka's group-coordinator module): state, generation, protocol,
//! members, and committed offsets.
//!
//! * C8: the five states and the transitions Kafka allows between them; any other move is a
//!   bug the checker reports.
//! * C1: the consumer defaults (session timeout 45 s, heartbeat 3 s, max poll interval 5 min,
//!   500 records per poll, auto commit every 5 s, `auto.offset.reset=latest`, RangeAssignor).
//! * S1: the playground's groups are Spring listener containers by default, so offsets are
//!   committed after each poll's batch (`AckMode.BATCH`) unless auto commit is chosen.
//!
//! * T7, C7: `isolation.level` decides whether members read below the high watermark or the
//!   last stable offset, and which end offset lag is measured against.
//! * A group can forward what it processes to another topic (consume-transform-produce),
//!   with `exactly_once` in one transaction per poll, as Spring's transactional listener
//!   container does; see [`crate::consumer`].
//!
//! Follows the Kafka 3.x/4.x classic protocol. Not modelled: the consumer protocol of KIP-848,
//! offset expiry (`offsets.retention.minutes`), and group deletion.

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::assignor::{AssignorKind, TopicPartition};
use crate::json_read::{Field, Obj};
use crate::listener::ListenerConfig;
use crate::transaction::IsolationLevel;

/// Classic group states (C8), named as Kafka names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupState {
    /// No members; committed offsets may remain.
    Empty,
    /// Members are (re)joining.
    PreparingRebalance,
    /// Everyone joined; waiting for the leader's assignment.
    CompletingRebalance,
    /// Members have their assignments and consume.
    Stable,
    /// The group no longer exists.
    Dead,
}

impl GroupState {
    /// The states Kafka allows before this one (C8, `ClassicGroupState`).
    pub fn valid_previous_states(self) -> &'static [GroupState] {
        use GroupState::*;
        match self {
            Empty => &[PreparingRebalance],
            PreparingRebalance => &[Stable, CompletingRebalance, Empty],
            CompletingRebalance => &[PreparingRebalance],
            Stable => &[CompletingRebalance],
            Dead => &[Empty, PreparingRebalance, CompletingRebalance, Stable, Dead],
        }
    }

    /// Whether Kafka allows moving from `from` to `self`.
    pub fn can_follow(self, from: GroupState) -> bool {
        self.valid_previous_states().contains(&from)
    }

    /// Kafka's name for the state, as `kafka-consumer-groups --describe --state` prints it.
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }

    /// One sentence on what the state means, for tooltips.
    pub fn explanation(self) -> &'static str {
        match self {
            GroupState::Empty => {
                "No active members. Committed offsets are kept; offsets can be reset now."
            }
            GroupState::PreparingRebalance => {
                "A member joined or left: the coordinator waits for every member to rejoin."
            }
            GroupState::CompletingRebalance => {
                "All members joined: waiting for the leader to send the new assignment."
            }
            GroupState::Stable => "The assignment is settled: every member consumes what it was given (a member may be given nothing).",
            GroupState::Dead => "The group has no members and no metadata left.",
        }
    }
}

/// When the consumer commits offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitMode {
    /// `enable.auto.commit=true`: positions committed inside `poll()` every
    /// `auto.commit.interval.ms`, before a rebalance and on close (C6).
    Auto,
    /// Spring's default `AckMode.BATCH`: after all records of a poll were processed (S1).
    #[default]
    Batch,
    /// Commit after each record (`AckMode.RECORD`).
    Record,
}

impl CommitMode {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", CommitMode::Auto),
        ("batch", CommitMode::Batch),
        ("record", CommitMode::Record),
    ];

    /// Reads `"auto"`, `"batch"` or `"record"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// How the playground names the mode.
    pub fn name(self) -> &'static str {
        match self {
            CommitMode::Auto => "enable.auto.commit",
            CommitMode::Batch => "AckMode.BATCH",
            CommitMode::Record => "AckMode.RECORD",
        }
    }
}

impl OffsetResetPolicy {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("earliest", OffsetResetPolicy::Earliest),
        ("latest", OffsetResetPolicy::Latest),
        ("none", OffsetResetPolicy::None),
    ];

    /// Reads `"earliest"`, `"latest"` or `"none"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// The value as Kafka writes it.
    pub fn name(self) -> &'static str {
        match self {
            OffsetResetPolicy::Earliest => "earliest",
            OffsetResetPolicy::Latest => "latest",
            OffsetResetPolicy::None => "none",
        }
    }
}

/// `auto.offset.reset` (C2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetResetPolicy {
    /// Start from the log start offset.
    Earliest,
    /// Start from the end (Kafka's default).
    #[default]
    Latest,
    /// Fail with `NoOffsetForPartitionException`.
    None,
}

/// A group's consumer settings. Defaults are Kafka's (C1) with Spring's commit mode (S1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupConfig {
    /// `partition.assignment.strategy`: the first of Kafka's default list, RangeAssignor.
    pub assignor: AssignorKind,
    /// `session.timeout.ms`, 45 000 since Kafka 3.0 (KIP-735).
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms`, 3 000.
    pub heartbeat_interval_ms: u64,
    /// `max.poll.interval.ms`, 300 000; also the rebalance timeout the consumer sends (C10).
    pub max_poll_interval_ms: u64,
    /// `max.poll.records`, 500.
    pub max_poll_records: u32,
    /// How offsets are committed.
    pub commit_mode: CommitMode,
    /// `auto.commit.interval.ms`, 5 000 (used by [`CommitMode::Auto`]).
    pub auto_commit_interval_ms: u64,
    /// `auto.offset.reset`, `latest` by default.
    pub auto_offset_reset: OffsetResetPolicy,
    /// The broker's `group.initial.rebalance.delay.ms`, 3 000 (C9).
    pub initial_rebalance_delay_ms: u64,
    /// Time the listener spends on each record, ms.
    pub processing_time_ms: u64,
    /// Give each consumer a `group.instance.id` (its name): static membership (C15).
    pub static_membership: bool,
    /// The listener: failures, deserialization, error handling, delivery semantics.
    pub listener: ListenerConfig,
    /// `isolation.level`, `read_uncommitted` by default (C1, T7).
    pub isolation_level: IsolationLevel,
    /// Consume-transform-produce: for each record processed, send one record (same key, the
    /// value wrapped as `{"from":"topic-p@offset","value":…}`) to this topic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_to: Option<String>,
    /// With `forward_to`: each poll's batch is one transaction of a per-consumer transactional
    /// producer (`transactional.id` = `tx-` + the consumer's name), and the consumed offsets
    /// are committed with it (`sendOffsetsToTransaction`). Needs batch commits.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exactly_once: bool,
}

impl Default for GroupConfig {
    fn default() -> Self {
        Self {
            assignor: AssignorKind::Range,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            max_poll_records: 500,
            commit_mode: CommitMode::Batch,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetResetPolicy::Latest,
            initial_rebalance_delay_ms: 3_000,
            processing_time_ms: 0,
            static_membership: false,
            listener: ListenerConfig::default(),
            isolation_level: IsolationLevel::ReadUncommitted,
            forward_to: None,
            exactly_once: false,
        }
    }
}

impl GroupConfig {
    /// Reads consumer settings from parsed JSON (see [`crate::json_read`]); settings left out
    /// keep Kafka's defaults, as [`GroupConfig::default`] has them.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = GroupConfig::default();
        let ms = |name, default| o.or(name, default, Field::u64);
        Ok(GroupConfig {
            assignor: o.or("assignor", d.assignor, AssignorKind::read)?,
            session_timeout_ms: ms("session_timeout_ms", d.session_timeout_ms)?,
            heartbeat_interval_ms: ms("heartbeat_interval_ms", d.heartbeat_interval_ms)?,
            max_poll_interval_ms: ms("max_poll_interval_ms", d.max_poll_interval_ms)?,
            max_poll_records: o.or("max_poll_records", d.max_poll_records, Field::u32)?,
            commit_mode: o.or("commit_mode", d.commit_mode, CommitMode::read)?,
            auto_commit_interval_ms: ms("auto_commit_interval_ms", d.auto_commit_interval_ms)?,
            auto_offset_reset: o.or(
                "auto_offset_reset",
                d.auto_offset_reset,
                OffsetResetPolicy::read,
            )?,
            initial_rebalance_delay_ms: ms(
                "initial_rebalance_delay_ms",
                d.initial_rebalance_delay_ms,
            )?,
            processing_time_ms: ms("processing_time_ms", d.processing_time_ms)?,
            static_membership: o.or("static_membership", d.static_membership, Field::bool)?,
            listener: o.or("listener", d.listener, ListenerConfig::read)?,
            isolation_level: o.or("isolation_level", d.isolation_level, IsolationLevel::read)?,
            forward_to: o.maybe("forward_to", Field::string)?,
            exactly_once: o.or("exactly_once", d.exactly_once, Field::bool)?,
        })
    }

    /// Checks the settings against Kafka's limits and the playground's own.
    pub fn validate(&self) -> Result<(), String> {
        // Broker defaults group.min.session.timeout.ms and group.max.session.timeout.ms (C10).
        if !(6_000..=1_800_000).contains(&self.session_timeout_ms) {
            return Err(format!(
                "session.timeout.ms must be 6000–1800000 (the broker's group.min/max.session.timeout.ms), got {}",
                self.session_timeout_ms
            ));
        }
        if self.heartbeat_interval_ms == 0 || self.heartbeat_interval_ms >= self.session_timeout_ms
        {
            return Err(format!(
                "heartbeat.interval.ms must be above 0 and below session.timeout.ms ({}), got {}",
                self.session_timeout_ms, self.heartbeat_interval_ms
            ));
        }
        if !(1..=3_600_000).contains(&self.max_poll_interval_ms) {
            return Err(format!(
                "max.poll.interval.ms must be 1–3600000, got {}",
                self.max_poll_interval_ms
            ));
        }
        if !(1..=10_000).contains(&self.max_poll_records) {
            return Err(format!(
                "max.poll.records must be 1–10000, got {}",
                self.max_poll_records
            ));
        }
        if self.auto_commit_interval_ms == 0 {
            return Err("auto.commit.interval.ms must be above 0".into());
        }
        if self.initial_rebalance_delay_ms > 300_000 {
            return Err(format!(
                "group.initial.rebalance.delay.ms must be at most 300000, got {}",
                self.initial_rebalance_delay_ms
            ));
        }
        self.listener.validate()?;
        if self.processing_time_ms > 3_600_000 {
            return Err(format!(
                "processing time must be at most 3600000 ms, got {}",
                self.processing_time_ms
            ));
        }
        if self.exactly_once && self.forward_to.is_none() {
            return Err(
                "exactly_once needs forward_to: a transaction covers the records a batch sends"
                    .into(),
            );
        }
        if self.exactly_once && self.commit_mode != CommitMode::Batch {
            return Err("exactly_once commits offsets with each batch's transaction, so it needs commit mode batch (enable.auto.commit=false)".into());
        }
        Ok(())
    }
}

crate::json_read::deserialize_with_reader!(CommitMode, OffsetResetPolicy, GroupConfig);

/// Why a group exists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum GroupRole {
    /// A group the user added.
    Main,
    /// The consumers of one retry topic, created for a `@RetryableTopic` listener (N1–N4).
    RetryStage {
        /// Index of the user's group it retries for.
        main: usize,
    },
    /// The `@DltHandler` consumers of a retry chain's dead-letter topic.
    DeadLetterHandler {
        /// Index of the user's group.
        main: usize,
    },
}

impl Group {
    /// Whether every record simply succeeds: no failure rules, no deserialization checks, no
    /// idempotence bookkeeping, so delivery can skip the listener machinery.
    pub fn listener_is_plain(&self) -> bool {
        let l = &self.config.listener;
        self.role == GroupRole::Main
            && l.failures.is_empty()
            && l.value_format == crate::listener::ValueFormat::String
            && !l.idempotent
    }
}

/// A member as the coordinator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Coordinator-assigned id: `client.id` + '-' + a random UUID, as Kafka makes it.
    pub member_id: String,
    /// `group.instance.id` for static members.
    pub group_instance_id: Option<String>,
    /// Index of the consumer (in the simulation) behind this member.
    pub consumer: usize,
    /// Whether it has (re)joined in the current join phase.
    pub joined: bool,
    /// Partitions it reported owning when it joined (cooperative protocol).
    pub owned: Vec<TopicPartition>,
    /// Its assignment in the current generation.
    pub assignment: Vec<TopicPartition>,
    /// Virtual time of the last heartbeat (or join) the coordinator received, or of the last
    /// completed join phase, which restarts every member's session.
    pub last_heartbeat_ms: u64,
    /// Whether it joined after the last completed join phase (Kafka's `isNew`). While a join
    /// phase waits, the coordinator keeps members that have rejoined; a new one only for
    /// [`NEW_MEMBER_JOIN_TIMEOUT_MS`].
    pub is_new: bool,
}

/// How long the coordinator keeps a new member waiting in JoinGroup: five minutes
/// (`GroupCoordinator.NewMemberJoinTimeoutMs`; `classicGroupNewMemberJoinTimeoutMs` in the
/// Java coordinator). A member that is still there then joins again.
pub const NEW_MEMBER_JOIN_TIMEOUT_MS: u64 = 5 * 60 * 1000;

/// A consumer group as the coordinator keeps it.
#[derive(Clone, Debug)]
pub struct Group {
    /// `group.id`.
    pub id: String,
    /// Consumer settings shared by its members.
    pub config: GroupConfig,
    /// Topics the group subscribes to, sorted.
    pub topics: Vec<String>,
    /// Current state (C8).
    pub state: GroupState,
    /// Generation id: 0 before the first rebalance, +1 on each completed join phase.
    pub generation: i32,
    /// The protocol (assignor) chosen for the current generation.
    pub protocol: Option<AssignorKind>,
    /// The member whose assignor computes the assignment.
    pub leader: Option<String>,
    /// Members by member id.
    pub members: VecMap<String, Member>,
    /// Committed offsets: the next offset to read (C3).
    pub committed: VecMap<TopicPartition, u64>,
    /// The id as a shared trace name.
    pub(crate) label: crate::trace::Name,
    /// What the group is for: a user's group, or one Spring creates for retry topics.
    pub role: GroupRole,
    /// Deliveries so far of records that match a transient failure rule, by record.
    // A B-tree: records dead-lettered before their transient failures ran out stay here, so
    // it can grow with the run.
    pub(crate) failure_deliveries: std::collections::BTreeMap<(TopicPartition, u64), u32>,
    /// Ids (key and value) of records an idempotent listener processed.
    pub(crate) processed_ids: std::collections::BTreeSet<(Option<Vec<u8>>, Option<String>)>,
    /// Bumped whenever a join phase starts, so stale join-phase deadlines are ignored.
    pub(crate) join_epoch: u64,
    /// Whether the initial-rebalance delay (C9) is running.
    pub(crate) in_initial_delay: bool,
    /// Whether a member joined during the current initial-delay window.
    pub(crate) joined_during_delay: bool,
    /// Rebalance-timeout budget left for extending the initial delay.
    pub(crate) initial_delay_remaining_ms: u64,
    /// Whether the user moved the group's offsets back with a reset, so that records are
    /// processed again on purpose.
    pub(crate) rewound: bool,
}

impl Group {
    /// A new, empty group.
    pub fn new(id: String, config: GroupConfig, topics: Vec<String>) -> Self {
        let label = crate::trace::Name::from(id.as_str());
        let mut topics = topics;
        crate::order::sort(&mut topics);
        topics.dedup();
        Self {
            id,
            config,
            topics,
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: VecMap::new(),
            committed: VecMap::new(),
            label,
            role: GroupRole::Main,
            failure_deliveries: std::collections::BTreeMap::new(),
            processed_ids: Default::default(),
            join_epoch: 0,
            in_initial_delay: false,
            joined_during_delay: false,
            initial_delay_remaining_ms: 0,
            rewound: false,
        }
    }

    /// The member that owns `tp` in the current generation, if any.
    pub fn owner_of(&self, tp: &TopicPartition) -> Option<&Member> {
        self.members.values().find(|m| m.assignment.contains(tp))
    }

    /// The member with id `member_id`.
    pub fn member(&self, member_id: &str) -> Option<&Member> {
        self.members.get(member_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GroupState::*;

    #[test]
    fn c8_transitions_follow_kafka_classic_group_state() {
        assert!(PreparingRebalance.can_follow(Empty));
        assert!(PreparingRebalance.can_follow(Stable));
        assert!(PreparingRebalance.can_follow(CompletingRebalance));
        assert!(CompletingRebalance.can_follow(PreparingRebalance));
        assert!(Stable.can_follow(CompletingRebalance));
        assert!(Empty.can_follow(PreparingRebalance));
        assert!(!Stable.can_follow(PreparingRebalance));
        assert!(!Stable.can_follow(Empty));
        assert!(!CompletingRebalance.can_follow(Stable));
        assert!(!Empty.can_follow(Stable));
        for s in [Empty, PreparingRebalance, CompletingRebalance, Stable, Dead] {
            assert!(Dead.can_follow(s));
        }
    }

    #[test]
    fn c1_defaults_are_kafkas_with_springs_batch_commits() {
        let c = GroupConfig::default();
        assert_eq!(c.session_timeout_ms, 45_000);
        assert_eq!(c.heartbeat_interval_ms, 3_000);
        assert_eq!(c.max_poll_interval_ms, 300_000);
        assert_eq!(c.max_poll_records, 500);
        assert_eq!(c.auto_commit_interval_ms, 5_000);
        assert_eq!(c.auto_offset_reset, OffsetResetPolicy::Latest);
        assert_eq!(c.assignor, AssignorKind::Range);
        assert_eq!(c.initial_rebalance_delay_ms, 3_000);
        assert_eq!(c.commit_mode, CommitMode::Batch);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn c10_session_timeout_must_lie_within_the_brokers_bounds() {
        let c = GroupConfig {
            session_timeout_ms: 5_999,
            ..GroupConfig::default()
        };
        assert!(c.validate().unwrap_err().contains("6000–1800000"));
    }
}

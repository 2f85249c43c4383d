//! Guided lessons: a preset [`Scenario`], a few narrated [`Step`]s, and experiments
//! ([`Try`]) whose outcome a [`Check`] verifies against the running [`Simulation`].
//!
//! Lessons are data. The page loads them on demand from `public/lessons/<id>.json`, listed in
//! teaching order by `public/lessons/index.json` (a list of [`IndexEntry`]), so adding a
//! lesson grows neither the engine nor the page. Each lesson follows one section of the seed
//! document (the tutorial on asynchronous messaging with Kafka and Spring Boot) and says which
//! in [`Lesson::section`].
//!
//! A step opens by running the preset to [`Step::run_to_ms`]. A step's [`Try`] asks the user
//! to do something; its [`Try::solution`] is the list of commands that does it, at absolute
//! virtual times, and its [`Check`] tells the page (and the tests) when the user got there.
//! The engine's tests prove, for every built-in lesson, that each check does not hold before
//! its solution and holds [`Try::settle_ms`] after it.
//!
//! Checks read the simulation through its public API only (groups, consumers, topics, logs
//! and the checker's per-group statistics), in Kafka's vocabulary: group states are named as
//! `ClassicGroupState` names them (C8) and lag is measured as `kafka-consumer-groups` does (C7).

use serde::Serialize;

use crate::json_read::{Field, Obj};

use crate::consumer::{ConsumerStatus, MemberPhase};
use crate::group::GroupState;
use crate::scenario::{Scenario, MAX_SCRIPT_MS};
use crate::sim::{CommandError, ScriptEntry, Simulation};

/// Most steps a lesson may have: a lesson is one sitting, not a course.
pub const MAX_STEPS: usize = 12;
/// Latest virtual time a step may open at: ten minutes, so the page replays any step quickly.
pub const MAX_RUN_TO_MS: u64 = 10 * 60_000;
/// Longest lesson id, in bytes (ids are file names).
pub const MAX_ID_LEN: usize = 40;
/// Longest lesson or step title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;
/// Longest summary, in characters: one line in the lesson list.
pub const MAX_SUMMARY_CHARS: usize = 200;
/// Longest step narration, in characters: a few short paragraphs.
pub const MAX_TEXT_CHARS: usize = 1_600;
/// Longest prompt of a [`Try`], in characters.
pub const MAX_PROMPT_CHARS: usize = 300;
/// Most commands a [`Try::solution`] may hold.
pub const MAX_SOLUTION_COMMANDS: usize = 10;
/// How long a check waits after the solution's last command unless the lesson says otherwise.
pub const DEFAULT_SETTLE_MS: u64 = 30_000;
/// Longest [`Try::settle_ms`]: two minutes of virtual time.
pub const MAX_SETTLE_MS: u64 = 120_000;
/// Most entries of a lesson's concept table.
pub const MAX_CONCEPTS: usize = 12;
/// Longest concept term, in characters.
pub const MAX_TERM_CHARS: usize = 40;
/// Longest concept meaning, in characters.
pub const MAX_MEANING_CHARS: usize = 200;
/// Longest lesson file accepted, in bytes.
pub const MAX_LESSON_BYTES: usize = 64 * 1024;

/// One line of `public/lessons/index.json`: which lessons exist, in teaching order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexEntry {
    /// The lesson's id, which is also its file name without `.json`.
    pub id: String,
    /// Its title, as in the lesson file.
    pub title: String,
    /// Its one-line summary, as in the lesson file.
    pub summary: String,
}

/// A guided lesson.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lesson {
    /// `[a-z0-9-]`, at most [`MAX_ID_LEN`] bytes; the file is `public/lessons/<id>.json`.
    pub id: String,
    /// Title shown in the lesson list and above the steps.
    pub title: String,
    /// One line saying what the lesson shows.
    pub summary: String,
    /// The seed document's section the lesson covers, by its heading.
    pub section: String,
    /// The preset: an ordinary scenario (version 1), which the page loads when the lesson
    /// opens and which may script actions of its own.
    pub scenario: Scenario,
    /// The narration, in order; 1–[`MAX_STEPS`] steps.
    pub steps: Vec<Step>,
    /// A table of the concepts the lesson teaches, each pointing at the live entity that
    /// embodies it in the preset (the page shows it in the inspector). Often empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<Concept>,
}

/// One row of a lesson's concept table: a term, what it means, and where it is in the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concept {
    /// The term, as Kafka names it ("Consumer group").
    pub term: String,
    /// What it is, in one or two sentences.
    pub meaning: String,
    /// The entity of the preset that shows it.
    pub entity: crate::inspect::Entity,
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// A short heading.
    pub title: String,
    /// A few short paragraphs of plain text, separated by blank lines. May name the
    /// scenario's topics, producers, groups and consumers.
    pub text: String,
    /// Where the simulation should be when the step opens: the page runs the preset to this
    /// virtual time. `None` leaves the simulation where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_to_ms: Option<u64>,
    /// An experiment for the user, if the step has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub try_this: Option<Try>,
}

/// An experiment: what to do, how the page knows it worked, and how to do it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Try {
    /// What the user should do in the playground, in one or two sentences.
    pub prompt: String,
    /// What holds once they did it.
    pub check: Check,
    /// Commands that do it, at absolute virtual times no earlier than the step's
    /// `run_to_ms` and in time order (the page's "show me").
    pub solution: Vec<ScriptEntry>,
    /// How long after the solution's last command the check is expected to hold, in virtual
    /// ms; [`DEFAULT_SETTLE_MS`] when left out, at most [`MAX_SETTLE_MS`].
    pub settle_ms: u64,
}

/// A per-group counter of the checker's ([`crate::checker::GroupGuarantees`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStat {
    /// Records processed for the first time.
    Processed,
    /// Records processed again after a redelivery (at-least-once, C5).
    Duplicates,
    /// Records jumped over on purpose (`auto.offset.reset=latest`, an offset reset, aborted
    /// records and markers under read_committed).
    Skipped,
    /// Deliveries in which the listener (or its deserializer) threw.
    FailedDeliveries,
    /// Records published to a dead-letter topic.
    DeadLettered,
    /// Redeliveries an idempotent listener recognised and ignored.
    DuplicatesSuppressed,
}

impl GroupStat {
    /// The counter's name in a sentence after the number `n`.
    pub fn describe(self, n: u64) -> &'static str {
        let (one, many) = match self {
            GroupStat::Processed => ("processed record", "processed records"),
            GroupStat::Duplicates => (
                "duplicate (a record processed again)",
                "duplicates (records processed again)",
            ),
            GroupStat::Skipped => ("skipped record", "skipped records"),
            GroupStat::FailedDeliveries => ("failed delivery", "failed deliveries"),
            GroupStat::DeadLettered => ("dead-lettered record", "dead-lettered records"),
            GroupStat::DuplicatesSuppressed => (
                "redelivery ignored by the idempotent listener",
                "redeliveries ignored by the idempotent listener",
            ),
        };
        plural(n, one, many)
    }

    fn of(self, g: &crate::checker::GroupGuarantees) -> u64 {
        match self {
            GroupStat::Processed => g.processed,
            GroupStat::Duplicates => g.duplicates,
            GroupStat::Skipped => g.skipped,
            GroupStat::FailedDeliveries => g.failed_deliveries,
            GroupStat::DeadLettered => g.dead_lettered,
            GroupStat::DuplicatesSuppressed => g.duplicates_suppressed,
        }
    }
}

/// A counter of a message queue beside the cluster ([`crate::queue::Queue`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueStat {
    /// Messages published.
    Published,
    /// Messages acknowledged, and so deleted.
    Deleted,
    /// Redeliveries after a worker crashed.
    Redelivered,
    /// Messages a worker finished after a later one with the same key.
    OutOfOrder,
    /// Messages on the broker now (ready and unacknowledged).
    Depth,
}

impl QueueStat {
    const NAMES: &'static [(&'static str, QueueStat)] = &[
        ("published", QueueStat::Published),
        ("deleted", QueueStat::Deleted),
        ("redelivered", QueueStat::Redelivered),
        ("out_of_order", QueueStat::OutOfOrder),
        ("depth", QueueStat::Depth),
    ];

    /// The counter's name in a sentence after the number `n`.
    pub fn describe(self, n: u64) -> &'static str {
        let (one, many) = match self {
            QueueStat::Published => ("published message", "published messages"),
            QueueStat::Deleted => (
                "message deleted on acknowledgement",
                "messages deleted on acknowledgement",
            ),
            QueueStat::Redelivered => ("redelivered message", "redelivered messages"),
            QueueStat::OutOfOrder => (
                "message finished out of key order",
                "messages finished out of key order",
            ),
            QueueStat::Depth => (
                "message waiting on the broker",
                "messages waiting on the broker",
            ),
        };
        plural(n, one, many)
    }

    fn of(self, q: &crate::queue::Queue) -> u64 {
        match self {
            QueueStat::Published => q.published,
            QueueStat::Deleted => q.deleted,
            QueueStat::Redelivered => q.redelivered,
            QueueStat::OutOfOrder => q.out_of_order,
            QueueStat::Depth => q.depth() as u64,
        }
    }

    /// Reads a counter's snake_case name.
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

/// A counter of a synchronous call chain beside the cluster ([`crate::call_chain::CallChain`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStat {
    /// Requests answered successfully.
    Succeeded,
    /// Requests failed by a timeout somewhere in the chain.
    Failed,
    /// Requests the client refused because its threads were all waiting.
    Refused,
    /// Requests waiting now.
    InFlight,
    /// The longest response time so far, ms.
    MaxResponseMs,
}

impl ChainStat {
    const NAMES: &'static [(&'static str, ChainStat)] = &[
        ("succeeded", ChainStat::Succeeded),
        ("failed", ChainStat::Failed),
        ("refused", ChainStat::Refused),
        ("in_flight", ChainStat::InFlight),
        ("max_response_ms", ChainStat::MaxResponseMs),
    ];

    /// The counter's name in a sentence after the number `n`.
    pub fn describe(self, n: u64) -> &'static str {
        let (one, many) = match self {
            ChainStat::Succeeded => ("successful request", "successful requests"),
            ChainStat::Failed => ("failed request", "failed requests"),
            ChainStat::Refused => ("refused request", "refused requests"),
            ChainStat::InFlight => ("request waiting at once", "requests waiting at once"),
            ChainStat::MaxResponseMs => {
                ("ms of longest response time", "ms of longest response time")
            }
        };
        plural(n, one, many)
    }

    fn of(self, c: &crate::call_chain::CallChain) -> u64 {
        match self {
            ChainStat::Succeeded => c.succeeded,
            ChainStat::Failed => c.failed,
            ChainStat::Refused => c.refused,
            ChainStat::InFlight => u64::from(c.in_flight),
            ChainStat::MaxResponseMs => c.max_response_ms,
        }
    }

    /// Reads a counter's snake_case name.
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

/// A condition on the simulation, which tells whether a [`Try`] succeeded. A check on a
/// group, consumer or topic that does not exist does not hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Check {
    /// The group is in this state (C8).
    GroupState {
        /// `group.id`.
        group: String,
        /// The state, named as Kafka names it (`Stable`, `Empty`, `PreparingRebalance`,
        /// `CompletingRebalance`, `Dead`).
        state: GroupState,
    },
    /// The group's generation id is at least this: that many rebalances completed.
    GenerationAtLeast {
        /// `group.id`.
        group: String,
        /// The generation.
        generation: i32,
    },
    /// Exactly this many of the group's consumers are running and hold an assignment of the
    /// current generation (an empty one counts).
    ActiveMembers {
        /// `group.id`.
        group: String,
        /// How many.
        count: u32,
    },
    /// Exactly this many of the group's active consumers own no partition at all: idle.
    IdleConsumers {
        /// `group.id`.
        group: String,
        /// How many.
        count: u32,
    },
    /// The topic holds at least this many records over all its partitions.
    TopicRecordsAtLeast {
        /// Topic name.
        topic: String,
        /// How many.
        count: u64,
    },
    /// The topic has exactly this many partitions.
    PartitionCount {
        /// Topic name.
        topic: String,
        /// How many.
        partitions: u32,
    },
    /// The group's total lag over its partitions is at least this (C7). A partition without
    /// a committed offset counts from its log start offset.
    LagAtLeast {
        /// `group.id`.
        group: String,
        /// Records.
        lag: u64,
    },
    /// One of the checker's per-group counters is at least this.
    GroupStatAtLeast {
        /// `group.id`.
        group: String,
        /// Which counter.
        stat: GroupStat,
        /// How many.
        count: u64,
    },
    /// The topic holds at least `min_records` records with this key, all in one partition.
    KeyInOnePartition {
        /// Topic name.
        topic: String,
        /// The key as text.
        key: String,
        /// Records needed, at least 1.
        min_records: u64,
    },
    /// The key's records are spread over at least this many partitions of the topic (as after
    /// partitions were added, P4).
    KeySpread {
        /// Topic name.
        topic: String,
        /// The key as text.
        key: String,
        /// Partitions.
        partitions: u32,
    },
    /// At least this many records of the topic repeat an earlier record of the same partition
    /// (same key and value): what a retrying producer without idempotence writes (T3).
    DuplicateRecordsAtLeast {
        /// Topic name.
        topic: String,
        /// How many.
        count: u64,
    },
    /// A counter of a queue beside the cluster is at least this.
    QueueStatAtLeast {
        /// The queue's name.
        queue: String,
        /// Which counter.
        stat: QueueStat,
        /// How many.
        count: u64,
    },
    /// A counter of a call chain beside the cluster is at least this.
    ChainStatAtLeast {
        /// The chain's name.
        chain: String,
        /// Which counter.
        stat: ChainStat,
        /// How many.
        count: u64,
    },
}

impl Check {
    /// Whether the condition holds in `sim` now.
    pub fn holds(&self, sim: &Simulation) -> bool {
        match self {
            Check::GroupState { group, state } => {
                sim.group(group).is_some_and(|g| g.state == *state)
            }
            Check::GenerationAtLeast { group, generation } => sim
                .group(group)
                .is_some_and(|g| g.generation >= *generation),
            Check::ActiveMembers { group, count } => {
                active_consumers(sim, group).is_some_and(|c| c.count() == *count as usize)
            }
            Check::IdleConsumers { group, count } => active_consumers(sim, group)
                .is_some_and(|c| c.filter(|c| c.assignment.is_empty()).count() == *count as usize),
            Check::TopicRecordsAtLeast { topic, count } => sim
                .topic(topic)
                .is_some_and(|t| t.partitions().iter().map(|p| p.len()).sum::<u64>() >= *count),
            Check::PartitionCount { topic, partitions } => sim
                .topic(topic)
                .is_some_and(|t| t.partition_count() == *partitions),
            Check::LagAtLeast { group, lag } => total_lag(sim, group).is_some_and(|l| l >= *lag),
            Check::GroupStatAtLeast { group, stat, count } => {
                sim.group(group).is_some()
                    && sim
                        .checker()
                        .guarantees()
                        .get(group)
                        .map_or(0, |g| stat.of(g))
                        >= *count
            }
            Check::KeyInOnePartition {
                topic,
                key,
                min_records,
            } => {
                let counts = key_counts(sim, topic, key);
                let holding: Vec<&u64> = counts.iter().filter(|n| **n > 0).collect();
                holding.len() == 1 && *holding[0] >= (*min_records).max(1)
            }
            Check::KeySpread {
                topic,
                key,
                partitions,
            } => {
                key_counts(sim, topic, key)
                    .iter()
                    .filter(|n| **n > 0)
                    .count()
                    >= *partitions as usize
            }
            Check::DuplicateRecordsAtLeast { topic, count } => {
                duplicate_records(sim, topic).is_some_and(|n| n >= *count)
            }
            Check::QueueStatAtLeast { queue, stat, count } => {
                sim.queue(queue).is_some_and(|q| stat.of(q) >= *count)
            }
            Check::ChainStatAtLeast { chain, stat, count } => {
                sim.call_chain(chain).is_some_and(|c| stat.of(c) >= *count)
            }
        }
    }

    /// The condition as a sentence, for the page's checklist.
    pub fn describe(&self) -> String {
        match self {
            Check::GroupState { group, state } => {
                format!("Group {group} is {}.", state.name())
            }
            Check::GenerationAtLeast { group, generation } => {
                format!("Group {group} has reached generation {generation} or later.")
            }
            Check::ActiveMembers { group, count } => format!(
                "Group {group} has {count} active {}.",
                plural(u64::from(*count), "member", "members")
            ),
            Check::IdleConsumers { group, count } => match count {
                0 => format!("Every active consumer of group {group} owns a partition."),
                n => format!(
                    "{n} {} of group {group} {} no partition.",
                    plural(u64::from(*n), "consumer", "consumers"),
                    if *n == 1 { "owns" } else { "own" }
                ),
            },
            Check::TopicRecordsAtLeast { topic, count } => format!(
                "Topic {topic} holds at least {count} {}.",
                plural(*count, "record", "records")
            ),
            Check::PartitionCount { topic, partitions } => format!(
                "Topic {topic} has {partitions} {}.",
                plural(u64::from(*partitions), "partition", "partitions")
            ),
            Check::LagAtLeast { group, lag } => format!(
                "Group {group} lags at least {lag} {} behind.",
                plural(*lag, "record", "records")
            ),
            Check::GroupStatAtLeast { group, stat, count } => {
                format!("Group {group} counts at least {count} {}.", stat.describe(*count))
            }
            Check::KeyInOnePartition {
                topic,
                key,
                min_records,
            } => format!(
                "Topic {topic} holds at least {min_records} {} with key {key}, all in one partition.",
                plural(*min_records, "record", "records")
            ),
            Check::KeySpread {
                topic,
                key,
                partitions,
            } => format!(
                "Records with key {key} sit in at least {partitions} {} of topic {topic}.",
                plural(u64::from(*partitions), "partition", "partitions")
            ),
            Check::DuplicateRecordsAtLeast { topic, count } => format!(
                "Topic {topic} holds at least {count} duplicate {}.",
                plural(*count, "record", "records")
            ),
            Check::QueueStatAtLeast { queue, stat, count } => {
                format!("Queue {queue} counts at least {count} {}.", stat.describe(*count))
            }
            Check::ChainStatAtLeast { chain, stat, count } => {
                format!("Call chain {chain} counts at least {count} {}.", stat.describe(*count))
            }
        }
    }

    /// Every name the check refers to must be non-empty.
    fn validate(&self) -> Result<(), String> {
        let names: Vec<&str> = match self {
            Check::GroupState { group, .. }
            | Check::GenerationAtLeast { group, .. }
            | Check::ActiveMembers { group, .. }
            | Check::IdleConsumers { group, .. }
            | Check::LagAtLeast { group, .. }
            | Check::GroupStatAtLeast { group, .. } => vec![group],
            Check::TopicRecordsAtLeast { topic, .. }
            | Check::PartitionCount { topic, .. }
            | Check::DuplicateRecordsAtLeast { topic, .. } => vec![topic],
            Check::KeyInOnePartition { topic, key, .. } | Check::KeySpread { topic, key, .. } => {
                vec![topic, key]
            }
            Check::QueueStatAtLeast { queue: name, .. }
            | Check::ChainStatAtLeast { chain: name, .. } => vec![name],
        };
        if names.iter().any(|n| n.is_empty()) {
            return Err("the check names an empty group, topic or key".into());
        }
        Ok(())
    }
}

/// `one` when `n` is 1, `many` otherwise.
pub fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The group's consumers that run and hold an assignment, or `None` without such a group.
fn active_consumers<'a>(
    sim: &'a Simulation,
    group: &str,
) -> Option<impl Iterator<Item = &'a crate::consumer::Consumer>> {
    let index = sim.groups().iter().position(|g| g.id == group)?;
    Some(sim.consumers().iter().filter(move |c| {
        c.group == index && c.status == ConsumerStatus::Running && c.phase == MemberPhase::Active
    }))
}

/// The group's lag summed over the partitions of the topics it reads (C7).
fn total_lag(sim: &Simulation, group: &str) -> Option<u64> {
    let g = sim.group(group)?;
    let mut total = 0;
    for name in &g.topics {
        let Some(topic) = sim.topic(name) else {
            continue;
        };
        for (p, log) in topic.partitions().iter().enumerate() {
            let tp = crate::assignor::TopicPartition {
                topic: name.clone(),
                partition: p as u32,
            };
            let lag = sim.lag(g, &tp).unwrap_or_else(|| {
                sim.end_offset(&tp)
                    .unwrap_or(0)
                    .saturating_sub(log.log_start_offset())
            });
            total += lag;
        }
    }
    Some(total)
}

/// Records with `key` per partition of `topic` (empty without such a topic).
fn key_counts(sim: &Simulation, topic: &str, key: &str) -> Vec<u64> {
    let Some(topic) = sim.topic(topic) else {
        return Vec::new();
    };
    topic
        .partitions()
        .iter()
        .map(|log| {
            log.range(log.log_start_offset(), log.log_end_offset())
                .filter(|r| r.control.is_none() && r.key.as_deref() == Some(key.as_bytes()))
                .count() as u64
        })
        .collect()
}

/// Records that repeat an earlier data record of the same partition, key and value.
fn duplicate_records(sim: &Simulation, topic: &str) -> Option<u64> {
    let topic = sim.topic(topic)?;
    let mut duplicates = 0;
    for log in topic.partitions() {
        let mut seen = crate::vec_map::VecSet::new();
        for record in log.range(log.log_start_offset(), log.log_end_offset()) {
            if record.control.is_none() && !seen.insert((&record.key, &record.value)) {
                duplicates += 1;
            }
        }
    }
    Some(duplicates)
}

impl Try {
    /// Applies the solution to `sim`: runs to each command's time and applies it there, as a
    /// user acting at that moment would. Stops at the first command the simulation refuses.
    pub fn apply_solution(&self, sim: &mut Simulation) -> Result<(), CommandError> {
        for entry in &self.solution {
            sim.run_until(entry.at_ms);
            sim.apply(entry.command.clone())?;
        }
        Ok(())
    }

    /// When the check is expected to hold: [`Try::settle_ms`] after the solution's last
    /// command (or after `opened_at_ms` if the solution is empty).
    pub fn settled_at_ms(&self, opened_at_ms: u64) -> u64 {
        self.solution
            .last()
            .map_or(opened_at_ms, |e| e.at_ms.max(opened_at_ms))
            + self.settle_ms
    }
}

impl Lesson {
    /// The moment step `step` opens at: the latest `run_to_ms` of it and the steps before it.
    pub fn opening_ms(&self, step: usize) -> u64 {
        self.steps[..=step]
            .iter()
            .rev()
            .find_map(|s| s.run_to_ms)
            .unwrap_or(0)
    }

    /// When Continue judges whether step `step`'s experiment was done: once its solution
    /// would have settled, and no later than the next step's moment. Later, the preset's own
    /// actions could reach the goal for the learner (its poison record in the dead-letter
    /// topic); earlier, a goal like "every consumer owns a partition" holds before the group
    /// has formed.
    pub fn goal_judged_at_ms(&self, step: usize) -> u64 {
        let opened = self.opening_ms(step);
        let settled = self.steps[step]
            .try_this
            .as_ref()
            .map_or(opened, |t| t.settled_at_ms(opened));
        match self.steps.get(step + 1) {
            Some(_) => settled.min(self.opening_ms(step + 1)),
            None => settled,
        }
    }

    /// The run that step `step` opens on when the learner arrives by its address or goes
    /// back to it: the preset, with the solution of every earlier step's experiment in its
    /// script. A step's text tells what those experiments did, so the run must have done
    /// them, whether the learner did them, skipped them or opened the step directly.
    ///
    /// Solution commands go after the preset's own commands of the same millisecond, as a
    /// learner's action applied at that moment does.
    pub fn scenario_for_step(&self, step: usize) -> Scenario {
        let mut scenario = self.scenario.clone();
        let solutions = self.steps[..step]
            .iter()
            .filter_map(|s| s.try_this.as_ref())
            .flat_map(|t| &t.solution);
        for entry in solutions {
            let at = scenario.script.partition_point(|e| e.at_ms <= entry.at_ms);
            scenario.script.insert(at, entry.clone());
        }
        scenario
    }

    /// Parses and validates a lesson file.
    pub fn from_json(text: &str) -> Result<Self, String> {
        if text.len() > MAX_LESSON_BYTES {
            return Err(format!(
                "lesson is {} bytes; the limit is {MAX_LESSON_BYTES}",
                text.len()
            ));
        }
        let value =
            crate::json_read::parse(text).map_err(|e| format!("lesson is not valid: {e}"))?;
        let lesson =
            Lesson::read(&Field::root(&value)).map_err(|e| format!("lesson is not valid: {e}"))?;
        lesson.validate()?;
        Ok(lesson)
    }

    /// Checks the id, the texts' lengths, the steps' times and solutions, and the scenario.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty()
            || self.id.len() > MAX_ID_LEN
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "lesson id {:?} must be 1–{MAX_ID_LEN} characters of a-z, 0-9 and -",
                self.id
            ));
        }
        let id = &self.id;
        bounded(&format!("lesson {id}: title"), &self.title, MAX_TITLE_CHARS)?;
        bounded(
            &format!("lesson {id}: summary"),
            &self.summary,
            MAX_SUMMARY_CHARS,
        )?;
        bounded(
            &format!("lesson {id}: section"),
            &self.section,
            MAX_TITLE_CHARS,
        )?;
        self.scenario
            .validate()
            .map_err(|e| format!("lesson {id}: scenario: {e}"))?;
        if self.concepts.len() > MAX_CONCEPTS {
            return Err(format!(
                "lesson {id} has {} concepts; the limit is {MAX_CONCEPTS}",
                self.concepts.len()
            ));
        }
        for c in &self.concepts {
            bounded(
                &format!("lesson {id}: concept term"),
                &c.term,
                MAX_TERM_CHARS,
            )?;
            bounded(
                &format!("lesson {id}: concept {}", c.term),
                &c.meaning,
                MAX_MEANING_CHARS,
            )?;
        }
        if self.steps.is_empty() || self.steps.len() > MAX_STEPS {
            return Err(format!(
                "lesson {id} has {} steps; a lesson has 1–{MAX_STEPS}",
                self.steps.len()
            ));
        }
        let mut at = 0;
        for (i, step) in self.steps.iter().enumerate() {
            let here = format!("lesson {id}, step {}", i + 1);
            bounded(&format!("{here}: title"), &step.title, MAX_TITLE_CHARS)?;
            bounded(&format!("{here}: text"), &step.text, MAX_TEXT_CHARS)?;
            if let Some(t) = step.run_to_ms {
                if t < at {
                    return Err(format!(
                        "{here}: run_to_ms {t} is earlier than the step before ({at}); steps move forward"
                    ));
                }
                if t > MAX_RUN_TO_MS {
                    return Err(format!(
                        "{here}: run_to_ms {t} is past the limit of {MAX_RUN_TO_MS} ms"
                    ));
                }
                at = t;
            }
            if let Some(try_this) = &step.try_this {
                try_this.validate(&here, at)?;
            }
        }
        Ok(())
    }
}

impl Try {
    fn validate(&self, here: &str, opened_at_ms: u64) -> Result<(), String> {
        bounded(&format!("{here}: prompt"), &self.prompt, MAX_PROMPT_CHARS)?;
        self.check.validate().map_err(|e| format!("{here}: {e}"))?;
        if self.solution.is_empty() || self.solution.len() > MAX_SOLUTION_COMMANDS {
            return Err(format!(
                "{here}: a solution has 1–{MAX_SOLUTION_COMMANDS} commands, not {}",
                self.solution.len()
            ));
        }
        let mut previous = opened_at_ms;
        for entry in &self.solution {
            if entry.at_ms < previous {
                return Err(format!(
                    "{here}: solution command at {} ms is earlier than {previous} ms (the step's run_to_ms or the command before)",
                    entry.at_ms
                ));
            }
            if entry.at_ms > MAX_SCRIPT_MS {
                return Err(format!(
                    "{here}: solution command at {} ms is past the limit of {MAX_SCRIPT_MS} ms",
                    entry.at_ms
                ));
            }
            previous = entry.at_ms;
        }
        if self.settle_ms == 0 || self.settle_ms > MAX_SETTLE_MS {
            return Err(format!(
                "{here}: settle_ms must be 1–{MAX_SETTLE_MS}, got {}",
                self.settle_ms
            ));
        }
        Ok(())
    }
}

/// A text must be non-empty and at most `max` characters.
fn bounded(what: &str, text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if text.trim().is_empty() {
        return Err(format!("{what} is empty"));
    }
    if chars > max {
        return Err(format!("{what} has {chars} characters; the limit is {max}"));
    }
    Ok(())
}

// Reading lesson files: the same lean reader as scenarios (see `crate::json_read`), so the
// page carries no derived deserializer for them. Every lesson type refuses unknown fields.

impl IndexEntry {
    /// Reads one entry of `index.json`.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(&["id", "title", "summary"])?;
        Ok(IndexEntry {
            id: o.req("id")?.string()?,
            title: o.req("title")?.string()?,
            summary: o.req("summary")?.string()?,
        })
    }

    /// Parses `index.json`: a list of entries in teaching order.
    pub fn list_from_json(text: &str) -> Result<Vec<IndexEntry>, String> {
        let value = crate::json_read::parse(text)?;
        Field::root(&value).list(IndexEntry::read)
    }
}

impl Lesson {
    /// Reads a lesson from parsed JSON, without validating it.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(&[
            "id", "title", "summary", "section", "scenario", "steps", "concepts",
        ])?;
        Ok(Lesson {
            id: o.req("id")?.string()?,
            title: o.req("title")?.string()?,
            summary: o.req("summary")?.string()?,
            section: o.req("section")?.string()?,
            scenario: Scenario::read(&o.req("scenario")?)?,
            steps: o.req("steps")?.list(Step::read)?,
            concepts: o.or("concepts", Vec::new(), |f| f.list(Concept::read))?,
        })
    }
}

impl Concept {
    /// Reads a concept table entry.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(&["term", "meaning", "entity"])?;
        Ok(Concept {
            term: o.req("term")?.string()?,
            meaning: o.req("meaning")?.string()?,
            entity: crate::inspect::Entity::read(&o.req("entity")?)?,
        })
    }
}

impl Step {
    /// Reads a step.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(&["title", "text", "run_to_ms", "try_this"])?;
        Ok(Step {
            title: o.req("title")?.string()?,
            text: o.req("text")?.string()?,
            run_to_ms: o.maybe("run_to_ms", Field::u64)?,
            try_this: o.maybe("try_this", Try::read)?,
        })
    }
}

impl Try {
    /// Reads an experiment.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        o.deny_unknown(&["prompt", "check", "solution", "settle_ms"])?;
        Ok(Try {
            prompt: o.req("prompt")?.string()?,
            check: Check::read(&o.req("check")?)?,
            solution: o.req("solution")?.list(ScriptEntry::read)?,
            settle_ms: o.or("settle_ms", DEFAULT_SETTLE_MS, Field::u64)?,
        })
    }
}

impl GroupStat {
    /// Reads a counter's snake_case name.
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(&[
            ("processed", GroupStat::Processed),
            ("duplicates", GroupStat::Duplicates),
            ("skipped", GroupStat::Skipped),
            ("failed_deliveries", GroupStat::FailedDeliveries),
            ("dead_lettered", GroupStat::DeadLettered),
            ("duplicates_suppressed", GroupStat::DuplicatesSuppressed),
        ])
    }
}

/// Reads a group state by Kafka's name.
fn read_group_state(f: &Field) -> Result<GroupState, String> {
    f.one_of(&[
        ("Empty", GroupState::Empty),
        ("PreparingRebalance", GroupState::PreparingRebalance),
        ("CompletingRebalance", GroupState::CompletingRebalance),
        ("Stable", GroupState::Stable),
        ("Dead", GroupState::Dead),
    ])
}

impl Check {
    /// The `type` of every check, as lesson files spell it.
    pub const TYPES: &'static [&'static str] = &[
        "group_state",
        "generation_at_least",
        "active_members",
        "idle_consumers",
        "topic_records_at_least",
        "partition_count",
        "lag_at_least",
        "group_stat_at_least",
        "key_in_one_partition",
        "key_spread",
        "duplicate_records_at_least",
        "queue_stat_at_least",
        "chain_stat_at_least",
    ];

    /// Reads a check: its `type` and that type's fields, nothing else.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let kind = o.tag("type")?;
        let fields: &[&str] = match kind {
            "group_state" => &["type", "group", "state"],
            "generation_at_least" => &["type", "group", "generation"],
            "active_members" | "idle_consumers" => &["type", "group", "count"],
            "topic_records_at_least" | "duplicate_records_at_least" => &["type", "topic", "count"],
            "partition_count" => &["type", "topic", "partitions"],
            "lag_at_least" => &["type", "group", "lag"],
            "group_stat_at_least" => &["type", "group", "stat", "count"],
            "key_in_one_partition" => &["type", "topic", "key", "min_records"],
            "key_spread" => &["type", "topic", "key", "partitions"],
            "queue_stat_at_least" => &["type", "queue", "stat", "count"],
            "chain_stat_at_least" => &["type", "chain", "stat", "count"],
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        };
        o.deny_unknown(fields)?;
        let text = |name| o.req(name).and_then(|f| f.string());
        let number = |name| o.req(name).and_then(|f| f.u64());
        let small = |name| o.req(name).and_then(|f| f.u32());
        Ok(match kind {
            "group_state" => Check::GroupState {
                group: text("group")?,
                state: read_group_state(&o.req("state")?)?,
            },
            "generation_at_least" => Check::GenerationAtLeast {
                group: text("group")?,
                generation: o.req("generation")?.i32()?,
            },
            "active_members" => Check::ActiveMembers {
                group: text("group")?,
                count: small("count")?,
            },
            "idle_consumers" => Check::IdleConsumers {
                group: text("group")?,
                count: small("count")?,
            },
            "topic_records_at_least" => Check::TopicRecordsAtLeast {
                topic: text("topic")?,
                count: number("count")?,
            },
            "partition_count" => Check::PartitionCount {
                topic: text("topic")?,
                partitions: small("partitions")?,
            },
            "lag_at_least" => Check::LagAtLeast {
                group: text("group")?,
                lag: number("lag")?,
            },
            "group_stat_at_least" => Check::GroupStatAtLeast {
                group: text("group")?,
                stat: GroupStat::read(&o.req("stat")?)?,
                count: number("count")?,
            },
            "key_in_one_partition" => Check::KeyInOnePartition {
                topic: text("topic")?,
                key: text("key")?,
                min_records: number("min_records")?,
            },
            "key_spread" => Check::KeySpread {
                topic: text("topic")?,
                key: text("key")?,
                partitions: small("partitions")?,
            },
            "queue_stat_at_least" => Check::QueueStatAtLeast {
                queue: text("queue")?,
                stat: QueueStat::read(&o.req("stat")?)?,
                count: number("count")?,
            },
            "chain_stat_at_least" => Check::ChainStatAtLeast {
                chain: text("chain")?,
                stat: ChainStat::read(&o.req("stat")?)?,
                count: number("count")?,
            },
            _ => Check::DuplicateRecordsAtLeast {
                topic: text("topic")?,
                count: number("count")?,
            },
        })
    }
}

crate::json_read::deserialize_with_reader!(IndexEntry, Lesson, Step, Try, GroupStat, Check);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::{GroupConfig, OffsetResetPolicy};
    use crate::sim::Command;

    /// `orders` with `partitions` partitions and a group `g` of `consumers` reading it from
    /// the earliest offset, run until the group is Stable.
    fn sim(partitions: u32, consumers: u32) -> Simulation {
        let mut sim = Simulation::new(1);
        sim.apply(Command::CreateTopic {
            name: "orders".into(),
            partitions,
            retention_ms: None,
            retention_bytes: None,
        })
        .unwrap();
        sim.apply(Command::AddGroup {
            group: "g".into(),
            topics: vec!["orders".into()],
            config: GroupConfig {
                auto_offset_reset: OffsetResetPolicy::Earliest,
                ..GroupConfig::default()
            },
            consumers,
        })
        .unwrap();
        sim.run_until(10_000);
        sim
    }

    fn produce(sim: &mut Simulation, key: &str, value: &str, partition: Option<u32>) {
        sim.apply(Command::Produce {
            topic: "orders".into(),
            key: Some(key.into()),
            value: Some(value.into()),
            partition,
            headers: Vec::new(),
        })
        .unwrap();
    }

    /// Asserts that `yes` holds and `no` does not, and that both describe themselves.
    fn contrast(sim: &Simulation, yes: Check, no: Check) {
        assert!(yes.holds(sim), "{}", yes.describe());
        assert!(!no.holds(sim), "{}", no.describe());
        assert!(yes.describe().ends_with('.') && no.describe().ends_with('.'));
    }

    #[test]
    fn checks_read_as_sentences_in_the_singular_and_the_plural() {
        let dead = |count| Check::GroupStatAtLeast {
            group: "g".into(),
            stat: GroupStat::DeadLettered,
            count,
        };
        assert_eq!(
            dead(1).describe(),
            "Group g counts at least 1 dead-lettered record."
        );
        assert_eq!(
            dead(3).describe(),
            "Group g counts at least 3 dead-lettered records."
        );
        let redelivered = Check::QueueStatAtLeast {
            queue: "q".into(),
            stat: QueueStat::Redelivered,
            count: 1,
        };
        assert_eq!(
            redelivered.describe(),
            "Queue q counts at least 1 redelivered message."
        );
        let lag = Check::LagAtLeast {
            group: "g".into(),
            lag: 1,
        };
        assert_eq!(lag.describe(), "Group g lags at least 1 record behind.");
        let spread = Check::KeySpread {
            topic: "t".into(),
            key: "k".into(),
            partitions: 2,
        };
        assert_eq!(
            spread.describe(),
            "Records with key k sit in at least 2 partitions of topic t."
        );
    }

    #[test]
    fn group_state_is_compared_by_kafkas_state_names() {
        let sim = sim(1, 1);
        let state = |state| Check::GroupState {
            group: "g".into(),
            state,
        };
        contrast(&sim, state(GroupState::Stable), state(GroupState::Empty));
        assert_eq!(state(GroupState::Stable).describe(), "Group g is Stable.");
        let json = serde_json::to_string(&state(GroupState::PreparingRebalance)).unwrap();
        assert_eq!(
            json,
            r#"{"type":"group_state","group":"g","state":"PreparingRebalance"}"#
        );
        let unknown = Check::GroupState {
            group: "nope".into(),
            state: GroupState::Stable,
        };
        assert!(!unknown.holds(&sim), "an unknown group never holds");
    }

    #[test]
    fn generation_at_least() {
        let sim = sim(1, 1);
        let at_least = |generation| Check::GenerationAtLeast {
            group: "g".into(),
            generation,
        };
        contrast(&sim, at_least(1), at_least(2));
    }

    #[test]
    fn active_members_counts_running_consumers_with_an_assignment() {
        let mut sim = sim(1, 2);
        let members = |count| Check::ActiveMembers {
            group: "g".into(),
            count,
        };
        contrast(&sim, members(2), members(1));
        sim.apply(Command::CrashConsumer {
            consumer: "g-1".into(),
        })
        .unwrap();
        contrast(&sim, members(1), members(2));
    }

    #[test]
    fn idle_consumers_own_no_partition() {
        let sim = sim(1, 2);
        let idle = |count| Check::IdleConsumers {
            group: "g".into(),
            count,
        };
        contrast(&sim, idle(1), idle(0));
        assert_eq!(
            idle(0).describe(),
            "Every active consumer of group g owns a partition."
        );
        let sim = self::sim(2, 2);
        contrast(&sim, idle(0), idle(1));
    }

    #[test]
    fn topic_records_at_least_sums_the_partitions() {
        let mut sim = sim(2, 1);
        produce(&mut sim, "a", "1", Some(0));
        produce(&mut sim, "a", "2", Some(1));
        let records = |count| Check::TopicRecordsAtLeast {
            topic: "orders".into(),
            count,
        };
        contrast(&sim, records(2), records(3));
    }

    #[test]
    fn partition_count() {
        let mut sim = sim(2, 1);
        let count = |partitions| Check::PartitionCount {
            topic: "orders".into(),
            partitions,
        };
        contrast(&sim, count(2), count(3));
        sim.apply(Command::AddPartitions {
            topic: "orders".into(),
            partitions: 3,
        })
        .unwrap();
        contrast(&sim, count(3), count(2));
    }

    #[test]
    fn lag_at_least_counts_uncommitted_partitions_from_the_log_start() {
        // No consumers: no committed offsets, so the whole log is lag.
        let mut sim = sim(2, 0);
        for i in 0..5 {
            produce(&mut sim, "a", &i.to_string(), Some(i % 2));
        }
        let lag = |lag| Check::LagAtLeast {
            group: "g".into(),
            lag,
        };
        contrast(&sim, lag(5), lag(6));
        // A consumer works through it and commits: the lag falls to zero.
        sim.apply(Command::AddConsumer { group: "g".into() })
            .unwrap();
        sim.run_for(10_000);
        contrast(&sim, lag(0), lag(1));
    }

    #[test]
    fn group_stat_at_least_reads_the_checkers_counters() {
        let mut sim = sim(1, 1);
        for i in 0..3 {
            produce(&mut sim, "a", &i.to_string(), None);
        }
        sim.run_for(1_000);
        let stat = |stat, count| Check::GroupStatAtLeast {
            group: "g".into(),
            stat,
            count,
        };
        contrast(
            &sim,
            stat(GroupStat::Processed, 3),
            stat(GroupStat::Processed, 4),
        );
        contrast(
            &sim,
            stat(GroupStat::Duplicates, 0),
            stat(GroupStat::Duplicates, 1),
        );
        assert!(!stat(GroupStat::Processed, 0).holds(&Simulation::new(1)));
    }

    #[test]
    fn key_in_one_partition_needs_enough_records_and_a_single_partition() {
        let mut sim = sim(2, 1);
        let one = |min_records| Check::KeyInOnePartition {
            topic: "orders".into(),
            key: "a".into(),
            min_records,
        };
        assert!(!one(1).holds(&sim), "no records of the key yet");
        produce(&mut sim, "a", "1", None);
        produce(&mut sim, "a", "2", None);
        produce(&mut sim, "b", "3", None);
        contrast(&sim, one(2), one(3));
        let partition = sim.topic("orders").unwrap().partitions()[0].is_empty() as u32;
        produce(&mut sim, "a", "4", Some(1 - partition));
        assert!(!one(1).holds(&sim), "now in two partitions");
    }

    #[test]
    fn key_spread_counts_the_partitions_holding_the_key() {
        let mut sim = sim(3, 1);
        let spread = |partitions| Check::KeySpread {
            topic: "orders".into(),
            key: "a".into(),
            partitions,
        };
        produce(&mut sim, "a", "1", Some(0));
        contrast(&sim, spread(1), spread(2));
        produce(&mut sim, "a", "2", Some(2));
        produce(&mut sim, "b", "3", Some(1));
        contrast(&sim, spread(2), spread(3));
    }

    #[test]
    fn duplicate_records_repeat_key_and_value_in_one_partition() {
        let mut sim = sim(2, 1);
        let dups = |count| Check::DuplicateRecordsAtLeast {
            topic: "orders".into(),
            count,
        };
        produce(&mut sim, "a", "1", Some(0));
        produce(&mut sim, "a", "1", Some(1));
        produce(&mut sim, "a", "2", Some(0));
        produce(&mut sim, "b", "1", Some(0));
        contrast(&sim, dups(0), dups(1));
        produce(&mut sim, "a", "1", Some(0));
        contrast(&sim, dups(1), dups(2));
    }

    fn lesson() -> Lesson {
        let text = r#"{
            "id": "tiny",
            "title": "Tiny",
            "summary": "One step.",
            "section": "Kafka Architecture",
            "scenario": {"version": 1, "topics": [{"name": "orders", "partitions": 1}]},
            "steps": [
                {"title": "One", "text": "A topic.", "run_to_ms": 1000,
                 "try_this": {
                    "prompt": "Add partitions.",
                    "check": {"type": "partition_count", "topic": "orders", "partitions": 2},
                    "solution": [{"at_ms": 1000, "command":
                        {"type": "add_partitions", "topic": "orders", "partitions": 2}}]
                 }}
            ]
        }"#;
        Lesson::from_json(text).unwrap()
    }

    #[test]
    fn a_lesson_parses_with_defaults_and_its_solution_achieves_its_check() {
        let lesson = lesson();
        let try_this = lesson.steps[0].try_this.as_ref().unwrap();
        assert_eq!(try_this.settle_ms, DEFAULT_SETTLE_MS);
        assert_eq!(try_this.settled_at_ms(1_000), 1_000 + DEFAULT_SETTLE_MS);
        let mut sim = lesson.scenario.build().unwrap();
        sim.run_until(1_000);
        assert!(!try_this.check.holds(&sim));
        try_this.apply_solution(&mut sim).unwrap();
        assert!(try_this.check.holds(&sim));
        let again = Lesson::from_json(&serde_json::to_string(&lesson).unwrap()).unwrap();
        assert_eq!(again, lesson);
    }

    #[test]
    fn validate_names_what_is_wrong() {
        let fails = |change: &dyn Fn(&mut Lesson), needle: &str| {
            let mut lesson = lesson();
            change(&mut lesson);
            let error = lesson.validate().unwrap_err();
            assert!(
                error.contains(needle),
                "{error:?} should mention {needle:?}"
            );
        };
        fails(&|l| l.id = "Big_Id".into(), "a-z, 0-9 and -");
        fails(&|l| l.title = " ".into(), "title is empty");
        fails(
            &|l| l.summary = "x".repeat(MAX_SUMMARY_CHARS + 1),
            "summary has",
        );
        fails(&|l| l.steps.clear(), "0 steps");
        fails(
            &|l| l.steps = vec![l.steps[0].clone(); MAX_STEPS + 1],
            "13 steps",
        );
        fails(
            &|l| l.steps[0].text = "x".repeat(MAX_TEXT_CHARS + 1),
            "text has",
        );
        fails(
            &|l| l.steps[0].run_to_ms = Some(MAX_RUN_TO_MS + 1),
            "past the limit",
        );
        fails(
            &|l| {
                let mut second = l.steps[0].clone();
                second.run_to_ms = Some(500);
                l.steps.push(second);
            },
            "earlier than the step before",
        );
        fails(
            &|l| l.steps[0].try_this.as_mut().unwrap().solution[0].at_ms = 999,
            "earlier than 1000 ms",
        );
        fails(
            &|l| l.steps[0].try_this.as_mut().unwrap().solution.clear(),
            "a solution has",
        );
        fails(
            &|l| {
                l.steps[0].try_this.as_mut().unwrap().check = Check::PartitionCount {
                    topic: String::new(),
                    partitions: 2,
                }
            },
            "step 1: the check names an empty group, topic or key",
        );
        fails(
            &|l| l.steps[0].try_this.as_mut().unwrap().settle_ms = 0,
            "settle_ms",
        );
        fails(
            &|l| l.steps[0].try_this.as_mut().unwrap().settle_ms = MAX_SETTLE_MS + 1,
            "settle_ms",
        );
        fails(
            &|l| {
                l.steps[0].try_this.as_mut().unwrap().check = Check::PartitionCount {
                    topic: String::new(),
                    partitions: 1,
                }
            },
            "empty group, topic or key",
        );
        fails(&|l| l.scenario.version = 2, "scenario");
        assert!(Lesson::from_json("{}")
            .unwrap_err()
            .starts_with("lesson is not valid"));
        assert!(Lesson::from_json(&" ".repeat(MAX_LESSON_BYTES + 1))
            .unwrap_err()
            .contains("the limit is"));
    }
}

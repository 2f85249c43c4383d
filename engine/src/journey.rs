//! Trace one record: every event of a run that concerns one record, from its send through its
//! partition and offset, the polls that fetched it, each listener attempt, back-off and
//! recovery, its dead-letter or retry copy (followed too), a redrive of that copy, the commits
//! that moved each group past it, and its deletion by retention.
//!
//! The page keeps only the newest trace events, so a record's journey is gathered by replaying
//! the scenario (deterministic, so the replay is the same run) and scanning the trace as it
//! grows, with a bound on the events replayed.

use crate::vec_map::VecSet;

use crate::scenario::{Scenario, ScenarioError};
use crate::trace::{EventKind, TraceEvent};
use crate::Simulation;

/// Events replayed between two scans of the replay's trace, which is emptied at each scan.
const CHUNK: u64 = 1_024;
/// Most events of a journey kept (a record polled again and again by a crashing consumer).
pub const MAX_STEPS: usize = 200;

/// A place a record's copies live at: topic-partition as Kafka writes it, and the offset.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    partition: String,
    offset: u64,
}

/// Follows one record through a trace, one event at a time.
#[derive(Clone, Debug)]
pub struct Follower {
    places: Vec<Place>,
    groups_past: VecSet<(String, String)>,
    deleted: VecSet<String>,
}

impl Follower {
    /// Follows the record at `offset` of `topic`'s partition `partition`.
    pub fn new(topic: &str, partition: u32, offset: u64) -> Self {
        Follower {
            places: vec![Place {
                partition: format!("{topic}-{partition}"),
                offset,
            }],
            groups_past: VecSet::new(),
            deleted: VecSet::new(),
        }
    }

    fn at(&self, partition: &str, offset: u64) -> bool {
        self.places
            .iter()
            .any(|p| p.partition == partition && p.offset == offset)
    }

    /// Whether `kind` concerns the record (or one of its copies); copies it makes are followed
    /// from then on.
    pub fn concerns(&mut self, kind: &EventKind) -> bool {
        use EventKind::*;
        match kind {
            Produced {
                topic,
                partition,
                offset,
                ..
            } => self.at(&format!("{topic}-{partition}"), *offset),
            Fetched {
                partition,
                from_offset,
                count,
                ..
            } => self.places.iter().any(|p| {
                p.partition == partition.as_str()
                    && (*from_offset..from_offset + u64::from(*count)).contains(&p.offset)
            }),
            Processed {
                partition, offset, ..
            }
            | PollFailed {
                partition, offset, ..
            }
            | ListenerFailed {
                partition, offset, ..
            }
            | BackOff {
                partition, offset, ..
            }
            | Recovered {
                partition, offset, ..
            }
            | DuplicateSkipped {
                partition, offset, ..
            } => self.at(partition.as_str(), *offset),
            DeadLettered {
                partition,
                offset,
                dead_letter_topic,
                dead_letter_partition,
                dead_letter_offset,
                ..
            } => self.copied(
                partition.as_str(),
                *offset,
                format!("{dead_letter_topic}-{dead_letter_partition}"),
                *dead_letter_offset,
            ),
            RetryScheduled {
                partition,
                offset,
                retry_topic,
                retry_partition,
                retry_offset,
                ..
            } => self.copied(
                partition.as_str(),
                *offset,
                format!("{retry_topic}-{retry_partition}"),
                *retry_offset,
            ),
            Redriven {
                from,
                topic,
                partition,
                offset,
            } => {
                let Some((from_partition, from_offset)) = from.as_str().rsplit_once('@') else {
                    return false;
                };
                let Ok(from_offset) = from_offset.parse() else {
                    return false;
                };
                self.copied(
                    from_partition,
                    from_offset,
                    format!("{topic}-{partition}"),
                    *offset,
                )
            }
            Committed {
                group,
                partition,
                offset,
                ..
            } => {
                let past = self
                    .places
                    .iter()
                    .any(|p| p.partition == partition.as_str() && p.offset < *offset);
                past && self
                    .groups_past
                    .insert((group.as_str().to_owned(), partition.as_str().to_owned()))
            }
            RetentionDeleted {
                partition,
                log_start_offset,
                ..
            } => {
                let gone = self
                    .places
                    .iter()
                    .any(|p| p.partition == partition.as_str() && p.offset < *log_start_offset);
                gone && self.deleted.insert(partition.as_str().to_owned())
            }
            _ => false,
        }
    }

    fn copied(&mut self, partition: &str, offset: u64, to: String, to_offset: u64) -> bool {
        if !self.at(partition, offset) {
            return false;
        }
        let copy = Place {
            partition: to,
            offset: to_offset,
        };
        if !self.places.contains(&copy) {
            self.places.push(copy);
        }
        true
    }
}

/// Where the record at `offset` of `topic`'s partition `partition` started: for a copy on a
/// dead-letter or retry topic, the original its `kafka_dlt-original-*` headers name (followed
/// back through copies of copies); otherwise the record itself. Tracing the original tells
/// the whole story, the copy included.
pub fn origin(sim: &Simulation, topic: &str, partition: u32, offset: u64) -> (String, u32, u64) {
    let mut at = (topic.to_owned(), partition, offset);
    // Each step goes to an older record, so a chain ends; the bound only guards bad headers.
    for _ in 0..16 {
        let original = sim
            .topic(&at.0)
            .and_then(|t| t.partition(at.1))
            .and_then(|p| p.get(at.2))
            .and_then(crate::dead_letter::original_of);
        match original {
            Some(next) if next != at => at = next,
            _ => break,
        }
    }
    at
}

/// The events of `scenario` up to `until_ms` that concern the record at `offset` of `topic`'s
/// partition `partition`, oldest first, at most [`MAX_STEPS`]; replaying at most `max_events`
/// events. The second value says whether the replay reached `until_ms`.
pub fn record_journey(
    scenario: &Scenario,
    until_ms: u64,
    topic: &str,
    partition: u32,
    offset: u64,
    max_events: u64,
) -> Result<(Vec<TraceEvent>, bool), ScenarioError> {
    let mut sim = scenario.build()?;
    let mut follower = Follower::new(topic, partition, offset);
    let mut steps = Vec::new();
    let mut ran = 0;
    let reached = loop {
        let chunk = CHUNK.min(max_events - ran);
        let done = sim.run_until_bounded(until_ms, chunk);
        ran += chunk;
        for event in sim.drain_trace() {
            if steps.len() < MAX_STEPS && follower.concerns(&event.kind) {
                steps.push(event);
            }
        }
        if done {
            break true;
        }
        if ran >= max_events {
            break false;
        }
    };
    Ok((steps, reached))
}

//! Trace one record: the replayed journey equals the record's events in the whole trace, and
//! follows a poison record into its dead-letter topic.

mod common;

use kplay_engine::group::GroupConfig;
use kplay_engine::journey::{origin, record_journey, Follower};
use kplay_engine::lesson::Lesson;
use kplay_engine::scenario::Scenario;
use kplay_engine::trace::{EventKind, TraceEvent};

fn names(events: &[TraceEvent]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| match e.kind {
            EventKind::Produced { .. } => "produced",
            EventKind::Fetched { .. } => "fetched",
            EventKind::Processed { .. } => "processed",
            EventKind::Committed { .. } => "committed",
            EventKind::ListenerFailed { .. } => "failed",
            EventKind::BackOff { .. } => "back-off",
            EventKind::DeadLettered { .. } => "dead-lettered",
            EventKind::Recovered { .. } => "recovered",
            _ => "other",
        })
        .collect()
}

/// The record's events picked from a full trace (a run that keeps every event).
fn from_full_trace(
    s: &Scenario,
    until: u64,
    topic: &str,
    partition: u32,
    offset: u64,
) -> Vec<TraceEvent> {
    let mut sim = s.build().unwrap();
    sim.run_until(until);
    let mut f = Follower::new(topic, partition, offset);
    sim.trace()
        .events()
        .filter(|e| f.concerns(&e.kind))
        .cloned()
        .collect()
}

#[test]
fn a_plain_record_is_sent_fetched_processed_and_committed_past_once_per_group() {
    let s = common::orders(11, 3, 50.0, 2, GroupConfig::default());
    let (journey, reached) =
        record_journey(&s, 20_000, "order-events", 1, 200, 10_000_000).unwrap();
    assert!(reached);
    assert_eq!(
        names(&journey),
        ["produced", "fetched", "processed", "committed"]
    );
    assert_eq!(journey, from_full_trace(&s, 20_000, "order-events", 1, 200));
    let (short, reached) = record_journey(&s, 20_000, "order-events", 1, 200, 50).unwrap();
    assert!(
        !reached && short.len() < journey.len(),
        "a bounded replay stops early"
    );
}

#[test]
fn a_poison_record_is_followed_into_its_dead_letter_topic() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../public/lessons/error-handling.json"
    ))
    .unwrap();
    let lesson = Lesson::from_json(&text).unwrap();
    let mut s = lesson.scenario.clone();
    // Run the lesson's own experiments too, so that something is dead-lettered.
    let mut sim = s.build().unwrap();
    for step in &lesson.steps {
        if let Some(t) = &step.try_this {
            t.apply_solution(&mut sim).unwrap();
        }
    }
    sim.run_for(60_000);
    let until = sim.now_ms();
    s = s.with_script_of(&sim);
    let (partition, offset) = sim
        .trace()
        .events()
        .find_map(|e| match &e.kind {
            EventKind::DeadLettered {
                partition, offset, ..
            } => Some((partition.as_str().to_owned(), *offset)),
            _ => None,
        })
        .expect("the lesson dead-letters a record");
    let (topic, p) = partition.rsplit_once('-').unwrap();
    let p: u32 = p.parse().unwrap();
    let (journey, _) = record_journey(&s, until, topic, p, offset, 10_000_000).unwrap();
    let steps = names(&journey);
    assert_eq!(steps[0], "produced", "{steps:?}");
    assert!(
        steps.contains(&"failed") && steps.contains(&"dead-lettered"),
        "{steps:?}"
    );
    let after = steps.iter().position(|s| *s == "dead-lettered").unwrap();
    let dead_letter = match &journey[after].kind {
        EventKind::DeadLettered {
            dead_letter_topic,
            dead_letter_partition,
            ..
        } => {
            format!("{dead_letter_topic}-{dead_letter_partition}")
        }
        _ => unreachable!(),
    };
    assert!(
        journey[after + 1..].iter().any(|e| matches!(&e.kind,
            EventKind::Processed { partition, .. } if partition.as_str() == dead_letter)),
        "the dead-letter copy is followed to its own reader: {steps:?}"
    );
    assert_eq!(journey, from_full_trace(&s, until, topic, p, offset));
    // Picking the dead-letter copy traces from its original: the same whole journey.
    let copy = match &journey[after].kind {
        EventKind::DeadLettered {
            dead_letter_topic,
            dead_letter_partition,
            dead_letter_offset,
            ..
        } => (
            dead_letter_topic.as_str().to_owned(),
            *dead_letter_partition,
            *dead_letter_offset,
        ),
        _ => unreachable!(),
    };
    assert_eq!(
        origin(&sim, &copy.0, copy.1, copy.2),
        (topic.to_owned(), p, offset)
    );
    assert_eq!(
        origin(&sim, topic, p, offset),
        (topic.to_owned(), p, offset),
        "an original is its own origin"
    );
    assert_eq!(
        origin(&sim, "no-such-topic", 0, 0),
        ("no-such-topic".to_owned(), 0, 0)
    );
}

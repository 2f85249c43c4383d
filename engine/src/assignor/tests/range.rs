//! Ports of Kafka's `RangeAssignorTest` (rack-less variants), Kafka trunk 4.0.0-SNAPSHOT.
//! Kafka's `assertAssignment` compares as sets, so most checks here sort first; the order
//! itself is covered by the Java vectors.

use crate::vec_map::VecMap;

use super::{member, run, sorted, static_member, topics, tp};
use crate::assignor::{AssignorKind::Range, Subscription, TopicPartition};

#[test]
fn c12_range_one_consumer_no_topic() {
    let out = run(Range, &topics(&[]), &[member("consumer1", &[])]);
    assert_eq!(out.len(), 1);
    assert!(out["consumer1"].is_empty());
}

#[test]
fn c12_range_one_consumer_nonexistent_topic() {
    let out = run(Range, &topics(&[]), &[member("consumer1", &["topic1"])]);
    assert!(out["consumer1"].is_empty());
}

#[test]
fn c13_range_one_consumer_one_topic() {
    let out = run(
        Range,
        &topics(&[("topic1", 3)]),
        &[member("consumer1", &["topic1"])],
    );
    assert_eq!(
        out["consumer1"],
        [tp("topic1", 0), tp("topic1", 1), tp("topic1", 2)]
    );
}

#[test]
fn c13_range_only_assigns_partitions_from_subscribed_topics() {
    let counts = topics(&[("topic1", 3), ("other", 3)]);
    let out = run(Range, &counts, &[member("consumer1", &["topic1"])]);
    assert_eq!(
        out["consumer1"],
        [tp("topic1", 0), tp("topic1", 1), tp("topic1", 2)]
    );
}

#[test]
fn c13_range_one_consumer_multiple_topics() {
    let counts = topics(&[("topic1", 1), ("topic2", 2)]);
    let out = run(
        Range,
        &counts,
        &[member("consumer1", &["topic1", "topic2"])],
    );
    assert_eq!(
        sorted(out["consumer1"].clone()),
        [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
    );
}

#[test]
fn c12_range_two_consumers_one_topic_one_partition() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1"]),
    ];
    let out = run(Range, &topics(&[("topic1", 1)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(out["consumer2"], []);
}

#[test]
fn c13_range_two_consumers_one_topic_two_partitions() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1"]),
    ];
    let out = run(Range, &topics(&[("topic1", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(out["consumer2"], [tp("topic1", 1)]);
}

#[test]
fn c13_range_multiple_consumers_mixed_topics() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let out = run(Range, &topics(&[("topic1", 3), ("topic2", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(
        sorted(out["consumer2"].clone()),
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(out["consumer3"], [tp("topic1", 2)]);
}

#[test]
fn c13_range_two_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [member("consumer1", &both), member("consumer2", &both)];
    let out = run(Range, &topics(&[("topic1", 3), ("topic2", 3)]), &members);
    assert_eq!(
        sorted(out["consumer1"].clone()),
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(
        sorted(out["consumer2"].clone()),
        [tp("topic1", 2), tp("topic2", 2)]
    );
}

#[test]
fn c13_range_two_static_consumers_two_topics_six_partitions() {
    // consumer-a sorts before consumer-b, but instance ids decide.
    let both = ["topic1", "topic2"];
    let members = [
        static_member("consumer-b", "instance1", &both),
        static_member("consumer-a", "instance2", &both),
    ];
    let out = run(Range, &topics(&[("topic1", 3), ("topic2", 3)]), &members);
    assert_eq!(
        sorted(out["consumer-b"].clone()),
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(
        sorted(out["consumer-a"].clone()),
        [tp("topic1", 2), tp("topic2", 2)]
    );
}

#[test]
fn c13_range_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [
        static_member("consumer-b", "instance1", &both),
        member("consumer-a", &both),
    ];
    let out = run(Range, &topics(&[("topic1", 3), ("topic2", 3)]), &members);
    assert_eq!(
        sorted(out["consumer-b"].clone()),
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(
        sorted(out["consumer-a"].clone()),
        [tp("topic1", 2), tp("topic2", 2)]
    );
}

#[test]
fn c15_range_static_member_range_assignment_persistent() {
    let both = ["topic1", "topic2"];
    let counts = topics(&[("topic1", 5), ("topic2", 4)]);
    let mut members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
        member("consumer4", &both),
    ];
    let expected = |last: &str| -> VecMap<String, Vec<TopicPartition>> {
        [
            (
                "consumer1",
                vec![tp("topic1", 0), tp("topic1", 1), tp("topic2", 0)],
            ),
            ("consumer2", vec![tp("topic1", 2), tp("topic2", 1)]),
            ("consumer3", vec![tp("topic1", 3), tp("topic2", 2)]),
            (last, vec![tp("topic1", 4), tp("topic2", 3)]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    let sort_all = |m: VecMap<String, Vec<TopicPartition>>| {
        m.into_iter()
            .map(|(k, v)| (k, sorted(v)))
            .collect::<VecMap<_, _>>()
    };
    assert_eq!(
        sort_all(run(Range, &counts, &members)),
        expected("consumer4")
    );
    members[3] = member("consumer5", &both);
    assert_eq!(
        sort_all(run(Range, &counts, &members)),
        expected("consumer5")
    );
}

fn by_instance(
    members: &[Subscription],
    out: &VecMap<String, Vec<TopicPartition>>,
) -> VecMap<String, Vec<TopicPartition>> {
    members
        .iter()
        .filter_map(|m| {
            let instance = m.group_instance_id.clone()?;
            Some((instance, sorted(out[&m.member_id].clone())))
        })
        .collect()
}

#[test]
fn c15_range_static_member_range_assignment_persistent_after_member_id_changes() {
    let both = ["topic1", "topic2"];
    let counts = topics(&[("topic1", 5), ("topic2", 5)]);
    let members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
    ];
    let before = by_instance(&members, &run(Range, &counts, &members));
    assert_eq!(
        before["instance1"],
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(
        before["instance2"],
        [
            tp("topic1", 2),
            tp("topic1", 3),
            tp("topic2", 2),
            tp("topic2", 3)
        ]
    );
    assert_eq!(before["instance3"], [tp("topic1", 4), tp("topic2", 4)]);
    let renamed = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer5", "instance2", &both),
        static_member("consumer4", "instance3", &both),
    ];
    assert_eq!(
        by_instance(&renamed, &run(Range, &counts, &renamed)),
        before
    );
}

/// Kafka's `verifyNonRackAwareAssignment`: members `consumer0..`, each expectation a sorted
/// `"t-p, t-p"` string.
fn verify(counts: &[(&str, u32)], subscriptions: &[&[&str]], expected: &[&str]) {
    let members: Vec<Subscription> = subscriptions
        .iter()
        .enumerate()
        .map(|(i, t)| member(&format!("consumer{i}"), t))
        .collect();
    let out = run(Range, &topics(counts), &members);
    for (i, want) in expected.iter().enumerate() {
        let mut got: Vec<String> = out[&format!("consumer{i}")]
            .iter()
            .map(ToString::to_string)
            .collect();
        got.sort();
        assert_eq!(got.join(", "), *want, "consumer{i}");
    }
}

#[test]
fn c13_range_rack_aware_assignment_with_uniform_subscription_without_racks() {
    let all: &[&str] = &["t1", "t2", "t3"];
    verify(
        &[("t1", 6), ("t2", 7), ("t3", 2)],
        &[all, all, all],
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
    );
}

#[test]
fn c13_range_rack_aware_assignment_with_non_equal_subscription_without_racks() {
    let all: &[&str] = &["t1", "t2", "t3"];
    verify(
        &[("t1", 6), ("t2", 7), ("t3", 2)],
        &[all, all, &["t1", "t3"]],
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
    );
}

#[test]
fn c13_range_rack_aware_assignment_with_uniform_partitions_without_racks() {
    let all: &[&str] = &["t1", "t2", "t3"];
    let counts = [("t1", 5), ("t2", 5), ("t3", 5)];
    verify(
        &counts,
        &[all, all, all],
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
            "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
            "t1-4, t2-4, t3-4",
        ],
    );
    verify(
        &counts,
        &[all, all, &["t1", "t3"]],
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
    );
}

#[test]
fn c13_range_rack_aware_assignment_with_co_partitioning_without_racks() {
    let counts = [("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)];
    verify(
        &counts,
        &[&["t1", "t2"], &["t1", "t2"], &["t3", "t4"], &["t3", "t4"]],
        &[
            "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
            "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
            "t3-0, t4-0",
            "t3-1, t4-1",
        ],
    );
    let all: &[&str] = &["t1", "t2", "t3", "t4"];
    verify(
        &counts,
        &[all, all, all, all],
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
            "t1-4, t2-4",
            "t1-5, t2-5",
        ],
    );
}

#[test]
fn c13_range_co_partitioned_assignment_with_same_subscription_without_racks() {
    let list: &[&str] = &["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
    verify(
        &[
            ("t1", 6),
            ("t2", 6),
            ("t3", 2),
            ("t4", 2),
            ("t5", 4),
            ("t6", 4),
        ],
        &[list, list, list],
        &[
            "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
            "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
            "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
        ],
    );
}

#[test]
fn c13_range_lists_topics_in_java_hash_map_order() {
    // "topic2" (hash ...50) and "topic1" (...49) sit in adjacent buckets; "Aa" and "BB" collide
    // and keep insertion order, which follows the sorted topic names ("Aa" < "BB").
    let counts = topics(&[("topic2", 1), ("topic1", 1), ("BB", 1), ("Aa", 1)]);
    let out = run(
        Range,
        &counts,
        &[member("c", &["topic1", "topic2", "Aa", "BB"])],
    );
    let names: Vec<String> = out["c"].iter().map(ToString::to_string).collect();
    assert_eq!(names, ["Aa-0", "BB-0", "topic1-0", "topic2-0"]);
}

//! Ports of Kafka's `RoundRobinAssignorTest`, Kafka trunk 4.0.0-SNAPSHOT. These compare lists
//! exactly, as Kafka's test does.

use crate::vec_map::VecMap;

use super::{member, run, static_member, topics, tp};
use crate::assignor::{AssignorKind::RoundRobin, Subscription, TopicPartition};

#[test]
fn c12_roundrobin_one_consumer_no_topic() {
    let out = run(RoundRobin, &topics(&[]), &[member("consumer", &[])]);
    assert_eq!(out.len(), 1);
    assert!(out["consumer"].is_empty());
}

#[test]
fn c12_roundrobin_one_consumer_nonexistent_topic() {
    let out = run(RoundRobin, &topics(&[]), &[member("consumer", &["topic"])]);
    assert!(out["consumer"].is_empty());
}

#[test]
fn c13_roundrobin_one_consumer_one_topic() {
    let out = run(
        RoundRobin,
        &topics(&[("topic", 3)]),
        &[member("consumer", &["topic"])],
    );
    assert_eq!(
        out["consumer"],
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
}

#[test]
fn c13_roundrobin_only_assigns_partitions_from_subscribed_topics() {
    let out = run(
        RoundRobin,
        &topics(&[("topic", 3), ("other", 3)]),
        &[member("consumer", &["topic"])],
    );
    assert_eq!(
        out["consumer"],
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
}

#[test]
fn c13_roundrobin_one_consumer_multiple_topics() {
    let counts = topics(&[("topic1", 1), ("topic2", 2)]);
    let out = run(
        RoundRobin,
        &counts,
        &[member("consumer", &["topic1", "topic2"])],
    );
    assert_eq!(
        out["consumer"],
        [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
    );
}

#[test]
fn c12_roundrobin_two_consumers_one_topic_one_partition() {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let out = run(RoundRobin, &topics(&[("topic", 1)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 0)]);
    assert_eq!(out["consumer2"], []);
}

#[test]
fn c13_roundrobin_two_consumers_one_topic_two_partitions() {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let out = run(RoundRobin, &topics(&[("topic", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 0)]);
    assert_eq!(out["consumer2"], [tp("topic", 1)]);
}

#[test]
fn c12_roundrobin_multiple_consumers_mixed_topics() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let out = run(
        RoundRobin,
        &topics(&[("topic1", 3), ("topic2", 2)]),
        &members,
    );
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(
        out["consumer2"],
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(out["consumer3"], [tp("topic1", 2)]);
}

#[test]
fn c13_roundrobin_two_dynamic_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [member("consumer1", &both), member("consumer2", &both)];
    let out = run(
        RoundRobin,
        &topics(&[("topic1", 3), ("topic2", 3)]),
        &members,
    );
    assert_eq!(
        out["consumer1"],
        [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
    );
    assert_eq!(
        out["consumer2"],
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
    );
}

#[test]
fn c13_roundrobin_two_static_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [
        static_member("consumer-b", "instance1", &both),
        static_member("consumer-a", "instance2", &both),
    ];
    let out = run(
        RoundRobin,
        &topics(&[("topic1", 3), ("topic2", 3)]),
        &members,
    );
    assert_eq!(
        out["consumer-b"],
        [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
    );
    assert_eq!(
        out["consumer-a"],
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
    );
}

#[test]
fn c13_roundrobin_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [
        static_member("consumer-b", "instance1", &both),
        member("consumer-a", &both),
    ];
    let out = run(
        RoundRobin,
        &topics(&[("topic1", 3), ("topic2", 3)]),
        &members,
    );
    assert_eq!(
        out["consumer-b"],
        [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
    );
    assert_eq!(
        out["consumer-a"],
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
    );
}

#[test]
fn c15_roundrobin_static_member_round_robin_assignment_persistent() {
    let both = ["topic1", "topic2"];
    let counts = topics(&[("topic1", 3), ("topic2", 3)]);
    let mut members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
        member("consumer4", &both),
    ];
    let expected = |last: &str| -> VecMap<String, Vec<TopicPartition>> {
        [
            ("consumer1", vec![tp("topic1", 0), tp("topic2", 1)]),
            ("consumer2", vec![tp("topic1", 1), tp("topic2", 2)]),
            ("consumer3", vec![tp("topic1", 2)]),
            (last, vec![tp("topic2", 0)]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    assert_eq!(run(RoundRobin, &counts, &members), expected("consumer4"));
    members[3] = member("consumer5", &both);
    assert_eq!(run(RoundRobin, &counts, &members), expected("consumer5"));
}

#[test]
fn c15_roundrobin_static_member_round_robin_assignment_persistent_after_member_id_changes() {
    let both = ["topic1", "topic2"];
    let counts = topics(&[("topic1", 5), ("topic2", 5)]);
    let by_instance = |members: &[Subscription]| -> VecMap<String, Vec<TopicPartition>> {
        let out = run(RoundRobin, &counts, members);
        members
            .iter()
            .map(|m| {
                (
                    m.group_instance_id.clone().unwrap(),
                    out[&m.member_id].clone(),
                )
            })
            .collect()
    };
    let members = [
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
    ];
    let before = by_instance(&members);
    assert_eq!(
        before["instance1"],
        [
            tp("topic1", 0),
            tp("topic1", 3),
            tp("topic2", 1),
            tp("topic2", 4)
        ]
    );
    assert_eq!(
        before["instance2"],
        [tp("topic1", 1), tp("topic1", 4), tp("topic2", 2)]
    );
    assert_eq!(
        before["instance3"],
        [tp("topic1", 2), tp("topic2", 0), tp("topic2", 3)]
    );
    let renamed = [
        static_member("consumer1", "instance1", &both),
        static_member("consumer5", "instance2", &both),
        static_member("consumer4", "instance3", &both),
    ];
    assert_eq!(by_instance(&renamed), before);
}

#[test]
fn c13_roundrobin_member_ids_compare_as_java_strings() {
    // Java orders "C10" before "C2" and upper case before lower case.
    let members = [
        member("C2", &["t"]),
        member("C10", &["t"]),
        member("a", &["t"]),
    ];
    let out = run(RoundRobin, &topics(&[("t", 3)]), &members);
    assert_eq!(out["C10"], [tp("t", 0)]);
    assert_eq!(out["C2"], [tp("t", 1)]);
    assert_eq!(out["a"], [tp("t", 2)]);
}

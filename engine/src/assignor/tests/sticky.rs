//! Ports of Kafka's `StickyAssignorTest` and the `AbstractStickyAssignorTest` cases with
//! concrete expectations (rack-less variants), Kafka trunk 4.0.0-SNAPSHOT. Each also runs the
//! balance oracle, as Kafka's tests do.

use crate::vec_map::VecMap;

use super::oracle::{is_fully_balanced, verify_validity_and_balance};
use super::{member, next_generation, owning, run, sorted, topics, tp};
use crate::assignor::{AssignorKind, AssignorKind::Sticky, Subscription, TopicPartition};

fn checked(
    kind: AssignorKind,
    counts: &VecMap<String, u32>,
    members: &[Subscription],
) -> VecMap<String, Vec<TopicPartition>> {
    let out = run(kind, counts, members);
    verify_validity_and_balance(members, &out).unwrap();
    out
}

#[test]
fn c14_sticky_one_consumer_no_topic() {
    let out = checked(Sticky, &topics(&[]), &[member("consumer", &[])]);
    assert!(out["consumer"].is_empty());
}

#[test]
fn c14_sticky_one_consumer_nonexistent_topic() {
    let out = checked(Sticky, &topics(&[]), &[member("consumer", &["topic"])]);
    assert!(out["consumer"].is_empty());
}

#[test]
fn c14_sticky_one_consumer_one_topic() {
    let out = checked(
        Sticky,
        &topics(&[("topic", 3)]),
        &[member("consumer", &["topic"])],
    );
    assert_eq!(
        out["consumer"],
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
}

#[test]
fn c14_sticky_only_assigns_partitions_from_subscribed_topics() {
    let owned = [
        tp("topic", 0),
        tp("topic", 1),
        tp("other", 0),
        tp("other", 1),
    ];
    let out = checked(
        Sticky,
        &topics(&[("topic", 2)]),
        &[owning("consumer", &["topic"], &owned, 1)],
    );
    assert_eq!(out["consumer"], [tp("topic", 0), tp("topic", 1)]);
}

#[test]
fn c14_sticky_one_consumer_multiple_topics() {
    let counts = topics(&[("topic1", 1), ("topic2", 2)]);
    let out = checked(
        Sticky,
        &counts,
        &[member("consumer", &["topic1", "topic2"])],
    );
    assert_eq!(
        out["consumer"],
        [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
    );
}

#[test]
fn c12_sticky_two_consumers_one_topic_one_partition() {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let out = checked(Sticky, &topics(&[("topic", 1)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 0)]);
    assert_eq!(out["consumer2"], []);
}

#[test]
fn c14_sticky_two_consumers_one_topic_two_partitions() {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let out = checked(Sticky, &topics(&[("topic", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 0)]);
    assert_eq!(out["consumer2"], [tp("topic", 1)]);
}

#[test]
fn c14_sticky_multiple_consumers_mixed_topic_subscriptions() {
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let out = checked(Sticky, &topics(&[("topic1", 3), ("topic2", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0), tp("topic1", 2)]);
    assert_eq!(out["consumer2"], [tp("topic2", 0), tp("topic2", 1)]);
    assert_eq!(out["consumer3"], [tp("topic1", 1)]);
}

#[test]
fn c14_sticky_two_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let members = [member("consumer1", &both), member("consumer2", &both)];
    let out = checked(Sticky, &topics(&[("topic1", 3), ("topic2", 3)]), &members);
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
fn c14_sticky_consumer_owning_min_quota_expected_max_quota() {
    let both = ["topic1", "topic2"];
    let members = [
        owning("consumer1", &both, &[tp("topic1", 0), tp("topic2", 1)], 1),
        owning("consumer2", &both, &[tp("topic1", 1), tp("topic2", 2)], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic1", 2), ("topic2", 3)]), &members);
    assert_eq!(
        out["consumer1"],
        [tp("topic1", 0), tp("topic2", 1), tp("topic2", 0)]
    );
    assert_eq!(out["consumer2"], [tp("topic1", 1), tp("topic2", 2)]);
    assert!(is_fully_balanced(&out));
}

#[test]
fn c14_sticky_max_quota_consumer_more_than_num_expected_max_capacity_members() {
    let both = ["topic1", "topic2"];
    let members = [
        owning("consumer1", &both, &[tp("topic1", 0), tp("topic2", 0)], 1),
        owning("consumer2", &both, &[tp("topic1", 1), tp("topic2", 1)], 1),
        owning("consumer3", &both, &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic1", 2), ("topic2", 2)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(out["consumer2"], [tp("topic1", 1), tp("topic2", 1)]);
    assert_eq!(out["consumer3"], [tp("topic2", 0)]);
}

#[test]
fn c14_sticky_all_consumers_are_under_min_quota() {
    let both = ["topic1", "topic2"];
    let members = [
        owning("consumer1", &both, &[tp("topic1", 0)], 1),
        owning("consumer2", &both, &[tp("topic1", 1)], 1),
        owning("consumer3", &both, &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic1", 2), ("topic2", 3)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0), tp("topic2", 1)]);
    assert_eq!(out["consumer2"], [tp("topic1", 1), tp("topic2", 2)]);
    assert_eq!(out["consumer3"], [tp("topic2", 0)]);
}

#[test]
fn c14_sticky_add_remove_consumer_one_topic() {
    let counts = topics(&[("topic", 3)]);
    let first = [member("consumer1", &["topic"])];
    let out = checked(Sticky, &counts, &first);
    assert_eq!(
        out["consumer1"],
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );

    let second = [
        owning("consumer1", &["topic"], &out["consumer1"], 1),
        owning("consumer2", &["topic"], &[], 1),
    ];
    let out = checked(Sticky, &counts, &second);
    assert_eq!(out["consumer1"], [tp("topic", 0), tp("topic", 1)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);

    let third = [owning("consumer2", &["topic"], &out["consumer2"], 1)];
    let out = checked(Sticky, &counts, &third);
    assert_eq!(
        sorted(out["consumer2"].clone()),
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
}

#[test]
fn c14_sticky_all_consumers_reach_expected_quota_and_are_considered_filled() {
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            1,
        ),
        owning("consumer2", &["topic"], &[tp("topic", 2)], 1),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic", 4)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 0), tp("topic", 1)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);
    assert_eq!(out["consumer3"], [tp("topic", 3)]);
}

#[test]
fn c14_sticky_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
    let both = ["topic", "topic2"];
    let owned = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
    for stale in [9, -1] {
        // testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration / …WithNoGeneration.
        let members = [
            owning("consumer1", &both, &owned, 10),
            owning("consumer2", &both, &owned, stale),
        ];
        let out = checked(Sticky, &topics(&[("topic", 3), ("topic2", 3)]), &members);
        assert_eq!(sorted(out["consumer1"].clone()), sorted(owned.to_vec()));
        assert_eq!(
            sorted(out["consumer2"].clone()),
            [tp("topic", 1), tp("topic2", 0), tp("topic2", 2)]
        );
    }
}

#[test]
fn c14_sticky_ensure_partitions_assigned_to_highest_generation() {
    let all = ["topic", "topic2", "topic3"];
    let members = [
        owning(
            "consumer1",
            &all,
            &[tp("topic", 0), tp("topic2", 0), tp("topic3", 0)],
            10,
        ),
        owning(
            "consumer2",
            &all,
            &[tp("topic", 1), tp("topic2", 1), tp("topic3", 1)],
            9,
        ),
        owning(
            "consumer3",
            &all,
            &[tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)],
            8,
        ),
    ];
    let out = checked(
        Sticky,
        &topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]),
        &members,
    );
    assert_eq!(
        sorted(out["consumer1"].clone()),
        [tp("topic", 0), tp("topic2", 0), tp("topic3", 0)]
    );
    assert_eq!(
        sorted(out["consumer2"].clone()),
        [tp("topic", 1), tp("topic2", 1), tp("topic3", 1)]
    );
    assert_eq!(
        sorted(out["consumer3"].clone()),
        [tp("topic", 2), tp("topic2", 2), tp("topic3", 2)]
    );
}

#[test]
fn c14_sticky_owned_partitions_are_invalidated_for_consumer_with_multiple_generation() {
    let both = ["topic", "topic2"];
    let members = [
        owning(
            "consumer1",
            &both,
            &[tp("topic", 0), tp("topic2", 1), tp("topic", 1)],
            10,
        ),
        owning(
            "consumer2",
            &both,
            &[tp("topic", 0), tp("topic2", 1), tp("topic2", 2)],
            8,
        ),
    ];
    let out = checked(Sticky, &topics(&[("topic", 3), ("topic2", 3)]), &members);
    assert_eq!(
        sorted(out["consumer1"].clone()),
        [tp("topic", 0), tp("topic", 1), tp("topic2", 1)]
    );
    assert_eq!(
        sorted(out["consumer2"].clone()),
        [tp("topic", 2), tp("topic2", 0), tp("topic2", 2)]
    );
}

#[test]
fn c14_sticky_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            1,
        ),
        owning(
            "consumer2",
            &["topic"],
            &[tp("topic", 0), tp("topic", 2)],
            1,
        ),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic", 3)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 1)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);
    assert_eq!(out["consumer3"], [tp("topic", 0)]);
}

#[test]
fn c14_sticky_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            1,
        ),
        owning(
            "consumer2",
            &["topic"],
            &[tp("topic", 0), tp("topic", 2)],
            1,
        ),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic", 4)]), &members);
    assert_eq!(out["consumer1"], [tp("topic", 1), tp("topic", 3)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);
    assert_eq!(out["consumer3"], [tp("topic", 0)]);
}

#[test]
fn c14_sticky_assignment_with_multiple_generations1() {
    // StickyAssignorTest.testAssignmentWithMultipleGenerations1, both subscription shapes.
    let all = ["topic", "topic2"];
    let counts = topics(&[("topic", 6), ("topic2", 6)]);
    for equal in [true, false] {
        let c2_topics: &[&str] = if equal { &all } else { &["topic"] };
        let r1 = checked(
            Sticky,
            &counts,
            &[
                member("consumer1", &all),
                member("consumer2", c2_topics),
                member("consumer3", &all),
            ],
        );
        assert!(r1.values().all(|l| l.len() == 4));
        // consumer3 leaves.
        let r2 = checked(
            Sticky,
            &counts,
            &[
                owning("consumer1", &all, &r1["consumer1"], 1),
                owning("consumer2", c2_topics, &r1["consumer2"], 1),
            ],
        );
        assert!(r2.values().all(|l| l.len() == 6));
        if equal {
            assert!(r1["consumer1"].iter().all(|p| r2["consumer1"].contains(p)));
        }
        assert!(r1["consumer2"].iter().all(|p| r2["consumer2"].contains(p)));
        assert!(r1["consumer3"].iter().any(|p| r2["consumer2"].contains(p)));
        // consumer1 leaves and consumer3 returns with its generation-1 view.
        let r3 = checked(
            Sticky,
            &counts,
            &[
                owning("consumer2", c2_topics, &r2["consumer2"], 2),
                owning("consumer3", &all, &r1["consumer3"], 1),
            ],
        );
        assert!(r3.values().all(|l| l.len() == 6));
        assert!(is_fully_balanced(&r3));
    }
}

#[test]
fn c14_sticky_schema_backward_compatibility_without_generation() {
    // StickyAssignorTest.testSchemaBackwardCompatibility: an old member without generation.
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 2)],
            1,
        ),
        Subscription {
            owned_partitions: vec![tp("topic", 1)],
            ..member("consumer2", &["topic"])
        },
        member("consumer3", &["topic"]),
    ];
    let out = checked(Sticky, &topics(&[("topic", 3)]), &members);
    assert!(is_fully_balanced(&out));
    assert_eq!(out["consumer1"].len(), 1);
    assert_eq!(out["consumer2"].len(), 1);
    assert_eq!(out["consumer3"].len(), 1);
}

#[test]
fn c14_sticky_assignor_with_old_version_subscriptions() {
    let members = [
        owning("consumer1", &["topic1"], &[tp("topic1", 0)], 1),
        owning("consumer2", &["topic1"], &[tp("topic1", 1)], 1),
        owning("consumer3", &["topic1"], &[], 1),
    ];
    let out = checked(Sticky, &topics(&[("topic1", 3)]), &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(out["consumer2"], [tp("topic1", 1)]);
    assert_eq!(out["consumer3"], [tp("topic1", 2)]);
}

#[test]
fn c14_sticky_add_remove_two_consumers_two_topics_is_sticky() {
    // testAddRemoveTwoConsumersTwoTopics: the survivors keep everything they had.
    let all = ["topic1", "topic2"];
    let counts = topics(&[("topic1", 3), ("topic2", 4)]);
    let start = [member("consumer1", &all), member("consumer2", &all)];
    let r1 = checked(Sticky, &counts, &start);
    let mut grown = next_generation(&start, &r1, 1);
    grown.push(member("consumer3", &all));
    grown.push(member("consumer4", &all));
    let r2 = checked(Sticky, &counts, &grown);
    assert!(is_fully_balanced(&r2));
    for c in ["consumer1", "consumer2"] {
        assert!(r2[c].iter().all(|p| r1[c].contains(p)));
    }
    let shrunk: Vec<Subscription> = next_generation(&grown, &r2, 2)
        .into_iter()
        .skip(2)
        .collect();
    let r3 = checked(Sticky, &counts, &shrunk);
    for c in ["consumer3", "consumer4"] {
        assert!(r2[c].iter().all(|p| r3[c].contains(p)));
    }
}

#[test]
fn c14_sticky_poor_round_robin_assignment_scenario() {
    let counts = topics(&[
        ("topic1", 2),
        ("topic2", 1),
        ("topic3", 2),
        ("topic4", 1),
        ("topic5", 2),
    ]);
    let members = [
        member(
            "consumer1",
            &["topic1", "topic2", "topic3", "topic4", "topic5"],
        ),
        member("consumer2", &["topic1", "topic3", "topic5"]),
        member("consumer3", &["topic1", "topic3", "topic5"]),
        member(
            "consumer4",
            &["topic1", "topic2", "topic3", "topic4", "topic5"],
        ),
    ];
    checked(Sticky, &counts, &members);
}

#[test]
fn c14_sticky_add_remove_topic_two_consumers() {
    let counts = topics(&[("topic", 3)]);
    let r1 = checked(
        Sticky,
        &counts,
        &[
            member("consumer1", &["topic"]),
            member("consumer2", &["topic"]),
        ],
    );
    let both = ["topic", "topic2"];
    let counts2 = topics(&[("topic", 3), ("topic2", 3)]);
    let m2 = [
        owning("consumer1", &both, &r1["consumer1"], 1),
        owning("consumer2", &both, &r1["consumer2"], 1),
    ];
    let r2 = checked(Sticky, &counts2, &m2);
    assert!(is_fully_balanced(&r2));
    for c in ["consumer1", "consumer2"] {
        assert!(r1[c].iter().all(|p| r2[c].contains(p)));
    }
    let m3 = [
        owning("consumer1", &["topic2"], &r2["consumer1"], 2),
        owning("consumer2", &["topic2"], &r2["consumer2"], 2),
    ];
    let r3 = checked(Sticky, &topics(&[("topic2", 3)]), &m3);
    assert_eq!(r3.values().map(Vec::len).sum::<usize>(), 3);
}

#[test]
fn c14_sticky_assignment_updated_for_deleted_topic() {
    let counts = topics(&[("topic1", 1), ("topic3", 100)]);
    let out = checked(
        Sticky,
        &counts,
        &[member("consumer", &["topic1", "topic2", "topic3"])],
    );
    assert_eq!(out["consumer"].len(), 101);
}

#[test]
fn c14_sticky_no_exception_thrown_when_only_subscribed_topic_deleted() {
    let r1 = checked(
        Sticky,
        &topics(&[("topic", 3)]),
        &[member("consumer", &["topic"])],
    );
    let out = checked(
        Sticky,
        &topics(&[]),
        &[owning("consumer", &["topic"], &r1["consumer"], 1)],
    );
    assert!(out["consumer"].is_empty());
}

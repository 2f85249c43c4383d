//! Ports of Kafka's `CooperativeStickyAssignorTest` (rack-less variants), Kafka trunk
//! 4.0.0-SNAPSHOT, and its cooperative oracle: no partition moves directly between live members
//! (C14 c), and a follow-up rebalance reaches a balanced assignment.

use crate::vec_map::VecMap;

use super::oracle::{is_fully_balanced, verify_cooperative_validity, verify_validity_and_balance};
use super::{member, next_generation, owning, run, topics, tp};
use crate::assignor::{AssignorKind::CooperativeSticky, Subscription, TopicPartition};

/// Kafka's overridden `verifyValidityAndBalance`: rebalance while something is revoked (at most
/// four times), then run the eager oracle on the final state.
pub(crate) fn settle(
    counts: &VecMap<String, u32>,
    mut members: Vec<Subscription>,
    mut out: VecMap<String, Vec<TopicPartition>>,
) -> Result<VecMap<String, Vec<TopicPartition>>, String> {
    let mut rebalances = 0;
    while verify_cooperative_validity(&members, &out)? {
        members = next_generation(&members, &out, 1);
        out = run(CooperativeSticky, counts, &members);
        rebalances += 1;
        if rebalances > 4 {
            return Err("still revoking after 4 follow-up rebalances".into());
        }
    }
    verify_validity_and_balance(&members, &out)?;
    Ok(out)
}

#[test]
fn c14_cooperative_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    let counts = topics(&[("topic", 3)]);
    let members = vec![
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
    let out = run(CooperativeSticky, &counts, &members);
    assert_eq!(out["consumer1"], [tp("topic", 1)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);
    assert!(out["consumer3"].is_empty());
    settle(&counts, members, out).unwrap();
}

#[test]
fn c14_cooperative_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    let counts = topics(&[("topic", 4)]);
    let members = vec![
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
    let out = run(CooperativeSticky, &counts, &members);
    assert_eq!(out["consumer1"], [tp("topic", 1), tp("topic", 3)]);
    assert_eq!(out["consumer2"], [tp("topic", 2)]);
    assert!(out["consumer3"].is_empty());
    settle(&counts, members, out).unwrap();
}

#[test]
fn c14_cooperative_assignor_with_old_version_subscriptions() {
    // V1 subscriptions carry owned partitions but no generation.
    let counts = topics(&[("topic1", 3)]);
    let members = vec![
        Subscription {
            owned_partitions: vec![tp("topic1", 0)],
            ..member("consumer1", &["topic1"])
        },
        Subscription {
            owned_partitions: vec![tp("topic1", 1)],
            ..member("consumer2", &["topic1"])
        },
        owning("consumer3", &["topic1"], &[], 1),
    ];
    let out = run(CooperativeSticky, &counts, &members);
    assert_eq!(out["consumer1"], [tp("topic1", 0)]);
    assert_eq!(out["consumer2"], [tp("topic1", 1)]);
    assert_eq!(out["consumer3"], [tp("topic1", 2)]);
    assert!(is_fully_balanced(&out));
}

#[test]
fn c14_cooperative_new_member_waits_one_rebalance_for_moved_partitions() {
    // C14 c: consumer1 owns all 4; consumer2 joins. The two partitions moving to consumer2 are
    // left out this round (testUniformSubscriptionTransferOwnershipListIsRight counts 2), and
    // the follow-up rebalance hands them over.
    let counts = topics(&[("topic1", 4)]);
    let all: Vec<TopicPartition> = (0..4).map(|p| tp("topic1", p)).collect();
    let members = vec![
        owning("c0", &["topic1"], &all, 1),
        owning("c1", &["topic1"], &[], 1),
    ];
    let out = run(CooperativeSticky, &counts, &members);
    assert_eq!(out["c0"], [tp("topic1", 0), tp("topic1", 1)]);
    assert!(out["c1"].is_empty());
    let settled = settle(&counts, members, out).unwrap();
    assert_eq!(settled["c1"], [tp("topic1", 2), tp("topic1", 3)]);
}

#[test]
fn c14_cooperative_general_case_computes_transfers_from_owned_partitions() {
    // Unequal subscriptions: Kafka computes the transfers from added ∩ revoked.
    let counts = topics(&[("a", 4), ("b", 2)]);
    let all_a: Vec<TopicPartition> = (0..4).map(|p| tp("a", p)).collect();
    let members = vec![
        owning(
            "m1",
            &["a", "b"],
            &[all_a, vec![tp("b", 0), tp("b", 1)]].concat(),
            3,
        ),
        owning("m2", &["a"], &[], 3),
    ];
    let out = run(CooperativeSticky, &counts, &members);
    assert!(
        out["m2"].is_empty(),
        "partitions moving from m1 wait a round: {out:?}"
    );
    let settled = settle(&counts, members, out).unwrap();
    assert_eq!(settled["m2"].len(), 3);
}

//! The sticky assignors' test oracles, after Kafka's `AbstractStickyAssignorTest
//! .verifyValidityAndBalance` and `CooperativeStickyAssignorTest.verifyCooperativeValidity`.

use std::collections::BTreeSet;

use crate::vec_map::VecMap;

use crate::assignor::{Subscription, TopicPartition};

/// C14 a: every assigned partition is of a subscribed topic, no partition is assigned twice, and
/// two members whose counts differ by more than one hold no partitions of a common topic.
pub(crate) fn verify_validity_and_balance(
    members: &[Subscription],
    assignment: &VecMap<String, Vec<TopicPartition>>,
) -> Result<(), String> {
    if members.len() != assignment.len() {
        return Err(format!(
            "{} members but {} assignments",
            members.len(),
            assignment.len()
        ));
    }
    let subs: VecMap<&str, &Subscription> =
        members.iter().map(|m| (m.member_id.as_str(), m)).collect();
    let consumers: Vec<&String> = assignment.keys().collect();
    for (i, c) in consumers.iter().enumerate() {
        let mine = &assignment[*c];
        for tp in mine {
            if !subs[c.as_str()].topics.contains(&tp.topic) {
                return Err(format!(
                    "{tp} is assigned to {c}, which does not subscribe to it"
                ));
            }
        }
        let my_topics: BTreeSet<&str> = mine.iter().map(|tp| tp.topic.as_str()).collect();
        for other in &consumers[i + 1..] {
            let theirs = &assignment[*other];
            if let Some(tp) = mine.iter().find(|tp| theirs.contains(tp)) {
                return Err(format!("{tp} is assigned to both {c} and {other}"));
            }
            if mine.len().abs_diff(theirs.len()) <= 1 {
                continue;
            }
            if let Some(tp) = theirs
                .iter()
                .find(|tp| my_topics.contains(tp.topic.as_str()))
            {
                return Err(format!(
                    "{c} has {} and {other} has {} partitions, yet both hold topic {}",
                    mine.len(),
                    theirs.len(),
                    tp.topic
                ));
            }
        }
    }
    Ok(())
}

/// C14 c: no partition is both revoked from one member and given to another in one round.
/// Returns whether anything was revoked (so a follow-up rebalance is due).
pub(crate) fn verify_cooperative_validity(
    members: &[Subscription],
    assignment: &VecMap<String, Vec<TopicPartition>>,
) -> Result<bool, String> {
    let mut added = BTreeSet::new();
    let mut revoked = BTreeSet::new();
    for m in members {
        let assigned = &assignment[&m.member_id];
        revoked.extend(
            m.owned_partitions
                .iter()
                .filter(|tp| !assigned.contains(tp))
                .cloned(),
        );
        added.extend(
            assigned
                .iter()
                .filter(|tp| !m.owned_partitions.contains(tp))
                .cloned(),
        );
    }
    if let Some(tp) = added.intersection(&revoked).next() {
        return Err(format!(
            "{tp} is revoked and reassigned in the same rebalance"
        ));
    }
    Ok(!revoked.is_empty())
}

/// True when all member counts are within one of each other (`isFullyBalanced`).
pub(crate) fn is_fully_balanced(assignment: &VecMap<String, Vec<TopicPartition>>) -> bool {
    let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
    match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => max - min <= 1,
        _ => true,
    }
}

#[test]
fn c14_oracle_rejects_a_movable_imbalance() {
    let t = |p| TopicPartition::new("t", p);
    let members = [
        Subscription::new("a", &["t"]),
        Subscription::new("b", &["t"]),
    ];
    // Like Kafka's, the oracle looks at topics both members hold: a 4-to-1 split of one topic
    // is caught, a 3-to-0 split is not.
    let unbalanced: VecMap<String, Vec<TopicPartition>> = [
        ("a".to_string(), vec![t(0), t(1), t(2), t(3)]),
        ("b".to_string(), vec![t(4)]),
    ]
    .into();
    assert!(verify_validity_and_balance(&members, &unbalanced).is_err());
    let balanced: VecMap<String, Vec<TopicPartition>> = [
        ("a".to_string(), vec![t(0), t(1)]),
        ("b".to_string(), vec![t(2)]),
    ]
    .into();
    assert!(verify_validity_and_balance(&members, &balanced).is_ok());
}

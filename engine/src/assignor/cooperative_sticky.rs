//! Kafka's `CooperativeStickyAssignor` (protocol name `cooperative-sticky`, C14 c).
//!
//! Runs the shared sticky algorithm of [`super::sticky`] with ownership and generation taken
//! from the subscription's own fields, then applies `adjustAssignment`: a partition that changes
//! hands between two live members is left out of its new owner's list in this round. The old
//! owner sees it missing from its assignment and revokes it; the rebalance that follows gives it
//! to the new owner. A partition nobody owned, or whose owner left, is handed out at once.
//!
//! Which partitions are "transferring" comes from the constrained algorithm's own bookkeeping
//! when all subscriptions are equal, and otherwise from `computePartitionsTransferringOwnership`:
//! newly assigned to one member and no longer assigned to a member that listed it as owned.
//!
//! Left out: the `generation` user-data fallback for subscriptions older than protocol v2 (the
//! generation here is always the subscription field) and rack-aware assignment.

use std::collections::{HashMap, HashSet};

use super::sticky::{self, Flavor};
use super::{Group, TopicPartition};

/// Cooperative sticky assignment; one list per member of `group.members`, in that order.
pub(crate) fn assign(group: &Group) -> Vec<Vec<TopicPartition>> {
    let outcome = sticky::assign(group, Flavor::Cooperative);
    let mut assignment = outcome.assignment;
    let transferring = match outcome.transferring {
        Some(t) => t,
        None => transferring_ownership(group, &assignment),
    };
    for (tp, new_owner) in transferring {
        if let Some(i) = assignment[new_owner].iter().position(|x| *x == tp) {
            assignment[new_owner].remove(i);
        }
    }
    assignment
}

/// `computePartitionsTransferringOwnership`: added to one member and revoked from another.
fn transferring_ownership(
    group: &Group,
    assignment: &[Vec<TopicPartition>],
) -> Vec<(TopicPartition, usize)> {
    let mut added: HashMap<TopicPartition, usize> = HashMap::new();
    let mut revoked: HashSet<TopicPartition> = HashSet::new();
    for (c, assigned) in assignment.iter().enumerate() {
        let owned = &group.members[c].owned_partitions;
        let owned_set: HashSet<&TopicPartition> = owned.iter().collect();
        for tp in assigned {
            if !owned_set.contains(tp) {
                added.insert(tp.clone(), c);
            }
        }
        let assigned_set: HashSet<&TopicPartition> = assigned.iter().collect();
        for tp in owned {
            if !assigned_set.contains(tp) {
                revoked.insert(tp.clone());
            }
        }
    }
    let mut out: Vec<(TopicPartition, usize)> = added
        .into_iter()
        .filter(|(tp, _)| revoked.contains(tp))
        .collect();
    // Removal order does not change the result; sort only for determinism.
    crate::order::sort(&mut out);
    out
}

//! Kafka's `RangeAssignor` (protocol name `range`), without its rack-aware pass.
//!
//! For each topic on its own, the members subscribed to it are put in `MemberInfo` order (C13:
//! static members by instance id, then the rest by member id) and the partitions in numeric
//! order; with `P` partitions and `N` members, every member gets `P / N` consecutive partitions
//! and the first `P % N` members one more. A member beyond `P` gets nothing from that topic
//! (C12). Because each topic is split separately, the first members collect the extras of every
//! topic.
//!
//! Each member's list follows the iteration order of Kafka's `HashMap` of topics, which is
//! reproduced with [`super::java`]. Left out: rack-aware assignment (KIP-881), as the simulation
//! has no racks.

use super::java;
use super::{compare_members, Group, TopicPartition};

/// Range assignment; one list per member of `group.members`, in that order.
pub(crate) fn assign(group: &Group) -> Vec<Vec<TopicPartition>> {
    let mut lists: Vec<Vec<TopicPartition>> = vec![Vec::new(); group.members.len()];
    let topic_order = java::hash_map_order(group.topics.iter().map(|(t, _)| t.clone()));
    for topic in topic_order {
        let count = group.partition_count(&topic).unwrap_or(0);
        let mut consumers: Vec<usize> = (0..group.members.len())
            .filter(|&i| group.members[i].topics.contains(&topic))
            .collect();
        if consumers.is_empty() {
            continue;
        }
        // Collections.sort is stable, like sort_by.
        crate::order::sort_by(&mut consumers, |&a, &b| {
            compare_members(&group.members[a], &group.members[b])
        });
        let n = consumers.len() as u32;
        let base = count / n;
        let mut with_extra = count % n;
        let mut next = 0u32;
        for member in consumers {
            if next >= count {
                break;
            }
            let quota = base + u32::from(with_extra > 0);
            let take = quota.min(count - next);
            if take == 0 {
                continue;
            }
            lists[member]
                .extend((next..next + take).map(|p| TopicPartition::new(topic.as_str(), p)));
            next += take;
            if take > base {
                with_extra -= 1;
            }
        }
    }
    lists
}

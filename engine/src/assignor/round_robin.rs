//! Kafka's `RoundRobinAssignor` (protocol name `roundrobin`).
//!
//! All partitions of all subscribed topics are laid out by topic (Java string order) and
//! partition, and the members in `MemberInfo` order (C13) form a ring. Each partition goes to the
//! next member in the ring that subscribes to its topic; the ring does not restart per topic. With
//! unequal subscriptions a subscribed member can end up with nothing (C12).
//!
//! Nothing is left out: the Java class has no rack-aware or sticky behaviour.

use super::{compare_members, Group, TopicPartition};

/// Round-robin assignment; one list per member of `group.members`, in that order.
pub(crate) fn assign(group: &Group) -> Vec<Vec<TopicPartition>> {
    let mut lists: Vec<Vec<TopicPartition>> = vec![Vec::new(); group.members.len()];
    if group.members.is_empty() {
        return lists;
    }
    let mut ring: Vec<usize> = (0..group.members.len()).collect();
    // Utils.sorted is a stable sort of the subscriptions map's iteration order.
    crate::order::sort_by(&mut ring, |&a, &b| {
        compare_members(&group.members[a], &group.members[b])
    });
    // `cursor` is the ring slot the CircularIterator would return next.
    let mut cursor = 0usize;
    for (topic, count) in &group.topics {
        for partition in 0..*count {
            // Some member subscribes to every topic in `group.topics`, so this ends.
            while !group.members[ring[cursor]].topics.contains(topic) {
                cursor = (cursor + 1) % ring.len();
            }
            lists[ring[cursor]].push(TopicPartition::new(topic.as_str(), partition));
            cursor = (cursor + 1) % ring.len();
        }
    }
    lists
}

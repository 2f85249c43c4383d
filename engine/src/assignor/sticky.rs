//! Kafka's `AbstractStickyAssignor` (the algorithm shared by both sticky assignors) and the
//! eager `StickyAssignor` (protocol name `sticky`) on top of it.
//!
//! Two algorithms, picked as Kafka picks them:
//!
//! * **Constrained** (every member has the same subscription, compared on the raw topic lists):
//!   with `P` partitions and `N` members, `minQuota = floor(P/N)` and `maxQuota = ceil(P/N)`.
//!   Members are visited in Kafka's `HashMap` order; each keeps its owned partitions (sorted by
//!   partition number, then topic) up to `maxQuota` while fewer than `P % N` members sit above
//!   `minQuota`, otherwise up to `minQuota` (C14 b). The rest are handed out round-robin to the
//!   members still below quota, sorted by member id.
//! * **General** (subscriptions differ): keep every owned partition whose topic is still
//!   subscribed, give each unassigned partition to the least-loaded eligible member, then move
//!   partitions from members with two or more than another eligible member, preferring to move
//!   a partition back to its previous-generation owner, until `isBalanced` holds (C14 a). A
//!   rebalance that does not lower the balance score is undone.
//!
//! Previous ownership (C14 b): members claiming the same partition in the *same* generation both
//! lose it; otherwise the higher generation keeps it. `StickyAssignor` decodes ownership from its
//! user data, which lists the partitions grouped by topic in Java `HashMap` order; that order is
//! reproduced because it shows in the returned lists.
//!
//! Left out: rack-aware assignment (KIP-881), and the `IllegalStateException`s Kafka throws when
//! its own bookkeeping is inconsistent (they cannot trigger for valid input). Where Kafka would
//! dereference a member that was set aside as fixed (a `NullPointerException` in Java, reachable
//! only when a member's previous-generation partitions belong to a topic it no longer
//! subscribes to), this port skips the move instead.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::vec_map::VecSet;

use super::java::{self, compare_str, JavaHashSet};
use super::{Group, Subscription, TopicPartition};

/// Kafka's `AbstractStickyAssignor.DEFAULT_GENERATION`.
pub const DEFAULT_GENERATION: i32 = -1;

/// Which concrete assignor decodes the member data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `StickyAssignor`: ownership and generation from user data.
    Eager,
    /// `CooperativeStickyAssignor`: ownership and generation from the subscription fields.
    Cooperative,
}

/// What the shared algorithm returns.
pub(crate) struct StickyOutcome {
    /// One list per member of `group.members`.
    pub assignment: Vec<Vec<TopicPartition>>,
    /// `partitionsTransferringOwnership`: computed by the constrained algorithm only (Kafka sets
    /// it to `null` for the general one). Partition → index of its new member.
    pub transferring: Option<Vec<(TopicPartition, usize)>>,
}

/// `AbstractStickyAssignor.MemberData` as `memberData(subscription)` returns it.
struct MemberData {
    partitions: Vec<TopicPartition>,
    generation: Option<i32>,
}

fn member_data(m: &Subscription, flavor: Flavor) -> MemberData {
    match flavor {
        Flavor::Cooperative => MemberData {
            partitions: m.owned_partitions.clone(),
            // Subscription(…, int generationId, …) turns a negative id into "absent".
            generation: m.generation.filter(|g| *g >= 0),
        },
        Flavor::Eager => {
            if m.owned_partitions.is_empty() && m.generation.is_none() {
                // No user data at all.
                return MemberData {
                    partitions: Vec::new(),
                    generation: None,
                };
            }
            // serializeTopicPartitionAssignment groups by topic with HashMap.computeIfAbsent; the decoder
            // returns the groups in that map's order, each group in its original order.
            let topics =
                java::compute_if_absent_order(m.owned_partitions.iter().map(|tp| tp.topic.clone()));
            let partitions = topics
                .iter()
                .flat_map(|t| m.owned_partitions.iter().filter(move |tp| &tp.topic == t))
                .cloned()
                .collect();
            MemberData {
                partitions,
                generation: m.generation,
            }
        }
    }
}

/// `Subscription.generationId().orElse(DEFAULT_GENERATION)`.
fn subscription_generation(m: &Subscription) -> i32 {
    m.generation
        .filter(|g| *g >= 0)
        .unwrap_or(DEFAULT_GENERATION)
}

fn remove_first(list: &mut Vec<TopicPartition>, tp: &TopicPartition) -> bool {
    match list.iter().position(|x| x == tp) {
        Some(i) => {
            list.remove(i);
            true
        }
        None => false,
    }
}

/// Result of `allSubscriptionsEqual`.
struct Claims {
    all_equal: bool,
    /// `consumerToOwnedPartitions`, per member.
    owned: Vec<Vec<TopicPartition>>,
    /// `partitionsWithMultiplePreviousOwners`.
    multiple_owners: HashSet<TopicPartition>,
    /// The assignor's `maxGeneration`.
    max_generation: i32,
}

fn all_subscriptions_equal(group: &Group, data: &[MemberData]) -> Claims {
    let all_topics: HashSet<&str> = group.topics.iter().map(|(t, _)| t.as_str()).collect();
    let mut all_equal = true;
    let mut subscribed: HashSet<&str> = HashSet::new();
    let mut previous_owner: HashMap<TopicPartition, usize> = HashMap::new();
    let mut owned: Vec<Vec<TopicPartition>> = vec![Vec::new(); group.members.len()];
    let mut multiple_owners = HashSet::new();
    let mut max_generation = DEFAULT_GENERATION;

    for (i, m) in group.members.iter().enumerate() {
        // Kafka seeds the set from the first member with a non-empty subscription.
        if subscribed.is_empty() {
            subscribed.extend(m.topics.iter().map(String::as_str));
        } else if all_equal
            && !(m.topics.len() == subscribed.len()
                && m.topics.iter().all(|t| subscribed.contains(t.as_str())))
        {
            all_equal = false;
        }
        let generation = data[i].generation.unwrap_or(DEFAULT_GENERATION);
        max_generation = max_generation.max(generation);
        for tp in &data[i].partitions {
            if !all_topics.contains(tp.topic.as_str()) {
                continue;
            }
            match previous_owner.get(tp).copied() {
                None => {
                    owned[i].push(tp.clone());
                    previous_owner.insert(tp.clone(), i);
                }
                Some(other) => {
                    let other_generation = subscription_generation(&group.members[other]);
                    if generation == other_generation {
                        multiple_owners.insert(tp.clone());
                        remove_first(&mut owned[other], tp);
                        previous_owner.insert(tp.clone(), i);
                    } else if generation > other_generation {
                        owned[i].push(tp.clone());
                        remove_first(&mut owned[other], tp);
                        previous_owner.insert(tp.clone(), i);
                    }
                }
            }
        }
    }
    Claims {
        all_equal,
        owned,
        multiple_owners,
        max_generation,
    }
}

/// `AbstractStickyAssignor.assignPartitions` for a group without racks.
pub(crate) fn assign(group: &Group, flavor: Flavor) -> StickyOutcome {
    let data: Vec<MemberData> = group
        .members
        .iter()
        .map(|m| member_data(m, flavor))
        .collect();
    let claims = all_subscriptions_equal(group, &data);
    if claims.all_equal {
        let (assignment, transferring) = constrained_assign(group, claims);
        StickyOutcome {
            assignment,
            transferring: Some(transferring),
        }
    } else {
        let assignment = GeneralBuilder::new(group, &data, claims).build();
        StickyOutcome {
            assignment,
            transferring: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Constrained assignment (all subscriptions equal).
// ---------------------------------------------------------------------------------------------

fn compare_tp_topic_first(a: &TopicPartition, b: &TopicPartition) -> std::cmp::Ordering {
    compare_str(&a.topic, &b.topic).then(a.partition.cmp(&b.partition))
}

/// `ConstrainedAssignmentBuilder.build` without its rack-aware round.
fn constrained_assign(
    group: &Group,
    claims: Claims,
) -> (Vec<Vec<TopicPartition>>, Vec<(TopicPartition, usize)>) {
    let n = group.members.len();
    let total: usize = group.topics.iter().map(|(_, c)| *c as usize).sum();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0usize;

    let mut assignment: Vec<Vec<TopicPartition>> = vec![Vec::new(); n];
    let mut assigned: Vec<TopicPartition> = Vec::new();
    let mut maybe_revoked: HashMap<TopicPartition, usize> = HashMap::new();
    let mut under_min: Vec<usize> = Vec::new();
    let mut exactly_min: VecDeque<usize> = VecDeque::new();

    // consumerToOwnedPartitions is a fresh HashMap filled in subscription order, so it iterates
    // in the same order as the members.
    for (i, owned) in claims.owned.iter().enumerate() {
        let mut owned = owned.clone();
        crate::order::sort_by(&mut owned, |a, b| {
            a.partition
                .cmp(&b.partition)
                .then(compare_str(&a.topic, &b.topic))
        });
        owned.retain(|tp| !claims.multiple_owners.contains(tp));
        if owned.len() < min_quota {
            assignment[i].extend(owned.iter().cloned());
            assigned.extend(owned);
            under_min.push(i);
        } else if owned.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            assignment[i].extend(owned[..max_quota].iter().cloned());
            assigned.extend(owned[..max_quota].iter().cloned());
            for tp in &owned[max_quota..] {
                maybe_revoked.insert(tp.clone(), i);
            }
        } else {
            assignment[i].extend(owned[..min_quota].iter().cloned());
            assigned.extend(owned[..min_quota].iter().cloned());
            for tp in &owned[min_quota..] {
                maybe_revoked.insert(tp.clone(), i);
            }
            if current_over_min < expected_over_min {
                exactly_min.push_back(i);
            }
        }
    }

    let unassigned = constrained_unassigned(group, assigned);
    let by_id = |a: &usize, b: &usize| {
        compare_str(&group.members[*a].member_id, &group.members[*b].member_id)
    };
    crate::order::sort_by(&mut under_min, by_id);
    crate::order::sort_by(exactly_min.make_contiguous(), by_id);

    let mut transferring: Vec<(TopicPartition, usize)> = Vec::new();
    let mut assign_new =
        |tp: &TopicPartition, c: usize, assignment: &mut Vec<Vec<TopicPartition>>| {
            assignment[c].push(tp.clone());
            let moved = maybe_revoked.get(tp).is_some_and(|&prev| prev != c);
            if moved || claims.multiple_owners.contains(tp) {
                transferring.retain(|(p, _)| p != tp);
                transferring.push((tp.clone(), c));
            }
            assignment[c].len()
        };

    // assignRoundRobin: `cursor` is the position of a Java iterator over `under_min`.
    let mut cursor = 0usize;
    for tp in &unassigned {
        let consumer;
        let mut from_iterator = true;
        if cursor < under_min.len() {
            consumer = under_min[cursor];
            cursor += 1;
        } else if under_min.is_empty() && exactly_min.is_empty() {
            // Kafka throws IllegalStateException here; the quotas make it unreachable.
            debug_assert!(false, "no unfilled member left for {tp}");
            break;
        } else if under_min.is_empty() {
            consumer = exactly_min.pop_front().expect("checked non-empty");
            from_iterator = false;
        } else {
            consumer = under_min[0];
            cursor = 1;
        }
        let count = assign_new(tp, consumer, &mut assignment);
        if count == min_quota {
            debug_assert!(
                from_iterator,
                "a member from the min-quota queue reached minQuota"
            );
            if from_iterator {
                cursor -= 1;
                under_min.remove(cursor);
            }
            exactly_min.push_back(consumer);
        }
        // Kafka also counts members reaching maxQuota here, but only for a log line.
    }
    (assignment, transferring)
}

/// `ConstrainedAssignmentBuilder.getUnassignedPartitions`: all partitions by topic then number,
/// minus the assigned ones, found by walking both sorted lists.
fn constrained_unassigned(group: &Group, mut assigned: Vec<TopicPartition>) -> Vec<TopicPartition> {
    let all = group
        .topics
        .iter()
        .flat_map(|(t, c)| (0..*c).map(move |p| TopicPartition::new(t.as_str(), p)));
    if assigned.is_empty() {
        return all.collect();
    }
    crate::order::sort_by(&mut assigned, compare_tp_topic_first);
    let mut next = assigned.iter();
    let mut pending = next.next();
    let mut out = Vec::new();
    for tp in all {
        match pending {
            Some(a) if *a == tp => pending = next.next(),
            _ => out.push(tp),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// General assignment (subscriptions differ).
// ---------------------------------------------------------------------------------------------

/// A move of partitions from one member to another: `ConsumerPair` (source, destination).
type Pair = (usize, usize);

/// `AbstractStickyAssignor.PartitionMovements`. The per-pair partition sets are Java `HashSet`s
/// because Kafka takes "the first" of one when it reverses a move.
#[derive(Default)]
struct PartitionMovements {
    by_topic: HashMap<String, HashMap<Pair, JavaHashSet<TopicPartition>>>,
    of_partition: HashMap<TopicPartition, Pair>,
}

impl PartitionMovements {
    fn remove_record(&mut self, tp: &TopicPartition) -> Pair {
        let pair = self.of_partition.remove(tp).expect("a recorded movement");
        let topic_moves = self
            .by_topic
            .get_mut(&tp.topic)
            .expect("topic has movements");
        let set = topic_moves.get_mut(&pair).expect("pair has movements");
        set.remove(tp);
        if set.is_empty() {
            topic_moves.remove(&pair);
        }
        if topic_moves.is_empty() {
            self.by_topic.remove(&tp.topic);
        }
        pair
    }

    fn add_record(&mut self, tp: &TopicPartition, pair: Pair) {
        self.of_partition.insert(tp.clone(), pair);
        self.by_topic
            .entry(tp.topic.clone())
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp.clone());
    }

    fn move_partition(&mut self, tp: &TopicPartition, old: usize, new: usize) {
        if self.of_partition.contains_key(tp) {
            let existing = self.remove_record(tp);
            if existing.0 != new {
                self.add_record(tp, (existing.0, new));
            }
        } else {
            self.add_record(tp, (old, new));
        }
    }

    /// `getTheActualPartitionToBeMoved`: undo an earlier move in the opposite direction rather
    /// than make a new one.
    fn actual_partition_to_move(
        &self,
        tp: &TopicPartition,
        old: usize,
        new: usize,
    ) -> TopicPartition {
        let Some(topic_moves) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let old = self.of_partition.get(tp).map_or(old, |pair| pair.0);
        match topic_moves.get(&(new, old)).and_then(|set| set.first()) {
            Some(first) => first.clone(),
            None => tp.clone(),
        }
    }
}

struct GeneralBuilder<'g> {
    group: &'g Group,
    /// `topic2AllPotentialConsumers`.
    topic_consumers: HashMap<String, Vec<usize>>,
    /// `consumer2AllPotentialTopics`.
    consumer_topics: Vec<Vec<String>>,
    /// `currentAssignment`; `fixed` marks members Kafka takes out of the map while balancing.
    current: Vec<Vec<TopicPartition>>,
    fixed: Vec<bool>,
    /// `currentPartitionConsumer`.
    owner: HashMap<TopicPartition, usize>,
    sorted_all_partitions: Vec<TopicPartition>,
    /// `sortedCurrentSubscriptions`: (assignment size, rank of member id in Java order).
    sorted_subs: VecSet<(usize, usize)>,
    rank: Vec<usize>,
    by_rank: Vec<usize>,
    revocation_required: bool,
    movements: PartitionMovements,
    data: &'g [MemberData],
    max_generation: i32,
    /// Partition count per participating topic.
    counts: HashMap<String, u32>,
    /// `getMaxAssignmentSize` per member: all partitions of its subscribed topics.
    max_size: Vec<usize>,
}

impl<'g> GeneralBuilder<'g> {
    fn new(group: &'g Group, data: &'g [MemberData], claims: Claims) -> Self {
        let n = group.members.len();
        let mut topic_consumers: HashMap<String, Vec<usize>> = group
            .topics
            .iter()
            .map(|(t, _)| (t.clone(), Vec::new()))
            .collect();
        let mut consumer_topics = vec![Vec::new(); n];
        for (i, m) in group.members.iter().enumerate() {
            for t in &m.topics {
                if let Some(list) = topic_consumers.get_mut(t) {
                    list.push(i);
                    consumer_topics[i].push(t.clone());
                }
            }
        }
        let current = claims.owned;
        let mut owner = HashMap::new();
        for (i, list) in current.iter().enumerate() {
            for tp in list {
                owner.insert(tp.clone(), i);
            }
        }
        // TopicComparator: fewer potential consumers first, then topic name.
        let mut sorted_topics: Vec<&(String, u32)> = group.topics.iter().collect();
        crate::order::sort_by(&mut sorted_topics, |a, b| {
            topic_consumers[&a.0]
                .len()
                .cmp(&topic_consumers[&b.0].len())
                .then(compare_str(&a.0, &b.0))
        });
        let sorted_all_partitions = sorted_topics
            .iter()
            .flat_map(|(t, c)| (0..*c).map(move |p| TopicPartition::new(t.as_str(), p)))
            .collect();
        let mut by_rank: Vec<usize> = (0..n).collect();
        crate::order::sort_by(&mut by_rank, |a, b| {
            compare_str(&group.members[*a].member_id, &group.members[*b].member_id)
        });
        let mut rank = vec![0; n];
        for (r, &i) in by_rank.iter().enumerate() {
            rank[i] = r;
        }
        let counts: HashMap<String, u32> = group.topics.iter().cloned().collect();
        let max_size = consumer_topics
            .iter()
            .map(|topics: &Vec<String>| topics.iter().map(|t| counts[t] as usize).sum())
            .collect();
        GeneralBuilder {
            group,
            counts,
            max_size,
            topic_consumers,
            consumer_topics,
            current,
            fixed: vec![false; n],
            owner,
            sorted_all_partitions,
            sorted_subs: VecSet::new(),
            rank,
            by_rank,
            revocation_required: false,
            movements: PartitionMovements::default(),
            data,
            max_generation: claims.max_generation,
        }
    }

    fn key(&self, c: usize) -> (usize, usize) {
        (self.current[c].len(), self.rank[c])
    }

    fn subs_in_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.sorted_subs.iter().map(|&(_, r)| self.by_rank[r])
    }

    fn build(mut self) -> Vec<Vec<TopicPartition>> {
        let prev = self.prepopulate_previous();
        let assigned = self.assign_owned_partitions();
        let unassigned = self.unassigned_partitions(assigned);
        for c in 0..self.group.members.len() {
            self.sorted_subs.insert(self.key(c));
        }
        self.balance(&prev, unassigned);
        self.current
    }

    /// `prepopulateCurrentAssignments`: partitions owned in generations below the newest, for
    /// moving partitions back to where they were.
    fn prepopulate_previous(&self) -> HashMap<TopicPartition, (usize, i32)> {
        let mut prev: HashMap<TopicPartition, (usize, i32)> = HashMap::new();
        for (i, md) in self.data.iter().enumerate() {
            let generation = match md.generation {
                Some(g) if g < self.max_generation => g,
                None if self.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for tp in &md.partitions {
                match prev.get(tp) {
                    Some(&(_, g)) if generation <= g => {}
                    _ => {
                        prev.insert(tp.clone(), (i, generation));
                    }
                }
            }
        }
        prev
    }

    fn assign_owned_partitions(&mut self) -> Vec<TopicPartition> {
        let mut assigned = Vec::new();
        for c in 0..self.current.len() {
            let list = std::mem::take(&mut self.current[c]);
            let mut kept = Vec::with_capacity(list.len());
            for tp in list {
                if !self.topic_consumers.contains_key(&tp.topic) {
                    self.owner.remove(&tp);
                } else if !self.group.members[c].topics.contains(&tp.topic) {
                    // Kafka leaves the stale currentPartitionConsumer entry in place.
                    self.revocation_required = true;
                } else {
                    assigned.push(tp.clone());
                    kept.push(tp);
                }
            }
            self.current[c] = kept;
        }
        assigned
    }

    fn unassigned_partitions(&self, mut assigned: Vec<TopicPartition>) -> Vec<TopicPartition> {
        if assigned.is_empty() {
            return self.sorted_all_partitions.clone();
        }
        // PartitionComparator: potential consumer count, topic, partition.
        crate::order::sort_by(&mut assigned, |a, b| {
            self.topic_consumers[&a.topic]
                .len()
                .cmp(&self.topic_consumers[&b.topic].len())
                .then(compare_str(&a.topic, &b.topic))
                .then(a.partition.cmp(&b.partition))
        });
        let mut next = assigned.iter();
        let mut pending = next.next();
        let mut out = Vec::new();
        for tp in &self.sorted_all_partitions {
            match pending {
                Some(a) if a == tp => pending = next.next(),
                _ => out.push(tp.clone()),
            }
        }
        out
    }

    fn max_assignment_size(&self, c: usize) -> usize {
        self.max_size[c]
    }

    fn topic_can_move(&self, topic: &str) -> bool {
        self.topic_consumers
            .get(topic)
            .is_some_and(|c| c.len() >= 2)
    }

    fn consumer_can_move(&self, c: usize) -> bool {
        self.current[c].len() < self.max_assignment_size(c)
            || self.current[c]
                .iter()
                .any(|tp| self.topic_can_move(&tp.topic))
    }

    fn balance_score(&self) -> i64 {
        let sizes: Vec<i64> = (0..self.current.len())
            .filter(|&c| !self.fixed[c])
            .map(|c| self.current[c].len() as i64)
            .collect();
        let mut score = 0;
        for i in 0..sizes.len() {
            for j in i + 1..sizes.len() {
                score += (sizes[i] - sizes[j]).abs();
            }
        }
        score
    }

    fn balance(
        &mut self,
        prev: &HashMap<TopicPartition, (usize, i32)>,
        mut unassigned: Vec<TopicPartition>,
    ) {
        let last = *self
            .sorted_subs
            .iter()
            .next_back()
            .expect("at least one member");
        let initializing = self.current[self.by_rank[last.1]].is_empty();

        // maybeAssign without rack matching; assigned partitions stay in `unassigned`.
        for tp in &unassigned {
            if self.topic_consumers[&tp.topic].is_empty() {
                continue;
            }
            let target = self
                .subs_in_order()
                .find(|&c| self.consumer_topics[c].contains(&tp.topic));
            if let Some(c) = target {
                self.sorted_subs.remove(&self.key(c));
                self.current[c].push(tp.clone());
                self.owner.insert(tp.clone(), c);
                self.sorted_subs.insert(self.key(c));
            }
        }

        let fixed_topics: HashSet<String> = self
            .topic_consumers
            .keys()
            .filter(|t| !self.topic_can_move(t))
            .cloned()
            .collect();
        self.sorted_all_partitions
            .retain(|tp| !fixed_topics.contains(&tp.topic));
        unassigned.retain(|tp| !fixed_topics.contains(&tp.topic));

        for c in 0..self.current.len() {
            if !self.consumer_can_move(c) {
                self.sorted_subs.remove(&self.key(c));
                self.fixed[c] = true;
            }
        }

        let pre_balance: Vec<Option<Vec<TopicPartition>>> = (0..self.current.len())
            .map(|c| (!self.fixed[c]).then(|| self.current[c].clone()))
            .collect();
        let pre_balance_owner = self.owner.clone();
        let pre_balance_score = self.balance_score();

        if !self.revocation_required {
            self.perform_reassignments(&unassigned, prev);
        }
        let all = self.sorted_all_partitions.clone();
        let performed = self.perform_reassignments(&all, prev);

        if !initializing && performed && self.balance_score() >= pre_balance_score {
            for (c, saved) in pre_balance.into_iter().enumerate() {
                if let Some(list) = saved {
                    self.current[c] = list;
                }
            }
            self.owner = pre_balance_owner;
        }
        for c in 0..self.current.len() {
            if self.fixed[c] {
                self.fixed[c] = false;
                self.sorted_subs.insert(self.key(c));
            }
        }
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[TopicPartition],
        prev: &HashMap<TopicPartition, (usize, i32)>,
    ) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(&consumer) = self.owner.get(tp) else {
                    continue;
                };
                if let Some(&(prev_owner, _)) = prev.get(tp) {
                    if !self.fixed[prev_owner]
                        && self.current[consumer].len() > self.current[prev_owner].len() + 1
                    {
                        self.reassign(tp, prev_owner);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let size = self.current[consumer].len();
                let better = self.topic_consumers[&tp.topic]
                    .iter()
                    .any(|&other| !self.fixed[other] && size > self.current[other].len() + 1);
                if better {
                    let target = self
                        .subs_in_order()
                        .find(|&c| self.consumer_topics[c].contains(&tp.topic))
                        .expect("the owner's topic has a subscriber");
                    self.reassign(tp, target);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign(&mut self, tp: &TopicPartition, new_owner: usize) {
        let old_owner = self.owner[tp];
        let to_move = self
            .movements
            .actual_partition_to_move(tp, old_owner, new_owner);
        let old_owner = self.owner[&to_move];
        self.sorted_subs.remove(&self.key(old_owner));
        self.sorted_subs.remove(&self.key(new_owner));
        self.movements
            .move_partition(&to_move, old_owner, new_owner);
        remove_first(&mut self.current[old_owner], &to_move);
        self.current[new_owner].push(to_move.clone());
        self.owner.insert(to_move, new_owner);
        self.sorted_subs.insert(self.key(new_owner));
        self.sorted_subs.insert(self.key(old_owner));
    }

    /// `isBalanced`: sizes within one of each other, or no partition could move to a member
    /// with two fewer without breaking subscriptions.
    fn is_balanced(&self) -> bool {
        let (Some(first), Some(last)) = (self.sorted_subs.first(), self.sorted_subs.last()) else {
            return true;
        };
        if first.0 + 1 >= last.0 {
            return true;
        }
        for c in self.subs_in_order() {
            let count = self.current[c].len();
            if count == self.max_assignment_size(c) {
                continue;
            }
            for topic in &self.consumer_topics[c] {
                let partitions = self.counts[topic];
                for p in 0..partitions {
                    let tp = TopicPartition::new(topic.as_str(), p);
                    if let Some(&other) = self.owner.get(&tp) {
                        if other != c && count + 1 < self.current[other].len() {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }
}

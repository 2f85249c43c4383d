//! The group coordinator's side of the classic protocol (`GroupMetadataManager` for classic
//! groups in Kafka's group-coordinator module): JoinGroup, SyncGroup, heartbeats' session
//! expiry, LeaveGroup and OffsetCommit.
//!
//! * C8: state changes go through `Simulation::transition`, which checks Kafka's allowed
//!   previous states and reports any other move to the checker.
//! * C9: the first join of an Empty group waits `group.initial.rebalance.delay.ms`, extended by
//!   another delay while new members keep arriving, bounded by the rebalance timeout.
//! * C10: a member without heartbeats for `session.timeout.ms` is removed; the rebalance
//!   timeout is `max.poll.interval.ms`. A member waiting in JoinGroup sends no heartbeats and
//!   is kept (a new member for five minutes, then told to join again), and a completed join
//!   phase starts every member's session afresh.
//! * C15: a static member (with `group.instance.id`) that rejoins a Stable group gets its old
//!   assignment back under a new member id, with no rebalance.
//!
//! Simplified: the leader's assignor runs inside the coordinator as soon as the join phase
//! completes (one network hop later), and KIP-394's MEMBER_ID_REQUIRED round trip is skipped.

use crate::vec_map::VecMap;

use crate::assignor::{assign_in_join_order, RebalanceProtocol, Subscription, TopicPartition};
use crate::consumer::MemberPhase;
use crate::group::{GroupState, Member, NEW_MEMBER_JOIN_TIMEOUT_MS};
use crate::sim::{Event, Simulation};
use crate::trace::EventKind;

impl Simulation {
    /// Moves `group` to `to`, recording the change; a move Kafka does not allow is a violation.
    pub(crate) fn transition(&mut self, group: usize, to: GroupState) {
        let g = &mut self.groups[group];
        let from = g.state;
        if from == to {
            return;
        }
        if !to.can_follow(from) {
            let id = g.id.clone();
            let detail = format!("{} cannot follow {} (C8)", to.name(), from.name());
            self.checker.on_invariant(
                self.now_ms,
                "illegal-group-transition",
                &id,
                String::new(),
                detail,
            );
        }
        let g = &mut self.groups[group];
        g.state = to;
        let (id, generation) = (g.id.clone(), g.generation);
        self.emit_milestone(EventKind::GroupStateChanged {
            group: id.into(),
            from,
            to,
            generation,
        });
    }

    /// Starts a rebalance of a group that has members (a join, a leave, an expiry, new partitions).
    pub(crate) fn request_rebalance(&mut self, group: usize, reason: &str) {
        self.rebalance_for(group, reason, None);
    }

    /// [`Self::request_rebalance`] for a JoinGroup from `joining`: that member waits in the new
    /// join phase already, so it is not among those told to join again.
    fn rebalance_for(&mut self, group: usize, _reason: &str, joining: Option<&str>) {
        let g = &mut self.groups[group];
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                // Members waiting for their SyncGroup answer get REBALANCE_IN_PROGRESS and
                // join again at once (prepareRebalance: resetAndPropagateAssignmentError).
                let syncing: Vec<(usize, String)> = if g.state == GroupState::CompletingRebalance {
                    g.members
                        .values()
                        .filter(|m| Some(m.member_id.as_str()) != joining)
                        .map(|m| (m.consumer, m.member_id.clone()))
                        .collect()
                } else {
                    Vec::new()
                };
                for m in g.members.values_mut() {
                    m.joined = false;
                }
                g.join_epoch += 1;
                g.in_initial_delay = false;
                let epoch = g.join_epoch;
                let timeout = g.config.max_poll_interval_ms;
                self.transition(group, GroupState::PreparingRebalance);
                self.schedule_in(timeout, Event::JoinDeadline { group, epoch });
                for (consumer, member_id) in syncing {
                    self.sync_refused(consumer, &member_id);
                }
            }
            GroupState::PreparingRebalance | GroupState::Empty | GroupState::Dead => {}
        }
    }

    fn new_member_id(&mut self, client_id: &str) -> String {
        // Kafka: client.id + "-" + a random UUID. Drawn from the simulation's generator.
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{client_id}-{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    pub(crate) fn on_join(&mut self, consumer: usize, incarnation: u32) {
        let c = &self.consumers[consumer];
        if c.incarnation != incarnation || c.phase != MemberPhase::Joining {
            return;
        }
        let group = c.group;
        let name = c.name.clone();
        let instance_id = c.instance_id.clone();
        let owned = c.assignment.clone();
        let now = self.now_ms;

        // Static member coming back (C15): replace its old member id.
        let static_old = instance_id.as_ref().and_then(|iid| {
            self.groups[group]
                .members
                .values()
                .find(|m| m.group_instance_id.as_ref() == Some(iid))
                .map(|m| m.member_id.clone())
        });
        let existing = self.consumers[consumer]
            .member_id
            .clone()
            .filter(|id| self.groups[group].members.contains_key(id));

        let member_id = match (existing, static_old) {
            (Some(id), _) => id,
            (None, Some(old_id)) => {
                let new_id = self.new_member_id(&name);
                let g = &mut self.groups[group];
                let mut member = g.members.remove(&old_id).expect("found above");
                member.member_id = new_id.clone();
                member.consumer = consumer;
                member.last_heartbeat_ms = now;
                if g.leader.as_deref() == Some(old_id.as_str()) {
                    g.leader = Some(new_id.clone());
                }
                let stable = g.state == GroupState::Stable;
                g.members.insert(new_id.clone(), member);
                // The member keeps its place in the join order under its new id.
                if let Some(order) = self.join_order.get_mut(&group) {
                    for id in order.iter_mut().filter(|id| **id == old_id) {
                        *id = new_id.clone();
                    }
                }
                self.consumers[consumer].member_id = Some(new_id.clone());
                self.consumers[consumer].member_epoch += 1;
                self.emit(EventKind::MemberJoined {
                    group: self.groups[group].id.clone().into(),
                    consumer: name.into(),
                    member_id: new_id.clone().into(),
                });
                if stable {
                    // No rebalance: the member gets the assignment it had.
                    let generation = self.groups[group].generation;
                    self.consumers[consumer].generation = generation;
                    self.schedule_in(
                        self.config.network_latency_ms,
                        Event::AssignmentArrives {
                            consumer,
                            incarnation,
                            generation,
                        },
                    );
                    return;
                }
                new_id
            }
            (None, None) => {
                let id = self.new_member_id(&name);
                let g = &mut self.groups[group];
                g.members.insert(
                    id.clone(),
                    Member {
                        member_id: id.clone(),
                        group_instance_id: instance_id,
                        consumer,
                        joined: false,
                        owned: Vec::new(),
                        assignment: Vec::new(),
                        last_heartbeat_ms: now,
                        is_new: true,
                    },
                );
                self.join_order_push(group, &id);
                self.consumers[consumer].member_id = Some(id.clone());
                self.consumers[consumer].member_epoch += 1;
                self.emit(EventKind::MemberJoined {
                    group: self.groups[group].id.clone().into(),
                    consumer: name.into(),
                    member_id: id.clone().into(),
                });
                id
            }
        };

        let g = &mut self.groups[group];
        let m = g.members.get_mut(&member_id).expect("member present");
        m.joined = true;
        m.owned = owned;
        m.last_heartbeat_ms = now;
        m.consumer = consumer;
        // The session check finds the member waiting in the join phase and keeps it (see
        // `on_session_check`); a new member is kept for NEW_MEMBER_JOIN_TIMEOUT_MS at most.
        let session = g.config.session_timeout_ms;
        self.schedule_in(
            session,
            Event::SessionCheck {
                group,
                member_id: member_id.clone(),
            },
        );

        match self.groups[group].state {
            GroupState::Empty | GroupState::Dead => {
                // C9: the first member of an empty group waits for others to arrive.
                let g = &mut self.groups[group];
                g.join_epoch += 1;
                g.in_initial_delay = true;
                g.joined_during_delay = false;
                let delay = g.config.initial_rebalance_delay_ms;
                g.initial_delay_remaining_ms = g.config.max_poll_interval_ms.saturating_sub(delay);
                let epoch = g.join_epoch;
                self.transition(group, GroupState::PreparingRebalance);
                self.schedule_in(delay, Event::JoinDeadline { group, epoch });
            }
            GroupState::PreparingRebalance => {
                let g = &mut self.groups[group];
                if g.in_initial_delay {
                    // Every rebalance out of Empty extends its delay for a new member, not
                    // only generation 0's (GroupMetadataManager: previousState == EMPTY).
                    g.joined_during_delay = true;
                } else if g.members.values().all(|m| m.joined) {
                    self.complete_join(group);
                }
            }
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.rebalance_for(group, "a member joined", Some(&member_id));
                // The joining member already counts as joined for the new phase.
                if let Some(m) = self.groups[group].members.get_mut(&member_id) {
                    m.joined = true;
                }
                if self.groups[group].members.values().all(|m| m.joined) {
                    self.complete_join(group);
                }
            }
        }
    }

    fn join_order_push(&mut self, group: usize, member_id: &str) {
        let order = self.join_order.entry(group).or_default();
        order.retain(|id| id != member_id);
        order.push(member_id.to_owned());
    }

    pub(crate) fn on_join_deadline(&mut self, group: usize, epoch: u64) {
        let g = &mut self.groups[group];
        if g.join_epoch != epoch || g.state != GroupState::PreparingRebalance {
            return;
        }
        if g.in_initial_delay {
            if g.joined_during_delay && g.initial_delay_remaining_ms > 0 {
                // C9: new members arrived during the delay: wait once more, within the budget.
                let delay = g
                    .config
                    .initial_rebalance_delay_ms
                    .min(g.initial_delay_remaining_ms);
                g.initial_delay_remaining_ms = g
                    .initial_delay_remaining_ms
                    .saturating_sub(g.config.initial_rebalance_delay_ms);
                g.joined_during_delay = false;
                self.schedule_in(delay, Event::JoinDeadline { group, epoch });
                return;
            }
            g.in_initial_delay = false;
        }
        self.complete_join(group);
    }

    /// Ends the join phase: members that did not rejoin are removed, the generation moves on,
    /// and the leader's assignor runs (C8: PreparingRebalance → CompletingRebalance).
    fn complete_join(&mut self, group: usize) {
        let g = &mut self.groups[group];
        if g.in_initial_delay {
            return;
        }
        g.join_epoch += 1;
        let missing: Vec<String> = g
            .members
            .values()
            .filter(|m| !m.joined)
            .map(|m| m.member_id.clone())
            .collect();
        for member_id in missing {
            self.remove_member(
                group,
                &member_id,
                "did not rejoin before the rebalance timeout".into(),
            );
        }
        let g = &mut self.groups[group];
        g.generation += 1;
        // onCompleteJoin: every member's session starts again now, and none is new any more
        // (completeAndScheduleNextHeartbeatExpiration). The heartbeat thread resumes only
        // once the member has its assignment.
        let now = self.now_ms;
        let session = g.config.session_timeout_ms;
        let mut checks = Vec::with_capacity(g.members.len());
        for m in g.members.values_mut() {
            m.last_heartbeat_ms = now;
            m.is_new = false;
            checks.push(m.member_id.clone());
        }
        for member_id in checks {
            self.schedule_in(session, Event::SessionCheck { group, member_id });
        }
        let g = &mut self.groups[group];
        if g.members.is_empty() {
            g.leader = None;
            g.protocol = None;
            self.transition(group, GroupState::Empty);
            return;
        }
        g.protocol = Some(g.config.assignor);
        if g.leader.as_ref().is_none_or(|l| !g.members.contains_key(l)) {
            let order = self.join_order.get(&group).cloned().unwrap_or_default();
            let g = &mut self.groups[group];
            g.leader = order.into_iter().find(|id| g.members.contains_key(id));
        }
        let generation = self.groups[group].generation;
        self.transition(group, GroupState::CompletingRebalance);
        // JoinResponse to the leader, then its SyncGroup with the assignment.
        self.schedule_in(
            2 * self.config.network_latency_ms,
            Event::SyncArrives { group, generation },
        );
    }

    pub(crate) fn on_sync(&mut self, group: usize, generation: i32) {
        let g = &self.groups[group];
        if g.generation != generation || g.state != GroupState::CompletingRebalance {
            return;
        }
        let kind = g.config.assignor;
        let mut partitions: VecMap<String, u32> = VecMap::new();
        for topic in &g.topics {
            if let Some(t) = self.topics.get(topic) {
                partitions.insert(topic.clone(), t.partition_count());
            }
        }
        let order = self.join_order.get(&group).cloned().unwrap_or_default();
        let subscriptions: Vec<Subscription> = order
            .iter()
            .filter_map(|id| g.members.get(id))
            .map(|m| Subscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topics: g.topics.clone(),
                owned_partitions: m.owned.clone(),
                generation: Some(generation - 1),
            })
            .collect();
        let assignment = assign_in_join_order(kind, &partitions, &subscriptions);
        self.check_assignment(group, &assignment, kind.rebalance_protocol());
        let g = &mut self.groups[group];
        for (member_id, tps) in assignment {
            if let Some(m) = g.members.get_mut(&member_id) {
                m.assignment = tps;
            }
        }
        let members: Vec<(usize, String)> = g
            .members
            .values()
            .map(|m| (m.consumer, m.member_id.clone()))
            .collect();
        self.transition(group, GroupState::Stable);
        for (consumer, member_id) in members {
            let c = &self.consumers[consumer];
            if c.member_id.as_deref() == Some(member_id.as_str()) {
                let incarnation = c.incarnation;
                self.schedule_in(
                    self.config.network_latency_ms,
                    Event::AssignmentArrives {
                        consumer,
                        incarnation,
                        generation,
                    },
                );
            }
        }
    }

    /// C11: within a group each partition has at most one owner; eager assignors give every
    /// subscribed partition to someone.
    fn check_assignment(
        &mut self,
        group: usize,
        assignment: &VecMap<String, Vec<TopicPartition>>,
        protocol: RebalanceProtocol,
    ) {
        let mut owners: VecMap<&TopicPartition, usize> = VecMap::new();
        for tps in assignment.values() {
            for tp in tps {
                *owners.entry(tp).or_default() += 1;
            }
        }
        let id = self.groups[group].id.clone();
        let mut problems = Vec::new();
        for (tp, n) in &owners {
            if *n > 1 {
                problems.push((
                    "double-assignment",
                    tp.to_string(),
                    format!("{tp} assigned to {n} members"),
                ));
            }
        }
        if protocol == RebalanceProtocol::Eager {
            for topic in &self.groups[group].topics {
                let count = self.topics.get(topic).map_or(0, |t| t.partition_count());
                for p in 0..count {
                    let tp = TopicPartition {
                        topic: topic.clone(),
                        partition: p,
                    };
                    if !owners.contains_key(&tp) {
                        problems.push((
                            "unassigned-partition",
                            tp.to_string(),
                            format!("{tp} has no owner"),
                        ));
                    }
                }
            }
        }
        for (kind, partition, detail) in problems {
            self.checker
                .on_invariant(self.now_ms, kind, &id, partition, detail);
        }
    }

    pub(crate) fn on_session_check(&mut self, group: usize, member_id: &str) {
        let g = &self.groups[group];
        let Some(m) = g.members.get(member_id) else {
            return;
        };
        // A member parked in JoinGroup sends no heartbeats (its heartbeat thread waits for the
        // join to complete), so the coordinator keeps it (`shouldKeepAlive`): a member of the
        // last generation until the join phase ends, a new one for a while.
        let awaiting_join = g.state == GroupState::PreparingRebalance && m.joined;
        let reason = if awaiting_join {
            if !m.is_new {
                return;
            }
            let deadline = m.last_heartbeat_ms + NEW_MEMBER_JOIN_TIMEOUT_MS;
            if deadline > self.now_ms {
                let member_id = member_id.to_owned();
                self.schedule_in(
                    deadline - self.now_ms,
                    Event::SessionCheck { group, member_id },
                );
                return;
            }
            "a new member waited in JoinGroup longer than the coordinator keeps one (5 minutes)"
        } else if m.last_heartbeat_ms + g.config.session_timeout_ms > self.now_ms {
            return;
        } else {
            "session timeout expired: no heartbeat within session.timeout.ms"
        };
        let consumer = m.consumer;
        self.remove_member(group, member_id, reason.into());
        self.after_member_left(group);
        // The parked JoinGroup is answered with UNKNOWN_MEMBER_ID.
        if awaiting_join && self.consumers[consumer].member_id.as_deref() == Some(member_id) {
            self.join_refused(consumer);
        }
    }

    pub(crate) fn on_leave(&mut self, group: usize, member_id: &str, reason: String) {
        if !self.groups[group].members.contains_key(member_id) {
            return;
        }
        self.remove_member(group, member_id, reason);
        self.after_member_left(group);
    }

    fn remove_member(&mut self, group: usize, member_id: &str, reason: String) {
        let g = &mut self.groups[group];
        let Some(m) = g.members.remove(member_id) else {
            return;
        };
        if g.leader.as_deref() == Some(member_id) {
            g.leader = None;
        }
        if let Some(order) = self.join_order.get_mut(&group) {
            order.retain(|id| id != member_id);
        }
        let consumer = self.consumers[m.consumer].name.clone();
        let group_id = self.groups[group].id.clone();
        self.emit(EventKind::MemberRemoved {
            group: group_id.into(),
            consumer: consumer.into(),
            member_id: member_id.to_owned().into(),
            reason: reason.into(),
        });
    }

    fn after_member_left(&mut self, group: usize) {
        match self.groups[group].state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.request_rebalance(group, "a member left");
                if self.groups[group].members.is_empty() {
                    self.complete_join(group);
                }
            }
            GroupState::PreparingRebalance => {
                let g = &self.groups[group];
                if !g.in_initial_delay && g.members.values().all(|m| m.joined) {
                    self.complete_join(group);
                }
            }
            GroupState::Empty | GroupState::Dead => {}
        }
    }

    pub(crate) fn on_commit(
        &mut self,
        consumer: usize,
        member_epoch: u32,
        generation: i32,
        offsets: Vec<(TopicPartition, u64)>,
    ) {
        let c = &self.consumers[consumer];
        // The member id the commit was sent with, if the consumer still has it; a consumer
        // gets a new member id only after losing the old one, so a changed epoch means the
        // coordinator no longer knows the sender.
        let member_id = if c.member_epoch == member_epoch {
            c.member_id.as_deref()
        } else {
            None
        };
        let refusal = self.commit_refusal(consumer, member_id.unwrap_or(""), generation);
        if let Some(reason) = refusal {
            let group_id = self.groups[self.consumers[consumer].group].id.clone();
            let consumer_name = self.consumers[consumer].name.clone();
            self.emit(EventKind::CommitFailed {
                group: group_id.into(),
                consumer: consumer_name.into(),
                reason: reason.into(),
            });
            // CommitFailedException: the consumer learns it is out of the group and resets
            // its generation, unless it has moved on since it sent the commit.
            let fenced =
                reason.starts_with("UNKNOWN_MEMBER_ID") || reason.starts_with("ILLEGAL_GENERATION");
            let c = &self.consumers[consumer];
            if fenced && c.member_epoch == member_epoch && c.generation == generation {
                self.reset_generation(consumer);
            }
            return;
        }
        self.store_offsets(consumer, offsets);
    }

    /// Why the coordinator would refuse an offset commit from this member and generation, or
    /// `None` when it accepts it. `sendOffsetsToTransaction` is checked the same way (KIP-447).
    pub(crate) fn commit_refusal(
        &self,
        consumer: usize,
        member_id: &str,
        generation: i32,
    ) -> Option<&'static str> {
        let g = &self.groups[self.consumers[consumer].group];
        // ClassicGroup.validateOffsetCommit: the member, then its generation (the current one,
        // also while the group prepares a rebalance), then the state.
        if !g.members.contains_key(member_id) {
            Some("UNKNOWN_MEMBER_ID: the member is no longer in the group (CommitFailedException)")
        } else if g.generation != generation {
            Some("ILLEGAL_GENERATION: the group has rebalanced since (CommitFailedException)")
        } else if g.state == GroupState::CompletingRebalance {
            Some("REBALANCE_IN_PROGRESS: the group is completing a rebalance")
        } else {
            None
        }
    }

    /// Stores accepted offsets of `consumer`'s group and tells the checker.
    pub(crate) fn store_offsets(&mut self, consumer: usize, offsets: Vec<(TopicPartition, u64)>) {
        let group = self.consumers[consumer].group;
        let group_id = self.groups[group].label.clone();
        let consumer_name = self.consumers[consumer].label.clone();
        for (tp, offset) in offsets {
            let previous =
                crate::consumer::set_offset(&mut self.groups[group].committed, &tp, offset);
            if previous != Some(offset) {
                self.counters.commits += 1;
                self.checker.on_commit(self.now_ms, &group_id, &tp, offset);
                let partition_label = self.consumers[consumer].partition_label(&tp);
                self.emit(EventKind::Committed {
                    group: group_id.clone(),
                    consumer: consumer_name.clone(),
                    partition: partition_label,
                    offset,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::group::GroupState;
    use crate::scenario::Scenario;
    use crate::sim::Command;

    /// Group `g` of one consumer on topic `t`, stable at 10 s.
    fn one_stable_consumer() -> crate::Simulation {
        let mut sim = Scenario::from_json(
            r#"{"version": 1, "topics": [{"name": "t", "partitions": 2}],
                "groups": [{"id": "g", "topics": ["t"], "consumers": 1}]}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        sim.run_until(10_000);
        sim
    }

    #[test]
    fn c8_offset_commits_need_the_current_generation_also_while_a_rebalance_is_prepared() {
        let mut sim = one_stable_consumer();
        let member = sim.consumers()[0].member_id.clone().unwrap();
        let generation = sim.group("g").unwrap().generation;
        assert_eq!(sim.commit_refusal(0, &member, generation), None);
        sim.apply(Command::AddConsumer { group: "g".into() })
            .unwrap();
        sim.run_until(10_100);
        assert_eq!(
            sim.group("g").unwrap().state,
            GroupState::PreparingRebalance
        );
        // The generation has not moved yet: its members may still commit (onJoinPrepare).
        assert_eq!(sim.commit_refusal(0, &member, generation), None);
        let stale = sim.commit_refusal(0, &member, generation - 1).unwrap_or("");
        assert!(stale.starts_with("ILLEGAL_GENERATION"), "{stale}");
    }

    #[test]
    fn a_commit_refused_for_its_generation_resets_the_consumers_generation() {
        let mut sim = one_stable_consumer();
        let generation = sim.consumers()[0].generation;
        let epoch = sim.consumers()[0].member_epoch;
        // A commit from a generation the consumer has since left changes nothing.
        sim.on_commit(0, epoch, generation - 1, Vec::new());
        assert_eq!(sim.consumers()[0].generation, generation);
        // The group moved on without it: CommitFailedException, and the generation is reset,
        // so the consumer gives its partitions up as lost and joins again.
        sim.groups[0].generation += 1;
        sim.on_commit(0, epoch, generation, Vec::new());
        assert_eq!(sim.consumers()[0].generation, -1);
        // Until its next poll it still consumes, as far as it knows, outside the group.
        let name = sim.consumers()[0].name.clone();
        let details =
            crate::inspect::inspect(&sim, &crate::inspect::Entity::Consumer { name }).unwrap();
        let membership = details
            .facts
            .iter()
            .find(|(label, _)| *label == "Membership")
            .map(|(_, value)| value.as_str());
        assert_eq!(
            membership,
            Some("out of the group, rejoins at its next poll, generation -1")
        );
        sim.run_until(40_000);
        assert!(sim
            .trace()
            .events()
            .any(|e| matches!(e.kind, crate::trace::EventKind::PartitionsLost { .. })));
    }
}

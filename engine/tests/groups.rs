//! Consumer-group behaviour of the whole engine, driven by the virtual clock.

mod common;

use common::{earliest, orders};
use kplay_engine::assignor::AssignorKind;
use kplay_engine::consumer::ConsumerStatus;
use kplay_engine::group::{CommitMode, GroupConfig, GroupState, OffsetResetPolicy};
use kplay_engine::sim::{Command, ResetTarget, ScriptEntry};
use kplay_engine::trace::EventKind;
use kplay_engine::Simulation;

fn state_changes(sim: &Simulation, group: &str) -> Vec<(u64, GroupState)> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::GroupStateChanged { group: g, to, .. } if g == group => Some((e.at_ms, *to)),
            _ => None,
        })
        .collect()
}

fn assert_no_violations(sim: &Simulation) {
    assert_eq!(
        sim.checker().violation_count(),
        0,
        "seed {}: {:?}",
        sim.seed(),
        sim.checker().violations()
    );
}

#[test]
fn c9_first_rebalance_waits_the_initial_delay_extended_once_for_a_second_member() {
    let mut sim = orders(1, 3, 10.0, 2, earliest(0)).build().unwrap();
    sim.run_until(20_000);
    let changes = state_changes(&sim, "group-a");
    // Both members join at 1 ms; the delay of 3 000 ms is extended once (C9): 6 001 ms.
    assert_eq!(changes[0], (1, GroupState::PreparingRebalance));
    assert_eq!(changes[1], (6_001, GroupState::CompletingRebalance));
    assert_eq!(changes[2].1, GroupState::Stable);
    assert_eq!(sim.group("group-a").unwrap().generation, 1);
    assert_no_violations(&sim);
}

#[test]
fn c9_a_group_that_emptied_waits_the_extended_initial_delay_again() {
    let mut sim = orders(1, 3, 10.0, 1, earliest(0)).build().unwrap();
    sim.run_until(20_000);
    sim.apply(Command::RemoveConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    sim.run_until(30_000);
    assert_eq!(sim.group("group-a").unwrap().state, GroupState::Empty);
    let generation = sim.group("group-a").unwrap().generation;
    assert!(generation >= 1);
    for _ in 0..2 {
        sim.apply(Command::AddConsumer {
            group: "group-a".into(),
        })
        .unwrap();
        sim.run_until(sim.now_ms() + 1_000);
    }
    sim.run_until(60_000);
    let rejoin: Vec<(u64, GroupState)> = state_changes(&sim, "group-a")
        .into_iter()
        .filter(|&(at, _)| at > 30_000)
        .collect();
    // The second member arrived during the delay, which is extended once more as for
    // generation 0: completion 6 s after the first join.
    let started = rejoin[0];
    assert_eq!(started.1, GroupState::PreparingRebalance);
    assert_eq!(
        rejoin[1],
        (started.0 + 6_000, GroupState::CompletingRebalance)
    );
    assert_no_violations(&sim);
}

#[test]
fn c11_c12_range_splits_partitions_and_extra_consumers_stay_idle() {
    let mut sim = orders(2, 3, 10.0, 4, earliest(0)).build().unwrap();
    sim.run_until(20_000);
    let group = sim.group("group-a").unwrap();
    assert_eq!(group.state, GroupState::Stable);
    let mut owned: Vec<usize> = sim.consumers().iter().map(|c| c.assignment.len()).collect();
    owned.sort();
    assert_eq!(
        owned,
        vec![0, 1, 1, 1],
        "three partitions over four consumers: one idle (C12)"
    );
    assert_eq!(sim.consumers().iter().filter(|c| c.is_idle()).count(), 1);
    assert_no_violations(&sim);
}

#[test]
fn c5_c10_a_crash_is_noticed_after_the_session_timeout_and_records_are_redelivered() {
    // Slow processing and big batches: the crash lands mid-batch, after records were
    // processed but before the batch commit, so the next owner processes them again.
    let config = GroupConfig {
        max_poll_records: 50,
        ..earliest(50)
    };
    let mut scenario = orders(3, 2, 40.0, 2, config);
    scenario.script.push(ScriptEntry {
        at_ms: 30_000,
        after_events: None,
        command: Command::CrashConsumer {
            consumer: "group-a-1".into(),
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(30_000);
    assert_eq!(
        sim.consumer("group-a-1").unwrap().status,
        ConsumerStatus::Crashed
    );
    sim.run_until(70_000);
    assert!(
        sim.group("group-a").unwrap().members.len() == 2,
        "45 s of session timeout have not passed yet"
    );
    sim.run_until(120_000);
    let removed_at = sim
        .trace()
        .events()
        .find_map(|e| matches!(e.kind, EventKind::MemberRemoved { .. }).then_some(e.at_ms))
        .expect("the crashed member is removed");
    // Its last heartbeat came at most one heartbeat interval before the crash.
    assert!(
        (72_000..=75_000).contains(&removed_at),
        "removed at {removed_at}"
    );
    let survivor = sim.consumer("group-a-2").unwrap();
    assert_eq!(
        survivor.assignment.len(),
        2,
        "the survivor owns both partitions"
    );
    let stats = &sim.checker().guarantees()["group-a"];
    assert!(
        stats.duplicates > 0,
        "records processed before the crash but not committed are redelivered"
    );
    assert_no_violations(&sim);
}

#[test]
fn c10_a_restarted_consumers_old_member_is_told_apart_until_it_expires() {
    let mut scenario = orders(3, 2, 10.0, 2, earliest(5));
    for (at_ms, command) in [
        (
            30_000,
            Command::CrashConsumer {
                consumer: "group-a-1".into(),
            },
        ),
        (
            31_000,
            Command::RestartConsumer {
                consumer: "group-a-1".into(),
            },
        ),
    ] {
        scenario.script.push(ScriptEntry {
            at_ms,
            after_events: None,
            command,
        });
    }
    let mut sim = scenario.build().unwrap();
    let owners = |sim: &Simulation| -> Vec<String> {
        sim.snapshot(0).groups[0]
            .offsets
            .iter()
            .filter_map(|o| o.assigned.clone())
            .collect()
    };
    sim.run_until(29_000);
    assert!(
        !owners(&sim).iter().any(|o| o.contains("old member")),
        "{:?}",
        owners(&sim)
    );
    // Restarted, group-a-1 is a new member; its old member keeps its partition until the
    // session timeout removes it.
    sim.run_until(40_000);
    assert!(
        owners(&sim).contains(&"group-a-1 (old member)".to_owned()),
        "{:?}",
        owners(&sim)
    );
    sim.run_until(120_000);
    assert!(
        !owners(&sim).iter().any(|o| o.contains("old member")),
        "{:?}",
        owners(&sim)
    );
    assert_no_violations(&sim);
}

/// Who left group-a and why: (time, consumer, reason).
fn removals(sim: &Simulation) -> Vec<(u64, String, String)> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::MemberRemoved {
                consumer, reason, ..
            } => Some((e.at_ms, consumer.to_string(), reason.to_string())),
            _ => None,
        })
        .collect()
}

fn scripted(
    mut scenario: kplay_engine::scenario::Scenario,
    script: Vec<(u64, Command)>,
) -> Simulation {
    for (at_ms, command) in script {
        scenario.script.push(ScriptEntry {
            at_ms,
            after_events: None,
            command,
        });
    }
    scenario.build().unwrap()
}

#[test]
fn c10_a_member_waiting_in_join_group_is_not_expired_and_a_completed_join_restarts_sessions() {
    // Restarted one second after the crash, group-a-1 joins as a new member and waits while
    // the coordinator waits for its old member's session to expire (45 s). It sends no
    // heartbeats meanwhile; the coordinator keeps it, and the completed join starts its
    // session afresh.
    let crash = |consumer: &str| Command::CrashConsumer {
        consumer: consumer.into(),
    };
    let restart = |consumer: &str| Command::RestartConsumer {
        consumer: consumer.into(),
    };
    let mut sim = scripted(
        orders(1, 3, 5.0, 2, earliest(5)),
        vec![(10_000, crash("group-a-1")), (11_000, restart("group-a-1"))],
    );
    sim.run_until(180_000);
    let removed = removals(&sim);
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert!(removed[0].2.starts_with("session timeout"), "{removed:?}");
    let group = sim.group("group-a").unwrap();
    assert_eq!((group.state, group.generation), (GroupState::Stable, 2));
    assert!(!owned_by(&sim, "group-a-1").is_empty());
    assert_no_violations(&sim);
}

#[test]
fn c10_a_new_member_kept_waiting_five_minutes_joins_again() {
    // group-a-2 stops polling, so the rebalance that group-a-3's join starts waits for its
    // poll timer (max.poll.interval.ms, ten minutes here). The coordinator keeps a new member
    // waiting in JoinGroup for five minutes, then answers UNKNOWN_MEMBER_ID; the consumer
    // joins again at once and gets partitions when the rebalance completes.
    let config = GroupConfig {
        max_poll_interval_ms: 600_000,
        ..earliest(5)
    };
    let mut sim = scripted(
        orders(1, 3, 5.0, 2, config),
        vec![
            (
                20_000,
                Command::PauseConsumer {
                    consumer: "group-a-2".into(),
                    paused: true,
                },
            ),
            (
                30_000,
                Command::AddConsumer {
                    group: "group-a".into(),
                },
            ),
        ],
    );
    sim.run_until(900_000);
    let removed = removals(&sim);
    let waited: Vec<_> = removed.iter().filter(|r| r.1 == "group-a-3").collect();
    assert_eq!(waited.len(), 1, "{removed:?}");
    assert!(waited[0].2.contains("JoinGroup"), "{removed:?}");
    assert!((330_000..331_000).contains(&waited[0].0), "{removed:?}");
    let group = sim.group("group-a").unwrap();
    assert_eq!(group.state, GroupState::Stable);
    assert!(!owned_by(&sim, "group-a-3").is_empty(), "{removed:?}");
    assert_no_violations(&sim);
}

#[test]
fn c12_a_new_assignor_makes_every_member_rejoin_and_the_group_rebalances_with_it() {
    let mut sim = orders(1, 3, 5.0, 2, earliest(5)).build().unwrap();
    sim.run_until(10_000);
    let group = sim.group("group-a").unwrap();
    assert_eq!(
        (group.generation, group.protocol),
        (1, Some(AssignorKind::Range))
    );
    assert_eq!(
        owned_by(&sim, "group-a-1"),
        ["order-events-0", "order-events-1"]
    );
    let mut config = group.config.clone();
    config.assignor = AssignorKind::RoundRobin;
    sim.apply(Command::SetGroupConfig {
        group: "group-a".into(),
        config,
    })
    .unwrap();
    sim.run_until(20_000);
    let group = sim.group("group-a").unwrap();
    assert_eq!(
        (group.state, group.generation, group.protocol),
        (GroupState::Stable, 2, Some(AssignorKind::RoundRobin))
    );
    assert_eq!(
        owned_by(&sim, "group-a-1"),
        ["order-events-0", "order-events-2"]
    );
    assert_eq!(owned_by(&sim, "group-a-2"), ["order-events-1"]);
    assert_no_violations(&sim);
}

#[test]
fn static_membership_turned_on_before_the_first_join_makes_the_starting_consumers_static() {
    let mut sim = orders(1, 3, 5.0, 2, earliest(5)).build().unwrap();
    let mut config = sim.group("group-a").unwrap().config.clone();
    config.static_membership = true;
    sim.apply(Command::SetGroupConfig {
        group: "group-a".into(),
        config,
    })
    .unwrap();
    sim.run_until(10_000);
    let ids: Vec<Option<String>> = sim
        .consumers()
        .iter()
        .map(|c| c.instance_id.clone())
        .collect();
    assert_eq!(
        ids,
        [Some("group-a-0".to_owned()), Some("group-a-1".to_owned())]
    );
    // The event log names the change for what it is.
    let change = sim.trace().events().find_map(|e| match &e.kind {
        EventKind::GroupConfigChanged { setting, value, .. } => {
            Some(format!("{setting} = {value}"))
        }
        _ => None,
    });
    assert_eq!(
        change.as_deref(),
        Some("membership = static (group.instance.id)")
    );
    assert_no_violations(&sim);
}

#[test]
fn c15_a_static_member_restarting_within_the_session_timeout_causes_no_rebalance() {
    let config = GroupConfig {
        static_membership: true,
        ..earliest(0)
    };
    let mut scenario = orders(4, 3, 10.0, 2, config);
    scenario.script.push(ScriptEntry {
        at_ms: 20_000,
        after_events: None,
        command: Command::CrashConsumer {
            consumer: "group-a-1".into(),
        },
    });
    scenario.script.push(ScriptEntry {
        at_ms: 30_000,
        after_events: None,
        command: Command::RestartConsumer {
            consumer: "group-a-1".into(),
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(19_000);
    let before = sim.consumer("group-a-1").unwrap().assignment.clone();
    let generation = sim.group("group-a").unwrap().generation;
    sim.run_until(120_000);
    let group = sim.group("group-a").unwrap();
    assert_eq!(group.generation, generation, "no new generation");
    assert_eq!(group.state, GroupState::Stable);
    assert_eq!(sim.consumer("group-a-1").unwrap().assignment, before);
    assert_no_violations(&sim);
}

#[test]
fn c2_auto_offset_reset_none_without_a_committed_offset_fails_the_consumer() {
    let config = GroupConfig {
        auto_offset_reset: OffsetResetPolicy::None,
        ..GroupConfig::default()
    };
    let mut sim = orders(5, 1, 10.0, 1, config).build().unwrap();
    sim.run_until(10_000);
    let consumer = sim.consumer("group-a-1").unwrap();
    assert_eq!(consumer.status, ConsumerStatus::Failed);
    assert!(consumer
        .error
        .as_ref()
        .unwrap()
        .starts_with("NoOffsetForPartitionException"));
}

#[test]
fn c2_latest_skips_what_was_produced_before_the_group_started() {
    let config = GroupConfig {
        auto_offset_reset: OffsetResetPolicy::Latest,
        ..GroupConfig::default()
    };
    let mut sim = orders(6, 1, 10.0, 0, config).build().unwrap();
    sim.run_until(5_000);
    sim.apply(Command::AddConsumer {
        group: "group-a".into(),
    })
    .unwrap();
    sim.run_until(20_000);
    let stats = &sim.checker().guarantees()["group-a"];
    assert!(
        stats.skipped >= 40,
        "records before the group joined are skipped, got {}",
        stats.skipped
    );
    assert_eq!(
        skipped_because(&sim),
        "auto.offset.reset=latest starting after the records already there, or an offset reset moving the group forward."
    );
    let lag = sim.lag(
        sim.group("group-a").unwrap(),
        &kplay_engine::assignor::parse_topic_partition("order-events-0").unwrap(),
    );
    assert!(lag.is_some());
    assert_no_violations(&sim);
}

#[test]
fn c7_lag_is_log_end_offset_minus_committed_offset() {
    let mut sim = orders(7, 1, 100.0, 1, earliest(30)).build().unwrap();
    sim.run_until(20_000);
    let group = sim.group("group-a").unwrap();
    let tp = kplay_engine::assignor::parse_topic_partition("order-events-0").unwrap();
    let committed = group.committed[&tp];
    let end = sim
        .topic("order-events")
        .unwrap()
        .partition(0)
        .unwrap()
        .log_end_offset();
    assert_eq!(sim.lag(group, &tp), Some(end - committed));
    assert!(
        end - committed > 100,
        "processing 33 records/s cannot keep up with 100/s"
    );
}

#[test]
fn c14_cooperative_rebalance_never_moves_a_partition_directly_between_live_members() {
    let config = GroupConfig {
        assignor: AssignorKind::CooperativeSticky,
        ..earliest(0)
    };
    let mut scenario = orders(8, 6, 10.0, 2, config);
    scenario.script.push(ScriptEntry {
        at_ms: 20_000,
        after_events: None,
        command: Command::AddConsumer {
            group: "group-a".into(),
        },
    });
    let mut sim = scenario.build().unwrap();
    sim.run_until(60_000);
    // Cooperative members revoke only what moves; the new member gets those partitions in a
    // follow-up rebalance, so generation rises by two.
    assert_eq!(sim.group("group-a").unwrap().generation, 3);
    let revoked: Vec<usize> = sim
        .trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::Revoked { partitions, .. } => Some(partitions.len()),
            _ => None,
        })
        .collect();
    assert_eq!(
        revoked.iter().sum::<usize>(),
        2,
        "two of six partitions move to the new member"
    );
    let mut owned: Vec<usize> = sim.consumers().iter().map(|c| c.assignment.len()).collect();
    owned.sort();
    assert_eq!(owned, vec![2, 2, 2]);
    assert_no_violations(&sim);
}

#[test]
fn offsets_can_be_reset_only_while_the_group_is_empty() {
    let mut sim = orders(9, 2, 10.0, 1, earliest(0)).build().unwrap();
    sim.run_until(20_000);
    let err = sim
        .apply(Command::ResetOffsets {
            group: "group-a".into(),
            to: ResetTarget::Earliest,
        })
        .unwrap_err();
    assert!(err.to_string().contains("only while it is Empty"), "{err}");
    sim.apply(Command::RemoveConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    sim.run_until(21_000);
    assert_eq!(sim.group("group-a").unwrap().state, GroupState::Empty);
    let preview = sim
        .preview_reset("group-a", ResetTarget::ShiftBy { by: -5 })
        .unwrap();
    sim.apply(Command::ResetOffsets {
        group: "group-a".into(),
        to: ResetTarget::ShiftBy { by: -5 },
    })
    .unwrap();
    for (tp, before, after) in preview {
        assert_eq!(after, before.unwrap() - 5);
        assert_eq!(sim.group("group-a").unwrap().committed[&tp], after);
    }
    assert_no_violations(&sim);
}

#[test]
fn c6_auto_commit_commits_positions_every_interval() {
    let config = GroupConfig {
        commit_mode: CommitMode::Auto,
        ..earliest(0)
    };
    let mut sim = orders(10, 1, 10.0, 1, config).build().unwrap();
    sim.run_until(30_000);
    let commits: Vec<u64> = sim
        .trace()
        .events()
        .filter_map(|e| matches!(e.kind, EventKind::Committed { .. }).then_some(e.at_ms))
        .collect();
    assert!(commits.len() >= 4, "commits: {commits:?}");
    for pair in commits.windows(2) {
        assert!(
            pair[1] - pair[0] >= 5_000,
            "auto.commit.interval.ms apart: {commits:?}"
        );
    }
    assert_no_violations(&sim);
}

#[test]
fn retention_by_time_advances_the_log_start_offset_and_consumers_reset() {
    // A consumer that cannot keep up falls below the log start offset when retention deletes
    // what it has not read: its position is out of range and auto.offset.reset applies (C2).
    let mut scenario = orders(14, 1, 100.0, 1, earliest(100));
    scenario.topics[0].retention_ms = Some(5_000);
    let mut sim = scenario.build().unwrap();
    sim.run_until(60_000);
    let log = sim.topic("order-events").unwrap().partition(0).unwrap();
    assert!(log.log_start_offset() > 0);
    assert!(
        log.len() <= 600,
        "about 5 s of records at 100/s remain, got {}",
        log.len()
    );
    let resets = sim
        .trace()
        .events()
        .filter(|e| matches!(&e.kind, EventKind::OffsetReset { reason, .. } if reason.starts_with("offset out of range")))
        .count();
    assert!(
        resets > 0,
        "the slow consumer fell behind the log start offset"
    );
    let stats = &sim.checker().guarantees()["group-a"];
    assert!(stats.skipped > 0);
    // earliest never skips a record itself: retention did.
    assert_eq!(
        skipped_because(&sim),
        "retention deleting records before they were read, or an offset reset moving the group forward."
    );
    assert_no_violations(&sim);
}

/// Why the page says group-a skipped records: its "N skipped on purpose: …" sentence without
/// the count.
fn skipped_because(sim: &kplay_engine::Simulation) -> String {
    let snapshot = sim.snapshot(0);
    let group = snapshot.groups.iter().find(|g| g.id == "group-a").unwrap();
    let sentence = group
        .allowed
        .iter()
        .find(|a| a.contains(" skipped on purpose: "))
        .unwrap_or_else(|| panic!("{:?}", group.allowed));
    sentence.split_once(": ").unwrap().1.to_owned()
}

#[test]
fn retention_by_size_keeps_each_partition_under_the_limit() {
    let mut scenario = orders(15, 2, 50.0, 0, earliest(0));
    scenario.topics[0].retention_bytes = Some(2_000);
    let mut sim = scenario.build().unwrap();
    // The log cleaner runs every second (retention_check_interval_ms); between runs the log
    // grows past the limit, as Kafka's does between checks. What existed at the last check
    // (at 29 s) must fit in the limit.
    sim.run_until(29_500);
    for log in sim.topic("order-events").unwrap().partitions() {
        let at_check: u64 = log
            .range(0, u64::MAX)
            .filter(|r| r.timestamp_ms < 29_000)
            .map(|r| r.size_bytes())
            .sum();
        assert!(at_check <= 2_000, "{at_check} bytes kept after the check");
        assert!(
            at_check > 1_500,
            "the cleaner deletes only what is over the limit"
        );
        assert!(log.log_start_offset() > 0);
    }
}

#[test]
fn p10_a_key_the_integer_serializer_refuses_fails_the_send() {
    let mut scenario = orders(16, 1, 10.0, 0, earliest(0));
    scenario.producers[0].key_serializer = kplay_engine::producer::KeySerializer::Integer;
    let mut sim = scenario.build().unwrap();
    sim.run_until(1_000);
    assert_eq!(sim.counters().records_produced, 0);
    assert!(sim.trace().events().any(
        |e| matches!(&e.kind, EventKind::ProduceFailed { error, .. } if error.contains("IntegerSerializer"))
    ));
}

fn poll_timeouts(sim: &Simulation) -> Vec<(u64, String)> {
    sim.trace()
        .events()
        .filter_map(|e| match &e.kind {
            EventKind::ConsumerError {
                consumer, error, ..
            } if error.starts_with("consumer poll timeout") => {
                Some((e.at_ms, consumer.to_string()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn c10_consumers_idle_in_poll_never_exceed_max_poll_interval_but_a_stalled_one_does() {
    let config = GroupConfig {
        max_poll_interval_ms: 20_000,
        ..earliest(5)
    };
    // Four consumers for three partitions: one owns nothing. From 30 s the producer stops, so
    // the other three wait in poll() with nothing to read.
    let mut scenario = orders(3, 3, 5.0, 4, config);
    let at = |at_ms, command| ScriptEntry {
        at_ms,
        after_events: None,
        command,
    };
    scenario.script = vec![
        at(
            30_000,
            Command::SetProducerRate {
                name: "order-service".into(),
                rate_per_sec: 0.0,
            },
        ),
        at(
            200_000,
            Command::PauseConsumer {
                consumer: "group-a-2".into(),
                paused: true,
            },
        ),
    ];
    let mut sim = scenario.build().unwrap();
    sim.run_until(200_000);
    assert_eq!(poll_timeouts(&sim), [], "idle consumers are inside poll()");
    let stable: Vec<_> = state_changes(&sim, "group-a")
        .into_iter()
        .filter(|(_, s)| *s == GroupState::Stable)
        .collect();
    assert_eq!(stable.len(), 1, "one rebalance only: {stable:?}");
    // A paused listener is a stalled poll loop: after max.poll.interval.ms it leaves (C10).
    sim.run_until(260_000);
    let timeouts = poll_timeouts(&sim);
    assert_eq!(timeouts.len(), 1, "{timeouts:?}");
    assert_eq!(timeouts[0].1, "group-a-2");
    assert!((220_000..=226_000).contains(&timeouts[0].0), "{timeouts:?}");
    assert_no_violations(&sim);
}

#[test]
fn c10_a_stalled_poll_loop_leaves_when_its_poll_timer_runs_out_not_at_the_next_heartbeat() {
    let config = GroupConfig {
        max_poll_interval_ms: 20_000,
        ..earliest(5)
    };
    let mut sim = orders(3, 3, 5.0, 2, config).build().unwrap();
    sim.run_until(9_500);
    sim.apply(Command::PauseConsumer {
        consumer: "group-a-2".into(),
        paused: true,
    })
    .unwrap();
    sim.run_until(12_000);
    let last_poll = sim.consumer("group-a-2").unwrap().last_poll_ms();
    sim.run_until(60_000);
    // Timer.isExpired: the heartbeat thread leaves at the moment the interval is used up.
    assert_eq!(
        poll_timeouts(&sim),
        [(last_poll + 20_000, "group-a-2".to_owned())]
    );
    assert_no_violations(&sim);
}

#[test]
fn records_replayed_after_a_reset_back_are_explained_as_on_purpose() {
    let mut sim = orders(9, 2, 10.0, 1, earliest(0)).build().unwrap();
    sim.run_until(20_000);
    let sentence = |sim: &kplay_engine::Simulation| {
        let snapshot = sim.snapshot(0);
        let group = snapshot.groups.iter().find(|g| g.id == "group-a").unwrap();
        group
            .allowed
            .iter()
            .find(|a| a.contains(" duplicate"))
            .cloned()
    };
    assert_eq!(sentence(&sim), None, "no duplicates yet");
    sim.apply(Command::RemoveConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    sim.run_until(21_000);
    sim.apply(Command::ResetOffsets {
        group: "group-a".into(),
        to: ResetTarget::ShiftBy { by: -5 },
    })
    .unwrap();
    sim.apply(Command::AddConsumer {
        group: "group-a".into(),
    })
    .unwrap();
    sim.run_until(40_000);
    let sentence = sentence(&sim).expect("the replayed records count as duplicates");
    assert!(
        sentence.contains(": an offset reset moved the group back, so it processes those records again on purpose"),
        "{sentence}"
    );
    assert_no_violations(&sim);
}

#[test]
fn group_ids_with_hidden_or_reordering_characters_are_refused_with_a_short_message() {
    let mut sim = orders(1, 3, 10.0, 1, earliest(0)).build().unwrap();
    let add = |sim: &mut Simulation, group: &str| {
        sim.apply(Command::AddGroup {
            group: group.into(),
            topics: vec!["order-events".into()],
            config: GroupConfig::default(),
            consumers: 1,
        })
    };
    add(&mut sim, "مرحبا-group").unwrap();
    for group in ["audit\u{202e}live", "a\u{2067}b", "a\u{200e}b", "a\tb"] {
        let why = add(&mut sim, group).unwrap_err().to_string();
        assert!(why.contains("text-direction"), "{group:?}: {why}");
    }
    let why = add(&mut sim, &"g".repeat(100_000)).unwrap_err().to_string();
    assert!(why.len() < 200, "{why}");
}

#[test]
fn a_records_key_value_and_headers_are_each_limited_to_64_kib() {
    use kplay_engine::log::Header;
    use kplay_engine::sim::MAX_FIELD_BYTES;
    let mut sim = orders(1, 3, 0.0, 1, earliest(0)).build().unwrap();
    let mut produce = |key: usize, value: usize, headers: Vec<Header>| {
        sim.apply(Command::Produce {
            topic: "order-events".into(),
            key: Some("k".repeat(key)),
            value: Some("v".repeat(value)),
            partition: None,
            headers,
        })
        .map_err(|e| e.to_string())
    };
    let header = |bytes: usize| Header {
        key: "h".into(),
        value: vec![b'x'; bytes - 1],
    };
    assert!(produce(
        MAX_FIELD_BYTES,
        MAX_FIELD_BYTES,
        vec![header(MAX_FIELD_BYTES)]
    )
    .is_ok());
    assert!(produce(MAX_FIELD_BYTES + 1, 1, vec![])
        .unwrap_err()
        .contains("keys and values"));
    assert!(produce(1, MAX_FIELD_BYTES + 1, vec![])
        .unwrap_err()
        .contains("keys and values"));
    let why = produce(1, 1, vec![header(MAX_FIELD_BYTES), header(1)]).unwrap_err();
    assert!(why.contains("headers are limited"), "{why}");
}

#[test]
fn shifting_a_partition_with_no_committed_offset_is_refused_as_kafka_consumer_groups_does() {
    // Three partitions and a group that stops before it commits on all of them.
    let mut sim = orders(9, 3, 10.0, 1, earliest(0)).build().unwrap();
    sim.apply(Command::AddGroup {
        group: "late".into(),
        topics: vec!["order-events".into()],
        config: earliest(0),
        consumers: 0,
    })
    .unwrap();
    sim.run_until(5_000);
    assert_eq!(sim.group("late").unwrap().state, GroupState::Empty);
    let refused = sim
        .preview_reset("late", ResetTarget::ShiftBy { by: -5 })
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("Cannot shift offset for partition order-events-0 since there is no current committed offset"),
        "{refused}"
    );
    let before = sim.group("late").unwrap().committed.clone();
    assert!(sim
        .apply(Command::ResetOffsets {
            group: "late".into(),
            to: ResetTarget::ShiftBy { by: -5 },
        })
        .is_err());
    assert_eq!(
        sim.group("late").unwrap().committed,
        before,
        "nothing reset"
    );
    // The other targets still set every partition.
    sim.apply(Command::ResetOffsets {
        group: "late".into(),
        to: ResetTarget::Earliest,
    })
    .unwrap();
    assert_eq!(sim.group("late").unwrap().committed.len(), 3);
}

/// Partitions `consumer` gave up at or after `from_ms`: revoked, or with `lost`, lost.
fn given_up(sim: &Simulation, consumer: &str, from_ms: u64, lost: bool) -> Vec<String> {
    sim.trace()
        .events()
        .filter(|e| e.at_ms >= from_ms)
        .filter_map(|e| match &e.kind {
            EventKind::Revoked {
                consumer: c,
                partitions,
                ..
            } if !lost && c.as_str() == consumer => Some(partitions.clone()),
            EventKind::PartitionsLost {
                consumer: c,
                partitions,
                ..
            } if lost && c.as_str() == consumer => Some(partitions.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Partitions `consumer` gave up in `Revoked` events at or after `from_ms`.
fn revoked_since(sim: &Simulation, consumer: &str, from_ms: u64) -> Vec<String> {
    given_up(sim, consumer, from_ms, false)
}

/// Partitions `consumer` gave up as lost.
fn lost(sim: &Simulation, consumer: &str) -> Vec<String> {
    given_up(sim, consumer, 0, true)
}

/// The partitions `consumer` owns, as `topic-partition`.
fn owned_by(sim: &Simulation, consumer: &str) -> Vec<String> {
    let c = sim.consumers().iter().find(|c| c.name == consumer).unwrap();
    c.assignment.iter().map(ToString::to_string).collect()
}

#[test]
fn closing_a_consumer_revokes_what_it_owns_a_static_member_too() {
    // onLeavePrepare runs on close for static members as well: their listener sees the
    // revocation, though the coordinator keeps their partitions until the session expires.
    for static_membership in [false, true] {
        let config = GroupConfig {
            static_membership,
            ..earliest(0)
        };
        let mut sim = orders(9, 4, 10.0, 2, config).build().unwrap();
        sim.run_until(20_000);
        let owned = owned_by(&sim, "group-a-1");
        assert_eq!(owned.len(), 2);
        sim.apply(Command::RemoveConsumer {
            consumer: "group-a-1".into(),
        })
        .unwrap();
        assert_eq!(
            revoked_since(&sim, "group-a-1", 20_000),
            owned,
            "static: {static_membership}"
        );
        assert!(lost(&sim, "group-a-1").is_empty());
        sim.run_until(120_000);
        assert_no_violations(&sim);
    }
}

#[test]
fn closing_a_consumer_whose_generation_was_reset_loses_what_it_owns() {
    let config = GroupConfig {
        max_poll_interval_ms: 10_000,
        ..earliest(0)
    };
    let mut sim = orders(1, 4, 10.0, 2, config).build().unwrap();
    sim.run_until(8_000);
    let owned = owned_by(&sim, "group-a-1");
    sim.apply(Command::PauseConsumer {
        consumer: "group-a-1".into(),
        paused: true,
    })
    .unwrap();
    sim.run_until(30_000);
    assert_eq!(poll_timeouts(&sim).len(), 1);
    sim.apply(Command::RemoveConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    assert_eq!(lost(&sim, "group-a-1"), owned);
    assert!(revoked_since(&sim, "group-a-1", 8_000).is_empty());
    sim.run_until(60_000);
    assert_no_violations(&sim);
}

#[test]
fn c10_c14_a_consumer_back_from_a_poll_timeout_has_lost_its_partitions_and_claims_none() {
    for assignor in [AssignorKind::CooperativeSticky, AssignorKind::Range] {
        let config = GroupConfig {
            assignor,
            max_poll_interval_ms: 10_000,
            ..earliest(0)
        };
        let mut sim = orders(1, 4, 10.0, 2, config).build().unwrap();
        sim.run_until(8_000);
        let before = owned_by(&sim, "group-a-1");
        assert_eq!(before.len(), 2, "{assignor:?}");
        let pause = |sim: &mut Simulation, paused| {
            sim.apply(Command::PauseConsumer {
                consumer: "group-a-1".into(),
                paused,
            })
            .unwrap()
        };
        pause(&mut sim, true);
        sim.run_until(30_000);
        assert_eq!(poll_timeouts(&sim).len(), 1, "{assignor:?}");
        assert_eq!(owned_by(&sim, "group-a-2").len(), 4, "{assignor:?}");
        pause(&mut sim, false);
        sim.run_until(60_000);
        // Back in poll(), the consumer finds its generation reset: what it owned is lost, not
        // revoked, and its JoinGroup claims nothing (ConsumerCoordinator.onJoinPrepare).
        assert_eq!(lost(&sim, "group-a-1"), before, "{assignor:?}");
        assert!(
            revoked_since(&sim, "group-a-1", 8_000).is_empty(),
            "{assignor:?}"
        );
        assert_eq!(owned_by(&sim, "group-a-1").len(), 2, "{assignor:?}");
        let mut all = [owned_by(&sim, "group-a-1"), owned_by(&sim, "group-a-2")].concat();
        all.sort();
        assert_eq!(all.len(), 4, "{assignor:?}: {all:?}");
        all.dedup();
        assert_eq!(all.len(), 4, "{assignor:?}: {all:?}");
        assert_no_violations(&sim);
    }
}

#[test]
fn p6_the_pages_own_sends_without_a_key_move_their_sticky_partition_on() {
    let mut sim = orders(1, 8, 0.0, 1, earliest(0)).build().unwrap();
    // Each value is larger than batch.size (16 384 bytes), so each fills a batch: Kafka's
    // partitioner picks a new partition after every one.
    let big = "x".repeat(20_000);
    for _ in 0..12 {
        sim.apply(Command::Produce {
            topic: "order-events".into(),
            key: None,
            value: Some(big.clone()),
            partition: None,
            headers: vec![],
        })
        .unwrap();
    }
    let topic = sim.topic("order-events").unwrap();
    let used = (0..8)
        .filter(|&p| !topic.partition(p).unwrap().is_empty())
        .count();
    assert!(used > 1, "all twelve records landed on one partition");
}

#[test]
fn p6_the_sticky_partition_counts_each_record_with_its_batch_framing() {
    let mut sim = orders(1, 8, 0.0, 1, earliest(0)).build().unwrap();
    let send = |sim: &mut Simulation, n| {
        for _ in 0..n {
            sim.apply(Command::Produce {
                topic: "order-events".into(),
                key: None,
                value: Some("0123456789".into()),
                partition: None,
                headers: vec![],
            })
            .unwrap();
        }
    };
    // Each record is a batch of its own: 61 bytes of batch header and a 17-byte record, 78
    // bytes that reach batch.size (16 384) with the 211th record. Counting only the 10
    // bytes of value would keep 1 639 records on the first partition.
    send(&mut sim, 211);
    let sizes = |sim: &Simulation| -> Vec<u64> {
        let topic = sim.topic("order-events").unwrap();
        (0..8).map(|p| topic.partition(p).unwrap().len()).collect()
    };
    let first = sizes(&sim);
    assert_eq!(first.iter().filter(|&&n| n > 0).count(), 1, "{first:?}");
    assert_eq!(first.iter().sum::<u64>(), 211);
    send(&mut sim, 1_789);
    let used = sizes(&sim).iter().filter(|&&n| n > 0).count();
    assert!(used >= 4, "2 000 records went to {used} partitions");
}

#[test]
fn static_membership_turned_on_reaches_a_consumer_when_it_restarts() {
    let mut sim = orders(1, 2, 10.0, 1, earliest(0)).build().unwrap();
    sim.run_until(10_000);
    let mut config = sim.group("group-a").unwrap().config.clone();
    config.static_membership = true;
    sim.apply(Command::SetGroupConfig {
        group: "group-a".into(),
        config,
    })
    .unwrap();
    let instance = |sim: &Simulation| sim.consumer("group-a-1").unwrap().instance_id.clone();
    assert_eq!(instance(&sim), None, "a running process keeps its settings");
    sim.apply(Command::CrashConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    sim.apply(Command::RestartConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    // Spring's first child container: the group's id with the suffix -0.
    assert_eq!(instance(&sim).as_deref(), Some("group-a-0"));
    sim.run_until(60_000);
    assert_no_violations(&sim);
}

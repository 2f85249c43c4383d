//! The inspector's facts and actions for each kind of entity, read off a running simulation.

mod common;

use kplay_engine::group::GroupConfig;
use kplay_engine::inspect::{inspect, Details, Entity};
use kplay_engine::json_read::{parse, Field};
use kplay_engine::Simulation;

fn running() -> Simulation {
    let mut sim = common::orders(4, 3, 20.0, 2, GroupConfig::default())
        .build()
        .unwrap();
    sim.run_until(10_000);
    sim
}

fn fact<'a>(d: &'a Details, label: &str) -> &'a str {
    &d.facts
        .iter()
        .find(|(l, _)| *l == label)
        .unwrap_or_else(|| panic!("{label} in {d:?}"))
        .1
}

/// The Inspector's details of a record.
fn record(sim: &Simulation, topic: &str, partition: u32, offset: u64) -> Details {
    let entity = Entity::Record {
        topic: topic.into(),
        partition,
        offset,
    };
    inspect(sim, &entity).unwrap()
}

fn labels(d: &Details) -> Vec<&'static str> {
    d.actions.iter().map(|a| a.label).collect()
}

#[test]
fn a_partition_shows_its_watermarks_and_who_reads_it() {
    let sim = running();
    let d = inspect(
        &sim,
        &Entity::Partition {
            topic: "order-events".into(),
            partition: 1,
        },
    )
    .unwrap();
    let log = sim.topic("order-events").unwrap().partition(1).unwrap();
    assert_eq!(d.heading, "Partition order-events-1");
    assert_eq!(fact(&d, "Log End Offset"), log.log_end_offset().to_string());
    assert_eq!(fact(&d, "Low Water Mark"), "0");
    let owner = sim
        .consumers()
        .iter()
        .find(|c| c.assignment.iter().any(|t| t.partition == 1))
        .unwrap();
    assert!(
        fact(&d, "Groups").starts_with(&format!("group-a: {}, group offset ", owner.name)),
        "{d:?}"
    );
    assert!(d.actions.is_empty(), "no redrive on an ordinary topic");
}

#[test]
fn a_consumer_offers_what_its_status_allows_and_the_actions_work() {
    let mut sim = running();
    let name = sim.consumers()[0].name.clone();
    let entity = Entity::Consumer { name: name.clone() };
    let d = inspect(&sim, &entity).unwrap();
    assert_eq!(fact(&d, "Status"), "running");
    assert_eq!(
        labels(&d),
        ["Crash consumer", "Pause consumer", "Remove consumer"]
    );
    assert_ne!(fact(&d, "Assigned"), "none");
    let crash = d.actions[0].command.clone();
    sim.apply(crash).unwrap();
    let d = inspect(&sim, &entity).unwrap();
    assert_eq!(fact(&d, "Status"), "crashed");
    assert_eq!(labels(&d), ["Restart consumer"]);
}

#[test]
fn a_group_shows_state_members_and_offers_resets_only_when_empty() {
    let mut sim = running();
    let group = Entity::Group {
        id: "group-a".into(),
    };
    let d = inspect(&sim, &group).unwrap();
    assert_eq!(fact(&d, "State"), "Stable");
    assert_eq!(fact(&d, "Assignor"), "RangeAssignor");
    assert_eq!(fact(&d, "Members").lines().count(), 2);
    assert_eq!(labels(&d), ["Add a consumer"]);
    for c in sim
        .consumers()
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
    {
        sim.apply(kplay_engine::Command::RemoveConsumer { consumer: c })
            .unwrap();
    }
    sim.run_for(5_000);
    let d = inspect(&sim, &group).unwrap();
    assert_eq!(fact(&d, "State"), "Empty");
    assert_eq!(
        labels(&d),
        [
            "Add a consumer",
            "Reset offsets to earliest",
            "Reset offsets to latest"
        ]
    );
    sim.apply(d.actions[1].command.clone()).unwrap();
    assert!(sim
        .group("group-a")
        .unwrap()
        .committed
        .values()
        .all(|&o| o == 0));
}

#[test]
fn records_topics_producers_and_the_broker_have_details_and_missing_things_have_none() {
    let mut sim = running();
    let d = inspect(
        &sim,
        &Entity::Record {
            topic: "order-events".into(),
            partition: 0,
            offset: 0,
        },
    )
    .unwrap();
    assert!(fact(&d, "Key").starts_with("order-"));
    assert!(
        fact(&d, "Groups").starts_with("group-a: committed past it"),
        "{d:?}"
    );
    // A record sent just now: the group has not committed past it.
    let end = sim
        .topic("order-events")
        .unwrap()
        .partition(0)
        .unwrap()
        .log_end_offset();
    sim.apply(kplay_engine::sim::Command::Produce {
        topic: "order-events".into(),
        key: None,
        value: Some("late".into()),
        partition: Some(0),
        headers: vec![],
    })
    .unwrap();
    let d = inspect(
        &sim,
        &Entity::Record {
            topic: "order-events".into(),
            partition: 0,
            offset: end,
        },
    )
    .unwrap();
    assert!(
        fact(&d, "Groups").starts_with("group-a: not committed past yet"),
        "{d:?}"
    );
    let d = inspect(
        &sim,
        &Entity::Topic {
            name: "order-events".into(),
        },
    )
    .unwrap();
    assert_eq!(fact(&d, "Partitions"), "3");
    assert_eq!(labels(&d), ["Add a partition"]);
    sim.apply(d.actions[0].command.clone()).unwrap();
    assert_eq!(sim.topic("order-events").unwrap().partition_count(), 4);
    let d = inspect(
        &sim,
        &Entity::Producer {
            name: "order-service".into(),
        },
    )
    .unwrap();
    assert_eq!(fact(&d, "Rate"), "20 records/s");
    let sent: u64 = fact(&d, "Records sent").parse().unwrap();
    sim.apply(d.actions[0].command.clone()).unwrap();
    let d = inspect(
        &sim,
        &Entity::Producer {
            name: "order-service".into(),
        },
    )
    .unwrap();
    assert_eq!(fact(&d, "Records sent"), (sent + 1).to_string());
    assert!(fact(&inspect(&sim, &Entity::Broker).unwrap(), "Brokers").starts_with("1 "));
    for missing in [
        Entity::Topic {
            name: "nope".into(),
        },
        Entity::Partition {
            topic: "order-events".into(),
            partition: 9,
        },
        Entity::Record {
            topic: "order-events".into(),
            partition: 0,
            offset: 1_000_000,
        },
        Entity::Group { id: "nope".into() },
        Entity::Consumer {
            name: "nope".into(),
        },
        Entity::Producer {
            name: "nope".into(),
        },
    ] {
        assert_eq!(inspect(&sim, &missing), None, "{missing:?}");
    }
}

#[test]
fn entities_read_from_json_with_clear_errors() {
    let read = |text: &str| Entity::read(&Field::root(&parse(text).unwrap()));
    assert_eq!(
        read(r#"{"type": "partition", "topic": "t", "partition": 2}"#),
        Ok(Entity::Partition {
            topic: "t".into(),
            partition: 2
        })
    );
    assert_eq!(read(r#"{"type": "broker"}"#), Ok(Entity::Broker));
    assert!(read(r#"{"type": "cluster"}"#)
        .unwrap_err()
        .contains("unknown variant"));
    assert_eq!(
        read(r#"{"type": "group"}"#).unwrap_err(),
        "missing field \"id\""
    );
}

#[test]
fn a_dead_letter_shows_its_original_partition_offset_and_time_as_numbers() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/poison-to-dead-letter.json"
    );
    let scenario = std::fs::read_to_string(path).unwrap();
    let mut sim = kplay_engine::scenario::Scenario::from_json(&scenario)
        .unwrap()
        .build()
        .unwrap();
    sim.run_until(60_000);
    let partitions = sim.topic("order-events-dlt").unwrap().partition_count();
    let d = (0..partitions)
        .find_map(|partition| {
            inspect(
                &sim,
                &Entity::Record {
                    topic: "order-events-dlt".into(),
                    partition,
                    offset: 0,
                },
            )
        })
        .expect("a dead letter by 60 s");
    let headers = fact(&d, "Headers");
    let partition = fact(&d, "Partition").rsplit('-').next().unwrap().to_owned();
    // Spring writes these as Java int and long bytes; they read as numbers, not raw bytes.
    assert!(
        headers.contains(&format!("kafka_dlt-original-partition = {partition} (int)")),
        "{headers}"
    );
    assert!(
        headers
            .lines()
            .any(|l| l.starts_with("kafka_dlt-original-offset = ") && l.ends_with(" (long)")),
        "{headers}"
    );
    assert!(
        headers.contains("kafka_dlt-original-timestamp = ") && headers.contains(" ms (long)"),
        "{headers}"
    );
    assert!(!headers.contains('\0'), "{headers:?}");
    // The time as the page's clock shows it, then the raw milliseconds.
    let timestamp = fact(&d, "Timestamp");
    let (clock, raw) = timestamp.split_once(" (CreateTime ").expect(timestamp);
    let ms: u64 = raw.strip_suffix(" ms)").unwrap().parse().unwrap();
    assert_eq!(clock, kplay_engine::inspect::format_clock(ms));
    assert_eq!(kplay_engine::inspect::format_clock(481_000), "08:01.000");
}

#[test]
fn a_group_before_its_first_commit_counts_its_records_as_not_committed_yet() {
    let mut sim = common::orders(4, 3, 20.0, 2, GroupConfig::default())
        .build()
        .unwrap();
    // The first rebalance waits out group.initial.rebalance.delay.ms: nothing is committed.
    sim.run_until(2_000);
    let group = Entity::Group {
        id: "group-a".into(),
    };
    let d = inspect(&sim, &group).unwrap();
    let produced: u64 = sim
        .topic("order-events")
        .unwrap()
        .partitions()
        .iter()
        .map(|p| p.log_end_offset())
        .sum();
    assert!(produced > 20, "{produced} records by 2 s");
    assert_eq!(fact(&d, "Lag (committed partitions)"), "0");
    assert_eq!(
        fact(&d, "Not committed yet"),
        format!("{produced} records on 3 partitions")
    );
    let g = sim.group("group-a").unwrap();
    for p in 0..3 {
        let tp = kplay_engine::assignor::TopicPartition::new("order-events", p);
        assert_eq!(
            sim.lag(g, &tp),
            None,
            "Kafka's LAG is blank before a commit"
        );
        let end = sim
            .topic("order-events")
            .unwrap()
            .partition(p)
            .unwrap()
            .log_end_offset();
        assert_eq!(sim.backlog(g, &tp), Some(end));
    }

    // Once each partition has a commit the two measures agree, and nothing is left out.
    sim.run_until(20_000);
    let d = inspect(&sim, &group).unwrap();
    assert_eq!(fact(&d, "Not committed yet"), "no partition");
    let g = sim.group("group-a").unwrap();
    for p in 0..3 {
        let tp = kplay_engine::assignor::TopicPartition::new("order-events", p);
        assert_eq!(sim.backlog(g, &tp), sim.lag(g, &tp));
    }
}

#[test]
fn a_consumer_in_back_off_says_so_as_the_diagram_does() {
    let scenario = kplay_engine::scenario::Scenario::from_json(include_str!(
        "../examples/scenarios/poison-to-dead-letter.json"
    ))
    .unwrap();
    let mut sim = scenario.build().unwrap();
    let mut t = 0;
    let (name, due) = loop {
        t += 100;
        assert!(t < 120_000, "no consumer backed off");
        sim.run_until(t);
        let now = sim.now_ms();
        if let Some(c) = sim
            .consumers()
            .iter()
            .find(|c| c.backing_off_until.is_some_and(|due| due > now))
        {
            break (c.name.clone(), c.backing_off_until.unwrap());
        }
    };
    let d = inspect(&sim, &Entity::Consumer { name: name.clone() }).unwrap();
    // The record it retries follows (a failed record holds its partition until recovered).
    let status = fact(&d, "Status");
    let sleeping = format!(
        "running, in back-off until {}; stuck: retrying order-events-",
        kplay_engine::inspect::format_clock(due)
    );
    assert!(status.starts_with(&sleeping), "{status}");
    sim.run_until(due + 1);
    let d = inspect(&sim, &Entity::Consumer { name }).unwrap();
    assert_ne!(fact(&d, "Status"), "", "{d:?}");
    assert!(!fact(&d, "Status").contains("back-off until"), "{d:?}");
}

#[test]
fn a_crashed_consumer_stays_a_member_until_its_session_times_out() {
    let mut sim = running();
    let group = Entity::Group {
        id: "group-a".into(),
    };
    let crashed = sim.consumers()[0].name.clone();
    let owned = sim.consumers()[0].assignment[0].partition;
    sim.apply(kplay_engine::Command::CrashConsumer {
        consumer: crashed.clone(),
    })
    .unwrap();
    sim.run_for(1_000);
    let members = fact(&inspect(&sim, &group).unwrap(), "Members").to_owned();
    assert_eq!(members.lines().count(), 2, "{members}");
    assert!(
        members.contains(&format!("{crashed} (crashed)")),
        "{members}"
    );
    // Its partitions are still its own, as kafka-consumer-groups would list them.
    let partition = Entity::Partition {
        topic: "order-events".into(),
        partition: owned,
    };
    let groups = fact(&inspect(&sim, &partition).unwrap(), "Groups").to_owned();
    assert!(
        groups.starts_with(&format!("group-a: {crashed} (crashed), ")),
        "{groups}"
    );
    // Restarted, it joins under a new member id while its old member waits out its session:
    // the coordinator lists both.
    sim.apply(kplay_engine::Command::RestartConsumer {
        consumer: crashed.clone(),
    })
    .unwrap();
    sim.run_for(1_000);
    let members = fact(&inspect(&sim, &group).unwrap(), "Members").to_owned();
    assert_eq!(members.lines().count(), 3, "{members}");
    assert!(
        members.contains(&format!(
            "{crashed} (old member, until its session times out): order-events-{owned}"
        )),
        "{members}"
    );
    // session.timeout.ms (45 s) later the coordinator has removed it.
    sim.run_for(60_000);
    let members = fact(&inspect(&sim, &group).unwrap(), "Members").to_owned();
    assert_eq!(members.lines().count(), 2, "{members}");
    assert!(!members.contains("old member"), "{members}");
    let groups = fact(&inspect(&sim, &partition).unwrap(), "Groups").to_owned();
    assert!(!groups.contains("crashed"), "{groups}");
}

#[test]
fn a_producer_offers_its_faults_and_transaction_calls_by_hand() {
    let lesson = kplay_engine::lesson::Lesson::from_json(include_str!(
        "../../public/lessons/interview-exactly-once.json"
    ))
    .unwrap();
    let mut sim = lesson.scenario.build().unwrap();
    // Past the preset's own transaction (5 s to 6 s).
    sim.run_until(10_000);
    let ledger = Entity::Producer {
        name: "ledger-service".into(),
    };
    let act = |sim: &mut Simulation, label: &str| {
        let d = inspect(sim, &ledger).unwrap();
        let action = d.actions.iter().find(|a| a.label == label);
        let action = action.unwrap_or_else(|| panic!("{label} in {:?}", labels(&d)));
        sim.apply(action.command.clone()).unwrap();
    };
    let d = inspect(&sim, &ledger).unwrap();
    assert_eq!(fact(&d, "Transaction"), "none open");
    assert_eq!(
        labels(&d),
        [
            "Send one record",
            "Lose its next acknowledgement",
            "Begin transaction",
            "Remove producer"
        ]
    );
    act(&mut sim, "Begin transaction");
    for _ in 0..3 {
        act(&mut sim, "Send one record");
    }
    let d = inspect(&sim, &ledger).unwrap();
    assert_eq!(fact(&d, "Transaction"), "open, 3 records");
    assert!(
        labels(&d).contains(&"Commit transaction"),
        "{:?}",
        labels(&d)
    );
    act(&mut sim, "Abort transaction");
    sim.run_for(1_000);
    assert_eq!(
        fact(&inspect(&sim, &ledger).unwrap(), "Transaction"),
        "none open"
    );
    assert_eq!(
        sim.producers()
            .iter()
            .find(|p| p.spec.name == "ledger-service")
            .unwrap()
            .transactions_begun,
        2,
        "the preset's transaction and this one"
    );

    // A producer without a transactional.id offers no transaction calls.
    let payment = inspect(
        &sim,
        &Entity::Producer {
            name: "payment-service".into(),
        },
    )
    .unwrap();
    assert!(!labels(&payment).iter().any(|l| l.contains("transaction")));
    sim.apply(
        payment
            .actions
            .iter()
            .find(|a| a.label == "Lose its next acknowledgement")
            .unwrap()
            .command
            .clone(),
    )
    .unwrap();
}

#[test]
fn a_consumer_shows_its_group_instance_id_when_it_is_a_static_member() {
    let sim = running();
    let name = sim.consumers()[0].name.clone();
    let d = inspect(&sim, &Entity::Consumer { name: name.clone() }).unwrap();
    assert_eq!(fact(&d, "group.instance.id"), "none (a dynamic member)");
    let config = GroupConfig {
        static_membership: true,
        ..GroupConfig::default()
    };
    let mut sim = common::orders(4, 3, 20.0, 2, config).build().unwrap();
    sim.run_until(10_000);
    // Each consumer is one of Spring's child containers, whose suffixes count from 0.
    let ids: Vec<String> = sim
        .consumers()
        .iter()
        .map(|c| {
            let d = inspect(
                &sim,
                &Entity::Consumer {
                    name: c.name.clone(),
                },
            )
            .unwrap();
            fact(&d, "group.instance.id").to_owned()
        })
        .collect();
    assert_eq!(ids[..2], ["group-a-0", "group-a-1"]);
}

#[test]
fn a_record_a_consumer_cannot_get_past_says_who_is_stuck_on_it_and_how() {
    // Without ErrorHandlingDeserializer, a value that is not JSON fails every poll (J1).
    let json = r#"{
        "version": 1, "name": "stuck", "seed": 3,
        "topics": [{ "name": "order-events", "partitions": 1 }],
        "producers": [{ "name": "order-service", "topic": "order-events",
            "keys": { "type": "key_space", "prefix": "order-", "count": 20 }, "rate_per_sec": 5 }],
        "groups": [{ "id": "inventory", "topics": ["order-events"], "consumers": 1,
            "config": { "auto_offset_reset": "earliest", "processing_time_ms": 20,
                "listener": { "value_format": { "type": "json" } } } }],
        "script": [{ "at_ms": 2000, "command": { "type": "produce", "topic": "order-events",
            "key": "order-13", "value": "not json" } }]
    }"#;
    let mut sim = kplay_engine::scenario::Scenario::from_json(json)
        .unwrap()
        .build()
        .unwrap();
    sim.run_until(8_000);
    let groups = |offset| fact(&record(&sim, "order-events", 0, offset), "Groups").to_owned();
    assert_eq!(
        groups(10),
        "inventory: not committed past yet (group offset 10); inventory-1 is stuck: every poll fails at it"
    );
    // The records behind it wait, but nobody is stuck on them.
    assert_eq!(
        groups(11),
        "inventory: not committed past yet (group offset 10)"
    );
    assert_eq!(groups(9), "inventory: committed past it (group offset 10)");
    // The consumer's own status says it too.
    let d = inspect(
        &sim,
        &Entity::Consumer {
            name: "inventory-1".into(),
        },
    )
    .unwrap();
    assert_eq!(
        fact(&d, "Status"),
        "running; stuck: every poll fails at order-events-0 @ 10"
    );
}

#[test]
fn a_record_the_error_handler_backs_off_on_says_who_waits_on_it() {
    let json = include_str!("../examples/scenarios/poison-to-dead-letter.json");
    let mut sim = kplay_engine::scenario::Scenario::from_json(json)
        .unwrap()
        .build()
        .unwrap();
    // Run to the first moment a consumer backs off on the poison record (E1).
    let (name, at) = loop {
        assert!(sim.step() && sim.now_ms() < 60_000, "no back-off");
        let now = sim.now_ms();
        let found = sim.consumers().iter().find_map(|c| {
            c.assignment
                .iter()
                .find_map(|tp| c.blocked_on(tp, now))
                .map(|b| (c.name.clone(), b))
        });
        if let Some(found) = found {
            break found;
        }
    };
    assert!(!at.poll_fails);
    let d = record(&sim, &at.partition.topic, at.partition.partition, at.offset);
    assert!(
        fact(&d, "Groups").ends_with(&format!("; {name} is stuck: backing off on it")),
        "{d:?}"
    );
    assert!(fact(&d, "Value").contains("POISON"), "{d:?}");
    let d = inspect(&sim, &Entity::Consumer { name: name.clone() }).unwrap();
    let status = fact(&d, "Status");
    let retrying = format!("; stuck: retrying {} @ {}", at.partition, at.offset);
    assert!(status.ends_with(&retrying), "{status}");
}

#[test]
fn t6_to_t8_records_and_partitions_show_their_transactions() {
    let json = include_str!("../examples/scenarios/transactions-read-committed.json");
    let mut sim = kplay_engine::scenario::Scenario::from_json(json)
        .unwrap()
        .build()
        .unwrap();
    sim.run_until(6_000);
    let log = sim.topic("order-events").unwrap().partition(0).unwrap();
    let transaction =
        |offset: u64| fact(&record(&sim, "order-events", 0, offset), "Transaction").to_owned();
    // Every record here is transactional: each says which state it is in, as the log has it.
    let mut seen = Vec::new();
    for r in log.range(0, log.log_end_offset()) {
        let state = log.transaction_state(r).unwrap();
        let pid = r.producer_id.unwrap();
        assert_eq!(
            transaction(r.offset),
            format!("{} (producer id {pid})", state.describe())
        );
        seen.push(state);
    }
    let marker = log
        .range(0, log.log_end_offset())
        .find(|r| r.control.is_some())
        .unwrap();
    let d = record(&sim, "order-events", 0, marker.offset);
    assert_eq!(fact(&d, "Key"), "none: a transaction marker");
    assert_eq!(fact(&d, "Value"), "none: a transaction marker");
    use kplay_engine::log::TransactionState::*;
    for state in [Committed, Aborted, CommitMarker, AbortMarker] {
        assert!(seen.contains(&state), "{state:?} in {seen:?}");
    }
    let partition = inspect(
        &sim,
        &Entity::Partition {
            topic: "order-events".into(),
            partition: 0,
        },
    )
    .unwrap();
    let lso = log.last_stable_offset();
    let expected = match log.open_transactions().count() {
        0 => format!("{lso} (no open transaction)"),
        1 => format!("{lso} (1 open transaction)"),
        n => format!("{lso} ({n} open transactions)"),
    };
    assert_eq!(fact(&partition, "Last Stable Offset"), expected);
    // A partition no transaction ever touched has no such line.
    let plain = inspect(
        &running(),
        &Entity::Partition {
            topic: "order-events".into(),
            partition: 0,
        },
    )
    .unwrap();
    assert!(plain.facts.iter().all(|(l, _)| *l != "Last Stable Offset"));
}

#[test]
fn a_producer_whose_answer_was_lost_says_what_waits_and_for_how_long() {
    let mut sim = running();
    let producer = |sim: &Simulation| {
        inspect(
            sim,
            &Entity::Producer {
                name: "order-service".into(),
            },
        )
        .unwrap()
    };
    assert!(producer(&sim).facts.iter().all(|(l, _)| *l != "In flight"));
    sim.apply(kplay_engine::sim::Command::LoseAcks {
        producer: "order-service".into(),
        count: 1,
    })
    .unwrap();
    // Before the next send the fault is pending, and says so.
    assert_eq!(
        fact(&producer(&sim), "Answers to lose"),
        "the next answer from the broker (the fault waits for a send)"
    );
    sim.run_for(5_000);
    assert!(producer(&sim)
        .facts
        .iter()
        .all(|(l, _)| *l != "Answers to lose"));
    let d = producer(&sim);
    let waiting = fact(&d, "In flight");
    assert!(
        waiting.ends_with("; an answer was lost, so nothing more is acknowledged until request.timeout.ms (30000 ms) ends the connection and the batches are sent again"),
        "{waiting}"
    );
    assert!(waiting.contains(" awaiting acknowledgement, "), "{waiting}");
    // Past the timeout the batches are sent again on a new connection and acknowledged.
    sim.run_for(40_000);
    let d = producer(&sim);
    assert!(
        d.facts
            .iter()
            .all(|(l, v)| *l != "In flight" || !v.contains("lost")),
        "{d:?}"
    );
}

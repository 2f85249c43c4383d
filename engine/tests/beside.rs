//! The queue and the call chain beside the cluster, as scenarios use them: fed by a producer,
//! changed by commands, replayed exactly from a script and carried by links.

mod common;

use kplay_engine::call_chain::{CallChainSpec, ServiceSpec};
use kplay_engine::group::GroupConfig;
use kplay_engine::queue::{QueueSpec, WorkerSpec};
use kplay_engine::scenario::Scenario;
use kplay_engine::{link, Command, Simulation};

fn with_queue_and_chain() -> Scenario {
    let mut s = common::orders(7, 3, 20.0, 2, GroupConfig::default());
    s.queues.push(QueueSpec {
        name: "order-queue".into(),
        producer: "order-service".into(),
        prefetch: 2,
        workers: ["worker-1", "worker-2"]
            .map(|name| WorkerSpec {
                name: name.into(),
                process_ms: 60,
            })
            .to_vec(),
    });
    s.call_chains.push(CallChainSpec {
        name: "checkout".into(),
        producer: "order-service".into(),
        timeout_ms: 2_000,
        max_in_flight: 25,
        services: [("orders", 20), ("payments", 80), ("inventory", 40)]
            .map(|(name, latency_ms)| ServiceSpec {
                name: name.into(),
                latency_ms,
            })
            .to_vec(),
    });
    s
}

fn records(sim: &Simulation) -> u64 {
    sim.topics()
        .flat_map(|t| t.partitions())
        .map(|p| p.log_end_offset())
        .sum()
}

/// The run the tests act on: a worker crash, a dead service, both recovering.
fn act(sim: &mut Simulation) {
    let at = |sim: &mut Simulation, t: u64, command: Command| {
        sim.run_until(t);
        sim.apply(command).unwrap();
    };
    at(
        sim,
        3_000,
        Command::CrashQueueWorker {
            queue: "order-queue".into(),
            worker: "worker-2".into(),
        },
    );
    at(
        sim,
        4_000,
        Command::SetService {
            chain: "checkout".into(),
            service: "payments".into(),
            latency_ms: None,
            up: Some(false),
        },
    );
    at(
        sim,
        8_000,
        Command::SetService {
            chain: "checkout".into(),
            service: "payments".into(),
            latency_ms: Some(30),
            up: Some(true),
        },
    );
    at(
        sim,
        9_000,
        Command::RestartQueueWorker {
            queue: "order-queue".into(),
            worker: "worker-2".into(),
        },
    );
    sim.run_until(15_000);
}

#[test]
fn every_record_the_producer_sends_feeds_the_queue_and_the_chain() {
    let mut sim = with_queue_and_chain().build().unwrap();
    sim.run_until(10_000);
    let sent = records(&sim);
    assert!(sent >= 190, "{sent}");
    let q = sim.queue("order-queue").unwrap();
    let c = sim.call_chain("checkout").unwrap();
    assert_eq!(q.published, sent);
    assert_eq!(c.started + c.refused, sent);
    // Two workers at 60 ms keep up with 20 records a second: almost everything is deleted,
    // while the topic keeps every record.
    assert!(q.deleted + 4 >= sent && q.depth() <= 4, "{q:?}");
    assert_eq!(
        c.last_response_ms,
        Some(140),
        "latencies add up: 20 + 80 + 40"
    );
    assert_eq!((c.failed, c.refused), (0, 0));
}

#[test]
fn a_crashed_worker_and_a_dead_service_show_their_effects() {
    let mut sim = with_queue_and_chain().build().unwrap();
    act(&mut sim);
    let q = sim.queue("order-queue").unwrap();
    assert!(q.redelivered >= 1, "{q:?}");
    assert!(q.workers[1].up);
    let c = sim.call_chain("checkout").unwrap();
    assert!(c.failed > 10, "{c:?}");
    assert!(
        c.refused > 0,
        "the dead service's timeouts fill the client's 25 threads: {c:?}"
    );
    assert_eq!(c.max_response_ms, 20 + 2_000);
    assert_eq!(c.services[1].missed, c.failed);
    assert_eq!(c.last_response_ms, Some(20 + 30 + 40));
}

#[test]
fn a_run_with_queue_and_chain_commands_replays_exactly() {
    let scenario = with_queue_and_chain();
    let mut live = scenario.build().unwrap();
    act(&mut live);
    let saved = scenario.with_script_of(&live);
    let mut replay = saved.build().unwrap();
    replay.run_until(15_000);
    assert_eq!(replay.trace().hash(), live.trace().hash());
    let (a, b) = (
        live.queue("order-queue").unwrap(),
        replay.queue("order-queue").unwrap(),
    );
    assert_eq!(
        (
            a.published,
            a.deleted,
            a.redelivered,
            a.out_of_order,
            a.depth()
        ),
        (
            b.published,
            b.deleted,
            b.redelivered,
            b.out_of_order,
            b.depth()
        )
    );
    assert_eq!(a.workers, b.workers);
    let (a, b) = (
        live.call_chain("checkout").unwrap(),
        replay.call_chain("checkout").unwrap(),
    );
    assert_eq!(
        (
            a.started,
            a.succeeded,
            a.failed,
            a.refused,
            a.total_response_ms
        ),
        (
            b.started,
            b.succeeded,
            b.failed,
            b.refused,
            b.total_response_ms
        )
    );
    assert_eq!(a.services, b.services);
    // And through a link.
    let decoded = link::decode(&link::encode(&saved)).unwrap();
    assert_eq!(decoded, saved);
}

#[test]
fn bad_queues_and_chains_are_refused_with_clear_messages() {
    let mut s = with_queue_and_chain();
    s.queues[0].producer = "nobody".into();
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "queues[0]: order-queue: there is no producer named \"nobody\""
    );
    let mut s = with_queue_and_chain();
    s.call_chains[0].name = "order-queue".into();
    assert_eq!(
        s.validate().unwrap_err().to_string(),
        "call_chains[0]: a queue or call chain named \"order-queue\" already exists"
    );
    let text = with_queue_and_chain()
        .to_json()
        .replace("\"prefetch\": 2", "\"prefetch\": \"two\"");
    assert_eq!(
        Scenario::from_json(&text).unwrap_err().to_string(),
        "scenario is not valid: queues[0].prefetch: expected a whole number from 0 to 4294967295, got \"two\""
    );
    let mut sim = with_queue_and_chain().build().unwrap();
    let err = sim
        .apply(Command::CrashQueueWorker {
            queue: "order-queue".into(),
            worker: "worker-9".into(),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "queue order-queue has no worker worker-9");
    assert!(sim.script().is_empty(), "a refused command is not recorded");
}

#[test]
fn scenarios_without_queues_or_chains_keep_their_format() {
    let json = common::orders(1, 3, 5.0, 1, GroupConfig::default()).to_json();
    assert!(
        !json.contains("queues") && !json.contains("call_chains"),
        "{json}"
    );
}

#[test]
fn queues_and_chains_added_during_a_run_replay_from_the_scenario_text() {
    let scenario = common::orders(9, 3, 10.0, 1, GroupConfig::default());
    let mut live = scenario.build().unwrap();
    let full = with_queue_and_chain();
    let mut at = |t: u64, command: Command| {
        live.run_until(t);
        live.apply(command).unwrap();
    };
    at(1_000, Command::AddQueue(full.queues[0].clone()));
    at(1_500, Command::AddCallChain(full.call_chains[0].clone()));
    at(
        2_000,
        Command::AddQueueWorker {
            queue: "order-queue".into(),
            worker: WorkerSpec {
                name: "worker-3".into(),
                process_ms: 10,
            },
        },
    );
    live.run_until(6_000);
    let text = scenario.with_script_of(&live).to_json();
    for tag in ["add_queue", "add_call_chain", "add_queue_worker"] {
        assert!(text.contains(&format!("\"type\": \"{tag}\"")), "{tag}");
    }
    let mut replay = Scenario::from_json(&text).unwrap().build().unwrap();
    replay.run_until(6_000);
    let (a, b) = (
        live.queue("order-queue").unwrap(),
        replay.queue("order-queue").unwrap(),
    );
    assert_eq!(a.workers, b.workers);
    assert!(a.workers[2].acked > 0);
    assert_eq!(
        live.call_chain("checkout").unwrap().started,
        replay.call_chain("checkout").unwrap().started
    );
    assert_eq!(replay.trace().hash(), live.trace().hash());
}

#[test]
fn every_command_has_a_documented_example_that_reads() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/scenario-format.md"
    ))
    .unwrap();
    let mut documented = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("{ \"type\": ")) {
        let value = kplay_engine::json_read::parse(line).unwrap();
        let field = kplay_engine::json_read::Field::root(&value);
        if let Ok(command) = Command::read(&field) {
            let tag = serde_json::to_value(&command).unwrap()["type"].clone();
            documented.push(tag.as_str().unwrap().to_owned());
        }
    }
    for name in Command::TYPES {
        assert!(
            documented.iter().any(|d| d == name),
            "{name} has no example that reads"
        );
    }
}

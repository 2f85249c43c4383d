//! Every example scenario in engine/examples/scenarios runs without violations and shows what
//! it was written to show.

use kplay_engine::scenario::Scenario;
use kplay_engine::snapshot::{GroupSnapshot, Snapshot};

fn run(json: &str) -> Snapshot {
    let scenario = Scenario::from_json(json).expect("the example parses");
    let mut sim = scenario.build().expect("the example builds");
    sim.run_until(120_000);
    let snapshot = sim.snapshot(0);
    assert!(
        snapshot.violations.is_empty(),
        "{}: {:?}",
        scenario.name,
        snapshot.violations
    );
    snapshot
}

fn group<'a>(snapshot: &'a Snapshot, id: &str) -> &'a GroupSnapshot {
    snapshot
        .groups
        .iter()
        .find(|g| g.id == id)
        .expect("the group exists")
}

#[test]
fn e3_d1_poison_record_example_reaches_the_dead_letter_topic_and_its_handler() {
    let s = run(include_str!(
        "../examples/scenarios/poison-to-dead-letter.json"
    ));
    let inventory = group(&s, "inventory");
    assert_eq!(
        inventory.guarantees.failed_deliveries, 4,
        "FixedBackOff(1000, 3): four deliveries"
    );
    assert_eq!(inventory.guarantees.dead_lettered, 1);
    assert_eq!(
        inventory.keys["order-13"].dead_lettered, 1,
        "the per-key monitor names the poison key"
    );
    assert!(inventory
        .allowed
        .iter()
        .any(|a| a.starts_with("1 dead-lettered")));
    assert_eq!(group(&s, "dlt-handler").guarantees.processed, 1);
}

#[test]
fn e4_transient_example_recovers_every_record_by_back_off() {
    let s = run(include_str!("../examples/scenarios/transient-backoff.json"));
    let payments = group(&s, "payments");
    assert_eq!(payments.guarantees.dead_lettered, 0);
    let failed = payments.guarantees.failed_deliveries;
    assert!(failed > 0);
    // Only order-7 fails (twice a record; the newest may still be backing off at the end).
    assert_eq!(payments.keys.keys().collect::<Vec<_>>(), vec!["order-7"]);
    assert_eq!(payments.keys["order-7"].failed_deliveries, failed);
}

#[test]
fn c5_crash_example_shows_duplicates_and_no_loss() {
    let s = run(include_str!("../examples/scenarios/crash-duplicates.json"));
    let g = group(&s, "notification");
    assert!(g.guarantees.duplicates > 0);
    assert_eq!(g.guarantees.lost, 0);
    assert!(g.allowed.iter().any(|a| a.contains("at-least-once")));
    assert!(!g.keys.is_empty(), "the duplicated keys are listed");
}

#[test]
fn t6_an_exactly_once_groups_reprocessed_records_are_not_called_at_least_once() {
    let s = run(include_str!(
        "../examples/scenarios/transactions-read-committed.json"
    ));
    let enricher = group(&s, "enricher");
    assert!(
        enricher.guarantees.duplicates > 0,
        "the crash aborts a batch"
    );
    let why = enricher
        .allowed
        .iter()
        .find(|a| a.contains("duplicate"))
        .unwrap();
    assert!(why.contains("after their transaction was aborted"), "{why}");
    assert!(!why.contains("at-least-once"), "{why}");
    // Downstream, read_committed, sees each enriched record once.
    assert_eq!(group(&s, "audit").guarantees.duplicates, 0);
}

#[test]
fn c6_duplicates_under_auto_commit_are_explained_by_the_auto_commit_interval() {
    let why = |commit_mode| {
        let mut scenario =
            Scenario::from_json(include_str!("../examples/scenarios/crash-duplicates.json"))
                .unwrap();
        scenario.groups[0].config.commit_mode = commit_mode;
        let mut sim = scenario.build().unwrap();
        sim.run_until(120_000);
        let snapshot = sim.snapshot(0);
        let g = group(&snapshot, "notification");
        assert!(g.guarantees.duplicates > 0, "{commit_mode:?}");
        g.allowed
            .iter()
            .find(|a| a.contains("at-least-once"))
            .cloned()
            .unwrap()
    };
    use kplay_engine::group::CommitMode;
    assert!(
        why(CommitMode::Auto).contains(
            "enable.auto.commit commits positions inside poll() every auto.commit.interval.ms"
        ),
        "{}",
        why(CommitMode::Auto)
    );
    assert!(why(CommitMode::Batch).contains("Offsets are committed after processing"));
}

#[test]
fn idempotent_consumer_example_suppresses_the_duplicates_the_plain_group_processes() {
    let s = run(include_str!(
        "../examples/scenarios/idempotent-consumer.json"
    ));
    let plain = &group(&s, "notification").guarantees;
    let idempotent = &group(&s, "billing").guarantees;
    assert!(plain.duplicates > 0);
    assert_eq!(idempotent.duplicates, 0);
    assert_eq!(idempotent.duplicates_suppressed, plain.duplicates);
}

#[test]
fn the_other_examples_run_clean() {
    for json in [
        include_str!("../examples/scenarios/order-events.json"),
        include_str!("../examples/scenarios/idempotent-producer.json"),
        include_str!("../examples/scenarios/transactions-read-committed.json"),
    ] {
        run(json);
    }
}

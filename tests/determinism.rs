//! The engine in the browser: the example scenario's trace hash must equal the native one
//! (engine/tests/determinism.rs asserts the same value), so wasm and native never drift apart.
#![cfg(target_arch = "wasm32")]

use kplay_engine::scenario::Scenario;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLE: &str = include_str!("../engine/examples/scenarios/order-events.json");
const EXAMPLE_HASH_AT_90_S: &str = "d7c98a5a5a9afcf9";

#[wasm_bindgen_test]
fn golden_trace_hash_matches_native() {
    let scenario = Scenario::from_json(EXAMPLE).expect("the example parses");
    let mut sim = scenario.build().expect("the example builds");
    sim.run_until(90_000);
    assert_eq!(
        format!("{:016x}", sim.trace().hash()),
        EXAMPLE_HASH_AT_90_S,
        "seed {}",
        scenario.seed
    );
    assert_eq!(sim.checker().violation_count(), 0);
}

const GOLDEN: &str = include_str!("../engine/examples/scenarios/golden-hashes.txt");

/// Every example scenario, by file name.
const EXAMPLES: [(&str, &str); 7] = [
    (
        "crash-duplicates.json",
        include_str!("../engine/examples/scenarios/crash-duplicates.json"),
    ),
    (
        "idempotent-consumer.json",
        include_str!("../engine/examples/scenarios/idempotent-consumer.json"),
    ),
    (
        "idempotent-producer.json",
        include_str!("../engine/examples/scenarios/idempotent-producer.json"),
    ),
    (
        "order-events.json",
        include_str!("../engine/examples/scenarios/order-events.json"),
    ),
    (
        "poison-to-dead-letter.json",
        include_str!("../engine/examples/scenarios/poison-to-dead-letter.json"),
    ),
    (
        "transactions-read-committed.json",
        include_str!("../engine/examples/scenarios/transactions-read-committed.json"),
    ),
    (
        "transient-backoff.json",
        include_str!("../engine/examples/scenarios/transient-backoff.json"),
    ),
];

#[wasm_bindgen_test]
fn every_example_matches_the_native_golden_hash() {
    for (file, json) in EXAMPLES {
        let expected = GOLDEN
            .lines()
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.strip_prefix(file).map(str::trim))
            .expect("listed in golden-hashes.txt");
        let mut sim = Scenario::from_json(json).unwrap().build().unwrap();
        sim.run_until(90_000);
        assert_eq!(format!("{:016x}", sim.trace().hash()), expected, "{file}");
    }
}

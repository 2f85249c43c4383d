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

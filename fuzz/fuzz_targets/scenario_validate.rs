//! Any UTF-8 text as a scenario file: `Scenario::from_json` must accept it or say why, and a
//! scenario it accepts must build and run for a few virtual seconds without panicking.
#![no_main]

use kplay_engine::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

/// Virtual time each accepted scenario runs for: long enough for groups to form and records
/// to flow, short enough for thousands of runs a second.
const RUN_MS: u64 = 2_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scenario) = Scenario::from_json(text) {
        let mut sim = scenario.build().expect("a validated scenario builds");
        sim.run_until(RUN_MS);
        let _ = sim.snapshot(3);
    }
});

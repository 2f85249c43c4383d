//! Engine throughput in the browser, on the same heavy scenario the native benchmark runs.
//! Ignored in normal test runs; `./playground bench` runs it with `--include-ignored` in the
//! `fast` profile and compares it with the native figure.
#![cfg(target_arch = "wasm32")]

use kplay_engine::bench::run_heavy;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    web_sys::window()
        .expect("a window")
        .performance()
        .expect("performance")
        .now()
}

#[wasm_bindgen_test]
#[ignore]
fn bench_heavy_scenario_in_the_browser() {
    let runs = 3;
    // One run first, not measured: V8 compiles wasm in tiers (a baseline compiler, then the
    // optimising one), so the first run is slower; the native benchmark warms up the same way.
    let (warm_up, _) = run_heavy();
    console_log!(
        "wasm warm-up run (not counted): trace {:016x}",
        warm_up.trace_hash
    );
    let mut rates = Vec::new();
    for _ in 0..runs {
        let start = now_ms();
        let (run, sim) = run_heavy();
        let seconds = (now_ms() - start) / 1000.0;
        drop(sim);
        assert_eq!(run.violations, 0);
        let rate = run.record_events as f64 / seconds;
        console_log!(
            "wasm: {} records, {} record-events in {:.3} s = {:.2} M record-events/s (trace {:016x})",
            run.records,
            run.record_events,
            seconds,
            rate / 1e6,
            run.trace_hash
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    console_log!(
        "wasm median: {:.2} M record-events/s",
        rates[runs / 2] / 1e6
    );
}

//! Native engine throughput on the heavy scenario. Run with
//! `cargo run --profile fast -p kplay-engine --example bench`.

use std::time::Instant;

use kplay_engine::bench::run_heavy;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    // One run first, not measured, as in the browser (where V8 compiles the wasm in tiers and
    // the first run is slower): both sides report steady-state speed.
    let (warm_up, _) = run_heavy();
    println!(
        "native warm-up run (not counted): trace {:016x}",
        warm_up.trace_hash
    );
    let mut rates = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let (run, sim) = run_heavy();
        let seconds = start.elapsed().as_secs_f64();
        drop(sim);
        assert_eq!(run.violations, 0, "the checker found violations");
        let rate = run.record_events as f64 / seconds;
        println!(
            "native: {} records, {} record-events, {} events in {:.3} s = {:.2} M record-events/s (trace {:016x})",
            run.records,
            run.record_events,
            run.events,
            seconds,
            rate / 1e6,
            run.trace_hash
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "native median: {:.2} M record-events/s (goal >= 5)",
        rates[rates.len() / 2] / 1e6
    );
}

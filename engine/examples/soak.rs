//! The fault soak: ten thousand seeded random scenarios with crashes, restarts, pauses,
//! poison records, lost acknowledgements and offset resets, run through the checker.
//!
//! ```text
//! cargo run --profile fast -p kplay-engine --example soak -- [--scenarios N] [--start SEED] [--run-ms T]
//! ```
//!
//! Prints progress every 1 000 scenarios, then the totals, events per second, the most bytes
//! any scenario kept in its logs and the process's peak resident memory. A scenario with a
//! violation is written to `soak-failure-SEED.json` in the current directory, with the
//! `kplay run` command that replays it; the exit status is then 1.

use std::process::ExitCode;
use std::time::Instant;

use kplay_engine::soak::{settled_at, soak, soak_scenario, SoakResult, DEFAULT_RUN_MS};

const USAGE: &str =
    "usage: soak [--scenarios N] [--start SEED] [--run-ms T]   (defaults: 10000, 0, 120000)";
/// Scenarios between progress lines.
const PROGRESS_EVERY: u64 = 1_000;

struct Options {
    scenarios: u64,
    start: u64,
    run_ms: u64,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        scenarios: 10_000,
        start: 0,
        run_ms: DEFAULT_RUN_MS,
    };
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let slot = match flag.as_str() {
            "--scenarios" => &mut options.scenarios,
            "--start" => &mut options.start,
            "--run-ms" => &mut options.run_ms,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        };
        let value = rest
            .next()
            .ok_or(format!("{flag} needs a number\n{USAGE}"))?;
        *slot = value
            .parse()
            .map_err(|_| format!("{flag}: {value:?} is not a whole number\n{USAGE}"))?;
    }
    if options.run_ms > kplay_engine::scenario::MAX_SCRIPT_MS {
        return Err(format!(
            "--run-ms must be at most {} (one day)",
            kplay_engine::scenario::MAX_SCRIPT_MS
        ));
    }
    options
        .start
        .checked_add(options.scenarios)
        .ok_or("--start + --scenarios overflows")?;
    Ok(options)
}

/// The process's peak resident set size (`VmHWM` in /proc/self/status), where Linux has it.
fn peak_resident_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib as f64 / 1024.0))
}

fn report_failure(result: &SoakResult, run_ms: u64) {
    let seed = result.seed;
    println!("VIOLATION seed {seed}: {} violation(s)", result.violations);
    for anomaly in &result.anomalies {
        println!(
            "  {} in group {} on {} at offset {}, {} ms: {}",
            anomaly.kind,
            anomaly.group,
            anomaly.partition,
            anomaly.offset,
            anomaly.at_ms,
            anomaly.detail
        );
    }
    for consumer in &result.unsettled {
        println!("  not settled after the quiet time: {consumer}");
    }
    let file = format!("soak-failure-{seed}.json");
    let scenario = soak_scenario(seed, run_ms);
    let json = result
        .scenario_json
        .clone()
        .unwrap_or_else(|| scenario.to_json());
    let until = settled_at(&scenario);
    match std::fs::write(&file, json) {
        Ok(()) => println!("  reproduce: kplay run {file} --until-ms {until}"),
        Err(e) => println!("  could not write {file}: {e}"),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let Options {
        scenarios,
        start,
        run_ms,
    } = options;
    println!(
        "soaking {scenarios} scenarios (seeds {start}..{}), {run_ms} ms of virtual time each",
        start + scenarios
    );
    let started = Instant::now();
    let (mut done, mut events) = (0u64, 0u64);
    let summary = soak(start..start + scenarios, run_ms, |result| {
        done += 1;
        events += result.events;
        if result.violations > 0 {
            report_failure(&result, run_ms);
        }
        if done % PROGRESS_EVERY == 0 {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{done}/{scenarios} scenarios, {events} events, {:.1} s, {:.0} events/s",
                secs,
                events as f64 / secs
            );
        }
    });
    let secs = started.elapsed().as_secs_f64();
    println!("scenarios:        {}", summary.scenarios);
    println!("violations:       {}", summary.violations);
    if !summary.failing_seeds.is_empty() {
        println!("failing seeds:    {:?}", summary.failing_seeds);
    }
    println!("events:           {}", summary.events);
    println!("records:          {}", summary.records);
    println!("refused commands: {}", summary.refused_commands);
    println!("events/s:         {:.0}", summary.events as f64 / secs);
    println!(
        "peak log bytes:   {} ({:.1} KiB)",
        summary.peak_log_bytes,
        summary.peak_log_bytes as f64 / 1024.0
    );
    println!(
        "peak memory:      {}",
        peak_resident_memory().unwrap_or_else(|| "n/a".into())
    );
    println!("wall time:        {secs:.1} s");
    if summary.violations > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

//! `kplay`: the Kafka Playground engine on the command line.
//!
//! ```text
//! kplay run SCENARIO.json [--until-ms T]      final snapshot and event trace as JSON
//! kplay partition --partitions N [--key-hex] KEY...   the partition Kafka's producer picks
//! kplay assign < PROBLEM.json                 an assignor's assignment as JSON
//! kplay link SCENARIO.json                    the share link payload (k1.…) of a scenario
//! kplay decode LINK                           the scenario in a link, as pretty JSON
//! ```
//!
//! Bad input gets a message on stderr and exit status 2.

use std::io::Read;
use std::process::ExitCode;

use kplay_engine::assignor::AssignmentProblem;
use kplay_engine::link;
use kplay_engine::partitioner::partition_for_key;
use kplay_engine::scenario::Scenario;

const USAGE: &str = "usage:
  kplay run SCENARIO.json [--until-ms T]
  kplay partition --partitions N [--key-hex] KEY...
  kplay assign < PROBLEM.json
  kplay link SCENARIO.json
  kplay decode LINK";

/// Default run length when a scenario is run without --until-ms: one minute of virtual time.
const DEFAULT_UNTIL_MS: u64 = 60_000;
/// Longest virtual time `kplay run` simulates.
const MAX_UNTIL_MS: u64 = 24 * 3_600_000;
/// Largest JSON accepted on stdin.
const MAX_STDIN_BYTES: u64 = 4 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("partition") => partition(&args[1..]),
        Some("assign") => assign(&args[1..]),
        Some("link") => link(&args[1..]),
        Some("decode") => decode(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    };
    match result {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("kplay: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let mut path = None;
    let mut until_ms = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--until-ms" => {
                let value = rest
                    .next()
                    .ok_or("--until-ms needs a number of milliseconds")?;
                let t: u64 = value
                    .parse()
                    .map_err(|_| format!("--until-ms: {value:?} is not a whole number of ms"))?;
                if t > MAX_UNTIL_MS {
                    return Err(format!(
                        "--until-ms must be at most {MAX_UNTIL_MS} (one day), got {t}"
                    ));
                }
                until_ms = Some(t);
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag:?}\n{USAGE}"))
            }
            file if path.is_none() => path = Some(file.to_owned()),
            extra => return Err(format!("unexpected argument {extra:?}\n{USAGE}")),
        }
    }
    let path = path.ok_or_else(|| format!("run needs a scenario file\n{USAGE}"))?;
    let scenario = read_scenario(&path)?;
    let mut sim = scenario.build().map_err(|e| format!("{path}: {e}"))?;
    let until = until_ms.unwrap_or(DEFAULT_UNTIL_MS);
    sim.run_until(until);
    let output = serde_json::json!({
        "scenario": scenario.name,
        "until_ms": until,
        "snapshot": sim.snapshot(10),
        "trace": sim.trace().events().collect::<Vec<_>>(),
    });
    Ok(serde_json::to_string_pretty(&output).expect("serializable"))
}

fn partition(args: &[String]) -> Result<String, String> {
    let mut partitions = None;
    let mut hex = false;
    let mut keys = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--partitions" => {
                let value = rest.next().ok_or("--partitions needs a number")?;
                let n: u32 = value
                    .parse()
                    .map_err(|_| format!("--partitions: {value:?} is not a whole number"))?;
                if n == 0 || n > 1_000_000 {
                    return Err(format!("--partitions must be 1–1000000, got {n}"));
                }
                partitions = Some(n);
            }
            "--key-hex" => hex = true,
            "--" => keys.extend(rest.by_ref().cloned()),
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag:?}\n{USAGE}"))
            }
            key => keys.push(key.to_owned()),
        }
    }
    let partitions =
        partitions.ok_or_else(|| format!("partition needs --partitions N\n{USAGE}"))?;
    if keys.is_empty() {
        return Err(format!("partition needs at least one key\n{USAGE}"));
    }
    let mut rows = Vec::new();
    for key in keys {
        let bytes = if hex {
            parse_hex(&key)?
        } else {
            key.clone().into_bytes()
        };
        rows.push(serde_json::json!({
            "key": key,
            "partition": partition_for_key(&bytes, partitions),
        }));
    }
    Ok(serde_json::to_string_pretty(&rows).expect("serializable"))
}

fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "--key-hex: {text:?} is not an even number of hex digits"
        ));
    }
    Ok((0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("checked"))
        .collect())
}

fn assign(args: &[String]) -> Result<String, String> {
    if let Some(extra) = args.first() {
        return Err(format!(
            "assign reads its problem on stdin and takes no arguments, got {extra:?}"
        ));
    }
    let mut input = String::new();
    std::io::stdin()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if input.len() as u64 > MAX_STDIN_BYTES {
        return Err(format!(
            "the problem on stdin is larger than {MAX_STDIN_BYTES} bytes"
        ));
    }
    let problem: AssignmentProblem = serde_json::from_str(&input).map_err(|e| {
        format!("the assignment problem is not valid JSON of the documented form: {e}")
    })?;
    let assignment = problem.solve().map_err(|e| e.to_string())?;
    Ok(serde_json::to_string_pretty(&assignment).expect("serializable"))
}

/// Reads and validates a scenario file.
fn read_scenario(path: &str) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))
}

/// One argument, the only one, or a usage message naming the command.
fn only_argument<'a>(args: &'a [String], command: &str, what: &str) -> Result<&'a str, String> {
    match args {
        [one] if !one.starts_with("--") => Ok(one),
        [] => Err(format!("{command} needs {what}\n{USAGE}")),
        [one] => Err(format!("unknown option {one:?}\n{USAGE}")),
        [_, extra, ..] => Err(format!("unexpected argument {extra:?}\n{USAGE}")),
    }
}

fn link(args: &[String]) -> Result<String, String> {
    let path = only_argument(args, "link", "a scenario file")?;
    Ok(link::encode(&read_scenario(path)?))
}

fn decode(args: &[String]) -> Result<String, String> {
    let text = only_argument(args, "decode", "a link (the whole address, #k1.… or k1.…)")?;
    let scenario = link::decode(text).map_err(|e| e.to_string())?;
    Ok(scenario.to_json())
}

//! The `kplay` command line: outputs for good input, a message and exit status 2 for bad.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kplay(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kplay runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn assert_usage_error(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("kplay: "), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn p1_partition_prints_the_partition_kafkas_producer_picks() {
    let out = json(&kplay(&["partition", "--partitions", "3", "21", "abc"], ""));
    // murmur2("21") = -973932308 → toPositive 1173551340 → % 3 = 0; murmur2("abc") = 479470107 → 0.
    assert_eq!(
        out,
        serde_json::json!([{"key": "21", "partition": 0}, {"key": "abc", "partition": 0}])
    );
    let out = json(&kplay(
        &["partition", "--partitions", "1000000", "--key-hex", "c3a9"],
        "",
    ));
    assert_eq!(out[0]["partition"], 186_971_271 % 1_000_000);
}

#[test]
fn partition_refuses_bad_input_with_status_2() {
    assert_usage_error(
        &kplay(&["partition", "--partitions", "0", "k"], ""),
        "--partitions must be",
    );
    assert_usage_error(
        &kplay(&["partition", "--partitions", "3"], ""),
        "at least one key",
    );
    assert_usage_error(
        &kplay(&["partition", "--partitions", "3", "--key-hex", "xyz"], ""),
        "hex digits",
    );
    assert_usage_error(&kplay(&["frobnicate"], ""), "unknown command");
}

#[test]
fn c12_assign_reads_a_problem_and_prints_member_assignments() {
    let problem = r#"{
        "assignor": "range",
        "topics": {"t": 1},
        "members": [
            {"member_id": "consumer1", "topics": ["t"]},
            {"member_id": "consumer2", "topics": ["t"]}
        ]
    }"#;
    let out = json(&kplay(&["assign"], problem));
    assert_eq!(
        out,
        serde_json::json!({"consumer1": ["t-0"], "consumer2": []})
    );
    assert_usage_error(&kplay(&["assign"], "{not json"), "not valid JSON");
}

#[test]
fn run_prints_the_snapshot_and_trace_of_a_scenario() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/scenarios/order-events.json"
    );
    let out = json(&kplay(&["run", path, "--until-ms", "90000"], ""));
    assert_eq!(out["until_ms"], 90_000);
    assert_eq!(out["snapshot"]["trace_hash"], "d7c98a5a5a9afcf9");
    assert_eq!(out["snapshot"]["violations"], serde_json::json!([]));
    let trace = out["trace"].as_array().unwrap();
    assert!(trace.iter().any(|e| e["event"] == "consumer_crashed"));
    assert_usage_error(
        &kplay(&["run", "/nonexistent/scenario.json"], ""),
        "cannot read",
    );
    assert_usage_error(
        &kplay(&["run", path, "--until-ms", "soon"], ""),
        "not a whole number",
    );
}

#[test]
fn run_explains_what_is_wrong_with_a_scenario() {
    let dir = std::env::temp_dir().join(format!("kplay-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"version": 1, "topics": [{"name": "order-events", "partitions": 500}]}"#,
    )
    .unwrap();
    let out = kplay(&["run", bad.to_str().unwrap()], "");
    assert_usage_error(&out, "topic order-events: partitions must be 1–64, got 500");
    std::fs::write(&bad, r#"{"version": 9}"#).unwrap();
    assert_usage_error(
        &kplay(&["run", bad.to_str().unwrap()], ""),
        "version 9 is not supported",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_shows_the_queues_and_call_chains_beside_the_cluster() {
    let dir = std::env::temp_dir().join(format!("kplay-beside-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (lesson, until) in [("sync-vs-async", "45000"), ("kafka-vs-rabbitmq", "20000")] {
        let text = std::fs::read_to_string(format!(
            "{}/../public/lessons/{lesson}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let lesson_json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let path = dir.join(format!("{lesson}.json"));
        std::fs::write(&path, lesson_json["scenario"].to_string()).unwrap();
        let out = json(&kplay(
            &["run", path.to_str().unwrap(), "--until-ms", until],
            "",
        ));
        let snapshot = &out["snapshot"];
        if lesson == "sync-vs-async" {
            let chain = &snapshot["call_chains"][0];
            assert_eq!(chain["name"], "checkout");
            assert!(chain["failed"].as_u64().unwrap() > 50, "{chain}");
            assert_eq!(chain["services"][2]["name"], "inventory-service");
            assert_eq!(chain["services"][2]["up"], false);
            assert!(snapshot.get("queues").is_none(), "no queues, no field");
        } else {
            let queue = &snapshot["queues"][0];
            assert!(queue["deleted"].as_u64().unwrap() >= 190, "{queue}");
            assert_eq!(queue["workers"].as_array().unwrap().len(), 2);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

//! The JSON problem behind `kplay assign`: both topic forms, and each validation error.

use crate::assignor::{AssignError, AssignmentProblem, MAX_MEMBERS};

fn problem(json: &str) -> AssignmentProblem {
    serde_json::from_str(json).expect("valid JSON problem")
}

fn error(json: &str) -> AssignError {
    problem(json).solve().expect_err("invalid problem")
}

#[test]
fn c13_problem_accepts_topic_map_and_topic_list() {
    let map = problem(
        r#"{"assignor":"roundrobin","topics":{"t":3},
            "members":[{"member_id":"b","topics":["t"]},{"member_id":"a","topics":["t"]}]}"#,
    );
    let list = problem(
        r#"{"assignor":"roundrobin","topics":[{"name":"t","partitions":3}],
            "members":[{"member_id":"b","topics":["t"]},{"member_id":"a","topics":["t"]}]}"#,
    );
    let out = map.solve().unwrap();
    assert_eq!(out, list.solve().unwrap());
    assert_eq!(out["a"], ["t-0", "t-2"]);
    assert_eq!(out["b"], ["t-1"]);
}

#[test]
fn c14_problem_owned_entries_split_at_the_last_dash() {
    let p = problem(
        r#"{"assignor":"cooperative-sticky","topics":{"my-topic":2},
            "members":[{"member_id":"a","topics":["my-topic"],"owned":["my-topic-0","my-topic-1"],"generation":3},
                       {"member_id":"b","topics":["my-topic"],"generation":3}]}"#,
    );
    let out = p.solve().unwrap();
    // my-topic-1 must move to b, so this round b waits (C14 c).
    assert_eq!(out["a"], ["my-topic-0"]);
    assert!(out["b"].is_empty());
}

#[test]
fn c15_problem_static_members_sort_by_instance_id() {
    let p = problem(
        r#"{"assignor":"range","topics":{"t":2},
            "members":[{"member_id":"a","group_instance_id":"z","topics":["t"]},
                       {"member_id":"b","group_instance_id":"y","topics":["t"]}]}"#,
    );
    let out = p.solve().unwrap();
    assert_eq!(out["b"], ["t-0"]);
    assert_eq!(out["a"], ["t-1"]);
}

#[test]
fn c13_problem_validation_errors_name_the_problem() {
    let m = r#"{"member_id":"a","topics":["t"]}"#;
    let cases = [
        (format!(r#"{{"assignor":"range","topics":{{"t":1}},"members":[{m},{m}]}}"#), "member id \"a\""),
        (r#"{"assignor":"range","topics":{"t":0},"members":[]}"#.to_string(), "has 0 partitions"),
        (r#"{"assignor":"range","topics":{"t":10001},"members":[]}"#.to_string(), "10001"),
        (r#"{"assignor":"range","topics":{"t":1},"members":[]}"#.to_string(), "no members"),
        (
            r#"{"assignor":"sticky","topics":{"t":1},"members":[{"member_id":"a","topics":["t"],"owned":["t0"]}]}"#
                .to_string(),
            "\"t0\"",
        ),
        (
            r#"{"assignor":"sticky","topics":{"t":1},"members":[{"member_id":"a","topics":["t"],"owned":["t-x"]}]}"#
                .to_string(),
            "not \"topic-partition\"",
        ),
        (
            r#"{"assignor":"sticky","topics":{"t":1},"members":[{"member_id":"a","topics":["t"],"owned":["t-3"]}]}"#
                .to_string(),
            "only 1 partitions",
        ),
        (
            r#"{"assignor":"sticky","topics":{"t":2},"members":[{"member_id":"a","topics":["t"],"owned":["t-1","t-1"]}]}"#
                .to_string(),
            "more than once",
        ),
        (
            r#"{"assignor":"range","topics":{"t":1},"members":[{"member_id":"a","topics":["t","t"]}]}"#.to_string(),
            "subscribes to topic \"t\" more than once",
        ),
        (
            r#"{"assignor":"range","topics":{"t":1},"members":[{"member_id":"a","group_instance_id":"i","topics":["t"]},{"member_id":"b","group_instance_id":"i","topics":["t"]}]}"#
                .to_string(),
            "group instance id \"i\"",
        ),
        (r#"{"assignor":"range","topics":{"t":1},"members":[{"member_id":"","topics":["t"]}]}"#.to_string(), "empty"),
    ];
    for (json, needle) in cases {
        let message = error(&json).to_string();
        assert!(
            message.contains(needle),
            "{message:?} should mention {needle:?}"
        );
    }
}

#[test]
fn c13_problem_rejects_too_many_members() {
    let members: Vec<String> = (0..=MAX_MEMBERS)
        .map(|i| format!(r#"{{"member_id":"m{i}","topics":["t"]}}"#))
        .collect();
    let json = format!(
        r#"{{"assignor":"range","topics":{{"t":1}},"members":[{}]}}"#,
        members.join(",")
    );
    assert_eq!(
        error(&json),
        AssignError::TooManyMembers {
            count: MAX_MEMBERS + 1
        }
    );
}

#[test]
fn c13_problem_rejects_duplicate_topics_in_list_form() {
    let err = serde_json::from_str::<AssignmentProblem>(
        r#"{"assignor":"range","topics":[{"name":"t","partitions":1},{"name":"t","partitions":2}],"members":[]}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("listed twice") || err.to_string().contains("did not match"));
}

#[test]
fn c14_problem_assignor_names_are_kafka_protocol_names() {
    for kind in crate::assignor::AssignorKind::ALL {
        let parsed: crate::assignor::AssignorKind =
            serde_json::from_value(serde_json::Value::String(kind.protocol_name().into())).unwrap();
        assert_eq!(parsed, kind);
    }
}

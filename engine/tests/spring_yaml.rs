//! Pasting an `application.yml`: the tutorial's settings configure the scenario; what the
//! playground does not model is reported with its line, bad values are refused with theirs.

use kplay_engine::assignor::AssignorKind;
use kplay_engine::group::{CommitMode, OffsetResetPolicy};
use kplay_engine::listener::ValueFormat;
use kplay_engine::scenario::Scenario;
use kplay_engine::spring::{application_yml, configured};
use kplay_engine::spring_yaml::{apply, settings};

fn order_events() -> Scenario {
    Scenario::from_json(
        r#"{"version": 1, "topics": [{"name": "order-events", "partitions": 3}],
            "producers": [{"name": "order-service", "topic": "order-events", "keys": {"type": "null"}}],
            "groups": [{"id": "group-a", "topics": ["order-events"], "consumers": 2}]}"#,
    )
    .unwrap()
}

/// The tutorial's file, as it shows it.
const TUTORIAL_YML: &str = r#"
spring:
  kafka:
    bootstrap-servers: localhost:9092
    producer:
      key-serializer: org.apache.kafka.common.serialization.StringSerializer
      value-serializer: org.springframework.kafka.support.serializer.JsonSerializer
    consumer:
      group-id: order-service-group
      auto-offset-reset: earliest
      key-deserializer: org.apache.kafka.common.serialization.StringDeserializer
      value-deserializer: org.springframework.kafka.support.serializer.JsonDeserializer
      properties:
        spring.json.trusted.packages: "*"
"#;

#[test]
fn the_tutorials_application_yml_configures_the_first_group() {
    let applied = apply(&order_events(), TUTORIAL_YML).unwrap();
    assert_eq!(applied.unknown, Vec::<String>::new());
    assert_eq!(applied.applied.len(), 8);
    let group = &applied.scenario.groups[0];
    assert_eq!(group.id, "order-service-group");
    assert_eq!(group.config.auto_offset_reset, OffsetResetPolicy::Earliest);
    assert_eq!(
        group.config.listener.value_format,
        ValueFormat::Json {
            trusted_packages: vec!["*".into()]
        }
    );
    applied.scenario.validate().unwrap();
}

#[test]
fn settings_the_playground_does_not_model_are_reported_with_their_line() {
    let text = "spring:\n  kafka:\n    consumer:\n      fetch-min-size: 1 # bytes\n      group-id: g\nserver:\n  port: 8080\n";
    let applied = apply(&order_events(), text).unwrap();
    assert_eq!(
        applied.unknown,
        [
            "line 4: spring.kafka.consumer.fetch-min-size is not a setting the playground models",
            "line 7: server.port is not a setting the playground models",
        ]
    );
    assert_eq!(applied.scenario.groups[0].id, "g");
}

#[test]
fn bad_values_and_yaml_the_reader_does_not_take_are_refused_with_their_line() {
    let e = apply(
        &order_events(),
        "spring.kafka.consumer.auto-offset-reset: sometimes\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "line 1: spring.kafka.consumer.auto-offset-reset: expected earliest, latest or none, got \"sometimes\""
    );
    let e = apply(&order_events(), "spring:\n  kafka:\n    - a\n").unwrap_err();
    assert!(e.starts_with("line 3: lists"), "{e}");
    let e = apply(&order_events(), "spring:\n\tkafka: x\n").unwrap_err();
    assert!(e.contains("line 2") && e.contains("tabs"), "{e}");
    let e = apply(&order_events(), "spring.kafka.listener.ack-mode: MANUAL\n").unwrap_err();
    assert!(e.contains("BATCH and RECORD"), "{e}");
}

#[test]
fn text_that_is_not_spring_boot_yaml_applies_nothing() {
    let e = apply(&order_events(), "{{{{ ::: ]]]").unwrap_err();
    assert_eq!(e, "line 1: \"{{{{\" is not a setting's name");
    // kafka's entries at 4 spaces, then a line at 1: it belongs to no mapping.
    let e = apply(
        &order_events(),
        "spring:\n  kafka:\n    producer:\n      acks: all\n consumer:\n      group-id: x\n",
    )
    .unwrap_err();
    assert_eq!(e, "line 5: its indentation lines up with no line above it");
    let e = apply(&order_events(), "a:\n  b: 1\n   c: 2\n").unwrap_err();
    assert!(e.starts_with("line 3: its indentation"), "{e}");
    let e = apply(&order_events(), "server:\n  port: 8080\n").unwrap_err();
    assert!(
        e.starts_with("nothing to apply: none of its 1 settings"),
        "{e}"
    );
    let e = apply(&order_events(), "# only a comment\n").unwrap_err();
    assert_eq!(e, "nothing to apply: the text has no settings");
    let e = apply(&order_events(), "spring.kafka.consumer.group-id: \"abc\n").unwrap_err();
    assert_eq!(e, "line 1: \"abc opens a quote it does not close");
    let e = apply(
        &order_events(),
        "spring:\n  kafka:\n    consumer:\n      group-id: a\n      group-id: b\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "line 5: spring.kafka.consumer.group-id is given twice (first on line 4)"
    );
    let applied = apply(&order_events(), "spring.kafka.consumer.group-id: 'it''s'\n").unwrap();
    assert_eq!(applied.scenario.groups[0].id, "it's");
}

#[test]
fn comments_quotes_and_dotted_keys_read_as_spring_boot_reads_them() {
    let found = settings("a:\n  b.c: 'x # not a comment' # a comment\n  d: \"y\"\n").unwrap();
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|s| (s.key.as_str(), s.value.as_str()))
        .collect();
    assert_eq!(pairs, [("a.b.c", "x # not a comment"), ("a.d", "y")]);
}

#[test]
fn the_views_own_application_yml_pastes_back_to_the_same_group_settings() {
    let mut source = order_events();
    let config = &mut source.groups[0].config;
    config.assignor = AssignorKind::RoundRobin;
    config.commit_mode = CommitMode::Record;
    config.auto_offset_reset = OffsetResetPolicy::Earliest;
    config.max_poll_records = 50;
    config.session_timeout_ms = 10_000;
    let yml = application_yml(&configured(&source));
    let pasted = apply(&order_events(), &yml).unwrap();
    assert_eq!(pasted.unknown, Vec::<String>::new(), "{yml}");
    assert_eq!(
        pasted.scenario.groups[0].config, source.groups[0].config,
        "{yml}"
    );
}

#[test]
fn t2_acks_1_without_enable_idempotence_turns_idempotence_off_and_with_it_is_refused() {
    let quiet = apply(
        &order_events(),
        "spring:\n  kafka:\n    producer:\n      acks: 1\n",
    )
    .unwrap();
    let producer = &quiet.scenario.producers[0];
    assert!(!producer.enable_idempotence);
    assert!(quiet.scenario.validate().is_ok());
    let explicit = apply(
        &order_events(),
        "spring:\n  kafka:\n    producer:\n      acks: 1\n      properties:\n        enable.idempotence: true\n",
    )
    .unwrap();
    let why = explicit.scenario.validate().unwrap_err().to_string();
    assert!(why.contains("ConfigException"), "{why}");
    // A file that says nothing of it leaves a producer's idempotence off.
    let mut plain = order_events();
    plain.producers[0].enable_idempotence = false;
    let applied = apply(
        &plain,
        "spring:\n  kafka:\n    consumer:\n      group-id: g\n",
    )
    .unwrap();
    assert!(!applied.scenario.producers[0].enable_idempotence);
}

#[test]
fn concurrency_static_membership_and_retry_topics_are_read_from_spring_boots_settings() {
    let applied = apply(
        &order_events(),
        "spring:
  kafka:
    listener:
      concurrency: 3
    consumer:
      properties:
        group.instance.id: order-service
    retry:
      topic:
        enabled: true
        attempts: 4
        backoff:
          delay: 2s
          multiplier: 2.5
          max-delay: 10s
",
    )
    .unwrap();
    assert_eq!(applied.unknown, Vec::<String>::new());
    let g = &applied.scenario.groups[0];
    assert_eq!(g.consumers, 3);
    assert!(g.config.static_membership);
    let r = g
        .config
        .listener
        .error_handler
        .retry_topic
        .as_ref()
        .unwrap();
    assert_eq!(
        (r.attempts, r.delay_ms, r.multiplier, r.max_delay_ms),
        (4, 2_000, 2.5, Some(10_000))
    );
    assert!(applied.scenario.validate().is_ok());
    // Spring Boot's builder: topics suffixed with index values, one topic for repeats.
    assert_eq!(
        r.suffixing_strategy,
        kplay_engine::retry_topic::TopicSuffixingStrategy::SuffixWithIndexValue
    );
    // The names before Spring Boot 3.4 work too, in any order.
    let old = apply(
        &order_events(),
        "spring.kafka.retry.topic.delay: 500ms\nspring.kafka.retry.topic.attempts: 2\nspring.kafka.retry.topic.enabled: true\n",
    )
    .unwrap();
    let retry_topic = |s: &kplay_engine::scenario::Scenario| {
        s.groups[0]
            .config
            .listener
            .error_handler
            .retry_topic
            .clone()
    };
    let r = retry_topic(&old.scenario).unwrap();
    assert_eq!((r.attempts, r.delay_ms), (2, 500));
    // enabled: false removes them, wherever the other settings stand.
    let off = apply(
        &old.scenario,
        "spring.kafka.retry.topic.enabled: false\nspring.kafka.retry.topic.attempts: 5\n",
    )
    .unwrap();
    assert!(retry_topic(&off.scenario).is_none());
    // Without enabled, Spring Boot makes none: the settings change nothing and say so.
    let alone = apply(
        &order_events(),
        "spring.kafka.retry.topic.attempts: 5\nspring.kafka.consumer.group-id: g\n",
    )
    .unwrap();
    assert!(retry_topic(&alone.scenario).is_none());
    assert_eq!(
        alone.unknown,
        ["line 1: spring.kafka.retry.topic.attempts applies only with spring.kafka.retry.topic.enabled: true"]
    );
    let why = apply(&order_events(), "spring.kafka.listener.concurrency: 0\n")
        .err()
        .unwrap();
    assert!(why.contains("expected a number of consumers"), "{why}");
}

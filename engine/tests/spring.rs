//! The Spring Boot view (`kplay_engine::spring`): the YAML, Java and CLI text a scenario
//! turns into, checked against the seed tutorial's setup and Kafka's and Spring's names.

use std::path::PathBuf;

use kplay_engine::assignor::AssignorKind;
use kplay_engine::backoff::BackOff;
use kplay_engine::group::{GroupConfig, OffsetResetPolicy};
use kplay_engine::listener::{FailureKind, FailureRule, RecordMatch, ValueFormat};
use kplay_engine::producer::{KeyStream, ProducerSpec};
use kplay_engine::retry_topic::RetryTopicConfig;
use kplay_engine::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use kplay_engine::sim::{Command, ResetTarget, ScriptEntry};
use kplay_engine::spring::{
    application_yml, assignor_class, cli_commands, java_config, listener_java,
};

fn topic(name: &str, partitions: u32) -> TopicSpec {
    TopicSpec {
        name: name.into(),
        partitions,
        retention_ms: None,
        retention_bytes: None,
    }
}

fn producer(name: &str, topic: &str) -> ProducerSpec {
    ProducerSpec {
        name: name.into(),
        topic: topic.into(),
        keys: KeyStream::KeySpace {
            prefix: "order-".into(),
            count: 10,
            skew: 0.0,
        },
        ..ProducerSpec::default()
    }
}

fn group(id: &str, topic: &str, config: GroupConfig) -> GroupSpec {
    GroupSpec {
        id: id.into(),
        topics: vec![topic.into()],
        config,
        consumers: 2,
    }
}

fn scenario(
    topics: Vec<TopicSpec>,
    producers: Vec<ProducerSpec>,
    groups: Vec<GroupSpec>,
) -> Scenario {
    let s = Scenario {
        version: SCENARIO_VERSION,
        name: "spring view test".into(),
        seed: 1,
        cluster: Default::default(),
        topics,
        producers,
        groups,
        queues: Vec::new(),
        call_chains: Vec::new(),
        script: Vec::new(),
        open_at_ms: None,
        played_to_ms: None,
    };
    s.validate().expect("the test scenario is valid");
    s
}

/// The tutorial's setup: order-events, one group reading from the earliest offset, String
/// keys and JSON values with every package trusted.
fn seed_setup() -> Scenario {
    let mut config = GroupConfig {
        auto_offset_reset: OffsetResetPolicy::Earliest,
        ..GroupConfig::default()
    };
    config.listener.value_format = ValueFormat::Json {
        trusted_packages: vec!["*".into()],
    };
    scenario(
        vec![topic("order-events", 3)],
        vec![producer("order-service", "order-events")],
        vec![group("group-a", "order-events", config)],
    )
}

fn with_handler(back_off: BackOff, dead_letter: bool) -> Scenario {
    let mut config = GroupConfig::default();
    config.listener.failures.push(FailureRule {
        matches: RecordMatch {
            key_equals: None,
            value_contains: Some("POISON".into()),
        },
        kind: FailureKind::Poison,
        exception: None,
        message: None,
    });
    config.listener.error_handler.back_off = back_off;
    config.listener.error_handler.dead_letter = dead_letter;
    scenario(
        vec![topic("order-events", 3)],
        vec![],
        vec![group("inventory", "order-events", config)],
    )
}

fn assert_has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "missing {wanted:?} in:\n{text}");
}

#[test]
fn the_seed_setup_gives_the_tutorials_application_yml() {
    let yml = application_yml(&seed_setup());
    for line in [
        "spring:\n  kafka:\n    bootstrap-servers: localhost:9092\n",
        "      key-serializer: org.apache.kafka.common.serialization.StringSerializer\n",
        "      value-serializer: org.springframework.kafka.support.serializer.JsonSerializer\n",
        "      group-id: group-a\n",
        "      auto-offset-reset: earliest\n",
        "      key-deserializer: org.apache.kafka.common.serialization.StringDeserializer\n",
        "      value-deserializer: org.springframework.kafka.support.serializer.JsonDeserializer\n",
        "      properties:\n        spring.json.trusted.packages: \"*\"\n",
        // J3: a value without a __TypeId__ header needs a default type, or JsonDeserializer
        // throws; java.lang.Object reads any JSON, as the playground accepts any.
        "        spring.json.value.default.type: java.lang.Object\n",
    ] {
        assert_has(&yml, line);
    }
    // Defaults stay out: acks=all, idempotence, Range, 500 records, BATCH.
    for absent in [
        "acks",
        "idempotence",
        "assignment",
        "max-poll-records",
        "ack-mode",
    ] {
        assert!(!yml.contains(absent), "{absent} in:\n{yml}");
    }
    // The tutorial's keys appear even at their defaults.
    let mut defaults = seed_setup();
    defaults.groups[0].config.auto_offset_reset = OffsetResetPolicy::Latest;
    defaults.groups[0].config.listener.value_format = ValueFormat::Json {
        trusted_packages: vec!["java.util".into(), "java.lang".into()],
    };
    let yml = application_yml(&defaults);
    assert_has(&yml, "      auto-offset-reset: latest\n");
    assert_has(
        &yml,
        "        spring.json.trusted.packages: \"java.util,java.lang\"\n",
    );
}

#[test]
fn every_assignor_maps_to_its_class_and_non_default_ones_reach_the_yaml() {
    let expected = [
        (
            AssignorKind::Range,
            "org.apache.kafka.clients.consumer.RangeAssignor",
        ),
        (
            AssignorKind::RoundRobin,
            "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        ),
        (
            AssignorKind::Sticky,
            "org.apache.kafka.clients.consumer.StickyAssignor",
        ),
        (
            AssignorKind::CooperativeSticky,
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
        ),
    ];
    for (kind, class) in expected {
        assert_eq!(assignor_class(kind), class);
        let mut s = seed_setup();
        s.groups[0].config.assignor = kind;
        let yml = application_yml(&s);
        if kind == AssignorKind::Range {
            assert!(!yml.contains("partition.assignment.strategy"), "{yml}");
        } else {
            assert_has(
                &yml,
                &format!("        partition.assignment.strategy: {class}\n"),
            );
        }
    }
}

#[test]
fn a_fixed_back_off_with_a_dead_letter_topic_is_the_tutorials_error_handler() {
    let java = java_config(&with_handler(BackOff::fixed(1000, 3), true));
    assert_has(
        &java,
        "public DefaultErrorHandler errorHandler(KafkaTemplate<String, Object> template)",
    );
    assert_has(&java, "new DeadLetterPublishingRecoverer(template);");
    assert_has(
        &java,
        "new DefaultErrorHandler(recoverer, new FixedBackOff(1000L, 3L));",
    );
    assert_has(&java, "order-events-dlt");
    let no_dlt = java_config(&with_handler(BackOff::fixed(500, 2), false));
    assert_has(
        &no_dlt,
        "new DefaultErrorHandler(new FixedBackOff(500L, 2L));",
    );
    assert!(
        !no_dlt.contains("DeadLetterPublishingRecoverer recoverer"),
        "{no_dlt}"
    );
}

#[test]
fn the_dead_letter_topic_the_run_creates_is_declared_with_one_partition() {
    let s = with_handler(BackOff::fixed(1000, 3), true);
    let java = java_config(&s);
    assert_has(
        &java,
        "return TopicBuilder.name(\"order-events-dlt\")\n                .partitions(1)",
    );
    let cli = cli_commands(&s);
    assert_has(
        &cli,
        "# the dead-letter topic, which the playground creates at the start\nkafka-topics.sh",
    );
    assert_eq!(cli.matches("order-events-dlt").count(), 1, "{cli}");
    // The run creates exactly that topic, with one partition.
    let sim = s.build().unwrap();
    assert_eq!(
        sim.topic("order-events-dlt").map(|t| t.partition_count()),
        Some(1)
    );
    // A scenario that declares its dead-letter topic gets it once, as declared.
    let mut declared = s.clone();
    declared.topics.push(topic("order-events-dlt", 3));
    let java = java_config(&declared);
    assert_eq!(
        java.matches("TopicBuilder.name(\"order-events-dlt\")")
            .count(),
        1
    );
    assert_has(
        &java,
        "TopicBuilder.name(\"order-events-dlt\")\n                .partitions(3)",
    );
    // Without a dead-letter recoverer there is none.
    let none = java_config(&with_handler(BackOff::fixed(500, 2), false));
    assert!(
        !none.contains("TopicBuilder.name(\"order-events-dlt\")"),
        "{none}"
    );
}

#[test]
fn d3_a_recoverer_behind_error_handling_deserializer_republishes_raw_bytes_with_a_byte_array_template(
) {
    let mut s = with_handler(BackOff::fixed(1000, 3), true);
    s.groups[0].config.listener.error_handling_deserializer = true;
    let java = java_config(&s);
    assert_has(&java, "Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();\n        templates.put(byte[].class, ");
    assert_has(&java, "null, new ByteArraySerializer())));\n        templates.put(Object.class, template);\n        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(templates);");
    for import in [
        "java.util.LinkedHashMap",
        "org.apache.kafka.common.serialization.ByteArraySerializer",
        "org.springframework.kafka.core.KafkaOperations",
        "org.springframework.kafka.core.DefaultKafkaProducerFactory",
    ] {
        assert_has(&java, &format!("import {import};\n"));
    }
    // Without the deserializer the template alone serves.
    let plain = java_config(&with_handler(BackOff::fixed(1000, 3), true));
    assert_has(&plain, "new DeadLetterPublishingRecoverer(template);");
    assert!(!plain.contains("ByteArraySerializer"), "{plain}");
}

#[test]
fn exponential_back_offs_are_built_with_their_settings() {
    let java = java_config(&with_handler(
        BackOff::Exponential {
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 10_000,
            max_elapsed_time_ms: Some(60_000),
            max_attempts: None,
        },
        false,
    ));
    assert_has(
        &java,
        "ExponentialBackOff backOff = new ExponentialBackOff(1000L, 2.0);",
    );
    assert_has(&java, "backOff.setMaxInterval(10000L);");
    assert_has(&java, "backOff.setMaxElapsedTime(60000L);");
    assert_has(&java, "new DefaultErrorHandler(backOff);");

    let java = java_config(&with_handler(
        BackOff::ExponentialWithMaxRetries {
            max_retries: 4,
            initial_interval_ms: 500,
            multiplier: 1.5,
            max_interval_ms: 8_000,
        },
        true,
    ));
    assert_has(&java, "new ExponentialBackOffWithMaxRetries(4);");
    assert_has(&java, "backOff.setInitialInterval(500L);");
    assert_has(&java, "backOff.setMultiplier(1.5);");
    assert_has(&java, "backOff.setMaxInterval(8000L);");
    assert_has(&java, "new DefaultErrorHandler(recoverer, backOff);");
}

#[test]
fn retry_topics_become_a_retryable_topic_annotation() {
    let mut s = with_handler(BackOff::fixed(0, 0), false);
    s.groups[0].config.listener.error_handler.retry_topic = Some(RetryTopicConfig {
        attempts: 4,
        delay_ms: 1000,
        multiplier: 2.0,
        max_delay_ms: Some(5000),
        ..RetryTopicConfig::default()
    });
    let java = java_config(&s);
    assert_has(&java, "@RetryableTopic(\n            attempts = \"4\",");
    assert_has(
        &java,
        "backOff = @BackOff(delay = 1000, multiplier = 2.0, maxDelay = 5000)",
    );
    assert_has(&java, "dltStrategy = DltStrategy.ALWAYS_RETRY_ON_ERROR");
    assert_has(&java, "@DltHandler");
    assert_has(&java, "-> order-events-dlt");
    assert!(
        !java.contains("public DefaultErrorHandler errorHandler"),
        "{java}"
    );
}

#[test]
fn retention_and_offset_resets_become_cli_lines() {
    let mut s = seed_setup();
    s.topics[0].retention_ms = Some(60_000);
    s.script = [
        ResetTarget::Earliest,
        ResetTarget::ShiftBy { by: -5 },
        ResetTarget::ToTime { at_ms: 90_061_001 },
    ]
    .into_iter()
    .enumerate()
    .map(|(i, to)| ScriptEntry {
        at_ms: 1000 * (i as u64 + 1),
        after_events: None,
        command: Command::ResetOffsets {
            group: "group-a".into(),
            to,
        },
    })
    .collect();
    let cli = cli_commands(&s);
    assert_has(
        &cli,
        "kafka-topics.sh --bootstrap-server localhost:9092 --create --topic order-events \\\n  --partitions 3 --replication-factor 1 --config retention.ms=60000\n",
    );
    assert_has(
        &cli,
        "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group group-a\n",
    );
    let reset = "kafka-consumer-groups.sh --bootstrap-server localhost:9092 --reset-offsets --group group-a \\\n  --topic order-events";
    assert_has(&cli, &format!("{reset} --to-earliest --execute\n"));
    assert_has(&cli, &format!("{reset} --shift-by -5 --execute\n"));
    assert_has(
        &cli,
        &format!("{reset} --to-datetime 1970-01-02T01:01:01.001 --execute\n"),
    );
}

#[test]
fn a_second_group_gets_its_own_listener_and_overrides() {
    let mut s = seed_setup();
    let mut config = s.groups[0].config.clone();
    config.auto_offset_reset = OffsetResetPolicy::Latest;
    config.assignor = AssignorKind::CooperativeSticky;
    config.static_membership = true;
    s.groups
        .push(group("analytics-service-group", "order-events", config));
    s.validate().unwrap();
    let yml = application_yml(&s);
    assert_has(&yml, "      group-id: group-a\n");
    assert_has(&yml, "# Group \"analytics-service-group\"");
    assert_has(&yml, "#   auto.offset.reset=latest\n");
    let java = java_config(&s);
    assert_has(&java, "groupId = \"group-a\"");
    assert_has(&java, "groupId = \"analytics-service-group\"");
    assert_has(&java, "\"partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor\"");
    assert_has(&java, "\"group.instance.id=analytics-service-group\"");
    assert_has(&java, "concurrency = \"2\"");
}

#[test]
fn quotes_and_special_characters_stay_inside_their_strings() {
    let mut s = seed_setup();
    s.groups[0].id = "team \"a\": #1 ${x}".into();
    // Names hold no newline (they are refused), but quotes and escapes stay quoted.
    s.producers[0].name = "svc \"q\" next: line\\u000a".into();
    s.groups[0].config.listener.failures.push(FailureRule {
        matches: RecordMatch {
            key_equals: Some("k\"ey".into()),
            value_contains: None,
        },
        kind: FailureKind::Poison,
        exception: Some("not a class\n}".into()),
        message: Some("it's \"bad\"\n".into()),
    });
    s.validate().unwrap();
    let yml = application_yml(&s);
    assert_has(&yml, "      group-id: \"team \\\"a\\\": #1 \\\\${x}\"\n");
    assert_has(
        &yml,
        "      client-id: \"svc \\\"q\\\" next: line\\\\u000a\"\n",
    );
    assert_has(
        &yml,
        "      # producer \"svc \"q\" next: line\\\\u000a\" sending to order-events\n",
    );
    for line in yml.lines() {
        let trimmed = line.trim_start();
        assert!(
            trimmed.is_empty() || trimmed.starts_with('#') || trimmed.contains(':'),
            "a stray line in the YAML: {line:?}"
        );
    }
    let java = java_config(&s);
    assert_has(&java, "groupId = \"#{'team \\\"a\\\": #1 $' + '{x}'}\"");
    assert_has(&java, "\"k\\\"ey\".equals(String.valueOf(record.key()))");
    assert_has(&java, "// throws not a class } (not a Java class name)");
    assert_has(
        &java,
        "throw new IllegalStateException(\"it's \\\"bad\\\"\\n\");",
    );
    let cli = cli_commands(&s);
    assert_has(&cli, "--describe --group 'team \"a\": #1 ${x}'\n");
}

fn all_three(label: &str, s: &Scenario) {
    let yml = application_yml(s);
    let java = java_config(s);
    let cli = cli_commands(s);
    assert!(yml.contains("bootstrap-servers: localhost:9092"), "{label}");
    assert!(java.contains("@Configuration"), "{label}");
    each_java_file_imports_what_it_uses(label, &java);
    for t in &s.topics {
        assert!(
            cli.contains(&format!("--topic {}", t.name)),
            "{label}: {}",
            t.name
        );
    }
}

/// KafkaConfig.java and KafkaListeners.java each import the classes they use, and only those:
/// either can be copied into a project on its own.
fn each_java_file_imports_what_it_uses(label: &str, java: &str) {
    let (config, listeners) = java
        .split_once("// ---- KafkaListeners.java ----\n")
        .expect("a KafkaListeners.java part");
    let config = config
        .split_once("// ---- KafkaConfig.java ----\n")
        .expect("a KafkaConfig.java part")
        .1;
    for (file, text, class) in [
        ("KafkaConfig", config, "Configuration"),
        ("KafkaListeners", listeners, "Component"),
        ("KafkaListeners", listeners, "KafkaListener"),
    ] {
        let (imports, body) = text.split_once("\n\n").expect("imports, then the class");
        assert!(
            imports.lines().any(|l| l.ends_with(&format!(".{class};"))),
            "{label}: {file} uses @{class} without importing it"
        );
        for line in imports.lines() {
            let name = line
                .strip_prefix("import ")
                .and_then(|l| l.strip_suffix(';'))
                .and_then(|l| l.rsplit('.').next())
                .unwrap_or_else(|| panic!("{label}: {file}: not an import: {line:?}"));
            assert!(
                body.contains(name),
                "{label}: {file} imports {name}, which it does not use"
            );
        }
    }
}

fn json_files(dir: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the directory exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_example_and_lesson_scenario_renders() {
    let examples = json_files("examples/scenarios");
    assert!(examples.len() >= 5);
    for path in examples {
        let text = std::fs::read_to_string(&path).unwrap();
        all_three(
            &path.display().to_string(),
            &Scenario::from_json(&text).unwrap(),
        );
    }
    let mut lessons = 0;
    for path in json_files("../public/lessons") {
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let Some(scenario) = value.get("scenario") else {
            continue;
        };
        let s: Scenario = serde_json::from_value(scenario.clone()).unwrap();
        all_three(&path.display().to_string(), &s);
        lessons += 1;
    }
    assert!(lessons >= 5, "{lessons} lessons");
}

#[test]
fn the_view_shows_the_run_as_configured_after_its_actions() {
    let mut s: Scenario = serde_json::from_str(
        r#"{"version": 1, "topics": [{"name": "order-events", "partitions": 3}],
            "producers": [{"name": "order-service", "topic": "order-events", "keys": {"type": "null"}}],
            "groups": [{"id": "group-a", "topics": ["order-events"]}]}"#,
    )
    .unwrap();
    let mut config = s.groups[0].config.clone();
    config.assignor = AssignorKind::RoundRobin;
    let at = |at_ms, command| ScriptEntry {
        at_ms,
        after_events: None,
        command,
    };
    s.script = vec![
        at(
            1_000,
            Command::SetGroupConfig {
                group: "group-a".into(),
                config,
            },
        ),
        at(
            2_000,
            Command::AddPartitions {
                topic: "order-events".into(),
                partitions: 6,
            },
        ),
        at(
            3_000,
            Command::AddProducer(ProducerSpec {
                name: "audit-service".into(),
                topic: "order-events".into(),
                ..ProducerSpec::default()
            }),
        ),
        at(
            4_000,
            Command::RemoveProducer {
                name: "order-service".into(),
            },
        ),
    ];
    // Consumers added, removed and brought back change the listener's concurrency; a crash
    // and its restart do not.
    let consumer = |name: &str| name.to_owned();
    s.script.extend([
        at(
            5_000,
            Command::AddConsumer {
                group: "group-a".into(),
            },
        ),
        at(
            5_100,
            Command::AddConsumer {
                group: "group-a".into(),
            },
        ),
        at(
            5_200,
            Command::RemoveConsumer {
                consumer: consumer("group-a-1"),
            },
        ),
        at(
            5_300,
            Command::RemoveConsumer {
                consumer: consumer("group-a-3"),
            },
        ),
        at(
            5_400,
            Command::RestartConsumer {
                consumer: consumer("group-a-1"),
            },
        ),
        at(
            5_500,
            Command::CrashConsumer {
                consumer: consumer("group-a-2"),
            },
        ),
        at(
            5_600,
            Command::RestartConsumer {
                consumer: consumer("group-a-2"),
            },
        ),
    ]);
    let started = s.groups[0].consumers;
    let now = kplay_engine::spring::configured(&s);
    assert_eq!(now.groups[0].consumers, started + 1);
    let java = kplay_engine::spring::java_config(&now);
    assert!(
        java.contains(&format!("concurrency = \"{}\"", started + 1)),
        "{java}"
    );
    assert!(now.script.is_empty());
    assert_eq!(now.topics[0].partitions, 6);
    assert_eq!(now.producers.len(), 1);
    assert_eq!(now.producers[0].name, "audit-service");
    let yml = application_yml(&now);
    assert!(
        yml.contains("org.apache.kafka.clients.consumer.RoundRobinAssignor"),
        "{yml}"
    );
    assert!(cli_commands(&now).contains("--partitions 6"));
}

#[test]
fn queues_and_call_chains_are_named_as_what_they_would_be_outside_kafka() {
    let lesson = |id: &str| {
        let path = format!("{}/../public/lessons/{id}.json", env!("CARGO_MANIFEST_DIR"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        serde_json::from_value::<Scenario>(value["scenario"].clone()).unwrap()
    };
    let queue = lesson("kafka-vs-rabbitmq");
    let yml = application_yml(&queue);
    assert!(
        yml.contains("# order-queue is a RabbitMQ-style queue, not Kafka")
            && yml.contains("listener.simple.prefetch: 1")
            && yml.contains("@RabbitListener(queues = \"order-queue\")"),
        "{yml}"
    );
    let chain = lesson("sync-vs-async");
    let yml = application_yml(&chain);
    assert!(
        yml.contains(
            "# checkout is a chain of blocking REST calls (order-api -> payment-service -> inventory-service -> notification-service)"
        ) && yml.contains("with a 2000 ms timeout"),
        "{yml}"
    );
    // Pasted back, the comments change nothing and are not reported as unknown keys.
    let applied = kplay_engine::spring_yaml::apply(&chain, &yml).unwrap();
    assert!(applied.unknown.is_empty(), "{:?}", applied.unknown);
    assert_eq!(applied.scenario, chain);
    assert!(!application_yml(&lesson("post-office")).contains("not Kafka"));
}

#[test]
fn a_groups_own_factory_imports_the_configurer_from_the_spring_boot_its_spring_kafka_comes_with() {
    let mut s = seed_setup();
    let mut config = s.groups[0].config.clone();
    config.commit_mode = kplay_engine::group::CommitMode::Record;
    s.groups.push(group("audit", "order-events", config));
    s.validate().unwrap();
    let configurer = "ConcurrentKafkaListenerContainerFactoryConfigurer;\n";
    // spring-kafka 4 comes with Spring Boot 4, whose Kafka auto-configuration is a module.
    let java = java_config(&s);
    assert_has(
        &java,
        &format!("import org.springframework.boot.kafka.autoconfigure.{configurer}"),
    );
    assert!(!java.contains("boot.autoconfigure.kafka"), "{java}");
    for g in &mut s.groups {
        g.config.listener.error_handler.spring_kafka_version =
            kplay_engine::dead_letter::SpringKafkaVersion::V3_3;
    }
    let java = java_config(&s);
    assert_has(
        &java,
        &format!("import org.springframework.boot.autoconfigure.kafka.{configurer}"),
    );
}

#[test]
fn producers_whose_transactions_differ_from_the_default_factory_get_a_factory_of_their_own() {
    // The first producer is plain and a later one transactional: no global prefix, or every
    // producer would be transactional.
    let mut s = seed_setup();
    let mut ledger = producer("ledger-service", "order-events");
    ledger.transactional_id = Some("ledger-tx".into());
    s.producers.push(ledger);
    s.validate().unwrap();
    let yml = application_yml(&s);
    assert!(!yml.contains("transaction-id-prefix"), "{yml}");
    let java = java_config(&s);
    assert_has(
        &java,
        "    @Primary\n    public KafkaTemplate<String, Object> kafkaTemplate(",
    );
    assert_has(&java, "Producer \"ledger-service\" (to order-events): a producer factory of its own, transactional");
    assert_has(&java, "Map.entry(\"transactional.id\", \"ledger-tx\")");
    assert_has(
        &java,
        "new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, Object>(config))",
    );
    assert_has(
        &java,
        "import org.springframework.kafka.core.DefaultKafkaProducerFactory;\n",
    );
    assert_has(&java, "import java.util.HashMap;\n");

    // An exactly-once group makes the auto-configured factory transactional: then the plain
    // first producer is the one with a factory of its own.
    let mut s = seed_setup();
    s.topics.push(topic("order-totals", 1));
    s.groups[0].config.exactly_once = true;
    s.groups[0].config.forward_to = Some("order-totals".into());
    s.validate().unwrap();
    assert_has(&application_yml(&s), "transaction-id-prefix: tx-\n");
    // Boot makes the other listeners' containers transactional too, and the YAML says so.
    let mut with_reader = s.clone();
    with_reader
        .groups
        .push(group("audit", "order-totals", GroupConfig::default()));
    assert_has(
        &application_yml(&with_reader),
        "# with it set, Boot makes every listener container transactional",
    );
    assert!(!application_yml(&s).contains("Boot makes every listener container"));
    let java = java_config(&s);
    assert_has(&java, "Producer \"order-service\" (to order-events): a producer factory of its own, not transactional");
    assert!(!java.contains("Map.entry(\"transactional.id\""), "{java}");
    // Its listener takes a poll's batch, which the container runs in one transaction, as the
    // playground does; a record listener would get a transaction per record.
    let id = s.groups[0].id.clone();
    let listener = listener_java(&s, &id).unwrap();
    assert_has(&listener, "            batch = \"true\")\n");
    assert_has(&listener, "(List<ConsumerRecord<?, ?>> records) {\n        for (ConsumerRecord<?, ?> record : records) {\n            ");
    assert_has(&listener, "            template.send(\"order-totals\"");
    assert!(listener.ends_with("        }\n    }\n"), "{listener}");
    assert_has(&java_config(&s), "import java.util.List;\n");
    // Other groups keep their record listeners.
    let plain = listener_java(&seed_setup(), &id).unwrap();
    assert!(
        !plain.contains("batch = ") && plain.contains("(ConsumerRecord<?, ?> record)"),
        "{plain}"
    );

    // One plain producer alone declares no template: Spring Boot's is the one.
    let java = java_config(&seed_setup());
    assert!(
        !java.contains("KafkaTemplate<String, Object> kafkaTemplate("),
        "{java}"
    );
}

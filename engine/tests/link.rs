//! Share links: every scenario survives `encode` then `decode` and replays to the same trace;
//! every way a link can be wrong gets its own message; `kplay link` and `kplay decode`.

mod common;

use std::process::{Command as Process, Output};

use base64::Engine;
use common::{earliest, orders};
use kplay_engine::group::GroupConfig;
use kplay_engine::link::{self, LinkError, MAX_INFLATED_BYTES, MAX_LINK_CHARS};
use kplay_engine::producer::{KeyStream, ProducerSpec};
use kplay_engine::scenario::{GroupSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use kplay_engine::sim::{Command, ScriptEntry};
use proptest::prelude::*;

const EXAMPLES: &[(&str, &str)] = &[
    (
        "crash-duplicates",
        include_str!("../examples/scenarios/crash-duplicates.json"),
    ),
    (
        "idempotent-consumer",
        include_str!("../examples/scenarios/idempotent-consumer.json"),
    ),
    (
        "idempotent-producer",
        include_str!("../examples/scenarios/idempotent-producer.json"),
    ),
    (
        "order-events",
        include_str!("../examples/scenarios/order-events.json"),
    ),
    (
        "poison-to-dead-letter",
        include_str!("../examples/scenarios/poison-to-dead-letter.json"),
    ),
    (
        "transactions-read-committed",
        include_str!("../examples/scenarios/transactions-read-committed.json"),
    ),
    (
        "transient-backoff",
        include_str!("../examples/scenarios/transient-backoff.json"),
    ),
];

/// The goal for a built-in lesson's link, in characters.
const LESSON_LINK_CHARS: usize = 1_500;

fn example(name: &str) -> Scenario {
    let (_, json) = EXAMPLES.iter().find(|(n, _)| *n == name).unwrap();
    Scenario::from_json(json).unwrap()
}

fn trace_hash(scenario: &Scenario, until_ms: u64) -> u64 {
    let mut sim = scenario.build().unwrap();
    sim.run_until(until_ms);
    sim.trace().hash()
}

/// A `k1.` link around any bytes, as a hand-made (or hostile) link would be.
fn raw_link(bytes: &[u8]) -> String {
    let zlib = miniz_oxide::deflate::compress_to_vec_zlib(bytes, 10);
    format!(
        "k1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zlib)
    )
}

fn error(text: &str) -> LinkError {
    match link::decode(text) {
        Ok(s) => panic!("{text:.60}… decoded to {:?}", s.name),
        Err(e) => e,
    }
}

// ---- round trips ----------------------------------------------------------------------------

#[test]
fn every_example_round_trips_and_replays_the_same_run() {
    for (name, json) in EXAMPLES {
        let scenario = Scenario::from_json(json).unwrap();
        let link = link::encode(&scenario);
        let decoded = link::decode(&link).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(decoded, scenario, "{name}");
        assert_eq!(
            trace_hash(&decoded, 60_000),
            trace_hash(&scenario, 60_000),
            "{name}: seed {} link {link}",
            scenario.seed
        );
    }
}

#[test]
fn built_in_lessons_fit_in_a_short_link() {
    for (name, _) in EXAMPLES {
        let len = link::encode(&example(name)).len();
        assert!(
            len <= LESSON_LINK_CHARS,
            "{name}: {len} characters, the goal is {LESSON_LINK_CHARS}"
        );
    }
}

/// A link made by the first release of the format, from order-events.json: links already
/// shared must keep opening. If this fails after a change to the scenario format, add a
/// migration (see `link::MIGRATIONS`) rather than changing this link.
const FIRST_K1_LINK: &str = concat!(
    "k1.eNrtVU2PIjcQ_SvIZyZigJnZcFslOUTKIadcBmQZdzU4uO1eu3pmCeK_55W7YZrMrpQ97G0vILfr1dd7VT6pF",
    "0rZxaBW91MVTENqpWKqKN3RCwXOqwm_xkmbYtVZWE4nNobcNZQmuxS7dvJx8up4X4wuNzAyE5tM3qupykSVWi3nU",
    "2V9l5mSWp1UINing_aGKdijbnIJnwhHRjLa7sketAuwfzG-v5_NZuep4tg6i-Pz6UvZImBrEjtxAqPFeYMPl9zfg",
    "zLcO0tqcPve2YGOWRLmYysoHHVuTUG0iWr3-QrBFxu7wGr1MEPVB3pVq9lPkjEK6EgzNa2UC8Bp3WN-r9ZqtVYne",
    "D2v1XSNXn3ClxP-znJiw10uJn_-8fGX335dqzOiJDjRLSWdCQnPEWPa50XJGe_-kQ4Dm1zYjbvRN_7gAthQXXB1T",
    "M1dZmcPR5htDdu9zkCj0Y-LD8upcrsQE-m-A7XxmabKVKZl9wIjTh2hNgpm60m7CtVF4XK4gqk9AKeM93DfmM8gU",
    "9fe7fasE33qKHMuVUA0gSwXBT6IBMqdZtdQ7LgwvwDzs6KO5Ajn-f3yaflh8bh8Am_JhGwK_gbzOCtyufLdmmMDT",
    "r-ZcVAM_V4-PysLDUdo_O5eCL8c5uPDQm2-N-sPP0j_OukY-bKa-nl3Uno53xk1Wh-3vG9kekPtdtIvk3PpA4AIt",
    "KOyxXL-b7TlQ8lwT-j2lgzfrqtFuZQetNH793c3t4ks0ilLThJpGocQsRLZFJKQgek46uHqxlmfRbmOdZ1JWo1fQ",
    "JGYR-8YaBegByOBtsYbMKYr8uY4yhRb0kqRYVeKLDdz2WTQo7O6oWaLFbp37VUX3mGdDxIbof92jOwKHvDaON8lI",
    "fB5cxkKUaHh0ZANwhVppRST3ptQefFV0VjgQ9yRTR98C9lJ7V8Y25tODR03LFMJ0lc_I2JFptKemEcRciv56IOpD",
    "0Zf30f111LL1IcoLeZ0lCmQuuDlOgt8dTJwtaVaJuqtQYOBgHLEbhBZecjQi9wkmS70UEYF56LL_lUFH6LtbJNru",
    "Wjb8PVlHHRjZNKvXShvsL44UG--3kYCe-wsa3Jw9fQ1V6CQofP_4Wxz_hd1v-b3",
);

#[test]
fn a_link_made_by_an_earlier_build_still_opens() {
    let scenario = link::decode(FIRST_K1_LINK).unwrap();
    assert_eq!(scenario.version, 1);
    assert_eq!(scenario.seed, 42);
    assert!(scenario.name.starts_with("order-events"));
    assert_eq!(scenario.topics[0].partitions, 3);
    assert_eq!(scenario.groups[0].consumers, 2);
    assert_eq!(scenario.script.len(), 2);
}

#[test]
fn the_fragment_or_a_whole_address_decodes_like_the_payload() {
    let scenario = example("order-events");
    let payload = link::encode(&scenario);
    for text in [
        format!("#{payload}"),
        format!("http://127.0.0.1:8080/#{payload}"),
        format!("http://127.0.0.1:8080/index.html?lesson=2#{payload}\n"),
        format!("  {payload}  "),
        // A link shared during a lesson names its step after the run.
        format!("http://127.0.0.1:8080/#{payload}&lesson=ordering&step=2"),
    ] {
        assert_eq!(link::decode(&text).unwrap(), scenario, "{text:.50}");
    }
}

#[test]
fn a_recorded_run_round_trips_with_its_script() {
    let scenario = orders(21, 3, 40.0, 2, earliest(10));
    let mut live = scenario.build().unwrap();
    live.run_until(5_000);
    live.apply(Command::CrashConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    live.run_until(20_000);
    let recorded = scenario.with_script_of(&live);
    assert!(recorded.script.iter().any(|e| e.after_events.is_some()));
    let decoded = link::decode(&link::encode(&recorded)).unwrap();
    assert_eq!(decoded, recorded);
    assert_eq!(trace_hash(&decoded, 20_000), live.trace().hash());
}

#[test]
fn html_and_script_text_in_names_and_keys_survives_unchanged() {
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=\"alert('k')\">",
        "\"'&amp;</textarea>\u{202e}#k1.",
        "javascript:alert(1)//%0a<!--",
    ];
    let mut scenario = orders(5, 2, 10.0, 1, GroupConfig::default());
    scenario.name = payloads.join(" ");
    scenario.groups[0].id = payloads[0].into();
    scenario.producers[0].name = payloads[1].into();
    scenario.producers[0].keys = KeyStream::Fixed {
        keys: payloads.iter().map(|p| p.to_string()).collect(),
    };
    scenario.producers[0].value_template = payloads[2].into();
    scenario.script.push(ScriptEntry {
        at_ms: 1_000,
        after_events: None,
        command: Command::Produce {
            topic: "order-events".into(),
            key: Some(payloads[3].into()),
            value: Some(payloads[0].into()),
            partition: None,
            headers: vec![],
        },
    });
    scenario.validate().unwrap();
    let link = link::encode(&scenario);
    assert!(
        link[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "the payload needs no escaping in an address or in HTML"
    );
    let decoded = link::decode(&link).unwrap();
    assert_eq!(decoded, scenario);
    assert_eq!(decoded.name, payloads.join(" "));
    assert_eq!(decoded.groups[0].id, "<script>alert(1)</script>");
}

fn name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,12}",
        "\\PC{0,24}",
        Just("<b>bold</b> & \"quotes\"".to_owned()),
    ]
}

fn script_strategy(topics: usize) -> impl Strategy<Value = Vec<ScriptEntry>> {
    let command = prop_oneof![
        (0..topics, proptest::option::of("\\PC{0,10}"), "\\PC{0,16}").prop_map(
            |(t, key, value)| Command::Produce {
                topic: format!("topic-{t}"),
                key,
                value: Some(value),
                partition: None,
                headers: vec![],
            }
        ),
        (1..=2u32).prop_map(|i| Command::CrashConsumer {
            consumer: format!("group-0-{i}"),
        }),
        (1..=2u32).prop_map(|i| Command::RestartConsumer {
            consumer: format!("group-0-{i}"),
        }),
        (1..=2u32, any::<bool>()).prop_map(|(i, paused)| Command::PauseConsumer {
            consumer: format!("group-0-{i}"),
            paused,
        }),
        Just(Command::AddConsumer {
            group: "group-0".into()
        }),
    ];
    prop::collection::vec(
        (0..60_000u64, proptest::option::of(0..10_000u64), command),
        0..12,
    )
    .prop_map(|mut entries| {
        entries.sort_by_key(|(at, _, _)| *at);
        entries
            .into_iter()
            .map(|(at_ms, after_events, command)| ScriptEntry {
                at_ms,
                after_events,
                command,
            })
            .collect()
    })
}

prop_compose! {
    fn scenario_strategy()(topics in 1usize..4)(
        name in name_strategy(),
        seed in any::<u64>(),
        partitions in prop::collection::vec(1u32..12, topics),
        retention_ms in proptest::option::of(1_000u64..10_000_000),
        keys in prop::collection::vec("\\PC{1,12}", 1..5),
        // Rates are decimals with at most three places (kplay_engine::decimal).
        rate in (0u32..=200_000).prop_map(|thousandths| f64::from(thousandths) / 1000.0),
        consumers in 0u32..4,
        processing_time_ms in 0u64..50,
        open_at_ms in proptest::option::of(0u64..600_000),
        played_further in 0u64..100_000,
        script in script_strategy(topics),
    ) -> Scenario {
        Scenario {
            version: SCENARIO_VERSION,
            name,
            seed,
            cluster: Default::default(),
            topics: partitions
                .iter()
                .enumerate()
                .map(|(i, &partitions)| TopicSpec {
                    name: format!("topic-{i}"),
                    partitions,
                    retention_ms: retention_ms.filter(|_| i == 0),
                    retention_bytes: None,
                })
                .collect(),
            producers: vec![ProducerSpec {
                name: "producer-0".into(),
                topic: "topic-0".into(),
                keys: KeyStream::Fixed { keys },
                rate_per_sec: rate,
                ..Default::default()
            }],
            groups: vec![GroupSpec {
                id: "group-0".into(),
                topics: (0..partitions.len()).map(|i| format!("topic-{i}")).collect(),
                config: earliest(processing_time_ms),
                consumers,
            }],
            queues: Vec::new(),
            call_chains: Vec::new(),
            script,
            open_at_ms,
            played_to_ms: open_at_ms.map(|at| at + played_further),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_scenario_round_trips(scenario in scenario_strategy()) {
        prop_assume!(scenario.validate().is_ok());
        let link = link::encode(&scenario);
        prop_assert!(link.len() <= MAX_LINK_CHARS);
        let decoded = link::decode(&link).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&decoded, &scenario);
        prop_assert_eq!(link::encode(&decoded), link, "encoding is deterministic");
    }

    #[test]
    fn a_round_tripped_scenario_replays_the_same_trace(scenario in scenario_strategy()) {
        prop_assume!(scenario.validate().is_ok());
        let decoded = link::decode(&link::encode(&scenario)).unwrap();
        prop_assert_eq!(trace_hash(&decoded, 3_000), trace_hash(&scenario, 3_000));
    }

    #[test]
    fn arbitrary_text_never_panics_the_decoder(text in "(#?k1\\.)?[A-Za-z0-9_=*-]{0,80}") {
        let _ = link::decode(&text);
    }
}

// ---- errors ---------------------------------------------------------------------------------

#[test]
fn empty_input_says_so() {
    for text in ["", "   ", "#", "http://127.0.0.1:8080/#"] {
        let e = error(text);
        assert_eq!(e, LinkError::Empty, "{text:?}");
        assert!(e.to_string().contains("the link is empty"));
    }
}

#[test]
fn an_unknown_prefix_is_not_a_playground_link() {
    for text in [
        "hello",
        "#section-2",
        "v1.eNrtVU2P",
        "k0.abc",
        "K1.abc",
        "{\"version\":1}",
    ] {
        let e = error(text);
        assert!(matches!(e, LinkError::NotALink { .. }), "{text}: {e:?}");
        assert!(
            e.to_string().starts_with("this is not a playground link"),
            "{e}"
        );
    }
}

#[test]
fn a_newer_link_format_names_both_versions() {
    let newer = link::encode(&example("order-events")).replacen("k1.", "k7.", 1);
    let e = error(&newer);
    assert_eq!(
        e,
        LinkError::NewerLink {
            prefix: "k7".into()
        }
    );
    assert!(
        e.to_string().contains(
            "this link was made by a newer version of the playground (k7); this page reads k1"
        ),
        "{e}"
    );
}

#[test]
fn an_oversized_link_is_refused_before_decoding_and_says_the_limit() {
    let long = format!("k1.{}", "A".repeat(MAX_LINK_CHARS));
    let e = error(&long);
    assert_eq!(
        e,
        LinkError::TooLong {
            len: MAX_LINK_CHARS + 3
        }
    );
    assert!(
        e.to_string()
            .contains(&format!("the limit is {MAX_LINK_CHARS}")),
        "{e}"
    );
    assert!(e.to_string().contains("32768"));
}

#[test]
fn a_hash_inside_a_fragment_is_damage_not_the_start_of_another_link() {
    let good = link::encode(&example("order-events"));
    // What follows a second `#` is not read as the link.
    let e = error(&format!("{good}!!@@##garbage"));
    assert_eq!(
        e,
        LinkError::NotBase64 {
            position: good.len() - 2,
            found: '!'
        }
    );
    // A cut link with a whole second link pasted after it opens neither.
    let e = error(&format!("k1.AAAAhttp://127.0.0.1:8080/#{good}"));
    assert!(matches!(e, LinkError::NotBase64 { found: ':', .. }), "{e}");
}

#[test]
fn a_character_outside_base64url_is_named_with_its_place() {
    let link = link::encode(&example("order-events"));
    let damaged = format!("{}+{}", &link[..13], &link[14..]);
    let e = error(&damaged);
    assert_eq!(
        e,
        LinkError::NotBase64 {
            position: 11,
            found: '+'
        }
    );
    assert!(e.to_string().contains("character 11"), "{e}");
    assert!(e.to_string().contains("'+'"), "{e}");
    // Non-ASCII characters are counted as characters, not bytes.
    let e = error("k1.ab€cd");
    assert_eq!(
        e,
        LinkError::NotBase64 {
            position: 3,
            found: '€'
        }
    );
}

#[test]
fn a_truncated_link_is_cut_short_at_every_point() {
    let link = link::encode(&example("poison-to-dead-letter"));
    let mut truncated = 0;
    for cut in [
        4,
        5,
        6,
        7,
        8,
        20,
        100,
        link.len() / 2,
        link.len() - 9,
        link.len() - 2,
        link.len() - 1,
    ] {
        let e = error(&link[..cut]);
        assert!(
            matches!(
                e,
                LinkError::Truncated | LinkError::BadLength { .. } | LinkError::Corrupted { .. }
            ),
            "cut at {cut}: {e:?}"
        );
        let message = e.to_string();
        assert!(
            message.contains("cut short") || message.contains("corrupted"),
            "cut at {cut}: {message}"
        );
        assert!(message.contains("copy the whole link again"), "{message}");
        truncated += usize::from(e == LinkError::Truncated);
    }
    assert!(
        truncated > 0,
        "most cuts leave a deflate stream that ends early"
    );
    // `k1.` and nothing more: the compressed data ends before it starts.
    assert_eq!(error(&link[..3]), LinkError::Truncated);
}

#[test]
fn every_flipped_character_is_caught() {
    let link = link::encode(&example("crash-duplicates"));
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for i in 3..link.len() {
        let mut bytes = link.clone().into_bytes();
        let at = alphabet.iter().position(|&c| c == bytes[i]).unwrap();
        bytes[i] = alphabet[(at + 17) % 64];
        let flipped = String::from_utf8(bytes).unwrap();
        let e = error(&flipped);
        assert!(
            matches!(
                e,
                LinkError::Corrupted { .. } | LinkError::Truncated | LinkError::BadLength { .. }
            ),
            "flip at {i}: {e:?}"
        );
    }
}

#[test]
fn a_checksum_mismatch_is_reported_as_corruption() {
    let link = link::encode(&example("order-events"));
    let mut zlib = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&link[3..])
        .unwrap();
    let last = zlib.len() - 1;
    zlib[last] ^= 1;
    let damaged = format!(
        "k1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zlib)
    );
    let e = error(&damaged);
    assert_eq!(
        e,
        LinkError::Corrupted {
            detail: "its checksum does not match"
        }
    );
    assert!(e.to_string().starts_with("the link is corrupted"), "{e}");
}

#[test]
fn a_decompression_bomb_fails_with_the_inflated_size_message() {
    // 24 MiB of spaces compress to about 24 KiB: a link under the input cap that would
    // inflate to 24 times the inflated-size cap.
    let bomb = raw_link(&vec![b' '; 24 << 20]);
    assert!(bomb.len() < MAX_LINK_CHARS, "{} chars", bomb.len());
    let e = error(&bomb);
    assert_eq!(e, LinkError::TooLarge);
    assert!(
        e.to_string()
            .contains(&format!("more than {MAX_INFLATED_BYTES} bytes (1 MiB)")),
        "{e}"
    );
}

#[test]
fn inflated_bytes_that_are_not_utf8_say_so() {
    let e = error(&raw_link(b"{\"name\": \"\xff\xfe\"}"));
    assert_eq!(e, LinkError::NotUtf8 { offset: 10 });
    assert!(e.to_string().contains("not UTF-8"), "{e}");
}

#[test]
fn a_link_to_an_invalid_scenario_carries_the_scenario_message() {
    let e = error(&raw_link(b"{\"version\": 1, \"seed\": \"forty-two\"}"));
    assert!(matches!(e, LinkError::InvalidScenario(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "the link's scenario is not valid: seed: expected a whole number from 0 to 18446744073709551615, got \"forty-two\""
    );
    let e = error(&raw_link(
        br#"{"version": 1, "topics": [{"name": "bad name!", "partitions": 1}]}"#,
    ));
    assert!(e.to_string().contains("bad name!"), "{e}");
    let e = error(&raw_link(b"not json"));
    assert!(e.to_string().contains("not valid"), "{e}");
}

#[test]
fn a_link_keeps_the_moment_it_was_shared_at_within_the_script_limit() {
    let scenario = link::decode(&raw_link(
        br#"{"version": 1, "topics": [{"name": "t", "partitions": 1}], "open_at_ms": 90000}"#,
    ))
    .unwrap();
    assert_eq!(scenario.open_at_ms, Some(90_000));
    let e = error(&raw_link(br#"{"version": 1, "open_at_ms": 86400001}"#));
    assert!(
        e.to_string()
            .contains("open_at_ms 86400001 is past the limit of 86400000 ms"),
        "{e}"
    );
}

#[test]
fn cluster_settings_that_would_hang_or_overflow_the_run_are_refused() {
    let e = error(&raw_link(
        br#"{"version": 1, "cluster": {"network_latency_ms": 1, "retention_check_interval_ms": 0}}"#,
    ));
    assert!(
        e.to_string()
            .contains("retention_check_interval_ms must be 1–86400000, got 0"),
        "{e}"
    );
    let e = error(&raw_link(
        br#"{"version": 1, "cluster": {"network_latency_ms": 18446744073709551615, "retention_check_interval_ms": 1000}}"#,
    ));
    assert!(
        e.to_string().contains("network_latency_ms must be 0–60000"),
        "{e}"
    );
}

#[test]
fn rates_with_more_than_three_places_are_refused_with_where() {
    let with_rate = |rate: &str| {
        raw_link(
            format!(
                r#"{{"version": 1, "topics": [{{"name": "t", "partitions": 1}}],
                    "producers": [{{"name": "p", "topic": "t", "keys": {{"type": "null"}}, "rate_per_sec": {rate}}}]}}"#
            )
            .as_bytes(),
        )
    };
    let e = error(&with_rate("0.0001"));
    assert!(
        e.to_string().contains(
            "producers[0].rate_per_sec: expected a number with at most 3 decimal places, \
             got 0.0001"
        ),
        "{e}"
    );
    let e = error(&with_rate("1e-12"));
    assert!(
        e.to_string()
            .ends_with("got a number with more decimal places"),
        "{e}"
    );
    let scenario = link::decode(&with_rate("2.125")).unwrap();
    assert_eq!(scenario.producers[0].rate_per_sec, 2.125);
    assert!(scenario
        .to_compact_json()
        .contains(r#""rate_per_sec":2.125"#));
}

#[test]
fn huge_retention_never_overflows_the_clock() {
    let scenario = link::decode(&raw_link(
        br#"{"version": 1, "topics": [{"name": "t", "partitions": 1, "retention_ms": 18446744073709551615}],
            "producers": [{"name": "p", "topic": "t", "keys": {"type": "null"}, "rate_per_sec": 50}]}"#,
    ))
    .unwrap();
    let mut sim = scenario.build().unwrap();
    sim.run_until(5_000);
    assert!(sim.now_ms() >= 5_000);
}

#[test]
fn scenario_version_1_json_decodes() {
    let scenario = link::decode(&raw_link(
        br#"{"version": 1, "name": "hand-made", "seed": 3, "topics": [{"name": "t", "partitions": 2}]}"#,
    ))
    .unwrap();
    assert_eq!(scenario.version, 1);
    assert_eq!(scenario.name, "hand-made");
    assert_eq!(scenario.topics[0].partitions, 2);
}

#[test]
fn scenario_version_2_json_is_from_a_newer_playground() {
    let e = error(&raw_link(br#"{"version": 2, "name": "from the future"}"#));
    assert_eq!(e, LinkError::NewerScenario { version: 2 });
    assert!(
        e.to_string().contains(
            "this link was made by a newer version of the playground (scenario version 2); this page reads scenario version 1"
        ),
        "{e}"
    );
}

#[test]
fn every_message_is_a_sentence_for_people() {
    let errors = [
        LinkError::Empty,
        LinkError::NotALink { start: "x".into() },
        LinkError::NewerLink {
            prefix: "k2".into(),
        },
        LinkError::TooLong { len: 40_000 },
        LinkError::NotBase64 {
            position: 1,
            found: '*',
        },
        LinkError::BadLength { len: 5 },
        LinkError::Truncated,
        LinkError::Corrupted { detail: "x" },
        LinkError::TooLarge,
        LinkError::NotUtf8 { offset: 0 },
        LinkError::NewerScenario { version: 9 },
    ];
    let mut seen = std::collections::BTreeSet::new();
    for e in errors {
        let message = e.to_string();
        assert!(message.len() > 30, "{message}");
        assert!(!message.contains("Error"), "no type names: {message}");
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        assert!(seen.insert(message.clone()), "two kinds share {message:?}");
    }
}

// ---- kplay link / kplay decode ----------------------------------------------------------------

fn kplay(args: &[&str]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .expect("kplay runs")
}

fn example_path(name: &str) -> String {
    format!(
        "{}/examples/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn assert_fails_with(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("kplay: "), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn kplay_link_prints_the_payload_and_nothing_else() {
    let out = kplay(&["link", &example_path("order-events")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        format!("{}\n", link::encode(&example("order-events")))
    );
}

#[test]
fn kplay_decode_prints_the_scenario_as_pretty_json() {
    let scenario = example("transient-backoff");
    let payload = link::encode(&scenario);
    for arg in [
        payload.clone(),
        format!("#{payload}"),
        format!("http://127.0.0.1:8080/#{payload}"),
    ] {
        let out = kplay(&["decode", &arg]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(stdout, format!("{}\n", scenario.to_json()));
        assert_eq!(Scenario::from_json(&stdout).unwrap(), scenario);
    }
}

#[test]
fn kplay_link_and_decode_refuse_bad_input_with_status_2() {
    assert_fails_with(&kplay(&["decode", "hello"]), "not a playground link");
    assert_fails_with(
        &kplay(&["decode", "k7.abc"]),
        "newer version of the playground (k7)",
    );
    let link = link::encode(&example("order-events"));
    assert_fails_with(&kplay(&["decode", &link[..link.len() / 2]]), "cut short");
    assert_fails_with(&kplay(&["decode"]), "decode needs a link");
    assert_fails_with(&kplay(&["decode", "k1.a", "k1.b"]), "unexpected argument");
    assert_fails_with(&kplay(&["link"]), "link needs a scenario file");
    assert_fails_with(&kplay(&["link", "--pretty"]), "unknown option");
    assert_fails_with(
        &kplay(&["link", &example_path("no-such-scenario")]),
        "cannot read",
    );
    let dir = std::env::temp_dir().join(format!("kplay-link-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version": 2}"#).unwrap();
    assert_fails_with(
        &kplay(&["link", bad.to_str().unwrap()]),
        "scenario version 2 is not supported",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

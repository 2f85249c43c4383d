//! Share links: a whole [`Scenario`] in the fragment of the page's address, so that opening
//! the link replays exactly the same run.
//!
//! # Format
//!
//! ```text
//! k1.<base64url, no padding, of zlib(compact scenario JSON)>
//! ```
//!
//! * `k1.` is the link format version: `k` for Kafka Playground, `1` for this encoding. It
//!   changes only when the encoding itself changes (another compressor, another alphabet), not
//!   when the scenario format does; a link whose prefix is `k2.` or later gets
//!   [`LinkError::NewerLink`], anything else [`LinkError::NotALink`].
//! * The JSON is [`Scenario`]'s own, compact, and carries the scenario format version
//!   (`"version"`, [`SCENARIO_VERSION`]).
//! * zlib is DEFLATE (RFC 1951, at the best level) with a two-byte header and an Adler-32
//!   checksum (RFC 1950). The six bytes (eight characters) buy a check: a corrupted link fails
//!   with [`LinkError::Corrupted`] instead of replaying some other, similar scenario.
//! * base64url (RFC 4648 §5) needs no escaping in an address. Decoding also accepts `=`
//!   padding.
//!
//! [`decode`] takes the payload alone, the fragment with its `#`, or a whole address: it reads
//! what follows the first `#`.
//!
//! # Limits
//!
//! * At most [`MAX_LINK_CHARS`] (32 KiB) of input: longer text is refused before any decoding.
//! * At most [`MAX_INFLATED_BYTES`] (1 MiB, the scenario limit [`MAX_SCENARIO_BYTES`]) of
//!   JSON. Inflating writes into a buffer that never grows past that limit, so a
//!   decompression bomb (a few KiB that would inflate to tens of MiB) fails fast with
//!   [`LinkError::TooLarge`] having allocated at most the limit.
//!
//! # Migrations
//!
//! A link outlives the engine that made it. When [`SCENARIO_VERSION`] rises, add one function
//! to [`MIGRATIONS`] that turns the JSON of version N into that of version N + 1; [`migrate`]
//! applies them in turn, so a link of any older version still opens. A scenario version newer
//! than this engine's gets [`LinkError::NewerScenario`]. Today only version 1 exists and the
//! list is empty.
//!
//! Encoding is deterministic: the same scenario always gives the same link.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use serde_json::Value;

use crate::json_read::{self, Field};
use crate::scenario::{Scenario, ScenarioError, MAX_SCENARIO_BYTES, SCENARIO_VERSION};

/// The link format this engine writes and reads: the text before the first `.`.
pub const LINK_PREFIX: &str = "k1";
/// Longest link text [`decode`] accepts, in bytes: 32 KiB, far above any hand-made scenario
/// (the built-in lessons need under 1 500 characters) and below what browsers keep in an
/// address.
pub const MAX_LINK_CHARS: usize = 32 * 1024;
/// Most bytes a link's compressed JSON may inflate to: the scenario limit, 1 MiB.
pub const MAX_INFLATED_BYTES: usize = MAX_SCENARIO_BYTES;

/// miniz_oxide's best level (its `UberCompression`): links are made rarely and read often.
const COMPRESSION_LEVEL: u8 = 10;

/// base64url without padding when encoding; with or without it when decoding.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a link cannot be opened. Each message says what the reader can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Nothing after the `#` (or no text at all).
    Empty,
    /// The text does not start with a link prefix such as `k1.`.
    NotALink {
        /// The first characters of what was given, for the message.
        start: String,
    },
    /// A link prefix from a newer playground, e.g. `k7`.
    NewerLink {
        /// The prefix found, without the dot.
        prefix: String,
    },
    /// The input is longer than [`MAX_LINK_CHARS`].
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A character outside the base64url alphabet.
    NotBase64 {
        /// 1-based position of the character after the prefix's dot.
        position: usize,
        /// The character.
        found: char,
    },
    /// The base64url text has a length or final character no encoder writes: it was cut
    /// short or changed.
    BadLength {
        /// Characters after the prefix's dot.
        len: usize,
    },
    /// The compressed data ends early.
    Truncated,
    /// The compressed data is not valid, or its checksum does not match.
    Corrupted {
        /// What the decompressor found.
        detail: &'static str,
    },
    /// The data inflates to more than [`MAX_INFLATED_BYTES`].
    TooLarge,
    /// The inflated data is not UTF-8 text.
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The scenario's format version is newer than this engine's [`SCENARIO_VERSION`].
    NewerScenario {
        /// The version in the link.
        version: u64,
    },
    /// The link decoded, but its scenario is not valid.
    InvalidScenario(ScenarioError),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Empty => f.write_str(
                "the link is empty: it should end in #k1. followed by the scenario; copy the whole link again",
            ),
            LinkError::NotALink { start } => write!(
                f,
                "this is not a playground link: the part after # should start with \"{LINK_PREFIX}.\", not {start:?}"
            ),
            LinkError::NewerLink { prefix } => write!(
                f,
                "this link was made by a newer version of the playground ({prefix}); this page reads {LINK_PREFIX}: open it on the newer playground"
            ),
            LinkError::TooLong { len } => write!(
                f,
                "the link is {len} characters long; the limit is {MAX_LINK_CHARS}"
            ),
            LinkError::NotBase64 { position, found } => write!(
                f,
                "the link is damaged: character {position} after \"{LINK_PREFIX}.\" is {found:?}, which a link never contains; copy the whole link again"
            ),
            LinkError::BadLength { len } => write!(
                f,
                "the link is cut short or damaged: {len} characters after \"{LINK_PREFIX}.\" cannot be a whole link; copy the whole link again"
            ),
            LinkError::Truncated => f.write_str(
                "the link is cut short: its compressed scenario ends early; copy the whole link again",
            ),
            LinkError::Corrupted { detail } => write!(
                f,
                "the link is corrupted ({detail}); copy the whole link again"
            ),
            LinkError::TooLarge => write!(
                f,
                "the link's scenario inflates to more than {MAX_INFLATED_BYTES} bytes (1 MiB), the limit; it was not made by the playground"
            ),
            LinkError::NotUtf8 { offset } => write!(
                f,
                "the link's scenario is not UTF-8 text (invalid byte at {offset}); it was not made by the playground"
            ),
            LinkError::NewerScenario { version } => write!(
                f,
                "this link was made by a newer version of the playground (scenario version {version}); this page reads scenario version {SCENARIO_VERSION}: open it on the newer playground"
            ),
            LinkError::InvalidScenario(e) => {
                // The scenario's own message may already say "scenario is not valid".
                let detail = e.0.strip_prefix("scenario is not valid: ").unwrap_or(&e.0);
                write!(f, "the link's scenario is not valid: {detail}")
            }
        }
    }
}

impl std::error::Error for LinkError {}

/// The link payload for `scenario`: `k1.` and base64url of its zlib-compressed compact JSON.
/// Put it after `#` in the page's address.
pub fn encode(scenario: &Scenario) -> String {
    let json = scenario.to_compact_json();
    let compressed = miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), COMPRESSION_LEVEL);
    format!("{LINK_PREFIX}.{}", BASE64URL.encode(compressed))
}

/// The scenario in a link: the payload alone (`k1.…`), the fragment (`#k1.…`) or a whole
/// address containing `#`. Older scenario versions are migrated; the result is validated.
pub fn decode(text: &str) -> Result<Scenario, LinkError> {
    if text.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong { len: text.len() });
    }
    // A fragment on its own is read whole: a `#` inside it is damage, not an address's
    // fragment mark (the page hands over what follows the address's first `#`).
    let trimmed = text.trim_start();
    let bare = trimmed
        .strip_prefix(LINK_PREFIX)
        .is_some_and(|rest| rest.starts_with('.'));
    let fragment = match text.split_once('#') {
        Some((_, fragment)) if !bare => fragment,
        _ => trimmed,
    };
    // Parameters may follow the run (`&lesson=ordering&step=2`, the page's lesson step):
    // base64url has no `&`.
    let fragment = fragment.split('&').next().unwrap_or_default().trim();
    if fragment.is_empty() {
        return Err(LinkError::Empty);
    }
    let data = strip_prefix(fragment)?;
    let compressed = BASE64URL.decode(data).map_err(|e| base64_error(e, data))?;
    let json = inflate(&compressed)?;
    let json = String::from_utf8(json).map_err(|e| LinkError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })?;
    let invalid = |e: String| LinkError::InvalidScenario(ScenarioError::not_valid(e));
    let value = json_read::parse(&json).map_err(invalid)?;
    let migrated = migrate(value)?;
    let scenario = Scenario::read(&Field::root(&migrated)).map_err(invalid)?;
    scenario.validate().map_err(LinkError::InvalidScenario)?;
    Ok(scenario)
}

/// The base64url text after a known prefix, or why there is none.
fn strip_prefix(fragment: &str) -> Result<&str, LinkError> {
    if let Some((prefix, data)) = fragment.split_once('.') {
        if prefix == LINK_PREFIX {
            return Ok(data);
        }
        if let Some(n) = prefix.strip_prefix('k') {
            let newer = n.len() <= 9
                && n.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<u32>().is_ok_and(|n| n > 1);
            if newer {
                return Err(LinkError::NewerLink {
                    prefix: prefix.to_owned(),
                });
            }
        }
    }
    Err(LinkError::NotALink {
        start: fragment.chars().take(12).collect(),
    })
}

fn base64_error(e: base64::DecodeError, data: &str) -> LinkError {
    // Report the first character outside the alphabet ourselves: the decoder works in chunks
    // and gives byte offsets, and people count characters.
    let misfit = data
        .trim_end_matches('=')
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'));
    match (misfit, e) {
        (Some((i, found)), _) => LinkError::NotBase64 {
            position: i + 1,
            found,
        },
        (None, _) => LinkError::BadLength { len: data.len() },
    }
}

/// Inflates a zlib stream into at most [`MAX_INFLATED_BYTES`], checking its Adler-32 and that
/// nothing follows it.
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, LinkError> {
    // The output buffer starts small and doubles up to the cap, so memory follows the real
    // size of the scenario, never the size a bomb claims.
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut out = vec![
        0u8;
        compressed
            .len()
            .saturating_mul(4)
            .clamp(1024, MAX_INFLATED_BYTES)
    ];
    let mut state = Box::<DecompressorOxide>::default();
    let mut input = compressed;
    let mut written = 0;
    loop {
        let (status, read, wrote) = decompress(&mut state, input, &mut out, written, flags);
        written += wrote;
        input = &input[read.min(input.len())..];
        match status {
            TINFLStatus::Done => {
                if !input.is_empty() {
                    return Err(LinkError::Corrupted {
                        detail: "extra data after the end of the compressed scenario",
                    });
                }
                out.truncate(written);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() >= MAX_INFLATED_BYTES {
                    return Err(LinkError::TooLarge);
                }
                let len = out.len().saturating_mul(2).min(MAX_INFLATED_BYTES);
                out.resize(len, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(LinkError::Truncated)
            }
            TINFLStatus::Adler32Mismatch => {
                return Err(LinkError::Corrupted {
                    detail: "its checksum does not match",
                })
            }
            _ => {
                return Err(LinkError::Corrupted {
                    detail: "the compressed scenario is not valid",
                })
            }
        }
    }
}

/// Upgrades the JSON of scenario version N to version N + 1. Entry `i` upgrades version
/// `i + 1`; to raise [`SCENARIO_VERSION`], push one function here.
pub type Migration = fn(Value) -> Result<Value, ScenarioError>;

/// Every migration, oldest first: `MIGRATIONS.len()` is `SCENARIO_VERSION - 1`.
pub const MIGRATIONS: &[Migration] = &[];

/// Brings scenario JSON of any supported version up to [`SCENARIO_VERSION`], one migration at
/// a time, setting `"version"` after each. JSON without a numeric `"version"` is returned as
/// it is, for the scenario parser to name what is wrong.
pub fn migrate(value: Value) -> Result<Value, LinkError> {
    migrate_with(value, MIGRATIONS, SCENARIO_VERSION)
}

/// [`migrate`] with the list and the current version given, so the mechanism can be tested
/// before the first real migration exists.
fn migrate_with(
    mut value: Value,
    migrations: &[Migration],
    current: u32,
) -> Result<Value, LinkError> {
    let Some(mut version) = value.get("version").and_then(Value::as_u64) else {
        return Ok(value);
    };
    if version > u64::from(current) {
        return Err(LinkError::NewerScenario { version });
    }
    while version >= 1 && version < u64::from(current) {
        let step = migrations
            .get(version as usize - 1)
            .expect("one migration per version below the current one");
        value = step(value).map_err(LinkError::InvalidScenario)?;
        version += 1;
        if let Some(object) = value.as_object_mut() {
            object.insert("version".into(), Value::from(version));
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../examples/scenarios/order-events.json");

    #[test]
    fn migrations_match_the_scenario_version() {
        assert_eq!(MIGRATIONS.len() as u32, SCENARIO_VERSION - 1);
    }

    #[test]
    fn migrate_runs_each_step_in_order_and_sets_the_version() {
        fn v1_to_v2(mut v: Value) -> Result<Value, ScenarioError> {
            v["renamed"] = v["old"].take();
            Ok(v)
        }
        fn v2_to_v3(mut v: Value) -> Result<Value, ScenarioError> {
            v["renamed"] = Value::from(format!("{}!", v["renamed"].as_str().unwrap()));
            Ok(v)
        }
        let steps: &[Migration] = &[v1_to_v2, v2_to_v3];
        let old = serde_json::json!({"version": 1, "old": "x"});
        let new = migrate_with(old, steps, 3).unwrap();
        assert_eq!(
            new,
            serde_json::json!({"version": 3, "old": null, "renamed": "x!"})
        );
        let v2 = serde_json::json!({"version": 2, "renamed": "y"});
        assert_eq!(migrate_with(v2, steps, 3).unwrap()["renamed"], "y!");
        let v4 = serde_json::json!({"version": 4});
        assert_eq!(
            migrate_with(v4, steps, 3),
            Err(LinkError::NewerScenario { version: 4 })
        );
    }

    #[test]
    fn a_failing_migration_reports_its_message() {
        fn refuse(_: Value) -> Result<Value, ScenarioError> {
            Err(ScenarioError(
                "version 1 retry settings cannot be converted".into(),
            ))
        }
        let err = migrate_with(serde_json::json!({"version": 1}), &[refuse], 2).unwrap_err();
        assert!(err.to_string().contains("cannot be converted"), "{err}");
    }

    #[test]
    fn the_inflate_buffer_stops_at_the_cap() {
        let big = vec![b' '; MAX_INFLATED_BYTES + 1];
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&big, 6);
        assert_eq!(inflate(&bomb), Err(LinkError::TooLarge));
        let exact = vec![b' '; MAX_INFLATED_BYTES];
        let fits = miniz_oxide::deflate::compress_to_vec_zlib(&exact, 6);
        assert_eq!(inflate(&fits).unwrap().len(), MAX_INFLATED_BYTES);
    }

    #[test]
    fn trailing_bytes_after_the_stream_are_refused() {
        let mut data = miniz_oxide::deflate::compress_to_vec_zlib(b"{}", 10);
        data.push(0);
        assert!(matches!(inflate(&data), Err(LinkError::Corrupted { .. })));
    }

    #[test]
    fn prefixes_are_told_apart() {
        assert_eq!(strip_prefix("k1.abc"), Ok("abc"));
        assert_eq!(
            strip_prefix("k7.abc"),
            Err(LinkError::NewerLink {
                prefix: "k7".into()
            })
        );
        for not_a_link in [
            "k0.abc",
            "k.abc",
            "kx.abc",
            "abc",
            "v1.abc",
            "k99999999999.a",
        ] {
            assert!(
                matches!(strip_prefix(not_a_link), Err(LinkError::NotALink { .. })),
                "{not_a_link}"
            );
        }
    }

    #[test]
    fn encoding_is_deterministic_and_starts_with_the_prefix() {
        let scenario = Scenario::from_json(EXAMPLE).unwrap();
        let link = encode(&scenario);
        assert!(link.starts_with("k1."));
        assert_eq!(link, encode(&scenario.clone()));
        assert!(link[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }
}

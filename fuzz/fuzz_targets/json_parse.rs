//! Any UTF-8 text: the page's own JSON parser must read it as serde_json reads it (the same
//! value, or the same message at the same line and column), and must not panic on it when
//! checking a record's value.
#![no_main]

use kplay_engine::json_parse::{parse, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let reference = kplay_engine::json_read::value(&mut de)
        .and_then(|value| de.end().map(|()| value))
        .map_err(|e| e.to_string());
    assert_eq!(parse(text, Strictness::Scenario), reference, "{text:?}");
    let _ = parse(text, Strictness::Record);
});

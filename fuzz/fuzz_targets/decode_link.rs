//! Any bytes given to the share-link decoder: it must return a scenario or a `LinkError`,
//! never panic, hang or allocate past its caps. A link that decodes must encode and decode
//! again to the same scenario.
//!
//! Inputs whose first byte is odd are read as link text. Since a random change almost never
//! passes the Adler-32 check, inputs whose first byte is even are first wrapped into a
//! well-formed `k1.` link (zlib, base64url), so the rest of them reaches the JSON, migration
//! and validation steps as a hostile link would.
#![no_main]

use base64::Engine;
use kplay_engine::link;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        let _ = link::decode("");
        return;
    };
    let text = if mode % 2 == 1 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let zlib = miniz_oxide::deflate::compress_to_vec_zlib(rest, 1);
        format!(
            "k1.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(zlib)
        )
    };
    if let Ok(scenario) = link::decode(&text) {
        let again = link::decode(&link::encode(&scenario)).expect("an encoded scenario decodes");
        assert_eq!(again, scenario, "a decoded scenario round-trips");
    }
});

//! Decimal settings: producer rates, key skews and back-off multipliers are numbers with at
//! most [`PLACES`] decimal places (`2.5` records/s, a multiplier of `1.5`).
//!
//! Why a grid and not any `f64`: a scenario must replay bit for bit after a trip through JSON
//! (a file, a share link). A decimal with few places has a small significand, and reading it is
//! one correctly rounded division (`25 / 10`), which every JSON reader gets right. Any `f64`
//! would need the shortest round-trip printer and a correctly rounding parser for every digit
//! pattern; both carry large tables of powers of ten, which made up about 8% of the page's
//! download. Three places are finer than anything Kafka or Spring is configured with here.
//!
//! The settings stay `f64` in the engine, since Spring computes back-off with a `double`
//! multiplier; this module reads, checks and writes them.

use serde::Serializer;

/// Decimal places a setting may have.
pub const PLACES: usize = 3;

/// `10^PLACES`.
const SCALE: i64 = 1_000;

/// Largest magnitude of a setting in thousandths (10^12 as a number): below it every multiple of
/// 0.001 has an `f64` of its own, and its digits fit an `f64`'s 53-bit significand exactly.
const MAX_UNITS: i64 = 1_000_000_000_000_000;

/// `x` in thousandths, when `x` is a decimal with at most three places within range: the
/// number whose nearest `f64` it is.
pub fn units(x: f64) -> Option<i64> {
    if !x.is_finite() || x.abs() * SCALE as f64 > MAX_UNITS as f64 {
        return None;
    }
    let units = (x * SCALE as f64).round() as i64;
    (from_units(units) == x).then_some(units)
}

/// The `f64` nearest to `units` thousandths. Both operands are exact, so the one division
/// rounds correctly, as reading the decimal text does.
fn from_units(units: i64) -> f64 {
    units as f64 / SCALE as f64
}

/// Whether `x` is a decimal with at most three places (and within range).
pub fn is_exact(x: f64) -> bool {
    units(x).is_some()
}

/// Refuses a finite `what` that is not a decimal with at most three places. Range checks are
/// the caller's (they say which range).
pub fn check(what: &str, x: f64) -> Result<(), String> {
    if !x.is_finite() || is_exact(x) {
        Ok(())
    } else if x.abs() * SCALE as f64 > MAX_UNITS as f64 {
        Err(format!("{what} must be at most {}", MAX_UNITS / SCALE))
    } else {
        Err(format!("{what} must have at most {PLACES} decimal places"))
    }
}

/// The decimal `x` stands for, as short as it goes: `2.5`, `1`, `0.125`. A value off the grid
/// (only a caller that skipped validation has one) is rounded to three places and held within
/// ±10^12; `NaN` and the infinities are written as Rust writes them.
pub fn text(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let units = units(x)
        .unwrap_or_else(|| ((x * SCALE as f64).round() as i64).clamp(-MAX_UNITS, MAX_UNITS));
    write_units(units, PLACES)
}

/// `x` as the decimal with at most nine places that reads back as it, for messages about a
/// number off the grid (`0.12345`); `None` when there is none below 10^6.
pub fn text_to_nine_places(x: f64) -> Option<String> {
    const NANOS: f64 = 1e9;
    if !x.is_finite() || x.abs() >= 1e6 {
        return None;
    }
    // Below 10^6 the nanos fit 53 bits: the division rounds once, as reading the text does.
    let nanos = (x * NANOS).round() as i64;
    (nanos as f64 / NANOS == x).then(|| write_units(nanos, 9))
}

/// `units` of `10^-places` as decimal text, without trailing zeros: `write_units(2500, 3)` is
/// `2.5`.
fn write_units(units: i64, places: usize) -> String {
    let scale = 10u64.pow(places as u32);
    let sign = if units < 0 { "-" } else { "" };
    let (whole, fraction) = (units.unsigned_abs() / scale, units.unsigned_abs() % scale);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{fraction:0places$}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// Reads decimal text as a user types it: digits with an optional sign and at most three
/// decimal places (`2`, `0.5`, `-1.25`, `.5`). Says why when the text is not one.
pub fn parse(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        // `1e20` is a number, only not written as these settings are.
        let exponent = text.contains(['e', 'E'])
            && text
                .trim_start_matches(['-', '+'])
                .starts_with(|c: char| c.is_ascii_digit() || c == '.');
        return Err(if exponent {
            format!("{text} has an exponent: write the number out in digits, such as 2.5")
        } else {
            format!("{text:?} is not a number")
        });
    }
    if fraction.len() > PLACES {
        return Err(format!("{text} has more than {PLACES} decimal places"));
    }
    let mut units: i64 = 0;
    let padded = fraction.bytes().chain(std::iter::repeat(b'0')).take(PLACES);
    for digit in whole.bytes().chain(padded) {
        units = units * 10 + i64::from(digit - b'0');
        if units > MAX_UNITS {
            return Err(format!("{text} is too large"));
        }
    }
    Ok(from_units(if negative { -units } else { units }))
}

/// The name serde_json's serializer recognises a raw JSON fragment by: it is what
/// `serde_json::value::RawValue` serializes itself as, with the `raw_value` feature.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The JSON number [`serialize`] writes: `null` when not finite, a whole number without a
/// point, a fraction as [`text`] writes it.
pub fn json_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    match units(x).filter(|units| units % SCALE == 0) {
        Some(units) => (units / SCALE).to_string(),
        None => text(x),
    }
}

/// Serializes a decimal setting as the JSON number [`text`] writes (`2.5`, `1`), or `null` when
/// it is not finite, as serde_json writes such an `f64`. For `#[serde(serialize_with)]`.
///
/// The fraction goes out as a raw fragment, the way a `RawValue` serializes itself.
/// `RawValue::from_string` would parse the text again first, and its error path alone brings
/// serde_json's float printer (2.4 kB compressed) back into the page. A test holds the output
/// to plain JSON numbers, so a serde_json that changed this protocol would fail it.
pub fn serialize<S: Serializer>(x: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    if !x.is_finite() {
        return serializer.serialize_unit();
    }
    if let Some(units) = units(*x).filter(|units| units % SCALE == 0) {
        return serializer.serialize_i64(units / SCALE);
    }
    let mut raw = serializer.serialize_struct(RAW_VALUE_TOKEN, 1)?;
    raw.serialize_field(RAW_VALUE_TOKEN, &text(*x))?;
    raw.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_the_shortest_decimal() {
        assert_eq!(text(2.5), "2.5");
        assert_eq!(text(1.0), "1");
        assert_eq!(text(0.125), "0.125");
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(-0.05), "-0.05");
        assert_eq!(text(100_000.0), "100000");
        assert_eq!(text(f64::NAN), "NaN");
        assert_eq!(text(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn off_grid_values_are_refused_or_rounded() {
        assert!(!is_exact(0.1 + 0.2));
        assert!(!is_exact(1.0 / 3.0));
        assert!(!is_exact(1e300));
        assert!(!is_exact(f64::NAN));
        assert!(is_exact(0.001));
        assert_eq!(text(1.0 / 3.0), "0.333");
        assert_eq!(text(1e300), "1000000000000");
        assert_eq!(text_to_nine_places(0.12345), Some("0.12345".into()));
        assert_eq!(text_to_nine_places(-1e-7), Some("-0.0000001".into()));
        assert_eq!(text_to_nine_places(1e-12), None);
        assert_eq!(text_to_nine_places(2e6), None);
        assert_eq!(check("skew", 0.5), Ok(()));
        assert_eq!(
            check("skew", 0.0005),
            Err("skew must have at most 3 decimal places".into())
        );
        assert_eq!(
            check("multiplier", 1e20),
            Err("multiplier must be at most 1000000000000".into())
        );
    }

    #[test]
    fn parse_says_why_text_is_refused() {
        assert_eq!(parse(" 2.5 "), Ok(2.5));
        assert_eq!(parse(".5"), Ok(0.5));
        assert_eq!(parse("7."), Ok(7.0));
        assert_eq!(parse("-1.25"), Ok(-1.25));
        assert_eq!(parse("+3"), Ok(3.0));
        assert!(parse("").unwrap_err().contains("not a number"));
        assert!(parse(".").unwrap_err().contains("not a number"));
        assert!(parse("1e3").unwrap_err().contains("has an exponent"));
        assert!(parse("0x10").unwrap_err().contains("not a number"));
        assert!(parse("1.2.3").unwrap_err().contains("not a number"));
        assert!(parse("--1").unwrap_err().contains("not a number"));
        assert!(parse("0.1234")
            .unwrap_err()
            .contains("more than 3 decimal places"));
        assert!(parse("1000000000000.001")
            .unwrap_err()
            .contains("too large"));
        assert_eq!(parse("1000000000000"), Ok(1e12));
    }

    #[test]
    fn settings_serialize_as_plain_json_numbers() {
        #[derive(serde::Serialize)]
        struct Setting {
            #[serde(serialize_with = "serialize")]
            x: f64,
        }
        let json = |x| serde_json::to_string(&Setting { x }).unwrap();
        assert_eq!(json(2.5), r#"{"x":2.5}"#);
        assert_eq!(json(2.0), r#"{"x":2}"#);
        assert_eq!(json(-0.125), r#"{"x":-0.125}"#);
        assert_eq!(json(f64::NAN), r#"{"x":null}"#);
    }

    proptest! {
        /// Every decimal on the grid reads back, from its text, as the same bits: through this
        /// parser, through Rust's correctly rounding one, and through serde_json's reader.
        #[test]
        fn grid_values_round_trip_bit_for_bit(units in -MAX_UNITS..=MAX_UNITS) {
            let x = from_units(units);
            prop_assert_eq!(self::units(x), Some(units));
            let written = text(x);
            prop_assert_eq!(written.parse::<f64>().unwrap().to_bits(), x.to_bits());
            prop_assert_eq!(parse(&written).unwrap().to_bits(), x.to_bits());
            let read: f64 = serde_json::from_str(&written).unwrap();
            prop_assert_eq!(read.to_bits(), x.to_bits());
        }

        /// Text with at most three places parses to what Rust's own parser gives.
        #[test]
        fn parse_agrees_with_rust(whole in 0u64..10_000_000_000, fraction in "[0-9]{0,3}") {
            let typed = if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") };
            prop_assert_eq!(parse(&typed).unwrap().to_bits(), typed.parse::<f64>().unwrap().to_bits());
        }
    }
}

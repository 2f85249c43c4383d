//! A JSON parser that builds a [`serde_json::Value`] the way serde_json's own parser does, with
//! less code in the page.
//!
//! Why not serde_json's parser: the page reads scenarios from share links, lessons and the
//! editor, and serde_json's deserializer (its generic visitor machinery, its error type, and a
//! 2.5 kB table of powers of ten that does not compress) cost the page about 7 kB compressed.
//!
//! What it accepts, the value it builds and every message it gives, with the line and column,
//! are serde_json's (version 1.0.154, without `float_roundtrip`); tests compare the two on
//! random texts and numbers. serde_json's table of powers of ten is computed instead, exactly.

use serde_json::{Map, Number, Value};

/// How strict [`parse`] is with what serde_json refuses only in some uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// Scenario text: a key given twice in one object is refused, as serde's derived structs
    /// refuse a field given twice.
    Scenario,
    /// A record value checked as a JSON deserializer would: repeated keys are taken (the last
    /// one wins), a number beyond the range of a double is read as infinite and dropped, and a
    /// lone UTF-16 surrogate in a `\u` escape is kept as U+FFFD.
    Record,
}

/// Nesting depth at which serde_json stops: the 128th array or object inside another.
const DEPTH_LIMIT: usize = 127;

/// Parses `text` as one JSON value with nothing but whitespace after it.
pub fn parse(text: &str, strictness: Strictness) -> Result<Value, String> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        at: 0,
        strictness,
        depth: 0,
    };
    let value = parser.value()?;
    match parser.skip_whitespace() {
        Some(_) => Err(parser.error_before("trailing characters")),
        None => Ok(value),
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    /// Index of the next byte to read.
    at: usize,
    strictness: Strictness,
    depth: usize,
}

/// A number before it becomes a [`Value`]: serde_json keeps whole numbers whole.
enum Parsed {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl Parser<'_> {
    /// `message` at the end of what was read: serde_json's `error`.
    fn error(&self, message: &str) -> String {
        self.message_at(self.at, message)
    }

    /// `message` at the byte about to be read: serde_json's `peek_error`.
    fn error_before(&self, message: &str) -> String {
        self.message_at((self.at + 1).min(self.bytes.len()), message)
    }

    fn message_at(&self, index: usize, message: &str) -> String {
        let before = &self.bytes[..index];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before[..line_start].iter().filter(|&&b| b == b'\n').count();
        format!("{message} at line {line} column {}", index - line_start)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The next byte, or 0 at the end (serde_json's `peek_or_null`).
    fn peek_or_null(&self) -> u8 {
        self.peek().unwrap_or(0)
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
        self.peek()
    }

    fn value(&mut self) -> Result<Value, String> {
        let Some(first) = self.skip_whitespace() else {
            return Err(self.error_before("EOF while parsing a value"));
        };
        match first {
            b'n' => self.word(b"null", Value::Null),
            b't' => self.word(b"true", Value::Bool(true)),
            b'f' => self.word(b"false", Value::Bool(false)),
            b'-' => {
                self.at += 1;
                self.number(false)
            }
            b'0'..=b'9' => self.number(true),
            b'"' => {
                self.at += 1;
                self.string().map(Value::String)
            }
            b'[' | b'{' => {
                if self.depth == DEPTH_LIMIT {
                    return Err(self.error_before("recursion limit exceeded"));
                }
                self.depth += 1;
                self.at += 1;
                let value = if first == b'[' {
                    self.array()
                } else {
                    self.object()
                };
                self.depth -= 1;
                value
            }
            _ => Err(self.error_before("expected value")),
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Result<Value, String> {
        self.at += 1;
        for &expected in &word[1..] {
            match self.next() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b) if b != expected => return Err(self.error("expected ident")),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    /// An array, after its `[`.
    fn array(&mut self) -> Result<Value, String> {
        let mut items = Vec::new();
        loop {
            match self.skip_whitespace() {
                None => return Err(self.error_before("EOF while parsing a list")),
                Some(b']') => break,
                Some(b',') if !items.is_empty() => {
                    self.at += 1;
                    match self.skip_whitespace() {
                        Some(b']') => return Err(self.error_before("trailing comma")),
                        None => return Err(self.error_before("EOF while parsing a value")),
                        Some(_) => {}
                    }
                }
                Some(_) if !items.is_empty() => {
                    return Err(self.error_before("expected `,` or `]`"))
                }
                Some(_) => {}
            }
            items.push(self.value()?);
        }
        self.at += 1;
        Ok(Value::Array(items))
    }

    /// An object, after its `{`.
    fn object(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        let mut first = true;
        loop {
            match self.skip_whitespace() {
                None => return Err(self.error_before("EOF while parsing an object")),
                Some(b'}') => break,
                Some(b'"') if first => {}
                Some(_) if first => return Err(self.error_before("key must be a string")),
                Some(b',') => {
                    self.at += 1;
                    match self.skip_whitespace() {
                        Some(b'"') => {}
                        Some(b'}') => return Err(self.error_before("trailing comma")),
                        Some(_) => return Err(self.error_before("key must be a string")),
                        None => return Err(self.error_before("EOF while parsing a value")),
                    }
                }
                Some(_) => return Err(self.error_before("expected `,` or `}`")),
            }
            first = false;
            self.at += 1;
            let key = self.string()?;
            if self.strictness == Strictness::Scenario && map.contains_key(&key) {
                // serde_json gives a visitor's error the position after the object's own
                // closing step: past any whitespace, and past a `}` that follows at once.
                if self.skip_whitespace() == Some(b'}') {
                    self.at += 1;
                }
                return Err(self.error(&format!("duplicate field {key:?}")));
            }
            match self.skip_whitespace() {
                Some(b':') => self.at += 1,
                Some(_) => return Err(self.error_before("expected `:`")),
                None => return Err(self.error_before("EOF while parsing an object")),
            }
            let value = self.value()?;
            map.insert(key, value);
        }
        self.at += 1;
        Ok(Value::Object(map))
    }

    /// A string's characters, after its opening quote.
    fn string(&mut self) -> Result<String, String> {
        let mut out = Vec::new();
        loop {
            let Some(b) = self.next() else {
                return Err(self.error("EOF while parsing a string"));
            };
            match b {
                b'"' => break,
                b'\\' => self.escape(&mut out)?,
                0..=0x1f => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                _ => out.push(b),
            }
        }
        // Only whole characters of the text and escapes that name characters were added.
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    /// One escape, after its backslash.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let Some(b) = self.next() else {
            return Err(self.error("EOF while parsing a string"));
        };
        let c = match b {
            b'"' | b'\\' | b'/' => b as char,
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }

    /// The character of a `\u` escape, after the `u`, with the second half of a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, String> {
        let lone = |parser: &Self, message: &str| match parser.strictness {
            Strictness::Scenario => Err(parser.error(message)),
            Strictness::Record => Ok(char::REPLACEMENT_CHARACTER),
        };
        let first = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&first) {
            return lone(self, "lone leading surrogate in hex escape");
        }
        if !(0xD800..=0xDBFF).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        for expected in [b'\\', b'u'] {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b) if b == expected => self.at += 1,
                Some(_) if self.strictness == Strictness::Record => {
                    return Ok(char::REPLACEMENT_CHARACTER)
                }
                Some(_) => {
                    self.at += 1;
                    return Err(self.error("unexpected end of hex escape"));
                }
            }
        }
        let second = self.hex4()?;
        if !(0xDC00..=0xDFFF).contains(&second) {
            return lone(self, "lone leading surrogate in hex escape");
        }
        let c = 0x1_0000 + ((first - 0xD800) << 10 | (second - 0xDC00));
        Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let Some(digits) = self.bytes.get(self.at..self.at + 4) else {
            self.at = self.bytes.len();
            return Err(self.error("EOF while parsing a string"));
        };
        self.at += 4;
        let mut n = 0;
        for &d in digits {
            let Some(v) = (d as char).to_digit(16) else {
                return Err(self.error("invalid escape"));
            };
            n = n * 16 + v;
        }
        Ok(n)
    }

    /// A number, after its minus sign when `!positive`.
    fn number(&mut self, positive: bool) -> Result<Value, String> {
        let parsed = self.integer(positive)?;
        Ok(Value::Number(match parsed {
            Parsed::Unsigned(u) => u.into(),
            Parsed::Signed(i) => i.into(),
            Parsed::Float(x) => Number::from_f64(x).unwrap_or_else(|| 0.into()),
        }))
    }

    fn integer(&mut self, positive: bool) -> Result<Parsed, String> {
        let Some(first) = self.next() else {
            return Err(self.error("EOF while parsing a value"));
        };
        let mut significand = match first {
            b'0' if self.peek_or_null().is_ascii_digit() => {
                return Err(self.error_before("invalid number"))
            }
            b'0'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error("invalid number")),
        };
        if first != b'0' {
            while let Some(digit) = self.digit() {
                match significand
                    .checked_mul(10)
                    .and_then(|s| s.checked_add(digit))
                {
                    Some(s) => {
                        self.at += 1;
                        significand = s;
                    }
                    None => return self.long_integer(positive, significand).map(Parsed::Float),
                }
            }
        }
        Ok(match self.peek_or_null() {
            b'.' => Parsed::Float(self.fraction(positive, significand, 0)?),
            b'e' | b'E' => Parsed::Float(self.exponent(positive, significand, 0)?),
            _ if positive => Parsed::Unsigned(significand),
            _ => {
                let negated = (significand as i64).wrapping_neg();
                // `-0` and what does not fit an i64 become floats, as in serde_json.
                if negated >= 0 {
                    Parsed::Float(-(significand as f64))
                } else {
                    Parsed::Signed(negated)
                }
            }
        })
    }

    /// The value of the next byte when it is a digit.
    fn digit(&self) -> Option<u64> {
        let b = self.peek_or_null();
        b.is_ascii_digit().then(|| u64::from(b - b'0'))
    }

    /// The digits of a whole number beyond what a u64 holds: only their count matters.
    fn long_integer(&mut self, positive: bool, significand: u64) -> Result<f64, String> {
        let mut exponent = 0i32;
        while self.digit().is_some() {
            self.at += 1;
            exponent += 1;
        }
        match self.peek_or_null() {
            b'.' => self.fraction(positive, significand, exponent),
            b'e' | b'E' => self.exponent(positive, significand, exponent),
            _ => self.scaled(positive, significand, exponent),
        }
    }

    /// The digits after a decimal point, at the point.
    fn fraction(
        &mut self,
        positive: bool,
        mut significand: u64,
        exponent: i32,
    ) -> Result<f64, String> {
        self.at += 1;
        let mut places = 0i32;
        let mut overflowed = false;
        while let Some(digit) = self.digit() {
            match significand
                .checked_mul(10)
                .and_then(|s| s.checked_add(digit))
            {
                Some(s) if !overflowed => {
                    self.at += 1;
                    significand = s;
                    places += 1;
                }
                // Digits past what a u64 holds are too small to count.
                _ => {
                    self.at += 1;
                    overflowed = true;
                }
            }
        }
        if places == 0 && !overflowed {
            return Err(match self.peek() {
                Some(_) => self.error_before("invalid number"),
                None => self.error_before("EOF while parsing a value"),
            });
        }
        match self.peek_or_null() {
            b'e' | b'E' => self.exponent(positive, significand, exponent - places),
            _ => self.scaled(positive, significand, exponent - places),
        }
    }

    /// An exponent, at its `e`.
    fn exponent(&mut self, positive: bool, significand: u64, start: i32) -> Result<f64, String> {
        self.at += 1;
        let negative = match self.peek_or_null() {
            b'+' => {
                self.at += 1;
                false
            }
            b'-' => {
                self.at += 1;
                true
            }
            _ => false,
        };
        let mut exp: i32 = match self.next() {
            None => return Err(self.error("EOF while parsing a value")),
            Some(b @ b'0'..=b'9') => i32::from(b - b'0'),
            Some(_) => return Err(self.error("invalid number")),
        };
        while let Some(digit) = self.digit() {
            self.at += 1;
            match exp
                .checked_mul(10)
                .and_then(|e| e.checked_add(digit as i32))
            {
                Some(e) => exp = e,
                None => {
                    if significand != 0 && !negative {
                        return self.out_of_range(positive);
                    }
                    while self.digit().is_some() {
                        self.at += 1;
                    }
                    return Ok(if positive { 0.0 } else { -0.0 });
                }
            }
        }
        let exponent = if negative {
            start.saturating_sub(exp)
        } else {
            start.saturating_add(exp)
        };
        self.scaled(positive, significand, exponent)
    }

    /// `significand × 10^exponent`, as serde_json computes it: one multiplication or division
    /// by a power of ten when the power is a double, else steps of 10^308 towards it.
    fn scaled(&self, positive: bool, significand: u64, mut exponent: i32) -> Result<f64, String> {
        let mut f = significand as f64;
        loop {
            let power = exponent.unsigned_abs();
            if power <= 308 {
                if exponent >= 0 {
                    f *= power_of_ten(power);
                    if f.is_infinite() {
                        return self.out_of_range(positive);
                    }
                } else {
                    f /= power_of_ten(power);
                }
                break;
            }
            if f == 0.0 {
                break;
            }
            if exponent >= 0 {
                return self.out_of_range(positive);
            }
            f /= 1e308;
            exponent += 308;
        }
        Ok(if positive { f } else { -f })
    }

    fn out_of_range(&self, positive: bool) -> Result<f64, String> {
        match self.strictness {
            Strictness::Scenario => Err(self.error("number out of range")),
            Strictness::Record => Ok(if positive {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            }),
        }
    }
}

/// 10^`power`, correctly rounded, for `power` up to 308 (what serde_json keeps in a table).
/// Up to 10^22 a double holds the power exactly; beyond, the power is computed as a big
/// integer and rounded to 53 bits, half to even.
fn power_of_ten(power: u32) -> f64 {
    if power <= 22 {
        return (0..power).fold(1.0, |f, _| f * 10.0);
    }
    // Little-endian 64-bit limbs of 10^power.
    let mut limbs = vec![1u64];
    for _ in 0..power {
        let mut carry = 0u128;
        for limb in &mut limbs {
            let product = u128::from(*limb) * 10 + carry;
            *limb = product as u64;
            carry = product >> 64;
        }
        if carry > 0 {
            limbs.push(carry as u64);
        }
    }
    let bits = limbs.len() as u32 * 64 - limbs[limbs.len() - 1].leading_zeros();
    let bit = |i: u32| limbs[(i / 64) as usize] >> (i % 64) & 1 == 1;
    // The top 53 bits, the one after them, and whether any below that is set.
    let shift = bits - 53;
    let mut mantissa = (shift..bits)
        .rev()
        .fold(0u64, |m, i| m << 1 | u64::from(bit(i)));
    let half = bit(shift - 1);
    let below = (0..shift - 1).any(bit);
    if half && (below || mantissa & 1 == 1) {
        mantissa += 1;
    }
    // mantissa × 2^shift; 2^shift is a normal double for every power up to 308.
    mantissa as f64 * f64::from_bits(u64::from(1023 + shift) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// serde_json's parser with the visitor the scenario reader used before this parser.
    fn reference(text: &str) -> Result<Value, String> {
        let mut de = serde_json::Deserializer::from_str(text);
        let value = crate::json_read::value(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(value)
    }

    fn same_as_serde_json(text: &str) {
        assert_eq!(
            parse(text, Strictness::Scenario),
            reference(text),
            "{text:?}"
        );
    }

    #[test]
    fn reads_and_refuses_as_serde_json_does() {
        for text in [
            "",
            " ",
            "null",
            "nul",
            "nulx",
            "true",
            "t",
            "fals",
            "[]",
            "{}",
            "[1,2]",
            "[1,]",
            "[1 2]",
            "[,1]",
            "[",
            "[1",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{1:2}",
            "{\"a\"",
            "{\"a\":1",
            "{\"a\":1 \"b\":2}",
            "{,}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":1,\"a\" :2}",
            "{\"a\":1,\"a\"}",
            "{\"a\":1,\"a\"  }",
            "\n\n  [1,\n x]",
            "{\"a\":1}\n\n x",
            "0",
            "-0",
            "-",
            "01",
            "-01",
            "1.",
            "1.x",
            "1.5",
            "-1.5",
            "1e",
            "1e+",
            "1e-2",
            "1E5",
            "2.5e0",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "1.0000000000000000000001",
            "1e309",
            "1e-400",
            "0e999999999999",
            "1e99999999999",
            "-1e-99999999999",
            "1.7976931348623157e308",
            "4.9e-324",
            "0.1",
            "0.001",
            "1e22",
            "1e-22",
            "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
            "\"\\u00e9\\u20AC\"",
            "\"\\ud83e\\udd80\"",
            "\"\\ud83e\"",
            "\"\\ud83ex\"",
            "\"\\ud83e\\n\"",
            "\"\\udd80\"",
            "\"\\ud83e\\u0041\"",
            "\"\\u12\"",
            "\"\\u12zz\"",
            "\"\\x\"",
            "\"\\",
            "\"abc",
            "\"a\nb\"",
            "\"a\u{1}\"",
            "\"é ✓ 🦀\"",
            "x",
            "@",
            "[1]x",
            "[1]]",
            "[1],",
            "{\"a\":[}",
            "{\"a\":{\"b\":1,\"b\":2}}",
        ] {
            same_as_serde_json(text);
        }
        for depth in [126, 127, 128, 129] {
            same_as_serde_json(&"[".repeat(depth));
            same_as_serde_json(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
            same_as_serde_json(&format!(
                "{}1{}",
                "{\"a\":".repeat(depth),
                "}".repeat(depth)
            ));
        }
    }

    #[test]
    fn powers_of_ten_are_the_correctly_rounded_doubles() {
        for power in 0..=308 {
            let parsed: f64 = format!("1e{power}").parse().unwrap();
            assert_eq!(power_of_ten(power), parsed, "10^{power}");
        }
    }

    #[test]
    fn records_take_repeated_keys_big_numbers_and_lone_surrogates() {
        let record = |text| parse(text, Strictness::Record);
        assert_eq!(record("{\"a\":1,\"a\":2}"), Ok(serde_json::json!({"a": 2})));
        assert!(record("[1e999, -1e999]").is_ok());
        assert_eq!(record("\"\\udd80\""), Ok(Value::String("\u{fffd}".into())));
        assert_eq!(
            record("\"\\ud83ex\""),
            Ok(Value::String("\u{fffd}x".into()))
        );
        assert!(record("{\"a\":1,}").is_err());
        assert!(record("\"\\u12\"").is_err());
    }

    /// JSON-like text: bytes that make up JSON, a few others, and whole pieces of it.
    fn jsonish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            prop::sample::select(vec![
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\"",
                "\\",
                " ",
                "\n",
                "-",
                "+",
                ".",
                "e",
                "E",
                "0",
                "1",
                "9",
                "u",
                "d83e",
                "dd80",
                "00e9",
                "null",
                "true",
                "fals",
                "\"k\"",
                "\"k\":",
                "12345678901234567890",
                "x",
                "é",
                "\u{1}",
                "\t",
            ])
            .prop_map(str::to_owned),
            "[0-9]{1,3}",
        ];
        prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn any_text_reads_as_serde_json_reads_it(text in jsonish()) {
            prop_assert_eq!(parse(&text, Strictness::Scenario), reference(&text), "{:?}", text);
        }

        #[test]
        fn any_number_reads_as_serde_json_reads_it(
            whole in "-?(0|[1-9][0-9]{0,24})",
            fraction in prop::option::of("[0-9]{0,24}"),
            exponent in prop::option::of("[eE][+-]?[0-9]{1,3}"),
        ) {
            let text = format!(
                "{whole}{}{}",
                fraction.map(|f| format!(".{f}")).unwrap_or_default(),
                exponent.unwrap_or_default(),
            );
            prop_assert_eq!(parse(&text, Strictness::Scenario), reference(&text), "{:?}", text);
        }
    }
}

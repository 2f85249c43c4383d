//! A lean reader of JSON values for the scenario format: every scenario type reads itself from
//! a [`serde_json::Value`] with a few non-generic helpers, instead of serde's derived
//! `Deserialize`.
//!
//! Why not the derive: the page opens share links, and the derived deserializers of the
//! scenario types (internally tagged enums above all, which serde buffers through its
//! `Content` type) made up about a quarter of the page's compressed size. Reading a `Value`
//! that is already parsed needs one small function per type.
//!
//! The format is exactly the one the derives read:
//! * fields missing from the text take the defaults the types document (Kafka's and Spring's);
//!   `null` means `None` for optional fields only, and is refused elsewhere;
//! * unknown fields are ignored, except where a type refuses them ([`Obj::deny_unknown`]);
//! * a field given twice is refused ([`parse`] refuses every repeated key);
//! * numbers must fit their field (a whole number for integers, within its range).
//!
//! What serde also accepted is refused here, since nothing writes it: a struct written as a
//! JSON array of its field values; an enum value written as a one-entry object (`{"all": null}`
//! for `"all"`) or as an array, or with a variant number instead of its name; and an unknown
//! field given twice (serde refused only known fields given twice).
//!
//! Errors are user-facing text that names where, what was expected and what was found:
//! `groups[0].config.max_poll_records: expected a whole number from 0 to 4294967295, got "ten"`.

use std::fmt::Write;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Longest piece of a string value quoted in an error message, in characters.
const QUOTED_CHARS: usize = 40;

/// Where a value sits in the document: `groups[0].config`. A path is a chain of steps on the
/// stack, written out only when an error needs it.
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The whole document.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        step: Step::Root,
    };

    /// The field `name` of the object at this path.
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Field(name),
        }
    }

    /// Item `index` of the array at this path.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    fn write_to(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write_to(out);
        }
        match self.step {
            Step::Root => {}
            Step::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }

    /// `message` prefixed with this path (`topics[0].partitions: …`); at the root, the message
    /// alone.
    pub fn error(&self, message: &str) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(message);
        out
    }
}

/// A short description of a value for "got …" in messages: the value itself when it is
/// short, its kind when it is an array or an object.
fn describe(value: &Value) -> String {
    // Written here rather than by `Value`'s `Display`: that one brings serde_json's float
    // printer into the page for these messages alone, and fractions are `decimal`s anyway.
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        Value::String(s) if s.chars().count() > QUOTED_CHARS => {
            let head: String = s.chars().take(QUOTED_CHARS).collect();
            format!("{head:?}…")
        }
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (None, Some(i), _) => i.to_string(),
            (None, None, Some(x)) if crate::decimal::is_exact(x) => crate::decimal::text(x),
            (None, None, Some(x)) => crate::decimal::text_to_nine_places(x)
                .or_else(|| (x.abs() < 1e12).then(|| "a number with more decimal places".into()))
                .unwrap_or_else(|| "a number too large".into()),
            _ => "a number too large".into(),
        },
    }
}

/// Names as a message lists them: `"a", "b", "c"`.
fn quoted_list(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name:?}");
    }
    out
}

/// One value and where it is.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    /// The value.
    pub value: &'a Value,
    /// Where it is.
    pub path: Path<'a>,
}

impl<'a> Field<'a> {
    /// The whole document `value`.
    pub fn root(value: &'a Value) -> Self {
        Field {
            value,
            path: Path::ROOT,
        }
    }

    /// The error for a value of the wrong kind: `path: expected …, got …`.
    pub fn expected(&self, what: &str) -> String {
        self.path
            .error(&format!("expected {what}, got {}", describe(self.value)))
    }

    /// A whole number from `min` to `max`.
    fn whole(&self, min: i64, max: u64) -> Result<Number, String> {
        if let Value::Number(n) = self.value {
            let fits = match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => u <= max,
                (None, Some(i)) => i >= min,
                (None, None) => false,
            };
            if fits {
                return Ok(n.clone());
            }
        }
        Err(self.expected(&format!("a whole number from {min} to {max}")))
    }

    /// A whole number from 0 to `u64::MAX`.
    pub fn u64(&self) -> Result<u64, String> {
        self.whole(0, u64::MAX).map(|n| n.as_u64().unwrap_or(0))
    }

    /// A whole number from 0 to `u32::MAX`.
    pub fn u32(&self) -> Result<u32, String> {
        self.whole(0, u32::MAX.into())
            .map(|n| n.as_u64().unwrap_or(0) as u32)
    }

    /// A whole number in `i32`'s range.
    pub fn i32(&self) -> Result<i32, String> {
        self.whole(i32::MIN.into(), i32::MAX as u64)
            .map(|n| n.as_i64().unwrap_or(0) as i32)
    }

    /// A whole number in `i64`'s range.
    pub fn i64(&self) -> Result<i64, String> {
        self.whole(i64::MIN, i64::MAX as u64)
            .map(|n| n.as_i64().unwrap_or(0))
    }

    /// A number with at most three decimal places (see [`crate::decimal`]); whole numbers
    /// are converted.
    pub fn decimal(&self) -> Result<f64, String> {
        match self.value.as_f64() {
            Some(x) if crate::decimal::is_exact(x) => Ok(x),
            _ => Err(self.expected(&format!(
                "a number with at most {} decimal places",
                crate::decimal::PLACES
            ))),
        }
    }

    /// `true` or `false`.
    pub fn bool(&self) -> Result<bool, String> {
        self.value
            .as_bool()
            .ok_or_else(|| self.expected("true or false"))
    }

    /// A string.
    pub fn string(&self) -> Result<String, String> {
        match self.value {
            Value::String(s) => Ok(s.clone()),
            _ => Err(self.expected("a string")),
        }
    }

    /// The items of an array, each read by `item` at its index's path.
    pub fn list<T>(&self, item: fn(&Field) -> Result<T, String>) -> Result<Vec<T>, String> {
        let Value::Array(items) = self.value else {
            return Err(self.expected("an array"));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, value) in items.iter().enumerate() {
            out.push(item(&Field {
                value,
                path: self.path.index(i),
            })?);
        }
        Ok(out)
    }

    /// An array of strings.
    pub fn strings(&self) -> Result<Vec<String>, String> {
        self.list(|f| f.string())
    }

    /// An array of bytes (whole numbers from 0 to 255), as serde reads a `Vec<u8>`.
    pub fn bytes(&self) -> Result<Vec<u8>, String> {
        self.list(|f| {
            f.whole(0, u8::MAX.into())
                .map(|n| n.as_u64().unwrap_or(0) as u8)
        })
    }

    /// The position of this string in `names`, or an error listing them.
    fn name_index(&self, names: &mut dyn Iterator<Item = &str>) -> Result<usize, String> {
        let found = self.value.as_str();
        let mut listed = Vec::new();
        for (i, name) in names.enumerate() {
            if found == Some(name) {
                return Ok(i);
            }
            listed.push(name);
        }
        Err(self.expected(&format!("one of {}", quoted_list(&listed))))
    }

    /// An enum written as one of the strings in `options` (a unit-only enum).
    pub fn one_of<T: Copy>(&self, options: &[(&str, T)]) -> Result<T, String> {
        self.name_index(&mut options.iter().map(|o| o.0))
            .map(|i| options[i].1)
    }
}

/// A JSON object and where it is, whose fields the caller reads by name.
#[derive(Clone, Copy, Debug)]
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a Path<'a>,
}

impl<'a> Obj<'a> {
    /// The object `field` holds, or an error if it holds something else.
    pub fn new(field: &'a Field<'a>) -> Result<Self, String> {
        match field.value {
            Value::Object(map) => Ok(Obj {
                map,
                path: &field.path,
            }),
            _ => Err(field.expected("an object")),
        }
    }

    /// Field `name`, `null` included; `None` when it is missing.
    pub fn get(&self, name: &'a str) -> Option<Field<'a>> {
        self.map.get(name).map(|value| Field {
            value,
            path: self.path.field(name),
        })
    }

    /// Field `name`, which must be there.
    pub fn req(&self, name: &'a str) -> Result<Field<'a>, String> {
        self.get(name)
            .ok_or_else(|| self.path.error(&format!("missing field {name:?}")))
    }

    /// Field `name` read by `read`, or `default` when it is missing. `null` is given to
    /// `read`, which refuses it: only optional fields may be `null`.
    pub fn or<T>(
        &self,
        name: &'a str,
        default: T,
        read: fn(&Field<'a>) -> Result<T, String>,
    ) -> Result<T, String> {
        match self.get(name) {
            Some(field) => read(&field),
            None => Ok(default),
        }
    }

    /// An optional field: `None` when it is missing or `null`, else read by `read`.
    pub fn maybe<T>(
        &self,
        name: &'a str,
        read: fn(&Field<'a>) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        match self.get(name) {
            Some(field) if !field.value.is_null() => read(&field).map(Some),
            _ => Ok(None),
        }
    }

    /// The string in field `name` that names an enum variant (`"type"` of an internally tagged
    /// enum). The caller matches it and calls [`Obj::unknown_variant`] for anything else.
    pub fn tag(&self, name: &'a str) -> Result<&'a str, String> {
        let field = self.req(name)?;
        field
            .value
            .as_str()
            .ok_or_else(|| field.expected("a string"))
    }

    /// The error for a tag that names no variant.
    pub fn unknown_variant(&self, name: &'a str, found: &str, variants: &[&str]) -> String {
        self.path.field(name).error(&format!(
            "unknown variant {found:?}, expected one of {}",
            quoted_list(variants)
        ))
    }

    /// Refuses any field not in `known`, as `#[serde(deny_unknown_fields)]` does.
    pub fn deny_unknown(&self, known: &[&str]) -> Result<(), String> {
        match self.map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(self.path.error(&format!(
                "unknown field {unknown:?}, expected one of {}",
                quoted_list(known)
            ))),
            None => Ok(()),
        }
    }
}

/// Parses JSON text into a [`Value`], refusing a key repeated in one object (as serde's
/// derived structs refuse a field given twice) and anything after the value. Messages name the
/// line and column, as serde_json's do (see [`crate::json_parse`]).
pub fn parse(text: &str) -> Result<Value, String> {
    crate::json_parse::parse(text, crate::json_parse::Strictness::Scenario)
}

/// [`parse`] for any serde deserializer: the first step of the scenario types' hand-written
/// `Deserialize` impls.
pub fn value<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    deserializer.deserialize_any(Strict)
}

/// Builds a [`Value`] as serde_json's own visitor does, but refuses repeated keys.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(Strict)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!("duplicate field {key:?}")));
            }
            let value = map.next_value_seed(Strict)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Implements serde's `Deserialize` for types with a `read(&Field)` function: a strict
/// [`value`] first, then the reader, its message as the error.
macro_rules! deserialize_with_reader {
    ($($ty:ty),* $(,)?) => {
        $(
            impl<'de> serde::Deserialize<'de> for $ty {
                fn deserialize<D: serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> Result<Self, D::Error> {
                    let value = $crate::json_read::value(deserializer)?;
                    <$ty>::read(&$crate::json_read::Field::root(&value))
                        .map_err(<D::Error as serde::de::Error>::custom)
                }
            }
        )*
    };
}

pub(crate) use deserialize_with_reader;

#[cfg(test)]
mod tests {
    use super::*;

    fn field_error(text: &str, read: fn(&Field) -> Result<(), String>) -> String {
        let value = parse(text).unwrap();
        let root = Path::ROOT;
        let outer = root.field("groups");
        let item = outer.index(0);
        let path = item.field("config");
        read(&Field {
            value: &value,
            path,
        })
        .unwrap_err()
    }

    #[test]
    fn messages_name_the_path_what_was_expected_and_what_was_found() {
        let e = field_error(r#"{"max_poll_records": "ten"}"#, |f| {
            Obj::new(f)?.req("max_poll_records")?.u32().map(drop)
        });
        assert_eq!(
            e,
            r#"groups[0].config.max_poll_records: expected a whole number from 0 to 4294967295, got "ten""#
        );
        let e = field_error(r#"{}"#, |f| Obj::new(f)?.req("x").map(drop));
        assert_eq!(e, r#"groups[0].config: missing field "x""#);
        let e = field_error(r#"[1]"#, |f| Obj::new(f).map(drop));
        assert_eq!(e, "groups[0].config: expected an object, got an array");
        let e = field_error(r#"{"a": [1, -2]}"#, |f| {
            Obj::new(f)?.req("a")?.bytes().map(drop)
        });
        assert_eq!(
            e,
            "groups[0].config.a[1]: expected a whole number from 0 to 255, got -2"
        );
        let e = field_error(r#"{"a": 1, "b": 2}"#, |f| Obj::new(f)?.deny_unknown(&["a"]));
        assert_eq!(
            e,
            r#"groups[0].config: unknown field "b", expected one of "a""#
        );
    }

    #[test]
    fn whole_numbers_must_fit() {
        let check = |text: &str| {
            let value = parse(text).unwrap();
            let f = Field::root(&value);
            (f.u32().ok(), f.i32().ok(), f.i64().ok(), f.u64().ok())
        };
        assert_eq!(check("7"), (Some(7), Some(7), Some(7), Some(7)));
        assert_eq!(check("-1"), (None, Some(-1), Some(-1), None));
        assert_eq!(
            check("4294967296"),
            (None, None, Some(4_294_967_296), Some(4_294_967_296))
        );
        assert_eq!(check("2147483648").1, None);
        assert_eq!(check("-2147483649").1, None);
        assert_eq!(check("18446744073709551615").3, Some(u64::MAX));
        assert_eq!(check("9223372036854775808").2, None);
        assert_eq!(check("1.0"), (None, None, None, None));
        assert_eq!(check("\"1\""), (None, None, None, None));
    }

    #[test]
    fn nulls_are_none_only_where_a_field_is_optional() {
        let value = parse(r#"{"a": null}"#).unwrap();
        let f = Field::root(&value);
        let o = Obj::new(&f).unwrap();
        assert_eq!(o.maybe("a", Field::u64), Ok(None));
        assert_eq!(o.maybe("b", Field::u64), Ok(None));
        assert_eq!(o.or("b", 3, Field::u64), Ok(3));
        assert_eq!(
            o.or("a", 3, Field::u64),
            Err("a: expected a whole number from 0 to 18446744073709551615, got null".into())
        );
    }

    #[test]
    fn repeated_keys_and_trailing_text_are_refused() {
        let e = parse(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).unwrap_err();
        assert_eq!(e, r#"duplicate field "c" at line 1 column 26"#);
        assert!(parse("{} x").unwrap_err().contains("trailing characters"));
        assert_eq!(
            parse(r#"{"a": [1, 2.5, "x", null, true]}"#).unwrap(),
            serde_json::json!({"a": [1, 2.5, "x", null, true]})
        );
    }

    #[test]
    fn long_strings_are_cut_in_messages() {
        let value = Value::String("x".repeat(100));
        let e = Field::root(&value).u64().unwrap_err();
        assert!(e.ends_with(&format!("got \"{}\"…", "x".repeat(40))), "{e}");
    }
}

//! Indents compact JSON for people: the scenario editor, exported files and `kplay`.
//!
//! Why not `serde_json::to_string_pretty`: every type the scenario holds would then carry a
//! second serializer (serde monomorphizes each type's `Serialize` once per formatter), and the
//! page already has the compact one for share links. Re-indenting the compact text costs one
//! small function. The output is exactly serde_json's pretty format: two spaces per level,
//! `": "` after keys, and empty arrays and objects kept as `[]` and `{}` (a test compares the
//! two on every example scenario).

/// Indents `compact`, which must be JSON as `serde_json::to_string` writes it (no whitespace
/// outside strings).
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pretty;
    use serde_json::json;

    #[test]
    fn matches_serde_json_pretty_on_nesting_empties_and_escapes() {
        let value = json!({
            "a": [],
            "b": {},
            "c": [1, [2, []], {"d": null, "e": {}}],
            "quote \" and brace { in a key": "value with , : [ ] { } and \\\" inside",
            "unicode": "é — \u{1}",
            "n": -1.5e300,
            "t": true
        });
        let compact = serde_json::to_string(&value).unwrap();
        assert_eq!(
            pretty(&compact),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn scalars_and_empty_documents_pass_through() {
        for text in ["1", "\"x\"", "null", "[]", "{}"] {
            assert_eq!(pretty(text), text);
        }
    }
}

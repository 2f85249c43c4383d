//! Markup written as text, for the one view that redraws hundreds of elements on every frame
//! (a partition's record cells in the diagram). Setting a partition's cells as one string costs
//! the page less than updating every cell's attributes one by one.
//!
//! User text (keys, topic names) goes through [`push_escaped`], so it always reaches the
//! page as text, never as markup.

/// Appends `text` to `out` with the five characters that can end text or an attribute value
/// (`&`, `<`, `>`, `"`, `'`) written as character references.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// `text` escaped as [`push_escaped`] escapes it.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_become_references() {
        assert_eq!(
            escaped(r#"<img src=x onerror="alert('1')"> & co"#),
            "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co"
        );
    }

    #[test]
    fn plain_and_non_ascii_text_is_unchanged() {
        for text in ["order-42", "", "clé ∅ 🔑", "a|b|c"] {
            assert_eq!(escaped(text), text);
        }
    }

    #[test]
    fn escaped_text_has_no_character_that_opens_markup_or_ends_a_value() {
        let nasty = "\"'<>&\"'<>&</title></g><script>x</script>";
        let out = escaped(nasty);
        assert!(!out.contains(['<', '>', '"', '\'']), "{out}");
        // Every ampersand left starts one of the references written above.
        let references = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
        let mut rest = out.as_str();
        while let Some(at) = rest.find('&') {
            rest = &rest[at..];
            let r = references.iter().find(|r| rest.starts_with(**r));
            assert!(r.is_some(), "a bare ampersand in {out}");
            rest = &rest[r.unwrap().len()..];
        }
    }
}

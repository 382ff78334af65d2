//! The `key=value` scanner of messages and logfmt lines.
//!
//! The port of `logframe/messages.py::parse_fields` (the Polars-expression parser it replaced, removed on 2026-12-02), which took every match of
//!
//! ```text
//! (?:^|\s)KEY=(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S*)        KEY = [\p{L}\p{N}\p{So}_][\p{L}\p{N}\p{M}\p{So}_.\-]*
//! ```
//!
//! in order, without overlap, and unquoted its value: a double-quoted value loses its quotes and
//! `\"` / `\\` become `"` / `\` (other escapes stay as written); a single-quoted value loses its
//! quotes; a bare value runs to the next whitespace and loses one trailing `,` or `;`. A key starts
//! the text or follows a whitespace character that no earlier match took; `\s` is Unicode
//! whitespace (`char::is_whitespace`, as in the regex crate), and `.` (after a backslash) is any
//! character but `\n`, so `"a\` + newline is no quoted value (the value is then bare).
//!
//! This is a byte scanner: it jumps from `=` to `=` with `memchr`, reads the key backwards from
//! there and the value forwards. Keys and values borrow from the text; only a double-quoted value
//! with an escape in it is copied.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::record::Field;

/// Append the `key=value` pairs of `text` to `out`, in order.
///
/// Values are never null here (`Some`): a key with nothing after `=` has the value `""`.
///
/// ```
/// use std::borrow::Cow;
/// use _native::fields::parse_fields;
/// let mut out = Vec::new();
/// parse_fields(r#"Failed tenant=company-b user="Jane \"JD\" Doe" 環境=本番 cpu=45%,"#, &mut out);
/// let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_ref(), v.as_deref().unwrap_or(""))).collect();
/// assert_eq!(pairs, [("tenant", "company-b"), ("user", r#"Jane "JD" Doe"#), ("環境", "本番"), ("cpu", "45%")]);
/// assert!(matches!(out[0].1, Some(Cow::Borrowed(_))));
/// ```
pub fn parse_fields<'a>(text: &'a str, out: &mut Vec<Field<'a>>) {
    let bytes = text.as_bytes();
    // `floor`: where the last match ended (a key's whitespace must lie at or after it);
    // `from`: where to look for the next `=`.
    let mut floor = 0;
    let mut from = 0;
    while let Some(eq) = find_byte(bytes, from, b'=') {
        from = eq + 1;
        let Some(start) = key_start(text, floor, eq) else {
            continue;
        };
        let Some(key) = text.get(start..eq) else {
            continue;
        };
        let (value, end) = value(text, eq + 1);
        out.push((Cow::Borrowed(key), Some(value)));
        floor = end;
        from = end;
    }
}

/// The offset of the first `needle` at or after `from`: eight bytes at a time (log lines are short,
/// where `memchr`'s set-up costs more than it saves).
pub(crate) fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let hay = bytes.get(from..)?;
    let pattern = LOW.wrapping_mul(u64::from(needle));
    let mut chunks = hay.chunks_exact(8);
    let mut offset = from;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // The lowest byte of `x` that is zero sets the lowest flagged bit (higher ones may be false).
        let zero = x.wrapping_sub(LOW) & !x & HIGH;
        if zero != 0 {
            return Some(offset + (zero.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| offset + i)
}

/// Where the key that ends at `eq` (an `=`) starts, if one does: the run of key characters before
/// `eq`, starting with a first-key character, at the start of the text or after whitespace at or
/// after `floor`.
fn key_start(text: &str, floor: usize, eq: usize) -> Option<usize> {
    let head = text.get(floor..eq)?;
    let bytes = head.as_bytes();
    // Walk back over key characters: bytes for ASCII, decoded characters otherwise.
    let mut start = bytes.len();
    let mut first = None;
    while let Some(&b) = bytes.get(start.wrapping_sub(1)) {
        let c = if b < 0x80 {
            if !ASCII_KEY[usize::from(b)] {
                break;
            }
            char::from(b)
        } else {
            let c = head.get(..start)?.chars().next_back()?;
            if !is_key_char(c) {
                break;
            }
            c
        };
        start -= c.len_utf8();
        first = Some(c);
    }
    if !is_key_start(first?) {
        return None;
    }
    if start == 0 {
        // The run reaches `floor`: a key there starts the text, or has no whitespace of its own.
        return (floor == 0).then_some(0);
    }
    let before = match bytes.get(start - 1) {
        Some(&b) if b < 0x80 => is_ascii_space(b),
        _ => head.get(..start)?.chars().next_back()?.is_whitespace(),
    };
    before.then_some(floor + start)
}

/// The value starting at byte `at` (just after `=`), unquoted, and the byte where its match ends.
fn value(text: &str, at: usize) -> (Cow<'_, str>, usize) {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        Some(b'"') => {
            if let Some(close) = closing_double_quote(bytes, at + 1) {
                if let Some(inner) = text.get(at + 1..close) {
                    return (unescape(inner), close + 1);
                }
            }
        }
        Some(b'\'') => {
            let close = bytes
                .get(at + 1..)
                .and_then(|rest| memchr::memchr(b'\'', rest));
            if let Some(inner) = close.and_then(|close| text.get(at + 1..at + 1 + close)) {
                return (Cow::Borrowed(inner), at + 1 + inner.len() + 1);
            }
        }
        _ => {}
    }
    let end = bare_end(text, at);
    let bare = text.get(at..end).unwrap_or("");
    (Cow::Borrowed(drop_separator(bare)), end)
}

/// The byte of the `"` that closes a double-quoted value whose content starts at `from`: the first
/// `"` not escaped by a backslash. `None` when there is none, or a backslash stands before a
/// newline or the end (`\\.` takes no `\n`).
pub(crate) fn closing_double_quote(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr::memchr2(b'"', b'\\', bytes.get(from..)?)?;
        if bytes.get(at) == Some(&b'"') {
            return Some(at);
        }
        match bytes.get(at + 1) {
            None | Some(b'\n') => return None,
            // The escaped byte is ASCII or a UTF-8 lead byte: what follows it is never `"` or `\`.
            Some(_) => from = at + 2,
        }
    }
}

/// The byte where a bare value (`\S*`) starting at `from` ends: the next whitespace, or the end.
pub(crate) fn bare_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            if ASCII_SPACE[usize::from(b)] {
                return i;
            }
            i += 1;
        } else {
            match text.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) if c.is_whitespace() => return i,
                Some(c) => i += c.len_utf8(),
                None => return bytes.len(),
            }
        }
    }
    bytes.len()
}

/// Whether an ASCII byte is `\s` (space, `\t`, `\n`, `\x0b`, `\x0c`, `\r`); false for other bytes.
pub(crate) fn is_ascii_space(b: u8) -> bool {
    ASCII_SPACE.get(usize::from(b)).copied().unwrap_or(false)
}

/// A bare value without one trailing `,` or `;`.
pub(crate) fn drop_separator(bare: &str) -> &str {
    bare.strip_suffix([',', ';']).unwrap_or(bare)
}

/// The inside of double quotes with `\"` and `\\` undone (borrowed when there is no backslash).
pub(crate) fn unescape(inner: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\\', inner.as_bytes()).is_none() {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next @ ('"' | '\\')) = chars.peek() {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    Cow::Owned(out)
}

// -- character classes --------------------------------------------------------------------------------

/// `\s` among ASCII: space, `\t`, `\n`, `\x0b`, `\x0c`, `\r` (Unicode White_Space).
const ASCII_SPACE: [bool; 128] = {
    let mut table = [false; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = matches!(i as u8, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        i += 1;
    }
    table
};

/// `[\p{L}\p{N}\p{So}_]` among ASCII: letters, digits, `_` (`^`, `` ` ``, `|`, `~`, `+`, ... are Sm/Sk/Po).
const ASCII_KEY_START: [bool; 128] = {
    let mut table = [false; 128];
    let mut i = 0;
    while i < 128 {
        table[i] = (i as u8).is_ascii_alphanumeric() || i as u8 == b'_';
        i += 1;
    }
    table
};

/// `[\p{L}\p{N}\p{M}\p{So}_.\-]` among ASCII.
const ASCII_KEY: [bool; 128] = {
    let mut table = ASCII_KEY_START;
    table[b'.' as usize] = true;
    table[b'-' as usize] = true;
    table
};

/// A set of characters: a bitmap of the Basic Multilingual Plane, sorted ranges above it.
struct Class {
    bmp: Box<[u64]>,
    ranges: Box<[(char, char)]>,
}

impl Class {
    /// The class of a bracket expression, with the Unicode tables of the regex crate itself.
    fn of(pattern: &str) -> Class {
        use regex_syntax::hir::{Class as HirClass, HirKind};
        let ranges: Box<[(char, char)]> =
            match regex_syntax::parse(pattern).map(|hir| hir.into_kind()) {
                Ok(HirKind::Class(HirClass::Unicode(class))) => class
                    .ranges()
                    .iter()
                    .map(|r| (r.start(), r.end()))
                    .collect(),
                _ => Box::default(),
            };
        let mut bmp = vec![0u64; 0x10000 / 64].into_boxed_slice();
        for &(lo, hi) in ranges.iter() {
            for c in u32::from(lo)..=u32::from(hi).min(0xFFFF) {
                if let Some(word) = bmp.get_mut((c / 64) as usize) {
                    *word |= 1 << (c % 64);
                }
            }
        }
        Class { bmp, ranges }
    }

    fn contains(&self, c: char) -> bool {
        let c32 = u32::from(c);
        if let Some(word) = self.bmp.get((c32 / 64) as usize) {
            return word & (1 << (c32 % 64)) != 0;
        }
        self.ranges
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

static KEY_START: LazyLock<Class> = LazyLock::new(|| Class::of(r"[\p{L}\p{N}\p{So}_]"));
static KEY: LazyLock<Class> = LazyLock::new(|| Class::of(r"[\p{L}\p{N}\p{M}\p{So}_.\-]"));

/// Whether `c` may start a key.
fn is_key_start(c: char) -> bool {
    match ASCII_KEY_START.get(c as usize) {
        Some(&ascii) => ascii,
        None => KEY_START.contains(c),
    }
}

/// Whether `c` may stand in a key after its first character.
fn is_key_char(c: char) -> bool {
    match ASCII_KEY.get(c as usize) {
        Some(&ascii) => ascii,
        None => KEY.contains(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        parse_fields(text, &mut out);
        out.into_iter()
            .map(|(k, v)| {
                (
                    k.into_owned(),
                    v.map(Cow::into_owned).unwrap_or_else(|| "<null>".into()),
                )
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn documented_cases() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "tenant=company_a retry_count=3",
                &[("tenant", "company_a"), ("retry_count", "3")],
            ),
            (
                "company.a=1 company-b=2 環境=本番",
                &[("company.a", "1"), ("company-b", "2"), ("環境", "本番")],
            ),
            (
                "user=\"Jane Doe\" q='x y'",
                &[("user", "Jane Doe"), ("q", "x y")],
            ),
            (
                r#"say="a \"quoted\" word""#,
                &[("say", r#"a "quoted" word"#)],
            ),
            (
                "path=/api/v2/企業/データ cpu=45% url=https://h/p?x=1&y=2",
                &[
                    ("path", "/api/v2/企業/データ"),
                    ("cpu", "45%"),
                    ("url", "https://h/p?x=1&y=2"),
                ],
            ),
            ("case_id=abc-123-def, then", &[("case_id", "abc-123-def")]),
            ("empty= next=1", &[("empty", ""), ("next", "1")]),
            ("🔥=hot", &[("🔥", "hot")]),
            ("no pairs here", &[]),
            ("a==b", &[("a", "=b")]),
            ("unterminated=\"open quote", &[("unterminated", "\"open")]),
        ];
        for &(text, expected) in cases {
            assert_eq!(fields(text), pairs(expected), "{text:?}");
        }
    }

    #[test]
    fn regex_corners() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            // a key starts a word: the text, or after whitespace no earlier match took
            ("xa=1 (b=2) c=3", &[("xa", "1"), ("c", "3")]),
            ("a=\"x\"b=2 c=3", &[("a", "x"), ("c", "3")]),
            ("a='x y=1' z=2", &[("a", "x y=1"), ("z", "2")]),
            ("a=x\"y z=1\"", &[("a", "x\"y"), ("z", "1\"")]),
            ("=a=1 .b=2 -c=3 _d=4", &[("_d", "4")]),
            (
                "\u{3000}k=v\u{2028}j=w\u{a0}i=u",
                &[("k", "v"), ("j", "w"), ("i", "u")],
            ),
            ("\u{1c}k=v", &[]),
            ("k=v\u{1c}w", &[("k", "v\u{1c}w")]),
            // marks may follow the first character, not start a key
            ("e\u{301}=1 \u{301}x=2", &[("e\u{301}", "1")]),
            ("日本level=error", &[("日本level", "error")]),
            (
                "٣=three Ⅻ=12 ½=half",
                &[("٣", "three"), ("Ⅻ", "12"), ("½", "half")],
            ),
            ("+a=1 a+b=2 ©=c", &[("©", "c")]),
            // values
            ("a=\"\" b='' c=", &[("a", ""), ("b", ""), ("c", "")]),
            ("a=v;; b=w,", &[("a", "v;"), ("b", "w")]),
            ("a=\"v,\" b='w;'", &[("a", "v,"), ("b", "w;")]),
            (r#"a="x\\" b=1"#, &[("a", r"x\"), ("b", "1")]),
            (r#"a="\n\t\\\"" b=1"#, &[("a", r#"\n\t\""#), ("b", "1")]),
            ("a=\"x\\\ny\" b=1", &[("a", "\"x\\"), ("b", "1")]),
            ("a=\"x\ny\" b=1", &[("a", "x\ny"), ("b", "1")]),
            ("a=\"x\\\ry\" b=1", &[("a", "x\\\ry"), ("b", "1")]),
            ("a=\"open b=1", &[("a", "\"open"), ("b", "1")]),
            ("a='open b=1", &[("a", "'open"), ("b", "1")]),
            ("a=\"é\\é\" b=1", &[("a", "é\\é"), ("b", "1")]),
        ];
        for &(text, expected) in cases {
            assert_eq!(fields(text), pairs(expected), "{text:?}");
        }
    }

    #[test]
    fn borrows_unless_unescaping() {
        let mut out = Vec::new();
        parse_fields(r#"a=1 b="x y" c='z' d="q\"q""#, &mut out);
        assert!(matches!(out[0].1, Some(Cow::Borrowed("1"))));
        assert!(matches!(out[1].1, Some(Cow::Borrowed("x y"))));
        assert!(matches!(out[2].1, Some(Cow::Borrowed("z"))));
        assert!(matches!(out[3].1, Some(Cow::Owned(_))));
        assert!(out.iter().all(|(k, _)| matches!(k, Cow::Borrowed(_))));
    }

    #[test]
    fn unicode_classes_come_from_the_regex_tables() {
        assert!(!KEY_START.ranges.is_empty() && !KEY.ranges.is_empty());
        assert!(is_key_start('é') && is_key_start('環') && is_key_start('🔥') && is_key_start('٣'));
        assert!(!is_key_start('\u{301}') && is_key_char('\u{301}'));
        assert!(!is_key_start('.') && is_key_char('.') && is_key_char('-') && !is_key_char('='));
        assert!(!is_key_char('\u{3000}') && !is_key_char('«') && !is_key_char('€'));
    }

    #[test]
    fn classes_agree_with_the_regex_crate() {
        let start = regex::Regex::new(r"^[\p{L}\p{N}\p{So}_]$").expect("regex");
        let rest = regex::Regex::new(r"^[\p{L}\p{N}\p{M}\p{So}_.\-]$").expect("regex");
        for c in (0..0x11_0000u32).step_by(7).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let text = c.encode_utf8(&mut buf);
            assert_eq!(is_key_start(c), start.is_match(text), "{c:?}");
            assert_eq!(is_key_char(c), rest.is_match(text), "{c:?}");
        }
    }

    /// A key the grammar reads as one: ASCII or any script, never one ending in a separator.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z_][a-zA-Z0-9_.-]{0,12}",
            "[\\p{L}\\p{N}_][\\p{L}\\p{N}\\p{M}_.-]{0,6}",
            Just("🔥".to_owned()),
        ]
    }

    /// A value and how it is written: bare (no whitespace or quotes, not ending in `,`/`;`), single- or
    /// double-quoted (escaped).
    fn value() -> impl Strategy<Value = (String, String)> {
        prop_oneof![
            "[^\\s\"',;][^\\s]{0,10}"
                .prop_filter("no trailing separator", |v| !v.ends_with([',', ';']))
                .prop_map(|v| (v.clone(), v)),
            Just((String::new(), String::new())),
            "[^']{0,12}".prop_map(|v| (format!("'{v}'"), v)),
            "[^\n]{0,12}".prop_map(|v| (
                format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")),
                v
            )),
        ]
    }

    proptest! {
        #[test]
        fn find_byte_finds_the_first(bytes in prop::collection::vec(prop_oneof![Just(b'='), any::<u8>()], 0..40), from in 0usize..45) {
            let naive = bytes.get(from..).and_then(|rest| rest.iter().position(|&b| b == b'=')).map(|i| from + i);
            prop_assert_eq!(find_byte(&bytes, from, b'='), naive);
        }

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let mut out = Vec::new();
            parse_fields(&text, &mut out);
        }

        #[test]
        fn field_like_text_never_panics(text in "[a=\"'\\\\ ,;é\u{301}\u{3000}\n.-]{0,40}") {
            let mut out = Vec::new();
            parse_fields(&text, &mut out);
        }

        #[test]
        fn rendered_pairs_parse_back(
            list in prop::collection::vec((key(), value()), 0..6),
            separators in prop::collection::vec(prop_oneof![Just(" "), Just("  "), Just("\t"), Just("\u{3000}"), Just(" \n ")], 6),
            lead in "[a-z ]{0,10}",
        ) {
            let mut text = String::new();
            let mut expected = Vec::new();
            for (i, (key, (written, value))) in list.iter().enumerate() {
                text.push_str(if i == 0 { lead.trim_end() } else { "" });
                if i > 0 || !text.is_empty() {
                    text.push_str(separators[i]);
                }
                text.push_str(key);
                text.push('=');
                text.push_str(written);
                expected.push((key.clone(), value.clone()));
            }
            let got = fields(&text);
            prop_assert_eq!(got, expected, "{:?}", text);
        }
    }
}

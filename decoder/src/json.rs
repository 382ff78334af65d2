//! JSON lines: the validating scanner the JSON formats share, why a line is not a JSON object
//! ([`skip_reason`]), and values as text ([`Value::text`]).
//!
//! The scanner is hand-written (measured faster than serde_json, sonic-rs and simd-json on
//! CloudWatch lines; see `examples/json_bench.rs`) and follows the grammar of RFC 8259 with the
//! choices the old Polars/Python decoder made or that its defects call for:
//!
//! - the whole line is validated, but values are not interpreted: a number is a span of text
//!   (`1e999` or a 4301-digit number in any key never fails a line), a string is a span whose escapes
//!   are undone only when its text is asked for;
//! - a lone surrogate escape (`\ud800`) is valid and becomes U+FFFD (the caller learns it was
//!   replaced);
//! - nesting deeper than [`MAX_DEPTH`] is invalid (iterative scanning: no input overflows the stack);
//! - on failure, [`skip_reason`] tells a truncated line from an invalid one as Python's `json`
//!   did (the spec, `formats/cloudwatch.py::skip_reason`).

use std::borrow::Cow;

use crate::record::Reason;

/// The deepest nesting of objects and arrays a decoded line may have, the outer object counting
/// as one (Polars' limit in the old decoder); a deeper line is `invalid_json`.
pub const MAX_DEPTH: usize = 1023;

/// The nesting at which Python's `json` raised `RecursionError` (reported as `invalid_json`):
/// [`skip_reason`] gives up there, as the Python did.
const PY_DEPTH: usize = 992;

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `"..."`
    String,
    /// `-1.5e3`
    Number,
    /// `true` or `false`
    Bool,
    /// `null`
    Null,
    /// `{...}`
    Object,
    /// `[...]`
    Array,
}

/// One value as written in the line (not interpreted yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value<'a> {
    /// The value's JSON type.
    pub kind: Kind,
    /// A string's text between its quotes (escapes as written); any other value's whole text.
    pub text: &'a str,
    /// A string with backslash escapes; an object or array that is not already compact JSON text
    /// (it holds whitespace or escapes).
    pub escaped: bool,
}

impl<'a> Value<'a> {
    /// The value as text: a string unescaped, `null` as `None`, numbers and `true`/`false` as
    /// written, objects and arrays as compact JSON text (`{"nested":1}`, `[1,"a"]`).
    ///
    /// Borrows from the line unless escapes or whitespace had to be rewritten. Sets `replaced` when a
    /// lone surrogate escape became U+FFFD.
    pub fn text(&self, replaced: &mut bool) -> Option<Cow<'a, str>> {
        match self.kind {
            Kind::Null => None,
            Kind::String => Some(unescape(self.text, self.escaped, replaced)),
            Kind::Number | Kind::Bool => Some(Cow::Borrowed(self.text)),
            Kind::Object | Kind::Array => Some(if self.escaped {
                Cow::Owned(compact(self.text, replaced))
            } else {
                Cow::Borrowed(self.text)
            }),
        }
    }
}

/// Why `text`, which a JSON format could not decode as an object, was skipped.
///
/// `truncated_json` when the text ran out (or a string is unterminated) before the JSON was
/// complete, `invalid_json` for any other error (including nesting too deep for Python's `json`),
/// `not_a_json_object` for valid JSON that is not an object (`null`, `""`, `[1]`). As the Python,
/// a complete object is also `not_a_json_object`: the function assumes it is asked about a line
/// that was not decoded.
pub fn skip_reason(text: &str) -> Reason {
    let mut scanner = Scanner::new(text);
    scanner.ws();
    let result = scanner.value(0, PY_DEPTH).and_then(|_| {
        scanner.ws();
        scanner.fail_unless_end()
    });
    match result {
        Ok(()) => Reason::NotAJsonObject,
        Err(Fail::Truncated) => Reason::TruncatedJson,
        Err(Fail::Invalid) => Reason::InvalidJson,
    }
}

/// Whether `text` is one valid JSON object (with JSON whitespace around it allowed).
pub fn is_object(text: &str) -> bool {
    let mut scanner = Scanner::new(text);
    scanner.ws();
    scanner.peek() == Some(b'{') && scanner.value(0, MAX_DEPTH).is_ok() && {
        scanner.ws();
        scanner.at_end()
    }
}

/// Appends `s` as a JSON string (quoted; `"`, `\` and control characters escaped, the rest as is),
/// as Python's `json.dumps(..., ensure_ascii=False)` and Polars write it.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or(""));
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

/// A string's text (between its quotes) with its escapes undone; borrowed when `escaped` is false.
///
/// A lone surrogate escape becomes U+FFFD and sets `replaced`. Meant for text the scanner has
/// validated; anything else is copied through, never a panic.
#[inline]
pub fn unescape<'a>(text: &'a str, escaped: bool, replaced: &mut bool) -> Cow<'a, str> {
    if escaped {
        Cow::Owned(unescape_owned(text, replaced))
    } else {
        Cow::Borrowed(text)
    }
}

/// [`unescape`] of a string with escapes.
fn unescape_owned(text: &str, replaced: &mut bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let Some(at) = memchr::memchr(b'\\', bytes.get(i..).unwrap_or(&[])).map(|at| i + at) else {
            out.push_str(text.get(i..).unwrap_or(""));
            break;
        };
        out.push_str(text.get(i..at).unwrap_or(""));
        let escape = bytes.get(at + 1).copied();
        i = at + 2;
        let c = match escape {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => match hex4(bytes, at + 2) {
                Some(unit) => {
                    i = at + 6;
                    if (0xd800..0xdc00).contains(&unit) {
                        let low = if bytes.get(i) == Some(&b'\\') && bytes.get(i + 1) == Some(&b'u')
                        {
                            hex4(bytes, i + 2).filter(|low| (0xdc00..0xe000).contains(low))
                        } else {
                            None
                        };
                        match low {
                            Some(low) => {
                                i += 6;
                                let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                                char::from_u32(code).unwrap_or('\u{fffd}')
                            }
                            None => {
                                *replaced = true;
                                '\u{fffd}'
                            }
                        }
                    } else {
                        char::from_u32(unit).unwrap_or_else(|| {
                            *replaced = true;
                            '\u{fffd}'
                        })
                    }
                }
                None => {
                    out.push_str("\\u");
                    continue;
                }
            },
            Some(_) | None => {
                // Not a valid escape (never after validation): keep the backslash, resume after it.
                out.push('\\');
                i = at + 1;
                continue;
            }
        };
        out.push(c);
    }
    out
}

/// The four hex digits at `at` as a UTF-16 code unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc * 16 + char::from(d).to_digit(16)?))
}

/// A validated object or array as compact JSON text: whitespace between tokens dropped, strings
/// written as [`write_string`] does (escapes undone and redone), numbers as written.
pub fn compact(text: &str, replaced: &mut bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i).copied().unwrap_or(b' ') {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let (end, escaped) = string_end(bytes, i + 1);
                let inner = text.get(i + 1..end).unwrap_or("");
                if escaped {
                    write_string(&mut out, &unescape(inner, true, replaced));
                } else {
                    out.push('"');
                    out.push_str(inner);
                    out.push('"');
                }
                i = end + 1;
            }
            _ => {
                let run = bytes
                    .get(i..)
                    .unwrap_or(&[])
                    .iter()
                    .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'"'))
                    .map_or(bytes.len(), |n| i + n);
                out.push_str(text.get(i..run).unwrap_or(""));
                i = run;
            }
        }
    }
    out
}

/// For [`compact`]: the index of the closing quote of the string starting at `i` (or the end), and
/// whether it has escapes.
fn string_end(bytes: &[u8], mut i: usize) -> (usize, bool) {
    let mut escaped = false;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return (i, escaped),
            b'\\' => {
                escaped = true;
                i += 2;
            }
            _ => i += 1,
        }
    }
    (bytes.len(), escaped)
}

/// Why a scan failed: the text ran out, or it is not JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fail {
    /// The input ended (or a string is unterminated) before the JSON was complete.
    Truncated,
    /// Any other error.
    Invalid,
}

/// A key of an object as written (escapes not undone yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key<'a> {
    /// The key's text between its quotes.
    pub text: &'a str,
    /// Whether the key has backslash escapes.
    pub escaped: bool,
}

impl<'a> Key<'a> {
    /// The key with its escapes undone (borrowed when it has none).
    pub fn name(&self, replaced: &mut bool) -> Cow<'a, str> {
        unescape(self.text, self.escaped, replaced)
    }
}

/// A validating JSON scanner over one line, moving forward through it.
///
/// Errors are reported where Python's `json` reported them, so that [`Fail`] is its
/// truncated/invalid distinction: an error at the end of the text is [`Fail::Truncated`].
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// Which of the bytes of an 8-byte word (little-endian) are `"`, `\` or a control character: the high
/// bit of the first such byte is exact (higher bytes may be false positives).
#[inline]
fn specials(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero(word ^ (ONES * u64::from(b'"')));
    let backslash = zero(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

/// Which of 16 bytes are `"`, `\\` or a control character, as a bit mask (bit `k` for byte `k`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn specials16(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x,
    };
    let half = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&chunk[at..at + 8]);
        i64::from_le_bytes(word)
    };
    let v = _mm_set_epi64x(half(8), half(0));
    let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
    let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
    // A byte is below 0x20 when its unsigned minimum with 0x1f is itself.
    let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
}

/// The position of the first `"`, `\\` or control character at or after `i` in `bytes` (or its
/// length): sixteen bytes at a time with SSE2 (part of every x86-64 CPU), then eight at a time, then
/// byte by byte for the tail.
#[inline(always)]
fn next_special(bytes: &[u8], mut i: usize) -> usize {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(chunk) = bytes.get(i..i + 16) {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        // SAFETY: the function only needs SSE2, which this build targets (`target_feature = "sse2"`,
        // the x86-64 baseline); it reads nothing but its argument.
        let found = unsafe { specials16(&block) };
        if found != 0 {
            return i + found.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = specials(u64::from_le_bytes(word));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    /// The byte at the scanner's position.
    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Whether the whole text has been scanned.
    #[inline]
    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The error for an unexpected byte (or the end) at the scanner's position.
    #[inline]
    fn here(&self) -> Fail {
        if self.at_end() {
            Fail::Truncated
        } else {
            Fail::Invalid
        }
    }

    /// `Ok` at the end of the text, else the error of extra data.
    pub fn fail_unless_end(&self) -> Result<(), Fail> {
        if self.at_end() {
            Ok(())
        } else {
            Err(Fail::Invalid)
        }
    }

    /// Skips JSON whitespace; whether there was any.
    #[inline]
    pub fn ws(&mut self) -> bool {
        let start = self.pos;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
        self.pos != start
    }

    /// Consumes `byte` if it is next, else fails there.
    #[inline]
    pub fn expect(&mut self, byte: u8) -> Result<(), Fail> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.here())
        }
    }

    /// Consumes `literal` if the text goes on with it; whether it did. With the quotes of a key a
    /// format reads (`"time"`), the key is that name (no escape to undo) and is taken without
    /// scanning it as a string.
    ///
    /// An array, so that the comparison is a few word compares rather than a call to `memcmp`.
    #[inline(always)]
    pub fn eat_literal<const N: usize>(&mut self, literal: &[u8; N]) -> bool {
        let next = self.bytes.get(self.pos..self.pos + N);
        if next.and_then(|next| <&[u8; N]>::try_from(next).ok()) == Some(literal) {
            self.pos += N;
            true
        } else {
            false
        }
    }

    /// The scanner's position: how many bytes of the text it has scanned.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The byte `offset` bytes after the scanner's position.
    #[inline]
    pub fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// Consumes `byte` if it is next; whether it was.
    #[inline]
    pub fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A string whose opening quote was just consumed: its text between the quotes and whether it
    /// has escapes; the scanner ends after the closing quote. The common case (no escape) is inlined
    /// into the callers; escapes and errors go to [`Scanner::string_rest`].
    #[inline(always)]
    fn string(&mut self) -> Result<(&'a str, bool), Fail> {
        let start = self.pos;
        let i = next_special(self.bytes, start);
        if self.bytes.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return match self.text.get(start..i) {
                Some(text) => Ok((text, false)),
                None => Err(Fail::Invalid),
            };
        }
        self.pos = i;
        self.string_rest(start)
    }

    /// The rest of a string starting at `start` whose scan stopped at something other than its
    /// closing quote (a backslash, a control character or the end).
    #[cold]
    #[inline(never)]
    fn string_rest(&mut self, start: usize) -> Result<(&'a str, bool), Fail> {
        let mut escaped = false;
        loop {
            let i = self.pos;
            match self.peek() {
                None => return Err(Fail::Truncated), // unterminated string
                Some(b'"') => {
                    self.pos += 1;
                    let text = self.text.get(start..i).ok_or(Fail::Invalid)?;
                    return Ok((text, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(Fail::Truncated), // unterminated string
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1
                        }
                        Some(b'u') => {
                            // Python: four hex digits, and the string must go on after them.
                            if self.pos + 5 >= self.bytes.len()
                                || hex4(self.bytes, self.pos + 1).is_none()
                            {
                                return Err(Fail::Invalid);
                            }
                            self.pos += 5;
                        }
                        Some(_) => return Err(Fail::Invalid),
                    }
                    self.pos = next_special(self.bytes, self.pos);
                }
                Some(_) => return Err(Fail::Invalid), // a control character
            }
        }
    }

    /// An object's key: the opening quote is next (else fails there); the scanner ends after the
    /// closing quote.
    #[inline(always)]
    pub fn key(&mut self) -> Result<Key<'a>, Fail> {
        self.expect(b'"')?;
        let (text, escaped) = self.string()?;
        Ok(Key { text, escaped })
    }

    /// After a key: whitespace, the `:`, whitespace. The common `": "` is taken as one word.
    #[inline]
    pub fn colon(&mut self) -> Result<(), Fail> {
        if self.eat_literal(b": ") {
            self.ws();
            return Ok(());
        }
        self.colon_general()
    }

    /// [`Scanner::colon`] without the shortcut.
    #[inline]
    fn colon_general(&mut self) -> Result<(), Fail> {
        self.ws();
        self.expect(b':')?;
        self.ws();
        Ok(())
    }

    /// After a member's value: whitespace, then `,` (and whitespace: `Ok(true)`, another member
    /// follows) or `}` (`Ok(false)`, the object is closed). The common `", "` is taken as one word.
    #[inline]
    pub fn next_member(&mut self) -> Result<bool, Fail> {
        if self.eat_literal(b", ") {
            self.ws();
            return Ok(true);
        }
        self.next_member_general()
    }

    /// [`Scanner::next_member`] without the shortcut.
    #[inline]
    fn next_member_general(&mut self) -> Result<bool, Fail> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.ws();
                Ok(true)
            }
            Some(b'}') => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.here()),
        }
    }

    /// After an object's `{`: whitespace, and whether the object has members (`false`: its `}` was
    /// consumed).
    #[inline]
    pub fn open_members(&mut self) -> bool {
        self.ws();
        !self.eat(b'}')
    }

    /// A number as Python's scanner reads it (a fraction or exponent that does not go on with a
    /// digit is left for the caller to fail on).
    fn number(&mut self) -> Result<(), Fail> {
        let digit = |s: &Self, at: usize| s.bytes.get(at).is_some_and(u8::is_ascii_digit);
        if self.eat(b'-') && self.at_end() {
            return Err(Fail::Invalid);
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.pos += 1;
                while digit(self, self.pos) {
                    self.pos += 1;
                }
            }
            _ => return Err(Fail::Invalid),
        }
        if self.peek() == Some(b'.') && digit(self, self.pos + 1) {
            self.pos += 2;
            while digit(self, self.pos) {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            let mut at = self.pos + 1;
            if let Some(b'+' | b'-') = self.bytes.get(at) {
                at += 1;
            }
            if digit(self, at) {
                while digit(self, at) {
                    at += 1;
                }
                self.pos = at;
            }
        }
        Ok(())
    }

    /// The literal `word` (`null`, `true`, `false`) at the scanner's position; a cut or misspelt
    /// literal is invalid (never truncated), as in Python.
    fn literal(&mut self, word: &[u8]) -> Result<(), Fail> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Fail::Invalid)
        }
    }

    /// The value at the scanner's position, scanned whole (nested ones included, without
    /// recursion). `depth` is the nesting of the containers around it; a container deeper than
    /// `limit` fails. A string (the common case) is scanned inline, any other value by
    /// [`Scanner::other_value`].
    #[inline(always)]
    pub fn value(&mut self, depth: usize, limit: usize) -> Result<Value<'a>, Fail> {
        if self.peek() == Some(b'"') {
            return self.string_value();
        }
        self.other_value(depth, limit)
    }

    /// The string value whose opening quote is at the scanner's position.
    #[inline(always)]
    fn string_value(&mut self) -> Result<Value<'a>, Fail> {
        self.pos += 1;
        let (text, escaped) = self.string()?;
        Ok(Value {
            kind: Kind::String,
            text,
            escaped,
        })
    }

    /// Any value but a string (see [`Scanner::value`]), out of line.
    #[inline(never)]
    fn other_value(&mut self, depth: usize, limit: usize) -> Result<Value<'a>, Fail> {
        let start = self.pos;
        let (kind, escaped) = match self.peek() {
            None => return Err(Fail::Truncated),
            Some(b'"') => return self.string_value(),
            Some(b'{') => (Kind::Object, self.container(depth, limit)?),
            Some(b'[') => (Kind::Array, self.container(depth, limit)?),
            Some(b'n') => (Kind::Null, self.literal(b"null").map(|()| false)?),
            Some(b't') => (Kind::Bool, self.literal(b"true").map(|()| false)?),
            Some(b'f') => (Kind::Bool, self.literal(b"false").map(|()| false)?),
            Some(b'-' | b'0'..=b'9') => (Kind::Number, self.number().map(|()| false)?),
            Some(_) => return Err(Fail::Invalid),
        };
        let text = self.text.get(start..self.pos).ok_or(Fail::Invalid)?;
        Ok(Value {
            kind,
            text,
            escaped,
        })
    }

    /// Skips the value at the scanner's position (see [`Scanner::value`]).
    #[inline]
    pub fn skip(&mut self, depth: usize, limit: usize) -> Result<(), Fail> {
        self.value(depth, limit).map(|_| ())
    }

    /// The object or array opening at the scanner's position, scanned to its end with a bit stack
    /// of the open containers; whether it holds whitespace or escapes (is not compact text).
    fn container(&mut self, depth: usize, limit: usize) -> Result<bool, Fail> {
        /// Bits of open containers (1: object): enough for [`MAX_DEPTH`].
        const WORDS: usize = MAX_DEPTH / 64 + 1;
        let mut objects = [0u64; WORDS];
        let mut open = 0usize; // containers open in this call
        let mut loose = false;
        let is_object = |objects: &[u64; WORDS], level: usize| {
            objects
                .get(level / 64)
                .is_some_and(|w| w >> (level % 64) & 1 == 1)
        };
        // Each turn starts at a value (after `[`, `,` in an array, or `:`).
        'value: loop {
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    if depth + open + 1 > limit || open >= WORDS * 64 {
                        return Err(Fail::Invalid); // Python: RecursionError
                    }
                    if let Some(word) = objects.get_mut(open / 64) {
                        let bit = 1u64 << (open % 64);
                        if c == b'{' {
                            *word |= bit;
                        } else {
                            *word &= !bit;
                        }
                    }
                    open += 1;
                    self.pos += 1;
                    loose |= self.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if !self.eat(close) {
                        if c == b'{' {
                            loose |= self.member_key()?;
                        }
                        continue 'value;
                    }
                    open -= 1;
                }
                Some(b'"') => {
                    self.pos += 1;
                    loose |= self.string()?.1;
                }
                _ => {
                    // A scalar (or an error where a value was expected).
                    self.value(depth + open, limit)?;
                }
            }
            // After a value (or a closed container): `,` or the close of the innermost container.
            loop {
                if open == 0 {
                    return Ok(loose);
                }
                let object = is_object(&objects, open - 1);
                loose |= self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        loose |= self.ws();
                        if object {
                            loose |= self.member_key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        open -= 1;
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        open -= 1;
                    }
                    _ => return Err(self.here()),
                }
            }
        }
    }

    /// Inside a container: a key and its colon; whether either held whitespace or escapes.
    #[inline]
    fn member_key(&mut self) -> Result<bool, Fail> {
        let escaped = self.key()?.escaped;
        let loose = self.ws();
        self.expect(b':')?;
        Ok(escaped | loose | self.ws())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(text: &str) -> &'static str {
        skip_reason(text).as_str()
    }

    #[test]
    fn the_block_scan_finds_every_special_byte_at_every_offset() {
        let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for byte in 0..=255u8 {
            for len in 1..40 {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = byte;
                    let expected = bytes.iter().position(|&b| special(b)).unwrap_or(len);
                    for from in 0..=at {
                        let want = if expected >= from { expected } else { len };
                        assert_eq!(
                            next_special(&bytes, from),
                            want,
                            "byte {byte:#x} at {at} of {len}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn skip_reasons_follow_python() {
        let cases = [
            // From the Python docstring and tests.
            (r#"{"a": "cut sho"#, "truncated_json"),
            ("{]", "invalid_json"),
            (r#"{"a": 1"#, "truncated_json"),
            ("[1]", "not_a_json_object"),
            ("null", "not_a_json_object"),
            (r#""""#, "not_a_json_object"),
            ("tru", "invalid_json"),
            ("{{}", "invalid_json"),
            ("plain text", "invalid_json"),
            (r#"{"log": }"#, "invalid_json"),
            (r#"{"a":1} x"#, "invalid_json"),
            ("{", "truncated_json"),
            ("}", "invalid_json"),
            // Python's error positions.
            (r#"{"a""#, "truncated_json"),
            (r#"{"a":"#, "truncated_json"),
            (r#"{"a":1,"#, "truncated_json"),
            (r#"{"a":1,}"#, "invalid_json"),
            (r#"{"a":nul"#, "invalid_json"),
            (r#"{"a":-"#, "invalid_json"),
            (r#"{"a":1."#, "invalid_json"),
            (r#"{"a":1e"#, "invalid_json"),
            (r#"{"a":1e+"#, "invalid_json"),
            (r#"{"a":1e5"#, "truncated_json"),
            (r#"{"a":1.5"#, "truncated_json"),
            (r#"{"a":01}"#, "invalid_json"),
            (r#"{"a":"x\"#, "truncated_json"),
            (r#"{"a":"\u00e9"#, "invalid_json"), // Python: the \u escape must not end the text
            (r#"{"a":"\u00e9""#, "truncated_json"),
            (r#"{"a":"\u12"#, "invalid_json"),
            (r#"{"a":"\x"}"#, "invalid_json"),
            ("{\"a\":\"tab\there\"}", "invalid_json"),
            ("{\"a\":\"ctl\u{1}", "invalid_json"),
            (r#"{"a":[1,]}"#, "invalid_json"),
            (r#"{"a":[1"#, "truncated_json"),
            (r#"{"a":NaN}"#, "invalid_json"), // Python accepted NaN; strict JSON does not
            (r#""\ud800""#, "not_a_json_object"),
            ("1e999", "not_a_json_object"),
            ("-0", "not_a_json_object"),
            ("  [1 , 2] ", "not_a_json_object"),
        ];
        for (text, want) in cases {
            assert_eq!(reason(text), want, "{text}");
        }
    }

    #[test]
    fn deep_nesting_is_invalid_and_never_overflows() {
        for depth in [PY_DEPTH + 1, 5_000, 1_000_000] {
            let open = "[".repeat(depth);
            assert_eq!(reason(&open), "invalid_json");
            assert_eq!(
                reason(&format!("{open}{}", "]".repeat(depth))),
                "invalid_json"
            );
            let objects = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
            assert_eq!(reason(&objects), "invalid_json");
            assert_eq!(is_object(&objects), depth <= MAX_DEPTH);
        }
        let fits = format!("{}{}", "[".repeat(PY_DEPTH), "]".repeat(PY_DEPTH));
        assert_eq!(reason(&fits), "not_a_json_object");
        assert_eq!(reason(&"[".repeat(100)), "truncated_json");
        let limit = format!("{}1{}", r#"{"a":"#.repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(is_object(&limit));
        let over = format!(
            "{}1{}",
            r#"{"a":"#.repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(!is_object(&over));
    }

    #[test]
    fn values_as_text() {
        let text = |json: &str| {
            let mut scanner = Scanner::new(json);
            let value = scanner.value(0, MAX_DEPTH).expect("valid");
            let mut replaced = false;
            (value.text(&mut replaced).map(Cow::into_owned), replaced)
        };
        assert_eq!(text(r#""plain""#), (Some("plain".into()), false));
        assert_eq!(
            text(r#""a\/b\b\u00e9\n""#),
            (Some("a/b\u{8}é\n".into()), false)
        );
        assert_eq!(text(r#""\ud83d\ude00""#), (Some("😀".into()), false));
        assert_eq!(text(r#""\ud800x""#), (Some("\u{fffd}x".into()), true));
        assert_eq!(text(r#""\udc00""#), (Some("\u{fffd}".into()), true));
        assert_eq!(text(r#""\ud800\u0041""#), (Some("\u{fffd}A".into()), true));
        assert_eq!(
            text(r#""\ud800\ud800\udc00""#),
            (Some("\u{fffd}\u{10000}".into()), true)
        );
        assert_eq!(text("null"), (None, false));
        assert_eq!(text("12345"), (Some("12345".into()), false));
        assert_eq!(text("1e999"), (Some("1e999".into()), false));
        assert_eq!(text("true"), (Some("true".into()), false));
        assert_eq!(
            text(r#"{"nested":1}"#),
            (Some(r#"{"nested":1}"#.into()), false)
        );
        assert_eq!(
            text(r#"{ "a" : [1, {"b":null}] }"#),
            (Some(r#"{"a":[1,{"b":null}]}"#.into()), false)
        );
        assert_eq!(
            text(r#"["a\u00e9", "x y", "\u0001\"\\\/"]"#),
            (Some(r#"["aé","x y","\u0001\"\\/"]"#.into()), false)
        );
        assert_eq!(text("[\"\\ud800\"]"), (Some("[\"\u{fffd}\"]".into()), true));
    }

    #[test]
    fn text_borrows_when_nothing_is_rewritten() {
        let mut replaced = false;
        for json in [r#""no escapes""#, "123", r#"{"a":[1,"b"]}"#] {
            let value = Scanner::new(json).value(0, MAX_DEPTH).expect("valid");
            assert!(
                matches!(value.text(&mut replaced), Some(Cow::Borrowed(_))),
                "{json}"
            );
        }
    }

    #[test]
    fn write_string_escapes_like_python() {
        let mut out = String::new();
        write_string(
            &mut out,
            "a\"b\\c\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}é\u{2028}/",
        );
        assert_eq!(
            out,
            concat!(r#""a\"b\\c\n\t\r\b\f\u0001\u001f"#, "\u{7f}é\u{2028}/\"")
        );
    }

    #[test]
    fn is_object_checks_the_whole_text() {
        assert!(is_object(r#"{"a":1}"#));
        assert!(is_object(r#" {"a":[1,{"b":"c"}]} "#));
        assert!(!is_object(r#"{"a":1}x"#));
        assert!(!is_object("[1]"));
        assert!(!is_object(r#"{"a":1"#));
    }

    proptest! {
        /// The separators taken as one word end where, and fail as, the general scan does.
        #[test]
        fn the_separator_shortcuts_give_what_the_general_scan_gives(text in r#"(: |, )?[ \t\r\n:,}"a]{0,5}"#) {
            let (mut fast, mut general) = (Scanner::new(&text), Scanner::new(&text));
            let got = fast.colon();
            prop_assert_eq!(got, general.colon_general());
            if got.is_ok() {
                prop_assert_eq!(fast.pos, general.pos);
            }
            let (mut fast, mut general) = (Scanner::new(&text), Scanner::new(&text));
            let got = fast.next_member();
            prop_assert_eq!(got, general.next_member_general());
            if got.is_ok() {
                prop_assert_eq!(fast.pos, general.pos);
            }
        }

        #[test]
        fn skip_reason_never_panics(text in any::<String>()) {
            let _ = skip_reason(&text);
            let _ = is_object(&text);
            let mut replaced = false;
            let _ = unescape(&text, true, &mut replaced);
            let _ = compact(&text, &mut replaced);
        }

        #[test]
        fn skip_reason_never_panics_on_jsonish_text(text in r#"[\[\]{}":,\\u0-9a-fnrtel.+\- \x01é]{0,40}"#) {
            let _ = skip_reason(&text);
            let mut replaced = false;
            let _ = unescape(&text, true, &mut replaced);
            let _ = compact(&text, &mut replaced);
        }

        /// The scanner accepts exactly what serde_json's validating `IgnoredAny` accepts (both take
        /// lone surrogate escapes and do not range-check numbers).
        #[test]
        fn validation_agrees_with_serde_json(text in r#"\{?([\[\]{}":, \t]|"[a-z\\u0-9é]{0,4}"|-?[0-9.eE+\-]{1,4}|true|nul|null|false|\\u[0-9a-fd]{0,4}){0,12}"#) {
            let serde = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
            let mut scanner = Scanner::new(&text);
            scanner.ws();
            let ours = scanner.value(0, MAX_DEPTH).is_ok() && {
                scanner.ws();
                scanner.at_end()
            };
            prop_assert_eq!(ours, serde, "{}", text);
            prop_assert_eq!(is_object(&text), serde && text.trim_start().starts_with('{'));
        }

        #[test]
        fn strings_round_trip_through_write_string(s in any::<String>()) {
            let mut out = String::new();
            write_string(&mut out, &s);
            let mut scanner = Scanner::new(&out);
            let value = scanner.value(0, MAX_DEPTH).expect("valid");
            prop_assert!(scanner.at_end());
            let mut replaced = false;
            prop_assert_eq!(value.text(&mut replaced).map(Cow::into_owned), Some(s));
            prop_assert!(!replaced);
        }
    }
}

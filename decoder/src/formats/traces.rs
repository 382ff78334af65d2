//! Stack traces of Python, Java and Go: which lines continue a record, and the exception they name.
//!
//! Text formats merge a trace into the record it follows; [`exception_fields`] then gives the record
//! two fields, `exception` (the type) and `exception_message` (the text after it):
//!
//! - Python: `Traceback (most recent call last):` ... `ValueError: bad` -- the last exception line
//!   (the one raised);
//! - Java: `java.lang.IllegalStateException: boom` followed by `at com.example.App.run(App.java:10)`
//!   frames (and `Caused by:` chains) -- the first exception line (the one thrown);
//! - Go: `panic: runtime error: ...` followed by `goroutine 1 [running]:` -- `panic` and its text.
//!
//! Ported from `logframe/formats/traces.py` (the Polars-expression parser it replaced, removed on 2026-12-02). The patterns are those of the Python module (the regex crate
//! is the engine Polars used, so they match alike); hand-written checks rule most records out first.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use crate::record::Field;
use class::{is_space, is_word};

/// The Python pattern `CONTINUATION`: a line that continues the record before it (a frame, a cause,
/// or a trace header).
pub const CONTINUATION: &str = concat!(
    r"^\s*(?:",
    r#"Traceback \(most recent call last\):|File "|"#,
    r"at [\w$.<>/]+\(|\.\.\. \d+ (?:more|common frames omitted)|Caused by: |Suppressed: |",
    r#"(?:Exception in thread "[^"]*" )?[A-Za-z_$][\w$]*(?:\.[\w$]+)+(?:Error|Exception|Throwable)\w*(?::|$)|"#,
    r"goroutine \d+ \[|/\S+\.go:\d+|created by |[\w.\-/]+(?:\.\(\*?\w+\))?\.\w+\(.*\)$",
    r")"
);

/// The Python pattern `EXCEPTION_LINE`: a line naming an exception (`ValueError: bad`,
/// `java.io.IOException: disk`, `Caused by: ...`).
pub const EXCEPTION_LINE: &str = concat!(
    r#"(?m)^\s*(?:Exception in thread "[^"]*" |Caused by: )?"#,
    r"(?<type>[A-Za-z_$][\w$.]*(?:Error|Exception|Warning|Exit|Interrupt|Fault|Throwable)\w*)",
    r"(?::\s?(?<text>.*))?$"
);

const PYTHON: &str = "Traceback (most recent call last):";

static CONTINUATION_RE: LazyLock<Regex> = LazyLock::new(|| compile(CONTINUATION));
static EXCEPTION_LINE_RE: LazyLock<Regex> = LazyLock::new(|| compile(EXCEPTION_LINE));
static PYTHON_FINDER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(PYTHON));

/// Compile one of this crate's fixed patterns (a test checks each of them compiles; no input reaches here).
pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the crate's patterns are valid")
}

/// Whether the pattern [`CONTINUATION`] matches `line` (the Python `str.contains(CONTINUATION)`).
///
/// Most lines are ruled out by their first character and their end, without the regex.
pub fn is_continuation(line: &str) -> bool {
    let t = line.trim_start_matches(is_space);
    let Some(first) = t.chars().next() else {
        return false;
    };
    // The frames and headers most traces are made of match one alternative outright.
    const LITERALS: [&str; 5] = [
        "Traceback (most recent call last):",
        "File \"",
        "Caused by: ",
        "Suppressed: ",
        "created by ",
    ];
    if java_frame(t) || goroutine(t) || LITERALS.iter().any(|l| t.starts_with(l)) {
        return true;
    }
    // Every alternative of the pattern needs one of these (a superset, checked cheaply).
    let candidate = t.ends_with(')') // a Go frame `pkg.fn(...)`
        || first == '/' // `/app/main.go:12`
        || (first == '.' && t.starts_with("... "))
        || ((first.is_ascii_alphabetic() || first == '_' || first == '$')
            && (starts_like_frame(t) || names_exception(t)));
    candidate && CONTINUATION_RE.is_match(line)
}

fn starts_like_frame(t: &str) -> bool {
    const HEADS: [&str; 7] = [
        "Traceback (",
        "File \"",
        "at ",
        "Caused by: ",
        "Suppressed: ",
        "goroutine ",
        "created by ",
    ];
    HEADS.iter().any(|head| t.starts_with(head))
}

/// Whether `t` holds `Error`, `Exception` or `Throwable` (a Java exception line needs one).
fn names_exception(t: &str) -> bool {
    let bytes = t.as_bytes();
    memchr::memchr2_iter(b'E', b'T', bytes).any(|i| {
        let tail = bytes.get(i..).unwrap_or_default();
        tail.starts_with(b"Error")
            || tail.starts_with(b"Exception")
            || tail.starts_with(b"Throwable")
    })
}

/// `(exception type, its message)` of a record whose text holds a trace, else `None`.
///
/// The message is `None` for an exception line without a `:` (`KeyboardInterrupt`). Spec:
/// `traces.py::exception_fields`, which tries Python (a `Traceback (most recent call last):` line:
/// the last exception line), then Java (an `at pkg.Class.method(` frame: the first exception line),
/// then Go (a `goroutine N [` header and a `panic: ` line: `panic` and its text).
///
/// ```
/// use _native::formats::traces::exception_fields;
/// let java = "Job failed\njava.lang.IllegalStateException: no lease\nat com.acme.Job.run(Job.java:42)";
/// assert_eq!(
///     exception_fields(java),
///     Some(("java.lang.IllegalStateException".to_string(), Some("no lease".to_string())))
/// );
/// assert_eq!(exception_fields("fine"), None);
/// ```
pub fn exception_fields(text: &str) -> Option<(String, Option<String>)> {
    exception(text).map(|(kind, message)| (kind.to_string(), message.map(str::to_string)))
}

/// [`exception_fields`] borrowing from `text`.
pub fn exception(text: &str) -> Option<(&str, Option<&str>)> {
    // As the Python: the exception lines are found (`extract_all`), then the one that names the
    // exception is matched again for its parts (`extract_groups`).
    if PYTHON_FINDER.find(text.as_bytes()).is_some() {
        // The last exception line names the exception raised.
        let line = EXCEPTION_LINE_RE.find_iter(text).last()?;
        return named(text, line.start(), line.as_str());
    }
    let (mut java, mut go) = (false, false);
    for line in text.split('\n') {
        let line = line.trim_start_matches(is_space);
        java = java || java_frame(line);
        go = go || goroutine(line);
    }
    if java {
        // The first exception line names the exception thrown.
        let line = EXCEPTION_LINE_RE.find(text)?;
        return named(text, line.start(), line.as_str());
    }
    if go {
        let panic = text
            .split('\n')
            .find_map(|line| line.trim_start_matches(is_space).strip_prefix("panic: "))?;
        return Some(("panic", Some(panic)));
    }
    None
}

/// The record fields [`exception`] gives: `exception` and `exception_message`, or none.
pub(crate) fn exception_attrs(text: &str) -> Vec<Field<'_>> {
    match exception(text) {
        Some((kind, message)) => vec![
            (Cow::Borrowed("exception"), Some(Cow::Borrowed(kind))),
            (
                Cow::Borrowed("exception_message"),
                message.map(Cow::Borrowed),
            ),
        ],
        None => Vec::new(),
    }
}

/// The type and message of an exception line found at `start` of `text`.
fn named<'a>(text: &'a str, start: usize, line: &str) -> Option<(&'a str, Option<&'a str>)> {
    let caps = EXCEPTION_LINE_RE.captures(line)?;
    let part = |m: regex::Match<'_>| text.get(start + m.start()..start + m.end());
    Some((part(caps.name("type")?)?, caps.name("text").and_then(part)))
}

/// A line (white space trimmed) of `(?m)^\s*at [\w$.<>/]+\(` (a Java frame).
fn java_frame(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("at ") else {
        return false;
    };
    let name =
        rest.trim_start_matches(|c: char| is_word(c) || matches!(c, '$' | '.' | '<' | '>' | '/'));
    name.len() < rest.len() && name.starts_with('(')
}

/// A line (white space trimmed) of `(?m)^\s*goroutine \d+ \[` (a Go goroutine header).
fn goroutine(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("goroutine ") else {
        return false;
    };
    let after = rest.trim_start_matches(class::is_digit);
    after.len() < rest.len() && after.starts_with(" [")
}

/// The character classes of the regex crate's Unicode `\d`, `\w` and `\s`, which the patterns of the
/// Python modules use: an ASCII fast path, the regex crate's own tables for the rest.
pub(crate) mod class {
    use std::sync::LazyLock;

    use regex::Regex;

    static DIGIT: LazyLock<Regex> = LazyLock::new(|| super::compile(r"^\d$"));
    static WORD: LazyLock<Regex> = LazyLock::new(|| super::compile(r"^\w$"));

    /// `\d`: a decimal digit of any script (`\p{Nd}`).
    #[inline]
    pub(crate) fn is_digit(c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_digit()
        } else {
            DIGIT.is_match(c.encode_utf8(&mut [0; 4]))
        }
    }

    /// `\w`: a letter, mark, decimal digit or connector of any script.
    #[inline]
    pub(crate) fn is_word(c: char) -> bool {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            WORD.is_match(c.encode_utf8(&mut [0; 4]))
        }
    }

    /// `\s`: Unicode white space.
    #[inline]
    pub(crate) fn is_space(c: char) -> bool {
        c.is_whitespace()
    }
}

/// A cursor over a string for the hand-written pattern checks; it stays on char boundaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scan<'a> {
    pub(crate) s: &'a str,
    pub(crate) i: usize,
}

impl<'a> Scan<'a> {
    /// A cursor at the start of `s`.
    pub(crate) fn new(s: &'a str) -> Self {
        Scan { s, i: 0 }
    }

    /// The text from the cursor on.
    #[inline]
    pub(crate) fn rest(&self) -> &'a str {
        self.s.get(self.i..).unwrap_or_default()
    }

    /// The text between `start` and the cursor.
    #[inline]
    pub(crate) fn since(&self, start: usize) -> &'a str {
        self.s.get(start..self.i).unwrap_or_default()
    }

    /// The next character, not consumed.
    #[inline]
    pub(crate) fn peek(&self) -> Option<char> {
        match self.s.as_bytes().get(self.i) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.rest().chars().next(),
            None => None,
        }
    }

    /// Consume the next character if `f` holds for it.
    #[inline]
    pub(crate) fn eat_if(&mut self, f: impl Fn(char) -> bool) -> bool {
        match self.peek() {
            Some(c) if f(c) => {
                self.i += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    /// Consume `c` if it is next.
    #[inline]
    pub(crate) fn eat(&mut self, c: char) -> bool {
        if c.is_ascii() {
            // An ASCII byte is a whole character: no decoding needed.
            if self.s.as_bytes().get(self.i) == Some(&(c as u8)) {
                self.i += 1;
                return true;
            }
            return false;
        }
        self.eat_if(|x| x == c)
    }

    /// Consume `lit` if it is next.
    #[inline]
    pub(crate) fn eat_str(&mut self, lit: &str) -> bool {
        if self.rest().starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    /// Consume exactly `n` digits (`\d{n}`), or nothing if fewer follow.
    #[inline]
    pub(crate) fn digits(&mut self, n: usize) -> bool {
        let start = self.i;
        if let Some(bytes) = self.s.as_bytes().get(start..start + n) {
            if bytes.iter().all(u8::is_ascii_digit) {
                self.i += n;
                return true;
            }
            if bytes.is_ascii() {
                return false;
            }
        }
        for _ in 0..n {
            if !self.eat_if(class::is_digit) {
                self.i = start;
                return false;
            }
        }
        true
    }

    /// Consume as many characters as `f` holds for; how many.
    #[inline]
    pub(crate) fn eat_while(&mut self, f: impl Fn(char) -> bool) -> usize {
        let mut n = 0;
        loop {
            match self.s.as_bytes().get(self.i) {
                Some(&b) if b.is_ascii() => {
                    if !f(char::from(b)) {
                        break;
                    }
                    self.i += 1;
                }
                Some(_) => {
                    if !self.eat_if(&f) {
                        break;
                    }
                }
                None => break,
            }
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(text: &str) -> Option<(&str, Option<&str>)> {
        exception(text)
    }

    #[test]
    fn the_patterns_compile() {
        for p in [CONTINUATION, EXCEPTION_LINE] {
            assert!(Regex::new(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn python_names_the_last_exception() {
        let tb = "ERROR:app:failed\nTraceback (most recent call last):\n  File \"a.py\", line 1, in f\n\
                  KeyError: 'x'\n\nDuring handling of the above exception, another exception occurred:\n\
                  Traceback (most recent call last):\nValueError: bad value";
        assert_eq!(fields(tb), Some(("ValueError", Some("bad value"))));
        let bare = "Traceback (most recent call last):\n  File \"a.py\"\nKeyboardInterrupt";
        assert_eq!(fields(bare), Some(("KeyboardInterrupt", None)));
        // A traceback without an exception line names none (and is not tried as Java).
        let cut = "Traceback (most recent call last):\n  File \"a.py\"\nat a.B.c(B.java:1)";
        assert_eq!(fields(cut), None);
        assert_eq!(
            fields("Traceback (most recent call last):\nSystemExit:"),
            Some(("SystemExit", Some("")))
        );
    }

    #[test]
    fn java_names_the_first_exception() {
        let t = "Job failed\njava.lang.IllegalStateException: no lease\n\tat com.acme.Job.run(Job.java:42)\n\
                 Caused by: java.io.IOException: disk\n\t... 2 more";
        assert_eq!(
            fields(t),
            Some(("java.lang.IllegalStateException", Some("no lease")))
        );
        let thread = "Exception in thread \"main\" java.lang.NullPointerException\n    at a.Main.main(Main.java:3)";
        assert_eq!(
            fields(thread),
            Some(("java.lang.NullPointerException", None))
        );
        assert_eq!(fields("x\nat a.b.c(X.java:1)"), None); // a frame but no exception line
        assert_eq!(fields("at a.b.c (X.java:1)\nFooError: x"), None); // `at` frame needs `name(`
    }

    #[test]
    fn the_exception_message_may_run_into_the_next_line() {
        // `:\s?` takes the newline after a bare `Error:`; the message is the next line (as in Polars).
        let t = "IOError:\nat a.B.c(B.java:1)";
        assert_eq!(fields(t), Some(("IOError", Some("at a.B.c(B.java:1)"))));
    }

    #[test]
    fn go_names_the_panic() {
        let t = "panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()";
        assert_eq!(
            fields(t),
            Some((
                "panic",
                Some("runtime error: index out of range [5] with length 3")
            ))
        );
        assert_eq!(fields("goroutine 1 [running]:\nmain.main()"), None); // no panic line
        assert_eq!(fields("panic: x\ngoroutine x [running]:"), None); // no goroutine number
        assert_eq!(
            fields("\u{3000}panic: a\r\n goroutine 12 [chan receive]:"),
            Some(("panic", Some("a\r")))
        );
    }

    #[test]
    fn owned_fields() {
        assert_eq!(
            exception_fields("Traceback (most recent call last):\nValueError: v"),
            Some(("ValueError".to_string(), Some("v".to_string())))
        );
    }

    #[test]
    fn continuation_lines() {
        for line in [
            "at com.acme.Job.run(Job.java:42)",
            "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
            "Caused by: java.io.IOException",
            "... 2 more",
            "... 12 common frames omitted",
            "Suppressed: x",
            "java.lang.IllegalStateException: no lease",
            "Exception in thread \"main\" java.lang.RuntimeException",
            "Traceback (most recent call last):",
            "File \"a.py\", line 1",
            "goroutine 1 [running]:",
            "/app/main.go:12 +0x1d",
            "created by main.start",
            "main.main()",
            "github.com/acme/x.(*Server).Serve(0xc000, 0x1)",
            "\u{a0}main.lookup(...)",
        ] {
            assert!(is_continuation(line), "{line}");
        }
        for line in [
            "all good",
            "ValueError: x",
            "2025-10-07 INFO x",
            "at ",
            "main.main",
            "a.b()c",
            "",
        ] {
            assert!(!is_continuation(line), "{line}");
        }
    }

    #[test]
    fn classes_agree_with_the_regex_crate() {
        let (digit, word, space) = (compile(r"^\d$"), compile(r"^\w$"), compile(r"^\s$"));
        for c in (0..=0x10FFFFu32)
            .step_by(7)
            .filter_map(char::from_u32)
            .chain(['٣', 'ǅ', '\u{200c}', '\u{3000}'])
        {
            let s = c.to_string();
            assert_eq!(class::is_digit(c), digit.is_match(&s), "{c:?}");
            assert_eq!(class::is_word(c), word.is_match(&s), "{c:?}");
            assert_eq!(class::is_space(c), space.is_match(&s), "{c:?}");
        }
    }

    fn trace_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Traceback (most recent call last):".to_string()),
            Just("  File \"a.py\", line 3, in f".to_string()),
            Just("\tat a.B.c(B.java:1)".to_string()),
            Just("goroutine 7 [running]:".to_string()),
            Just("Caused by: x.YError: z".to_string()),
            "[a-zA-Z.$_]{1,12}(Error|Exception|Exit|Warning)[a-z]{0,3}(: ?[ -~]{0,10})?",
            "panic: [ -~]{0,12}",
            "[ -~\u{a0}\u{3000}é]{0,20}",
        ]
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = exception_fields(&text);
            let _ = is_continuation(&text);
        }

        #[test]
        fn continuation_agrees_with_the_pattern(line in trace_line()) {
            prop_assert_eq!(is_continuation(&line), CONTINUATION_RE.is_match(&line));
        }

        #[test]
        fn frame_checks_agree_with_the_patterns(lines in proptest::collection::vec(trace_line(), 0..6)) {
            let text = lines.join("\n");
            let java = compile(r"(?m)^\s*at [\w$.<>/]+\(");
            let go = compile(r"(?m)^\s*goroutine \d+ \[");
            let panic = compile(r"(?m)^\s*panic: (.*)$");
            prop_assert_eq!(text.split('\n').any(|l| java_frame(l.trim_start_matches(is_space))), java.is_match(&text));
            prop_assert_eq!(text.split('\n').any(|l| goroutine(l.trim_start_matches(is_space))), go.is_match(&text));
            let mine = text.split('\n').find_map(|l| l.trim_start_matches(is_space).strip_prefix("panic: "));
            let theirs = panic.captures(&text).and_then(|c| c.get(1)).map(|m| m.as_str());
            prop_assert_eq!(mine, theirs);
        }
    }
}

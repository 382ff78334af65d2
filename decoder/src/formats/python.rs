//! Text from Python's `logging`, with multi-line tracebacks merged into the record they follow.
//!
//! A record starts at a line in one of the usual shapes ([`starts_record`]); every other line
//! (`Traceback (most recent call last):`, `  File …`, the exception line) continues the record before
//! it:
//!
//! | shape                                               | example                                                       |
//! |-----------------------------------------------------|---------------------------------------------------------------|
//! | `%(levelname)s:%(name)s:%(message)s` (default)      | `ERROR:app.db:Connection failed`                              |
//! | `%(asctime)s %(levelname)s %(name)s %(message)s`    | `2025-10-07 16:19:05,771 ERROR app.db Connection failed`      |
//! | `%(asctime)s - %(name)s - %(levelname)s - …`        | `2025-10-07 16:19:05,771 - app.db - ERROR - Connection failed`|
//!
//! A record with a traceback keeps it whole in its message and gets two fields: `exception` (the
//! type) and `exception_message`; Java and Go traces likewise (see [`super::traces`]).
//!
//! Ported from `logframe/formats/python.py` (the Polars-expression parser it replaced, removed on 2026-12-02), its patterns `_START` and `_TIMED` (and `RECORD`, `DEFAULT`
//! for detection), checked here by hand; the tests compare with the patterns.

use std::borrow::Cow;

use super::traces::class::{is_space, is_word};
use super::traces::{exception_attrs, Scan};
use crate::record::{Decoded, Raw};
use crate::vocabulary::{level_of, SPELLINGS};

/// The Python pattern `_TIME`.
pub const TIME: &str = r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?";

/// `_TIME`: each optional part can match one way only (a shorter match is never followed by the
/// white space every pattern needs next), so it is taken where it matches.
fn time(c: &mut Scan<'_>) -> bool {
    let start = c.i;
    let ok = c.digits(4)
        && c.eat('-')
        && c.digits(2)
        && c.eat('-')
        && c.digits(2)
        && (c.eat(' ') || c.eat('T'))
        && c.digits(2)
        && c.eat(':')
        && c.digits(2)
        && c.eat(':')
        && c.digits(2);
    if !ok {
        c.i = start;
        return false;
    }
    let fraction = c.i;
    if !((c.eat('.') || c.eat(',')) && c.eat_while(super::traces::class::is_digit) > 0) {
        c.i = fraction;
    }
    if !c.eat('Z') {
        let zone = c.i;
        let ok = (c.eat('+') || c.eat('-')) && c.digits(2) && {
            c.eat(':');
            c.digits(2)
        };
        if !ok {
            c.i = zone;
        }
    }
    true
}

/// A level word in any case then `:` at the start of `line`: `(?i:WORDS):` (the level words have no
/// letters that fold to non-ASCII ones, so ASCII case folding is the regex's).
fn level_colon(line: &str) -> Option<&str> {
    let head = line.as_bytes().get(..10).unwrap_or(line.as_bytes());
    let colon = memchr::memchr(b':', head)?;
    let word = line.get(..colon)?;
    level_of(word)?;
    line.get(colon + 1..)
}

/// Whether a (stripped, non-blank) line starts a record: a time then white space, or a level word
/// (any case) then `:` (the Python `_START`, `^(?:TIME\s|(?i:WORDS):)`).
///
/// ```
/// use _native::formats::python::starts_record;
/// assert!(starts_record("2025-10-07 16:19:05,771 ERROR app.db Query failed"));
/// assert!(starts_record("error:app:x"));
/// assert!(!starts_record("Traceback (most recent call last):"));
/// ```
pub fn starts_record(line: &str) -> bool {
    match line.as_bytes().first() {
        // A time starts with a digit, of any script.
        Some(b) if b.is_ascii_digit() || !b.is_ascii() => {
            let mut c = Scan::new(line);
            time(&mut c) && c.eat_if(is_space)
        }
        Some(b) if b.is_ascii_alphabetic() => level_colon(line).is_some(),
        _ => false,
    }
}

/// The parts of a `_TIMED` head: `(time, level, name, message)`.
type Timed<'a> = (&'a str, &'a str, &'a str, &'a str);

/// Match the Python `_TIMED`: `^TIME\s+(?:-\s+)?(?:LEVEL_NAME|NAME_LEVEL)(?s)(?<message>.*)$`, with
/// `LEVEL_NAME` = `LEVEL\s+(?:-\s+)?NAME\s+(?:-\s+)?` and `NAME_LEVEL` = `NAME\s+-\s+LEVEL\s+-\s+`
/// (`LEVEL` an upper-case level word, `NAME` = `[\w.\-]+`), trying the alternatives in the regex's
/// order.
pub fn timed(text: &str) -> Option<Timed<'_>> {
    let mut c = Scan::new(text);
    if !time(&mut c) {
        return None;
    }
    let stamp = c.since(0);
    if c.eat_while(is_space) == 0 {
        return None;
    }
    // `(?:-\s+)?`: taken first; not taken, only `NAME_LEVEL` can match (a level is no `-`).
    let mut dashed = c;
    if dash(&mut dashed) {
        if let Some((level, name, message)) = level_name(dashed).or_else(|| name_level(dashed)) {
            return Some((stamp, level, name, message));
        }
    }
    let (level, name, message) = level_name(c).or_else(|| name_level(c))?;
    Some((stamp, level, name, message))
}

/// `-\s+` (greedy).
fn dash(c: &mut Scan<'_>) -> bool {
    let start = c.i;
    if c.eat('-') && c.eat_while(is_space) > 0 {
        true
    } else {
        c.i = start;
        false
    }
}

/// An upper-case level word (the Python `_WORDS`) followed by white space.
fn level(c: &mut Scan<'_>) -> Option<&'static str> {
    // A word must be the whole run of upper-case letters, as white space follows it.
    let rest = c.rest();
    let len = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    let word = rest.get(..len)?;
    let (spelling, _) = SPELLINGS.iter().find(|(w, _)| *w == word)?;
    if !rest
        .get(len..)
        .and_then(|r| r.chars().next())
        .is_some_and(is_space)
    {
        return None;
    }
    c.i += len;
    Some(spelling)
}

/// `[\w.\-]+` followed by white space.
fn name<'a>(c: &mut Scan<'a>) -> Option<&'a str> {
    let start = c.i;
    if c.eat_while(|ch| is_word(ch) || ch == '.' || ch == '-') == 0
        || !c.peek().is_some_and(is_space)
    {
        c.i = start;
        return None;
    }
    Some(c.since(start))
}

/// `LEVEL\s+(?:-\s+)?NAME\s+(?:-\s+)?`, then the message.
fn level_name(mut c: Scan<'_>) -> Option<(&str, &str, &str)> {
    let level = level(&mut c)?;
    c.eat_while(is_space);
    let mut dashed = c;
    let mut named = if dash(&mut dashed) {
        name(&mut dashed).map(|n| (n, dashed))
    } else {
        None
    };
    if named.is_none() {
        named = name(&mut c).map(|n| (n, c));
    }
    let (name, mut c) = named?;
    c.eat_while(is_space);
    dash(&mut c);
    Some((level, name, c.rest()))
}

/// `NAME\s+-\s+LEVEL\s+-\s+`, then the message.
fn name_level(mut c: Scan<'_>) -> Option<(&str, &str, &str)> {
    let name = name(&mut c)?;
    c.eat_while(is_space);
    if !dash(&mut c) {
        return None;
    }
    let level = level(&mut c)?;
    c.eat_while(is_space);
    if !dash(&mut c) {
        return None;
    }
    Some((level, name, c.rest()))
}

/// Whether `line` is in one of the record shapes (the Python `RECORD`, for detection): a `_TIMED`
/// head or `LEVEL:` in any case.
pub fn is_record(line: &str) -> bool {
    timed(line).is_some() || level_colon(line).is_some()
}

/// Whether `line` is in Python logging's default `LEVEL:name:message` shape (the Python `DEFAULT`,
/// `^(?i:WORDS):[^:\s]*:`, for detection).
pub fn is_default(line: &str) -> bool {
    level_colon(line)
        .is_some_and(|rest| rest.chars().find(|&c| c == ':' || is_space(c)) == Some(':'))
}

/// Decode one record (its lines joined by `\n`): the time of a `_TIMED` head (as written) and the
/// log rewritten as `LEVEL:name:message` for the message parser; otherwise the text as it is. The
/// exception fields of a traceback (or a Java or Go trace) are its attrs. Never skips a record.
///
/// ```
/// use _native::formats::python::decode;
/// let raw = decode("2025-10-07 16:19:07,500 - app.jobs - WARNING - queue backlog").unwrap();
/// assert_eq!(raw.time.as_deref(), Some("2025-10-07 16:19:07,500"));
/// assert_eq!(raw.log.as_deref(), Some("WARNING:app.jobs:queue backlog"));
/// ```
pub fn decode(text: &str) -> Decoded<'_> {
    let (time, log) = match timed(text) {
        Some((time, level, name, message)) => {
            let mut log = String::with_capacity(level.len() + name.len() + message.len() + 2);
            log.push_str(level);
            log.push(':');
            log.push_str(name);
            log.push(':');
            log.push_str(message);
            (Some(Cow::Borrowed(time)), Cow::Owned(log))
        }
        None => (None, Cow::Borrowed(text)),
    };
    Ok(Raw {
        time,
        log: Some(log),
        attrs: exception_attrs(text),
        ..Raw::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::traces::compile;
    use proptest::prelude::*;
    use regex::Regex;

    fn words() -> String {
        let mut words: Vec<&str> = SPELLINGS.iter().map(|(w, _)| *w).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.join("|")
    }

    fn start_re() -> Regex {
        compile(&format!(r"^(?:{TIME}\s|(?i:{}):)", words()))
    }

    fn timed_re() -> Regex {
        let w = words();
        let level_name = format!(r"(?<level1>{w})\s+(?:-\s+)?(?<name1>[\w.\-]+)\s+(?:-\s+)?");
        let name_level = format!(r"(?<name2>[\w.\-]+)\s+-\s+(?<level2>{w})\s+-\s+");
        compile(&format!(
            r"^(?<time>{TIME})\s+(?:-\s+)?(?:{level_name}|{name_level})(?s)(?<message>.*)$"
        ))
    }

    fn record_re() -> Regex {
        let w = words();
        let level_name = format!(r"(?<level1>{w})\s+(?:-\s+)?(?<name1>[\w.\-]+)\s+(?:-\s+)?");
        let name_level = format!(r"(?<name2>[\w.\-]+)\s+-\s+(?<level2>{w})\s+-\s+");
        compile(&format!(
            r"^(?:{TIME}\s+(?:-\s+)?(?:{level_name}|{name_level})|(?i:{w}):)"
        ))
    }

    fn timed_by_regex(text: &str) -> Option<(String, String, String, String)> {
        let re = timed_re();
        let caps = re.captures(text)?;
        let get = |a: &str, b: &str| {
            caps.name(a)
                .or(caps.name(b))
                .map_or(String::new(), |m| m.as_str().to_string())
        };
        Some((
            get("time", "time"),
            get("level1", "level2"),
            get("name1", "name2"),
            get("message", "message"),
        ))
    }

    fn timed_by_hand(text: &str) -> Option<(String, String, String, String)> {
        timed(text).map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    }

    #[test]
    fn record_starts() {
        for line in [
            "2025-10-07 16:19:05,771 INFO app.main Started",
            "2025-10-07T16:19:05.5Z\tx",
            "2025-10-07 16:19:05+01:00 x",
            "2025-10-07 16:19:05-0100\u{3000}x",
            "ERROR:app.auth:token expired",
            "warn:x",
            "Exception:",
            "٢٠٢٥-١٠-٠٧ 16:19:05 x",
        ] {
            assert!(starts_record(line), "{line:?}");
        }
        for line in [
            "Traceback (most recent call last):",
            "  File \"a.py\"",
            "psycopg2.OperationalError: connection refused",
            "2025-10-07 16:19 x",
            "2025-10-07 16:19:05",
            "2025-10-07 16:19:05.x",
            "2025-10-07 16:19:05+01:0 x",
            "INFOS:x",
            "ınfo:x",
            "ERROR app",
            "",
        ] {
            assert!(!starts_record(line), "{line:?}");
        }
    }

    #[test]
    fn timed_heads() {
        let d = |t: &str| {
            let raw = decode(t).unwrap();
            (
                raw.time.map(Cow::into_owned),
                raw.log.unwrap_or_default().into_owned(),
            )
        };
        assert_eq!(
            d("2025-10-07 16:19:05,771 ERROR app.db Query failed"),
            (
                Some("2025-10-07 16:19:05,771".into()),
                "ERROR:app.db:Query failed".into()
            )
        );
        assert_eq!(
            d("2025-10-07 16:19:05,771 - app.db - ERROR - Connection failed"),
            (
                Some("2025-10-07 16:19:05,771".into()),
                "ERROR:app.db:Connection failed".into()
            )
        );
        assert_eq!(
            d("2025-10-07 16:19:05 INFO - app - x"),
            (Some("2025-10-07 16:19:05".into()), "INFO:app:x".into())
        );
        // The regex's backtracking: `-` itself is a name.
        assert_eq!(
            d("2025-10-07 16:19:05 ERROR - :x"),
            (Some("2025-10-07 16:19:05".into()), "ERROR:-::x".into())
        );
        assert_eq!(
            d("2025-10-07 16:19:05 - - ERROR - m"),
            (Some("2025-10-07 16:19:05".into()), "ERROR:-:m".into())
        );
        // Not a head: the text as is.
        for t in [
            "ERROR:app:x",
            "2025-10-07 16:19:05 error app x",
            "2025-10-07 16:19:05 ERROR app",
            "x",
        ] {
            assert_eq!(d(t), (None, t.to_string()), "{t:?}");
        }
        let tb = "2025-10-07 16:19:06,002 ERROR app.db Query failed\nTraceback (most recent call last):\n\
                  \x20 File \"/app/db.py\", line 42, in run\npsycopg2.OperationalError: connection refused";
        let raw = decode(tb).unwrap();
        assert!(raw
            .log
            .as_deref()
            .unwrap()
            .starts_with("ERROR:app.db:Query failed\nTraceback"));
        assert_eq!(raw.attrs[0].1.as_deref(), Some("psycopg2.OperationalError"));
        assert_eq!(raw.attrs[1].1.as_deref(), Some("connection refused"));
    }

    #[test]
    fn detection_shapes() {
        assert!(is_default("ERROR:app.db:x"));
        assert!(is_default("info::x"));
        assert!(!is_default("ERROR:app db:x"));
        assert!(!is_default("ERROR:app"));
        assert!(is_record("2025-10-07 16:19:05 INFO app x"));
        assert!(is_record("Fatal:"));
        assert!(!is_record("2025-10-07 16:19:05 hello there"));
    }

    fn head() -> impl Strategy<Value = String> {
        let time = "(2025-10-07[ T]16:19:05([.,][0-9]{0,3})?(Z|[+-][0-9]{2}:?[0-9]{0,2})?|٢٠٢٥-10-07 16:19:0)?";
        let word = prop_oneof![
            Just("ERROR".to_string()),
            Just("WARN".to_string()),
            Just("WARNING".to_string()),
            Just("info".to_string()),
            Just("-".to_string()),
            Just("app.db".to_string()),
            Just("é-x".to_string()),
            Just(":".to_string()),
            "[a-zA-Z:.-]{0,4}",
        ];
        let sep = prop_oneof![
            Just(" ".to_string()),
            Just(" - ".to_string()),
            Just("\t\n".to_string()),
            Just("".to_string()),
            Just(":".to_string()),
            Just("\u{3000}".to_string())
        ];
        (
            time,
            proptest::collection::vec((sep, word), 0..5),
            "[ -~\n]{0,4}",
        )
            .prop_map(|(t, parts, tail)| {
                let mut s = t;
                for (sep, word) in parts {
                    s.push_str(&sep);
                    s.push_str(&word);
                }
                s + &tail
            })
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = decode(&text);
            let _ = starts_record(&text);
            let _ = is_record(&text);
            let _ = is_default(&text);
        }

        #[test]
        fn heads_agree_with_the_patterns(text in head()) {
            prop_assert_eq!(timed_by_hand(&text), timed_by_regex(&text));
            prop_assert_eq!(starts_record(&text), start_re().is_match(&text));
            prop_assert_eq!(is_record(&text), record_re().is_match(&text));
            let default = compile(&format!(r"^(?i:{}):[^:\s]*:", words()));
            prop_assert_eq!(is_default(&text), default.is_match(&text));
        }

        #[test]
        fn level_words_agree_with_the_pattern(text in "[a-zA-Zıİſ\u{212a}]{1,9}:") {
            prop_assert_eq!(starts_record(&text), start_re().is_match(&text));
        }

        #[test]
        fn valid_records_decode_to_their_parts(
            time in "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2},[0-9]{3}",
            level in prop::sample::select(SPELLINGS.iter().map(|(w, _)| *w).collect::<Vec<_>>()),
            name in "[a-z][a-z0-9_.]{0,12}",
            message in "[!-,.-~é][^\n]{0,30}",
            dashed: bool,
        ) {
            let text = if dashed { format!("{time} - {name} - {level} - {message}") } else { format!("{time} {level} {name} {message}") };
            prop_assert!(starts_record(&text));
            let raw = decode(&text).unwrap();
            prop_assert_eq!(raw.time.as_deref(), Some(time.as_str()));
            let log = format!("{level}:{name}:{message}");
            prop_assert_eq!(raw.log.as_deref(), Some(log.as_str()));
        }
    }
}

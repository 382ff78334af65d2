//! Any line-oriented log with a leading timestamp: `<time> <message>`.
//!
//! The time may be ISO 8601 (with a `T` or a space, fraction, zone), or syslog's `Oct  7 16:19:05`
//! (which has no year or zone: read as UTC in the year given, the year of the reading), optionally in
//! brackets. The rest of the record is the message. A record without a recognisable leading time is
//! kept whole with no time, never dropped -- unless it is part of a stack trace (see
//! [`super::traces`]): then [`continues`] holds and the pipeline merges it into the record before it,
//! which gets `exception` and `exception_message` fields.
//!
//! Ported from `logframe/formats/text.py` (the Polars-expression parser it replaced, removed on 2026-12-02), its pattern
//! `^(?:\[)?(?<iso>ISO)?(?<syslog>SYSLOG)?(?:\])?\s+(?s)(?<rest>.*)$`, checked here by hand (each of
//! its optional parts can only match one way, so no backtracking is needed; the tests compare with
//! the regex).

use std::borrow::Cow;

use super::traces::class::is_space;
use super::traces::{exception_attrs, is_continuation, Scan};
use crate::record::{Decoded, Raw};

/// The Python pattern `ISO`.
pub const ISO: &str =
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?";
/// The Python pattern `SYSLOG`.
pub const SYSLOG: &str =
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A match of the Python `SHAPE`: the leading time (ISO or syslog, either may be missing) and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape<'a> {
    /// The ISO time as written.
    pub iso: Option<&'a str>,
    /// The syslog time as written (`Oct  7 16:19:05`).
    pub syslog: Option<&'a str>,
    /// The text after the time and the white space following it.
    pub rest: &'a str,
}

/// Match `text` against the Python `SHAPE` (an optional `[`, ISO time, syslog time and `]`, then white
/// space); `None` where the pattern does not match.
pub fn shape(text: &str) -> Option<Shape<'_>> {
    let mut c = Scan::new(text);
    c.eat('[');
    let start = c.i;
    let iso = iso(&mut c).then(|| c.since(start));
    let start = c.i;
    let syslog = syslog(&mut c).then(|| c.since(start));
    c.eat(']');
    if c.eat_while(is_space) == 0 {
        return None;
    }
    Some(Shape {
        iso,
        syslog,
        rest: c.rest(),
    })
}

/// `ISO`, greedy: every optional part is taken where it matches (a shorter match could never be
/// followed by what `SHAPE` needs next: a syslog time, `]` or white space).
fn iso(c: &mut Scan<'_>) -> bool {
    let start = c.i;
    let head = c.digits(4)
        && c.eat('-')
        && c.digits(2)
        && c.eat('-')
        && c.digits(2)
        && (c.eat('T') || c.eat(' '))
        && c.digits(2)
        && c.eat(':')
        && c.digits(2);
    if !head {
        c.i = start;
        return false;
    }
    let seconds = c.i;
    if c.eat(':') && c.digits(2) {
        let fraction = c.i;
        if !((c.eat('.') || c.eat(',')) && c.eat_while(super::traces::class::is_digit) > 0) {
            c.i = fraction;
        }
    } else {
        c.i = seconds;
    }
    if !c.eat('Z') {
        let zone = c.i;
        if (c.eat('+') || c.eat('-')) && c.digits(2) {
            let minutes = c.i;
            c.eat(':');
            if !c.digits(2) {
                c.i = minutes;
            }
        } else {
            c.i = zone;
        }
    }
    true
}

/// `SYSLOG`: `Oct  7 16:19:05` (the day is a space or digit, then a digit).
fn syslog(c: &mut Scan<'_>) -> bool {
    let start = c.i;
    let ok = MONTHS.iter().any(|m| c.eat_str(m))
        && c.eat(' ')
        && (c.eat(' ') || c.digits(1))
        && c.digits(1)
        && c.eat(' ')
        && c.digits(2)
        && c.eat(':')
        && c.digits(2)
        && c.eat(':')
        && c.digits(2);
    if !ok {
        c.i = start;
    }
    ok
}

/// Whether a (stripped, non-blank) line continues the record before it: a stack-trace line
/// ([`super::traces::CONTINUATION`]) that does not start with a time (`SHAPE` does not match).
/// Leading white space makes `SHAPE` match (with no time), so lines must come stripped, as the
/// pipeline gives them.
///
/// ```
/// use _native::formats::text::continues;
/// assert!(continues("at com.acme.Job.run(Job.java:42)"));
/// assert!(!continues("\tat com.acme.Job.run(Job.java:42)")); // unstripped: white space then text, as `SHAPE`
/// assert!(!continues("2025-10-07 16:19:06 INFO next"));
/// ```
pub fn continues(line: &str) -> bool {
    is_continuation(line) && shape(line).is_none()
}

/// Decode one record (its lines joined by `\n`): the leading time (an ISO time as written; a syslog
/// time in `year`, as `YYYY-MM-DDTHH:MM:SSZ`, or none if it is no date), the message after it (the
/// whole text when there is no time), and the exception fields of a trace. Never skips a record.
///
/// ```
/// use _native::formats::text::decode;
/// let raw = decode("Oct  7 16:19:07 n1 sshd[42]: Accepted", 2025).unwrap();
/// assert_eq!(raw.time.as_deref(), Some("2025-10-07T16:19:07Z"));
/// assert_eq!(raw.log.as_deref(), Some("n1 sshd[42]: Accepted"));
/// ```
pub fn decode(text: &str, year: i32) -> Decoded<'_> {
    let (time, log) = match shape(text) {
        Some(Shape {
            iso: Some(iso),
            rest,
            ..
        }) => (Some(Cow::Borrowed(iso)), rest),
        Some(Shape {
            iso: None,
            syslog: Some(syslog),
            rest,
        }) => (syslog_time(syslog, year).map(Cow::Owned), rest),
        _ => (None, text),
    };
    Ok(Raw {
        time,
        log: Some(Cow::Borrowed(log)),
        attrs: exception_attrs(text),
        ..Raw::default()
    })
}

/// A syslog time (`Oct  7 16:19:05`, matched by `SYSLOG`) in `year` as `YYYY-MM-DDTHH:MM:SSZ`, or
/// `None` where it is no date (`Feb 30`, hour 24, digits of other scripts). A leap second (`:60`) is
/// the next second, as Polars read it.
pub fn syslog_time(syslog: &str, year: i32) -> Option<String> {
    let b = syslog.as_bytes();
    let month = MONTHS.iter().position(|m| b.starts_with(m.as_bytes()))? as u32 + 1;
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    // `Mon DD HH:MM:SS` with ASCII digits; a space before a one-digit day reads as `0`.
    if b.len() != 15 {
        return None;
    }
    let day = match b.get(4) {
        Some(b' ') => digits(5..6)?,
        _ => digits(4..6)?,
    };
    let (hour, minute, second) = (digits(7..9)?, digits(10..12)?, digits(13..15)?);
    if day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (mut year, mut month, mut day, mut hour, mut minute, mut second) =
        (year, month, day, hour, minute, second);
    if second == 60 {
        second = 0;
        minute += 1;
        if minute == 60 {
            minute = 0;
            hour += 1;
        }
        if hour == 24 {
            hour = 0;
            day += 1;
        }
        if day > days_in_month(year, month) {
            day = 1;
            month += 1;
        }
        if month == 13 {
            month = 1;
            year = year.checked_add(1)?;
        }
    }
    let mut out = String::with_capacity(20);
    if (0..=9999).contains(&year) {
        push_digits(&mut out, year as u32, 4);
    } else {
        out.push_str(&format!("{year:04}"));
    }
    for (sep, n) in [
        ('-', month),
        ('-', day),
        ('T', hour),
        (':', minute),
        (':', second),
    ] {
        out.push(sep);
        push_digits(&mut out, n, 2);
    }
    out.push('Z');
    Some(out)
}

/// Append `n` as `width` decimal digits (zero-padded; `n` has at most `width` digits).
fn push_digits(out: &mut String, n: u32, width: u32) {
    for p in (0..width).rev() {
        let digit = (n / 10u32.pow(p)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::traces::compile;
    use proptest::prelude::*;

    fn by_regex(text: &str) -> Option<(Option<String>, Option<String>, String)> {
        let re = compile(&format!(
            r"^(?:\[)?(?<iso>{ISO})?(?<syslog>{SYSLOG})?(?:\])?\s+(?s)(?<rest>.*)$"
        ));
        let caps = re.captures(text)?;
        let get = |name: &str| caps.name(name).map(|m| m.as_str().to_string());
        Some((get("iso"), get("syslog"), get("rest").unwrap_or_default()))
    }

    fn by_hand(text: &str) -> Option<(Option<String>, Option<String>, String)> {
        shape(text).map(|s| {
            (
                s.iso.map(str::to_string),
                s.syslog.map(str::to_string),
                s.rest.to_string(),
            )
        })
    }

    type Owned = (Option<String>, String, Vec<(String, Option<String>)>);

    fn parts(text: &str) -> Owned {
        let raw = decode(text, 2026).unwrap();
        let attrs = raw
            .attrs
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.map(Cow::into_owned)))
            .collect();
        (
            raw.time.map(Cow::into_owned),
            raw.log.unwrap_or_default().into_owned(),
            attrs,
        )
    }

    #[test]
    fn leading_times() {
        let t = |s: &str| parts(s).0;
        assert_eq!(
            t("2025-10-07T16:19:05.771Z WARN disk at 91%").as_deref(),
            Some("2025-10-07T16:19:05.771Z")
        );
        assert_eq!(
            t("[2025-10-07 16:19:06+02:00] ERROR backup").as_deref(),
            Some("2025-10-07 16:19:06+02:00")
        );
        assert_eq!(t("2025-10-07 16:19 x").as_deref(), Some("2025-10-07 16:19"));
        assert_eq!(
            t("2025-10-07T16:19:05+0100 x").as_deref(),
            Some("2025-10-07T16:19:05+0100")
        );
        assert_eq!(
            t("2025-10-07T16:19:05-01 x").as_deref(),
            Some("2025-10-07T16:19:05-01")
        );
        assert_eq!(
            t("2025-10-07T16:19:05,5] x").as_deref(),
            Some("2025-10-07T16:19:05,5")
        );
        assert_eq!(
            t("Oct  7 16:19:07 n1 sshd").as_deref(),
            Some("2026-10-07T16:19:07Z")
        );
        assert_eq!(
            t("[Oct 07 16:19:05] a").as_deref(),
            Some("2026-10-07T16:19:05Z")
        );
        // Both times (the ISO one wins), and times of no date.
        assert_eq!(
            t("2025-10-07T16:19Oct  7 16:19:05 x").as_deref(),
            Some("2025-10-07T16:19")
        );
        assert_eq!(parts("Feb 30 10:00:00 x"), (None, "x".into(), vec![]));
        assert_eq!(parts("Oct ٠٧ 10:00:00 x"), (None, "x".into(), vec![]));
    }

    #[test]
    fn no_time_keeps_the_whole_text() {
        for text in [
            "a line without a time",
            "[ x",
            "\u{a0}x",
            "2025-10-07 hello",
            "2025-10-07T16:19:05.123abc x",
            "Oct 7 10:05:00 a",
            "Jan  1 10:00:00",
        ] {
            assert_eq!(parts(text), (None, text.to_string(), vec![]), "{text:?}");
        }
    }

    #[test]
    fn traces() {
        let text =
            "2025-10-07 16:19:05,771 ERROR Job failed\njava.lang.IllegalStateException: no lease\n\
                    \tat com.acme.Job.run(Job.java:42)";
        let (time, log, attrs) = parts(text);
        assert_eq!(time.as_deref(), Some("2025-10-07 16:19:05,771"));
        assert!(log.starts_with("ERROR Job failed\n"));
        assert_eq!(
            attrs,
            vec![
                (
                    "exception".into(),
                    Some("java.lang.IllegalStateException".into())
                ),
                ("exception_message".into(), Some("no lease".into()))
            ]
        );
        assert!(continues("java.lang.IllegalStateException: no lease"));
        assert!(continues("goroutine 1 [running]:"));
        assert!(!continues("2025-10-07 16:19:05 main.main()")); // starts with a time
        assert!(!continues("[ main.main()")); // SHAPE matches (with no time)
        assert!(!continues("a line without a time"));
    }

    #[test]
    fn syslog_times() {
        assert_eq!(
            syslog_time("Oct 07 10:15:60", 2026).as_deref(),
            Some("2026-10-07T10:16:00Z")
        );
        assert_eq!(
            syslog_time("Dec 31 23:59:60", 2026).as_deref(),
            Some("2027-01-01T00:00:00Z")
        );
        assert_eq!(
            syslog_time("Feb 28 23:59:60", 2026).as_deref(),
            Some("2026-03-01T00:00:00Z")
        );
        assert_eq!(
            syslog_time("Feb 29 12:00:00", 2024).as_deref(),
            Some("2024-02-29T12:00:00Z")
        );
        for bad in [
            "Feb 29 12:00:00",
            "Oct 07 10:15:61",
            "Oct 07 24:00:00",
            "Oct 07 10:60:00",
            "Oct 00 10:00:00",
            "Oct  0 10:00:00",
            "Sep 31 10:05:00",
        ] {
            assert_eq!(syslog_time(bad, 2026), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC*", year in -10000i32..10000) {
            let _ = decode(&text, year);
            let _ = continues(&text);
        }

        #[test]
        fn shape_agrees_with_the_pattern(text in "\\[?([0-9٣]{4}-[0-9]{2}-[0-9]{2}[T x][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{0,3})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?((Oct|Feb|Jux) [ 0-9٣][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2})?\\]?[ \t\n\u{a0}x:.+-]{0,2}[ -~\n]{0,5}") {
            prop_assert_eq!(by_hand(&text), by_regex(&text));
        }

        #[test]
        fn any_text_agrees_with_the_pattern(text in "[\\[\\] 0-9:TZ.,+\\-Octa\n]{0,24}") {
            prop_assert_eq!(by_hand(&text), by_regex(&text));
        }

        #[test]
        fn valid_lines_decode_to_their_parts(
            iso in "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})?",
            bracket: bool,
            message in "[!-Z^-~é][^\n]{0,30}",
        ) {
            let text = if bracket { format!("[{iso}] {message}") } else { format!("{iso} {message}") };
            let (time, log, _) = parts(&text);
            prop_assert_eq!(time, Some(iso));
            prop_assert_eq!(log, message);
        }

        #[test]
        fn valid_syslog_lines_decode_to_their_parts(
            month in 0usize..12, day in 1u32..29, hour in 0u32..24, minute in 0u32..60, second in 0u32..60,
            message in "[!-Z^-~é][^\n]{0,30}",
        ) {
            let text = format!("{} {day:>2} {hour:02}:{minute:02}:{second:02} {message}", MONTHS[month]);
            let (time, log, _) = parts(&text);
            prop_assert_eq!(time, Some(format!("2026-{:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z", month + 1)));
            prop_assert_eq!(log, message);
        }
    }
}

//! containerd / CRI-O container logs: `<RFC 3339 nano time> <stream> <P|F> <text>`.
//!
//! The runtime splits a long line into partial pieces (`P`) ended by a full one (`F`): a `P` piece is
//! decoded with [`Raw::open`] set, and the pipeline joins the pieces' logs into one record, which keeps
//! the time and stream of its first piece (the time is kept as written: nanoseconds). A line not in
//! this shape is skipped ([`Reason::NotCri`]). Lines reach here stripped of `\r`, `\n` and BOMs only
//! ([`super::STRIP_EOL`]): a partial piece's trailing spaces belong to the line it splits.
//!
//! Ported from `logframe/formats/cri.py` (the Polars-expression parser it replaced, removed on 2026-12-02), its pattern
//! `^(?<time>\d{4}-\d{2}-\d{2}T\S+) (?<stream>stdout|stderr) (?<tag>[PF])(?:\s(?<text>.*))?$`,
//! checked here by hand (`\d` is any decimal digit, `\s` any Unicode white space, as in the regex).

use std::borrow::Cow;

use super::traces::class::is_space;
use super::traces::Scan;
use crate::record::{Decoded, Raw, Reason};

/// The parts of a CRI line: `(time, stream, partial, text)` (`text` is `""` when the line has none).
pub fn parts(line: &str) -> Option<(&str, &str, bool, &str)> {
    let mut c = Scan::new(line);
    let date = c.digits(4) && c.eat('-') && c.digits(2) && c.eat('-') && c.digits(2) && c.eat('T');
    if !date || c.eat_while(|ch| !is_space(ch)) == 0 {
        return None;
    }
    let time = c.since(0);
    if !c.eat(' ') {
        return None;
    }
    let start = c.i;
    if !(c.eat_str("stdout") || c.eat_str("stderr")) {
        return None;
    }
    let stream = c.since(start);
    if !c.eat(' ') {
        return None;
    }
    let partial = if c.eat('P') {
        true
    } else if c.eat('F') {
        false
    } else {
        return None;
    };
    if c.peek().is_none() {
        return Some((time, stream, partial, ""));
    }
    // `(?:\s(?<text>.*))?$`: one white-space character, then the rest of a line (`.` is not `\n`).
    if !c.eat_if(is_space) {
        return None;
    }
    let text = c.rest();
    if text.contains('\n') {
        return None;
    }
    Some((time, stream, partial, text))
}

/// Decode one CRI line: `time` (as written), `stream`, `log` (the text, `""` if none), `open` for a
/// partial (`P`) piece; [`Reason::NotCri`] for a line not in the shape.
///
/// ```
/// use _native::formats::cri::decode;
/// let raw = decode("2025-10-07T16:19:05.771609123Z stderr P ERROR:app.db:Connection fa").unwrap();
/// assert_eq!(raw.time.as_deref(), Some("2025-10-07T16:19:05.771609123Z"));
/// assert_eq!((raw.stream.as_deref(), raw.log.as_deref(), raw.open), (Some("stderr"), Some("ERROR:app.db:Connection fa"), true));
/// assert!(decode("not a cri line").is_err());
/// ```
pub fn decode(line: &str) -> Decoded<'_> {
    let (time, stream, open, text) = parts(line).ok_or(Reason::NotCri)?;
    Ok(Raw {
        time: Some(Cow::Borrowed(time)),
        stream: Some(Cow::Borrowed(stream)),
        log: Some(Cow::Borrowed(text)),
        open,
        ..Raw::default()
    })
}

/// Whether `line` is a CRI line (the Python `str.contains(SHAPE)`, for detection).
pub fn is_cri(line: &str) -> bool {
    parts(line).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::traces::compile;
    use proptest::prelude::*;

    const SHAPE: &str =
        r"^(?<time>\d{4}-\d{2}-\d{2}T\S+) (?<stream>stdout|stderr) (?<tag>[PF])(?:\s(?<text>.*))?$";

    fn by_regex(line: &str) -> Option<(String, String, bool, String)> {
        let caps = compile(SHAPE).captures(line)?;
        let get = |name: &str| caps.name(name).map_or("", |m| m.as_str()).to_string();
        Some((get("time"), get("stream"), get("tag") == "P", get("text")))
    }

    fn owned(parts: Option<(&str, &str, bool, &str)>) -> Option<(String, String, bool, String)> {
        parts.map(|(a, b, p, t)| (a.to_string(), b.to_string(), p, t.to_string()))
    }

    #[test]
    fn pieces_and_full_lines() {
        let raw =
            decode("2025-10-07T16:19:05.771609500Z stderr P iled to db-primary:5432 ").unwrap();
        assert_eq!(raw.log.as_deref(), Some("iled to db-primary:5432 ")); // trailing space kept
        assert!(raw.open);
        let raw = decode("2025-10-07T16:19:06.000000001Z stdout F INFO:app.main:ok").unwrap();
        assert_eq!(raw.log.as_deref(), Some("INFO:app.main:ok"));
        assert!(!raw.open);
        assert!(matches!(raw.log, Some(Cow::Borrowed(_))));
    }

    #[test]
    fn empty_and_odd_texts() {
        assert_eq!(
            parts("2025-10-07Tx stdout F"),
            Some(("2025-10-07Tx", "stdout", false, ""))
        );
        assert_eq!(
            parts("2025-10-07Tx stdout P "),
            Some(("2025-10-07Tx", "stdout", true, ""))
        );
        assert_eq!(
            parts("2025-10-07Tx stdout F\t\tx"),
            Some(("2025-10-07Tx", "stdout", false, "\tx"))
        );
        assert_eq!(
            parts("2025-10-07Tx stdout F\u{3000}x"),
            Some(("2025-10-07Tx", "stdout", false, "x"))
        );
        assert_eq!(
            parts("٢٠٢٥-١٠-٠٧Tx stderr F y"),
            Some(("٢٠٢٥-١٠-٠٧Tx", "stderr", false, "y"))
        );
        assert_eq!(
            parts("2025-10-07Tx stdout F\n"),
            Some(("2025-10-07Tx", "stdout", false, ""))
        );
    }

    #[test]
    fn not_cri() {
        for line in [
            "not a cri line",
            "2025-10-07T stdout F x",         // no time after T
            "2025-10-07T16:19:05Z stdout Fx", // tag glued to the text
            "2025-10-07T16:19:05Z stdin F x",
            "2025-10-07T16:19:05Z  stdout F x",
            "2025-10-07T16:19:05Z stdout X x",
            "2025-10-07T16:19:05Z\tstdout F x",
            "2025-10-07 16:19:05Z stdout F x",
            "2025-10-07T16:19:05Z stdout F x\ny",
            "",
        ] {
            assert_eq!(decode(line), Err(Reason::NotCri), "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(line in "\\PC*") {
            let _ = decode(&line);
        }

        #[test]
        fn agrees_with_the_pattern(line in "(2025-10-07T|[0-9٣]{4}-[0-9]{2}-[0-9]{2}T)?[ -~\u{a0}é]{0,6}( )?(stdout|stderr|stdin)?( )?[PFX]?[ \t\n\u{3000}x]{0,2}[ -~\u{a0}\n]{0,6}") {
            prop_assert_eq!(owned(parts(&line)), by_regex(&line));
        }

        #[test]
        fn valid_lines_decode_to_their_parts(
            time in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[!-~]{1,20}",
            stream in "stdout|stderr",
            partial: bool,
            text in "[^\n]*",
        ) {
            let line = format!("{time} {stream} {} {text}", if partial { 'P' } else { 'F' });
            let raw = decode(&line).unwrap();
            prop_assert_eq!(raw.time.as_deref(), Some(time.as_str()));
            prop_assert_eq!(raw.stream.as_deref(), Some(stream.as_str()));
            prop_assert_eq!(raw.log.as_deref(), Some(text.as_str()));
            prop_assert_eq!(raw.open, partial);
        }
    }
}

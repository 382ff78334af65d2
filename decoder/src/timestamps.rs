//! Timestamps as logs write them, to nanoseconds since the Unix epoch (UTC).
//!
//! The port of `logframe/timestamps.py::parse_timestamp` (the Polars-expression parser it replaced, removed on 2026-12-02), which tried three spellings in turn
//! on the text stripped of whitespace:
//!
//! 1. ISO 8601, read after a canonical rewrite of the text (upper-cased; a space as the 11th
//!    character becomes `T`; spaces after it are dropped; the first `,` becomes `.`; one `UTC` and
//!    then one `GMT` suffix are dropped) with the formats `%Y-%m-%dT%H:%M:%S%.f%#z`,
//!    `%Y-%m-%dT%H:%M:%S%.f` (no zone: UTC) and `%Y-%m-%dT%H:%M%#z`.
//! 2. An epoch number: an integer (seconds, milliseconds, microseconds or nanoseconds by magnitude:
//!    below 1e11, 1e14, 1e17, else nanoseconds), or a finite decimal with a `.` (in `f64`:
//!    `value * scale * 0.001` rounded half to even to whole microseconds, as Polars computed it).
//! 3. JavaScript's `Date.toString()`, `%a %b %d %Y %H:%M:%S GMT%z`, behind an optional `Date ` and
//!    before an optional ` (zone name)`.
//!
//! The formats were read by chrono's `strptime` (through Polars), and this module reads them the
//! same way, by hand: numbers take 1 to 2 digits (the year 1 to 4, or any number behind a sign),
//! whitespace may stand before any number and before the offset, `%.f` takes 1 to 9 digits and
//! skips more, a second of 60 is a leap second (the next second), offsets are `Z`, `+HH`, `+HHMM`,
//! `+HH:MM` (also `+HH MM`, and U+2212 as minus) below 24 hours, the weekday of a JavaScript date
//! must be the date's. One defect is fixed: dates that are real but outside what an `i64` of
//! nanoseconds holds (1677-09-21T00:12:43.145224192Z ..= 2262-04-11T23:47:16.854775807Z), and
//! epoch numbers whose nanoseconds overflow, are [`TimeError::OutOfRange`] here where Polars
//! wrapped them around.

/// Why a time could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Not a time in any accepted spelling (empty, `n/a`, ...).
    Unreadable,
    /// A real date outside what a nanosecond timestamp holds (1677-09-21 .. 2262-04-11), such as Go's zero time.
    OutOfRange,
}

/// What one spelling made of a text: `None` when it does not read it.
type Reading = Option<Result<i64, TimeError>>;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
/// Canonical ISO texts up to this length are built on the stack.
const STACK: usize = 48;

/// Nanoseconds since 1970-01-01T00:00:00Z of `text`.
///
/// ```
/// use _native::timestamps::{parse_timestamp, TimeError};
/// assert_eq!(parse_timestamp("2025-10-07T16:44:30-08:00"), Ok(1_759_884_270_000_000_000));
/// assert_eq!(parse_timestamp("1759854000.25"), Ok(1_759_854_000_250_000_000));
/// assert_eq!(parse_timestamp("n/a"), Err(TimeError::Unreadable));
/// assert_eq!(parse_timestamp("0001-01-01T00:00:00Z"), Err(TimeError::OutOfRange));
/// ```
pub fn parse_timestamp(text: &str) -> Result<i64, TimeError> {
    let bytes = text.as_bytes();
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    let text = if plain(bytes.first()) && plain(bytes.last()) {
        text
    } else {
        text.trim()
    };
    let first = match text.as_bytes().first() {
        Some(&b) => b,
        None => return Err(TimeError::Unreadable),
    };
    let reading = if first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'.' {
        iso(text).or_else(|| epoch(text))
    } else if first.is_ascii_alphabetic() {
        javascript(text)
    } else {
        None
    };
    reading.unwrap_or(Err(TimeError::Unreadable))
}

// -- ISO 8601 ---------------------------------------------------------------------------------------

#[inline(always)]
fn iso(text: &str) -> Reading {
    if let Some(reading) = iso_common(text.as_bytes()) {
        return Some(reading);
    }
    // `%Y` is followed by a literal `-`: a text without one is no ISO time (saves the rewrite).
    memchr::memchr(b'-', text.as_bytes())?;
    if text.is_ascii() && text.len() <= STACK {
        let mut buf = [0u8; STACK];
        let len = canonical_ascii(text.as_bytes(), &mut buf);
        let canonical = std::str::from_utf8(buf.get(..len)?).ok()?;
        iso_canonical(canonical)
    } else {
        iso_canonical(&canonical_any(text))
    }
}

/// The common spelling `YYYY-MM-DD[Tt ]HH:MM:SS[.,]f*[Zz|±HH|±HHMM|±HH:MM]` read in place, when it is
/// a valid time; `None` for anything else, which the general reader then decides. On what it
/// accepts it gives what the general reader gives (the rewrite changes nothing there but `t`, `z`
/// and `,`, which it reads as `T`, `Z` and `.`).
#[inline(always)]
fn iso_common(b: &[u8]) -> Reading {
    let (head, tail) = b.split_first_chunk::<19>()?;
    let &[y1, y2, y3, y4, dash1, mo1, mo2, dash2, d1, d2, t, h1, h2, colon1, mi1, mi2, colon2, s1, s2] =
        head;
    if dash1 != b'-'
        || dash2 != b'-'
        || colon1 != b':'
        || colon2 != b':'
        || !matches!(t, b'T' | b't' | b' ')
    {
        return None;
    }
    let digits =
        [y1, y2, y3, y4, mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2].map(|c| c.wrapping_sub(b'0'));
    if digits.iter().any(|&d| d > 9) {
        return None;
    }
    let [y1, y2, y3, y4, mo1, mo2, d1, d2, h1, h2, mi1, mi2, s1, s2] = digits.map(i64::from);
    let year = y1 * 1000 + y2 * 100 + y3 * 10 + y4;
    let (month, day) = (mo1 * 10 + mo2, d1 * 10 + d2);
    let (hour, minute, second) = (h1 * 10 + h2, mi1 * 10 + mi2, s1 * 10 + s2);
    let (nano, zone) = match tail.split_first() {
        Some((b'.' | b',', fraction)) => {
            let (mut nano, mut count) = (0, 0);
            while let Some(&c) = fraction.get(count) {
                let d = c.wrapping_sub(b'0');
                if d > 9 {
                    break;
                }
                if count < 9 {
                    nano = nano * 10 + i64::from(d);
                }
                count += 1;
            }
            match count {
                0 => return None,
                1..=8 => nano *= POWERS_OF_TEN[9 - count],
                _ => {}
            }
            (nano, fraction.get(count..)?)
        }
        _ => (0, tail),
    };
    let (sign, zone) = match zone {
        [] | [b'Z' | b'z'] => {
            return instant(Date::new(year, month, day)?, hour, minute, second, nano, 0)
        }
        [sign @ (b'+' | b'-'), zone @ ..] => (*sign, zone),
        _ => return None,
    };
    let [h1, h2, m1, m2] = match *zone {
        [h1, h2] => [h1, h2, b'0', b'0'],
        [h1, h2, m1, m2] | [h1, h2, b':', m1, m2] => [h1, h2, m1, m2],
        _ => return None,
    }
    .map(|c| c.wrapping_sub(b'0'));
    // chrono: minutes below 60 (a first digit up to 5), and an offset below 24 hours.
    if h1 > 9 || h2 > 9 || m1 > 5 || m2 > 9 {
        return None;
    }
    let seconds = i64::from(h1 * 10 + h2) * 3600 + i64::from(m1 * 10 + m2) * 60;
    if seconds >= 86_400 {
        return None;
    }
    let offset = if sign == b'-' { -seconds } else { seconds };
    instant(
        Date::new(year, month, day)?,
        hour,
        minute,
        second,
        nano,
        offset,
    )
}

/// `POWERS_OF_TEN[n]` is 10^n.
const POWERS_OF_TEN: [i64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// The canonical rewrite of an ASCII text (see the module doc) into `buf`; returns its length.
fn canonical_ascii(bytes: &[u8], buf: &mut [u8; STACK]) -> usize {
    let mut len = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let c = match b.to_ascii_uppercase() {
            b' ' if i == 10 => b'T',
            b' ' if i > 10 => continue,
            c => c,
        };
        if let Some(slot) = buf.get_mut(len) {
            *slot = c;
            len += 1;
        }
    }
    if let Some(comma) = buf.iter().take(len).position(|&b| b == b',') {
        if let Some(slot) = buf.get_mut(comma) {
            *slot = b'.';
        }
    }
    for suffix in [b"UTC", b"GMT"] {
        if buf.get(..len).is_some_and(|s| s.ends_with(suffix)) {
            len -= suffix.len();
        }
    }
    len
}

/// The canonical rewrite of any text; characters are counted as Polars counts them (code points).
fn canonical_any(text: &str) -> String {
    let upper = text.to_uppercase();
    let mut out = String::with_capacity(upper.len());
    for (i, c) in upper.chars().enumerate() {
        match (i, c) {
            (10, ' ') => out.push('T'),
            (11.., ' ') => {}
            _ => out.push(c),
        }
    }
    if let Some(comma) = out.find(',') {
        out.replace_range(comma..comma + 1, ".");
    }
    for suffix in ["UTC", "GMT"] {
        if out.ends_with(suffix) {
            for _ in 0..suffix.len() {
                out.pop();
            }
        }
    }
    out
}

/// The three ISO formats on a canonical text; they share everything up to the minutes.
fn iso_canonical(s: &str) -> Reading {
    let (s, year) = year(s)?;
    let s = s.strip_prefix('-')?;
    let (s, month) = number(s, 2)?;
    let s = s.strip_prefix('-')?;
    let (s, day) = number(s, 2)?;
    let s = s.strip_prefix('T')?;
    let (s, hour) = number(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (s, minute) = number(s, 2)?;
    let (second, nano, offset) = match s.strip_prefix(':') {
        // `%Y-%m-%dT%H:%M:%S%.f` with or without `%#z`
        Some(s) => {
            let (s, second) = number(s, 2)?;
            let (s, nano) = fraction(s)?;
            if s.is_empty() {
                (second, nano, 0)
            } else {
                let (s, offset) = offset(s, true)?;
                if !s.is_empty() {
                    return None;
                }
                (second, nano, offset)
            }
        }
        // `%Y-%m-%dT%H:%M%#z`
        None => {
            let (s, offset) = offset(s, true)?;
            if !s.is_empty() {
                return None;
            }
            (0, 0, offset)
        }
    };
    let date = Date::new(year, month, day)?;
    instant(date, hour, minute, second, nano, offset)
}

// -- epoch numbers ----------------------------------------------------------------------------------

fn epoch(text: &str) -> Reading {
    if let Ok(value) = text.parse::<i64>() {
        let scale = epoch_scale(value.unsigned_abs() as f64);
        return Some(value.checked_mul(scale).ok_or(TimeError::OutOfRange));
    }
    if text.contains('.') {
        let value: f64 = text.parse().ok()?;
        if !value.is_finite() {
            return Some(Err(TimeError::OutOfRange));
        }
        let scale = epoch_scale(value.abs()) as f64;
        // Polars divided a column by the scalar 1000 as a product with its reciprocal (rounding
        // differs from a division, e.g. for `5285563834888.0`): the same arithmetic here.
        let micros = (value * scale * (1.0 / 1_000.0)).round_ties_even();
        // `-2^63 <= micros < 2^63`: what an i64 holds (the cast Polars made, null outside).
        const I64_MIN: f64 = i64::MIN as f64; // -2^63, exact
        if !(I64_MIN..-I64_MIN).contains(&micros) {
            return Some(Err(TimeError::OutOfRange));
        }
        return Some(
            (micros as i64)
                .checked_mul(1_000)
                .ok_or(TimeError::OutOfRange),
        );
    }
    // An integer too long for an i64 (4301 nines) is a time, too far away.
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Err(TimeError::OutOfRange));
    }
    None
}

/// Nanoseconds per unit of an epoch number of this magnitude.
fn epoch_scale(magnitude: f64) -> i64 {
    if magnitude < 1e11 {
        1_000_000_000
    } else if magnitude < 1e14 {
        1_000_000
    } else if magnitude < 1e17 {
        1_000
    } else {
        1
    }
}

// -- JavaScript's Date.toString() -------------------------------------------------------------------

fn javascript(text: &str) -> Reading {
    let core = text.strip_prefix("Date ").unwrap_or(text);
    let core = match core.find(" (") {
        Some(end) => core.get(..end)?,
        None => core,
    };
    let (s, weekday) = weekday(core)?;
    let (s, month) = month_name(skip_space(s))?;
    let (s, day) = number(s, 2)?;
    let (s, year) = year(s)?;
    let (s, hour) = number(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (s, minute) = number(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (s, second) = number(s, 2)?;
    let s = skip_space(s).strip_prefix("GMT")?;
    let (s, offset) = offset(s, false)?;
    if !s.is_empty() {
        return None;
    }
    let date = Date::new(year, month, day)?;
    if let Some(days) = date.days() {
        // 1970-01-01 was a Thursday (3 days from Monday).
        if (days + 3).rem_euclid(7) != weekday {
            return None;
        }
    }
    instant(date, hour, minute, second, 0, offset)
}

/// Days from Monday of a weekday's first three letters, in any case.
fn weekday(s: &str) -> Option<(&str, i64)> {
    const NAMES: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];
    let (name, rest) = three_letters(s)?;
    let day = NAMES.iter().position(|n| n.eq_ignore_ascii_case(&name))?;
    Some((rest, day as i64))
}

/// The month (1..=12) of a month's first three letters, in any case.
fn month_name(s: &str) -> Option<(&str, i64)> {
    const NAMES: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let (name, rest) = three_letters(s)?;
    let month = NAMES.iter().position(|n| n.eq_ignore_ascii_case(&name))?;
    Some((rest, month as i64 + 1))
}

fn three_letters(s: &str) -> Option<([u8; 3], &str)> {
    match s.as_bytes() {
        [a, b, c, ..]
            if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && c.is_ascii_alphabetic() =>
        {
            Some(([*a, *b, *c], s.get(3..)?))
        }
        _ => None,
    }
}

// -- the pieces of chrono's strptime ----------------------------------------------------------------

/// `str::trim_start`, with a shortcut for the usual case of no whitespace.
fn skip_space(s: &str) -> &str {
    match s.as_bytes().first() {
        Some(&b) if b > b' ' && b < 0x80 => s,
        _ => s.trim_start(),
    }
}

/// The value of the run of at most `width` ASCII digits at the start of `s` (saturating) and its
/// length.
fn digits(s: &str, width: usize) -> (i64, usize) {
    let mut value = 0i64;
    let mut count = 0;
    for &b in s.as_bytes() {
        if count == width || !b.is_ascii_digit() {
            break;
        }
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
        count += 1;
    }
    (value, count)
}

/// Leading whitespace, then 1 to `width` ASCII digits.
fn number(s: &str, width: usize) -> Option<(&str, i64)> {
    let s = skip_space(s);
    match digits(s, width) {
        (_, 0) => None,
        (value, count) => Some((s.get(count..)?, value)),
    }
}

/// `%Y`: leading whitespace, then 1 to 4 digits, or any number of digits behind `+` or `-`.
///
/// Years too large for chrono are kept as a year that is out of range (saturated), so that the text
/// still has to be a well-formed time to count as one.
fn year(s: &str) -> Option<(&str, i64)> {
    let s = skip_space(s);
    let (negative, body, width) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?, usize::MAX),
        Some(b'+') => (false, s.get(1..)?, usize::MAX),
        _ => (false, s, 4),
    };
    match digits(body, width) {
        (_, 0) => None,
        (value, count) => {
            let value = value.min(1_000_000_000);
            Some((body.get(count..)?, if negative { -value } else { value }))
        }
    }
}

/// `%.f`: nothing, or `.` and 1 to 9 digits as nanoseconds (more digits are skipped).
fn fraction(s: &str) -> Option<(&str, i64)> {
    let Some(rest) = s.strip_prefix('.') else {
        return Some((s, 0));
    };
    let (mut nano, count) = digits(rest, 9);
    if count == 0 {
        return None;
    }
    for _ in count..9 {
        nano *= 10;
    }
    let skipped = rest
        .as_bytes()
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    Some((rest.get(skipped..)?, nano))
}

/// A UTC offset in seconds: `%#z` (`permissive`: also `Z`, and the minutes may be missing) or `%z`.
///
/// Leading whitespace; a sign (`+`, `-` or U+2212); two digits of hours; any colons or whitespace;
/// two digits of minutes (below 60). The offset must be below 24 hours.
fn offset(s: &str, permissive: bool) -> Option<(&str, i64)> {
    let s = skip_space(s);
    if permissive {
        if let Some(rest) = s.strip_prefix(['Z', 'z']) {
            return Some((rest, 0));
        }
    }
    let (negative, s) = if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else if let Some(rest) = s.strip_prefix(['-', '\u{2212}']) {
        (true, rest)
    } else {
        return None;
    };
    let hours = match s.as_bytes() {
        [h1, h2, ..] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
            i64::from((h1 - b'0') * 10 + (h2 - b'0'))
        }
        _ => return None,
    };
    let s = s
        .get(2..)?
        .trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    let (s, minutes) = match s.as_bytes() {
        [m1 @ b'0'..=b'5', m2, ..] if m2.is_ascii_digit() => {
            (s.get(2..)?, i64::from((m1 - b'0') * 10 + (m2 - b'0')))
        }
        [_, _, ..] => return None,
        [] if permissive => (s, 0),
        _ => return None,
    };
    let seconds = hours * 3600 + minutes * 60;
    if seconds >= 86_400 {
        return None;
    }
    Some((s, if negative { -seconds } else { seconds }))
}

/// A valid proleptic Gregorian date.
#[derive(Debug, Clone, Copy)]
struct Date {
    year: i64,
    month: i64,
    day: i64,
}

impl Date {
    /// The date, or `None` when there is no such day (Feb 30, month 13).
    #[inline(always)]
    fn new(year: i64, month: i64, day: i64) -> Option<Date> {
        let leap =
            || year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0);
        let last = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap() => 29,
            2 => 28,
            _ => return None,
        };
        (1..=last)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01, for the years chrono holds (-262144 ..= 262143); `None` beyond.
    #[inline(always)]
    fn days(self) -> Option<i64> {
        if !(-262_144..=262_143).contains(&self.year) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (self.month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + self.day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(era * 146_097 + doe - 719_468)
    }
}

/// The instant of a local date and time at `offset` seconds east of UTC.
#[inline(always)]
fn instant(date: Date, hour: i64, minute: i64, second: i64, nano: i64, offset: i64) -> Reading {
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let Some(days) = date.days() else {
        return Some(Err(TimeError::OutOfRange));
    };
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
    // Borrow a second before the epoch so that the product stays in range down to i64::MIN.
    let (seconds, nano) = if seconds < 0 && nano > 0 {
        (seconds + 1, nano - NANOS_PER_SECOND)
    } else {
        (seconds, nano)
    };
    let nanos = seconds
        .checked_mul(NANOS_PER_SECOND)
        .and_then(|n| n.checked_add(nano));
    Some(nanos.ok_or(TimeError::OutOfRange))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const UNREADABLE: Result<i64, TimeError> = Err(TimeError::Unreadable);
    const OUT_OF_RANGE: Result<i64, TimeError> = Err(TimeError::OutOfRange);

    fn ns(text: &str) -> Result<i64, TimeError> {
        parse_timestamp(text)
    }

    #[test]
    fn iso_spellings() {
        let cases: &[(&str, i64)] = &[
            ("2025-10-07T16:19:05.771609Z", 1_759_853_945_771_609_000),
            ("2025-10-07T16:44:30-08:00", 1_759_884_270_000_000_000),
            ("2025-10-07T16:44:30+01:00", 1_759_851_870_000_000_000),
            ("2025-10-07 16:44:30+0200", 1_759_848_270_000_000_000),
            ("2025-10-07T16:44:30+02", 1_759_848_270_000_000_000),
            ("2025-10-07T16:44:30+05:30", 1_759_835_670_000_000_000),
            ("2025-10-07 16:44:30 +02:00", 1_759_848_270_000_000_000),
            ("2025-10-07T16:44:30", 1_759_855_470_000_000_000),
            ("2025-10-07 16:44:30 UTC", 1_759_855_470_000_000_000),
            ("2025-10-07 16:19:05,771", 1_759_853_945_771_000_000),
            ("2025-10-07T16:19Z", 1_759_853_940_000_000_000),
            ("2025-10-07t16:19:05z", 1_759_853_945_000_000_000),
            ("  2025-10-07T16:19:05Z  ", 1_759_853_945_000_000_000),
            ("2025-10-07T16:19:05.123456789Z", 1_759_853_945_123_456_789),
            // chrono's leniencies, as Polars read them
            (
                "2025-10-07T16:19:05.123456789123456Z",
                1_759_853_945_123_456_789,
            ),
            ("2025-1-7T6:9:5", 1_736_230_145_000_000_000),
            ("+2025-10-07T16:19:05Z", 1_759_853_945_000_000_000),
            ("2025-10-07T16:19:60Z", 1_759_854_000_000_000_000),
            ("2025-10-07T16:19:60.5", 1_759_854_000_500_000_000),
            ("2025-10-07T16:\t19:05", 1_759_853_945_000_000_000),
            ("2025-10-07T16:19:05\u{3000}Z", 1_759_853_945_000_000_000),
            (
                "2025-10-07T16:19:05\u{2212}01:00",
                1_759_857_545_000_000_000,
            ),
            ("2025-10-07T16:19:05+01 00", 1_759_850_345_000_000_000),
            ("2025-10-07T16:19:05+01::00", 1_759_850_345_000_000_000),
            ("2025-10-07T16:19:05+01:", 1_759_850_345_000_000_000),
            ("2025-10-07T16:19:05ZUTC", 1_759_853_945_000_000_000),
            ("2025-10-07T16:19:05GMTUTC", 1_759_853_945_000_000_000),
            ("2025-10-07T16:19:05+23:59", 1_759_767_605_000_000_000),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000_000_000),
            ("1677-09-21T00:12:44Z", -9_223_372_036_000_000_000),
            ("2262-04-11T23:47:16Z", 9_223_372_036_000_000_000),
            ("2262-04-11T23:47:16.854775807Z", i64::MAX),
            ("1677-09-21T00:12:43.145224192Z", i64::MIN),
            (
                "\u{a0}2025-10-07T16:19:05Z\u{2028}",
                1_759_853_945_000_000_000,
            ),
        ];
        for &(text, expected) in cases {
            assert_eq!(ns(text), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn iso_rejections() {
        for text in [
            "",
            "   ",
            "garbage",
            "2025-13-07T16:19:05Z",
            "2025-10-07",
            "2025-10-07T16:19",
            "2025-10-07T16:19:05.Z",
            "2025-10-07T16:19:05.",
            "2025-02-29T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-00-07T16:19:05Z",
            "2025-10-00T16:19:05Z",
            "2025-10-07T24:00:00Z",
            "2025-10-07T16:19:61Z",
            "2025-10-07T16:19:05+24:00",
            "2025-10-07T16:19:05+23:60",
            "2025-10-07T16:19:05+1",
            "2025-10-07T16:19:05+010",
            "2025-10-07T16:19:05+01:0",
            "2025-10-07T16:19:05+01:00:00",
            "2025-10-07T16:19:05+01ab",
            "2025-10-07T16:19:05UTCGMT",
            "2025-10-07T16:19:05,5,5Z",
            "2025-10-07T16:19:05.\t5Z",
            "2025-10-07\t16:19:05Z",
            "2025/10/07T16:19:05Z",
            "02025-10-07T16:19:05Z",
            "2025-10-07T16:19:05+01:00Z",
            "2025-10-07T16:\u{200b}19:05Z",
        ] {
            assert_eq!(ns(text), UNREADABLE, "{text:?}");
        }
    }

    #[test]
    fn out_of_range_dates_are_not_wrapped() {
        for text in [
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1600-01-01T00:00:00Z",
            "25-10-07T16:19:05Z",
            "-2025-10-07T16:19:05Z",
            "1677-09-21T00:12:43Z",
            "2262-04-11T23:47:17Z",
            "+99999999999999999999999-01-01T00:00:00Z",
            "Mon Jan 01 0001 00:00:00 GMT+0000",
        ] {
            assert_eq!(ns(text), OUT_OF_RANGE, "{text:?}");
        }
    }

    #[test]
    fn epoch_numbers() {
        let cases: &[(&str, i64)] = &[
            ("1759854000", 1_759_854_000_000_000_000),
            ("1759854000123", 1_759_854_000_123_000_000),
            ("1759854000123456", 1_759_854_000_123_456_000),
            ("1759854000123456789", 1_759_854_000_123_456_789),
            ("1759854000.25", 1_759_854_000_250_000_000),
            ("-5", -5_000_000_000),
            ("+5", 5_000_000_000),
            ("0005", 5_000_000_000),
            ("-0", 0),
            ("5.0", 5_000_000_000),
            ("1.", 1_000_000_000),
            (".5", 500_000_000),
            ("+.5", 500_000_000),
            ("1.5e3", 1_500_000_000_000),
            ("1.e5", 100_000_000_000_000),
            ("0.000001", 1_000),
            // rounded half to even, to whole microseconds
            ("100000000000000.5", 100_000_000_000_000_000),
            ("100000000000001.5", 100_000_000_000_002_000),
            ("100000000000002.5", 100_000_000_000_002_000),
            ("9223372036854775807", i64::MAX),
            // Polars took |i64::MIN| for a small number (wrapping to 0); it is nanoseconds.
            ("-9223372036854775808", i64::MIN),
        ];
        for &(text, expected) in cases {
            assert_eq!(ns(text), Ok(expected), "{text:?}");
        }
        for text in [
            "1_000", "0x10", "1e3", "inf", "nan", "1.2.3", "--1.5", "1e3.", "inf.0", "NaN.", "١.٥",
            "-", ".",
        ] {
            assert_eq!(ns(text), UNREADABLE, "{text:?}");
        }
        let nines = "9".repeat(4301);
        for text in [
            "10000000000",
            "9223372037",
            "99999999999.5",
            "9223372036854775808",
            "-9223372036854775809",
            nines.as_str(),
            &format!("{nines}.0"),
            &format!("-{nines}"),
        ] {
            assert_eq!(ns(text), OUT_OF_RANGE, "{}", &text[..text.len().min(30)]);
        }
    }

    #[test]
    fn javascript_dates() {
        let cases: &[(&str, i64)] = &[
            (
                "Date Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)",
                1_731_596_464_000_000_000,
            ),
            (
                "Tue Oct 07 2025 08:00:00 GMT-0700 (Pacific Daylight Time)",
                1_759_849_200_000_000_000,
            ),
            (
                "Thu Nov 14 2024 17:01:04 GMT+0000",
                1_731_603_664_000_000_000,
            ),
            (
                "Thu Nov 14 2024 17:01:04 GMT+02:00",
                1_731_596_464_000_000_000,
            ),
            (
                "thu nov 14 2024 17:01:04 GMT+0200",
                1_731_596_464_000_000_000,
            ),
            (
                "ThuNov14 2024 17:01:04GMT +02 00",
                1_731_596_464_000_000_000,
            ),
            (
                "Mon Nov 4 2024 17:01:04 GMT+0200",
                1_730_732_464_000_000_000,
            ),
            (
                "Thu Nov 14 2024 17:01:60 GMT+0200",
                1_731_596_520_000_000_000,
            ),
            (
                "Thu Nov 14 +2024 17:01:04 GMT+0200 (",
                1_731_596_464_000_000_000,
            ),
        ];
        for &(text, expected) in cases {
            assert_eq!(ns(text), Ok(expected), "{text:?}");
        }
        for text in [
            "Fri Nov 14 2024 17:01:04 GMT+0200",
            "Thursday Nov 14 2024 17:01:04 GMT+0200",
            "Thu November 14 2024 17:01:04 GMT+0200",
            "Thu Nov 14 2024 17:01:04 gmt+0200",
            "Thu Nov 14 2024 17:01:04 GMT+02",
            "Thu Nov 14 2024 17:01:04 GMT+02:",
            "Thu Nov 14 2024 17:01:04 GMT",
            "Thu Nov 14 2024 17:01:04 GMT+0200 X",
            "Thu Nov 14 2024 17:01:04 GMT+0200(Israel)",
            "Thu Nov 14 2024 17:01:04.5 GMT+0200",
            "date Thu Nov 14 2024 17:01:04 GMT+0200",
            "Thu Feb 30 2024 17:01:04 GMT+0200",
            "Sun Jan 01 0001 00:00:00 GMT+0000",
        ] {
            assert_eq!(ns(text), UNREADABLE, "{text:?}");
        }
    }

    /// One civil time rendered in several spellings.
    fn spellings(
        days: i64,
        second_of_day: i64,
        nanos: u32,
        offset_minutes: i64,
    ) -> (i64, Vec<String>) {
        // civil_from_days (Howard Hinnant)
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let (hour, minute, second) = (
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
        );
        let local = (days * 86_400 + second_of_day) * 1_000_000_000 + i64::from(nanos);
        let utc = local - offset_minutes * 60_000_000_000;
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let (oh, om) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
        let date = format!("{year:04}-{month:02}-{day:02}");
        let time = format!("{hour:02}:{minute:02}:{second:02}");
        let frac9 = format!("{nanos:09}");
        let frac = frac9.trim_end_matches('0');
        let dot = if frac.is_empty() {
            String::new()
        } else {
            format!(".{frac}")
        };
        let comma = if frac.is_empty() {
            String::new()
        } else {
            format!(",{frac}")
        };
        let mut texts = vec![
            format!("{date}T{time}.{frac9}{sign}{oh:02}:{om:02}"),
            format!("{date} {time}{dot}{sign}{oh:02}{om:02}"),
            format!("{date}t{time}{comma} {sign}{oh:02}:{om:02}"),
            format!("  {date} {time}{dot} {sign}{oh:02}{om:02}\t"),
        ];
        if om == 0 {
            texts.push(format!("{date}T{time}{dot}{sign}{oh:02}"));
        }
        if offset_minutes == 0 {
            texts.push(format!("{date}T{time}{dot}Z"));
            texts.push(format!("{date}T{time}{dot}"));
            texts.push(format!("{date} {time}{dot} UTC"));
            texts.push(format!("{date} {time}{dot}gmt"));
        }
        if nanos == 0 && second == 0 {
            texts.push(format!("{date}T{hour:02}:{minute:02}{sign}{oh:02}:{om:02}"));
        }
        if nanos == 0 {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let weekday = DAYS[(days + 3).rem_euclid(7) as usize];
            let month_name = MONTHS[(month - 1) as usize];
            texts.push(format!(
                "{weekday} {month_name} {day:02} {year} {time} GMT{sign}{oh:02}{om:02} (Some Zone)"
            ));
            texts.push(format!(
                "Date {weekday} {month_name} {day} {year} {time} GMT{sign}{oh:02}:{om:02}"
            ));
        }
        (utc, texts)
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse_timestamp(&text);
        }

        #[test]
        fn the_common_shape_reads_as_the_general_reader_does(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.,][0-9]{0,12})?(Z|z|[-+][0-9]{2}(:?[0-9]{2})?)?"
        ) {
            if let Some(fast) = iso_common(text.as_bytes()) {
                prop_assert_eq!(Some(fast), iso_canonical(&canonical_any(&text)), "{:?}", text);
            }
        }

        #[test]
        fn time_like_text_never_panics(text in "[-+ 0-9:.,TZUGMC\u{2212}\u{3000}tzé]{0,40}") {
            let _ = parse_timestamp(&text);
        }

        #[test]
        fn every_spelling_of_a_time_reads_the_same_instant(
            days in -100_000i64..100_000,
            second_of_day in 0i64..86_400,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1000).prop_map(|ms| ms * 1_000_000)],
            offset_minutes in -(23 * 60 + 59)..(23 * 60 + 59i64),
        ) {
            let (utc, texts) = spellings(days, second_of_day, nanos, offset_minutes);
            for text in texts {
                prop_assert_eq!(parse_timestamp(&text), Ok(utc), "{:?}", text);
            }
        }

        #[test]
        fn epoch_numbers_read_by_magnitude(millis in -9_000_000_000_000i64..9_000_000_000_000) {
            // 1e11 ms and more are milliseconds; below, the same digits would be seconds.
            prop_assume!(millis.unsigned_abs() >= 100_000_000_000);
            prop_assert_eq!(parse_timestamp(&millis.to_string()), Ok(millis * 1_000_000));
            // Decimals go through float arithmetic, exact to the microsecond here.
            let decimal = parse_timestamp(&format!("{millis}.0"));
            prop_assert!(decimal.is_ok_and(|ns| (ns - millis * 1_000_000).abs() <= 1_000), "{:?}", decimal);
        }
    }

    /// Parity with the old Polars code: `LOGFRAME_ORACLE_TIMESTAMPS=cases.json cargo test --release
    /// oracle -- --ignored --nocapture`, the file holding `[{"text": ..., "ns": int|null}]` written by
    /// the old `parse_timestamp` (a throwaway script; not committed).
    #[test]
    #[ignore]
    fn oracle_parity() {
        let Ok(path) = std::env::var("LOGFRAME_ORACLE_TIMESTAMPS") else {
            return;
        };
        let text = std::fs::read_to_string(path).expect("oracle file");
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("oracle JSON");
        let mut classes: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        let mut equal = 0;
        for case in &cases {
            let text = case["text"].as_str().expect("text");
            let old = case["ns"].as_i64();
            let new = parse_timestamp(text);
            let class = match (old, new) {
                (None, Err(_)) => None,
                (Some(a), Ok(b)) if a == b => None,
                (Some(_), Err(TimeError::OutOfRange)) => {
                    Some("old wrapped an out-of-range time, new OutOfRange")
                }
                (Some(0), Ok(i64::MIN)) if text.trim() == "-9223372036854775808" => Some(
                    "fixed: i64::MIN, whose |x| Polars wrapped to a negative magnitude (seconds)",
                ),
                (None, Ok(_)) => Some("MISMATCH old null, new a time"),
                (Some(_), Ok(_)) => Some("MISMATCH different times"),
                (Some(_), Err(TimeError::Unreadable)) => {
                    Some("MISMATCH old a time, new Unreadable")
                }
            };
            match class {
                None => equal += 1,
                Some(class) => classes
                    .entry(class)
                    .or_default()
                    .push(format!("{text:?} old={old:?} new={new:?}")),
            }
        }
        println!("timestamps: {} cases, {} equal", cases.len(), equal);
        for (class, examples) in &classes {
            println!("  {}: {}", class, examples.len());
            for example in examples.iter().take(12) {
                println!("      {}", &example[..example.len().min(160)]);
            }
        }
        assert!(
            classes.keys().all(|class| !class.starts_with("MISMATCH")),
            "mismatches with the old code"
        );
    }

    /// Release-mode cost per call: `cargo test --release --lib timestamps::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timing() {
        let cases: &[(&str, &[&str])] = &[
            (
                "ISO with Z and 6 fraction digits",
                &["2025-10-07T16:19:05.771609Z", "2025-10-08T01:02:03.000001Z"],
            ),
            (
                "ISO with an offset",
                &["2025-10-07T16:44:30-08:00", "2025-10-07T16:44:30+0530"],
            ),
            (
                "ISO, space and comma and UTC",
                &["2025-10-07 16:19:05,771 UTC", "2025-10-07 16:19:05 +02:00"],
            ),
            ("epoch milliseconds", &["1759854000123", "1759854000999"]),
            (
                "epoch seconds with a fraction",
                &["1759854000.25", "1759854000.123456"],
            ),
            (
                "JavaScript",
                &["Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)"],
            ),
            ("unreadable", &["n/a", "-"]),
        ];
        for (name, texts) in cases {
            let rounds = 1_000_000 / texts.len();
            // The best of 7 runs: the least disturbed by other work on the machine.
            let ns = (0..7)
                .map(|_| {
                    let start = std::time::Instant::now();
                    for _ in 0..rounds {
                        for text in texts.iter() {
                            let _ =
                                std::hint::black_box(parse_timestamp(std::hint::black_box(text)));
                        }
                    }
                    start.elapsed().as_nanos() as f64 / (rounds * texts.len()) as f64
                })
                .fold(f64::MAX, f64::min);
            println!("parse_timestamp  {name:<34} {ns:6.1} ns/call");
        }
    }
}

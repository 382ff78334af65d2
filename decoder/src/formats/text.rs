//! Text lines with a leading time.
//! STUB: to be written (see the design notes).

use crate::record::{Decoded, Raw};

/// Whether a (stripped, non-blank) line continues the record before it (a stack-trace line).
pub fn continues(line: &str) -> bool {
    let _ = line;
    false
}

/// Decode one record (its lines joined by `\n`); `year` is given to syslog times, which have none.
pub fn decode(text: &str, year: i32) -> Decoded<'_> {
    let _ = (text, year);
    Ok(Raw::default())
}

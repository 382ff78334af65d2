//! Python logging text, tracebacks merged.
//! STUB: to be written (see the design notes).

use crate::record::{Decoded, Raw};

/// Whether a (stripped, non-blank) line starts a record.
pub fn starts_record(line: &str) -> bool {
    let _ = line;
    true
}

/// Decode one record (its lines joined by `\n`).
pub fn decode(text: &str) -> Decoded<'_> {
    let _ = text;
    Ok(Raw::default())
}

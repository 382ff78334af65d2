//! The `key=value` scanner of messages and logfmt lines.
//! STUB: to be written (see the design notes).

use crate::record::Field;

/// Append the `key=value` pairs of `text` to `out`, in order.
pub fn parse_fields<'a>(text: &'a str, out: &mut Vec<Field<'a>>) {
    let _ = (text, out);
}

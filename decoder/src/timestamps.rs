//! Timestamps as logs write them, to nanoseconds since the Unix epoch (UTC).
//! STUB: to be written (see the design notes).

/// Why a time could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// Not a time in any accepted spelling (empty, `n/a`, ...).
    Unreadable,
    /// A real date outside what a nanosecond timestamp holds (1677-09-21 .. 2262-04-11), such as Go's zero time.
    OutOfRange,
}

/// Nanoseconds since 1970-01-01T00:00:00Z of `text`.
pub fn parse_timestamp(text: &str) -> Result<i64, TimeError> {
    let _ = text;
    Err(TimeError::Unreadable)
}

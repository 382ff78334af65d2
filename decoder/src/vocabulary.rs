//! Levels and their spellings: the Rust twin of `logframe/schema.py`'s `LEVELS` and `LEVEL_ALIASES`
//! (a test in `tests/test_schema.py` checks that the two agree).

/// The normalised levels, least to most severe (`Level as u8` is the index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Critical = 4,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Debug,
        Level::Info,
        Level::Warning,
        Level::Error,
        Level::Critical,
    ];

    /// The name records carry (`WARNING`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
            Level::Critical => "CRITICAL",
        }
    }
}

/// Every accepted spelling (upper case) and its level: the names themselves, then the aliases.
pub const SPELLINGS: [(&str, Level); 18] = [
    ("DEBUG", Level::Debug),
    ("INFO", Level::Info),
    ("WARNING", Level::Warning),
    ("ERROR", Level::Error),
    ("CRITICAL", Level::Critical),
    ("TRACE", Level::Debug),
    ("DBG", Level::Debug),
    ("NOTICE", Level::Info),
    ("INF", Level::Info),
    ("WARN", Level::Warning),
    ("WRN", Level::Warning),
    ("ERR", Level::Error),
    ("EXCEPTION", Level::Error),
    ("CRIT", Level::Critical),
    ("FATAL", Level::Critical),
    ("EMERG", Level::Critical),
    ("ALERT", Level::Critical),
    ("PANIC", Level::Critical),
];

/// The level a word names, in any case (`warn`, `Fatal`); `None` for other words.
///
/// ```
/// use _native::vocabulary::{level_of, Level};
/// assert_eq!(level_of("warn"), Some(Level::Warning));
/// assert_eq!(level_of("Fatal"), Some(Level::Critical));
/// assert_eq!(level_of("nope"), None);
/// ```
pub fn level_of(word: &str) -> Option<Level> {
    if word.len() > 9 {
        return None;
    }
    SPELLINGS
        .iter()
        .find(|(spelling, _)| spelling.eq_ignore_ascii_case(word))
        .map(|&(_, level)| level)
}

/// Whether `word` is a level spelling written in upper case (a bare `ERROR` starts a message; `Error` does not).
pub fn is_upper_level(word: &str) -> bool {
    SPELLINGS.iter().any(|(spelling, _)| *spelling == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_maps_whatever_its_case() {
        for (spelling, level) in SPELLINGS {
            assert_eq!(level_of(spelling), Some(level));
            assert_eq!(level_of(&spelling.to_lowercase()), Some(level));
        }
        assert_eq!(level_of("ERRORS"), None);
        assert_eq!(level_of(""), None);
    }
}

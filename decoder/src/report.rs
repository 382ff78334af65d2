//! Line accounting: every input line is a record, merged into one, or skipped for a reason.

use crate::record::Reason;

/// How many skipped lines per reason a report quotes.
pub const EXAMPLES_PER_REASON: usize = 5;
/// How many characters of a skipped line an example keeps.
pub const EXAMPLE_CHARS: usize = 120;

/// A skipped line quoted in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub reason: Reason,
    pub line: u64,
    pub text: String,
}

/// Counts of one part of one source (a chunk, or a whole source once added up).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub lines: u64,
    pub records: u64,
    pub merged: u64,
    pub invalid_utf8: u64,
    /// Records whose JSON held a lone surrogate escape (replaced by U+FFFD).
    pub replaced_surrogates: u64,
    /// Kept records without a time (only counted when a pass reads the time).
    pub null_timestamp: u64,
    /// ... of which the time was a real date outside the representable range.
    pub timestamp_out_of_range: u64,
    /// Kept records without a level (only counted when a pass reads the level).
    pub no_level: u64,
    pub skipped: [u64; Reason::ALL.len()],
    pub examples: Vec<Example>,
}

impl Counts {
    pub fn skip(&mut self, reason: Reason, line: u64, text: &str) {
        self.skipped[reason as usize] += 1;
        if self.examples.iter().filter(|e| e.reason == reason).count() < EXAMPLES_PER_REASON {
            let text: String = text.chars().take(EXAMPLE_CHARS).collect();
            self.examples.push(Example { reason, line, text });
        }
    }

    /// Add `other` (a later part of the same source) to these counts.
    pub fn add(&mut self, other: Counts) {
        self.lines += other.lines;
        self.records += other.records;
        self.merged += other.merged;
        self.invalid_utf8 += other.invalid_utf8;
        self.replaced_surrogates += other.replaced_surrogates;
        self.null_timestamp += other.null_timestamp;
        self.timestamp_out_of_range += other.timestamp_out_of_range;
        self.no_level += other.no_level;
        for (total, n) in self.skipped.iter_mut().zip(other.skipped) {
            *total += n;
        }
        for example in other.examples {
            if self
                .examples
                .iter()
                .filter(|e| e.reason == example.reason)
                .count()
                < EXAMPLES_PER_REASON
            {
                self.examples.push(example);
            }
        }
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_capped_per_reason_across_parts() {
        let mut a = Counts::default();
        for line in 0..4 {
            a.skip(Reason::InvalidJson, line, "{]");
        }
        let mut b = Counts::default();
        for line in 4..8 {
            b.skip(Reason::InvalidJson, line, "{]");
        }
        b.skip(Reason::Blank, 9, "");
        a.add(b);
        assert_eq!(a.skipped[Reason::InvalidJson as usize], 8);
        assert_eq!(a.examples.len(), EXAMPLES_PER_REASON + 1);
        assert_eq!(a.skipped_total(), 9);
    }
}

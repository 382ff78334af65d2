//! Log formats: each turns one line (or one record's lines) into a [`Raw`] record or a skip reason.
//!
//! A format is one module; [`Format`] dispatches to them and says how the reader treats the format's
//! lines: which characters it strips, whether records span lines ([`Merge`]), and whether the message
//! may be a JSON object to unwrap.

pub mod cloudwatch;
pub mod cri;
pub mod detect;
pub mod docker;
pub mod jsonlines;
pub mod logfmt;
pub mod python;
pub mod text;
pub mod traces;

use crate::record::{Decoded, Want};
use jsonlines::JsonLines;

/// The formats by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    CloudWatch,
    Cri,
    Docker,
    Json,
    Logfmt,
    Python,
    Text,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::CloudWatch,
        Kind::Cri,
        Kind::Docker,
        Kind::Json,
        Kind::Logfmt,
        Kind::Python,
        Kind::Text,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::CloudWatch => "cloudwatch",
            Kind::Cri => "cri",
            Kind::Docker => "docker",
            Kind::Json => "json",
            Kind::Logfmt => "logfmt",
            Kind::Python => "python",
            Kind::Text => "text",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// How a format's records span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// One line, one record.
    None,
    /// A line for which the format's `continues` holds is joined (with `\n`) to the record before it,
    /// and the joined text is decoded (Python tracebacks, Java and Go traces in text).
    Lines,
    /// A decoded piece marked [`crate::record::Raw::open`] goes on in the next line: their `log`s are
    /// concatenated (Docker's 16 KiB pieces, CRI's `P` lines).
    Pieces,
}

/// Characters the reader strips from both ends of a line (space, tabs, CR, LF, VT, FF, BOM).
pub const STRIP_ALL: &[char] = &[' ', '\t', '\r', '\n', '\u{0b}', '\u{0c}', '\u{feff}'];
/// For CRI: a partial piece's trailing spaces belong to the line it splits.
pub const STRIP_EOL: &[char] = &['\r', '\n', '\u{feff}'];

/// A format, configured (the generic JSON format carries its field mapping).
#[derive(Debug, Clone)]
pub struct Format {
    pub kind: Kind,
    json: JsonLines,
    /// The year given to syslog times (which have none): the year of the reading.
    pub year: i32,
}

impl Format {
    pub fn new(kind: Kind, mapping: &[(String, String)], year: i32) -> Result<Format, String> {
        Ok(Format {
            kind,
            json: JsonLines::new(mapping)?,
            year,
        })
    }

    pub fn strip(&self) -> &'static [char] {
        if self.kind == Kind::Cri {
            STRIP_EOL
        } else {
            STRIP_ALL
        }
    }

    pub fn merge(&self) -> Merge {
        match self.kind {
            Kind::Python | Kind::Text => Merge::Lines,
            Kind::Docker | Kind::Cri => Merge::Pieces,
            _ => Merge::None,
        }
    }

    /// Whether a `log` that is a JSON object is unwrapped into level, message and fields.
    pub fn embedded_json(&self) -> bool {
        matches!(
            self.kind,
            Kind::CloudWatch | Kind::Docker | Kind::Cri | Kind::Text
        )
    }

    /// For [`Merge::Lines`]: whether a (stripped, non-blank) line continues the record before it.
    pub fn continues(&self, line: &str) -> bool {
        match self.kind {
            Kind::Python => !python::starts_record(line),
            Kind::Text => text::continues(line),
            _ => false,
        }
    }

    /// Decode one (stripped, non-blank) line, or one record's lines joined by `\n`.
    pub fn decode<'a>(&self, text: &'a str, want: &Want) -> Decoded<'a> {
        match self.kind {
            Kind::CloudWatch => cloudwatch::decode_for(text, want),
            Kind::Cri => cri::decode(text),
            Kind::Docker => docker::decode(text),
            Kind::Json => self.json.decode(text, want),
            Kind::Logfmt => logfmt::decode(text),
            Kind::Python => python::decode(text),
            Kind::Text => text::decode(text, self.year),
        }
    }
}

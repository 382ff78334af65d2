//! The types every format and stage share: what a format read from a line ([`Raw`]), why a line was
//! skipped ([`Reason`]), and which output columns a pass needs ([`Want`]).

use std::borrow::Cow;

/// One key-value pair of a record's `fields` (the value may be null).
pub type Field<'a> = (Cow<'a, str>, Option<Cow<'a, str>>);

/// What a format decoded from one record's text, before the message and the time are parsed.
///
/// Strings borrow from the line where they can (`Cow::Borrowed`); a format leaves out (`None`) what
/// it does not have.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Raw<'a> {
    /// The time as written (an ISO string, epoch digits, ...), parsed later by `timestamps`.
    pub time: Option<Cow<'a, str>>,
    pub stream: Option<Cow<'a, str>>,
    /// The application's message text (`ERROR:app.db:Connection failed tenant=b`), parsed later by `message`.
    pub log: Option<Cow<'a, str>>,
    pub namespace: Option<Cow<'a, str>>,
    pub pod: Option<Cow<'a, str>>,
    pub container: Option<Cow<'a, str>>,
    /// A level word given by the format itself (logfmt's `level=`), which wins over one in the message.
    pub raw_level: Option<Cow<'a, str>>,
    /// Structured key-values the format carries beside the message; listed before the message's own.
    pub attrs: Vec<Field<'a>>,
    /// For formats that split one record into pieces (Docker's 16 KiB pieces, CRI's `P` lines):
    /// this piece's record goes on in the next line.
    pub open: bool,
    /// A JSON string of the line held a lone surrogate escape (`\ud800`), replaced by U+FFFD.
    pub replaced: bool,
}

impl Raw<'_> {
    /// The same record owning all its strings.
    pub fn into_owned(self) -> Raw<'static> {
        fn own(value: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            value.map(|v| Cow::Owned(v.into_owned()))
        }
        Raw {
            time: own(self.time),
            stream: own(self.stream),
            log: own(self.log),
            namespace: own(self.namespace),
            pod: own(self.pod),
            container: own(self.container),
            raw_level: own(self.raw_level),
            attrs: self
                .attrs
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), own(v)))
                .collect(),
            open: self.open,
            replaced: self.replaced,
        }
    }
}

/// Why a line was skipped. Every input line is a record, merged into one, or skipped for a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    Blank,
    InvalidJson,
    TruncatedJson,
    NotAJsonObject,
    LineTooLong,
    NotCri,
    NotLogfmt,
}

impl Reason {
    /// Every reason, in the order reports list them when counts tie.
    pub const ALL: [Reason; 7] = [
        Reason::Blank,
        Reason::InvalidJson,
        Reason::TruncatedJson,
        Reason::NotAJsonObject,
        Reason::LineTooLong,
        Reason::NotCri,
        Reason::NotLogfmt,
    ];

    /// The name reports use (`invalid_json`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Blank => "blank",
            Reason::InvalidJson => "invalid_json",
            Reason::TruncatedJson => "truncated_json",
            Reason::NotAJsonObject => "not_a_json_object",
            Reason::LineTooLong => "line_too_long",
            Reason::NotCri => "not_cri",
            Reason::NotLogfmt => "not_logfmt",
        }
    }
}

/// What a format made of one line: a record, or the reason it was skipped.
pub type Decoded<'a> = Result<Raw<'a>, Reason>;

/// Which output columns a pass needs; stages skip the work of the others (a count parses no message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    pub timestamp: bool,
    pub level: bool,
    pub component: bool,
    pub message: bool,
    pub namespace: bool,
    pub pod: bool,
    pub container: bool,
    pub stream: bool,
    pub fields: bool,
}

impl Want {
    /// Every column.
    pub const ALL: Want = Want {
        timestamp: true,
        level: true,
        component: true,
        message: true,
        namespace: true,
        pod: true,
        container: true,
        stream: true,
        fields: true,
    };

    /// Whether the message text must be parsed at all (its level, component, body or fields).
    pub fn parses_message(&self) -> bool {
        self.level || self.component || self.message || self.fields
    }
}

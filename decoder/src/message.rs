//! The application message (`ERROR:app.db:Connection failed tenant=b`): level, component, text, fields.
//! STUB: to be written (see the design notes).

use std::borrow::Cow;

use crate::record::{Field, Want};
use crate::vocabulary::Level;

/// What a message says besides its text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    pub level: Option<Level>,
    pub component: Option<Cow<'a, str>>,
    pub message: Option<Cow<'a, str>>,
    pub fields: Vec<Field<'a>>,
}

/// Parse `log`; only what `want` asks for need be filled.
pub fn parse_message<'a>(log: &'a str, want: &Want) -> Message<'a> {
    let _ = want;
    Message { message: Some(Cow::Borrowed(log)), ..Message::default() }
}

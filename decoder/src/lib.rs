//! logframe's native decoder: log bytes of every format to Arrow record batches.
//!
//! This file is the PyO3 glue only; each concern is a plain Rust module.

pub mod embedded;
pub mod fields;
pub mod formats;
pub mod json;
pub mod message;
pub mod record;
pub mod timestamps;
pub mod vocabulary;

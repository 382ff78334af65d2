//! Arrow record batches in the record schema, built a row at a time by the decoder.
//!
//! Only the columns a pass asks for are built. Strings are `Utf8View` (Polars' own string layout, so
//! nothing is converted on the way in), `fields` a `LargeList<Struct<key, value>>`, `timestamp`
//! nanoseconds in UTC, `level` the codes of Polars' level `Enum` (a dictionary of the five levels, with
//! the field metadata by which Polars knows an `Enum`), so it arrives typed, one byte a row.

use std::sync::Arc;

use arrow_array::builder::{
    Int64Builder, StringViewBuilder, TimestampNanosecondBuilder, UInt8Builder,
};
use arrow_array::types::UInt8Type;
use arrow_array::{
    ArrayRef, DictionaryArray, LargeListArray, RecordBatch, StringViewArray, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field as ArrowField, Fields, Schema, TimeUnit};

use crate::record::Field;
use crate::vocabulary::Level;

/// The columns of the record schema, in order.
pub const COLUMNS: [&str; 11] = [
    "timestamp",
    "level",
    "component",
    "message",
    "namespace",
    "pod",
    "container",
    "stream",
    "fields",
    "source",
    "line",
];

/// Which of [`COLUMNS`] a pass builds (by position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns(pub [bool; 11]);

impl Columns {
    /// The columns named (unknown names are an error naming the accepted ones).
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Columns, String> {
        let mut wanted = [false; 11];
        for name in names {
            let name = name.as_ref();
            match COLUMNS.iter().position(|c| *c == name) {
                Some(i) => wanted[i] = true,
                None => {
                    return Err(format!(
                        "unknown column {name:?}; accepted: {}",
                        COLUMNS.join(", ")
                    ))
                }
            }
        }
        Ok(Columns(wanted))
    }

    pub fn has(&self, name: &str) -> bool {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .is_some_and(|i| self.0[i])
    }
}

fn field_struct() -> Fields {
    Fields::from(vec![
        ArrowField::new("key", DataType::Utf8View, true),
        ArrowField::new("value", DataType::Utf8View, true),
    ])
}

/// The level names in the form of Polars' `Enum` field metadata (`5;DEBUG4;INFO...`).
fn enum_metadata() -> String {
    Level::ALL
        .iter()
        .map(|l| format!("{};{}", l.as_str().len(), l.as_str()))
        .collect()
}

fn level_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8View))
}

fn arrow_field(column: &str) -> ArrowField {
    let field = ArrowField::new(column, data_type(column), true);
    if column == "level" {
        let metadata =
            std::collections::HashMap::from([("_PL_ENUM_VALUES2".to_string(), enum_metadata())]);
        return field.with_dict_is_ordered(true).with_metadata(metadata);
    }
    field
}

fn data_type(column: &str) -> DataType {
    match column {
        "level" => level_type(),
        "timestamp" => DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        "fields" => DataType::LargeList(Arc::new(ArrowField::new(
            "item",
            DataType::Struct(field_struct()),
            true,
        ))),
        "line" => DataType::Int64,
        _ => DataType::Utf8View,
    }
}

/// One record's values, borrowed for the time of [`BatchBuilder::push`].
pub struct Row<'r> {
    pub timestamp: Option<i64>,
    pub level: Option<Level>,
    pub component: Option<&'r str>,
    pub message: Option<&'r str>,
    pub namespace: Option<&'r str>,
    pub pod: Option<&'r str>,
    pub container: Option<&'r str>,
    pub stream: Option<&'r str>,
    pub fields: &'r [Field<'r>],
    pub more_fields: &'r [Field<'r>],
    pub line: u64,
}

/// Builders of the wanted columns.
pub struct BatchBuilder {
    columns: Columns,
    source: String,
    rows: usize,
    timestamp: TimestampNanosecondBuilder,
    level: UInt8Builder,
    /// (unused: level), component, message, namespace, pod, container, stream, source: an array, so
    /// that [`BatchBuilder::push`] names each builder without an index to check.
    strings: [StringViewBuilder; 8],
    keys: StringViewBuilder,
    values: StringViewBuilder,
    offsets: Vec<i64>,
    line: Int64Builder,
}

impl BatchBuilder {
    pub fn new(columns: Columns, source: &str) -> BatchBuilder {
        BatchBuilder {
            columns,
            source: source.to_string(),
            rows: 0,
            timestamp: TimestampNanosecondBuilder::new().with_timezone("UTC"),
            level: UInt8Builder::new(),
            strings: std::array::from_fn(|_| StringViewBuilder::new()),
            keys: StringViewBuilder::new(),
            values: StringViewBuilder::new(),
            offsets: vec![0],
            line: Int64Builder::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Append one record.
    pub fn push(&mut self, row: &Row<'_>) {
        let c = &self.columns.0;
        self.rows += 1;
        if c[0] {
            self.timestamp.append_option(row.timestamp);
        }
        if c[1] {
            self.level.append_option(row.level.map(|l| l as u8));
        }
        let [_, component, message, namespace, pod, container, stream, source] = &mut self.strings;
        // One call a column rather than a loop over them: the loop was not unrolled and cost more
        // than the appends of a narrow pass.
        let put = |wanted: bool, builder: &mut StringViewBuilder, text: Option<&str>| {
            if wanted {
                builder.append_option(text);
            }
        };
        put(c[2], component, row.component);
        put(c[3], message, row.message);
        put(c[4], namespace, row.namespace);
        put(c[5], pod, row.pod);
        put(c[6], container, row.container);
        put(c[7], stream, row.stream);
        if c[8] {
            for (key, value) in row.fields.iter().chain(row.more_fields) {
                self.keys.append_value(key);
                self.values.append_option(value.as_deref());
            }
            let last = self.offsets.last().copied().unwrap_or(0);
            self.offsets
                .push(last + (row.fields.len() + row.more_fields.len()) as i64);
        }
        if c[9] {
            source.append_value(&self.source);
        }
        if c[10] {
            self.line
                .append_value(i64::try_from(row.line).unwrap_or(i64::MAX));
        }
    }

    /// The batch of the records pushed so far (the builders start over).
    pub fn finish(&mut self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (i, name) in COLUMNS.iter().enumerate() {
            if !self.columns.0[i] {
                continue;
            }
            let array: ArrayRef = match i {
                0 => Arc::new(self.timestamp.finish()),
                1 => {
                    let names =
                        StringViewArray::from_iter_values(Level::ALL.iter().map(|l| l.as_str()));
                    Arc::new(DictionaryArray::<UInt8Type>::try_new(
                        self.level.finish(),
                        Arc::new(names),
                    )?)
                }
                2..=7 => Arc::new(self.strings[i - 1].finish()),
                8 => {
                    let keys = Arc::new(self.keys.finish()) as ArrayRef;
                    let values = Arc::new(self.values.finish()) as ArrayRef;
                    let pairs = StructArray::try_new(field_struct(), vec![keys, values], None)?;
                    let offsets = std::mem::replace(&mut self.offsets, vec![0]);
                    let item = Arc::new(ArrowField::new(
                        "item",
                        DataType::Struct(field_struct()),
                        true,
                    ));
                    Arc::new(LargeListArray::try_new(
                        item,
                        OffsetBuffer::new(offsets.into()),
                        Arc::new(pairs),
                        None::<NullBuffer>,
                    )?)
                }
                9 => Arc::new(self.strings[7].finish()),
                _ => Arc::new(self.line.finish()),
            };
            fields.push(arrow_field(name));
            arrays.push(array);
        }
        let rows = std::mem::take(&mut self.rows);
        let schema = Arc::new(Schema::new(fields));
        if arrays.is_empty() {
            let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
            return RecordBatch::try_new_with_options(schema, arrays, &options);
        }
        RecordBatch::try_new(schema, arrays)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn builds_only_the_wanted_columns() {
        let columns = Columns::from_names(&["level", "fields", "line"]).unwrap();
        let mut builder = BatchBuilder::new(columns, "a.log");
        let fields = vec![(Cow::Borrowed("tenant"), Some(Cow::Borrowed("b")))];
        builder.push(&Row {
            timestamp: Some(1),
            level: Some(Level::Error),
            component: None,
            message: Some("m"),
            namespace: None,
            pod: None,
            container: None,
            stream: None,
            fields: &fields,
            more_fields: &[],
            line: 7,
        });
        let batch = builder.finish().unwrap();
        assert_eq!(batch.num_rows(), 1);
        let names: Vec<_> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["level", "fields", "line"]);
    }

    #[test]
    fn a_batch_of_no_columns_keeps_its_row_count() {
        let mut builder = BatchBuilder::new(Columns([false; 11]), "a.log");
        for line in 0..3 {
            builder.push(&Row {
                timestamp: None,
                level: None,
                component: None,
                message: None,
                namespace: None,
                pod: None,
                container: None,
                stream: None,
                fields: &[],
                more_fields: &[],
                line,
            });
        }
        assert_eq!(builder.finish().unwrap().num_rows(), 3);
    }

    #[test]
    fn unknown_columns_are_named() {
        assert!(Columns::from_names(&["nope"])
            .unwrap_err()
            .contains("accepted"));
    }
}

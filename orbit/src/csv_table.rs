//! CSV tables as skytwin's input files write them (OMM CSV, stations files), read through the
//! `csv` crate: RFC 4180 quoting (`"..."`, `""` for a quote, line breaks allowed inside
//! quotes), LF or CRLF line ends, every field trimmed of surrounding spaces, blank lines and
//! lines of spaces skipped. The first record is the header. Line numbers are 1-based and name
//! the line where a record starts.

use csv::StringRecord;
use std::sync::Arc;

/// A `csv` crate error, shared so that error enums holding it stay `Clone` and `PartialEq`
/// (two are equal when they are the same error).
#[derive(Debug, Clone)]
pub struct CsvError(Arc<csv::Error>);

impl From<csv::Error> for CsvError {
    fn from(e: csv::Error) -> Self {
        Self(Arc::new(e))
    }
}

impl PartialEq for CsvError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CsvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// One record and the line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based line of the record's first character.
    pub line: usize,
    /// The fields, trimmed.
    pub fields: StringRecord,
}

/// The non-blank records of a CSV text, in order (the header first).
pub(crate) struct Rows<'a> {
    text: &'a str,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
}

/// The records of `text` (a UTF-8 byte-order mark must already be removed).
pub(crate) fn rows(text: &str) -> Rows<'_> {
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    Rows {
        text,
        records: reader.into_records(),
    }
}

/// Whether a record is a blank line or a line of spaces (one empty field once trimmed).
fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(str::is_empty) && record.len() <= 1
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, csv::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.records.next()? {
                Err(e) => return Some(Err(e)),
                Ok(record) if is_blank(&record) => continue,
                Ok(record) => {
                    let line = record
                        .position()
                        .map_or(0, |p| first_line(self.text, p.byte(), p.line()));
                    return Some(Ok(Row {
                        line,
                        fields: record,
                    }));
                }
            }
        }
    }
}

/// The line where a record really starts: the `csv` crate reports where its read started
/// (`byte`, on `line`), before the empty lines it skips.
fn first_line(text: &str, byte: u64, line: u64) -> usize {
    let skipped = text
        .as_bytes()
        .iter()
        .skip(byte as usize)
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .filter(|&&b| b == b'\n')
        .count();
    line as usize + skipped
}

/// The 1-based line of a `csv` error, where it has one (0 otherwise).
pub(crate) fn error_line(e: &csv::Error) -> usize {
    e.position().map_or(0, |p| p.line()) as usize
}

/// The 0-based positions of the first column name that appears twice in a header (empty
/// names are ignored), if any.
pub(crate) fn duplicate_column(header: &StringRecord) -> Option<(usize, usize)> {
    let names: Vec<&str> = header.iter().collect();
    names.iter().enumerate().find_map(|(j, name)| {
        (!name.is_empty())
            .then(|| names[..j].iter().position(|h| h == name))
            .flatten()
            .map(|i| (i, j))
    })
}

/// The header with every name changed by `normalise` (e.g. to one letter case).
pub(crate) fn normalised_header(
    header: &StringRecord,
    normalise: fn(&str) -> String,
) -> StringRecord {
    header.iter().map(normalise).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_and_fields(text: &str) -> Vec<(usize, Vec<String>)> {
        rows(text)
            .map(|r| {
                let r = r.unwrap();
                (r.line, r.fields.iter().map(str::to_owned).collect())
            })
            .collect()
    }

    #[test]
    fn val_analytic_rfc4180_quoting_trimming_and_line_numbers() {
        let text = "\n\na, b ,c\r\n\r\n   \n1,\"x, \"\"y\"\"\",3\n\"multi\nline\",5,6\n\n\r\n7,8,9";
        assert_eq!(
            lines_and_fields(text),
            vec![
                (3, vec!["a".into(), "b".into(), "c".into()]),
                (6, vec!["1".into(), "x, \"y\"".into(), "3".into()]),
                (7, vec!["multi\nline".into(), "5".into(), "6".into()]),
                (11, vec!["7".into(), "8".into(), "9".into()]),
            ]
        );
    }

    #[test]
    fn val_analytic_duplicate_columns() {
        let header = StringRecord::from(vec!["A", "", "B", "", "A"]);
        assert_eq!(duplicate_column(&header), Some((0, 4)));
        assert_eq!(
            duplicate_column(&StringRecord::from(vec!["A", "", "", "B"])),
            None
        );
        let upper = normalised_header(&StringRecord::from(vec!["a", "B"]), str::to_ascii_uppercase);
        assert_eq!(upper, StringRecord::from(vec!["A", "B"]));
    }
}

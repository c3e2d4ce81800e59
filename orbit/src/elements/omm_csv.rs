//! CelesTrak OMM CSV: a header row of OMM field names, then one element set per row. Fields
//! may be quoted (`"..."`, with `""` for a quote); an empty field counts as absent. See
//! `omm.rs` for the fields.

use super::omm::{RawField, build};
use super::{ElementSet, ElementsError};

/// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside fields).
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => in_quotes = false,
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The 0-based positions of the first column name that appears twice in a header (empty
/// names are ignored), if any.
pub fn duplicate_column(header: &[String]) -> Option<(usize, usize)> {
    header.iter().enumerate().find_map(|(j, name)| {
        (!name.is_empty())
            .then(|| header[..j].iter().position(|h| h == name))
            .flatten()
            .map(|i| (i, j))
    })
}

/// Parses OMM CSV text.
pub(crate) fn parse(text: &str, source: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let mut rows = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_number, header_line)) = rows.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = split_csv_line(header_line)
        .iter()
        .map(|h| h.trim().to_ascii_uppercase())
        .collect();
    if let Some((first, second)) = duplicate_column(&header) {
        return Err(ElementsError::CsvDuplicateColumn {
            file: source.to_owned(),
            line: header_number,
            column: header[first].clone(),
            first: first + 1,
            second: second + 1,
        });
    }
    let mut sets = Vec::new();
    for (line, row) in rows {
        let values = split_csv_line(row);
        if values.len() != header.len() {
            return Err(ElementsError::CsvFieldCount {
                file: source.to_owned(),
                line,
                expected: header.len(),
                found: values.len(),
            });
        }
        let get = |field: &'static str| -> Option<RawField> {
            let index = header.iter().position(|h| h == field)?;
            let value = values[index].trim();
            (!value.is_empty()).then(|| RawField {
                text: value.to_owned(),
                line,
            })
        };
        sets.push(build(&get, line, source)?);
    }
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_utc;

    #[test]
    fn val_analytic_reads_celestrak_csv() {
        let text = "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT\r\n\
            \"ISS (ZARYA)\",1998-067A,2020-07-12T21:16:01.000416,15.49507896,.0001413,51.6461,221.2784,89.1723,280.4612,0,U,25544,999,23600,-.31515E-4,-.2218E-4,0\r\n";
        let sets = parse(text, "iss.csv").unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(format_utc(sets[0].epoch), "2020-07-12T21:16:01.000416Z");
        assert_eq!(sets[0].bstar_per_earth_radius, -3.1515e-5);
        assert_eq!(sets[0].eccentricity, 0.0001413);
    }

    #[test]
    fn val_analytic_csv_quoting() {
        assert_eq!(
            split_csv_line("a,\"b,c\",\"d\"\"e\",,f"),
            vec!["a", "b,c", "d\"e", "", "f"]
        );
    }
}

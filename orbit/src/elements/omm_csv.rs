//! CelesTrak OMM CSV: a header row of OMM field names (any letter case, any order; columns
//! that are not OMM fields are ignored), then one element set per record. Read through the
//! `csv` crate (RFC 4180 quoting, see `csv_table`) and deserialised with serde into
//! [`OmmCsvRecord`] by column name; an empty field counts as absent. The values are then
//! checked and converted by the builder shared with OMM JSON (`omm.rs`), so both formats give
//! the same messages: file, line of the record, field, expected, found.

use super::omm::{RawField, build};
use super::{ElementSet, ElementsError};
use crate::csv_table::{self, Row};

/// One OMM CSV record, its fields by OMM name (CelesTrak's columns), as text.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct OmmCsvRecord {
    object_name: Option<String>,
    object_id: Option<String>,
    epoch: Option<String>,
    mean_motion: Option<String>,
    eccentricity: Option<String>,
    inclination: Option<String>,
    ra_of_asc_node: Option<String>,
    arg_of_pericenter: Option<String>,
    mean_anomaly: Option<String>,
    ephemeris_type: Option<String>,
    classification_type: Option<String>,
    norad_cat_id: Option<String>,
    element_set_no: Option<String>,
    rev_at_epoch: Option<String>,
    bstar: Option<String>,
    mean_motion_dot: Option<String>,
    mean_motion_ddot: Option<String>,
}

impl OmmCsvRecord {
    /// A field by its OMM name.
    fn get(&self, field: &str) -> Option<&str> {
        let value = match field {
            "OBJECT_NAME" => &self.object_name,
            "OBJECT_ID" => &self.object_id,
            "EPOCH" => &self.epoch,
            "MEAN_MOTION" => &self.mean_motion,
            "ECCENTRICITY" => &self.eccentricity,
            "INCLINATION" => &self.inclination,
            "RA_OF_ASC_NODE" => &self.ra_of_asc_node,
            "ARG_OF_PERICENTER" => &self.arg_of_pericenter,
            "MEAN_ANOMALY" => &self.mean_anomaly,
            "EPHEMERIS_TYPE" => &self.ephemeris_type,
            "CLASSIFICATION_TYPE" => &self.classification_type,
            "NORAD_CAT_ID" => &self.norad_cat_id,
            "ELEMENT_SET_NO" => &self.element_set_no,
            "REV_AT_EPOCH" => &self.rev_at_epoch,
            "BSTAR" => &self.bstar,
            "MEAN_MOTION_DOT" => &self.mean_motion_dot,
            "MEAN_MOTION_DDOT" => &self.mean_motion_ddot,
            _ => &None,
        };
        value.as_deref()
    }
}

/// Parses OMM CSV text.
pub(crate) fn parse(text: &str, source: &str) -> Result<Vec<ElementSet>, ElementsError> {
    let csv_error = |e: csv::Error| ElementsError::Csv {
        file: source.to_owned(),
        line: csv_table::error_line(&e),
        source: e.into(),
    };
    let mut rows = csv_table::rows(text);
    let Some(header) = rows.next() else {
        return Ok(Vec::new());
    };
    let header = header.map_err(csv_error)?;
    let names = csv_table::normalised_header(&header.fields, str::to_ascii_uppercase);
    if let Some((first, second)) = csv_table::duplicate_column(&names) {
        return Err(ElementsError::CsvDuplicateColumn {
            file: source.to_owned(),
            line: header.line,
            column: names[first].to_owned(),
            first: first + 1,
            second: second + 1,
        });
    }
    let mut sets = Vec::new();
    for row in rows {
        let Row { line, fields } = row.map_err(csv_error)?;
        if fields.len() != names.len() {
            return Err(ElementsError::CsvFieldCount {
                file: source.to_owned(),
                line,
                expected: names.len(),
                found: fields.len(),
            });
        }
        let record: OmmCsvRecord = fields.deserialize(Some(&names)).map_err(csv_error)?;
        let get = |field: &'static str| {
            record.get(field).map(|text| RawField {
                text: text.to_owned(),
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

    const HEADER: &str = "OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT";

    #[test]
    fn val_analytic_reads_celestrak_csv() {
        let text = format!(
            "{HEADER}\r\n\"ISS (ZARYA)\",1998-067A,2020-07-12T21:16:01.000416,15.49507896,.0001413,51.6461,221.2784,89.1723,280.4612,0,U,25544,999,23600,-.31515E-4,-.2218E-4,0\r\n"
        );
        let sets = parse(&text, "iss.csv").unwrap();
        assert_eq!(sets.len(), 1);
        assert_eq!(sets[0].name.as_deref(), Some("ISS (ZARYA)"));
        assert_eq!(format_utc(sets[0].epoch), "2020-07-12T21:16:01.000416Z");
        assert_eq!(sets[0].bstar_per_earth_radius, -3.1515e-5);
        assert_eq!(sets[0].eccentricity, 0.0001413);
    }

    #[test]
    fn val_analytic_csv_quoting_case_and_unknown_columns() {
        // lower-case header, an extra column, a name with a comma and a quote, spaces around
        // fields, a blank line: the same set
        let text = format!(
            "{},CENTER_NAME\n\n\"Say \"\"hi\"\", A\", 1998-067A ,2020-07-12T21:16:01.000416,15.49507896,.0001413,51.6461,221.2784,89.1723,280.4612,0,U,25544,999,23600,-.31515E-4,-.2218E-4,0,EARTH\n",
            HEADER.to_ascii_lowercase()
        );
        let sets = parse(&text, "x.csv").unwrap();
        assert_eq!(sets[0].name.as_deref(), Some("Say \"hi\", A"));
        assert_eq!(
            sets[0].international_designator.as_deref(),
            Some("1998-067A")
        );
        assert_eq!(sets[0].norad_id, 25544);
    }
}

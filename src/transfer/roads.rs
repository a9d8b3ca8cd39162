//! `fourroads roads evaluate`: where the labelled notes come from (a CSV file with `notes`
//! and `road` columns, or the store's confirmed calls) and the report it prints. The
//! cross-validation itself is `domain::roads::evaluate`.

use std::collections::HashMap;

use crate::domain::Road;
use crate::domain::roads::Method;
use crate::domain::roads::evaluate::{
    EvaluateError, Evaluation, cross_validate, report, summary_line,
};
use crate::domain::text::sanitize_line;
use crate::store::{Store, StoreError};

use super::import::open_csv;

/// Labelled notes, as `parse_labelled_file` reads them.
pub type LabelledNotes = Vec<(String, Road)>;

/// As `parse_labelled_file`, without the warnings.
pub fn parse_labelled(label: &str, bytes: &[u8]) -> Result<LabelledNotes, Vec<String>> {
    parse_labelled_file(label, bytes).map(|(notes, _)| notes)
}

/// Reads labelled notes from CSV bytes: a header row naming at least `notes` and `road`
/// (any order, any case; other columns ignored), then one note per row with its road 1–4.
/// Every problem is reported as `FILE:LINE: reason`; any problem means no notes. A row
/// whose notes are empty is left out with a warning (there is nothing to read in it).
pub fn parse_labelled_file(
    label: &str,
    bytes: &[u8],
) -> Result<(LabelledNotes, Vec<String>), Vec<String>> {
    let label = &*sanitize_line(label);
    let (mut reader, headers) = open_csv(label, bytes)?;
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        for wanted in ["notes", "road"] {
            if name == wanted && column.insert(wanted, i).is_some() {
                return Err(vec![format!(
                    "{label}:1: the column \"{wanted}\" appears twice"
                )]);
            }
        }
    }
    let (Some(&notes_at), Some(&road_at)) = (column.get("notes"), column.get("road")) else {
        return Err(vec![format!(
            "{label}:1: the first row must name the columns, with at least \"notes\" and \"road\""
        )]);
    };
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                problems.push(format!("{label}:{line}: cannot read this row ({e})"));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        match check_row(&record, notes_at, road_at) {
            Ok(Some(note)) => notes.push(note),
            Ok(None) => warnings.push(format!(
                "{label}:{line}: the notes are empty; this row is left out"
            )),
            Err(reason) => problems.push(format!("{label}:{line}: {}", sanitize_line(&reason))),
        }
    }
    if problems.is_empty() {
        Ok((notes, warnings))
    } else {
        Err(problems)
    }
}

/// One row: its note and road, `None` when the notes are empty, or why it is wrong.
fn check_row(
    record: &csv::ByteRecord,
    notes_at: usize,
    road_at: usize,
) -> Result<Option<(String, Road)>, String> {
    let text = |at: usize, name: &str| {
        std::str::from_utf8(record.get(at).unwrap_or_default())
            .map_err(|_| format!("the {name} field is not valid UTF-8"))
    };
    let notes = text(notes_at, "notes")?;
    let road_text = text(road_at, "road")?.trim();
    let road = road_of(road_text)
        .ok_or_else(|| format!("the road must be 1, 2, 3 or 4 (it is \"{road_text}\")"))?;
    if notes.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some((notes.to_string(), road)))
}

/// A road as a file gives it: its number, or its number and name as the app shows it
/// (`2 Care`, any case).
fn road_of(text: &str) -> Option<Road> {
    let (number, name) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let road = Road::from_number(number.parse().ok()?)?;
    let name = name.trim();
    (name.is_empty() || name.eq_ignore_ascii_case(road.name())).then_some(road)
}

/// The store's confirmed calls: every finished call a lead reviewed, with the lead's road.
/// Returns the notes and how many reviewed calls were skipped for having no notes.
pub fn confirmed_from_store(store: &dyn Store) -> Result<(Vec<(String, Road)>, usize), StoreError> {
    let mut notes = Vec::new();
    let mut empty = 0;
    store.confirmed_calls(&mut |_call, text, road| {
        if text.trim().is_empty() {
            empty += 1;
        } else {
            notes.push((text.to_string(), road));
        }
        true
    })?;
    Ok((notes, empty))
}

/// Cross-validates and renders the whole report; its last line is the summary line.
pub fn evaluate_report(
    notes: &[(String, Road)],
    folds: usize,
    method: Method,
) -> Result<(Evaluation, String), EvaluateError> {
    let evaluation = cross_validate(notes, folds, method)?;
    let mut out = format!(
        "{} labelled notes, stratified {}-fold cross-validation (fixed seed)\n\n",
        evaluation.notes, evaluation.folds
    );
    out.push_str(&report(
        &format!("Suggestion ({}, words and word pairs)", method.name()),
        &evaluation.model,
    ));
    out.push('\n');
    out.push_str(&report(
        "Keyword baseline (fixed word lists)",
        &evaluation.keywords,
    ));
    out.push('\n');
    out.push_str(&summary_line(&evaluation));
    out.push('\n');
    Ok((evaluation, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_notes_with_line_breaks_and_extra_columns_are_read() {
        let csv = "id,Notes,road,agent\r\n1,\"two\r\nlines, \"\"quoted\"\"\",2,x\r\n2,plain,4 go away,y\r\n";
        let notes = parse_labelled("f.csv", csv.as_bytes()).unwrap();
        assert_eq!(
            notes,
            [
                ("two\r\nlines, \"quoted\"".to_string(), Road::Care),
                ("plain".to_string(), Road::GoAway)
            ]
        );
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let csv = "notes,road\n\"a\nb\",1\nok,5\n,2\nfine,x\nbad,2 Teach\n";
        let problems = parse_labelled("f.csv", csv.as_bytes()).unwrap_err();
        assert_eq!(
            problems,
            [
                "f.csv:4: the road must be 1, 2, 3 or 4 (it is \"5\")",
                "f.csv:6: the road must be 1, 2, 3 or 4 (it is \"x\")",
                "f.csv:7: the road must be 1, 2, 3 or 4 (it is \"2 Teach\")",
            ]
        );
        let (notes, warnings) =
            parse_labelled_file("f.csv", b"notes,road\nok,1\n\" \",2\n").unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            warnings,
            ["f.csv:3: the notes are empty; this row is left out"]
        );
        let missing = parse_labelled("f.csv", b"text,road\nx,1\n").unwrap_err();
        assert!(missing[0].starts_with("f.csv:1: "), "{missing:?}");
        let open =
            parse_labelled("f.csv", b"notes,road\nok,1\n\"never closed,2\nx,3\n").unwrap_err();
        assert!(open[0].starts_with("f.csv:3: a quote"), "{open:?}");
    }
}

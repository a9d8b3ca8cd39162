//! `fourroads roads evaluate`: how well the road suggestion does, measured on labelled
//! notes.

use std::path::Path;

use fourroads::domain::text::sanitize_line;

use super::opening::{Failure, open_store};

/// `roads evaluate`: cross-validates the road suggestion on a labelled CSV or on the
/// store's confirmed calls and prints the report, ending with the one summary line.
pub(super) fn evaluate(
    labelled: Option<&Path>,
    folds: usize,
    method: Option<fourroads::cli::MethodArg>,
    store_path: &Path,
) -> Result<(), Failure> {
    use fourroads::transfer::{import, roads};
    let notes = match labelled {
        Some(file) => {
            let label = sanitize_line(&file.display().to_string()).into_owned();
            let bytes = std::fs::read(file).map_err(|e| {
                format!("cannot read {label}: {}", fourroads::store::describe_io(&e))
            })?;
            match roads::parse_labelled_file(&label, &bytes) {
                Ok((notes, warnings)) => {
                    for line in import::report(&warnings) {
                        eprintln!("fourroads: warning: {}", sanitize_line(&line));
                    }
                    notes
                }
                Err(problems) => {
                    for line in import::report(&problems) {
                        eprintln!("{}", sanitize_line(&line));
                    }
                    return Err(format!(
                        "nothing was evaluated: {} in {label}; fix them and run it again",
                        fourroads::domain::text::plural(
                            problems.len() as u64,
                            "problem",
                            "problems"
                        )
                    )
                    .into());
                }
            }
        }
        None => {
            let store = open_store(store_path)?;
            let (notes, empty) = roads::confirmed_from_store(&store)?;
            if empty > 0 {
                eprintln!("fourroads: {empty} reviewed call(s) without notes were left out");
            }
            notes
        }
    };
    let method = method.map(Into::into).unwrap_or_default();
    let (_, report) = roads::evaluate_report(&notes, folds, method)?;
    print!("{report}");
    Ok(())
}

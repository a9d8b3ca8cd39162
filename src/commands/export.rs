//! `fourroads export`: a summary, a call or a customer as markdown, from the templates.

use std::path::{Path, PathBuf};

use fourroads::cli::ExportWhat;
use fourroads::domain::Clock;
use fourroads::domain::text::sanitize_line;

use super::opening::{Failure, open_store};

/// `fourroads export summary|call|customer`: markdown on stdout or in `-o FILE`.
pub(super) fn export(
    what: ExportWhat,
    agent: Option<String>,
    output: Option<PathBuf>,
    redact: bool,
    templates_dir: Option<&Path>,
    store_path: &Path,
) -> Result<(), Failure> {
    use fourroads::export::{Templates, summary};

    let templates = Templates::load(templates_dir, redact)?;
    let store = open_store(store_path)?;
    let clock = Clock::system();
    let text = match what {
        ExportWhat::Summary {
            from,
            to,
            road,
            calls,
        } => {
            let to = to.unwrap_or_else(|| clock.today());
            let from =
                from.unwrap_or_else(|| to.checked_sub(jiff::Span::new().days(6)).unwrap_or(to));
            let request = summary::SummaryRequest {
                from,
                to,
                agent,
                road: road.and_then(fourroads::domain::Road::from_number),
                calls,
                blind_lead: None,
                // In a team an agent's export holds their own figures, as their dashboard.
                own_figures: store
                    .identity()?
                    .filter(|me| me.role == fourroads::domain::call::Role::Agent)
                    .map(|me| me.name),
            };
            summary::summary(&store, &templates, &request, &clock)?
        }
        ExportWhat::Call { id } => summary::call(&store, &templates, id, &clock)?,
        ExportWhat::Customer { id } => summary::customer(&store, &templates, id, &clock)?,
    };
    match output {
        Some(path) => {
            // The user named the file: it is replaced if it exists (owner-only either way).
            let shown = sanitize_line(&path.display().to_string()).into_owned();
            fourroads::export::files::write_private(&path, text.as_bytes()).map_err(|e| {
                format!(
                    "cannot write {shown}: {}",
                    fourroads::store::describe_io(&e)
                )
            })?;
            eprintln!("Wrote {shown}.");
        }
        None => print!("{text}"),
    }
    Ok(())
}

//! Thin entry point: command line → errors → logging → config → store → runtime.

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use directories::ProjectDirs;

use fourroads::app::State;
use fourroads::cli::{Cli, CliCommand, EraseWhat, ExportWhat, ImportWhat, RoleArg};
use fourroads::config::Config;
use fourroads::domain::Clock;
use fourroads::domain::call::Role;
use fourroads::input::Keymap;
use fourroads::store::{SledStore, Store, StoreError, demo};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("fourroads: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// One line for the user and an exit status.
struct Failure {
    message: String,
    code: u8,
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure {
            message: e.to_string(),
            code: 1,
        }
    }
}

fn open_store(path: &std::path::Path) -> Result<SledStore, Failure> {
    let notice = |text: &str| eprintln!("fourroads: {text}");
    SledStore::open_with_notice(path, &notice).map_err(|e| Failure {
        code: if matches!(e, StoreError::Locked(_)) {
            2
        } else {
            1
        },
        message: e.to_string(),
    })
}

fn run(cli: Cli) -> Result<(), Failure> {
    let dirs = ProjectDirs::from("", "", "fourroads");
    let data_dir = dirs
        .as_ref()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".fourroads"));
    let config_path = dirs
        .as_ref()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("fourroads.toml"));
    let _log_guard = start_logging(&data_dir);
    let config = Config::load(&config_path)?;
    let keymap = Keymap::with_overrides(&config.keys)
        .map_err(|e| format!("the config file {}: {e}", config_path.display()))?;
    let store_path = cli.store.clone().unwrap_or_else(|| data_dir.join("store"));
    let agent = cli
        .agent
        .clone()
        .or(config.agent.clone())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "agent".to_string());
    let role = match cli.role {
        Some(RoleArg::Lead) => Role::Lead,
        Some(RoleArg::Agent) => Role::Agent,
        None => config.role.unwrap_or(Role::Agent),
    };

    let templates_dir = config_path.parent().map(|d| d.join("templates"));
    match cli.command {
        Some(CliCommand::Export {
            what,
            output,
            no_redact,
        }) => export(
            what,
            cli.agent.clone(),
            output,
            !no_redact,
            templates_dir.as_deref(),
            &store_path,
        ),
        Some(CliCommand::Import {
            what: ImportWhat::Customers { file },
        }) => import_customers(&file, &store_path),
        Some(CliCommand::Erase {
            what: EraseWhat::Customer { id, yes },
        }) => erase_customer(&id, yes, &store_path),
        Some(CliCommand::Gen {
            customers,
            calls,
            seed,
            agents,
        }) => {
            use std::io::{IsTerminal, Write};
            let store = open_store(&store_path)?;
            let request = fourroads::transfer::generate::GenRequest {
                customers,
                calls,
                seed,
                agents,
            };
            let terminal = std::io::stderr().is_terminal();
            let started = std::time::Instant::now();
            let generated = fourroads::transfer::generate::generate(
                &store,
                &request,
                &mut |what, done, total| {
                    if terminal {
                        eprint!("\r{what}: {done}/{total}          ");
                        let _ = std::io::stderr().flush();
                        if done == total {
                            eprintln!();
                        }
                    }
                },
            )?;
            println!(
                "Generated {} customers, {} calls ({} reviewed, {} cases) in {} with seed {seed} in {:.1} s.",
                generated.customers,
                generated.calls,
                generated.reviews,
                generated.cases,
                store_path.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some(CliCommand::Backup { file }) => {
            let store = open_store(&store_path)?;
            let tally = fourroads::transfer::backup::backup(&store, &file, jiff::Timestamp::now())?;
            println!("Backed up {tally} to {}.", file.display());
            Ok(())
        }
        Some(CliCommand::Restore { file, force }) => {
            let mut store = open_store(&store_path)?;
            let tally = fourroads::transfer::backup::restore(&mut store, &file, force)?;
            println!(
                "Restored {tally} from {} into {}.",
                file.display(),
                store_path.display()
            );
            Ok(())
        }
        Some(CliCommand::Demo { force }) => {
            let store = open_store(&store_path)?;
            if !force && !store.is_empty()? {
                return Err(format!(
                    "the store at {} already has customers; use `fourroads demo --force` to add the demo data anyway",
                    store_path.display()
                )
                .into());
            }
            let loaded = demo::load(&store, &Clock::system())?;
            println!(
                "Loaded {} customers and {} calls into {}.",
                loaded.customers,
                loaded.calls,
                store_path.display()
            );
            Ok(())
        }
        None => {
            let store = open_store(&store_path)?;
            let mut state = State::new(
                &agent,
                role,
                &store_path.display().to_string(),
                Clock::system(),
            );
            state.review.blind = config.blind_review.unwrap_or(true);
            state.export_dir = data_dir.join("exports");
            state.templates_dir = templates_dir.clone();
            let store: Arc<dyn Store> = Arc::new(store);
            fourroads::runtime::run(store, state, keymap).map_err(|e| e.to_string())?;
            Ok(())
        }
    }
}

/// Logs go to a file in the data directory, never to the screen.
fn start_logging(
    data_dir: &std::path::Path,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    std::fs::create_dir_all(data_dir).ok()?;
    let appender = tracing_appender::rolling::never(data_dir, "fourroads.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// `fourroads import customers FILE`: check every row, then write, with progress on a
/// terminal's stderr.
fn import_customers(file: &std::path::Path, store_path: &std::path::Path) -> Result<(), Failure> {
    use fourroads::transfer::import;
    use std::io::{IsTerminal, Write};

    let label = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {label}: {e}"))?;
    let now = jiff::Timestamp::now();
    let parsed = match import::parse(&label, &bytes, now) {
        Ok(parsed) => parsed,
        Err(problems) => {
            for line in import::report(&problems) {
                eprintln!("{line}");
            }
            return Err(format!(
                "nothing was imported: {} problem(s) in {label}; fix them and run the import again",
                problems.len()
            )
            .into());
        }
    };
    for warning in &parsed.warnings {
        eprintln!("fourroads: warning: {warning}");
    }
    let store = open_store(store_path)?;
    let show_progress = std::io::stderr().is_terminal() && parsed.rows.len() >= 1000;
    let mut progress = |done: usize, total: usize| {
        if show_progress {
            eprint!("\rimporting {done}/{total} customers");
            let _ = std::io::stderr().flush();
            if done == total {
                eprintln!();
            }
        }
    };
    let summary = import::apply(&store, &parsed, now, &mut progress)?;
    println!(
        "Imported {label}: {} added, {} updated, {} unchanged.",
        summary.added, summary.updated, summary.unchanged
    );
    Ok(())
}

/// `fourroads erase customer ID`: finds the customer, asks (unless `--yes`), erases.
fn erase_customer(wanted: &str, yes: bool, store_path: &std::path::Path) -> Result<(), Failure> {
    use std::io::{BufRead, IsTerminal, Write};

    let store = open_store(store_path)?;
    let customer = match wanted.trim().parse::<fourroads::domain::Id>() {
        Ok(id) => store.customer(id)?,
        Err(_) => {
            let matches: Vec<_> = store
                .all_customers()?
                .into_iter()
                .filter(|c| c.name == wanted.trim())
                .collect();
            if matches.len() > 1 {
                return Err(format!(
                    "{} customers are named \"{wanted}\"; give the ID instead (it is in a backup file)",
                    matches.len()
                )
                .into());
            }
            matches.into_iter().next()
        }
    };
    let Some(customer) = customer else {
        return Err(format!("no customer has the ID or exact name \"{wanted}\"").into());
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "erasing cannot be undone; add --yes to confirm when not at a terminal".into(),
            );
        }
        eprint!(
            "Erase {} ({}) and every call, note, case, review and audit entry about them? This cannot be undone. Type yes: ",
            customer.name, customer.id
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            return Err("nothing was erased".into());
        }
    }
    let Some(erased) = store.erase_customer(customer.id)? else {
        return Err("that customer is no longer in the store".into());
    };
    println!(
        "Erased {}: the customer record, {} calls, {} notes, {} cases and {} audit entries.",
        erased.name, erased.calls, erased.notes, erased.cases, erased.audit
    );
    Ok(())
}

/// `fourroads export summary|call|customer`: markdown on stdout or in `-o FILE`.
fn export(
    what: ExportWhat,
    agent: Option<String>,
    output: Option<PathBuf>,
    redact: bool,
    templates_dir: Option<&std::path::Path>,
    store_path: &std::path::Path,
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
            };
            summary::summary(&store, &templates, &request, &clock)?
        }
        ExportWhat::Call { id } => summary::call(&store, &templates, id, &clock)?,
        ExportWhat::Customer { id } => summary::customer(&store, &templates, id, &clock)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("Wrote {}.", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}

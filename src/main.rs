//! Thin entry point: command line → errors → logging → config → store → runtime.

#![forbid(unsafe_code)]

mod team;

/// sled allocates and frees small buffers by the million on a large sync or import; the
/// system allocator spent about a third of a join's CPU on them (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use directories::ProjectDirs;

use fourroads::app::State;
use fourroads::cli::{
    Cli, CliCommand, EraseWhat, ExportWhat, ImportWhat, RoadsWhat, RoleArg, TeamWhat,
};
use fourroads::config::Config;
use fourroads::domain::Clock;
use fourroads::domain::call::Role;
use fourroads::domain::text::sanitize_line;
use fourroads::input::Keymap;
use fourroads::store::{SledStore, Store, StoreError, demo};
use fourroads::transfer::staging;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("fourroads: {}", sanitize_line(&failure.message));
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
    let notice = |text: &str| eprintln!("fourroads: {}", sanitize_line(text));
    staging::recover(path).map_err(|source| StoreError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut store = SledStore::open_with_notice(path, &notice).map_err(|e| Failure {
        code: if matches!(e, StoreError::Locked(_)) {
            2
        } else {
            1
        },
        message: e.to_string(),
    })?;
    rewrite_after_erasure(&mut store)?;
    Ok(store)
}

/// An erasure from the team removed records: the store's files are rewritten without the
/// old copies (see `staging::rewrite_if_owed`).
fn rewrite_after_erasure(store: &mut SledStore) -> Result<(), Failure> {
    if store.rewrite_owed()? {
        eprintln!("fourroads: rewriting the store's files without a customer the team erased…");
        staging::rewrite_if_owed(store)?;
    }
    Ok(())
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
    let snippets_path = config_path.parent().map_or_else(
        || PathBuf::from("snippets.toml"),
        |d| d.join("snippets.toml"),
    );
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
        Some(CliCommand::Team {
            what: TeamWhat::Init { url },
        }) => team_init(&url),
        Some(CliCommand::Roads {
            what:
                RoadsWhat::Evaluate {
                    labelled,
                    folds,
                    method,
                },
        }) => roads_evaluate(labelled.as_deref(), folds, method, &store_path),
        Some(CliCommand::Team {
            what: TeamWhat::Join { url },
        }) => {
            let mut store = open_store(&store_path)?;
            team::join(&store, &url)?;
            rewrite_after_erasure(&mut store)
        }
        Some(CliCommand::Team {
            what: TeamWhat::Status,
        }) => team::status(&open_store(&store_path)?).map_err(Failure::from),
        Some(CliCommand::Team {
            what: TeamWhat::Leave,
        }) => team::leave(&open_store(&store_path)?).map_err(Failure::from),
        Some(CliCommand::Sync) => {
            let mut store = open_store(&store_path)?;
            team::sync(&store)?;
            rewrite_after_erasure(&mut store)
        }
        Some(CliCommand::Gen {
            customers,
            calls,
            seed,
            agents,
        }) => {
            use std::io::{IsTerminal, Write};
            let mut store = open_store(&store_path)?;
            if store.has_records() {
                return Err(format!(
                    "the store at {} is not empty; generate into a new store (--store PATH)",
                    store_path.display()
                )
                .into());
            }
            let request = fourroads::transfer::generate::GenRequest {
                customers,
                calls,
                seed,
                agents,
            };
            let terminal = std::io::stderr().is_terminal();
            let started = std::time::Instant::now();
            // Built in a fresh store and swapped in when complete (all or nothing).
            let generated = staging::replace(&mut store, true, |fresh| {
                fourroads::transfer::generate::generate(
                    fresh,
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
                )
            })?;
            println!(
                "Generated {} customers, {} calls ({} reviewed, {} cases) in {} with seed {seed} in {:.1} s.",
                generated.customers,
                generated.calls,
                generated.reviews,
                generated.cases,
                sanitize_line(&store_path.display().to_string()),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some(CliCommand::Backup { file }) => {
            let store = open_store(&store_path)?;
            let tally = fourroads::transfer::backup::backup(&store, &file, jiff::Timestamp::now())?;
            println!(
                "Backed up {tally} to {}.",
                sanitize_line(&file.display().to_string())
            );
            Ok(())
        }
        Some(CliCommand::Restore { file, force }) => {
            let mut store = open_store(&store_path)?;
            let tally = fourroads::transfer::backup::restore(&mut store, &file, force)?;
            println!(
                "Restored {tally} from {} into {}.",
                sanitize_line(&file.display().to_string()),
                sanitize_line(&store_path.display().to_string())
            );
            Ok(())
        }
        Some(CliCommand::Demo { force }) => {
            let mut store = open_store(&store_path)?;
            demo::on_its_own(&store)?;
            if !force && !store.is_empty()? {
                return Err(format!(
                    "the store at {} already has customers; use `fourroads demo --force` to add the demo data anyway",
                    store_path.display()
                )
                .into());
            }
            // Loaded into a copy of the store, swapped in when complete (all or nothing).
            let clock = Clock::system();
            let loaded = staging::replace(&mut store, true, |fresh| demo::load(fresh, &clock))?;
            println!(
                "Loaded {} customers and {} calls into {}.",
                loaded.customers,
                loaded.calls,
                sanitize_line(&store_path.display().to_string())
            );
            Ok(())
        }
        None => {
            let snippets = fourroads::config::load_snippets(&snippets_path)?;
            let store = open_store(&store_path)?;
            let mut state = State::new(
                &agent,
                role,
                &store_path.display().to_string(),
                Clock::system(),
            );
            state.review.blind = config.blind_review.unwrap_or(true);
            state.export_dir = fourroads::export::files::exports_beside(&store_path);
            state.templates_dir = templates_dir.clone();
            state.snippets = snippets;
            let in_team = store.hub_url()?.is_some();
            let store = Arc::new(store);
            let team = in_team.then(|| store.clone());
            let store: Arc<dyn Store> = store;
            fourroads::runtime::run_with_team(store, state, keymap, team)
                .map_err(|e| e.to_string())?;
            Ok(())
        }
    }
}

/// `team init URL`: creates or migrates the hub's schema. The address is only ever shown
/// without its password.
fn team_init(url: &str) -> Result<(), Failure> {
    let shown = fourroads::hub::redact_url(url);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let change = runtime
        .block_on(async {
            let mut hub = fourroads::hub::Hub::connect(url).await?;
            hub.init().await
        })
        .map_err(|e| e.to_string().lines().collect::<Vec<_>>().join(" "))?;
    if change.from == change.to {
        println!(
            "The hub at {shown} is up to date (schema version {}).",
            change.to
        );
    } else if change.from == 0 {
        println!(
            "Created the fourroads schema (version {}) in the hub at {shown}.",
            change.to
        );
    } else {
        println!(
            "Migrated the hub at {shown} from schema version {} to {}.",
            change.from, change.to
        );
    }
    Ok(())
}

/// Logs go to an owner-only file in the (owner-only) data directory, never to the screen.
fn start_logging(
    data_dir: &std::path::Path,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use fourroads::export::files;
    files::create_private_dir(data_dir).ok()?;
    // Created (or narrowed) owner-only before the appender opens it for appending.
    files::append_private(&data_dir.join("fourroads.log")).ok()?;
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
/// `roads evaluate`: cross-validates the road suggestion on a labelled CSV or on the
/// store's confirmed calls and prints the report, ending with the one summary line.
fn roads_evaluate(
    labelled: Option<&std::path::Path>,
    folds: usize,
    method: Option<fourroads::cli::MethodArg>,
    store_path: &std::path::Path,
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

fn import_customers(file: &std::path::Path, store_path: &std::path::Path) -> Result<(), Failure> {
    use fourroads::transfer::import;
    use std::io::{IsTerminal, Write};

    let label = sanitize_line(&file.display().to_string()).into_owned();
    let bytes = std::fs::read(file)
        .map_err(|e| format!("cannot read {label}: {}", fourroads::store::describe_io(&e)))?;
    let now = jiff::Timestamp::now();
    let parsed = match import::parse(&label, &bytes, now) {
        Ok(parsed) => parsed,
        Err(problems) => {
            for line in import::report(&problems) {
                eprintln!("{}", sanitize_line(&line));
            }
            return Err(format!(
                "nothing was imported: {} in {label}; fix them and run the import again",
                fourroads::domain::text::plural(problems.len() as u64, "problem", "problems")
            )
            .into());
        }
    };
    for warning in &parsed.warnings {
        eprintln!("fourroads: warning: {}", sanitize_line(warning));
    }
    let mut store = open_store(store_path)?;
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
    // Written into a copy of the store, swapped in when complete (all or nothing).
    let summary = staging::replace(&mut store, true, |fresh| {
        import::apply(fresh, &parsed, now, &mut progress)
    })?;
    println!(
        "Imported {label}: {} added, {} updated, {} unchanged.",
        summary.added, summary.updated, summary.unchanged
    );
    Ok(())
}

/// `fourroads erase customer ID`: finds the customer, asks (unless `--yes`), erases.
fn erase_customer(wanted: &str, yes: bool, store_path: &std::path::Path) -> Result<(), Failure> {
    use std::io::{BufRead, IsTerminal, Write};

    let mut store = open_store(store_path)?;
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
                    "{} customers are named \"{}\"; give the ID instead (it is in a backup file)",
                    matches.len(),
                    sanitize_line(wanted)
                )
                .into());
            }
            matches.into_iter().next()
        }
    };
    let Some(customer) = customer else {
        return Err(format!(
            "no customer has the ID or exact name \"{}\"",
            sanitize_line(wanted)
        )
        .into());
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "erasing cannot be undone; add --yes to confirm when not at a terminal".into(),
            );
        }
        eprint!(
            "Erase {} ({}) and every call, note, case, review and audit entry about them? This cannot be undone. Type yes: ",
            sanitize_line(&customer.name),
            customer.id
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if answer.trim() != "yes" {
            return Err("nothing was erased".into());
        }
    }
    let Some(erased) = staging::erase_customer(&mut store, customer.id)? else {
        return Err("that customer is no longer in the store".into());
    };
    println!(
        "Erased {}: the customer record, {} calls, {} notes, {} cases and {} audit entries; the store was rewritten without them.",
        sanitize_line(&erased.name),
        erased.calls,
        erased.notes,
        erased.cases,
        erased.audit
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
                blind_lead: None,
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

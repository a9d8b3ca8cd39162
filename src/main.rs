//! Thin entry point: command line → errors → logging → config → store → runtime. The
//! subcommands are in `commands`; with none, the workstation starts.

#![forbid(unsafe_code)]

mod commands;

/// sled allocates and frees small buffers by the million on a large sync or import; the
/// system allocator spent about a third of a join's CPU on them (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use directories::ProjectDirs;

use commands::{Failure, open_store};
use fourroads::app::State;
use fourroads::cli::{Cli, RoleArg};
use fourroads::config::Config;
use fourroads::domain::Clock;
use fourroads::domain::call::Role;
use fourroads::domain::text::sanitize_line;
use fourroads::input::Keymap;
use fourroads::store::Store;

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
        Some(command) => {
            quiet_on_a_closed_pipe();
            commands::run(command, cli.agent, templates_dir.as_deref(), &store_path)
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
            // In a team, who you are is the hub's record for your login.
            if in_team && let Some(member) = store.identity()? {
                let asked_role = cli.role.map(|r| match r {
                    RoleArg::Lead => Role::Lead,
                    RoleArg::Agent => Role::Agent,
                });
                state.take_identity(&member, cli.agent.as_deref(), asked_role);
            }
            let store = Arc::new(store);
            let team = in_team.then(|| store.clone());
            let store: Arc<dyn Store> = store;
            fourroads::runtime::run_with_team(store, state, keymap, team)
                .map_err(|e| e.to_string())?;
            Ok(())
        }
    }
}

/// A command whose reader went away (`fourroads team status | head -1`) stops quietly, as
/// other command-line tools do, rather than with a panic's message: `println!` panics on a
/// closed pipe, and Rust ignores SIGPIPE, so the panic is where it is seen.
fn quiet_on_a_closed_pipe() {
    let earlier = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let said = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if said.contains("failed printing to stdout") && said.contains("Broken pipe") {
            std::process::exit(0);
        }
        earlier(info);
    }));
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

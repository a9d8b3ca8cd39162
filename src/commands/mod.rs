//! The subcommands of the command line: each opens the store (or reaches the hub) it
//! needs, does its one job and words the outcome for a person. What fails is one line
//! and an exit status (`Failure`); a store another process holds exits with 2.

mod erase;
mod export;
mod opening;
mod people;
mod roads;
mod team;
mod transfer;

use std::path::Path;

use fourroads::cli::{CliCommand, EraseWhat, ImportWhat, RoadsWhat, TeamWhat};

use opening::rewrite_after_erasure;
pub(crate) use opening::{Failure, open_store};

/// Refuses an address typed with its password on the command line, where every user of
/// the computer can read it (`ps`, `/proc`) for as long as the command runs. The same
/// address from the environment (`FOURROADS_HUB`) is the user's own to see.
fn no_password_on_the_command_line(url: &str) -> Result<(), Failure> {
    let typed = std::env::args().any(|arg| arg.contains(url.trim()));
    if typed && fourroads::hub::redact_url(url) != url.trim() {
        return Err(Failure::from(
            "the address holds a password, which every user of this computer can read on the \
             command line: put it in ~/.pgpass (or PGPASSWORD) and give the address without it",
        ));
    }
    Ok(())
}

/// Runs one subcommand on the store at `store_path`; `agent` is the one the command line
/// named, if any.
pub(crate) fn run(
    command: CliCommand,
    agent: Option<String>,
    templates_dir: Option<&Path>,
    store_path: &Path,
) -> Result<(), Failure> {
    match command {
        CliCommand::Export {
            what,
            output,
            no_redact,
        } => export::export(what, agent, output, !no_redact, templates_dir, store_path),
        CliCommand::Import {
            what: ImportWhat::Customers { file },
        } => transfer::import_customers(&file, store_path),
        CliCommand::Erase {
            what: EraseWhat::Customer { id, yes },
        } => erase::erase_customer(&id, yes, store_path),
        CliCommand::Team {
            what: TeamWhat::Init { url },
        } => {
            no_password_on_the_command_line(&url)?;
            team::init(&url).map_err(Failure::from)
        }
        CliCommand::Roads {
            what:
                RoadsWhat::Evaluate {
                    labelled,
                    folds,
                    method,
                },
        } => roads::evaluate(labelled.as_deref(), folds, method, store_path),
        CliCommand::Team {
            what: TeamWhat::Join { url },
        } => {
            no_password_on_the_command_line(&url)?;
            let mut store = open_store(store_path)?;
            team::join(&store, &url)?;
            rewrite_after_erasure(&mut store)
        }
        CliCommand::Team {
            what: TeamWhat::Status,
        } => team::status(&open_store(store_path)?).map_err(Failure::from),
        CliCommand::Team {
            what: TeamWhat::Leave,
        } => team::leave(&open_store(store_path)?).map_err(Failure::from),
        CliCommand::Team {
            what: TeamWhat::Check { url },
        } => {
            no_password_on_the_command_line(&url)?;
            team::check(&url).map_err(Failure::from)
        }
        CliCommand::Team {
            what:
                TeamWhat::Add {
                    login,
                    role,
                    name,
                    workstations,
                    hub,
                },
        } => {
            let url = people::hub_url(hub, store_path)?;
            no_password_on_the_command_line(&url)?;
            people::add(&url, &login, role, &name, &workstations).map_err(Failure::from)
        }
        CliCommand::Team {
            what: TeamWhat::Remove { login, hub },
        } => {
            let url = people::hub_url(hub, store_path)?;
            no_password_on_the_command_line(&url)?;
            people::remove(&url, &login).map_err(Failure::from)
        }
        CliCommand::Team {
            what: TeamWhat::Members { hub },
        } => {
            let url = people::hub_url(hub, store_path)?;
            no_password_on_the_command_line(&url)?;
            people::members(&url).map_err(Failure::from)
        }
        CliCommand::Sync => {
            let mut store = open_store(store_path)?;
            team::sync(&store)?;
            rewrite_after_erasure(&mut store)
        }
        CliCommand::Gen {
            customers,
            calls,
            seed,
            agents,
        } => transfer::generate(customers, calls, seed, agents, store_path),
        CliCommand::Backup { file } => transfer::backup(&file, store_path),
        CliCommand::Restore { file, force } => transfer::restore(&file, force, store_path),
        CliCommand::Demo { force } => transfer::load_demo(force, store_path),
    }
}

//! The commands that move records into and out of a store: `import customers`, `gen`,
//! `backup`, `restore` and `demo`. Each writes into a copy of the store and swaps it in
//! when complete (all or nothing), or reads the store as it is.

use std::path::Path;

use fourroads::domain::Clock;
use fourroads::domain::text::sanitize_line;
use fourroads::store::{Store, demo};
use fourroads::transfer::staging;

use super::opening::{Failure, open_store};

/// `fourroads import customers FILE`: check every row, then write, with progress on a
/// terminal's stderr.
pub(super) fn import_customers(file: &Path, store_path: &Path) -> Result<(), Failure> {
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
        fresh.with_deferred_postings(|| import::apply(fresh, &parsed, now, &mut progress))
    })?;
    println!(
        "Imported {label}: {} added, {} updated, {} unchanged.",
        summary.added, summary.updated, summary.unchanged
    );
    Ok(())
}

/// `fourroads gen`: a synthetic store of the size asked for, into an empty store.
pub(super) fn generate(
    customers: usize,
    calls: usize,
    seed: u64,
    agents: usize,
    store_path: &Path,
) -> Result<(), Failure> {
    use std::io::{IsTerminal, Write};
    let mut store = open_store(store_path)?;
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
        fourroads::transfer::generate::generate(fresh, &request, &mut |what, done, total| {
            if terminal {
                eprint!("\r{what}: {done}/{total}          ");
                let _ = std::io::stderr().flush();
                if done == total {
                    eprintln!();
                }
            }
        })
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

/// `fourroads backup FILE`: the whole store in one file.
pub(super) fn backup(file: &Path, store_path: &Path) -> Result<(), Failure> {
    let store = open_store(store_path)?;
    let tally = fourroads::transfer::backup::backup(&store, file, jiff::Timestamp::now())?;
    println!(
        "Backed up {tally} to {}.",
        sanitize_line(&file.display().to_string())
    );
    Ok(())
}

/// `fourroads restore FILE`: a backup read back into the store.
pub(super) fn restore(file: &Path, force: bool, store_path: &Path) -> Result<(), Failure> {
    let mut store = open_store(store_path)?;
    let tally = fourroads::transfer::backup::restore(&mut store, file, force)?;
    println!(
        "Restored {tally} from {} into {}.",
        sanitize_line(&file.display().to_string()),
        sanitize_line(&store_path.display().to_string())
    );
    Ok(())
}

/// `fourroads demo`: the demo customers and calls, into a store on its own.
pub(super) fn load_demo(force: bool, store_path: &Path) -> Result<(), Failure> {
    let mut store = open_store(store_path)?;
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

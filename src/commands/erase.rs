//! `fourroads erase customer ID`: erasing a customer and everything about them, after
//! asking at a terminal.

use std::path::Path;

use fourroads::domain::text::sanitize_line;
use fourroads::store::Store;
use fourroads::transfer::staging;

use super::opening::{Failure, open_store};

/// `fourroads erase customer ID`: finds the customer, asks (unless `--yes`), erases.
pub(super) fn erase_customer(wanted: &str, yes: bool, store_path: &Path) -> Result<(), Failure> {
    use std::io::{BufRead, IsTerminal, Write};

    let mut store = open_store(store_path)?;
    // In a team the hub takes an erasure only from a lead: refuse here rather than leave
    // one it will never take waiting to be sent.
    if let Some(me) = store.identity()?
        && me.role != fourroads::domain::call::Role::Lead
    {
        return Err(format!(
            "only a lead may erase a customer in this team, and you are {} at the hub",
            sanitize_line(&me.describe())
        )
        .into());
    }
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

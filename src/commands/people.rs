//! The people commands of the binary (SPEC §12): `team add`, `team remove` and
//! `team members`, run by the hub's owner (members may list). The work is
//! `fourroads::hub`; this file words it for a person. A made password is printed once, on
//! standard output, and kept nowhere.

use std::path::Path;

use fourroads::cli::RoleArg;
use fourroads::domain::Id;
use fourroads::domain::call::Role;
use fourroads::domain::text::sanitize_line;
use fourroads::hub::{Hub, login_url, pgpass_line, redact_url};

use super::opening::{Failure, open_store};
use super::team::{ago, one_line, runtime};

/// The hub a people command talks to: `--hub` (or `FOURROADS_HUB`), else this store's.
pub(super) fn hub_url(hub: Option<String>, store_path: &Path) -> Result<String, Failure> {
    if let Some(url) = hub {
        return Ok(url);
    }
    let store = open_store(store_path)?;
    store.hub_url()?.ok_or_else(|| {
        Failure::from("this store is not in a team; name the hub with --hub URL (or FOURROADS_HUB)")
    })
}

pub(super) fn add(
    url: &str,
    login: &str,
    role: RoleArg,
    name: &str,
    workstations: &[Id],
) -> Result<(), String> {
    let role = match role {
        RoleArg::Lead => Role::Lead,
        RoleArg::Agent => Role::Agent,
    };
    let (added, database) = runtime()?
        .block_on(async {
            let mut hub = Hub::connect(url).await?;
            let added = hub.add_member(login, name, role, workstations).await?;
            Ok::<_, fourroads::hub::HubError>((added, hub.database().await?))
        })
        .map_err(one_line)?;
    let who = format!("{} ({})", sanitize_line(name.trim()), role.as_str());
    if added.again {
        println!(
            "{login} is {who} in the team at {}.",
            sanitize_line(&redact_url(url))
        );
    } else {
        println!(
            "Added {who} to the team at {}, as login {login}.",
            sanitize_line(&redact_url(url))
        );
    }
    if added.workstations > 0 {
        println!(
            "Handed {} workstation{} to {login}.",
            added.workstations,
            if added.workstations == 1 { "" } else { "s" }
        );
    }
    let join = login_url(url, login, &database);
    match &added.password {
        Some(password) => {
            println!();
            println!(
                "Give {login} these two lines; the password is shown only now and kept nowhere."
            );
            println!("Their line for ~/.pgpass (then: chmod 600 ~/.pgpass):");
            println!(
                "  {}",
                pgpass_line(url, login, &database, password).map_err(one_line)?
            );
            println!("The command that joins their workstation:");
            println!("  fourroads team join {join}");
        }
        None if !added.again => {
            println!(
                "{login} already had a login on this server: its password is unchanged, and \
                 their ~/.pgpass line must name this database (or *):"
            );
            println!(
                "  {}",
                pgpass_line(url, login, &database, "THEIR-PASSWORD").map_err(one_line)?
            );
            println!("The command that joins their workstation:");
            println!("  fourroads team join {join}");
        }
        None => {}
    }
    Ok(())
}

pub(super) fn remove(url: &str, login: &str) -> Result<(), String> {
    runtime()?
        .block_on(async {
            let mut hub = Hub::connect(url).await?;
            hub.remove_member(login).await
        })
        .map_err(one_line)?;
    println!(
        "Removed {login}: the login can no longer connect; their calls, reviews and notes stay theirs."
    );
    Ok(())
}

pub(super) fn members(url: &str) -> Result<(), String> {
    let list = runtime()?
        .block_on(async {
            let hub = Hub::connect(url).await?;
            hub.within("listing the members", hub.members()).await
        })
        .map_err(one_line)?;
    let now = jiff::Timestamp::now();
    let synced = |at: Option<jiff::Timestamp>| {
        at.map(|at| format!("last synced {}", ago(at, now)))
            .unwrap_or_else(|| "never synced".into())
    };
    let (here, gone): (Vec<_>, Vec<_>) = list.people.iter().partition(|p| p.removed_at.is_none());
    if here.is_empty() {
        println!(
            "No members yet: add them with `fourroads team add LOGIN --role agent --name NAME`."
        );
    } else {
        println!("Members ({}):", here.len());
    }
    for person in &here {
        let theirs: Vec<_> = list
            .workstations
            .iter()
            .filter(|w| w.login == person.member.login)
            .collect();
        println!(
            "  {}  {}  login {}{}",
            sanitize_line(&person.member.name),
            person.member.role.as_str(),
            person.member.login,
            if theirs.is_empty() {
                ", no workstation yet"
            } else {
                ""
            }
        );
        for w in theirs {
            println!(
                "    workstation {}  {}, {} changes",
                w.id,
                synced(w.last_sync),
                w.changes
            );
        }
    }
    if !gone.is_empty() {
        println!("Removed ({}):", gone.len());
        for person in gone {
            println!(
                "  {}  {}  login {}{}",
                sanitize_line(&person.member.name),
                person.member.role.as_str(),
                person.member.login,
                if person.can_log_in {
                    "  (can still log in!)"
                } else {
                    ""
                }
            );
        }
    }
    let logins: Vec<&str> = list
        .people
        .iter()
        .map(|p| p.member.login.as_str())
        .collect();
    let unheld: Vec<_> = list
        .workstations
        .iter()
        .filter(|w| !logins.contains(&w.login.as_str()))
        .collect();
    if !unheld.is_empty() {
        println!(
            "Workstations no member holds (hand one over with `fourroads team add LOGIN … --workstation ID`):"
        );
        for w in unheld {
            println!(
                "  {}  registered by {}, changes by {}: {}, {}",
                w.id,
                sanitize_line(&w.login),
                sanitize_line(w.authors.as_deref().unwrap_or("nobody named")),
                w.changes,
                w.last_push
                    .map(|at| format!("last sent {}", ago(at, now)))
                    .unwrap_or_else(|| "has sent nothing".into())
            );
        }
    }
    Ok(())
}

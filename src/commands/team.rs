//! The team commands of the binary (SPEC §12): `team init`, `team join`, `team status`,
//! `team leave` and `sync`, printing for a person. The work is `fourroads::hub` and
//! `fourroads::sync`; this file only runs it, shows progress on stderr when that is a
//! terminal, and words the outcome.

use std::io::{IsTerminal, Write};

use fourroads::domain::text::sanitize_line;
use fourroads::hub::redact_url;
use fourroads::store::SledStore;
use fourroads::sync::{self, Progress, Report, SyncError};

/// Every error in one line.
pub(super) fn one_line(e: impl std::fmt::Display) -> String {
    e.to_string().lines().collect::<Vec<_>>().join(" ")
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {}", one_line(e)))
}

/// A progress line on stderr, rewritten in place, when stderr is a terminal.
fn progress_line() -> impl FnMut(Progress) {
    let terminal = std::io::stderr().is_terminal();
    let mut last = None;
    move |p: Progress| {
        if !terminal {
            return;
        }
        let shown = (p.stage, p.percent());
        if last == Some(shown) && p.done != p.total {
            return;
        }
        last = Some(shown);
        eprint!(
            "\r{} {}/{} ({}%)          ",
            p.stage.as_str(),
            p.done,
            p.total,
            p.percent()
        );
        let _ = std::io::stderr().flush();
    }
}

fn end_progress() {
    if std::io::stderr().is_terminal() {
        eprint!("\r{:60}\r", "");
    }
}

fn summary(report: &Report) -> String {
    format!(
        "sent {} change{}, received {}, {} customer{} updated",
        report.sent,
        if report.sent == 1 { "" } else { "s" },
        report.received,
        report.customers,
        if report.customers == 1 { "" } else { "s" }
    ) + &match report.set_aside {
        0 => String::new(),
        n => format!(", {n} set aside (see `fourroads team status`)"),
    } + &match report.new_workstation {
        None => String::new(),
        Some(id) => format!(
            "; this store was a copy of another workstation's, so it became workstation {id} \
             and sent its own changes again"
        ),
    }
}

/// `team init URL`: creates or migrates the hub's schema. The address is only ever shown
/// without its password.
pub(super) fn init(url: &str) -> Result<(), String> {
    let shown = redact_url(url);
    let (change, report) = runtime()?
        .block_on(async {
            let mut hub = fourroads::hub::Hub::connect(url).await?;
            let change = hub.init().await?;
            Ok::<_, fourroads::hub::HubError>((change, hub.check().await?))
        })
        .map_err(one_line)?;
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
    print_check(&report)?;
    if change.from != change.to {
        println!(
            "Next: add each person with `fourroads team add LOGIN --role agent|lead --name NAME --hub {shown}`."
        );
    }
    Ok(())
}

/// `team check URL`: whether the hub's protection holds, in words; an error (exit 1) on
/// any finding.
pub(super) fn check(url: &str) -> Result<(), String> {
    let report = runtime()?
        .block_on(async {
            let hub = fourroads::hub::Hub::connect(url).await?;
            hub.within("checking its protection", hub.check()).await
        })
        .map_err(one_line)?;
    println!("The hub at {}:", sanitize_line(&redact_url(url)));
    print_check(&report)
}

fn print_check(report: &fourroads::hub::CheckReport) -> Result<(), String> {
    for holds in &report.holds {
        println!("  ok   {holds}");
    }
    for finding in &report.findings {
        println!("  NOT  {}", sanitize_line(&finding.0));
    }
    match report.findings.len() {
        0 => Ok(()),
        n => Err(format!(
            "the hub's protection does not hold ({n} finding{} above)",
            if n == 1 { "" } else { "s" }
        )),
    }
}

pub(super) fn join(store: &SledStore, url: &str) -> Result<(), String> {
    let shown = redact_url(url);
    let mut progress = progress_line();
    let report = runtime()?
        .block_on(sync::join(store, url, &mut progress))
        .map_err(one_line);
    end_progress();
    let report = report?;
    let id = store.workstation().map_err(one_line)?;
    let who = match store.identity().map_err(one_line)? {
        Some(member) => format!(
            "{} ({}, login {})",
            sanitize_line(&member.name),
            member.role.as_str(),
            member.login
        ),
        None => "the hub's owner, bringing this store's history in as it is".into(),
    };
    println!(
        "Joined the team hub at {} as {who}, workstation {id}: {}.",
        sanitize_line(&shown),
        summary(&report)
    );
    Ok(())
}

pub(super) fn sync(store: &SledStore) -> Result<(), String> {
    let mut progress = progress_line();
    let report = runtime()?
        .block_on(async {
            let mut hub = sync::connect(store).await?;
            sync::sync_alone(store, &mut hub, &mut progress).await
        })
        .map_err(one_line);
    end_progress();
    println!("Synced: {}.", summary(&report?));
    Ok(())
}

pub(super) fn leave(store: &SledStore) -> Result<(), String> {
    let Some(hub) = store.hub_url().map_err(one_line)? else {
        return Err(one_line(SyncError::NotInTeam));
    };
    store.set_hub_url(None).map_err(one_line)?;
    store.set_identity(None).map_err(one_line)?;
    println!(
        "Left the team hub at {}; this store keeps all its data and works on its own.",
        sanitize_line(&hub)
    );
    Ok(())
}

/// "4 minutes ago", "just now", "2 days ago".
pub(super) fn ago(at: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let seconds = (now.as_second() - at.as_second()).max(0);
    let (n, unit) = match seconds {
        0..=9 => return "just now".into(),
        10..=119 => (seconds, "second"),
        120..=7_199 => (seconds / 60, "minute"),
        7_200..=172_799 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

pub(super) fn status(store: &SledStore) -> Result<(), String> {
    let state = store.sync_state().map_err(one_line)?;
    let now = jiff::Timestamp::now();
    let Some(hub_url) = &state.hub else {
        println!("Not in a team: this store works on its own.");
        println!("This workstation: {}", state.workstation);
        println!("Changes not yet sent: {}", state.unsent);
        println!("To join a team: fourroads team join postgres://user@host/database");
        return Ok(());
    };
    println!("Hub: {}", sanitize_line(hub_url));
    match store.identity().map_err(one_line)? {
        Some(member) => println!(
            "You: {}, as the hub records login {}",
            sanitize_line(&member.describe()),
            member.login
        ),
        None => println!("You: the hub's owner (this store's history goes up as it is)"),
    }
    println!("This workstation: {}", state.workstation);
    match state.last_sync {
        Some(at) => println!("Last sync: {} ({at})", ago(at, now)),
        None => println!("Last sync: never"),
    }
    println!("Changes not yet sent: {}", state.unsent);
    let aside = store.set_aside_count();
    if aside > 0 {
        println!("Changes from the hub set aside, not taken in: {aside}");
        for row in store.set_aside(5).map_err(one_line)? {
            println!("  {}", sanitize_line(&row.to_string()));
        }
        if aside > 5 {
            println!("  … and {} more (the log has each)", aside - 5);
        }
    }
    let others = runtime()?.block_on(async {
        let hub = sync::connect(store).await?;
        hub.within("listing the workstations", hub.workstations())
            .await
            .map_err(SyncError::from)
    });
    match others {
        Ok(list) => {
            let others: Vec<_> = list.iter().filter(|w| w.id != state.workstation).collect();
            if others.is_empty() {
                println!("Other workstations: none yet");
            } else {
                println!("Other workstations ({}):", others.len());
                for w in others {
                    let seen = w
                        .last_push
                        .map(|at| format!("last sent {}", ago(at, now)))
                        .unwrap_or_else(|| "has sent nothing".into());
                    println!("  {}  {seen}, {} changes", w.id, w.changes);
                }
            }
        }
        Err(e) => println!("Other workstations: unknown ({})", one_line(e)),
    }
    Ok(())
}

//! The command line (SPEC §6).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "fourroads",
    version,
    about = "A terminal workstation for customer-service teams: call notes, the four roads, reviews and customer math.",
    after_help = "With no command, opens the full-screen app. F1 inside it lists every key."
)]
pub struct Cli {
    /// Store directory (default: the platform data directory)
    #[arg(long, env = "FOURROADS_STORE", global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,
    /// Your name as it appears on calls (default: config file, then login name)
    #[arg(long, global = true, value_name = "NAME")]
    pub agent: Option<String>,
    /// Your role (default: config file, then agent)
    #[arg(long, global = true, value_enum)]
    pub role: Option<RoleArg>,
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Agent,
    Lead,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Fill the store with the bundled demo data (dated relative to today)
    Demo {
        /// Add the demo data even though the store already has customers
        #[arg(long)]
        force: bool,
    },
    /// Write the whole store to FILE as JSON lines with a checksum
    Backup {
        /// Where to write the backup (replaced only once it is complete)
        file: PathBuf,
    },
    /// Restore a backup into an empty store (checked in full before anything is written)
    Restore {
        /// The backup file
        file: PathBuf,
        /// Replace everything in a store that is not empty
        #[arg(long)]
        force: bool,
    },
    /// Markdown for a period, a call or a customer (templates in assets/templates,
    /// overridable in the config folder's templates/)
    Export {
        #[command(subcommand)]
        what: ExportWhat,
        /// Write to FILE instead of standard output
        #[arg(short = 'o', long = "output", global = true, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Keep emails, phone numbers and card-like numbers as they are
        #[arg(long, global = true)]
        no_redact: bool,
    },
    /// Remove data from the store for good
    Erase {
        #[command(subcommand)]
        what: EraseWhat,
    },
    /// Fill an empty store with deterministic synthetic data (for benchmarks)
    Gen {
        /// How many customers
        #[arg(long)]
        customers: usize,
        /// How many calls, spread over the 12 months before 2026-11-20
        #[arg(long)]
        calls: usize,
        /// The same seed gives the same store
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many agents take the calls
        #[arg(long, default_value_t = 12)]
        agents: usize,
    },
    /// Bring data into the store
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The road suggestion: how well it reads the team's notes
    Roads {
        #[command(subcommand)]
        what: RoadsWhat,
    },
    /// The team hub: one PostgreSQL database every workstation syncs through
    Team {
        #[command(subcommand)]
        what: TeamWhat,
    },
    /// Sync with the team hub now: send this store's changes, receive the others'
    Sync,
}

#[derive(Debug, Subcommand)]
pub enum RoadsWhat {
    /// Stratified K-fold cross-validation of the road suggestion and of a keyword
    /// baseline, on the store's confirmed calls (the lead's road) or on a labelled CSV
    Evaluate {
        /// A CSV file with a header row and at least the columns notes and road (1-4)
        #[arg(long, value_name = "FILE.csv")]
        labelled: Option<PathBuf>,
        /// How many folds
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// The classifier to measure (default: the one the app uses)
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
    },
}

/// The classifiers `roads evaluate` can compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    Bayes,
    ComplementBayes,
    Logistic,
    Svm,
}

impl From<MethodArg> for crate::domain::roads::Method {
    fn from(arg: MethodArg) -> Self {
        use crate::domain::roads::Method;
        match arg {
            MethodArg::Bayes => Method::Bayes,
            MethodArg::ComplementBayes => Method::ComplementBayes,
            MethodArg::Logistic => Method::Logistic,
            MethodArg::Svm => Method::Svm,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TeamWhat {
    /// Create or migrate the hub's schema (safe to run again; refuses a hub whose schema is
    /// newer than this fourroads)
    Init {
        /// The hub, as postgres://user@host:port/database?sslmode=...; the password comes
        /// from PGPASSWORD or ~/.pgpass and is never shown
        url: String,
    },
    /// Attach this store to the hub and sync: what this store has goes up, the rest
    /// comes down (the address is kept without its password)
    Join {
        /// The hub, as for `team init`
        url: String,
    },
    /// The hub, this workstation's id, the last sync, changes not yet sent, and the
    /// other workstations
    Status,
    /// Detach this store from the hub (its data stays)
    Leave,
    /// (The hub's owner) Give a person their own login, in the group of their role; prints
    /// once what they need to join. Again for a member: changes their name or role
    Add {
        /// Their PostgreSQL login: lower-case letters, digits, _ . -
        login: String,
        /// What they may do: a lead also reviews and erases
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Their name on calls, reviews and audit entries
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Hand them a workstation the hub holds already (one brought in by the owner, or
        /// from a hub set up before logins); see `team members`
        #[arg(long = "workstation", value_name = "ID")]
        workstations: Vec<crate::domain::Id>,
        /// The hub, as the owner reaches it (default: this store's hub)
        #[arg(long, env = "FOURROADS_HUB", value_name = "URL")]
        hub: Option<String>,
    },
    /// (The hub's owner) Disable a person's login; their past work stays theirs
    Remove {
        login: String,
        /// The hub, as the owner reaches it (default: this store's hub)
        #[arg(long, env = "FOURROADS_HUB", value_name = "URL")]
        hub: Option<String>,
    },
    /// The people of the team, their roles, their workstations and when each last synced
    Members {
        /// The hub (default: this store's hub)
        #[arg(long, env = "FOURROADS_HUB", value_name = "URL")]
        hub: Option<String>,
    },
    /// Say in words whether the hub's protection holds; exits non-zero on any finding
    Check {
        /// The hub, as for `team init`
        url: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Customers from a CSV file with a header row: name (required), phone, email,
    /// segment, status, external_id, in any order. Every row is checked first; if any is
    /// wrong, nothing is imported. Importing the same file again adds no duplicates.
    Customers {
        /// The CSV file
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum EraseWhat {
    /// A customer and everything about them: calls, notes, cases, reviews, audit entries
    Customer {
        /// The customer's ID (as in a backup), or their exact name if it is unique
        id: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// The team summary for a period (default: the last 7 days); with --agent NAME,
    /// only that agent's calls
    Summary {
        /// First day, YYYY-MM-DD
        #[arg(long)]
        from: Option<jiff::civil::Date>,
        /// Last day, YYYY-MM-DD (default: today)
        #[arg(long)]
        to: Option<jiff::civil::Date>,
        /// Only calls the agent put on this road (1-4)
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
        road: Option<u8>,
        /// Add an appendix with every call of the period
        #[arg(long)]
        calls: bool,
    },
    /// One call, with its notes and road changes
    Call { id: crate::domain::Id },
    /// One customer: profile, status history, cases and every call with notes
    Customer { id: crate::domain::Id },
}

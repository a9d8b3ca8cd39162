//! The team hub: one PostgreSQL database that every workstation syncs through (SPEC §12).
//! This module knows operations, not screens: it creates and migrates the hub's schema,
//! pushes a workstation's operations, pulls everyone else's from where it stopped, and
//! listens for the notice that something new arrived. The merge of what is pulled is
//! `domain::merge`; the orchestration with the local store belongs to `sync/`.

mod check;
mod listen;
mod logins;
mod members;
mod migrate;
mod pull;
mod push;
mod roles;
mod tls;
mod url;

use std::time::Duration;

use tokio_postgres::Client;

pub use check::{Finding, Report as CheckReport};
pub use listen::Listener;
pub use logins::{login_url, pgpass_line};
pub use members::{Added, MemberRow, Members, Whoami, WorkstationRow};
pub use migrate::{SCHEMA_VERSION, SchemaChange};
pub use pull::{Pulled, Seen, WorkstationSeen};
pub use push::Pushed;
pub use roles::HubRoles;
pub use tls::{Roots, TlsSettings, Verify};
pub use url::{address_from_url, config_from_url, redact_url};

/// The channel a push notifies and every workstation listens on.
pub const CHANNEL: &str = "fourroads";

/// How long the hub may take over one step (connecting, or one query, push or pull page)
/// before the step fails with one line. A network that accepts and then forwards nothing
/// (a stalled proxy) is only found out this way: TCP's own timers see the proxy answer.
/// `FOURROADS_HUB_TIMEOUT` (seconds) sets another.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// The deadline in force: `FOURROADS_HUB_TIMEOUT` or [`ANSWER_WITHIN`].
pub fn answer_within() -> Duration {
    std::env::var("FOURROADS_HUB_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or(ANSWER_WITHIN, Duration::from_secs)
}

/// `step` within the deadline, or `HubError::NotAnswering` naming `what` and the hub.
pub async fn within<T>(
    url: &str,
    what: &str,
    step: impl std::future::Future<Output = Result<T, HubError>>,
) -> Result<T, HubError> {
    let deadline = answer_within();
    match tokio::time::timeout(deadline, step).await {
        Ok(done) => done,
        Err(_) => Err(HubError::NotAnswering {
            url: redact_url(url),
            what: what.to_string(),
            seconds: deadline.as_secs(),
        }),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("{url} is not a PostgreSQL address (postgres://user@host:port/database)")]
    BadUrl { url: String },
    #[error("cannot reach the hub at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error(
        "the hub at {url} did not answer ({what}) within {seconds} s; the network or the hub is stalled"
    )]
    NotAnswering {
        url: String,
        what: String,
        seconds: u64,
    },
    #[error(
        "the hub's schema is version {hub}, newer than this fourroads knows ({ours}); update fourroads"
    )]
    NewerSchema { hub: i32, ours: i32 },
    #[error("the hub has no fourroads schema yet; run `fourroads team init URL` first")]
    NotInitialised,
    #[error(
        "{login} is not a member of this team; ask the hub's owner to run `fourroads team add {login}`"
    )]
    NotMember { login: String },
    /// The hub holds other changes under numbers this workstation sent: two stores share
    /// its identity (a copied store folder).
    #[error("the hub: {0}")]
    Copied(String),
    /// A rule the hub enforces said no (its own words, one line).
    #[error("the hub refused: {0}")]
    Refused(String),
    #[error(
        "workstation {workstation} would leave a gap in its log at the hub (has {has}, sent {sent})"
    )]
    Gap {
        workstation: crate::domain::Id,
        has: u64,
        sent: u64,
    },
    #[error("the hub holds a change in a newer format ({version}) than this fourroads reads")]
    NewerPayload { version: i16 },
    #[error("the hub holds a change this fourroads cannot read: {0}")]
    Corrupt(String),
    #[error("the hub's encryption settings: {0}")]
    Tls(String),
    #[error("the hub: {0}")]
    Db(String),
}

impl From<tokio_postgres::Error> for HubError {
    fn from(error: tokio_postgres::Error) -> HubError {
        // A missing table means nobody ran `team init` on this database.
        if error.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) {
            return HubError::NotInitialised;
        }
        if error.code().is_some_and(|code| code.code() == "FR002") {
            return HubError::Copied(describe(&error));
        }
        if refusal(&error) {
            return HubError::Refused(describe(&error));
        }
        HubError::Db(describe(&error))
    }
}

/// Whether the server refused on a rule of the hub's: a privilege or a row-level policy
/// (SQLSTATE 42501), or one of the hub's own checks (SQLSTATE class `FR`, raised by the
/// trigger every pushed change passes).
fn refusal(error: &tokio_postgres::Error) -> bool {
    error.code().is_some_and(|code| {
        *code == tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE
            || code.code().starts_with("FR")
    })
}

/// An error while `team init` makes or migrates the hub: a login that may not do it is
/// told who may.
pub(crate) fn init_refused(error: tokio_postgres::Error) -> HubError {
    if error.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        return HubError::Refused(format!(
            "{}; run `fourroads team init` as the database's owner (with CREATEROLE) or as a superuser",
            describe(&error)
        ));
    }
    HubError::from(error)
}

/// What went wrong in one line: the server's own message, or the cause under the
/// client's general one ("error connecting to server: Connection refused").
pub(crate) fn describe(error: &tokio_postgres::Error) -> String {
    let text = match (error.as_db_error(), std::error::Error::source(error)) {
        (Some(db), _) => db.message().to_string(),
        (None, Some(cause)) => format!("{error}: {cause}"),
        (None, None) => error.to_string(),
    };
    text.lines().collect::<Vec<_>>().join(" ")
}

/// One connection to the hub.
pub struct Hub {
    client: Client,
    /// The address it was reached at, without a password (for messages).
    url: String,
}

impl Hub {
    /// Connects to the hub at `url` (a libpq URL; the password from the URL,
    /// `PGPASSWORD` or the password file). Errors show the address without its password.
    pub async fn connect(url: &str) -> Result<Hub, HubError> {
        let (config, tls) = address_from_url(url)?;
        let connector = tls::connector(&tls)?;
        let (client, connection) = within(url, "connecting", async {
            config
                .connect(connector)
                .await
                .map_err(|error| HubError::Connect {
                    url: redact_url(url),
                    reason: describe(&error),
                })
        })
        .await?;
        // The connection runs as its own task until the client is dropped.
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!("the hub connection ended: {error}");
            }
        });
        Ok(Hub {
            client,
            url: redact_url(url),
        })
    }

    /// The address this connection reached, without a password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `step` within the deadline (see [`answer_within`]).
    pub async fn within<T>(
        &self,
        what: &str,
        step: impl std::future::Future<Output = Result<T, HubError>>,
    ) -> Result<T, HubError> {
        within(&self.url, what, step).await
    }

    /// Whether this connection is encrypted (for `team status` and the tests).
    pub async fn encrypted(&self) -> Result<bool, HubError> {
        let row = self
            .client
            .query_one(
                "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
                &[],
            )
            .await?;
        Ok(row.get(0))
    }

    /// The server process serving this connection (tests use it to cut the connection).
    pub async fn backend_pid(&self) -> Result<i32, HubError> {
        let row = self
            .client
            .query_one("SELECT pg_backend_pid()", &[])
            .await?;
        Ok(row.get(0))
    }
}

//! A person's login as fourroads makes it (SPEC §12): the checks on a login and a name
//! before the server sees them, the password made here (only its SCRAM verifier reaches
//! the server), and what the person is given: the address they join with and their line
//! for `~/.pgpass`.

use rand::{Rng, SeedableRng};

use super::HubError;
use crate::domain::call::Role;

/// The characters of a made password: letters and digits, which survive any shell, URL and
/// password file without quoting.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

pub(super) fn new_password() -> String {
    let mut rng = rand_chacha::ChaCha20Rng::from_os_rng();
    (0..24)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A login fourroads makes: lower case letters, digits, `_`, `.` and `-`, starting with a
/// letter, at most 63 bytes (PostgreSQL's limit).
pub fn check_login(login: &str) -> Result<(), HubError> {
    let ok = login.len() <= 63
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(HubError::Refused(format!(
            "{login:?} cannot be a login: use lower-case letters, digits, _ . or -, starting \
             with a letter (at most 63)"
        )))
    }
}

/// A name for calls: not empty, at most 80 characters, no control characters.
pub fn check_name(name: &str) -> Result<String, HubError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(HubError::Refused(
            "a name must be 1 to 80 characters with no control characters".into(),
        ));
    }
    Ok(name.to_string())
}

pub(super) fn role_of(text: &str) -> Role {
    if text == "lead" {
        Role::Lead
    } else {
        Role::Agent
    }
}

/// The SCRAM-SHA-256 verifier of `password`: what the server keeps, so the password itself
/// never travels to it nor lands in its statement log.
pub(super) fn verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

/// The address a person joins with: the owner's, with their login and without any
/// password, naming the database explicitly.
pub fn login_url(url: &str, login: &str, database: &str) -> String {
    let url = super::redact_url(url);
    if let Some((scheme, rest)) = url.split_once("://") {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (path, query) = match tail.split_once('?') {
            Some((p, q)) => (p, format!("?{q}")),
            None => (tail, String::new()),
        };
        let path = if path.trim_matches('/').is_empty() {
            format!("/{database}")
        } else {
            path.to_string()
        };
        return format!("{scheme}://{login}@{hosts}{path}{query}");
    }
    let mut words: Vec<String> = url
        .split_whitespace()
        .filter(|w| !w.starts_with("user=") && !w.starts_with("dbname="))
        .map(str::to_string)
        .collect();
    words.push(format!("user={login}"));
    words.push(format!("dbname={database}"));
    words.join(" ")
}

/// The person's line for `~/.pgpass` (`host:port:database:login:password`, with `:` and
/// `\` escaped).
pub fn pgpass_line(
    url: &str,
    login: &str,
    database: &str,
    password: &str,
) -> Result<String, HubError> {
    let config = super::config_from_url(url)?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let escape = |s: &str| s.replace('\\', "\\\\").replace(':', "\\:");
    Ok(format!(
        "{}:{port}:{}:{}:{}",
        escape(&host),
        escape(database),
        escape(login),
        escape(password)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_address_is_the_owners_with_their_login_and_no_password() {
        assert_eq!(
            login_url(
                "postgres://admin:secret@db.example:5433/team?sslmode=verify-full",
                "priya",
                "team"
            ),
            "postgres://priya@db.example:5433/team?sslmode=verify-full"
        );
        assert_eq!(
            login_url("postgres://admin@db", "priya", "team"),
            "postgres://priya@db/team"
        );
        assert_eq!(
            login_url("host=db user=admin password=x", "priya", "team"),
            "host=db user=priya dbname=team"
        );
    }

    #[test]
    fn the_password_file_line_escapes_what_it_must() {
        let line = pgpass_line(
            "postgres://admin@db.example:5433/team",
            "priya",
            "team",
            "a:b\\c",
        )
        .unwrap();
        assert_eq!(line, "db.example:5433:team:priya:a\\:b\\\\c");
    }

    #[test]
    fn made_passwords_are_long_and_plain_and_never_twice_the_same() {
        let (a, b) = (new_password(), new_password());
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
        assert!(verifier(&a).starts_with("SCRAM-SHA-256$4096:"));
        assert!(!verifier(&a).contains(&a));
    }

    #[test]
    fn logins_and_names_are_checked_before_the_server_sees_them() {
        assert!(check_login("priya.shah-2").is_ok());
        for bad in ["Priya", "1priya", "pri ya", "p\"x", ""] {
            assert!(check_login(bad).is_err(), "{bad}");
        }
        assert_eq!(check_name("  Priya Shah ").unwrap(), "Priya Shah");
        assert!(check_name("x\u{1b}[2J").is_err());
        assert!(check_name(" ").is_err());
    }
}

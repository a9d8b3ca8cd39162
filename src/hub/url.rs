//! Hub addresses: libpq-style URLs (or `key=value` strings), the password found the way
//! SPEC §12 says (the URL itself, `PGPASSWORD`, then the password file), and the address
//! as it may be shown or logged: without its password.

use std::path::PathBuf;
use std::str::FromStr;

use tokio_postgres::Config;
use tokio_postgres::config::Host;

use super::HubError;
use super::tls::{TlsSettings, take_tls_options};

/// The connection settings for `url`, with the password filled in from `PGPASSWORD` or
/// the password file when the URL has none.
pub fn config_from_url(url: &str) -> Result<Config, HubError> {
    address_from_url(url).map(|(config, _)| config)
}

/// The connection settings and the TLS settings for `url`.
pub fn address_from_url(url: &str) -> Result<(Config, TlsSettings), HubError> {
    let (parsable, tls) = take_tls_options(url)?;
    let mut config = Config::from_str(&parsable).map_err(|_| HubError::BadUrl {
        url: redact_url(url),
    })?;
    config.application_name("fourroads");
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    // A hub that went away without a word (a cable out, a laptop asleep) is found out by
    // TCP itself: keepalives while idle, and unacknowledged data given up after a while.
    config.keepalives(true);
    config.keepalives_idle(std::time::Duration::from_secs(30));
    config.keepalives_interval(std::time::Duration::from_secs(10));
    config.keepalives_retries(3);
    config.tcp_user_timeout(std::time::Duration::from_secs(30));
    if config.get_password().is_none() {
        if let Some(password) = std::env::var_os("PGPASSWORD") {
            config.password(password.into_encoded_bytes());
        } else if let Some(password) = password_from_file(&config) {
            config.password(password);
        }
    }
    Ok((config, tls))
}

/// The address with any password taken out, fit to show or log.
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    if let Some((scheme, rest)) = url.split_once("://") {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let authority = match authority.rsplit_once('@') {
            Some((user_info, hosts)) => {
                let user = user_info.split(':').next().unwrap_or_default();
                format!("{user}@{hosts}")
            }
            None => authority.to_string(),
        };
        let tail = match tail.split_once('?') {
            Some((path, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|pair| !pair.to_ascii_lowercase().starts_with("password="))
                    .collect();
                if kept.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{}", kept.join("&"))
                }
            }
            None => tail.to_string(),
        };
        return format!("{scheme}://{authority}{tail}");
    }
    // key=value form: drop the password pair, quoted or not.
    let mut out = Vec::new();
    let mut words = url.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("password") {
            // `password=x`, `password = x`, `password='a b c'`
            let mut value = word.split_once('=').map(|(_, v)| v.to_string());
            if value.as_deref().is_none_or(str::is_empty) {
                if word == "password" && words.peek() == Some(&"=") {
                    words.next();
                }
                value = words.next().map(str::to_string);
            }
            if let Some(value) = value
                && value.starts_with('\'')
                && (value.len() == 1 || !value.ends_with('\''))
            {
                for next in words.by_ref() {
                    if next.ends_with('\'') {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(word);
    }
    out.join(" ")
}

/// The password for this connection from `PGPASSFILE` or `~/.pgpass`
/// (`host:port:database:user:password`, `*` matching anything, `\` escaping).
fn password_from_file(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let database = config.get_dbname().unwrap_or(user);
    lookup_password(&text, [&host, &port, database, user])
}

fn lookup_password(file: &str, wanted: [&str; 4]) -> Option<String> {
    file.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_fields(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want);
            matches.then(|| fields[4].clone())
        })
}

fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive_redaction() {
        let cases = [
            (
                "postgres://ann:s3cret@db.example:5432/team?sslmode=require",
                "postgres://ann@db.example:5432/team?sslmode=require",
            ),
            (
                "postgresql://ann:p%40ss:w@h1,h2/team",
                "postgresql://ann@h1,h2/team",
            ),
            (
                "postgres://ann@db/team?password=s3cret&sslmode=require",
                "postgres://ann@db/team?sslmode=require",
            ),
            ("postgres://db/team?PASSWORD=s3cret", "postgres://db/team"),
            (
                "host=db user=ann password=s3cret dbname=team",
                "host=db user=ann dbname=team",
            ),
            (
                "host=db password='s3 cr et' dbname=team",
                "host=db dbname=team",
            ),
            (
                "host=db password = s3cret dbname=team",
                "host=db dbname=team",
            ),
        ];
        for (url, shown) in cases {
            let redacted = redact_url(url);
            assert_eq!(redacted, shown, "{url}");
            assert!(!redacted.contains("s3"), "{redacted}");
        }
    }

    #[test]
    fn the_password_file_matches_field_by_field_with_wildcards() {
        let file = "# comment\n\
                    db.example:5432:team:ann:first\n\
                    *:*:*:bo:wild\\:card\n\
                    other:5432:team:ann:wrong\n";
        let want = |host, user| lookup_password(file, [host, "5432", "team", user]);
        assert_eq!(want("db.example", "ann").as_deref(), Some("first"));
        assert_eq!(want("anywhere", "bo").as_deref(), Some("wild:card"));
        assert_eq!(want("anywhere", "ann"), None);
    }

    #[test]
    fn a_bad_address_is_refused_without_echoing_its_password() {
        let error = config_from_url("postgres://ann:s3cret@db:notaport/team").unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("s3cret"), "{message}");
        assert!(
            message.contains("postgres://ann@db:notaport/team"),
            "{message}"
        );
    }
}

//! The user's config file (`config.toml` in the platform config directory): agent name,
//! role, blind review, and key overrides. A bad file gives one line naming the file and the problem.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::snippets::{self, Snippet};
use crate::domain::call::Role;
use crate::input::keymap::KeyOverrides;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub agent: Option<String>,
    pub role: Option<Role>,
    /// Hide the agent's road from a lead until the lead has chosen one (default true).
    pub blind_review: Option<bool>,
    #[serde(default)]
    pub keys: KeyOverrides,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is invalid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("the snippets file {path} is invalid: {message}")]
    Snippets { path: PathBuf, message: String },
}

/// The note snippets: `path` (a `snippets.toml` beside `config.toml`) when it exists,
/// else the ones that come with the program.
pub fn load_snippets(path: &Path) -> Result<Vec<Snippet>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(snippets::defaults()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    snippets::parse(&text).map_err(|message| ConfigError::Snippets {
        path: path.to_path_buf(),
        message,
    })
}

impl Config {
    /// Reads `path`; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.message().replace('\n', " ") + &line_of(&text, e.span()),
        })
    }
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(span) => format!(
            " (line {})",
            text[..span.start.min(text.len())].matches('\n').count() + 1
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        Config::load(&path)
    }

    #[test]
    fn a_good_file_loads() {
        let config =
            load("agent = \"Priya\"\nrole = \"lead\"\n[keys.queue]\nn = \"add_customer\"\n")
                .unwrap();
        assert_eq!(config.agent.as_deref(), Some("Priya"));
        assert_eq!(config.role, Some(Role::Lead));
        assert_eq!(config.keys["queue"]["n"], "add_customer");
    }

    #[test]
    fn mistakes_name_the_file_and_line() {
        let error = load("agent = \"P\"\nrole = \"boss\"\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("config.toml is invalid"), "{error}");
        assert!(error.contains("line 2"), "{error}");
        let error = load("colour = 1\n").unwrap_err().to_string();
        assert!(error.contains("unknown field `colour`"), "{error}");
    }

    #[test]
    fn a_bad_snippets_file_gives_one_line_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snippets.toml");
        std::fs::write(&path, "[[snippet]]\nname = \"refund\"\n").unwrap();
        let error = load_snippets(&path).unwrap_err().to_string();
        assert!(!error.contains('\n'), "{error}");
        assert!(error.contains("snippets.toml is invalid"), "{error}");
        assert!(error.contains("missing field `text`"), "{error}");
        std::fs::write(&path, "[[snippet]]\nname = \"hi\"\ntext = \"Hello.\"\n").unwrap();
        let mine = load_snippets(&path).unwrap();
        assert_eq!(mine.len(), 1, "the lead's file replaces the defaults");
        let defaults = load_snippets(&dir.path().join("none.toml")).unwrap();
        assert!(defaults.len() > 1);
    }

    #[test]
    fn a_missing_file_is_an_empty_config() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(&dir.path().join("none.toml")).unwrap();
        assert!(config.agent.is_none() && config.keys.is_empty());
    }
}

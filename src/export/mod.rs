//! Markdown from templates (SPEC §7). The templates ship in `assets/templates/` and are
//! embedded; a file of the same name in the user's templates folder wins. Every value a
//! template prints is escaped for CommonMark (and redacted unless asked not to) unless the
//! code marked it safe, so user text can never add a heading, break a table or inject
//! HTML. Building the data is in `summary.rs`; this file renders.

pub mod files;
pub mod markdown;
pub mod summary;

use std::path::{Path, PathBuf};

use minijinja::{Environment, Value};

/// The most a template may write (bytes): more means a runaway loop, refused before it
/// takes the machine's memory.
pub const MAX_OUTPUT: usize = 256 << 20;
/// The most steps a template may take (minijinja's fuel): a loop that writes nothing
/// still ends.
pub const MAX_STEPS: u64 = 2_000_000_000;

/// Collects a template's output, refusing to grow past `MAX_OUTPUT`.
struct Bounded {
    text: Vec<u8>,
    limit: usize,
    exceeded: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > self.limit {
            self.exceeded = true;
            return Err(std::io::Error::other("the output limit"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The templates: name, embedded text.
pub const TEMPLATES: [(&str, &str); 3] = [
    (
        "summary.md.j2",
        include_str!("../../assets/templates/summary.md.j2"),
    ),
    (
        "call.md.j2",
        include_str!("../../assets/templates/call.md.j2"),
    ),
    (
        "customer.md.j2",
        include_str!("../../assets/templates/customer.md.j2"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Template(String),
    #[error("{0}")]
    Data(String),
}

pub struct Templates {
    env: Environment<'static>,
    /// Where each template came from (the user's file, or "built in").
    sources: Vec<(String, String)>,
    /// The most bytes a rendering may produce (`MAX_OUTPUT` unless lowered).
    max_output: usize,
}

fn template_error(source: &str, e: &minijinja::Error) -> ExportError {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    let detail = e.detail().unwrap_or_default();
    ExportError::Template(
        format!("{source}{line}: {} {detail}", e.kind())
            .trim_end()
            .to_string(),
    )
}

impl Templates {
    /// The built-in templates, each replaced by `dir/NAME` when that file exists.
    pub fn load(dir: Option<&Path>, redact: bool) -> Result<Templates, ExportError> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        env.set_fuel(Some(MAX_STEPS));
        env.set_formatter(move |out, _state, value| {
            if value.is_none() || value.is_undefined() {
                return Ok(());
            }
            let text = value.to_string();
            let text = if value.is_safe() {
                text
            } else if redact {
                markdown::escape(&markdown::redact(&text))
            } else {
                markdown::escape(&text)
            };
            out.write_str(&text).map_err(minijinja::Error::from)
        });
        let mut sources = Vec::new();
        for (name, builtin) in TEMPLATES {
            let user: Option<PathBuf> = dir.map(|d| d.join(name)).filter(|p| p.exists());
            let (source, text) = match &user {
                Some(path) => (
                    path.display().to_string(),
                    std::fs::read_to_string(path)
                        .map_err(|e| ExportError::Template(format!("{}: {e}", path.display())))?,
                ),
                None => (format!("built-in {name}"), builtin.to_string()),
            };
            env.add_template_owned(name.to_string(), text)
                .map_err(|e| template_error(&source, &e))?;
            sources.push((name.to_string(), source));
        }
        Ok(Templates {
            env,
            sources,
            max_output: MAX_OUTPUT,
        })
    }

    /// Lowers the output limit (a caller with less memory to spare; tests).
    pub fn limit_output(&mut self, bytes: usize) {
        self.max_output = bytes.min(MAX_OUTPUT);
    }

    pub fn render(&self, name: &str, context: Value) -> Result<String, ExportError> {
        let source = self
            .sources
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name.to_string(), |(_, s)| s.clone());
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(&source, &e))?;
        let mut out = Bounded {
            text: Vec::new(),
            limit: self.max_output,
            exceeded: false,
        };
        if let Err(e) = template.render_captured_to(context, &mut out) {
            if out.exceeded {
                return Err(ExportError::Template(format!(
                    "{source}: the output grew past the limit of {}; a loop in the template runs too often",
                    size_text(self.max_output)
                )));
            }
            if e.kind() == minijinja::ErrorKind::OutOfFuel {
                return Err(ExportError::Template(format!(
                    "{source}: the template took more than the limit of {MAX_STEPS} steps; a loop in it runs too often"
                )));
            }
            return Err(template_error(&source, &e));
        }
        let mut text = String::from_utf8(out.text)
            .map_err(|_| ExportError::Template(format!("{source}: the output is not UTF-8")))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn size_text(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// A figure the code formatted itself (a number, a date): printed as is.
pub fn safe(text: impl Into<String>) -> Value {
    Value::from_safe_string(text.into())
}

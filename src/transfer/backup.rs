//! `fourroads backup FILE` and `fourroads restore FILE` (SPEC §8): the whole store as JSON
//! lines, a header with the schema version first and a SHA-256 checksum last. A backup is
//! written (owner-only) to a temporary file and renamed, so it is never half-written; a
//! restore reads the file once into a fresh store and swaps it in only when every line
//! and the checksum are right (`staging`), so a failed restore leaves the store as it was.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::staging;
use crate::store::backup::{BACKUP_FORMAT, BackupRecord};
use crate::store::{SCHEMA_VERSION, SledStore, StoreError};

/// Records handed to the store at once during a restore (bounded memory).
const RESTORE_BATCH: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Invalid(String),
    #[error("{file}: {}", crate::store::describe_io(.source))]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// How many records of each kind a backup or restore moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub agents: u64,
    pub customers: u64,
    pub calls: u64,
    pub notes: u64,
    pub cases: u64,
    pub audit: u64,
    /// Every lead's review of a call (the review a call shows is also in its line).
    pub reviews: u64,
}

impl Tally {
    fn count(&mut self, record: &BackupRecord) {
        match record {
            BackupRecord::Agent { .. } => self.agents += 1,
            BackupRecord::Customer { .. } => self.customers += 1,
            BackupRecord::Call { .. } => self.calls += 1,
            BackupRecord::Notes { .. } => self.notes += 1,
            BackupRecord::Case { .. } => self.cases += 1,
            BackupRecord::Audit { .. } => self.audit += 1,
            BackupRecord::Review { .. } => self.reviews += 1,
            BackupRecord::Header { .. } | BackupRecord::Checksum { .. } => {}
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} customers, {} calls, {} notes, {} reviews, {} cases, {} audit entries, {} agents",
            self.customers,
            self.calls,
            self.notes,
            self.reviews,
            self.cases,
            self.audit,
            self.agents
        )
    }
}

fn io_error(file: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        file: file.display().to_string(),
        source,
    }
}

/// Writes the whole store to `out`: header, records, checksum.
pub fn write_to(
    store: &SledStore,
    out: &mut dyn Write,
    now: Timestamp,
) -> Result<Tally, BackupError> {
    let mut hasher = Sha256::new();
    let mut lines = 0u64;
    let mut tally = Tally::default();
    let mut emit = |record: BackupRecord| -> std::io::Result<()> {
        let mut line = serde_json::to_string(&record).map_err(std::io::Error::other)?;
        line.push('\n');
        hasher.update(line.as_bytes());
        lines += 1;
        tally.count(&record);
        out.write_all(line.as_bytes())
    };
    let header = BackupRecord::Header {
        format: BACKUP_FORMAT.into(),
        schema: SCHEMA_VERSION,
        created_at: now,
        time_zone: store.time_zone_name(),
    };
    let write_failed = |e: std::io::Error| {
        StoreError::Rule(format!(
            "cannot write the backup: {}",
            crate::store::describe_io(&e)
        ))
    };
    emit(header).map_err(write_failed)?;
    store.each_record(&mut emit)?;
    let trailer = BackupRecord::Checksum {
        sha256: format!("{:x}", hasher.finalize()),
        lines,
    };
    let mut line =
        serde_json::to_string(&trailer).map_err(|e| BackupError::Invalid(e.to_string()))?;
    line.push('\n');
    out.write_all(line.as_bytes()).map_err(write_failed)?;
    out.flush().map_err(write_failed)?;
    Ok(tally)
}

/// `fourroads backup FILE`: written beside `file` and renamed into place when complete.
pub fn backup(store: &SledStore, file: &Path, now: Timestamp) -> Result<Tally, BackupError> {
    let partial = file.with_extension("partial");
    let handle = crate::export::files::create_private(&partial).map_err(io_error(&partial))?;
    let mut out = BufWriter::new(handle);
    let tally = match write_to(store, &mut out, now) {
        Ok(tally) => tally,
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let handle = out
        .into_inner()
        .map_err(|e| io_error(&partial)(e.into_error()))?;
    handle.sync_all().map_err(io_error(&partial))?;
    std::fs::rename(&partial, file).map_err(io_error(file))?;
    Ok(tally)
}

/// The longest line a backup may hold; any longer and the file is not a backup. It
/// bounds the memory a restore may take, whatever the file (`/dev/zero` included).
pub const MAX_LINE: usize = 64 << 20;

/// Reads one line (newline included) into `line`, refusing a line over `MAX_LINE`.
/// `Ok(false)` at the end of the input.
fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> std::io::Result<Result<bool, ()>> {
    line.clear();
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(Ok(!line.is_empty()));
        }
        let (take, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        if line.len() + take > MAX_LINE {
            return Ok(Err(()));
        }
        line.extend_from_slice(&buffer[..take]);
        reader.consume(take);
        if done {
            return Ok(Ok(true));
        }
    }
}

fn parse_line(label: &str, number: u64, line: &[u8]) -> Result<BackupRecord, BackupError> {
    let text = std::str::from_utf8(line)
        .map_err(|_| BackupError::Invalid(format!("{label}:{number}: not valid UTF-8")))?;
    serde_json::from_str(text.trim_end_matches(['\n', '\r']))
        .map_err(|e| BackupError::Invalid(format!("{label}:{number}: not a backup record ({e})")))
}

/// `fourroads restore FILE`: reads the file once (a pipe works) into a fresh store inside
/// `store`, checking every line and the checksum, and swaps it in only when all of it is
/// in; on any problem the store is left as it was. `store` must be empty unless `force`
/// (then its contents are replaced).
pub fn restore(store: &mut SledStore, file: &Path, force: bool) -> Result<Tally, BackupError> {
    if store.has_records() && !force {
        return Err(BackupError::Invalid(format!(
            "the store at {} is not empty; restore into a new store, or add --force to replace everything in it",
            store.path().display()
        )));
    }
    let handle = File::open(file).map_err(io_error(file))?;
    let mut reader = BufReader::with_capacity(1 << 20, handle);
    staging::replace(store, false, |fresh| read_into(fresh, file, &mut reader)).map_err(|e| match e
    {
        BackupError::Invalid(message) if !message.contains(UNCHANGED) => {
            BackupError::Invalid(format!("{message}. {UNCHANGED}"))
        }
        other => other,
    })
}

/// How every failed restore ends: the old store is untouched.
const UNCHANGED: &str = "Nothing was restored; the store is as it was.";

/// What a restore checks of the records beside the checksum (a checksum can be made
/// again by anyone who edits the file): every id once, every reference to a record the
/// file holds, and a customer's name as a form would take it.
#[derive(Default)]
struct Integrity {
    customers: std::collections::HashSet<crate::domain::Id>,
    calls: std::collections::HashSet<crate::domain::Id>,
    cases: std::collections::HashSet<crate::domain::Id>,
    /// (line, what refers, the customer it names), checked once every customer is read.
    to_customers: Vec<(u64, &'static str, crate::domain::Id)>,
    /// (line, the call a record names).
    to_calls: Vec<(u64, crate::domain::Id)>,
}

impl Integrity {
    fn check(&mut self, number: u64, record: &BackupRecord) -> Result<(), String> {
        use crate::domain::customer::MAX_FIELD_CHARS;
        let twice =
            |what: &str, id: crate::domain::Id| format!("{number}: {what} {id} appears twice");
        match record {
            BackupRecord::Customer { record } => {
                if !self.customers.insert(record.id) {
                    return Err(twice("customer", record.id));
                }
                let name = record.name.trim();
                if name.is_empty()
                    || name.chars().any(char::is_control)
                    || name.chars().count() > MAX_FIELD_CHARS
                {
                    return Err(format!(
                        "{number}: customer {} has no name a form would take (1 to {MAX_FIELD_CHARS} characters, no control characters)",
                        record.id
                    ));
                }
            }
            BackupRecord::Call { record } => {
                if !self.calls.insert(record.id) {
                    return Err(twice("call", record.id));
                }
                self.to_customers.push((number, "call", record.customer_id));
            }
            BackupRecord::Case { record } => {
                if !self.cases.insert(record.id) {
                    return Err(twice("case", record.id));
                }
                self.to_customers.push((number, "case", record.customer_id));
            }
            BackupRecord::Notes { call_id, .. } => self.to_calls.push((number, *call_id)),
            BackupRecord::Review { record } => self.to_calls.push((number, record.call)),
            _ => {}
        }
        Ok(())
    }

    fn references(&self) -> Result<(), String> {
        for (number, what, customer) in &self.to_customers {
            if !self.customers.contains(customer) {
                return Err(format!(
                    "{number}: a {what} of customer {customer}, whom the file does not hold"
                ));
            }
        }
        for (number, call) in &self.to_calls {
            if !self.calls.contains(call) {
                return Err(format!(
                    "{number}: notes or a review of call {call}, which the file does not hold"
                ));
            }
        }
        Ok(())
    }
}

/// The single pass of a restore: every line parses, the header comes first, the checksum
/// last and matches, the records hold together; records go to `fresh` in bounded batches
/// as they are read.
fn read_into(
    fresh: &mut SledStore,
    file: &Path,
    reader: &mut dyn BufRead,
) -> Result<Tally, BackupError> {
    let label = file.display().to_string();
    let unchanged = UNCHANGED;
    let mut hasher = Sha256::new();
    let mut tally = Tally::default();
    let mut trailer: Option<(String, u64, u64)> = None;
    let mut batch = Vec::with_capacity(RESTORE_BATCH);
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut integrity = Integrity::default();
    loop {
        let more = read_line(reader, &mut line).map_err(io_error(file))?;
        match more {
            Ok(false) => break,
            Ok(true) => number += 1,
            Err(()) => {
                return Err(BackupError::Invalid(format!(
                    "{label}:{}: a line longer than the limit of {} MiB; this is not a fourroads backup. {unchanged}",
                    number + 1,
                    MAX_LINE >> 20
                )));
            }
        }
        if trailer.is_some() {
            return Err(BackupError::Invalid(format!(
                "{label}:{number}: there is more after the checksum line; the file was edited or joined. {unchanged}"
            )));
        }
        let record = parse_line(&label, number, &line)?;
        match &record {
            BackupRecord::Header {
                format,
                schema,
                time_zone,
                ..
            } => {
                if number != 1 {
                    return Err(BackupError::Invalid(format!(
                        "{label}:{number}: a second header line"
                    )));
                }
                if format != BACKUP_FORMAT {
                    return Err(BackupError::Invalid(format!(
                        "{label}:1: not a fourroads backup (format \"{format}\")"
                    )));
                }
                if *schema > SCHEMA_VERSION {
                    return Err(BackupError::Invalid(format!(
                        "{label}: written by a newer fourroads (schema {schema}, this one reads up to {SCHEMA_VERSION}); update fourroads"
                    )));
                }
                if let Some(zone) = time_zone {
                    fresh.set_time_zone(zone)?;
                }
            }
            _ if number == 1 => {
                return Err(BackupError::Invalid(format!(
                    "{label}:1: the first line must be the backup header"
                )));
            }
            BackupRecord::Checksum { sha256, lines } => {
                trailer = Some((sha256.clone(), *lines, number));
                continue;
            }
            other => {
                integrity.check(number, other).map_err(|why| {
                    BackupError::Invalid(format!("{label}:{why}; the file was edited. {unchanged}"))
                })?;
                tally.count(other);
                batch.push(record);
                if batch.len() >= RESTORE_BATCH {
                    fresh.restore_records(&batch)?;
                    batch.clear();
                }
            }
        }
        hasher.update(&line);
    }
    let Some((sha256, lines, at)) = trailer else {
        return Err(BackupError::Invalid(format!(
            "{label}: the checksum line is missing; the file is incomplete. {unchanged}"
        )));
    };
    if lines != at - 1 || format!("{:x}", hasher.finalize()) != sha256 {
        return Err(BackupError::Invalid(format!(
            "{label}: the checksum does not match; the file is damaged or was edited. {unchanged}"
        )));
    }
    integrity.references().map_err(|why| {
        BackupError::Invalid(format!("{label}:{why}; the file was edited. {unchanged}"))
    })?;
    fresh.restore_records(&batch)?;
    fresh.finish_restore()?;
    Ok(tally)
}

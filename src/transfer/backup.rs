//! `fourroads backup FILE` and `fourroads restore FILE` (SPEC §8): the whole store as JSON
//! lines, a header with the schema version first and a SHA-256 checksum last. A backup is
//! written to a temporary file and renamed, so it is never half-written; a restore reads
//! the file twice, checking every line and the checksum before it writes anything.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::store::backup::{BACKUP_FORMAT, BackupRecord};
use crate::store::{SCHEMA_VERSION, SledStore, StoreError};

/// Records handed to the store at once during a restore (bounded memory).
const RESTORE_BATCH: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Invalid(String),
    #[error("{file}: {source}")]
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
            BackupRecord::Header { .. } | BackupRecord::Checksum { .. } => {}
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} customers, {} calls, {} notes, {} cases, {} audit entries, {} agents",
            self.customers, self.calls, self.notes, self.cases, self.audit, self.agents
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
    let write_failed =
        |e: std::io::Error| StoreError::Rule(format!("cannot write the backup: {e}"));
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
    let handle = File::create(&partial).map_err(io_error(&partial))?;
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

/// What `each_line` calls with a line's number and raw bytes.
type LineVisitor<'a> = dyn FnMut(u64, &[u8]) -> Result<(), BackupError> + 'a;

/// Reads `file` line by line (raw bytes, newline included) and hands each to `each`
/// with its 1-based number.
fn each_line(file: &Path, each: &mut LineVisitor<'_>) -> Result<(), BackupError> {
    let handle = File::open(file).map_err(io_error(file))?;
    let mut reader = BufReader::with_capacity(1 << 20, handle);
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(io_error(file))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        each(number, &line)?;
    }
}

fn parse_line(label: &str, number: u64, line: &[u8]) -> Result<BackupRecord, BackupError> {
    let text = std::str::from_utf8(line)
        .map_err(|_| BackupError::Invalid(format!("{label}:{number}: not valid UTF-8")))?;
    serde_json::from_str(text.trim_end_matches(['\n', '\r']))
        .map_err(|e| BackupError::Invalid(format!("{label}:{number}: not a backup record ({e})")))
}

/// What the first pass learnt: the header's time zone and how many records follow.
struct Checked {
    time_zone: Option<String>,
    tally: Tally,
}

/// The first pass: every line parses, the header comes first, the checksum last and
/// matches. Nothing is written.
fn check(file: &Path) -> Result<Checked, BackupError> {
    let label = file.display().to_string();
    let mut hasher = Sha256::new();
    let mut time_zone = None;
    let mut tally = Tally::default();
    let mut trailer: Option<(String, u64, u64)> = None;
    each_line(file, &mut |number, line| {
        if trailer.is_some() {
            return Err(BackupError::Invalid(format!(
                "{label}:{number}: there is more after the checksum line; the file was edited or joined"
            )));
        }
        let record = parse_line(&label, number, line)?;
        match &record {
            BackupRecord::Header {
                format,
                schema,
                time_zone: zone,
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
                time_zone = zone.clone();
            }
            _ if number == 1 => {
                return Err(BackupError::Invalid(format!(
                    "{label}:1: the first line must be the backup header"
                )));
            }
            BackupRecord::Checksum { sha256, lines } => {
                trailer = Some((sha256.clone(), *lines, number));
                return Ok(());
            }
            other => tally.count(other),
        }
        hasher.update(line);
        Ok(())
    })?;
    let Some((sha256, lines, at)) = trailer else {
        return Err(BackupError::Invalid(format!(
            "{label}: the checksum line is missing; the file is incomplete. Nothing was restored."
        )));
    };
    if lines != at - 1 || format!("{:x}", hasher.finalize()) != sha256 {
        return Err(BackupError::Invalid(format!(
            "{label}: the checksum does not match; the file is damaged or was edited. Nothing was restored."
        )));
    }
    Ok(Checked { time_zone, tally })
}

/// `fourroads restore FILE`: checks the whole file, then writes it into `store`, which
/// must be empty unless `force` (then its contents are replaced).
pub fn restore(store: &mut SledStore, file: &Path, force: bool) -> Result<Tally, BackupError> {
    let checked = check(file)?;
    if store.has_records() {
        if !force {
            return Err(BackupError::Invalid(format!(
                "the store at {} is not empty; restore into a new store, or add --force to replace everything in it",
                store.path().display()
            )));
        }
        store.clear_all()?;
    }
    if let Some(zone) = &checked.time_zone {
        store.set_time_zone(zone)?;
    }
    let label = file.display().to_string();
    let mut batch = Vec::with_capacity(RESTORE_BATCH);
    each_line(file, &mut |number, line| {
        batch.push(parse_line(&label, number, line)?);
        if batch.len() >= RESTORE_BATCH {
            store.restore_records(&batch)?;
            batch.clear();
        }
        Ok(())
    })?;
    store.restore_records(&batch)?;
    store.finish_restore()?;
    Ok(checked.tally)
}

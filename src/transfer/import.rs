//! `fourroads import customers FILE.csv` (SPEC §8): every row is validated first; any bad
//! row is reported as `FILE:LINE: reason` and then nothing is written. Re-importing does
//! not duplicate: a row matches a customer by `external_id`, else by exact name plus
//! phone or email.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::domain::text::sanitize_line;
use crate::domain::{Customer, CustomerStatus, NewCustomer};
use crate::store::{Store, StoreError};

/// Columns the import understands; `name` is required.
pub const COLUMNS: [&str; 6] = ["name", "phone", "email", "segment", "status", "external_id"];
/// Problems listed before "… and N more".
pub const MAX_REPORTED: usize = 50;
/// Who status changes made by an import are recorded as.
const IMPORTER: &str = "import";

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every problem found, each as `FILE:LINE: reason`; nothing was written.
    #[error("{}", .0.join("\n"))]
    Rows(Vec<String>),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// One valid row, ready to match against the store.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub segment: Option<String>,
    pub status: Option<CustomerStatus>,
    pub external_id: Option<String>,
}

/// A checked file: valid rows and warnings (unknown columns).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedFile {
    pub rows: Vec<ImportRow>,
    pub warnings: Vec<String>,
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn optional(text: &str) -> Option<String> {
    let text = one_line(text);
    (!text.is_empty()).then_some(text)
}

/// The line of a quote that opens a field and is never closed, if any: the CSV reader
/// would take every row after it as part of that one field. Follows the reader's rules:
/// a quote opens a field only at its start, and `""` inside is a quote.
pub(crate) fn unclosed_quote(bytes: &[u8]) -> Option<u64> {
    let mut line = 1u64;
    let mut field_start = true;
    let mut opened_on: Option<u64> = None;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if opened_on.is_some() {
            match byte {
                b'"' if bytes.get(at + 1) == Some(&b'"') => at += 1,
                b'"' => {
                    opened_on = None;
                    field_start = false;
                }
                b'\n' => line += 1,
                _ => {}
            }
        } else {
            match byte {
                b'"' if field_start => opened_on = Some(line),
                b',' | b'\r' => field_start = true,
                b'\n' => {
                    line += 1;
                    field_start = true;
                }
                _ => field_start = false,
            }
        }
        at += 1;
    }
    opened_on
}

/// A CSV file with a header row, past a byte-order mark: the reader and the header, or
/// the one line saying why it cannot be read (`label` is already made safe to show).
pub(crate) fn open_csv<'a>(
    label: &str,
    bytes: &'a [u8],
) -> Result<(csv::Reader<&'a [u8]>, csv::ByteRecord), Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(line) = unclosed_quote(bytes) {
        return Err(vec![format!(
            "{label}:{line}: a quote (\") opens a field on this line and is never closed, so every row after it would be read into that field; close the quote or remove it"
        )]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    match reader.byte_headers() {
        Ok(headers) => {
            let headers = headers.clone();
            Ok((reader, headers))
        }
        Err(e) => Err(vec![format!("{label}:1: cannot read the header row ({e})")]),
    }
}

/// Reads and checks the whole file; `label` names it in messages (control characters in
/// it, in column names and in values quoted back are made visible).
pub fn parse(label: &str, bytes: &[u8], now: Timestamp) -> Result<ParsedFile, Vec<String>> {
    let label = &*sanitize_line(label);
    let (mut reader, headers) = open_csv(label, bytes)?;
    let mut column: HashMap<&str, usize> = HashMap::new();
    let mut unknown = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in headers.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(raw) else {
            problems.push(format!("{label}:1: the header row is not valid UTF-8"));
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(known) => {
                if column.insert(known, i).is_some() {
                    problems.push(format!("{label}:1: the column \"{known}\" appears twice"));
                }
            }
            None if name.is_empty() => {}
            None => unknown.push(sanitize_line(&name).into_owned()),
        }
    }
    if !column.contains_key("name") {
        problems.push(format!(
            "{label}:1: there is no \"name\" column; the first row must name the columns ({})",
            COLUMNS.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut parsed = ParsedFile::default();
    if !unknown.is_empty() {
        parsed.warnings.push(format!(
            "{label}: ignoring unknown column(s): {} (known: {})",
            unknown.join(", "),
            COLUMNS.join(", ")
        ));
    }
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                problems.push(format!("{label}:{line}: cannot read this row ({e})"));
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        match check_row(&record, &column, now) {
            Ok(row) => {
                let row = ImportRow { line, ..row };
                if let Some(id) = &row.external_id
                    && let Some(first) = seen_ids.insert(id.clone(), line)
                {
                    problems.push(format!(
                        "{label}:{line}: external_id \"{}\" is already used on line {first}",
                        sanitize_line(id)
                    ));
                }
                parsed.rows.push(row);
            }
            Err(reason) => problems.push(format!("{label}:{line}: {}", sanitize_line(&reason))),
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

fn check_row(
    record: &csv::ByteRecord,
    column: &HashMap<&str, usize>,
    now: Timestamp,
) -> Result<ImportRow, String> {
    let mut values: HashMap<&str, String> = HashMap::new();
    for (name, &at) in column {
        let raw = record.get(at).unwrap_or_default();
        let text =
            std::str::from_utf8(raw).map_err(|_| format!("the {name} field is not valid UTF-8"))?;
        values.insert(name, text.to_string());
    }
    let get = |name: &str| values.get(name).map(String::as_str).unwrap_or_default();
    let status_text = one_line(get("status"));
    let draft = NewCustomer {
        name: one_line(get("name")),
        phone: one_line(get("phone")),
        email: one_line(get("email")),
        segment: one_line(get("segment")),
        status: if status_text.is_empty() {
            "new".into()
        } else {
            status_text.clone()
        },
    };
    if let Err(errors) = draft.validate(now, IMPORTER) {
        let reasons: Vec<String> = errors
            .iter()
            .map(|e| {
                if e.message.starts_with(e.field) {
                    e.message.clone()
                } else {
                    format!("{}: {}", e.field, e.message)
                }
            })
            .collect();
        return Err(reasons.join("; "));
    }
    Ok(ImportRow {
        line: 0,
        name: draft.name,
        phone: optional(&draft.phone),
        email: optional(&draft.email),
        segment: optional(&draft.segment),
        status: CustomerStatus::parse(&status_text),
        external_id: optional(get("external_id")),
    })
}

/// Finds the existing customer a row refers to: same `external_id`, else the exact same
/// name and the same phone or email. Hash lookups, so large files stay linear.
#[derive(Default)]
struct Matcher {
    by_external_id: HashMap<String, usize>,
    by_name_phone: HashMap<(String, String), usize>,
    by_name_email: HashMap<(String, String), usize>,
}

impl Matcher {
    fn add(&mut self, customer: &Customer, at: usize) {
        self.add_fields(
            &customer.name,
            customer.phone.as_ref(),
            customer.email.as_ref(),
            customer.external_id.as_ref(),
            at,
        );
    }

    /// Every duplicate merged into `customer`, so that a row describing one of them
    /// (the file the duplicate came from, imported again) is not added back.
    fn add_merged(&mut self, customer: &Customer, at: usize) {
        for merged in &customer.merged {
            self.add_fields(
                &merged.name,
                merged.phone.as_ref(),
                merged.email.as_ref(),
                merged.external_id.as_ref(),
                at,
            );
        }
    }

    fn add_fields(
        &mut self,
        name: &str,
        phone: Option<&String>,
        email: Option<&String>,
        external_id: Option<&String>,
        at: usize,
    ) {
        if let Some(id) = external_id {
            self.by_external_id.insert(id.clone(), at);
        }
        if let Some(phone) = phone {
            self.by_name_phone
                .insert((name.to_string(), phone.clone()), at);
        }
        if let Some(email) = email {
            self.by_name_email
                .insert((name.to_string(), email.clone()), at);
        }
    }

    fn find(&self, row: &ImportRow) -> Option<usize> {
        let by_id = row
            .external_id
            .as_ref()
            .and_then(|id| self.by_external_id.get(id));
        let by_phone = row
            .phone
            .as_ref()
            .and_then(|p| self.by_name_phone.get(&(row.name.clone(), p.clone())));
        let by_email = row
            .email
            .as_ref()
            .and_then(|e| self.by_name_email.get(&(row.name.clone(), e.clone())));
        by_id.or(by_phone).or(by_email).copied()
    }
}

/// The customer after applying `row` (fields left empty keep their value).
fn merged(customer: &Customer, row: &ImportRow, now: Timestamp) -> Customer {
    let mut next = customer.clone();
    next.name = row.name.clone();
    for (field, value) in [
        (&mut next.phone, &row.phone),
        (&mut next.email, &row.email),
        (&mut next.segment, &row.segment),
        (&mut next.external_id, &row.external_id),
    ] {
        if value.is_some() {
            *field = value.clone();
        }
    }
    if let Some(status) = row.status {
        next.change_status(status, now, IMPORTER);
    }
    next
}

fn new_customer(row: &ImportRow, now: Timestamp) -> Customer {
    let draft = NewCustomer {
        name: row.name.clone(),
        phone: row.phone.clone().unwrap_or_default(),
        email: row.email.clone().unwrap_or_default(),
        segment: row.segment.clone().unwrap_or_default(),
        status: row.status.unwrap_or(CustomerStatus::New).as_str().into(),
    };
    // The row was validated by `parse`; validating again cannot fail.
    let mut customer = draft.validate(now, IMPORTER).unwrap_or_else(|_| Customer {
        id: crate::domain::new_id(),
        name: row.name.clone(),
        phone: None,
        email: None,
        segment: None,
        external_id: None,
        status: CustomerStatus::New,
        do_not_contact: false,
        created_at: now,
        status_history: Vec::new(),
        last_contact: None,
        do_not_contact_note: None,
        merged: Vec::new(),
    });
    customer.external_id = row.external_id.clone();
    customer
}

/// Writes a checked file: adds new customers, updates the matched ones that differ.
/// `progress` is called with (rows done, rows in all) now and then.
pub fn apply(
    store: &dyn Store,
    parsed: &ParsedFile,
    now: Timestamp,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportSummary, ImportError> {
    let mut existing = store.all_customers()?;
    let mut matcher = Matcher::default();
    let mut merged_away = Matcher::default();
    for (at, customer) in existing.iter().enumerate() {
        matcher.add(customer, at);
        merged_away.add_merged(customer, at);
    }
    let mut summary = ImportSummary::default();
    let total = parsed.rows.len();
    for (done, row) in parsed.rows.iter().enumerate() {
        match matcher.find(row) {
            Some(at) => {
                let next = merged(&existing[at], row, now);
                if next == existing[at] {
                    summary.unchanged += 1;
                } else {
                    store.put_customer(&next)?;
                    matcher.add(&next, at);
                    existing[at] = next;
                    summary.updated += 1;
                }
            }
            // A record merged into another customer stays merged.
            None if merged_away.find(row).is_some() => summary.unchanged += 1,
            None => {
                let customer = new_customer(row, now);
                store.put_customer(&customer)?;
                matcher.add(&customer, existing.len());
                existing.push(customer);
                summary.added += 1;
            }
        }
        if done % 1000 == 999 {
            progress(done + 1, total);
        }
    }
    store.flush()?;
    progress(total, total);
    Ok(summary)
}

/// The problems to print: the first `MAX_REPORTED`, then how many more.
pub fn report(problems: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = problems.iter().take(MAX_REPORTED).cloned().collect();
    if problems.len() > MAX_REPORTED {
        lines.push(format!("… and {} more", problems.len() - MAX_REPORTED));
    }
    lines
}

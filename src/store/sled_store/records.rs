//! Writing records inside a transaction: each record type knows its index entries and
//! the counters it contributes to; a change removes the old record's entries, adds the
//! new one's and moves the counters by the difference, so indexes and counters can
//! never drift from the records.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use super::*;
use crate::domain::call::AuditEntry;
use crate::domain::stats::customer_events;
use crate::domain::{Call, Case, CaseStatus, Customer, new_id};
use crate::store::codec::{decode, decode_text, encode, encode_text};
use crate::store::{Actor, keys};

/// A tree index, a key and a value.
pub(super) use super::IndexEntry;

/// A full-text posting to add (`true`) or take out (`false`).
pub(super) type PostingMove = (Vec<u8>, bool);

pub(super) struct Tx<'a> {
    trees: &'a [TransactionalTree],
    tz: &'a TimeZone,
    /// Applying what the operations amount to (see `apply.rs`): no operation is emitted
    /// and no audit entry made, since the operations already hold them.
    pub(super) replay: std::cell::Cell<bool>,
    /// Who the operations emitted in this transaction are by, when the change does not
    /// name its own author (see `oplog.rs`).
    pub(super) actor: std::cell::RefCell<Option<(String, crate::domain::call::Role)>>,
    /// Whether this transaction appended an operation of this workstation (so, once it
    /// commits, there is something to send).
    pub(super) emitted: std::cell::Cell<bool>,
    /// Full-text postings to move after the transaction, all at once (see
    /// `SledStore::with_deferred_postings`); `None`: moved here, block by block.
    pub(super) deferred: Option<std::cell::RefCell<Vec<PostingMove>>>,
}

fn storage(e: UnabortableTransactionError) -> StoreError {
    match e {
        UnabortableTransactionError::Storage(e) => StoreError::Sled(e),
        // A conflict must reach sled so it retries; it never escapes `transaction`.
        UnabortableTransactionError::Conflict => StoreError::Rule("transaction conflict".into()),
    }
}

impl<'a> Tx<'a> {
    pub(super) fn new(trees: &'a [TransactionalTree], tz: &'a TimeZone) -> Tx<'a> {
        Tx {
            trees,
            tz,
            replay: std::cell::Cell::new(false),
            actor: std::cell::RefCell::new(None),
            emitted: std::cell::Cell::new(false),
            deferred: None,
        }
    }

    pub(super) fn get(&self, tree: usize, key: &[u8]) -> StoreResult<Option<sled::IVec>> {
        self.trees[tree].get(key).map_err(storage)
    }

    pub(super) fn put(&self, tree: usize, key: &[u8], value: &[u8]) -> StoreResult<()> {
        self.trees[tree].insert(key, value).map_err(storage)?;
        Ok(())
    }

    pub(super) fn del(&self, tree: usize, key: &[u8]) -> StoreResult<()> {
        self.trees[tree].remove(key).map_err(storage)?;
        Ok(())
    }

    /// Moves a counter (in `T_COUNTERS` or `T_DAILY`) by `delta`; a count that reaches
    /// zero is removed, so the trees hold only what a recount would find.
    fn bump(&self, tree: usize, key: &[u8], delta: i64) -> StoreResult<()> {
        if delta == 0 {
            return Ok(());
        }
        let current = self.get(tree, key)?.map(|v| read_counter(&v)).unwrap_or(0);
        let next = (current + delta).max(0);
        if next == 0 {
            self.del(tree, key)
        } else {
            self.put(tree, key, &next.to_be_bytes())
        }
    }

    fn reindex(&self, old: &[IndexEntry], new: &[IndexEntry]) -> StoreResult<()> {
        let gone = |entry: &&IndexEntry| !new.iter().any(|n| n.0 == entry.0 && n.1 == entry.1);
        for entry in old.iter().filter(|e| e.0 != T_SEARCH).filter(gone) {
            self.del(entry.0, &entry.1)?;
        }
        for (tree, key, value) in new.iter().filter(|e| e.0 != T_SEARCH) {
            self.put(*tree, key, value)?;
        }
        // Full-text postings live in blocks (`search`): moved one by one.
        let postings_gone: Vec<&[u8]> = old
            .iter()
            .filter(|e| e.0 == T_SEARCH)
            .filter(gone)
            .map(|e| e.1.as_slice())
            .collect();
        let postings_added: Vec<&[u8]> = new
            .iter()
            .filter(|n| n.0 == T_SEARCH && !old.iter().any(|o| o.0 == n.0 && o.1 == n.1))
            .map(|n| n.1.as_slice())
            .collect();
        self.move_postings(&postings_gone, &postings_added)
    }

    fn move_postings(&self, gone: &[&[u8]], added: &[&[u8]]) -> StoreResult<()> {
        if gone.is_empty() && added.is_empty() {
            return Ok(());
        }
        if let Some(deferred) = &self.deferred {
            let mut deferred = deferred.borrow_mut();
            deferred.extend(gone.iter().map(|p| (p.to_vec(), false)));
            deferred.extend(added.iter().map(|p| (p.to_vec(), true)));
            return Ok(());
        }
        super::postings::move_postings(&self.trees[T_SEARCH], gone, added).map_err(storage)
    }

    /// Moves the counters in `tree` from what the old record contributed to what the
    /// new one does.
    fn count(&self, tree: usize, old: Vec<Vec<u8>>, new: Vec<Vec<u8>>) -> StoreResult<()> {
        let mut deltas: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
        for key in old {
            *deltas.entry(key).or_default() -= 1;
        }
        for key in new {
            *deltas.entry(key).or_default() += 1;
        }
        for (key, delta) in deltas {
            self.bump(tree, &key, delta)?;
        }
        Ok(())
    }

    pub(super) fn load<T: serde::de::DeserializeOwned>(
        &self,
        tree: usize,
        id: crate::domain::Id,
    ) -> StoreResult<Option<T>> {
        self.get(tree, &keys::id(id))?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    /// The agent's small fixed-width number for index keys, allocated on first use.
    fn agent_number(&self, name: &str) -> StoreResult<u32> {
        if let Some(bytes) = self.get(T_AGENTS, name.as_bytes())? {
            return Ok(read_counter(&bytes) as u32);
        }
        let next = self
            .get(T_COUNTERS, b"agents")?
            .map(|v| read_counter(&v))
            .unwrap_or(0)
            + 1;
        self.put(T_COUNTERS, b"agents", &next.to_be_bytes())?;
        self.put(T_AGENTS, name.as_bytes(), &next.to_be_bytes())?;
        Ok(next as u32)
    }

    pub(super) fn put_customer(&self, old: Option<&Customer>, new: &Customer) -> StoreResult<()> {
        for payload in crate::domain::ops::diff::customer(old, new, Timestamp::now()) {
            self.emit(payload.into())?;
        }
        self.put(T_CUSTOMERS, &keys::id(new.id), &encode(new)?)?;
        self.reindex(
            &old.map(customer_index).unwrap_or_default(),
            &customer_index(new),
        )?;
        self.count(
            T_COUNTERS,
            old.map(customer_counters).unwrap_or_default(),
            customer_counters(new),
        )?;
        self.count(
            T_DAILY,
            old.map(|c| customer_daily(c, self.tz)).unwrap_or_default(),
            customer_daily(new, self.tz),
        )
    }

    pub(super) fn put_call(
        &self,
        old: Option<&Call>,
        new: &Call,
        actor: &Actor,
    ) -> StoreResult<()> {
        self.act_as(actor);
        for draft in crate::domain::ops::diff::call(old, new) {
            self.emit(draft)?;
        }
        self.put(T_CALLS, &keys::id(new.id), &encode(new)?)?;
        let (old_index, old_daily) = match old {
            Some(old) => {
                let agent = self.agent_number(&old.agent)?;
                (call_index(old, agent), call_daily(old, agent, self.tz))
            }
            None => (Vec::new(), Vec::new()),
        };
        let agent = self.agent_number(&new.agent)?;
        self.reindex(&old_index, &call_index(new, agent))?;
        self.count(
            T_COUNTERS,
            old.map(call_counters).unwrap_or_default(),
            call_counters(new),
        )?;
        self.count(T_DAILY, old_daily, call_daily(new, agent, self.tz))?;
        if self.replay.get() {
            return Ok(());
        }
        // The shown review is also its lead's record (see `reviews`).
        if let Some(review) = &new.review
            && old.and_then(|c| c.review.as_ref()) != Some(review)
        {
            self.record_review(new.id, review)?;
        }
        let old_road = old.and_then(|c| c.road);
        if old_road != new.road {
            self.audit(
                new.id,
                actor,
                crate::domain::call::AuditKind::AgentRoad,
                old_road,
                new.road,
            )?;
        }
        let old_lead = old.and_then(|c| c.review.as_ref().map(|r| r.road));
        let new_lead = new.review.as_ref().map(|r| r.road);
        if old_lead != new_lead {
            self.audit(
                new.id,
                actor,
                crate::domain::call::AuditKind::LeadRoad,
                old_lead,
                new_lead,
            )?;
        }
        Ok(())
    }

    /// Writes a call's notes, moving the search index by the difference of their terms.
    pub(super) fn put_notes(&self, call: crate::domain::Id, text: &str) -> StoreResult<()> {
        let old = self.notes_index(call)?;
        self.put(T_NOTES, &keys::id(call), &encode_text(text))?;
        let new = super::search::notes_entries(call, text);
        // Both are sorted: move only what changed.
        let (gone, added) = super::search::difference(&old, &new);
        self.move_postings(&gone, &added)?;
        self.emit_notes(call, text)
    }

    /// Removes a call's notes and their search entries (the call stays).
    pub(super) fn remove_notes(&self, call: crate::domain::Id) -> StoreResult<()> {
        self.reindex(&self.notes_index(call)?, &[])?;
        self.del(T_NOTES, &keys::id(call))
    }

    /// The search entries of the call's stored notes.
    fn notes_index(&self, call: crate::domain::Id) -> StoreResult<Vec<IndexEntry>> {
        Ok(match self.get(T_NOTES, &keys::id(call))? {
            Some(bytes) => super::search::notes_entries(call, &decode_text(&bytes)?),
            None => Vec::new(),
        })
    }

    pub(super) fn put_case(&self, old: Option<&Case>, new: &Case) -> StoreResult<()> {
        for payload in crate::domain::ops::diff::case(old, new, Timestamp::now()) {
            self.emit(payload.into())?;
        }
        self.put(T_CASES, &keys::id(new.id), &encode(new)?)?;
        self.reindex(&old.map(case_index).unwrap_or_default(), &case_index(new))?;
        self.count(
            T_COUNTERS,
            old.map(case_counters).unwrap_or_default(),
            case_counters(new),
        )
    }

    /// Removes a customer with its index entries, counters and daily tallies.
    pub(super) fn remove_customer(&self, old: &Customer) -> StoreResult<()> {
        self.del(T_CUSTOMERS, &keys::id(old.id))?;
        self.reindex(&customer_index(old), &[])?;
        self.count(T_COUNTERS, customer_counters(old), Vec::new())?;
        self.count(T_DAILY, customer_daily(old, self.tz), Vec::new())
    }

    /// Removes a call and its notes with their index entries, counters and tallies.
    pub(super) fn remove_call(&self, old: &Call) -> StoreResult<()> {
        let agent = self.agent_number(&old.agent)?;
        self.reindex(&self.notes_index(old.id)?, &[])?;
        self.del(T_CALLS, &keys::id(old.id))?;
        self.del(T_NOTES, &keys::id(old.id))?;
        self.del(T_NOTES_DIRTY, &keys::id(old.id))?;
        self.del(T_REVIEWS, &keys::id(old.id))?;
        self.reindex(&call_index(old, agent), &[])?;
        self.count(T_COUNTERS, call_counters(old), Vec::new())?;
        self.count(T_DAILY, call_daily(old, agent, self.tz), Vec::new())
    }

    pub(super) fn remove_case(&self, old: &Case) -> StoreResult<()> {
        self.del(T_CASES, &keys::id(old.id))?;
        self.reindex(&case_index(old), &[])?;
        self.count(T_COUNTERS, case_counters(old), Vec::new())
    }

    pub(super) fn audit(
        &self,
        subject: crate::domain::Id,
        actor: &Actor,
        what: crate::domain::call::AuditKind,
        old: Option<impl ToString>,
        new: Option<impl ToString>,
    ) -> StoreResult<()> {
        let entry = AuditEntry {
            id: new_id(),
            subject,
            who: actor.who.clone(),
            role: actor.role,
            what,
            old: old.map(|v| v.to_string()),
            new: new.map(|v| v.to_string()),
            reason: actor.reason.clone(),
            at: actor.at,
        };
        let key = keys::join(&[&keys::id(subject), &keys::id(entry.id)]);
        self.put(T_AUDIT, &key, &encode(&entry)?)?;
        self.emit_audit(entry)
    }
}

impl Tx<'_> {
    /// Moves an audit entry to another subject (a merged customer's trail joins the kept
    /// customer's): the same entry, who, when and what, filed under `to`.
    pub(super) fn move_audit(&self, entry: &AuditEntry, to: crate::domain::Id) -> StoreResult<()> {
        self.del(
            T_AUDIT,
            &keys::join(&[&keys::id(entry.subject), &keys::id(entry.id)]),
        )?;
        let moved = AuditEntry {
            subject: to,
            ..entry.clone()
        };
        let key = keys::join(&[&keys::id(to), &keys::id(moved.id)]);
        self.put(T_AUDIT, &key, &encode(&moved)?)
    }
}

pub(super) fn read_counter(bytes: &[u8]) -> i64 {
    bytes.try_into().map(i64::from_be_bytes).unwrap_or_default()
}

pub(super) fn customer_index(customer: &Customer) -> Vec<IndexEntry> {
    let mut entries = vec![(
        T_CUSTOMER_BY_STATUS,
        keys::join(&[&[customer.status.code()], &keys::id(customer.id)]),
        Vec::new(),
    )];
    entries.extend(super::search::customer_entries(customer));
    entries
}

pub(super) fn customer_counters(customer: &Customer) -> Vec<Vec<u8>> {
    vec![
        b"customers".to_vec(),
        format!("customers.status.{}", customer.status.code()).into_bytes(),
    ]
}

pub(super) fn call_index(call: &Call, agent: u32) -> Vec<IndexEntry> {
    let time = keys::time(call.started_at);
    let id = keys::id(call.id);
    let mut entries = vec![
        (
            T_CALL_BY_CUSTOMER,
            keys::join(&[&keys::id(call.customer_id), &time, &id]),
            Vec::new(),
        ),
        (T_CALL_BY_TIME, keys::join(&[&time, &id]), Vec::new()),
        (
            T_CALL_BY_AGENT,
            keys::join(&[&agent.to_be_bytes(), &time, &id]),
            Vec::new(),
        ),
    ];
    if call.is_open() {
        entries.push((
            T_OPEN_CALL,
            keys::id(call.customer_id).to_vec(),
            id.to_vec(),
        ));
    } else {
        if let Some(road) = call.road {
            entries.push((
                T_CALL_BY_ROAD,
                keys::join(&[&[road.number()], &time, &id]),
                Vec::new(),
            ));
        }
        if call
            .review
            .as_ref()
            .is_some_and(|r| Some(r.road) != call.road)
        {
            entries.push((T_DISAGREEMENT, keys::join(&[&time, &id]), Vec::new()));
        }
        if call.review.is_none() {
            entries.push((T_CALL_UNREVIEWED, keys::join(&[&time, &id]), Vec::new()));
            entries.push((
                T_UNREVIEWED_BY_AGENT,
                keys::join(&[&agent.to_be_bytes(), &time, &id]),
                Vec::new(),
            ));
        }
    }
    entries
}

pub(super) fn call_counters(call: &Call) -> Vec<Vec<u8>> {
    let mut counters = vec![b"calls".to_vec()];
    if call.is_open() {
        counters.push(b"calls.open".to_vec());
    } else {
        if let Some(road) = call.road {
            counters.push(format!("calls.road.{}", road.number()).into_bytes());
        }
        if call.review.is_none() {
            counters.push(b"calls.unreviewed".to_vec());
        }
    }
    counters
}

pub(super) fn case_index(case: &Case) -> Vec<IndexEntry> {
    let mut entries = vec![(
        T_CASE_BY_CUSTOMER,
        keys::join(&[&keys::id(case.customer_id), &keys::id(case.id)]),
        Vec::new(),
    )];
    if case.status == CaseStatus::Open {
        entries.push((
            T_OPEN_CASE_BY_DUE,
            keys::join(&[&keys::date(case.due), &keys::id(case.id)]),
            keys::id(case.customer_id).to_vec(),
        ));
        entries.push((
            T_OPEN_CASE_BY_OPENED,
            keys::join(&[&keys::time(case.opened_at), &keys::id(case.id)]),
            keys::id(case.customer_id).to_vec(),
        ));
        if let Some(at) = case.callback_at {
            entries.push((
                T_CALLBACK_BY_TIME,
                keys::join(&[&keys::time(at), &keys::id(case.id)]),
                keys::id(case.customer_id).to_vec(),
            ));
        }
    }
    entries
}

pub(super) fn case_counters(case: &Case) -> Vec<Vec<u8>> {
    vec![match case.status {
        CaseStatus::Open => b"cases.open".to_vec(),
        CaseStatus::Closed => b"cases.closed".to_vec(),
    }]
}

/// Kinds of daily tally; a `T_DAILY` key is kind, local date (YYYYMMDD), then detail.
pub(super) mod daily {
    /// Finished calls: agent number, agent's road.
    pub const ROAD: u8 = 1;
    /// Reviewed calls: agent number, agent's road, lead's road.
    pub const REVIEW: u8 = 2;
    /// Finished calls carrying a tag: the tag.
    pub const TAG: u8 = 3;
    /// Customer-math events: the event code.
    pub const CUSTOMER: u8 = 4;
    /// Road-1 (learn) calls carrying a tag: the tag ("what we learned").
    pub const LEARN_TAG: u8 = 5;
}

pub(super) fn daily_key(kind: u8, day: Date, detail: &[u8]) -> Vec<u8> {
    keys::join(&[&[kind], &keys::date(day), detail])
}

fn local_day(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// What a call adds to the daily tallies (on the day it started).
pub(super) fn call_daily(call: &Call, agent: u32, tz: &TimeZone) -> Vec<Vec<u8>> {
    let (false, Some(road)) = (call.is_open(), call.road) else {
        return Vec::new();
    };
    let day = local_day(call.started_at, tz);
    let agent = agent.to_be_bytes();
    let mut tallies = vec![daily_key(
        daily::ROAD,
        day,
        &keys::join(&[&agent, &[road.number()]]),
    )];
    if let Some(review) = &call.review {
        tallies.push(daily_key(
            daily::REVIEW,
            day,
            &keys::join(&[&agent, &[road.number(), review.road.number()]]),
        ));
    }
    let mut tags: Vec<&String> = call.tags.iter().collect();
    tags.sort();
    tags.dedup();
    for tag in tags {
        tallies.push(daily_key(daily::TAG, day, tag.as_bytes()));
        if road == crate::domain::Road::Learn {
            tallies.push(daily_key(daily::LEARN_TAG, day, tag.as_bytes()));
        }
    }
    tallies
}

/// What a customer's status history adds to the daily tallies.
pub(super) fn customer_daily(customer: &Customer, tz: &TimeZone) -> Vec<Vec<u8>> {
    customer_events(customer)
        .into_iter()
        .map(|(at, event)| daily_key(daily::CUSTOMER, local_day(at, tz), &[event.code()]))
        .collect()
}

/// Every index entry and counter the records imply, for a recount or a rebuild.
#[derive(Default)]
pub(super) struct Derived {
    pub counters: HashMap<Vec<u8>, i64>,
    pub daily: HashMap<Vec<u8>, i64>,
    pub index: Vec<IndexEntry>,
}

impl Derived {
    fn tally(map: &mut HashMap<Vec<u8>, i64>, keys: Vec<Vec<u8>>) {
        for key in keys {
            *map.entry(key).or_default() += 1;
        }
    }

    pub fn customer(&mut self, customer: &Customer, tz: &TimeZone) {
        Derived::tally(&mut self.counters, customer_counters(customer));
        Derived::tally(&mut self.daily, customer_daily(customer, tz));
        self.index.extend(customer_index(customer));
    }

    pub fn call(&mut self, call: &Call, agent: u32, tz: &TimeZone) {
        Derived::tally(&mut self.counters, call_counters(call));
        Derived::tally(&mut self.daily, call_daily(call, agent, tz));
        self.index.extend(call_index(call, agent));
    }

    pub fn notes(&mut self, call: crate::domain::Id, text: &str) {
        self.index.extend(super::search::notes_entries(call, text));
    }

    pub fn case(&mut self, case: &Case) {
        Derived::tally(&mut self.counters, case_counters(case));
        self.index.extend(case_index(case));
    }
}

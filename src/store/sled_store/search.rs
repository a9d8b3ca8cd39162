//! The full-text index: one tree of posting lists kept as blocks. A record declares one
//! *posting* per distinct term (term, 0, kind, id: customers and calls apart), like every
//! other index entry: a customer's come with `records::customer_index`, a call's from its
//! notes in `Tx::put_notes`, and `rebuild_derived` / `check_consistency` recount them
//! from the records. The tree does not hold a key per posting (`postings` keeps the
//! layout): the ids of one term and kind whose UUIDv7 times fall in the same stretch of
//! 2^27 ms (about a day and a half) share one key (term, 0, kind, stretch), whose value
//! is those ids, sorted, 16 bytes each. A key per posting made 27 keys per call, and
//! sled's memory grows with its keys: building the index of 250,000 calls peaked at
//! 2.4 GB, far over SPEC §11's 1 GiB (see BENCHMARKS.md). A save moves only the blocks of
//! the terms that changed, by point reads and writes, so it stays in the transaction of
//! the record it belongs to.
//!
//! A search walks the posting lists of the query's terms together from the newest id
//! down (ids are UUIDv7, so byte order is time order), seeking each list to the current
//! candidate, so a rare term next to a common one costs a few seeks, not a scan. A
//! phrase is then checked against the record's text itself.

use std::collections::HashMap;

use super::IndexEntry;
use super::postings::{highest_listed, move_postings};
use super::*;
use crate::domain::search::{Query, distinct_terms, line_around};
use crate::domain::{Call, Customer, Id};
use crate::store::keys;
use crate::store::search::{CallHit, CustomerHit, SearchResults};

pub(super) const KIND_CUSTOMER: u8 = 1;
pub(super) const KIND_CALL: u8 = 2;

/// Records read and checked per kind before a search gives up looking for more (a
/// phrase of common words may match few of the records holding all its words).
const CHECK_BUDGET: usize = 2_000;

fn prefix(term: &str, kind: u8) -> Vec<u8> {
    keys::join(&[term.as_bytes(), &[0, kind]])
}

fn entries(terms: Vec<String>, kind: u8, id: Id) -> Vec<IndexEntry> {
    terms
        .into_iter()
        .map(|term| {
            (
                T_SEARCH,
                keys::join(&[&prefix(&term, kind), &keys::id(id)]),
                Vec::new(),
            )
        })
        .collect()
}

/// The texts of a customer that search looks in.
pub(super) fn customer_fields(customer: &Customer) -> Vec<String> {
    let mut fields = vec![customer.name.clone()];
    fields.extend(customer.phone.clone());
    fields.extend(customer.email.clone());
    fields.extend(customer.segment.clone());
    fields.extend(customer.external_id.clone());
    // A merged duplicate's details still find the customer it became.
    for merged in &customer.merged {
        fields.push(merged.name.clone());
        fields.extend(merged.phone.clone());
        fields.extend(merged.email.clone());
        fields.extend(merged.external_id.clone());
    }
    // The phone as bare digits, so a number typed without spaces finds it.
    if let Some(phone) = &customer.phone {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            fields.push(digits);
        }
    }
    fields
}

pub(super) fn customer_entries(customer: &Customer) -> Vec<IndexEntry> {
    let mut terms: Vec<String> = customer_fields(customer)
        .iter()
        .flat_map(|field| distinct_terms(field))
        .collect();
    terms.sort();
    terms.dedup();
    entries(terms, KIND_CUSTOMER, customer.id)
}

pub(super) fn notes_entries(call_id: Id, text: &str) -> Vec<IndexEntry> {
    entries(distinct_terms(text), KIND_CALL, call_id)
}

impl SledStore {
    /// Calls `visit` with each id of `kind` whose records hold every term, newest first,
    /// until it returns false.
    fn each_match(
        &self,
        kind: u8,
        terms: &[String],
        visit: &mut dyn FnMut(Id) -> StoreResult<bool>,
    ) -> StoreResult<()> {
        let tree = self.tree(T_SEARCH);
        let prefixes: Vec<Vec<u8>> = terms.iter().map(|t| prefix(t, kind)).collect();
        if prefixes.is_empty() {
            return Ok(());
        }
        let seek = |prefix: &[u8], bound: Option<u128>| highest_listed(tree, prefix, bound);
        let mut bound = None;
        loop {
            let Some(mut candidate) = seek(&prefixes[0], bound)? else {
                return Ok(());
            };
            let mut agreed = 1;
            let mut at = 1 % prefixes.len();
            while agreed < prefixes.len() {
                let Some(found) = seek(&prefixes[at], Some(candidate))? else {
                    return Ok(());
                };
                if found == candidate {
                    agreed += 1;
                } else {
                    candidate = found;
                    agreed = 1;
                }
                at = (at + 1) % prefixes.len();
            }
            if !visit(Id::from_u128(candidate))? || candidate == 0 {
                return Ok(());
            }
            bound = Some(candidate - 1);
        }
    }

    /// Customers then calls matching `text` (see `domain::search`), newest first, at
    /// most `limit` of each.
    pub(super) fn search_impl(&self, text: &str, limit: usize) -> StoreResult<SearchResults> {
        let query = Query::parse(text);
        let mut results = SearchResults::default();
        if query.is_empty() || limit == 0 {
            return Ok(results);
        }
        let terms = query.terms();
        let mut checked = 0;
        self.each_match(KIND_CUSTOMER, &terms, &mut |id| {
            checked += 1;
            let Some(customer) = self.load::<Customer>(T_CUSTOMERS, id)? else {
                return Ok(true);
            };
            let fields = customer_fields(&customer);
            let texts: Vec<&str> = fields.iter().map(String::as_str).collect();
            if let Some((field, start, end)) = query.find(&texts) {
                results.customers.push(CustomerHit {
                    line: fields[field].clone(),
                    mark: (start, end),
                    customer,
                });
            }
            Ok(keep_going(
                &mut results.more,
                results.customers.len(),
                limit,
                checked,
            ))
        })?;
        let mut names: HashMap<Id, String> = HashMap::new();
        let mut checked = 0;
        self.each_match(KIND_CALL, &terms, &mut |id| {
            checked += 1;
            let Some(call) = self.load::<Call>(T_CALLS, id)? else {
                return Ok(true);
            };
            let notes = crate::store::Store::notes(self, id)?;
            if let Some((_, start, end)) = query.find(&[&notes]) {
                let (line, start, end) = line_around(&notes, start, end);
                let customer_name = match names.get(&call.customer_id) {
                    Some(name) => name.clone(),
                    None => {
                        let name = self
                            .load::<Customer>(T_CUSTOMERS, call.customer_id)?
                            .map(|c| c.name)
                            .unwrap_or_default();
                        names.insert(call.customer_id, name.clone());
                        name
                    }
                };
                results.calls.push(CallHit {
                    call,
                    customer_name,
                    line,
                    mark: (start, end),
                });
            }
            Ok(keep_going(
                &mut results.more,
                results.calls.len(),
                limit,
                checked,
            ))
        })?;
        Ok(results)
    }
}

/// The keys to remove and to add to move the index from `old` entries to `new` (both
/// sorted, as `notes_entries` gives them).
pub(super) fn difference<'a>(
    old: &'a [IndexEntry],
    new: &'a [IndexEntry],
) -> (Vec<&'a [u8]>, Vec<&'a [u8]>) {
    let gone = old
        .iter()
        .filter(|o| new.binary_search_by(|n| n.1.cmp(&o.1)).is_err())
        .map(|o| o.1.as_slice())
        .collect();
    let added = new
        .iter()
        .filter(|n| old.binary_search_by(|o| o.1.cmp(&n.1)).is_err())
        .map(|n| n.1.as_slice())
        .collect();
    (gone, added)
}

impl SledStore {
    /// Writes a call's notes and moves its full-text entries by the difference, in one
    /// transaction over the notes and the index (what `Tx::put_notes` does inside a
    /// larger one).
    pub(super) fn save_notes_indexed(&self, call: Id, text: &str) -> StoreResult<()> {
        use crate::store::codec::{decode_text, encode_text};
        use sled::transaction::{ConflictableTransactionError, TransactionError};
        let trees = [
            self.tree(T_NOTES).clone(),
            self.tree(T_SEARCH).clone(),
            self.tree(T_NOTES_DIRTY).clone(),
        ];
        let key = keys::id(call);
        let new = notes_entries(call, text);
        let encoded = encode_text(text);
        let result = trees[..].transaction(|t| {
            let old = match t[0].get(key)? {
                Some(bytes) => notes_entries(
                    call,
                    &decode_text(&bytes).map_err(ConflictableTransactionError::Abort)?,
                ),
                None => Vec::new(),
            };
            t[0].insert(&key, encoded.as_slice())?;
            // The notes travel as one operation later (wrap-up, park or sync), not one
            // per autosave.
            t[2].insert(&key, &[])?;
            let (gone, added) = difference(&old, &new);
            move_postings(&t[1], &gone, &added)?;
            Ok(())
        });
        match result {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(StoreError::Sled(e)),
        }
    }
}

fn keep_going(more: &mut bool, found: usize, limit: usize, checked: usize) -> bool {
    if found >= limit || checked >= CHECK_BUDGET {
        *more = true;
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Clock;
    use crate::store::{SCHEMA_VERSION, Store, demo};

    #[test]
    fn a_schema_3_store_gains_its_search_index_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        {
            let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
            let now = "2026-11-20T15:00:00Z".parse().unwrap();
            demo::load(&store, &Clock::fixed(now)).unwrap();
            assert!(!store.search("refund", 5).unwrap().is_empty());
            // What a version-3 store looked like: no search index.
            store.tree(T_SEARCH).clear().unwrap();
            store
                .db
                .insert(b"schema_version", &3u32.to_be_bytes())
                .unwrap();
            assert!(store.search("refund", 5).unwrap().is_empty());
            assert!(!store.check_consistency().unwrap().is_empty());
            store.db.flush().unwrap();
        }
        let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        assert!(!store.search("refund", 5).unwrap().is_empty());
        let version = store.db.get(b"schema_version").unwrap().unwrap();
        assert_eq!(version.as_ref(), &SCHEMA_VERSION.to_be_bytes());
    }

    /// Every posting the records give (what a schema-4 store held, one key each).
    fn postings(store: &SledStore) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for item in store.tree(T_CUSTOMERS).iter() {
            let (_, value) = item.unwrap();
            let customer: Customer = crate::store::codec::decode(&value).unwrap();
            out.extend(customer_entries(&customer).into_iter().map(|e| e.1));
        }
        for item in store.tree(T_NOTES).iter() {
            let (key, value) = item.unwrap();
            let text = crate::store::codec::decode_text(&value).unwrap();
            let id = keys::id_from(&key).unwrap();
            out.extend(notes_entries(id, &text).into_iter().map(|e| e.1));
        }
        out
    }

    #[test]
    fn a_schema_4_store_with_a_key_per_posting_opens_and_searches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store");
        let before;
        {
            let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
            let now = "2026-11-20T15:00:00Z".parse().unwrap();
            demo::load(&store, &Clock::fixed(now)).unwrap();
            before = store.search("refund", 50).unwrap();
            assert!(!before.calls.is_empty());
            // Version 4's layout: term, 0, kind, id → nothing, a key per posting.
            let old = postings(&store);
            let tree = store.tree(T_SEARCH);
            tree.clear().unwrap();
            for key in &old {
                tree.insert(key.as_slice(), &[]).unwrap();
            }
            store
                .db
                .insert(b"schema_version", &4u32.to_be_bytes())
                .unwrap();
            assert!(!store.check_consistency().unwrap().is_empty());
            store.db.flush().unwrap();
        }
        let store = SledStore::open_in_zone(&path, TimeZone::UTC).unwrap();
        let version = store.db.get(b"schema_version").unwrap().unwrap();
        assert_eq!(version.as_ref(), &SCHEMA_VERSION.to_be_bytes());
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        assert_eq!(store.search("refund", 50).unwrap(), before);
        let (postings_now, blocks, _) = store.search_index_size().unwrap();
        assert_eq!(postings_now as usize, postings(&store).len());
        assert!(blocks < postings_now, "{blocks} blocks for {postings_now}");
    }

    #[test]
    fn blocks_follow_saves_and_edits_and_a_search_crosses_stretches() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open_in_zone(&dir.path().join("store"), TimeZone::UTC).unwrap();
        // Calls days apart (different stretches) and minutes apart (the same one).
        let mut ids = Vec::new();
        for (i, at) in [
            "2026-01-01T09:00:00Z",
            "2026-01-01T09:05:00Z",
            "2026-01-09T09:00:00Z",
            "2026-03-01T09:00:00Z",
        ]
        .into_iter()
        .enumerate()
        {
            let at: jiff::Timestamp = at.parse().unwrap();
            // A customer each: one open call per customer.
            let customer = crate::domain::NewCustomer {
                name: format!("Ann Lee {i}"),
                ..Default::default()
            }
            .validate(at, "a")
            .unwrap();
            store.put_customer(&customer).unwrap();
            let mut call = Call::new(customer.id, "a", crate::domain::CallReason::Inbound, at);
            // Its id from its time, as a call made then would have.
            call.id = uuid::Builder::from_unix_timestamp_millis(
                at.as_millisecond() as u64,
                &[i as u8; 10],
            )
            .into_uuid();
            store.start_call(&call).unwrap();
            store
                .save_notes(call.id, &format!("router refund call{i}"))
                .unwrap();
            ids.push(call.id);
        }
        let found = |q: &str| -> Vec<Id> {
            let results = store.search(q, 50).unwrap();
            results.calls.iter().map(|h| h.call.id).collect()
        };
        let newest_first: Vec<Id> = ids.iter().rev().copied().collect();
        assert_eq!(found("router refund"), newest_first);
        assert_eq!(found("call1"), vec![ids[1]]);
        let router_blocks = || {
            store
                .tree(T_SEARCH)
                .scan_prefix(prefix("router", KIND_CALL))
                .count()
        };
        assert_eq!(router_blocks(), 3, "two calls minutes apart share a block");
        let (_, blocks_before, _) = store.search_index_size().unwrap();
        // An edit moves only the changed words; a word no call has any more goes.
        store.save_notes(ids[1], "router").unwrap();
        assert_eq!(found("call1"), Vec::<Id>::new());
        assert_eq!(found("refund"), vec![ids[3], ids[2], ids[0]]);
        let (_, blocks_after, _) = store.search_index_size().unwrap();
        assert_eq!(blocks_after, blocks_before - 1, "call1's block went");
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
        store.save_notes(ids[1], "").unwrap();
        assert_eq!(found("router"), vec![ids[3], ids[2], ids[0]]);
        assert_eq!(router_blocks(), 3);
        store.save_notes(ids[0], "").unwrap();
        assert_eq!(router_blocks(), 2, "an emptied block goes");
        assert_eq!(found("router"), vec![ids[3], ids[2]]);
        assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
    }
}

//! `Store` for `SledStore`: reads through the index trees, writes through `Tx`.

use std::collections::HashMap;

use super::records::read_counter;
use super::*;
use crate::domain::call::AuditEntry;
use crate::domain::review;
use crate::domain::text::first_line;
use crate::domain::wrap_up::CaseChange;
use crate::domain::{Call, Case, CaseStatus, Customer, Id, QueueEntry};
use crate::store::PageCursor;
use crate::store::codec::{decode, decode_text};
use crate::store::{Actor, CallSummary, Counters, CustomerContext, Store, WrapUpResult, keys};

/// Longest case summary taken from the notes' first line.
const CASE_SUMMARY_CHARS: usize = 120;

impl SledStore {
    fn counter(&self, name: &str) -> StoreResult<u64> {
        Ok(self
            .tree(T_COUNTERS)
            .get(name.as_bytes())?
            .map(|v| read_counter(&v).max(0) as u64)
            .unwrap_or(0))
    }

    fn case_ids(&self, customer_id: Id) -> StoreResult<Vec<Id>> {
        let mut ids = Vec::new();
        for item in self
            .tree(T_CASE_BY_CUSTOMER)
            .scan_prefix(keys::id(customer_id))
        {
            let (key, _) = item?;
            if let Some(id) = keys::id_from(&key[16..]) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    pub(super) fn load<T: serde::de::DeserializeOwned>(
        &self,
        tree: usize,
        id: Id,
    ) -> StoreResult<Option<T>> {
        self.tree(tree)
            .get(keys::id(id))?
            .map(|bytes| decode(&bytes))
            .transpose()
    }
}

impl Store for SledStore {
    fn hub(&self) -> StoreResult<Option<String>> {
        self.hub_url()
    }
    fn counters(&self) -> StoreResult<Counters> {
        let mut counters = Counters {
            customers: self.counter("customers")?,
            calls: self.counter("calls")?,
            open_calls: self.counter("calls.open")?,
            unreviewed: self.counter("calls.unreviewed")?,
            open_cases: self.counter("cases.open")?,
            closed_cases: self.counter("cases.closed")?,
            ..Counters::default()
        };
        for (i, slot) in counters.by_status.iter_mut().enumerate() {
            *slot = self.counter(&format!("customers.status.{i}"))?;
        }
        for (i, slot) in counters.by_road.iter_mut().enumerate() {
            *slot = self.counter(&format!("calls.road.{}", i + 1))?;
        }
        Ok(counters)
    }

    fn put_customer(&self, customer: &Customer) -> StoreResult<()> {
        self.transaction(|tx| {
            let old: Option<Customer> = tx.load(T_CUSTOMERS, customer.id)?;
            tx.put_customer(old.as_ref(), customer)
        })
    }

    fn customer(&self, id: Id) -> StoreResult<Option<Customer>> {
        self.load(T_CUSTOMERS, id)
    }

    fn queue_entries(&self) -> StoreResult<(Vec<QueueEntry>, u64)> {
        let mut skipped = 0;
        let mut entries = Vec::with_capacity(self.tree(T_CUSTOMERS).len());
        let mut position: HashMap<Id, usize> = HashMap::new();
        for item in self.tree(T_CUSTOMERS).iter() {
            let (key, value) = item?;
            match decode::<Customer>(&value) {
                Ok(customer) => {
                    position.insert(customer.id, entries.len());
                    entries.push(QueueEntry::from_customer(&customer));
                }
                Err(e) => {
                    skipped += 1;
                    tracing::warn!(key = ?key, error = %e, "skipped a damaged customer record");
                }
            }
        }
        for item in self.tree(T_OPEN_CASE_BY_DUE).iter() {
            let (key, value) = item?;
            let (Some(due), Some(customer)) = (keys::date_from(&key), keys::id_from(&value)) else {
                skipped += 1;
                continue;
            };
            if let Some(&at) = position.get(&customer) {
                let entry = &mut entries[at];
                entry.open_cases += 1;
                // The index is in due order, so the first one seen is the earliest.
                entry.earliest_due.get_or_insert(due);
            }
        }
        for item in self.tree(T_CALLBACK_BY_TIME).iter() {
            let (key, value) = item?;
            let (Some(at), Some(customer)) = (keys::time_from(&key), keys::id_from(&value)) else {
                skipped += 1;
                continue;
            };
            if let Some(&index) = position.get(&customer) {
                // In time order: the first is the customer's next callback.
                entries[index].callback_at.get_or_insert(at);
            }
        }
        for item in self.tree(T_OPEN_CALL).iter() {
            let (key, _) = item?;
            if let Some(at) = keys::id_from(&key).and_then(|id| position.get(&id)) {
                entries[*at].open_call = true;
            }
        }
        Ok((entries, skipped))
    }

    fn start_call(&self, call: &Call) -> StoreResult<()> {
        self.transaction(|tx| {
            if tx.get(T_OPEN_CALL, &keys::id(call.customer_id))?.is_some() {
                return Err(StoreError::Rule(
                    "this customer already has an open call; resume it instead".into(),
                ));
            }
            let Some(customer) = tx.load::<Customer>(T_CUSTOMERS, call.customer_id)? else {
                return Err(StoreError::Rule("that customer no longer exists".into()));
            };
            let mut updated = customer.clone();
            updated.last_contact = Some(call.started_at);
            tx.put_customer(Some(&customer), &updated)?;
            tx.put_call(None, call, &Actor::agent(&call.agent, call.started_at))
        })
    }

    fn update_call(&self, call: &Call, actor: &Actor) -> StoreResult<()> {
        let actor = &self.acting_as(actor)?;
        self.transaction(|tx| {
            let old: Option<Call> = tx.load(T_CALLS, call.id)?;
            let Some(old) = old else {
                return Err(StoreError::Rule("that call is not in the store".into()));
            };
            let call = Call {
                review: review::after_change(actor.role, old.review.as_ref(), call.review.as_ref()),
                ..call.clone()
            };
            tx.put_call(Some(&old), &call, actor)?;
            // Leaving a call open (or changing it) sends the notes typed so far.
            if tx.get(T_NOTES_DIRTY, &keys::id(call.id))?.is_some()
                && let Some(bytes) = tx.get(T_NOTES, &keys::id(call.id))?
            {
                tx.emit_notes(call.id, &decode_text(&bytes)?)?;
            }
            Ok(())
        })
    }

    fn save_notes(&self, call_id: Id, text: &str) -> StoreResult<()> {
        // With the index's difference, in one transaction: autosave runs at every pause.
        self.save_notes_indexed(call_id, text)?;
        self.db.flush()?;
        Ok(())
    }

    fn notes(&self, call_id: Id) -> StoreResult<String> {
        match self.tree(T_NOTES).get(keys::id(call_id))? {
            Some(bytes) => decode_text(&bytes),
            None => Ok(String::new()),
        }
    }

    fn call(&self, call_id: Id) -> StoreResult<Option<Call>> {
        self.load(T_CALLS, call_id)
    }

    fn open_call_for(&self, customer_id: Id) -> StoreResult<Option<Call>> {
        match self.tree(T_OPEN_CALL).get(keys::id(customer_id))? {
            Some(id) => match keys::id_from(&id) {
                Some(id) => self.call(id),
                None => Err(StoreError::Corrupt("open-call index entry".into())),
            },
            None => Ok(None),
        }
    }

    fn wrap_up_call(&self, call: &Call, notes: &str, actor: &Actor) -> StoreResult<WrapUpResult> {
        let actor = &self.acting_as(actor)?;
        let Some(ended_at) = call.ended_at else {
            return Err(StoreError::Rule(
                "a call is wrapped up with its end time".into(),
            ));
        };
        let existing_cases = self.case_ids(call.customer_id)?;
        let result = self.transaction(|tx| {
            let Some(old) = tx.load::<Call>(T_CALLS, call.id)? else {
                return Err(StoreError::Rule("that call is not in the store".into()));
            };
            if !old.is_open() {
                return Err(StoreError::Rule(
                    "this call has already been wrapped up".into(),
                ));
            }
            let mut result = WrapUpResult::default();
            tx.act_as(actor);
            tx.put_notes(call.id, notes)?;
            tx.put_call(Some(&old), call, actor)?;
            let mut open = Vec::new();
            for case_id in &existing_cases {
                if let Some(case) = tx.load::<Case>(T_CASES, *case_id)?
                    && case.status == CaseStatus::Open
                {
                    open.push(case);
                }
            }
            let summary: String = first_line(notes).chars().take(CASE_SUMMARY_CHARS).collect();
            let changes = crate::domain::wrap_up::plan(call, &open, ended_at, &summary)
                .map_err(|refusal| StoreError::Rule(refusal.to_string()))?;
            for change in changes {
                match change {
                    CaseChange::Open(case) => {
                        tx.put_case(None, &case)?;
                        result.opened_case = Some(*case);
                    }
                    CaseChange::Update { before, after } => {
                        tx.put_case(Some(&before), &after)?;
                        if after.status == CaseStatus::Closed {
                            tx.audit(
                                after.id,
                                actor,
                                crate::domain::call::AuditKind::Case,
                                Some("open"),
                                Some("closed by a resolved call"),
                            )?;
                            result.closed_cases += 1;
                        } else if after.due != before.due || after.callback_at != before.callback_at
                        {
                            tx.audit(
                                after.id,
                                actor,
                                crate::domain::call::AuditKind::CaseDue,
                                Some(&before.due.to_string()),
                                Some(&after.due.to_string()),
                            )?;
                            result.updated_case = Some(*after);
                        } else {
                            result.updated_case.get_or_insert(*after);
                        }
                    }
                }
            }
            if let Some(status) = call.status_after
                && let Some(customer) = tx.load::<Customer>(T_CUSTOMERS, call.customer_id)?
            {
                let mut updated = customer.clone();
                if updated.change_status(status, ended_at, &actor.who) {
                    tx.put_customer(Some(&customer), &updated)?;
                    result.status_changed = true;
                }
            }
            Ok(result)
        })?;
        self.flush()?;
        Ok(result)
    }

    fn customer_context(
        &self,
        customer_id: Id,
        history_limit: usize,
    ) -> StoreResult<Option<CustomerContext>> {
        let Some(customer) = self.customer(customer_id)? else {
            return Ok(None);
        };
        let mut open_cases = Vec::new();
        for case_id in self.case_ids(customer_id)? {
            match self.load::<Case>(T_CASES, case_id) {
                Ok(Some(case)) if case.status == CaseStatus::Open => open_cases.push(case),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "skipped a damaged case record"),
            }
        }
        open_cases.sort_by_key(|c| c.due);
        let mut history = Vec::new();
        for item in self
            .tree(T_CALL_BY_CUSTOMER)
            .scan_prefix(keys::id(customer_id))
            .rev()
            .take(history_limit)
        {
            let (key, _) = item?;
            let Some(call_id) = keys::id_from(&key[24..]) else {
                continue;
            };
            match self.call(call_id) {
                Ok(Some(call)) => {
                    let notes = self.notes(call_id).unwrap_or_default();
                    history.push(CallSummary {
                        first_line: first_line(&notes).to_string(),
                        call,
                    });
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "skipped a damaged call record"),
            }
        }
        Ok(Some(CustomerContext {
            customer,
            open_cases,
            history,
        }))
    }

    fn audit_for(&self, subject: Id) -> StoreResult<Vec<AuditEntry>> {
        self.tree(T_AUDIT)
            .scan_prefix(keys::id(subject))
            .map(|item| {
                let (_, value) = item?;
                decode(&value)
            })
            .collect()
    }

    fn flush(&self) -> StoreResult<()> {
        self.db.flush()?;
        Ok(())
    }

    fn cases_of(&self, customer_id: Id) -> StoreResult<Vec<Case>> {
        let mut cases = Vec::new();
        for case_id in self.case_ids(customer_id)? {
            if let Some(case) = self.load::<Case>(T_CASES, case_id)? {
                cases.push(case);
            }
        }
        cases.sort_by_key(|c| c.opened_at);
        Ok(cases)
    }

    fn all_customers(&self) -> StoreResult<Vec<Customer>> {
        let mut customers = Vec::new();
        for item in self.tree(T_CUSTOMERS).iter() {
            let (_, value) = item?;
            match decode::<Customer>(&value) {
                Ok(customer) => customers.push(customer),
                Err(e) => tracing::warn!(error = %e, "skipped a damaged customer record"),
            }
        }
        Ok(customers)
    }

    fn edit_customer(
        &self,
        customer_id: Id,
        edit: &crate::domain::customer_edit::CustomerEdit,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        self.edit_customer_impl(customer_id, edit, &self.acting_as(actor)?)
    }

    fn set_do_not_contact(
        &self,
        customer_id: Id,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        self.set_do_not_contact_impl(customer_id, reason, &self.acting_as(actor)?)
    }

    fn merge_preview(&self, duplicate: Id, keep: Id) -> StoreResult<crate::store::MergePreview> {
        self.merge_preview_impl(duplicate, keep)
    }

    fn merge_customers(
        &self,
        duplicate: Id,
        keep: Id,
        actor: &Actor,
    ) -> StoreResult<crate::store::MergeResult> {
        self.merge_customers_impl(duplicate, keep, &self.acting_as(actor)?)
    }

    fn reassign_case(
        &self,
        case_id: Id,
        owner: &str,
        actor: &Actor,
    ) -> StoreResult<crate::store::CaseRow> {
        self.reassign_case_impl(case_id, owner, actor)
    }

    fn review_page(
        &self,
        query: &crate::store::ReviewQuery,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<crate::store::ReviewPage> {
        self.review_page_impl(query, after, limit)
    }

    fn call_detail(&self, call_id: Id) -> StoreResult<Option<crate::store::CallDetail>> {
        self.call_detail_impl(call_id)
    }

    fn review_call(
        &self,
        call_id: Id,
        road: crate::domain::Road,
        comment: &str,
        actor: &Actor,
    ) -> StoreResult<Call> {
        self.review_call_impl(call_id, road, comment, actor, false)
    }

    fn blind_pick(
        &self,
        call_id: Id,
        road: crate::domain::Road,
        actor: &Actor,
    ) -> StoreResult<Call> {
        self.review_call_impl(call_id, road, "", actor, true)
    }

    fn acknowledge_review(&self, call_id: Id, actor: &Actor) -> StoreResult<Call> {
        self.acknowledge_impl(call_id, &self.acting_as(actor)?)
    }

    fn open_cases(
        &self,
        after: Option<&PageCursor>,
        limit: usize,
    ) -> StoreResult<crate::store::CasePage> {
        self.open_cases_impl(after, limit)
    }

    fn set_case_due(
        &self,
        case_id: Id,
        due: jiff::civil::Date,
        actor: &Actor,
    ) -> StoreResult<crate::store::CaseRow> {
        self.set_case_due_impl(case_id, due, &self.acting_as(actor)?)
    }

    fn close_case(
        &self,
        case_id: Id,
        note: &str,
        actor: &Actor,
    ) -> StoreResult<crate::store::CaseRow> {
        self.close_case_impl(case_id, note, &self.acting_as(actor)?)
    }

    fn reopen_case(&self, case_id: Id, actor: &Actor) -> StoreResult<crate::store::CaseRow> {
        self.reopen_case_impl(case_id, &self.acting_as(actor)?)
    }

    fn agents(&self) -> StoreResult<Vec<String>> {
        self.agents_impl()
    }

    fn dashboard(
        &self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
        today: jiff::civil::Date,
    ) -> StoreResult<crate::store::Dashboard> {
        self.dashboard_impl(from, to, today)
    }

    fn count_review_matches(
        &self,
        query: &crate::store::ReviewQuery,
        after: Option<&PageCursor>,
    ) -> StoreResult<crate::store::MatchCount> {
        self.count_review_matches_impl(query, after)
    }

    fn search(&self, query: &str, limit: usize) -> StoreResult<crate::store::SearchResults> {
        self.search_impl(query, limit)
    }
}

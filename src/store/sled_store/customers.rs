//! Changes to existing customers on `SledStore`: editing details, do-not-contact with
//! its reason, merging a duplicate into the kept record, and handing a case to another
//! owner. Every write goes through `Tx` (records, indexes, counters, the search index
//! and audit entries in one transaction).

use super::*;
use crate::domain::call::AuditEntry;
use crate::domain::customer_edit::{
    CustomerEdit, FieldChange, apply_edit, clear_do_not_contact, merge_into, merge_refusal,
    set_do_not_contact,
};
use crate::domain::{Call, Case, Customer, Id};
use crate::store::{Actor, CaseRow, MergePreview, MergeResult, Store, keys};

fn gone() -> StoreError {
    StoreError::Rule("that customer is no longer in the store".into())
}

impl SledStore {
    /// The ids at the end of every key under `owner` in an index keyed owner, …, id.
    fn ids_under(&self, tree: usize, owner: Id) -> StoreResult<Vec<Id>> {
        let mut ids = Vec::new();
        for item in self.tree(tree).scan_prefix(keys::id(owner)) {
            let (key, _) = item?;
            if let Some(id) = key
                .len()
                .checked_sub(16)
                .and_then(|at| keys::id_from(&key[at..]))
            {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Writes `new` over `old` with one audit entry per changed field.
    fn save_changes(
        tx: &Tx,
        old: &Customer,
        new: &Customer,
        changes: &[FieldChange],
        actor: &Actor,
    ) -> StoreResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        tx.put_customer(Some(old), new)?;
        for change in changes {
            tx.audit(
                new.id,
                actor,
                crate::domain::call::AuditKind::from(change.field),
                change.old.as_deref(),
                change.new.as_deref(),
            )?;
        }
        Ok(())
    }

    pub(super) fn edit_customer_impl(
        &self,
        customer_id: Id,
        edit: &CustomerEdit,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        let customer = self.transaction(|tx| {
            let old: Customer = tx.load(T_CUSTOMERS, customer_id)?.ok_or_else(gone)?;
            let mut new = old.clone();
            let changes = apply_edit(&mut new, edit).map_err(StoreError::Rule)?;
            Self::save_changes(tx, &old, &new, &changes, actor)?;
            Ok(new)
        })?;
        self.flush()?;
        Ok(customer)
    }

    pub(super) fn set_do_not_contact_impl(
        &self,
        customer_id: Id,
        reason: Option<&str>,
        actor: &Actor,
    ) -> StoreResult<Customer> {
        let mut actor = actor.clone();
        actor.reason = reason.map(str::trim).unwrap_or_default().to_string();
        let customer = self.transaction(|tx| {
            let old: Customer = tx.load(T_CUSTOMERS, customer_id)?.ok_or_else(gone)?;
            let mut new = old.clone();
            let change = match reason {
                Some(reason) => set_do_not_contact(&mut new, reason, actor.at, &actor.who),
                None => clear_do_not_contact(&mut new),
            }
            .map_err(StoreError::Rule)?;
            Self::save_changes(tx, &old, &new, &[change], &actor)?;
            Ok(new)
        })?;
        self.flush()?;
        Ok(customer)
    }

    fn has_open_call(&self, customer_id: Id) -> StoreResult<bool> {
        Ok(self.tree(T_OPEN_CALL).contains_key(keys::id(customer_id))?)
    }

    pub(super) fn merge_preview_impl(&self, duplicate: Id, keep: Id) -> StoreResult<MergePreview> {
        let dup: Customer = self.load(T_CUSTOMERS, duplicate)?.ok_or_else(gone)?;
        let kept: Customer = self.load(T_CUSTOMERS, keep)?.ok_or_else(gone)?;
        if let Some(refusal) = merge_refusal(
            keep,
            duplicate,
            self.has_open_call(keep)?,
            self.has_open_call(duplicate)?,
        ) {
            return Err(StoreError::Rule(refusal.into()));
        }
        Ok(MergePreview {
            calls: self.ids_under(T_CALL_BY_CUSTOMER, duplicate)?.len(),
            cases: self.ids_under(T_CASE_BY_CUSTOMER, duplicate)?.len(),
            duplicate: dup,
            keep: kept,
        })
    }

    pub(super) fn merge_customers_impl(
        &self,
        duplicate: Id,
        keep: Id,
        actor: &Actor,
    ) -> StoreResult<MergeResult> {
        // Read outside the transaction (sled's cannot scan); the transaction checks that
        // no call is open, and each record still belongs to the duplicate.
        let call_ids = self.ids_under(T_CALL_BY_CUSTOMER, duplicate)?;
        let case_ids = self.ids_under(T_CASE_BY_CUSTOMER, duplicate)?;
        let trail: Vec<AuditEntry> = self.audit_for(duplicate)?;
        let result = self.transaction(|tx| {
            let dup: Customer = tx.load(T_CUSTOMERS, duplicate)?.ok_or_else(gone)?;
            let kept: Customer = tx.load(T_CUSTOMERS, keep)?.ok_or_else(gone)?;
            let open =
                |id: Id| -> StoreResult<bool> { Ok(tx.get(T_OPEN_CALL, &keys::id(id))?.is_some()) };
            if let Some(refusal) = merge_refusal(keep, duplicate, open(keep)?, open(duplicate)?) {
                return Err(StoreError::Rule(refusal.into()));
            }
            let mut result = MergeResult::default();
            for id in &call_ids {
                let Some(call) = tx.load::<Call>(T_CALLS, *id)? else {
                    continue;
                };
                if call.customer_id != duplicate {
                    continue;
                }
                let moved = Call {
                    customer_id: keep,
                    ..call.clone()
                };
                // Re-filed here without an operation: the merge's own operation re-files
                // it on every workstation, and a put of a call another workstation took
                // would be refused by the hub (only the call's own workstation changes it).
                tx.set_replay(true);
                let put = tx.put_call(Some(&call), &moved, actor);
                tx.set_replay(false);
                put?;
                result.calls += 1;
            }
            for id in &case_ids {
                let Some(case) = tx.load::<Case>(T_CASES, *id)? else {
                    continue;
                };
                if case.customer_id != duplicate {
                    continue;
                }
                let moved = Case {
                    customer_id: keep,
                    ..case.clone()
                };
                tx.put_case(Some(&case), &moved)?;
                result.cases += 1;
            }
            for entry in &trail {
                tx.move_audit(entry, keep)?;
            }
            result.audit_entries = trail.len();
            let (merged, changes) = merge_into(&kept, &dup, actor.at, &actor.who);
            // The team hears of it as one operation: calls taken on other workstations
            // cannot be changed from here, so every workstation re-files them itself.
            tx.act_as(actor);
            tx.emit(
                crate::domain::ops::Payload::CustomerMerge {
                    customer: duplicate,
                    into: keep,
                    at: actor.at,
                }
                .into(),
            )?;
            tx.remove_customer(&dup)?;
            tx.put_customer(Some(&kept), &merged)?;
            let mut actor = actor.clone();
            actor.reason = format!("merged from {}", dup.name);
            for change in &changes {
                tx.audit(
                    keep,
                    &actor,
                    crate::domain::call::AuditKind::from(change.field),
                    change.old.as_deref(),
                    change.new.as_deref(),
                )?;
            }
            tx.audit(
                keep,
                &actor,
                crate::domain::call::AuditKind::MergedIn,
                Some(format!("{} ({})", dup.name, dup.id)),
                Some(format!(
                    "{} and {} moved here",
                    crate::domain::text::plural(result.calls as u64, "call", "calls"),
                    crate::domain::text::plural(result.cases as u64, "case", "cases")
                )),
            )?;
            Ok(result)
        })?;
        self.flush()?;
        Ok(result)
    }

    pub(super) fn reassign_case_impl(
        &self,
        case_id: Id,
        owner: &str,
        actor: &Actor,
    ) -> StoreResult<CaseRow> {
        let actor = &self.acting_as(actor)?;
        let owner = crate::domain::text::sanitize_line(owner.trim()).into_owned();
        self.change_case(
            case_id,
            |old| {
                crate::domain::case::check_reassign(old, &owner, &actor.who, actor.role)
                    .map_err(StoreError::Rule)?;
                let new = Case {
                    owner: owner.clone(),
                    ..old.clone()
                };
                let from = if old.owner.is_empty() {
                    "nobody".to_string()
                } else {
                    old.owner.clone()
                };
                Ok((
                    new,
                    crate::domain::call::AuditKind::CaseOwner,
                    from,
                    owner.clone(),
                ))
            },
            actor,
        )
    }
}

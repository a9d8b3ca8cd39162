//! Every lead's review of a call (SPEC §12: a review is its own record per call and lead;
//! the latest is shown; an acknowledgement names the review it read), and the two changes
//! that make them here: a lead's review and the agent's acknowledgement.
//!
//! `T_REVIEWS` holds, per call, the list of its leads' reviews (`LeadReview`, one per
//! lead, in lead order). It is one value per call rather than a key per (call, lead)
//! because a sled transaction cannot scan a prefix: removing a call, or reading the other
//! leads' reviews while writing one, must stay a single look-up inside `Tx`.
//!
//! `Call::review` stays: it is the review the call shows (the latest by stamp), kept in
//! the same transaction as this tree like an index, so the indexes, counters, daily
//! tallies, reports and screens that read the call are unchanged. `T_REVIEW_OPS` still
//! names the operation of that shown review (what the next acknowledgement names).
//!
//! Who writes the tree:
//! - a review or acknowledgement typed here: `put_call` records the shown review under
//!   its lead, with the operation just emitted (`record_review`);
//! - operations from the team: `apply` writes what `merge::materialise` gives, and `bulk`
//!   the same in batches;
//! - a store from before schema 7, a restore of an older backup, generated data: the
//!   review each call shows becomes its lead's record (`reviews_from_calls`, and
//!   `restore_records` for backups);
//! - covering a store's records with operations (`cover_reviews`): each lead's review
//!   that no operation makes yet is emitted, the shown one last so it stays the latest.

use std::collections::BTreeMap;

use super::records::Tx;
use super::*;
use crate::domain::call::Role;
use crate::domain::merge::Records;
use crate::domain::ops::diff::Draft;
use crate::domain::ops::{Op, OpId, Payload};
use crate::domain::review::LeadReview;
use crate::domain::{Call, Id, Review, Road};
use crate::store::codec::{decode, encode};
use crate::store::{Actor, Store, keys};

/// Puts `review` in `list` in place of the same lead's (the list stays in lead order).
pub(super) fn upsert(list: &mut Vec<LeadReview>, review: LeadReview) {
    match list.binary_search_by(|r| r.review.lead.cmp(&review.review.lead)) {
        Ok(at) => list[at] = review,
        Err(at) => list.insert(at, review),
    }
}

/// The reviews `records` gives for `call`, in lead order.
pub(super) fn from_records(records: &Records, call: Id) -> Vec<LeadReview> {
    records
        .reviews
        .range((call, String::new())..)
        .take_while(|((id, _), _)| *id == call)
        .map(|(_, record)| LeadReview {
            call,
            review: record.review.clone(),
            op: Some(record.op),
            stamp: Some(record.hlc),
        })
        .collect()
}

impl Tx<'_> {
    /// Every lead's review of `call`, in lead order.
    pub(super) fn lead_reviews(&self, call: Id) -> StoreResult<Vec<LeadReview>> {
        match self.get(T_REVIEWS, &keys::id(call))? {
            Some(bytes) => decode(&bytes),
            None => Ok(Vec::new()),
        }
    }

    pub(super) fn put_lead_reviews(&self, call: Id, list: &[LeadReview]) -> StoreResult<()> {
        if list.is_empty() {
            return self.del(T_REVIEWS, &keys::id(call));
        }
        self.put(T_REVIEWS, &keys::id(call), &encode(&list)?)
    }

    /// The operation of the review `call` shows, with its stamp.
    fn shown_op(&self, call: Id) -> StoreResult<(Option<OpId>, Option<crate::domain::hlc::Hlc>)> {
        let Some(bytes) = self.get(T_REVIEW_OPS, &keys::id(call))? else {
            return Ok((None, None));
        };
        let op = super::oplog::op_id_from(&bytes)?;
        let stamp = match self.get(T_OPS, &bytes)? {
            Some(bytes) => Some(decode::<Op>(&bytes)?.hlc),
            None => None,
        };
        Ok((Some(op), stamp))
    }

    /// Records `review`, the one `call` shows now, as its lead's, with the operation that
    /// made it (the one `T_REVIEW_OPS` names: just emitted, or the one acknowledged).
    pub(super) fn record_review(&self, call: Id, review: &Review) -> StoreResult<()> {
        let (op, stamp) = self.shown_op(call)?;
        let mut list = self.lead_reviews(call)?;
        upsert(
            &mut list,
            LeadReview {
                call,
                review: review.clone(),
                op,
                stamp,
            },
        );
        self.put_lead_reviews(call, &list)
    }

    /// Moves the call's reviews to what the operations give (`apply`). A lead's review
    /// that no operation makes yet is kept, as a record is (it travels at the next sync).
    pub(super) fn apply_reviews(&self, call: Id, records: &Records) -> StoreResult<()> {
        let have = self.lead_reviews(call)?;
        let mut list = have.clone();
        for review in from_records(records, call) {
            upsert(&mut list, review);
        }
        if list != have {
            self.put_lead_reviews(call, &list)?;
        }
        Ok(())
    }

    /// Emits the operations that make each lead's review of `call` that `records` (what
    /// the operations say already) lacks or has otherwise: the others' first, each with
    /// its acknowledgement, and the shown one last so it stays the latest.
    pub(super) fn cover_reviews(&self, call: &Call, records: &Records) -> StoreResult<()> {
        let mut list = self.lead_reviews(call.id)?;
        let shown = call.review.as_ref();
        if let Some(shown) = shown
            && !list.iter().any(|r| r.review == *shown)
        {
            upsert(
                &mut list,
                LeadReview {
                    call: call.id,
                    review: shown.clone(),
                    op: None,
                    stamp: None,
                },
            );
        }
        let made = |review: &Review| {
            records
                .reviews
                .get(&(call.id, review.lead.clone()))
                .map(|record| &record.review)
        };
        let is_shown = |r: &LeadReview| shown.is_some_and(|s| s.lead == r.review.lead);
        let mut todo: Vec<&LeadReview> = list
            .iter()
            .filter(|r| made(&r.review) != Some(&r.review))
            .collect();
        let others = todo.iter().any(|r| !is_shown(r));
        if others && !todo.iter().any(|r| is_shown(r)) {
            todo.extend(list.iter().filter(|r| is_shown(r)));
        }
        todo.sort_by_key(|r| (is_shown(r), r.stamp, r.review.at));
        for lead_review in todo {
            let review = &lead_review.review;
            let only_seen = made(review).is_some_and(|m| {
                Review {
                    acknowledged_at: review.acknowledged_at,
                    ..m.clone()
                } == *review
            });
            if !(only_seen && is_shown(lead_review) && !others) {
                self.emit(Draft {
                    author: Some((review.lead.clone(), Role::Lead)),
                    payload: Payload::Review {
                        customer: call.customer_id,
                        call: call.id,
                        road: review.road,
                        comment: review.comment.clone(),
                        at: review.at,
                    },
                })?;
            }
            if let Some(at) = review.acknowledged_at {
                self.emit(Draft {
                    author: Some((call.agent.clone(), Role::Agent)),
                    payload: Payload::Acknowledge {
                        customer: call.customer_id,
                        call: call.id,
                        review: OpId::PENDING,
                        at,
                    },
                })?;
            }
            self.record_review(call.id, review)?;
        }
        Ok(())
    }
}

impl SledStore {
    /// A lead's review of a call (`Store::review_call`, `blind_pick` for the first road
    /// chosen while the agent's is hidden), with its audit entries.
    pub(super) fn review_call_impl(
        &self,
        call_id: Id,
        road: Road,
        comment: &str,
        actor: &Actor,
        blind_pick: bool,
    ) -> StoreResult<Call> {
        let actor = &self.acting_as(actor)?;
        let comment = comment.trim();
        let call = self.transaction(|tx| {
            let Some(old) = tx.load::<Call>(T_CALLS, call_id)? else {
                return Err(StoreError::Rule(
                    "that call is no longer in the store".into(),
                ));
            };
            // This lead's own review, which another lead's later one may have replaced
            // as the one the call shows.
            let own = tx
                .lead_reviews(call_id)?
                .into_iter()
                .map(|r| r.review)
                .chain(old.review.clone())
                .find(|r| r.lead == actor.who);
            let as_seen = Call {
                review: own.clone().or_else(|| old.review.clone()),
                ..old.clone()
            };
            crate::domain::review::check_review(
                &as_seen, &actor.who, actor.role, road, comment, blind_pick,
            )
            .map_err(|refusal| StoreError::Rule(refusal.to_string()))?;
            let mut new = old.clone();
            // Only the lead's own review keeps its acknowledgement when saved again alike;
            // another lead's is a new review, unread.
            let unchanged = own.as_ref().filter(|r| r.road == road);
            new.review = Some(crate::domain::Review {
                lead: actor.who.clone(),
                road,
                comment: comment.to_string(),
                at: actor.at,
                acknowledged_at: unchanged
                    .filter(|r| r.comment == comment)
                    .and_then(|r| r.acknowledged_at),
            });
            let mut actor = actor.clone();
            actor.reason = comment.to_string();
            tx.put_call(Some(&old), &new, &actor)?;
            if let Some(review) = unchanged
                && review.comment != comment
            {
                tx.audit(
                    call_id,
                    &actor,
                    crate::domain::call::AuditKind::ReviewComment,
                    Some(&review.comment),
                    Some(comment),
                )?;
            }
            Ok(new)
        })?;
        self.flush()?;
        Ok(call)
    }

    pub(super) fn acknowledge_impl(&self, call_id: Id, actor: &Actor) -> StoreResult<Call> {
        let call = self.transaction(|tx| {
            let Some(old) = tx.load::<Call>(T_CALLS, call_id)? else {
                return Err(StoreError::Rule(
                    "that call is no longer in the store".into(),
                ));
            };
            let new = crate::domain::review::acknowledge(&old, &actor.who, actor.at)
                .map_err(|refusal| StoreError::Rule(refusal.into()))?;
            tx.put_call(Some(&old), &new, actor)?;
            tx.audit(
                call_id,
                actor,
                crate::domain::call::AuditKind::ReviewAcknowledged,
                None::<&str>,
                Some("seen by the agent"),
            )?;
            Ok(new)
        })?;
        self.flush()?;
        Ok(call)
    }
}

impl SledStore {
    /// Every lead's review of `call`: the one it shows first, then the others latest first.
    pub fn lead_reviews(&self, call: &Call) -> StoreResult<Vec<LeadReview>> {
        let list: Vec<LeadReview> = match self.tree(T_REVIEWS).get(keys::id(call.id))? {
            Some(bytes) => decode(&bytes)?,
            None => Vec::new(),
        };
        Ok(crate::domain::review::latest_first(
            call.review.as_ref(),
            &list,
        ))
    }

    /// Every lead who has reviewed `call`, in lead order (none when the record cannot be
    /// read: the screens then go by the review the call shows).
    pub(super) fn review_leads(&self, call: Id) -> Vec<String> {
        let list = self
            .tree(T_REVIEWS)
            .get(keys::id(call))
            .ok()
            .flatten()
            .and_then(|bytes| decode::<Vec<LeadReview>>(&bytes).ok())
            .unwrap_or_default();
        list.into_iter().map(|r| r.review.lead).collect()
    }

    /// Gives the review each call shows a record under its lead when it has none: what a
    /// store from before schema 7 kept (with the operation `T_REVIEW_OPS` names, when
    /// known). Idempotent; in bounded batches.
    pub(super) fn reviews_from_calls(&self) -> StoreResult<usize> {
        const BATCH: usize = 10_000;
        let mut added = 0;
        let mut batch = sled::Batch::default();
        let mut pending = 0;
        for item in self.tree(T_CALLS).iter() {
            let (key, value) = item?;
            let call: Call = match decode(&value) {
                Ok(call) => call,
                Err(e) => {
                    tracing::warn!("a damaged call skipped while migrating reviews: {e}");
                    continue;
                }
            };
            let Some(review) = call.review else {
                continue;
            };
            let mut list: Vec<LeadReview> = match self.tree(T_REVIEWS).get(&key)? {
                Some(bytes) => decode(&bytes)?,
                None => Vec::new(),
            };
            if list.iter().any(|r| r.review.lead == review.lead) {
                continue;
            }
            let op = match self.tree(T_REVIEW_OPS).get(&key)? {
                Some(bytes) => Some(super::oplog::op_id_from(&bytes)?),
                None => None,
            };
            let stamp = match op {
                Some(op) => self
                    .tree(T_OPS)
                    .get(super::oplog::op_id_bytes(op))?
                    .map(|bytes| decode::<Op>(&bytes).map(|op| op.hlc))
                    .transpose()?,
                None => None,
            };
            upsert(
                &mut list,
                LeadReview {
                    call: call.id,
                    review,
                    op,
                    stamp,
                },
            );
            batch.insert(&key, encode(&list)?);
            added += 1;
            pending += 1;
            if pending == BATCH {
                self.tree(T_REVIEWS)
                    .apply_batch(std::mem::take(&mut batch))?;
                pending = 0;
            }
        }
        self.tree(T_REVIEWS).apply_batch(batch)?;
        self.db.flush()?;
        Ok(added)
    }

    /// Adds restored reviews, and the review each restored call shows (an older backup
    /// has no review lines), to `batch` for `T_REVIEWS`: a review line replaces the same
    /// lead's, a call's review only fills in a lead that has none.
    pub(super) fn restore_reviews(
        &self,
        calls: &[&Call],
        reviews: &[&LeadReview],
        batch: &mut sled::Batch,
    ) -> StoreResult<()> {
        let mut done: BTreeMap<Id, Vec<LeadReview>> = BTreeMap::new();
        let list_of = |done: &mut BTreeMap<Id, Vec<LeadReview>>, call: Id| {
            let list = match done.remove(&call) {
                Some(list) => list,
                None => match self.tree(T_REVIEWS).get(keys::id(call))? {
                    Some(bytes) => decode(&bytes)?,
                    None => Vec::new(),
                },
            };
            StoreResult::Ok(list)
        };
        for call in calls {
            let Some(review) = &call.review else {
                continue;
            };
            let mut list = list_of(&mut done, call.id)?;
            if !list.iter().any(|r| r.review.lead == review.lead) {
                upsert(
                    &mut list,
                    LeadReview {
                        call: call.id,
                        review: review.clone(),
                        op: None,
                        stamp: None,
                    },
                );
            }
            done.insert(call.id, list);
        }
        for review in reviews {
            let mut list = list_of(&mut done, review.call)?;
            upsert(&mut list, (*review).clone());
            done.insert(review.call, list);
        }
        for (call, list) in done {
            batch.insert(&keys::id(call), encode(&list)?);
        }
        Ok(())
    }
}

impl SledStore {
    /// What is wrong with the reviews tree (empty when nothing): each call's shown review
    /// is its lead's record, each record's call exists, one record per lead in lead order,
    /// and where every stamp is known the shown review has the latest. For tests and tools.
    pub fn check_reviews(&self) -> StoreResult<Vec<String>> {
        let mut problems = Vec::new();
        for item in self.tree(T_REVIEWS).iter() {
            let (key, value) = item?;
            let list: Vec<LeadReview> = decode(&value)?;
            let Some(id) = keys::id_from(&key) else {
                problems.push("a reviews key that is not a call id".to_string());
                continue;
            };
            if list.is_empty() {
                problems.push(format!("call {id}: an empty list of reviews"));
            }
            if list
                .windows(2)
                .any(|w| w[0].review.lead >= w[1].review.lead)
            {
                problems.push(format!("call {id}: reviews not one per lead in lead order"));
            }
            if list.iter().any(|r| r.call != id) {
                problems.push(format!("call {id}: a review filed under another call"));
            }
            let Some(call) = self.load::<Call>(T_CALLS, id)? else {
                problems.push(format!("call {id}: reviews of a call not in the store"));
                continue;
            };
            let Some(shown) = &call.review else {
                problems.push(format!("call {id}: reviews but the call shows none"));
                continue;
            };
            if !list.iter().any(|r| r.review == *shown) {
                problems.push(format!(
                    "call {id}: the review it shows is not its lead's record"
                ));
            }
            let stamps: Option<Vec<_>> = list.iter().map(|r| r.stamp).collect();
            let latest = stamps
                .and_then(|_| list.iter().max_by_key(|r| r.stamp))
                .map(|r| &r.review);
            if latest.is_some_and(|latest| latest != shown) {
                problems.push(format!("call {id}: the review it shows is not the latest"));
            }
        }
        for item in self.tree(T_CALLS).iter() {
            let (key, value) = item?;
            let call: Call = decode(&value)?;
            if call.review.is_some() && self.tree(T_REVIEWS).get(&key)?.is_none() {
                problems.push(format!("call {}: a review without its record", call.id));
            }
        }
        Ok(problems)
    }
}

#[cfg(test)]
mod tests;

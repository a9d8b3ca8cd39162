//! The store's operation log (SPEC §12): every change written through `Tx` is also an
//! operation, in the same transaction as the records. This workstation's id, its last
//! sequence number and its hybrid logical clock live in `T_OPLOG`, so a retried or
//! aborted transaction can never skip or repeat a number.
//!
//! Two things an operation names are only known here: the review an acknowledgement is
//! about (`T_REVIEW_OPS`, the review the call shows) and the closes and reopens a case
//! event follows (`T_CASE_HEADS`, the case's events that nothing follows yet).

use std::collections::{BTreeMap, BTreeSet};

use super::records::Tx;
use super::*;
use crate::domain::call::{AuditEntry, Role};
use crate::domain::hlc::{Hlc, HlcClock};
use crate::domain::ops::diff::Draft;
use crate::domain::ops::{Op, OpId, Payload};
use crate::domain::{Call, Case, Customer, Id, new_id};
use crate::store::codec::{decode, decode_text, encode};
use crate::store::keys;

/// Keys in `T_OPLOG`.
pub(super) mod meta {
    pub const WORKSTATION: &[u8] = b"workstation";
    pub const SEQ: &[u8] = b"seq";
    pub const HLC: &[u8] = b"hlc";
    /// This workstation's operations up to this number are at the hub.
    pub const SENT: &[u8] = b"sent";
    /// Per workstation, the last sequence number pulled from the hub.
    pub const SEEN: &[u8] = b"seen";
    /// Present when every record is covered by operations.
    pub const COVERED: &[u8] = b"covered";
    /// The hub's address, without a password.
    pub const HUB: &[u8] = b"hub";
    /// When the last sync finished (milliseconds since the epoch).
    pub const LAST_SYNC: &[u8] = b"last_sync";
    /// Present while a bulk redo has written records whose index entries and counters
    /// are not rebuilt yet (see `bulk`).
    pub const STALE: &[u8] = b"derived_stale";
    /// The hub's record of this workstation's person (see `identity`).
    pub const IDENTITY: &[u8] = b"identity";
    /// Present when an erasure that came from the team removed something from this
    /// store: its files still hold old copies until the store is rewritten (`staging`).
    pub const REWRITE: &[u8] = b"rewrite_owed";
}

pub(super) fn op_key(workstation: Id, seq: u64) -> Vec<u8> {
    keys::join(&[&keys::id(workstation), &seq.to_be_bytes()])
}

pub(super) fn by_customer_key(customer: Id, workstation: Id, seq: u64) -> Vec<u8> {
    keys::join(&[
        &keys::id(customer),
        &keys::id(workstation),
        &seq.to_be_bytes(),
    ])
}

pub(super) fn read_u64(bytes: &[u8]) -> u64 {
    bytes.try_into().map(u64::from_be_bytes).unwrap_or_default()
}

/// A hub's address without its login and password: what tells two hubs apart.
fn hub_key(url: &str) -> String {
    let url = crate::hub::redact_url(url);
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let rest = match rest.find(['/', '?']).map(|end| rest.split_at(end)) {
                Some((authority, tail)) => {
                    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                    format!("{hosts}{tail}")
                }
                None => rest.rsplit_once('@').map_or(rest, |(_, h)| h).to_string(),
            };
            format!("{scheme}://{rest}")
        }
        None => url
            .split_whitespace()
            .filter(|w| !w.starts_with("user="))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A case event nothing follows yet: (operation, is a reopen, stamp).
pub(super) type Head = (OpId, bool, Hlc);

fn now_ms() -> u64 {
    jiff::Timestamp::now().as_millisecond().max(0) as u64
}

impl Tx<'_> {
    /// Marks this transaction as applying operations that already exist.
    pub(super) fn set_replay(&self, replay: bool) {
        self.replay.set(replay);
    }

    /// The operations emitted from here on are by `actor` (unless a change names its own
    /// author).
    pub(super) fn act_as(&self, actor: &crate::store::Actor) {
        *self.actor.borrow_mut() = Some((actor.who.clone(), actor.role));
    }

    pub(super) fn act_as_name(&self, who: &str, role: Role) {
        *self.actor.borrow_mut() = Some((who.to_string(), role));
    }

    /// Appends one operation to this workstation's log.
    pub(super) fn emit(&self, draft: Draft) -> StoreResult<()> {
        if self.replay.get() {
            return Ok(());
        }
        let Some(workstation) = self
            .get(T_OPLOG, meta::WORKSTATION)?
            .and_then(|b| keys::id_from(&b))
        else {
            return Err(StoreError::Corrupt(
                "the store has no workstation id".into(),
            ));
        };
        let seq = self
            .get(T_OPLOG, meta::SEQ)?
            .map(|b| read_u64(&b))
            .unwrap_or(0)
            + 1;
        let last = match self.get(T_OPLOG, meta::HLC)? {
            Some(bytes) => decode(&bytes)?,
            None => Hlc::zero(workstation),
        };
        let now = now_ms();
        let hlc = HlcClock::resume_at(last, now).tick(now);
        // In a team, the hub's record of this workstation's person, whoever the app or a
        // covered record names: the hub takes nothing else from its login.
        let member: Option<crate::domain::member::Member> = self
            .get(T_OPLOG, meta::IDENTITY)?
            .map(|bytes| decode(&bytes))
            .transpose()?;
        let (author, role) = match member {
            Some(member) => (member.name, member.role),
            None => draft
                .author
                .or_else(|| self.actor.borrow().clone())
                .unwrap_or((String::new(), Role::Agent)),
        };
        let id = OpId { workstation, seq };
        let mut payload = draft.payload;
        if let Payload::Acknowledge { call, review, .. } = &mut payload
            && *review == OpId::PENDING
        {
            match self.get(T_REVIEW_OPS, &keys::id(*call))? {
                Some(bytes) => *review = op_id_from(&bytes)?,
                // A review this store never had an operation for cannot be named.
                None => return Ok(()),
            }
        }
        self.note_emitted(id, hlc, &mut payload)?;
        let op = Op {
            workstation,
            seq,
            author,
            role,
            hlc,
            payload_version: payload.version(),
            payload,
        };
        self.put(T_OPS, &op_key(workstation, seq), &encode(&op)?)?;
        for customer in op.payload.customers() {
            self.put(
                T_OPS_BY_CUSTOMER,
                &by_customer_key(customer, workstation, seq),
                &[],
            )?;
        }
        self.put(T_OPLOG, meta::SEQ, &seq.to_be_bytes())?;
        self.put(T_OPLOG, meta::HLC, &encode(&hlc)?)?;
        self.emitted.set(true);
        Ok(())
    }

    /// Keeps what the next operations will name: the call's review, the case's heads
    /// (and fills in what a case event follows: every head, the latest first, so an event
    /// after a conflict settles it: a close closes, a reopen reopens).
    fn note_emitted(&self, id: OpId, hlc: Hlc, payload: &mut Payload) -> StoreResult<()> {
        let is_reopen = matches!(payload, Payload::CaseReopen { .. });
        match payload {
            Payload::Review { call, .. } => {
                self.put(T_REVIEW_OPS, &keys::id(*call), &op_id_bytes(id))?;
            }
            Payload::CaseClose {
                case,
                follows,
                also_follows,
                ..
            }
            | Payload::CaseReopen {
                case,
                follows,
                also_follows,
                ..
            } => {
                let case = *case;
                let mut heads = self.case_heads(case)?;
                heads.sort_by_key(|(op, _, h)| std::cmp::Reverse((*h, *op)));
                let mut seen = heads.iter().map(|(op, _, _)| *op);
                *follows = seen.next();
                *also_follows = seen.collect();
                let heads = vec![(id, is_reopen, hlc)];
                self.put(T_CASE_HEADS, &keys::id(case), &encode(&heads)?)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn case_heads(&self, case: Id) -> StoreResult<Vec<Head>> {
        match self.get(T_CASE_HEADS, &keys::id(case))? {
            Some(bytes) => decode(&bytes),
            None => Ok(Vec::new()),
        }
    }

    /// The call's notes as an operation (wrap-up, park, the start of a sync).
    pub(super) fn emit_notes(&self, call: Id, text: &str) -> StoreResult<()> {
        if self.replay.get() {
            return Ok(());
        }
        let Some(record) = self.load::<Call>(T_CALLS, call)? else {
            return Ok(());
        };
        self.del(T_NOTES_DIRTY, &keys::id(call))?;
        self.emit(
            Payload::CallNotes {
                customer: record.customer_id,
                call,
                text: text.to_string(),
            }
            .into(),
        )
    }

    /// An audit entry as an operation, about the customer its subject belongs to.
    pub(super) fn emit_audit(&self, entry: AuditEntry) -> StoreResult<()> {
        let customer = if let Some(call) = self.load::<Call>(T_CALLS, entry.subject)? {
            call.customer_id
        } else if let Some(case) = self.load::<Case>(T_CASES, entry.subject)? {
            case.customer_id
        } else if self.load::<Customer>(T_CUSTOMERS, entry.subject)?.is_some() {
            entry.subject
        } else {
            return Ok(());
        };
        self.emit(Payload::Audit { customer, entry }.into())
    }
}

pub(super) fn op_id_bytes(id: OpId) -> Vec<u8> {
    op_key(id.workstation, id.seq)
}

pub(super) fn op_id_from(bytes: &[u8]) -> StoreResult<OpId> {
    match (keys::id_from(bytes), bytes.get(16..24)) {
        (Some(workstation), Some(seq)) => Ok(OpId {
            workstation,
            seq: read_u64(seq),
        }),
        _ => Err(StoreError::Corrupt("an operation id".into())),
    }
}

/// The sync state of the store, for `team status` and the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncState {
    pub workstation: Id,
    /// The hub's address (without a password) when the store is in a team.
    pub hub: Option<String>,
    pub last_sync: Option<jiff::Timestamp>,
    /// This workstation's operations not yet at the hub.
    pub unsent: u64,
}

impl SledStore {
    /// Gives a store without a log its workstation id (a new store, or one made before
    /// operations existed; its records are covered by operations at its first sync).
    pub(super) fn init_oplog(&self) -> StoreResult<()> {
        let log = self.tree(T_OPLOG);
        if log.get(meta::WORKSTATION)?.is_some() {
            return Ok(());
        }
        let workstation = new_id();
        log.insert(meta::SEQ, &0u64.to_be_bytes())?;
        log.insert(meta::SENT, &0u64.to_be_bytes())?;
        if !self.has_records() {
            log.insert(meta::COVERED, &[1])?;
        }
        log.insert(meta::WORKSTATION, &keys::id(workstation))?;
        self.db.flush()?;
        Ok(())
    }

    fn meta_u64(&self, key: &[u8]) -> StoreResult<u64> {
        Ok(self
            .tree(T_OPLOG)
            .get(key)?
            .map(|b| read_u64(&b))
            .unwrap_or(0))
    }

    /// This workstation's id (UUIDv7, made with the store).
    pub fn workstation(&self) -> StoreResult<Id> {
        self.tree(T_OPLOG)
            .get(meta::WORKSTATION)?
            .and_then(|b| keys::id_from(&b))
            .ok_or_else(|| StoreError::Corrupt("the store has no workstation id".into()))
    }

    /// The hub's address, when the store is in a team.
    pub fn hub_url(&self) -> StoreResult<Option<String>> {
        Ok(self
            .tree(T_OPLOG)
            .get(meta::HUB)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Joins (`Some`, an address without a password) or leaves (`None`) a team.
    pub fn set_hub_url(&self, url: Option<&str>) -> StoreResult<()> {
        match url {
            Some(url) => self.tree(T_OPLOG).insert(meta::HUB, url.as_bytes())?,
            None => self.tree(T_OPLOG).remove(meta::HUB)?,
        };
        self.db.flush()?;
        Ok(())
    }

    /// Joins the hub at `url` (an address without a password). Another hub than the one
    /// this store was in knows none of its operations: they are all sent again, and
    /// everything there is read from the start.
    pub fn join_hub(&self, url: &str) -> StoreResult<()> {
        if self.joins_another_hub(url)? {
            self.tree(T_OPLOG).insert(meta::SENT, &0u64.to_be_bytes())?;
            self.tree(T_OPLOG).remove(meta::SEEN)?;
        }
        self.set_hub_url(Some(url))
    }

    /// Whether `url` is another hub than this store's (the same server and database with
    /// another login is the same hub: a person moving to a login of their own).
    pub fn joins_another_hub(&self, url: &str) -> StoreResult<bool> {
        Ok(self.hub_url()?.as_deref().map(hub_key) != Some(hub_key(url)))
    }

    /// This workstation's operations up to this number are at the hub.
    pub fn sent_seq(&self) -> StoreResult<u64> {
        self.meta_u64(meta::SENT)
    }

    pub fn sync_state(&self) -> StoreResult<SyncState> {
        let last_sync = self
            .tree(T_OPLOG)
            .get(meta::LAST_SYNC)?
            .and_then(|b| jiff::Timestamp::from_millisecond(read_u64(&b) as i64).ok());
        Ok(SyncState {
            workstation: self.workstation()?,
            hub: self.hub_url()?,
            last_sync,
            unsent: self
                .meta_u64(meta::SEQ)?
                .saturating_sub(self.meta_u64(meta::SENT)?),
        })
    }

    pub fn set_last_sync(&self, at: jiff::Timestamp) -> StoreResult<()> {
        self.tree(T_OPLOG).insert(
            meta::LAST_SYNC,
            &(at.as_millisecond().max(0) as u64).to_be_bytes(),
        )?;
        Ok(())
    }

    /// This workstation's last sequence number.
    pub(super) fn own_seq(&self) -> StoreResult<u64> {
        self.meta_u64(meta::SEQ)
    }

    /// Up to `limit` of this workstation's operations not yet at the hub, in order.
    pub fn unsent_ops(&self, limit: usize) -> StoreResult<Vec<Op>> {
        let workstation = self.workstation()?;
        let sent = self.meta_u64(meta::SENT)?;
        let from = op_key(workstation, sent + 1);
        let to = op_key(workstation, u64::MAX);
        self.tree(T_OPS)
            .range(from..to)
            .take(limit)
            .map(|item| decode(&item?.1))
            .collect()
    }

    /// The hub has this workstation's operations up to `seq`; their customers are made
    /// again from the operations at the end of the sync (so this store's records are
    /// what the operations say, as on every other workstation).
    pub fn mark_sent(&self, ops: &[Op]) -> StoreResult<()> {
        let Some(last) = ops.iter().map(|op| op.seq).max() else {
            return Ok(());
        };
        let mut batch = sled::Batch::default();
        for op in ops {
            batch.insert(&keys::id(op.payload.customer()), &[]);
        }
        self.tree(T_REDO).apply_batch(batch)?;
        let sent = self.meta_u64(meta::SENT)?.max(last);
        self.tree(T_OPLOG).insert(meta::SENT, &sent.to_be_bytes())?;
        Ok(())
    }

    /// The last sequence number pulled from each workstation.
    pub fn seen(&self) -> StoreResult<BTreeMap<Id, u64>> {
        match self.tree(T_OPLOG).get(meta::SEEN)? {
            Some(bytes) => decode(&bytes),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Every operation about `customer` this store holds.
    pub(super) fn customer_ops(&self, customer: Id) -> StoreResult<Vec<Op>> {
        let mut ops = Vec::new();
        for item in self.tree(T_OPS_BY_CUSTOMER).scan_prefix(keys::id(customer)) {
            let (key, _) = item?;
            let Some(id) = key.get(16..).map(op_id_from).transpose()? else {
                continue;
            };
            if let Some(bytes) = self.tree(T_OPS).get(op_id_bytes(id))? {
                ops.push(decode(&bytes)?);
            }
        }
        Ok(ops)
    }

    /// The customers merged with `customer` (either way, through any chain of merges),
    /// with `customer` itself, and every operation about any of them: what a customer's
    /// records are made from once merges are counted (`domain::merge::materialise`).
    pub(super) fn group_ops(&self, customer: Id) -> StoreResult<(BTreeSet<Id>, Vec<Op>)> {
        let mut members = BTreeSet::from([customer]);
        let mut pending = vec![customer];
        let mut ops: BTreeMap<OpId, Op> = BTreeMap::new();
        while let Some(next) = pending.pop() {
            for op in self.customer_ops(next)? {
                for other in op.payload.customers() {
                    if members.insert(other) {
                        pending.push(other);
                    }
                }
                ops.insert(op.id(), op);
            }
        }
        Ok((members, ops.into_values().collect()))
    }

    /// Every operation this store holds (for tests and tools; reads the whole log).
    pub fn all_ops(&self) -> StoreResult<Vec<Op>> {
        self.tree(T_OPS)
            .iter()
            .map(|item| decode(&item?.1))
            .collect()
    }

    /// Emits the notes of every call autosaved since its last notes operation (the
    /// start of a sync, or leaving a call open). Returns how many.
    pub fn flush_dirty_notes(&self) -> StoreResult<usize> {
        let calls: Vec<Id> = self
            .tree(T_NOTES_DIRTY)
            .iter()
            .keys()
            .filter_map(|k| k.ok().and_then(|k| keys::id_from(&k)))
            .collect();
        for call in &calls {
            self.emit_dirty_notes(*call)?;
        }
        Ok(calls.len())
    }

    /// The notes of one call as an operation, if they changed since the last one.
    pub(super) fn emit_dirty_notes(&self, call: Id) -> StoreResult<()> {
        self.transaction(|tx| {
            if tx.get(T_NOTES_DIRTY, &keys::id(call))?.is_none() {
                return Ok(());
            }
            let text = match tx.get(T_NOTES, &keys::id(call))? {
                Some(bytes) => decode_text(&bytes)?,
                None => String::new(),
            };
            tx.emit_notes(call, &text)
        })
    }
}

//! Who this workstation is in its team (SPEC §12): the hub's record for the login it
//! syncs as, kept in the log's meta. While it is set, every operation this store makes
//! carries that name and role, whatever name or role the app was started with, because
//! the hub takes nothing else from that login. Work made before the store joined is
//! taken on by the person who joins with it (`adopt_unsent`), except what their role may
//! not make.

use super::oplog::{meta, op_key};
use super::*;
use crate::domain::member::{Member, lead_only};
use crate::domain::ops::Op;
use crate::domain::ops::intake::SetAside;
use crate::store::Actor;
use crate::store::codec::{decode, encode};

/// This store's unsent work that another name or role made (before it joined a team).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Foreign {
    /// Operations to be sent as the joining person's.
    pub others: u64,
    /// Among them, changes only a lead may make (reviews, erasures).
    pub lead_only: u64,
    /// A name found on them, for the message.
    pub example: Option<String>,
}

impl SledStore {
    /// Keeps rows from the hub that could not be taken in, with why (kept once each).
    pub fn keep_set_aside(&self, rows: &[SetAside]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for row in rows {
            batch.insert(op_key(row.raw.workstation, row.raw.seq), encode(row)?);
        }
        self.tree(T_SET_ASIDE).apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// How many rows from the hub are set aside here.
    pub fn set_aside_count(&self) -> u64 {
        self.tree(T_SET_ASIDE).len() as u64
    }

    /// Up to `limit` rows set aside, oldest workstation first.
    pub fn set_aside(&self, limit: usize) -> StoreResult<Vec<SetAside>> {
        self.tree(T_SET_ASIDE)
            .iter()
            .take(limit)
            .map(|item| decode(&item?.1))
            .collect()
    }

    /// Reads the rows set aside again (this fourroads may read what an older one could
    /// not): returns those it takes in now, and forgets them as set aside.
    pub fn retake_set_aside(&self) -> StoreResult<Vec<Op>> {
        let mut taken = Vec::new();
        let mut batch = sled::Batch::default();
        for item in self.tree(T_SET_ASIDE).iter() {
            let (key, bytes) = item?;
            let row: SetAside = decode(&bytes)?;
            if let Ok(op) = crate::domain::ops::intake::take_in(row.raw) {
                taken.push(op);
                batch.remove(key);
            }
        }
        if !taken.is_empty() {
            self.tree(T_SET_ASIDE).apply_batch(batch)?;
        }
        Ok(taken)
    }

    /// This store turns out to be a copy of another workstation's (the hub holds other
    /// changes under numbers this store believes it sent): it becomes a workstation of
    /// its own. Its changes the hub never took are let go as operations (they are still
    /// in its records) and the records are covered again at the next sync, which first
    /// takes in the other copy's changes: so each of this store's own changes goes to the
    /// team again, under the new identity. Returns the new workstation id.
    pub fn become_a_workstation_of_its_own(&self) -> StoreResult<crate::domain::Id> {
        let old = self.workstation()?;
        let sent = self
            .tree(T_OPLOG)
            .get(meta::SENT)?
            .map(|b| super::oplog::read_u64(&b))
            .unwrap_or(0);
        let mut ops = sled::Batch::default();
        let mut by_customer = sled::Batch::default();
        for item in self
            .tree(T_OPS)
            .range(op_key(old, sent + 1)..op_key(old, u64::MAX))
        {
            let (key, bytes) = item?;
            let op: Op = decode(&bytes)?;
            for customer in op.payload.customers() {
                by_customer.remove(super::oplog::by_customer_key(customer, old, op.seq));
            }
            ops.remove(key);
        }
        self.tree(T_OPS).apply_batch(ops)?;
        self.tree(T_OPS_BY_CUSTOMER).apply_batch(by_customer)?;
        let new = crate::domain::new_id();
        let log = self.tree(T_OPLOG);
        log.insert(meta::WORKSTATION, &crate::store::keys::id(new))?;
        log.insert(meta::SEQ, &0u64.to_be_bytes())?;
        log.insert(meta::SENT, &0u64.to_be_bytes())?;
        log.remove(meta::HLC)?;
        // The old identity's changes are another workstation's now: read from the start.
        let mut seen: std::collections::BTreeMap<crate::domain::Id, u64> =
            match log.get(meta::SEEN)? {
                Some(bytes) => decode(&bytes)?,
                None => Default::default(),
            };
        seen.remove(&old);
        log.insert(meta::SEEN, encode(&seen)?)?;
        log.remove(meta::COVERED)?;
        self.db.flush()?;
        tracing::warn!("this store was a copy of workstation {old}'s; it is now workstation {new}");
        Ok(new)
    }

    /// The hub's record of this workstation's person, when the store is in a team.
    pub fn identity(&self) -> StoreResult<Option<Member>> {
        self.tree(T_OPLOG)
            .get(meta::IDENTITY)?
            .map(|bytes| decode(&bytes))
            .transpose()
    }

    /// Keeps (or forgets, leaving the team) who this workstation is.
    pub fn set_identity(&self, member: Option<&Member>) -> StoreResult<()> {
        let log = self.tree(T_OPLOG);
        match member {
            Some(member) => log.insert(meta::IDENTITY, encode(member)?)?,
            None => log.remove(meta::IDENTITY)?,
        };
        self.db.flush()?;
        Ok(())
    }

    /// `actor` as the team knows them: in a team, the hub's record of this workstation's
    /// person, whatever name or role the caller passed (an app started with `--role lead`
    /// by an agent may not review here, since the hub would never take the review).
    pub(super) fn acting_as(&self, actor: &Actor) -> StoreResult<Actor> {
        Ok(match self.identity()? {
            Some(member) => Actor {
                who: member.name,
                role: member.role,
                ..actor.clone()
            },
            None => actor.clone(),
        })
    }

    /// This workstation's operations the hub at `url` does not have yet: past what was
    /// sent, or all of them for another hub than the store's.
    fn unsent_range(
        &self,
        url: &str,
    ) -> StoreResult<impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> {
        let workstation = self.workstation()?;
        let sent = if self.joins_another_hub(url)? {
            0
        } else {
            self.tree(T_OPLOG)
                .get(meta::SENT)?
                .map(|b| super::oplog::read_u64(&b))
                .unwrap_or(0)
        };
        Ok(self
            .tree(T_OPS)
            .range(op_key(workstation, sent + 1)..op_key(workstation, u64::MAX)))
    }

    /// What of this store's work the hub at `url` lacks is not `member`'s own.
    pub fn foreign_unsent(&self, url: &str, member: &Member) -> StoreResult<Foreign> {
        let mut found = Foreign::default();
        for item in self.unsent_range(url)? {
            let op: Op = decode(&item?.1)?;
            if op.author == member.name && op.role == member.role {
                continue;
            }
            found.others += 1;
            if lead_only(op.payload.kind()) && member.role != crate::domain::call::Role::Lead {
                found.lead_only += 1;
            }
            if found.example.is_none() && !op.author.is_empty() {
                found.example = Some(format!("{} ({})", op.author, op.role.as_str()));
            }
        }
        Ok(found)
    }

    /// Makes this store's unsent work `member`'s: what the hub will take from their login.
    /// Returns how many operations changed. Their customers are made again from the
    /// operations once they are sent, as after any push.
    pub fn adopt_unsent(&self, url: &str, member: &Member) -> StoreResult<u64> {
        let mut batch = sled::Batch::default();
        let mut changed = 0;
        for item in self.unsent_range(url)? {
            let (key, bytes) = item?;
            let mut op: Op = decode(&bytes)?;
            if op.author == member.name && op.role == member.role {
                continue;
            }
            op.author = member.name.clone();
            op.role = member.role;
            batch.insert(key, encode(&op)?);
            changed += 1;
        }
        self.tree(T_OPS).apply_batch(batch)?;
        self.db.flush()?;
        Ok(changed)
    }
}

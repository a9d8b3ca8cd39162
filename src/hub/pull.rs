//! Pull: what the hub has that this workstation has not seen, resuming where it stopped.
//!
//! The position is a vector: for each workstation, the last sequence number seen. It is
//! not a single `bigserial` row number: a serial is drawn when a row is inserted but rows
//! become visible when their transactions commit, in whatever order that happens, so a
//! reader that saw number 11 can later find a 10 it skipped for good. A workstation's own
//! sequence numbers are only ever appended one after another under a row lock (see
//! `push.rs`), so "seen up to n" for a workstation really means 1..=n.

use std::collections::BTreeMap;

use crate::domain::Id;
use crate::domain::ops::Op;
use crate::domain::ops::intake::{RawOp, SetAside, take_in};

use super::{Hub, HubError};

/// The last sequence number seen from each workstation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen(pub BTreeMap<Id, u64>);

impl Seen {
    pub fn get(&self, workstation: Id) -> u64 {
        self.0.get(&workstation).copied().unwrap_or(0)
    }

    /// Moves past an operation; only the next one in its workstation's log counts.
    pub fn advance(&mut self, op: &Op) -> bool {
        self.advance_to(op.workstation, op.seq)
    }

    /// Moves past `seq` of `workstation` (read or set aside); only the next one counts.
    pub fn advance_to(&mut self, workstation: Id, seq: u64) -> bool {
        let last = self.get(workstation);
        if seq == last + 1 {
            self.0.insert(workstation, seq);
            true
        } else {
            false
        }
    }
}

/// A workstation as the hub knows it (for `team status`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkstationSeen {
    pub id: Id,
    /// How many changes of it the hub holds.
    pub changes: u64,
    /// When it last pushed something new.
    pub last_push: Option<jiff::Timestamp>,
}

/// One page of a pull.
#[derive(Debug)]
pub struct Pulled {
    /// In each workstation's log order.
    pub ops: Vec<Op>,
    /// Rows that could not be taken in (see `domain::ops::intake`): the pull goes past them.
    pub set_aside: Vec<SetAside>,
    /// Where the next pull starts.
    pub seen: Seen,
    /// Whether the hub has more than this page.
    pub more: bool,
}

const SELECT_OPS: &str = "
    SELECT seq, author, role, hlc_ms, hlc_counter, kind, customer_id, payload_version, payload
    FROM ops
    WHERE workstation_id = $1 AND seq > $2 AND seq <= $3
    ORDER BY seq
    LIMIT $4";

impl Hub {
    /// Every workstation that has pushed to the hub, in id order.
    pub async fn workstations(&self) -> Result<Vec<WorkstationSeen>, HubError> {
        let rows = self
            .client
            .query(
                "SELECT workstation_id, high_seq,
                        (extract(epoch FROM last_push_at) * 1000)::bigint
                 FROM workstations ORDER BY workstation_id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|row| {
                let millis: Option<i64> = row.try_get(2)?;
                Ok(WorkstationSeen {
                    id: row.try_get(0)?,
                    changes: row.try_get::<_, i64>(1)? as u64,
                    last_push: millis.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
                })
            })
            .collect()
    }

    /// Up to `limit` operations that come after `seen`.
    pub async fn pull(&self, seen: &Seen, limit: usize) -> Result<Pulled, HubError> {
        let heads = self
            .client
            .query(
                "SELECT workstation_id, high_seq FROM workstations ORDER BY workstation_id",
                &[],
            )
            .await?;
        let select = self.client.prepare(SELECT_OPS).await?;
        let mut next = seen.clone();
        let mut ops = Vec::new();
        let mut set_aside = Vec::new();
        let mut more = false;
        for head in heads {
            let workstation: Id = head.get(0);
            let high = head.get::<_, i64>(1) as u64;
            let from = next.get(workstation);
            if high <= from {
                continue;
            }
            let room = limit.saturating_sub(ops.len());
            if room == 0 {
                more = true;
                break;
            }
            let rows = self
                .client
                .query(
                    &select,
                    &[&workstation, &(from as i64), &(high as i64), &(room as i64)],
                )
                .await?;
            let short = rows.len() < room;
            for row in rows {
                let raw = raw_from_row(workstation, &row)?;
                if !next.advance_to(workstation, raw.seq) {
                    return Err(HubError::Corrupt(format!(
                        "workstation {workstation} skips from {} to {}",
                        next.get(workstation),
                        raw.seq
                    )));
                }
                match take_in(raw) {
                    Ok(op) => ops.push(op),
                    Err(aside) => {
                        tracing::warn!("set aside from the hub: {aside}");
                        set_aside.push(*aside);
                    }
                }
            }
            if next.get(workstation) < high {
                if short {
                    // The hub says it has more of this log than it gave: rows are missing,
                    // and pulling again would never get past them.
                    return Err(HubError::Corrupt(format!(
                        "workstation {workstation} should have {high} changes at the hub, \
                         but they stop at {}",
                        next.get(workstation)
                    )));
                }
                more = true;
            }
        }
        Ok(Pulled {
            ops,
            set_aside,
            seen: next,
            more,
        })
    }
}

/// A row as it is, for `take_in` to read; fails only on a row of other column types than
/// the hub's schema gives (then the hub itself is not what it should be).
fn raw_from_row(workstation: Id, row: &tokio_postgres::Row) -> Result<RawOp, HubError> {
    Ok(RawOp {
        workstation,
        seq: row.try_get::<_, i64>(0)? as u64,
        author: row.try_get(1)?,
        role: row.try_get(2)?,
        hlc_ms: row.try_get(3)?,
        hlc_counter: row.try_get(4)?,
        kind: row.try_get(5)?,
        customer: row.try_get(6)?,
        payload_version: row.try_get(7)?,
        payload: row.try_get(8)?,
    })
}

//! Push: a workstation's operations into the hub, all or nothing, any number of times.
//!
//! Each workstation's log is appended in sequence-number order; the hub's own trigger
//! (`migrations/0004_security.sql`) keeps each workstation's high sequence under a lock on
//! its row and takes only `high_seq + 1`: so whenever `high_seq` says n, every operation
//! 1..=n of that workstation is committed. That is what lets a pull resume from a
//! per-workstation position (see `pull.rs`). An operation the hub holds already is taken
//! again only if it is the same change (pushing again after a lost reply is harmless; the
//! same number with other content is refused). An erase goes through the hub's erase
//! function, which only a lead may call, and removes the payload of every operation about
//! its customer, including ones pushed later; a workstation that already emptied its own
//! operations that way sends them as `Gone`, stored as only the id.

use std::collections::BTreeMap;

use crate::domain::Id;
use crate::domain::ops::{Op, Payload};

use super::{CHANNEL, Hub, HubError};

/// What a push added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Operations the hub did not have yet.
    pub added: u64,
}

/// One statement per run of operations: a row each, from arrays (a statement per operation
/// costs a round trip each, about 2,000 operations a second). An operation about a
/// customer the hub erased is stored as only the id; a run ends at each erase, so that the
/// operations after it see it.
const INSERT_OPS: &str = "
    INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                     customer_id, subject_id, payload_version, payload)
    SELECT $1::uuid, r.seq, r.author, r.role, r.hlc_ms, r.hlc_counter,
           CASE WHEN e.customer_id IS NULL OR r.kind = 'erase' THEN r.kind ELSE 'gone' END,
           r.customer_id,
           CASE WHEN e.customer_id IS NULL OR r.kind = 'erase' THEN r.subject_id END,
           r.payload_version,
           CASE WHEN r.kind = 'gone' THEN NULL
                WHEN e.customer_id IS NULL OR r.kind = 'erase' THEN r.payload END
    FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],
                $8::uuid[], $9::uuid[], $10::smallint[], $11::bytea[])
         AS r (seq, author, role, hlc_ms, hlc_counter, kind, customer_id, subject_id,
               payload_version, payload)
    LEFT JOIN erased_customers e ON e.customer_id = r.customer_id
    -- In log order: the hub takes each workstation's changes one after another.
    ORDER BY r.seq
    RETURNING seq";

impl Hub {
    /// Stores `ops` (from one or more workstations) in one transaction, then notifies
    /// the listeners. Sending operations the hub already has adds nothing; sending one
    /// that would leave a gap in a workstation's log stores nothing at all.
    pub async fn push(&mut self, ops: &[Op]) -> Result<Pushed, HubError> {
        let mut by_workstation: BTreeMap<Id, Vec<&Op>> = BTreeMap::new();
        for op in ops {
            by_workstation.entry(op.workstation).or_default().push(op);
        }
        let tx = self.client.transaction().await?;
        let insert = tx.prepare(INSERT_OPS).await?;
        let mut added = 0u64;
        for (workstation, mut list) in by_workstation {
            list.sort_by_key(|op| op.seq);
            list.dedup_by_key(|op| op.seq);
            // The hub checks again under its own lock; this is for a plain message.
            let Some(row) = tx
                .query_opt(
                    "SELECT high_seq FROM workstations WHERE workstation_id = $1",
                    &[&workstation],
                )
                .await?
            else {
                return Err(HubError::Refused(format!(
                    "workstation {workstation} is not registered at the hub; run `fourroads sync`"
                )));
            };
            let high = row.get::<_, i64>(0) as u64;
            // Every operation 1..=high is here: a list may start anywhere up to high + 1
            // and must go on without a gap.
            let mut reach = high;
            for op in &list {
                if op.hlc.node != workstation {
                    return Err(HubError::Corrupt(format!(
                        "change {} of workstation {workstation} is stamped by another",
                        op.seq
                    )));
                }
                if op.seq > reach + 1 {
                    return Err(HubError::Gap {
                        workstation,
                        has: reach,
                        sent: op.seq,
                    });
                }
                reach = reach.max(op.seq);
            }
            for run in list.split_inclusive(|op| matches!(op.payload, Payload::Erase { .. })) {
                // The erasure first, so that the run's own earlier operations about the
                // customer are kept as only the id (the hub takes an erased customer's
                // remains only once it has erased them).
                if let Some(Payload::Erase { customer }) = run.last().map(|op| &op.payload) {
                    tx.execute("SELECT fourroads_erase($1)", &[customer])
                        .await?;
                }
                let rows = Rows::of(run)?;
                for row in tx
                    .query(
                        &insert,
                        &[
                            &workstation,
                            &rows.seq,
                            &rows.author,
                            &rows.role,
                            &rows.hlc_ms,
                            &rows.hlc_counter,
                            &rows.kind,
                            &rows.customer,
                            &rows.subject,
                            &rows.version,
                            &rows.payload,
                        ],
                    )
                    .await?
                {
                    let _: i64 = row.get(0);
                    added += 1;
                }
            }
        }
        if added > 0 {
            // Delivered to listeners only when the transaction commits.
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &added.to_string()])
                .await?;
        }
        tx.commit().await?;
        Ok(Pushed { added })
    }
}

/// A run of operations as the columns `INSERT_OPS` takes.
struct Rows {
    seq: Vec<i64>,
    author: Vec<String>,
    role: Vec<&'static str>,
    hlc_ms: Vec<i64>,
    hlc_counter: Vec<i64>,
    kind: Vec<&'static str>,
    customer: Vec<Id>,
    subject: Vec<Option<Id>>,
    version: Vec<i16>,
    payload: Vec<Vec<u8>>,
}

impl Rows {
    fn of(run: &[&Op]) -> Result<Self, HubError> {
        let mut rows = Rows {
            seq: Vec::with_capacity(run.len()),
            author: Vec::with_capacity(run.len()),
            role: Vec::with_capacity(run.len()),
            hlc_ms: Vec::with_capacity(run.len()),
            hlc_counter: Vec::with_capacity(run.len()),
            kind: Vec::with_capacity(run.len()),
            customer: Vec::with_capacity(run.len()),
            subject: Vec::with_capacity(run.len()),
            version: Vec::with_capacity(run.len()),
            payload: Vec::with_capacity(run.len()),
        };
        for op in run {
            rows.seq.push(op.seq as i64);
            rows.author.push(op.author.clone());
            rows.role.push(op.role.as_str());
            rows.hlc_ms.push(op.hlc.millis as i64);
            rows.hlc_counter.push(i64::from(op.hlc.counter));
            rows.kind.push(op.payload.kind().as_str());
            rows.customer.push(op.payload.customer());
            rows.subject.push(op.payload.subject());
            rows.version.push(op.payload_version as i16);
            rows.payload.push(
                op.payload
                    .encode()
                    .map_err(|e| HubError::Corrupt(e.to_string()))?,
            );
        }
        Ok(rows)
    }
}

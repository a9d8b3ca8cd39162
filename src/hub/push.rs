//! Push: a workstation's operations into the hub, all or nothing, any number of times.
//!
//! Each workstation's log is appended in sequence-number order under a lock on its row in
//! `workstations`, and a push may only add `high_seq + 1`: so whenever `high_seq` says n,
//! every operation 1..=n of that workstation is committed. That is what lets a pull resume
//! from a per-workstation position (see `pull.rs`). Operations already there are skipped
//! (`ON CONFLICT DO NOTHING`), so pushing again after a lost reply is harmless. An erase
//! removes the payload of every operation about its customer, including ones pushed later;
//! a workstation that already emptied its own operations that way sends them as `Gone`,
//! stored as only the id.

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
    ON CONFLICT (workstation_id, seq) DO NOTHING
    RETURNING seq";

const ERASE: &str = "
    UPDATE ops SET kind = 'gone', payload = NULL, subject_id = NULL
    WHERE customer_id = $1 AND kind NOT IN ('erase', 'gone')";

impl Hub {
    /// Registers a workstation that joins the team (nothing if it is known already), so
    /// that the others' `team status` lists it before it has sent anything.
    pub async fn register(&self, workstation: Id) -> Result<(), HubError> {
        self.client
            .execute(
                "INSERT INTO workstations (workstation_id) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&workstation],
            )
            .await?;
        Ok(())
    }

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
            tx.execute(
                "INSERT INTO workstations (workstation_id) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&workstation],
            )
            .await?;
            let row = tx
                .query_one(
                    "SELECT high_seq FROM workstations WHERE workstation_id = $1 FOR UPDATE",
                    &[&workstation],
                )
                .await?;
            let mut high = row.get::<_, i64>(0) as u64;
            let before = high;
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
                    high = high.max(row.get::<_, i64>(0) as u64);
                    added += 1;
                }
                if let Some(Payload::Erase { customer }) = run.last().map(|op| &op.payload) {
                    tx.execute(
                        "INSERT INTO erased_customers (customer_id) VALUES ($1)
                         ON CONFLICT DO NOTHING",
                        &[customer],
                    )
                    .await?;
                    tx.execute(ERASE, &[customer]).await?;
                }
            }
            if high != before {
                tx.execute(
                    "UPDATE workstations SET high_seq = $2, last_push_at = now()
                     WHERE workstation_id = $1",
                    &[&workstation, &(high as i64)],
                )
                .await?;
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

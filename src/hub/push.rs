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

const INSERT_OP: &str = "
    INSERT INTO ops (workstation_id, seq, author, role, hlc_ms, hlc_counter, kind,
                     customer_id, subject_id, payload_version, payload)
    SELECT $1::uuid, $2::bigint, $3::text, $4::text, $5::bigint, $6::bigint,
           CASE WHEN e.customer_id IS NULL OR $7::text = 'erase' THEN $7::text ELSE 'gone' END,
           $8::uuid,
           CASE WHEN e.customer_id IS NULL OR $7::text = 'erase' THEN $9::uuid END,
           $10::smallint,
           CASE WHEN $7::text = 'gone' THEN NULL
                WHEN e.customer_id IS NULL OR $7::text = 'erase' THEN $11::bytea END
    FROM (SELECT $8::uuid AS customer_id) AS this
    LEFT JOIN erased_customers e ON e.customer_id = this.customer_id
    ON CONFLICT (workstation_id, seq) DO NOTHING";

const ERASE: &str = "
    UPDATE ops SET kind = 'gone', payload = NULL, subject_id = NULL
    WHERE customer_id = $1 AND kind NOT IN ('erase', 'gone')";

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
        let insert = tx.prepare(INSERT_OP).await?;
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
            for op in list {
                if op.hlc.node != workstation {
                    return Err(HubError::Corrupt(format!(
                        "change {} of workstation {workstation} is stamped by another",
                        op.seq
                    )));
                }
                if op.seq > high + 1 {
                    return Err(HubError::Gap {
                        workstation,
                        has: high,
                        sent: op.seq,
                    });
                }
                let payload = op
                    .payload
                    .encode()
                    .map_err(|e| HubError::Corrupt(e.to_string()))?;
                let stored = tx
                    .execute(
                        &insert,
                        &[
                            &workstation,
                            &(op.seq as i64),
                            &op.author,
                            &op.role.as_str(),
                            &(op.hlc.millis as i64),
                            &i64::from(op.hlc.counter),
                            &op.payload.kind().as_str(),
                            &op.payload.customer(),
                            &op.payload.subject(),
                            &(op.payload_version as i16),
                            &payload,
                        ],
                    )
                    .await?;
                if stored == 1 {
                    high = high.max(op.seq);
                    added += 1;
                }
                if let Payload::Erase { customer } = op.payload {
                    tx.execute(
                        "INSERT INTO erased_customers (customer_id) VALUES ($1)
                         ON CONFLICT DO NOTHING",
                        &[&customer],
                    )
                    .await?;
                    tx.execute(ERASE, &[&customer]).await?;
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

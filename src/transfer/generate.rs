//! `fourroads gen --customers N --calls M [--seed S] [--agents K]` (SPEC §6): a
//! deterministic synthetic store for benchmarks. The same seed gives the same records,
//! identifiers included (UUIDv7 built from the generated time and seeded random bits).
//! Calls spread over the 12 months before a fixed end instant, with notes from a few
//! words to a few KB (tags and stories included), every road, reviews on about a third,
//! status changes, and open and closed cases. Records go to the store in bounded batches
//! through the restore path, then indexes, counters and tallies are rebuilt once.

use jiff::{SignedDuration, Timestamp, ToSpan};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::synthetic::{FIRST, LAST, TAGS, notes, road};
use crate::domain::call::{AuditEntry, AuditKind, Role};
use crate::domain::{
    Call, CallReason, Case, CaseStatus, Customer, CustomerStatus, Direction, Id, Outcome, Review,
    Road, StatusChange,
};
use crate::store::backup::BackupRecord;
use crate::store::{Actor, SledStore, StoreError};

/// The generated year ends here, so a seed always gives the same store.
pub const GEN_END: &str = "2026-11-20T18:00:00Z";
/// Records handed to the store at once.
const BATCH: usize = 10_000;
const LEAD: &str = "Lead Reviewer";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenRequest {
    pub customers: usize,
    pub calls: usize,
    pub seed: u64,
    pub agents: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub customers: usize,
    pub calls: usize,
    pub cases: usize,
    pub reviews: usize,
}

pub fn end() -> Timestamp {
    GEN_END.parse().unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A UUIDv7 for `at` whose random bits come from `rng`.
fn id_at(rng: &mut ChaCha8Rng, at: Timestamp) -> Id {
    let mut random = [0u8; 10];
    rng.fill(&mut random);
    uuid::Builder::from_unix_timestamp_millis(at.as_millisecond().max(0) as u64, &random)
        .into_uuid()
}

fn audit(
    rng: &mut ChaCha8Rng,
    subject: Id,
    actor: &Actor,
    what: AuditKind,
    change: (Option<String>, Option<String>),
) -> BackupRecord {
    BackupRecord::Audit {
        record: AuditEntry {
            id: id_at(rng, actor.at),
            subject,
            who: actor.who.clone(),
            role: actor.role,
            what,
            old: change.0,
            new: change.1,
            reason: actor.reason.clone(),
            at: actor.at,
        },
    }
}

/// Writes the generated store; `progress` hears (what, done, total) now and then.
pub fn generate(
    store: &SledStore,
    request: &GenRequest,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Result<Generated, StoreError> {
    if store.has_records() {
        return Err(StoreError::Rule(format!(
            "the store at {} is not empty; generate into a new store (--store PATH)",
            store.path().display()
        )));
    }
    if request.customers == 0 {
        return Err(StoreError::Rule("--customers must be at least 1".into()));
    }
    let end = end();
    let year_ms = SignedDuration::from_hours(24 * 365).as_millis() as i64;
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed);
    let agents: Vec<String> = (0..request.agents.max(1))
        .map(|i| {
            format!(
                "{} {}",
                FIRST[i % FIRST.len()],
                LAST[(i * 7 + 3) % LAST.len()]
            )
        })
        .collect();
    let mut batch: Vec<BackupRecord> = Vec::with_capacity(BATCH + 16);
    let mut generated = Generated::default();
    let mut last_contact: Vec<i64> = vec![i64::MIN; request.customers];
    // Customers' ids are drawn first so calls can refer to them.
    let customer_ids: Vec<(Id, Timestamp)> = (0..request.customers)
        .map(|_| {
            let created = end - SignedDuration::from_millis(rng.random_range(0..2 * year_ms));
            (id_at(&mut rng, created), created)
        })
        .collect();
    let flush = |batch: &mut Vec<BackupRecord>| -> Result<(), StoreError> {
        store.restore_records(batch)?;
        batch.clear();
        Ok(())
    };
    for (i, name) in agents.iter().enumerate() {
        batch.push(BackupRecord::Agent {
            name: name.clone(),
            number: i as u32 + 1,
        });
    }
    // Calls come in time order (as they would in life), which keeps sled's writes
    // mostly appends: time-ordered UUIDv7 keys land at the end of each tree.
    let step = year_ms / request.calls.max(1) as i64;
    let first_call = end - SignedDuration::from_millis(year_ms);
    let earliest = (0..request.customers)
        .min_by_key(|&i| customer_ids[i].1)
        .unwrap_or(0);
    for n in 0..request.calls {
        let jitter = rng.random_range(0..step.max(1));
        let started = first_call + SignedDuration::from_millis(n as i64 * step + jitter);
        // A call goes to someone who was already a customer then.
        let who = (0..8)
            .map(|_| rng.random_range(0..request.customers))
            .find(|&i| customer_ids[i].1 <= started)
            .unwrap_or(earliest);
        let (customer_id, _) = customer_ids[who];
        let agent_index = rng.random_range(0..agents.len());
        let agent = &agents[agent_index];
        let ended = started + SignedDuration::from_secs(rng.random_range(60..1_200));
        let mut tags: Vec<String> = (0..rng.random_range(0..4))
            .map(|_| TAGS[rng.random_range(0..TAGS.len())].to_string())
            .collect();
        tags.sort();
        tags.dedup();
        let agent_road = road(&mut rng, agent_index % 5 == 1);
        let follow_up = rng.random_bool(0.2);
        let call_id = id_at(&mut rng, started);
        let mut call = Call {
            id: call_id,
            customer_id,
            agent: agent.clone(),
            direction: if rng.random_bool(0.7) {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            reason: match rng.random_range(0..5) {
                0 => CallReason::Inbound,
                1 => CallReason::FollowUp,
                2 => CallReason::WinBack,
                3 => CallReason::Loyalty,
                _ => CallReason::CheckIn,
            },
            started_at: started,
            ended_at: Some(ended),
            road: Some(agent_road),
            sentiment: rng.random_range(-2..=2),
            outcome: if follow_up {
                Outcome::FollowUp
            } else {
                Outcome::Resolved
            },
            follow_up_due: None,
            callback_at: None,
            case_id: None,
            close_cases: Vec::new(),
            status_after: None,
            tags: tags.clone(),
            review: None,
            suggested_road: None,
        };
        let text = notes(&mut rng, &tags);
        batch.push(audit(
            &mut rng,
            call_id,
            &Actor::agent(agent, ended),
            AuditKind::AgentRoad,
            (None, Some(agent_road.to_string())),
        ));
        if rng.random_bool(0.33) {
            let lead_road = if rng.random_bool(0.75) {
                agent_road
            } else {
                Road::ALL[rng.random_range(0..4)]
            };
            let at = ended + SignedDuration::from_hours(rng.random_range(1..72));
            let comment = if lead_road == agent_road {
                String::new()
            } else {
                "The customer needed showing, not soothing".to_string()
            };
            let lead = Actor {
                who: LEAD.into(),
                role: Role::Lead,
                reason: comment.clone(),
                at,
            };
            batch.push(audit(
                &mut rng,
                call_id,
                &lead,
                AuditKind::LeadRoad,
                (None, Some(lead_road.to_string())),
            ));
            call.review = Some(Review {
                lead: LEAD.into(),
                road: lead_road,
                comment,
                at,
                acknowledged_at: None,
            });
            generated.reviews += 1;
        }
        if follow_up {
            let due = ended
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
                .checked_add(rng.random_range(1..8).days())
                .unwrap_or_default();
            call.follow_up_due = Some(due);
            // Older follow-ups were mostly dealt with; recent ones are still open.
            let age_days = end.duration_since(ended).as_secs() / 86_400;
            let closed = age_days > 10 && rng.random_bool(0.95);
            let case_id = id_at(&mut rng, ended);
            let closed_at = ended + SignedDuration::from_hours(rng.random_range(2..200));
            batch.push(BackupRecord::Case {
                record: Case {
                    id: case_id,
                    customer_id,
                    opened_by_call: call_id,
                    opened_at: ended,
                    summary: crate::domain::text::first_line(&text)
                        .chars()
                        .take(120)
                        .collect(),
                    due,
                    status: if closed {
                        CaseStatus::Closed
                    } else {
                        CaseStatus::Open
                    },
                    closed_at: closed.then_some(closed_at),
                    closed_by_call: None,
                    close_note: closed.then(|| "Resolved on a later call".to_string()),
                    owner: agent.to_string(),
                    calls: Vec::new(),
                    callback_at: None,
                },
            });
            if closed {
                let closer = Actor {
                    reason: "Resolved on a later call".into(),
                    ..Actor::agent(agent, closed_at)
                };
                batch.push(audit(
                    &mut rng,
                    case_id,
                    &closer,
                    AuditKind::Case,
                    (Some("open".into()), Some("closed".into())),
                ));
            }
            generated.cases += 1;
        }
        last_contact[who] = last_contact[who].max(started.as_millisecond());
        batch.push(BackupRecord::Notes { call_id, text });
        batch.push(BackupRecord::Call { record: call });
        generated.calls += 1;
        if batch.len() >= BATCH {
            flush(&mut batch)?;
            progress("calls", n + 1, request.calls);
        }
    }
    flush(&mut batch)?;
    progress("calls", request.calls, request.calls);
    for (i, (id, created)) in customer_ids.iter().enumerate() {
        let first = FIRST[rng.random_range(0..FIRST.len())];
        let last = LAST[rng.random_range(0..LAST.len())];
        let start_status = if rng.random_bool(0.1) {
            CustomerStatus::New
        } else {
            CustomerStatus::Active
        };
        let mut customer = Customer {
            id: *id,
            name: format!("{first} {last} {i}"),
            phone: rng.random_bool(0.7).then(|| {
                format!(
                    "+44 20 7{:03} {:04}",
                    rng.random_range(0..1000),
                    rng.random_range(0..10_000)
                )
            }),
            email: rng.random_bool(0.6).then(|| {
                format!(
                    "{}.{}{i}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                )
            }),
            segment: Some(["home", "small business", "student"][rng.random_range(0..3)].into()),
            external_id: Some(format!("GEN-{i:07}")),
            status: start_status,
            do_not_contact: rng.random_bool(0.02),
            created_at: *created,
            status_history: vec![StatusChange {
                at: *created,
                from: None,
                to: start_status,
                by: "gen".into(),
            }],
            last_contact: (last_contact[i] > i64::MIN)
                .then(|| Timestamp::from_millisecond(last_contact[i]).ok())
                .flatten(),
            do_not_contact_note: None,
            merged: Vec::new(),
        };
        // A share of customers move on: at risk, lost, some won back.
        let mut at = *created;
        for next in [
            CustomerStatus::AtRisk,
            CustomerStatus::Lost,
            CustomerStatus::WonBack,
        ] {
            if !rng.random_bool(0.35) {
                break;
            }
            let room = end.duration_since(at).as_millis() as i64;
            if room < 3_600_000 {
                break;
            }
            at += SignedDuration::from_millis(rng.random_range(3_600_000..room));
            customer.change_status(next, at, "gen");
        }
        batch.push(BackupRecord::Customer { record: customer });
        generated.customers += 1;
        if batch.len() >= BATCH {
            flush(&mut batch)?;
            progress("customers", i + 1, request.customers);
        }
    }
    flush(&mut batch)?;
    progress("customers", request.customers, request.customers);
    progress("indexes", 0, 1);
    store.finish_restore()?;
    progress("indexes", 1, 1);
    Ok(generated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_store_and_it_is_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let request = GenRequest {
            customers: 50,
            calls: 400,
            seed: 7,
            agents: 4,
        };
        let mut backups = Vec::new();
        for name in ["a", "b"] {
            let store =
                SledStore::open_in_zone(&dir.path().join(name), jiff::tz::TimeZone::UTC).unwrap();
            let generated = generate(&store, &request, &mut |_, _, _| {}).unwrap();
            assert_eq!(generated.calls, 400);
            assert_eq!(generated.customers, 50);
            assert!(generated.reviews > 50 && generated.cases > 20);
            assert_eq!(store.check_consistency().unwrap(), Vec::<String>::new());
            let mut out = Vec::new();
            crate::transfer::backup::write_to(&store, &mut out, end()).unwrap();
            backups.push(out);
        }
        assert_eq!(backups[0], backups[1]);
        let other =
            SledStore::open_in_zone(&dir.path().join("c"), jiff::tz::TimeZone::UTC).unwrap();
        generate(
            &other,
            &GenRequest { seed: 8, ..request },
            &mut |_, _, _| {},
        )
        .unwrap();
        let mut out = Vec::new();
        crate::transfer::backup::write_to(&other, &mut out, end()).unwrap();
        assert_ne!(out, backups[0]);
    }
}

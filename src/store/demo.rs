//! The bundled demo data (`assets/demo.json`, embedded in the binary): a broadband
//! provider's customers and eight weeks of calls by four agents, with reviews. Dates are
//! relative to today, and everything is replayed through the same store operations the
//! app uses, so cases, counters, indexes and audit entries come out as in real use.

use jiff::civil::Time;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::Deserialize;

use super::{Actor, Store, StoreError, StoreResult};
use crate::domain::call::Role;
use crate::domain::text::extract_tags;
use crate::domain::{
    Call, CallReason, Clock, Customer, CustomerStatus, Direction, Outcome, Review, Road,
    StatusChange, new_id,
};

const DEMO_JSON: &str = include_str!("../../assets/demo.json");

#[derive(Deserialize)]
struct DemoFile {
    lead: String,
    customers: Vec<DemoCustomer>,
    calls: Vec<DemoCall>,
}

#[derive(Deserialize)]
struct DemoCustomer {
    key: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    segment: Option<String>,
    external_id: Option<String>,
    do_not_contact: bool,
    /// Why, since how many days and who noted it.
    #[serde(default)]
    do_not_contact_reason: Option<DemoReason>,
    history: Vec<DemoStatus>,
}

#[derive(Deserialize)]
struct DemoReason {
    reason: String,
    days_ago: i64,
    by: String,
}

#[derive(Deserialize)]
struct DemoStatus {
    days_ago: i64,
    status: CustomerStatus,
}

#[derive(Deserialize)]
struct DemoCall {
    customer: String,
    agent: String,
    days_ago: i64,
    time: String,
    minutes: i64,
    direction: Direction,
    reason: CallReason,
    notes: String,
    road: Road,
    sentiment: i8,
    outcome: Outcome,
    follow_up_due_days: Option<i64>,
    status_after: Option<CustomerStatus>,
    review: Option<DemoReview>,
}

#[derive(Deserialize)]
struct DemoReview {
    road: Road,
    comment: String,
    reason: Option<String>,
}

/// What a demo load added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loaded {
    pub customers: usize,
    pub calls: usize,
}

/// One thing that happened, in time order.
enum Event<'a> {
    Status(usize, &'a DemoStatus),
    Call(&'a DemoCall),
}

fn at(clock: &Clock, days_ago: i64, time: &str) -> StoreResult<Timestamp> {
    let bad = |what: &str| StoreError::Rule(format!("demo data: {what}"));
    let time: Time = time.parse().map_err(|_| bad("bad time of day"))?;
    let date = clock
        .today()
        .checked_sub(days_ago.days())
        .map_err(|_| bad("date out of range"))?;
    let zoned = date
        .to_datetime(time)
        .to_zoned(clock.tz.clone())
        .map_err(|_| bad("time zone"))?;
    Ok(zoned.timestamp())
}

/// `when` moved back by whole days until it (and `minutes` after it) is not later than
/// `now`: a call "today" at 10:30 is yesterday's when the demo is loaded at 01:13.
fn not_after(when: Timestamp, minutes: i64, now: Timestamp) -> Timestamp {
    let length = SignedDuration::from_mins(minutes.max(1));
    let mut when = when;
    while when + length + SignedDuration::from_mins(1) > now {
        when -= SignedDuration::from_hours(24);
    }
    when
}

/// Refuses a store in a team (SPEC §12): demo customers would travel to every
/// workstation of the team.
pub fn on_its_own(store: &dyn Store) -> StoreResult<()> {
    match store.hub()? {
        Some(hub) => Err(StoreError::Rule(format!(
            "this store is in a team (hub {hub}); demo data is only for a store on its own: \
             use a new store (--store PATH)"
        ))),
        None => Ok(()),
    }
}

/// Loads the demo data into `store`, dated relative to `clock`'s today; nothing in it is
/// later than `clock.now` (calls, reviews, status changes, audit entries).
pub fn load(store: &dyn Store, clock: &Clock) -> StoreResult<Loaded> {
    on_its_own(store)?;
    let demo: DemoFile = serde_json::from_str(DEMO_JSON)
        .map_err(|e| StoreError::Rule(format!("the bundled demo data is invalid: {e}")))?;
    let mut events: Vec<(Timestamp, Event)> = Vec::new();
    for (index, customer) in demo.customers.iter().enumerate() {
        for status in &customer.history {
            events.push((
                not_after(at(clock, status.days_ago, "08:30")?, 0, clock.now),
                Event::Status(index, status),
            ));
        }
    }
    for call in &demo.calls {
        let when = at(clock, call.days_ago, &call.time)?;
        events.push((not_after(when, call.minutes, clock.now), Event::Call(call)));
    }
    events.sort_by_key(|(when, _)| *when);

    let mut customers: Vec<Option<Customer>> = vec![None; demo.customers.len()];
    let key_index = |key: &str| demo.customers.iter().position(|c| c.key == key);
    let mut calls = 0;
    for (when, event) in events {
        match event {
            Event::Status(index, status) => {
                let source = &demo.customers[index];
                let customer = match customers[index].take() {
                    None => Customer {
                        id: new_id(),
                        name: source.name.clone(),
                        phone: source.phone.clone(),
                        email: source.email.clone(),
                        segment: source.segment.clone(),
                        external_id: source.external_id.clone(),
                        status: status.status,
                        do_not_contact: source.do_not_contact,
                        created_at: when,
                        status_history: vec![StatusChange {
                            at: when,
                            from: None,
                            to: status.status,
                            by: demo.lead.clone(),
                        }],
                        last_contact: None,
                        do_not_contact_note: match &source.do_not_contact_reason {
                            Some(note) => Some(crate::domain::customer::DoNotContactNote {
                                reason: note.reason.clone(),
                                since: at(clock, note.days_ago, "10:00")?,
                                by: note.by.clone(),
                            }),
                            None => None,
                        },
                        merged: Vec::new(),
                    },
                    Some(mut customer) => {
                        customer.change_status(status.status, when, &demo.lead);
                        customer
                    }
                };
                store.put_customer(&customer)?;
                customers[index] = Some(customer);
            }
            Event::Call(source) => {
                let index = key_index(&source.customer).ok_or_else(|| {
                    StoreError::Rule(format!("demo data: unknown customer {}", source.customer))
                })?;
                let Some(customer) = customers[index].clone() else {
                    return Err(StoreError::Rule(format!(
                        "demo data: a call to {} before they were a customer",
                        source.customer
                    )));
                };
                replay_call(store, clock, &demo.lead, &customer, source, when)?;
                customers[index] = store.customer(customer.id)?;
                calls += 1;
            }
        }
    }
    store.flush()?;
    Ok(Loaded {
        customers: customers.iter().flatten().count(),
        calls,
    })
}

fn replay_call(
    store: &dyn Store,
    clock: &Clock,
    lead: &str,
    customer: &Customer,
    source: &DemoCall,
    started: Timestamp,
) -> StoreResult<()> {
    let mut call = Call::new(customer.id, &source.agent, source.reason, started);
    call.direction = source.direction;
    store.start_call(&call)?;
    let ended = started + SignedDuration::from_mins(source.minutes.max(1));
    call.ended_at = Some(ended);
    call.road = Some(source.road);
    call.sentiment = source.sentiment.clamp(-2, 2);
    call.outcome = source.outcome;
    call.follow_up_due = match (source.outcome, source.follow_up_due_days) {
        (Outcome::FollowUp, Some(days)) => clock.today().checked_add(days.days()).ok(),
        (Outcome::FollowUp, None) => clock.today().checked_add(2.days()).ok(),
        _ => None,
    };
    call.status_after = source.status_after;
    call.tags = extract_tags(&source.notes);
    if source.outcome == Outcome::Resolved {
        // In the demo's story a resolved call settles what the customer had open: the
        // agent chose to close those cases at wrap-up.
        call.close_cases = store
            .cases_of(customer.id)?
            .into_iter()
            .filter(|c| c.status == crate::domain::CaseStatus::Open)
            .map(|c| c.id)
            .collect();
        call.case_id = call.close_cases.first().copied();
    }
    store.wrap_up_call(&call, &source.notes, &Actor::agent(&source.agent, ended))?;
    if let Some(review) = &source.review {
        // The next day's review, or now if that has not come yet (the call ended before now).
        let reviewed_at = (ended + SignedDuration::from_hours(20)).min(clock.now);
        call.review = Some(Review {
            lead: lead.to_string(),
            road: review.road,
            comment: review.comment.clone(),
            at: reviewed_at,
            acknowledged_at: None,
        });
        let actor = Actor {
            who: lead.to_string(),
            role: Role::Lead,
            reason: review.reason.clone().unwrap_or_default(),
            at: reviewed_at,
        };
        store.update_call(&call, &actor)?;
    }
    Ok(())
}

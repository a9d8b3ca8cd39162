//! Plain types and rules of the product: customers, calls, the four roads, cases, the
//! customer queue's ordering, reporting periods and the lead's statistics, and text rules (sanitising, card masking, tags, stories).
//! Nothing here knows about the terminal, the async runtime or the store.

pub mod call;
pub mod case;
pub mod clock;
pub mod customer;
pub mod customer_edit;
pub mod hlc;
pub mod member;
pub mod merge;
pub mod ops;
pub mod period;
pub mod queue;
pub mod review;
pub mod road;
pub mod roads;
pub mod search;
pub mod stats;
pub mod text;
pub mod wrap_up;

pub use call::{Call, CallReason, Direction, Outcome, Review};
pub use case::{Case, CaseStatus};
pub use clock::Clock;
pub use customer::{Customer, CustomerStatus, NewCustomer, StatusChange};
pub use period::Period;
pub use queue::{QueueEntry, Urgency};
pub use road::Road;

/// Identifiers are UUIDv7: time-ordered and unique across workstations.
pub type Id = uuid::Uuid;

/// A fresh time-ordered identifier.
pub fn new_id() -> Id {
    uuid::Uuid::now_v7()
}

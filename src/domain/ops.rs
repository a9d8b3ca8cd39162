//! Operations: every change a workstation makes, as it travels through the team hub
//! (SPEC §12). An operation is an envelope — who made it, where, when by the hybrid
//! logical clock, and which version of the payload format — around one payload. The rules
//! that turn a set of operations into records are in `domain::merge`.
//!
//! Payloads carry the customer they are about, so erasing a customer can find and remove
//! every payload about them without first knowing every call and case they had.

use serde::{Deserialize, Serialize};

use super::Id;
use super::call::Role;
use super::hlc::Hlc;

pub mod diff;
mod fields;
pub mod intake;
mod kind;
mod payload;

pub use fields::{CaseField, CustomerField};
pub use kind::OpKind;
pub use payload::Payload;

/// The newest payload format this build reads and writes. An operation of a newer one is
/// refused rather than misread. Each operation is stamped with the oldest format that can
/// read it (`Payload::version`), so a workstation not yet updated keeps syncing everything
/// but the operations that need the newer format.
pub const PAYLOAD_VERSION: u16 = 3;

/// An operation's identity: the workstation that made it and its place in that
/// workstation's log (1, 2, 3… without gaps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpId {
    pub workstation: Id,
    pub seq: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// The workstation that made the change (UUIDv7, made with its store).
    pub workstation: Id,
    /// Its place in that workstation's log, starting at 1.
    pub seq: u64,
    /// The person who made the change, as their name appears on calls.
    pub author: String,
    pub role: Role,
    pub hlc: Hlc,
    pub payload_version: u16,
    pub payload: Payload,
}

impl Op {
    pub fn id(&self) -> OpId {
        OpId {
            workstation: self.workstation,
            seq: self.seq,
        }
    }
}

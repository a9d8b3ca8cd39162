//! The fields of a customer and of a case that change on their own, each a register
//! where the latest stamp wins (apart from a case's added calls).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::Id;

/// One field of a customer that can be changed on its own (the latest change wins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "field", content = "value")]
pub enum CustomerField {
    Name(String),
    Phone(Option<String>),
    Email(Option<String>),
    Segment(Option<String>),
    ExternalId(Option<String>),
    DoNotContact(bool),
    /// Why, since when and by whom do-not-contact was set (`None` once cleared).
    DoNotContactNote(Option<crate::domain::customer::DoNotContactNote>),
    /// Duplicate records merged into this customer.
    Merged(Vec<crate::domain::customer::MergedCustomer>),
}

impl CustomerField {
    /// Which field this is, as a small number (the key of its last-writer-wins register).
    pub fn slot(&self) -> u8 {
        match self {
            CustomerField::Name(_) => 0,
            CustomerField::Phone(_) => 1,
            CustomerField::Email(_) => 2,
            CustomerField::Segment(_) => 3,
            CustomerField::ExternalId(_) => 4,
            CustomerField::DoNotContact(_) => 5,
            CustomerField::DoNotContactNote(_) => 6,
            CustomerField::Merged(_) => 7,
        }
    }
}

/// One field of a case that changes apart from opening and closing it. Each is a
/// register (the latest stamp wins), except `AddCall`, which adds to the case's calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "field", content = "value")]
pub enum CaseField {
    Summary(String),
    Owner(String),
    CallbackAt(Option<Timestamp>),
    /// A later call about the case (kept in the order the stamps give).
    AddCall(Id),
}

impl CaseField {
    /// The key of this field's register (`None` for `AddCall`, which is not one).
    pub fn slot(&self) -> Option<u8> {
        match self {
            CaseField::Summary(_) => Some(0),
            CaseField::Owner(_) => Some(1),
            CaseField::CallbackAt(_) => Some(2),
            CaseField::AddCall(_) => None,
        }
    }
}

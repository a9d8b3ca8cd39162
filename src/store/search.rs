//! What a search over customers and notes returns.

use crate::domain::{Call, Customer};

/// One customer found: the field that matched, and where in it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerHit {
    pub customer: Customer,
    /// The matching field's text (name, phone, email, segment or reference).
    pub line: String,
    /// Byte span of the match in `line` (empty when nothing single can be marked).
    pub mark: (usize, usize),
}

/// One call found: the line of its notes that matched, and where in it.
#[derive(Clone, Debug, PartialEq)]
pub struct CallHit {
    pub call: Call,
    pub customer_name: String,
    pub line: String,
    pub mark: (usize, usize),
}

/// Customers then calls, each newest first, at most `limit` of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    pub customers: Vec<CustomerHit>,
    pub calls: Vec<CallHit>,
    /// True when there may be more of either than were returned.
    pub more: bool,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty() && self.calls.is_empty()
    }

    pub fn len(&self) -> usize {
        self.customers.len() + self.calls.len()
    }
}

//! The kinds of operation, as the hub stores them.

/// The kinds of operation, as stored in the hub's `kind` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpKind {
    CustomerCreate,
    CustomerField,
    CustomerStatus,
    CallPut,
    CallNotes,
    Review,
    Acknowledge,
    CaseOpen,
    CaseClose,
    CaseReopen,
    CaseDue,
    CaseField,
    Audit,
    CustomerMerge,
    Erase,
    /// The payload was removed because its customer was erased; only the id is left.
    Gone,
}

impl OpKind {
    pub const ALL: [OpKind; 16] = [
        OpKind::CustomerCreate,
        OpKind::CustomerField,
        OpKind::CustomerStatus,
        OpKind::CallPut,
        OpKind::CallNotes,
        OpKind::Review,
        OpKind::Acknowledge,
        OpKind::CaseOpen,
        OpKind::CaseClose,
        OpKind::CaseReopen,
        OpKind::CaseDue,
        OpKind::CaseField,
        OpKind::Audit,
        OpKind::CustomerMerge,
        OpKind::Erase,
        OpKind::Gone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::CustomerCreate => "customer-create",
            OpKind::CustomerField => "customer-field",
            OpKind::CustomerStatus => "customer-status",
            OpKind::CallPut => "call-put",
            OpKind::CallNotes => "call-notes",
            OpKind::Review => "review",
            OpKind::Acknowledge => "acknowledge",
            OpKind::CaseOpen => "case-open",
            OpKind::CaseClose => "case-close",
            OpKind::CaseReopen => "case-reopen",
            OpKind::CaseDue => "case-due",
            OpKind::CaseField => "case-field",
            OpKind::Audit => "audit",
            OpKind::CustomerMerge => "customer-merge",
            OpKind::Erase => "erase",
            OpKind::Gone => "gone",
        }
    }

    pub fn parse(text: &str) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in OpKind::ALL {
            assert_eq!(OpKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OpKind::parse("customer"), None);
    }
}

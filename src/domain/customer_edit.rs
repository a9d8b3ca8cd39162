//! Changing an existing customer: editing their details, marking or clearing
//! do-not-contact (with the reason, the date and who), and merging a duplicate record
//! into the one that is kept. Each change says which fields it changed, old and new, so
//! the store can write one audit entry per field.

use jiff::Timestamp;

use super::customer::{DoNotContactNote, FieldError, MergedCustomer, NewCustomer};
use super::text::sanitize_line;
use super::{Customer, Id};

/// The details an agent can edit: name, phone, email and segment (the status changes
/// with calls, and keeps its own history).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerEdit {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub segment: Option<String>,
}

/// One field a change made, as the audit trail records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The audit trail's word for the do-not-contact flag.
pub const DO_NOT_CONTACT: &str = "do not contact";

/// Longest do-not-contact reason: a line on the profile, not a note.
pub const MAX_REASON_CHARS: usize = 200;

impl CustomerEdit {
    /// The customer's details as they are now (the edit form starts from these).
    pub fn of(customer: &Customer) -> CustomerEdit {
        CustomerEdit {
            name: customer.name.clone(),
            phone: customer.phone.clone(),
            email: customer.email.clone(),
            segment: customer.segment.clone(),
        }
    }

    /// The form's texts, checked by the same rules as a new customer's; every bad field
    /// is reported.
    pub fn from_form(
        name: &str,
        phone: &str,
        email: &str,
        segment: &str,
    ) -> Result<CustomerEdit, Vec<FieldError>> {
        let checked = NewCustomer {
            name: name.to_string(),
            phone: phone.to_string(),
            email: email.to_string(),
            segment: segment.to_string(),
            status: String::new(),
        }
        .validate(Timestamp::UNIX_EPOCH, "")?;
        Ok(CustomerEdit::of(&checked))
    }
}

fn change(field: &'static str, old: &Option<String>, new: &Option<String>) -> Option<FieldChange> {
    (old != new).then(|| FieldChange {
        field,
        old: old.clone(),
        new: new.clone(),
    })
}

/// Applies `edit` to `customer` and lists what changed (nothing, when nothing did). An
/// empty name, or one with control characters, is refused and changes nothing.
pub fn apply_edit(
    customer: &mut Customer,
    edit: &CustomerEdit,
) -> Result<Vec<FieldChange>, String> {
    let name = edit.name.trim();
    if name.is_empty() {
        return Err("a customer needs a name".into());
    }
    if name.chars().any(char::is_control) {
        return Err("the name contains control characters".into());
    }
    let name = name.to_string();
    let changes: Vec<FieldChange> = [
        change("name", &Some(customer.name.clone()), &Some(name.clone())),
        change("phone", &customer.phone, &edit.phone),
        change("email", &customer.email, &edit.email),
        change("segment", &customer.segment, &edit.segment),
    ]
    .into_iter()
    .flatten()
    .collect();
    customer.name = name;
    customer.phone.clone_from(&edit.phone);
    customer.email.clone_from(&edit.email);
    customer.segment.clone_from(&edit.segment);
    Ok(changes)
}

/// Marks the customer do not contact for `reason` (required), as of `at`, by `by`.
pub fn set_do_not_contact(
    customer: &mut Customer,
    reason: &str,
    at: Timestamp,
    by: &str,
) -> Result<FieldChange, String> {
    let reason = sanitize_line(reason.trim()).into_owned();
    if reason.is_empty() {
        return Err("say why they are not to be contacted".into());
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(format!(
            "keep the reason short (at most {MAX_REASON_CHARS} characters); details go in a call's notes"
        ));
    }
    if customer.do_not_contact {
        return Err("this customer is already marked do not contact".into());
    }
    customer.do_not_contact = true;
    customer.do_not_contact_note = Some(DoNotContactNote {
        reason: reason.clone(),
        since: at,
        by: by.to_string(),
    });
    Ok(FieldChange {
        field: DO_NOT_CONTACT,
        old: Some("no".into()),
        new: Some(format!("yes: {reason}")),
    })
}

/// Lets the customer be contacted again.
pub fn clear_do_not_contact(customer: &mut Customer) -> Result<FieldChange, String> {
    if !customer.do_not_contact {
        return Err("this customer is not marked do not contact".into());
    }
    let old = match customer.do_not_contact_note.take() {
        Some(note) => format!("yes: {}", note.reason),
        None => "yes".into(),
    };
    customer.do_not_contact = false;
    Ok(FieldChange {
        field: DO_NOT_CONTACT,
        old: Some(old),
        new: Some("no".into()),
    })
}

/// Why `duplicate` cannot be merged into `keep`, if it cannot: the same record, or a
/// call still open on either (its notes are being written to one of them).
pub fn merge_refusal(
    keep: Id,
    duplicate: Id,
    keep_has_open_call: bool,
    duplicate_has_open_call: bool,
) -> Option<&'static str> {
    if keep == duplicate {
        return Some("a customer cannot be merged into themselves; choose the other record");
    }
    if duplicate_has_open_call || keep_has_open_call {
        return Some("one of them has an open call; wrap it up first, then merge");
    }
    None
}

/// The kept customer after `duplicate` is merged into them: details the kept record
/// lacks are taken from the duplicate, do-not-contact carries over (a customer's wish
/// outlives their duplicate record), the latest contact is the later one, and the
/// duplicate (with anything merged into it before) is remembered with its own status
/// history. Returns the fields of the kept record that changed.
pub fn merge_into(
    keep: &Customer,
    duplicate: &Customer,
    at: Timestamp,
    by: &str,
) -> (Customer, Vec<FieldChange>) {
    let mut kept = keep.clone();
    let mut changes = Vec::new();
    let fill = |field: &'static str,
                mine: &mut Option<String>,
                theirs: &Option<String>,
                changes: &mut Vec<FieldChange>| {
        if mine.is_none() && theirs.is_some() {
            changes.push(FieldChange {
                field,
                old: None,
                new: theirs.clone(),
            });
            mine.clone_from(theirs);
        }
    };
    fill("phone", &mut kept.phone, &duplicate.phone, &mut changes);
    fill("email", &mut kept.email, &duplicate.email, &mut changes);
    fill(
        "segment",
        &mut kept.segment,
        &duplicate.segment,
        &mut changes,
    );
    fill(
        "external id",
        &mut kept.external_id,
        &duplicate.external_id,
        &mut changes,
    );
    if duplicate.do_not_contact && !kept.do_not_contact {
        kept.do_not_contact = true;
        kept.do_not_contact_note = duplicate.do_not_contact_note.clone();
        let reason = duplicate
            .do_not_contact_note
            .as_ref()
            .map_or(String::new(), |note| format!(": {}", note.reason));
        changes.push(FieldChange {
            field: DO_NOT_CONTACT,
            old: Some("no".into()),
            new: Some(format!("yes{reason}")),
        });
    }
    kept.last_contact = kept.last_contact.max(duplicate.last_contact);
    kept.merged.extend(duplicate.merged.iter().cloned());
    kept.merged.push(MergedCustomer {
        id: duplicate.id,
        name: duplicate.name.clone(),
        phone: duplicate.phone.clone(),
        email: duplicate.email.clone(),
        external_id: duplicate.external_id.clone(),
        created_at: duplicate.created_at,
        status_history: duplicate.status_history.clone(),
        merged_at: at,
        merged_by: by.to_string(),
    });
    (kept, changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerStatus;

    fn customer(name: &str, phone: &str, email: &str) -> Customer {
        NewCustomer {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
            segment: String::new(),
            status: String::new(),
        }
        .validate(Timestamp::UNIX_EPOCH, "x")
        .unwrap()
    }

    #[test]
    fn an_edit_lists_only_the_fields_it_changed() {
        let mut ann = customer("Ann Lee", "+44 20 7946 0000", "");
        let mut edit = CustomerEdit::of(&ann);
        edit.name = " Ann Leigh ".into();
        edit.email = Some("ann@example.com".into());
        let changes = apply_edit(&mut ann, &edit).unwrap();
        let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["name", "email"]);
        assert_eq!(changes[0].old.as_deref(), Some("Ann Lee"));
        assert_eq!(ann.name, "Ann Leigh");
        assert_eq!(
            apply_edit(&mut ann.clone(), &CustomerEdit::of(&ann)),
            Ok(vec![])
        );
    }

    #[test]
    fn an_empty_name_is_refused_and_changes_nothing() {
        let mut ann = customer("Ann Lee", "", "ann@example.com");
        let before = ann.clone();
        let mut edit = CustomerEdit::of(&ann);
        edit.name = "   ".into();
        edit.email = None;
        assert!(apply_edit(&mut ann, &edit).is_err());
        assert_eq!(ann, before);
        assert!(CustomerEdit::from_form("", "", "nope", "").is_err());
    }

    #[test]
    fn do_not_contact_needs_a_reason_and_remembers_it_until_cleared() {
        let mut ann = customer("Ann Lee", "", "");
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        assert!(set_do_not_contact(&mut ann, "  ", at, "Priya").is_err());
        assert!(!ann.do_not_contact, "no reason, no change");
        let essay = "x".repeat(MAX_REASON_CHARS + 1);
        assert!(set_do_not_contact(&mut ann, &essay, at, "Priya").is_err());
        assert!(!ann.do_not_contact && ann.do_not_contact_note.is_none());
        let set = set_do_not_contact(&mut ann, "asked not to be called", at, "Priya").unwrap();
        assert_eq!(set.new.as_deref(), Some("yes: asked not to be called"));
        let note = ann.do_not_contact_note.clone().unwrap();
        assert_eq!((note.since, note.by.as_str()), (at, "Priya"));
        let cleared = clear_do_not_contact(&mut ann).unwrap();
        assert_eq!(cleared.old.as_deref(), Some("yes: asked not to be called"));
        assert!(!ann.do_not_contact && ann.do_not_contact_note.is_none());
        assert!(clear_do_not_contact(&mut ann).is_err());
    }

    #[test]
    fn merging_keeps_the_kept_record_and_remembers_the_duplicate() {
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let mut keep = customer("Ann Lee", "+44 20 7946 0000", "");
        keep.status = CustomerStatus::Active;
        let mut duplicate = customer("Ann Lee", "", "ann@example.com");
        set_do_not_contact(&mut duplicate, "asked by letter", at, "Sam").unwrap();
        duplicate.last_contact = Some(at);
        let (kept, changes) = merge_into(&keep, &duplicate, at, "Priya");
        assert_eq!(kept.id, keep.id);
        assert_eq!(kept.phone, keep.phone, "the kept record's own details stay");
        assert_eq!(kept.email.as_deref(), Some("ann@example.com"));
        assert!(kept.do_not_contact, "a wish not to be called carries over");
        assert_eq!(kept.status, CustomerStatus::Active);
        assert_eq!(kept.status_history, keep.status_history);
        assert_eq!(kept.last_contact, Some(at));
        assert_eq!(kept.merged.len(), 1);
        assert_eq!(kept.merged[0].id, duplicate.id);
        assert_eq!(kept.merged[0].status_history, duplicate.status_history);
        let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["email", DO_NOT_CONTACT]);
    }

    #[test]
    fn merging_into_oneself_or_during_a_call_is_refused() {
        let a = crate::domain::new_id();
        let b = crate::domain::new_id();
        assert!(merge_refusal(a, a, false, false).is_some());
        assert!(merge_refusal(a, b, false, true).is_some());
        assert!(merge_refusal(a, b, true, false).is_some());
        assert_eq!(merge_refusal(a, b, false, false), None);
    }
}

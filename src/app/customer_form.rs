//! The customer form: adding a customer (with a duplicate warning that offers the one
//! already there) or editing one (the same fields but the status, pre-filled; Enter
//! saves through the store, Esc changes nothing). This is the form's state; submitting
//! it (checks, the duplicate warning, the save) is `customers::submit`, which the root
//! calls when the overlay says Enter was pressed.

use ratatui_textarea::TextArea;

use crate::domain::customer::FieldError;
use crate::domain::customer_edit::CustomerEdit;
use crate::domain::{Id, NewCustomer};

/// Labels of the add-customer form's fields, in order.
pub const FORM_FIELDS: [&str; 5] = ["Name", "Phone", "Email", "Segment", "Status"];

/// How many of those the edit form shows (all but the status).
const EDIT_FIELDS: usize = 4;

pub struct AddCustomerForm {
    pub fields: Vec<TextArea<'static>>,
    pub focused: usize,
    pub errors: Vec<FieldError>,
    /// An existing customer with the same name and phone or email: shown as a warning,
    /// and Enter (with nothing changed) selects them instead of adding a copy (or, when
    /// editing, saves anyway: two people may share a name and a household phone).
    pub duplicate_of: Option<(Id, String)>,
    /// When editing: the customer and their details as the form opened with them.
    pub editing: Option<(Id, CustomerEdit)>,
}

impl Default for AddCustomerForm {
    fn default() -> Self {
        let placeholders = [
            "required",
            "optional, e.g. +44 20 7946 0000",
            "optional, e.g. ann@example.com",
            "optional, e.g. home, small business",
            "new (or active, at-risk, lost, won-back)",
        ];
        let fields = placeholders
            .iter()
            .map(|hint| {
                let mut field = TextArea::default();
                field.set_placeholder_text(*hint);
                field
            })
            .collect();
        AddCustomerForm {
            fields,
            focused: 0,
            errors: Vec::new(),
            duplicate_of: None,
            editing: None,
        }
    }
}

impl AddCustomerForm {
    /// The form editing `customer_id`, filled with their details (the status is not
    /// edited here: it changes with calls and keeps its history).
    pub fn for_edit(customer_id: Id, details: CustomerEdit) -> AddCustomerForm {
        let mut form = AddCustomerForm::default();
        let values = [
            Some(details.name.clone()),
            details.phone.clone(),
            details.email.clone(),
            details.segment.clone(),
        ];
        for (field, value) in form.fields.iter_mut().zip(values) {
            if let Some(value) = value {
                field.insert_str(value);
            }
        }
        form.fields.truncate(EDIT_FIELDS);
        form.editing = Some((customer_id, details));
        form
    }

    pub fn value(&self, index: usize) -> String {
        self.fields[index].lines().join(" ")
    }

    pub fn error_for(&self, label: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field.eq_ignore_ascii_case(label))
            .map(|e| e.message.as_str())
    }

    pub(super) fn to_new_customer(&self) -> NewCustomer {
        NewCustomer {
            name: self.value(0),
            phone: self.value(1),
            email: self.value(2),
            segment: self.value(3),
            status: self.value(4),
        }
    }

    /// The focused field changed: its error no longer applies.
    /// What the user is fixing no longer needs its old complaint, and changed details
    /// may be someone new.
    pub(super) fn edited(&mut self) {
        let label = FORM_FIELDS.get(self.focused).copied().unwrap_or_default();
        self.errors.retain(|e| !e.field.eq_ignore_ascii_case(label));
        self.duplicate_of = None;
    }

    pub(super) fn is_blank(&self) -> bool {
        (0..self.fields.len()).all(|i| self.value(i).trim().is_empty())
    }
}

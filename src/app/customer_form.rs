//! The customer form: adding a customer (with a duplicate warning that offers the one
//! already there) or editing one (the same fields but the status, pre-filled; Enter
//! saves through the store, Esc changes nothing). Its submission checks the fields and
//! returns the effect; the overlay only routes keys to it.

use ratatui_textarea::TextArea;

use super::customers::CustomerChange;
use super::{Effect, Overlay, State};
use crate::domain::customer::{FieldError, same_person};
use crate::domain::customer_edit::CustomerEdit;
use crate::domain::text::sanitize_line;
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

/// Enter in the form: add, or save the edit.
pub(super) fn submit(state: &mut State) -> Vec<Effect> {
    match &state.overlay {
        Some(Overlay::AddCustomer(form)) if form.editing.is_some() => submit_edit(state),
        _ => submit_new(state),
    }
}

/// Enter in the edit form: bad fields are shown under them; details that now match
/// another customer warn first (Enter again saves anyway); otherwise the change goes to
/// the store.
fn submit_edit(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::AddCustomer(form)) = &mut state.overlay else {
        return Vec::new();
    };
    let Some((customer_id, original)) = form.editing.clone() else {
        return Vec::new();
    };
    let edit = match CustomerEdit::from_form(
        &form.value(0),
        &form.value(1),
        &form.value(2),
        &form.value(3),
    ) {
        Ok(edit) => edit,
        Err(errors) => {
            if let Some(first) = errors.first() {
                form.focused = FORM_FIELDS
                    .iter()
                    .position(|label| label.eq_ignore_ascii_case(first.field))
                    .unwrap_or(0);
            }
            form.errors = errors;
            return Vec::new();
        }
    };
    if edit == original {
        state.overlay = None;
        state.info("Nothing changed.");
        return Vec::new();
    }
    if form.duplicate_of.is_none() {
        let twin = state.queue.entries.iter().find(|other| {
            other.customer_id != customer_id
                && same_person(
                    &edit.name,
                    edit.phone.as_deref(),
                    edit.email.as_deref(),
                    &other.name,
                    other.phone.as_deref(),
                    other.email.as_deref(),
                )
        });
        if let Some(twin) = twin {
            form.duplicate_of = Some((twin.customer_id, twin.name.clone()));
            return Vec::new();
        }
    }
    state.overlay = None;
    state.info(format!("Saved {}.", sanitize_line(&edit.name)));
    vec![super::customers::change(
        state,
        CustomerChange::Edit { customer_id, edit },
    )]
}

fn submit_new(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::AddCustomer(form)) = &mut state.overlay else {
        return Vec::new();
    };
    if let Some((id, name)) = form.duplicate_of.clone() {
        // Enter again on the same details: go to the customer who is already there.
        state.overlay = None;
        state.customer_draft = None;
        state.info(format!(
            "{} is already a customer; selected in the queue.",
            crate::domain::text::sanitize_line(&name)
        ));
        state.queue.clear_filter();
        state.queue.select_id(id);
        state.queue.keep_visible(state.page_rows);
        return super::queue::selection_changed(state);
    }
    match form
        .to_new_customer()
        .validate(state.clock.now, &state.agent)
    {
        Ok(customer) => {
            let existing = state.queue.entries.iter().find(|entry| {
                crate::domain::customer::same_person(
                    &customer.name,
                    customer.phone.as_deref(),
                    customer.email.as_deref(),
                    &entry.name,
                    entry.phone.as_deref(),
                    entry.email.as_deref(),
                )
            });
            if let Some(entry) = existing {
                form.duplicate_of = Some((entry.customer_id, entry.name.clone()));
                return Vec::new();
            }
            state.overlay = None;
            state.customer_draft = None;
            vec![Effect::SaveCustomer {
                customer,
                added: true,
            }]
        }
        Err(errors) => {
            if let Some(first) = errors.first() {
                form.focused = FORM_FIELDS
                    .iter()
                    .position(|label| label.eq_ignore_ascii_case(first.field))
                    .unwrap_or(0);
            }
            form.errors = errors;
            Vec::new()
        }
    }
}

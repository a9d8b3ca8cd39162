//! Keeping customers clean from the Agent view: editing the selected customer's details,
//! marking them do not contact with the reason (or clearing it), and merging a duplicate
//! record into the customer that is kept (pick, see what moves, confirm; the store then
//! moves everything in one transaction). Every change is audited by the store.

use super::choice::{Choice, ChoicePicker, ConfirmPurpose, Confirmation, PickPurpose};
use super::customer_form::{AddCustomerForm, FORM_FIELDS};
use super::overlay::{Prompt, PromptPurpose};
use super::{Command, Effect, Overlay, State};
use crate::domain::customer::same_person;
use crate::domain::customer_edit::{CustomerEdit, DO_NOT_CONTACT, merge_into};
use crate::domain::text::{plural, sanitize_line};
use crate::domain::{Id, QueueEntry};
use crate::store::{MergePreview, MergeResult};

/// A change to an existing customer.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomerChange {
    Edit {
        customer_id: Id,
        edit: CustomerEdit,
    },
    /// `Some(reason)` marks them do not contact; `None` lets them be contacted again.
    DoNotContact {
        customer_id: Id,
        reason: Option<String>,
    },
    Merge {
        duplicate: Id,
        keep: Id,
    },
}

/// The queue's (or the customer pane's) customer commands.
pub(super) fn command(state: &mut State, command: Command) -> Vec<Effect> {
    let Some(entry) = state.queue.selected_entry().cloned() else {
        state.warn("No customer is selected.");
        return Vec::new();
    };
    match command {
        Command::EditCustomer => open_edit(state, &entry),
        Command::ToggleDoNotContact => do_not_contact(state, &entry),
        Command::MergeCustomer => open_merge(state, &entry),
        _ => Vec::new(),
    }
}

pub(super) fn change(state: &State, change: CustomerChange) -> Effect {
    Effect::ChangeCustomer {
        change,
        who: state.agent.clone(),
        role: state.role,
    }
}

fn open_edit(state: &mut State, entry: &QueueEntry) -> Vec<Effect> {
    let details = CustomerEdit {
        name: entry.name.clone(),
        phone: entry.phone.clone(),
        email: entry.email.clone(),
        segment: entry.segment.clone(),
    };
    state.overlay = Some(Overlay::AddCustomer(Box::new(AddCustomerForm::for_edit(
        entry.customer_id,
        details,
    ))));
    Vec::new()
}

/// Marking asks why (a prompt); clearing is one key, and audited like the marking.
fn do_not_contact(state: &mut State, entry: &QueueEntry) -> Vec<Effect> {
    let name = sanitize_line(&entry.name).into_owned();
    if entry.do_not_contact {
        state.info(format!("{name} may be contacted again."));
        return vec![change(
            state,
            CustomerChange::DoNotContact {
                customer_id: entry.customer_id,
                reason: None,
            },
        )];
    }
    state.overlay = Some(Overlay::Prompt(Box::new(Prompt::new(
        PromptPurpose::DoNotContact {
            customer_id: entry.customer_id,
        },
        format!("Do not contact {name}"),
        "Why? e.g. asked not to be called (required; saved with today's date and your name)",
        "",
    ))));
    Vec::new()
}

/// The do-not-contact prompt's text: the reason, or why it is refused.
pub(super) fn reason_given(
    state: &mut State,
    customer_id: Id,
    reason: &str,
) -> Result<Vec<Effect>, String> {
    if reason.trim().is_empty() {
        return Err("Say why they are not to be contacted.".into());
    }
    let limit = crate::domain::customer_edit::MAX_REASON_CHARS;
    if reason.trim().chars().count() > limit {
        return Err(format!(
            "Keep it short: at most {limit} characters (details go in a call's notes)."
        ));
    }
    let name = state
        .queue
        .entries
        .iter()
        .find(|e| e.customer_id == customer_id)
        .map(|e| sanitize_line(&e.name).into_owned())
        .unwrap_or_default();
    state.info(format!("{name} is marked do not contact: no calls out."));
    Ok(vec![change(
        state,
        CustomerChange::DoNotContact {
            customer_id,
            reason: Some(reason.trim().to_string()),
        },
    )])
}

fn has_open_call(state: &State, entry: &QueueEntry) -> bool {
    entry.open_call
        || state
            .call
            .as_ref()
            .is_some_and(|active| active.call.customer_id == entry.customer_id)
}

/// "Merge into…": a picker of every other customer, the likeliest twins first.
fn open_merge(state: &mut State, duplicate: &QueueEntry) -> Vec<Effect> {
    let name = sanitize_line(&duplicate.name).into_owned();
    if has_open_call(state, duplicate) {
        state.warn(format!(
            "{name} has an open call; wrap it up before merging."
        ));
        return Vec::new();
    }
    let words = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let wanted = words(&duplicate.name);
    let mut others: Vec<&QueueEntry> = state
        .queue
        .entries
        .iter()
        .filter(|e| e.customer_id != duplicate.customer_id)
        .collect();
    if others.is_empty() {
        state.info("There is no other customer to merge with.");
        return Vec::new();
    }
    // Stable: the same name first, the rest in queue order.
    others.sort_by_key(|e| words(&e.name) != wanted);
    let choices = others
        .into_iter()
        .map(|e| Choice {
            id: Some(e.customer_id),
            label: sanitize_line(&e.name).into_owned(),
            detail: details(e),
        })
        .collect();
    state.overlay = Some(Overlay::Picker(Box::new(ChoicePicker::new(
        PickPurpose::MergeInto {
            duplicate: duplicate.customer_id,
        },
        format!("Merge {name} into…"),
        choices,
    ))));
    Vec::new()
}

/// Phone, email, segment and status: what tells two records of one name apart.
fn details(entry: &QueueEntry) -> String {
    let mut parts: Vec<String> = [&entry.phone, &entry.email, &entry.segment]
        .into_iter()
        .flatten()
        .map(|part| sanitize_line(part).into_owned())
        .collect();
    parts.push(entry.status.as_str().to_string());
    parts.join(" · ")
}

/// The customer to keep was chosen: count what would move, for the confirmation.
pub(super) fn merge_target_picked(state: &mut State, duplicate: Id, keep: Id) -> Vec<Effect> {
    let kept = state
        .queue
        .entries
        .iter()
        .find(|e| e.customer_id == keep)
        .cloned();
    if let Some(kept) = kept
        && has_open_call(state, &kept)
    {
        state.warn(format!(
            "{} has an open call; wrap it up before merging.",
            sanitize_line(&kept.name)
        ));
        return Vec::new();
    }
    vec![Effect::PreviewMerge { duplicate, keep }]
}

fn described(customer: &crate::domain::Customer) -> String {
    let mut parts = vec![sanitize_line(&customer.name).into_owned()];
    parts.extend(
        [&customer.phone, &customer.email]
            .into_iter()
            .flatten()
            .map(|part| sanitize_line(part).into_owned()),
    );
    parts.join(" · ")
}

/// What would move is known: ask, naming both records and what moves.
pub(super) fn merge_previewed(state: &mut State, preview: MergePreview) -> Vec<Effect> {
    let moves = format!(
        "{} and {}, with their notes and history",
        plural(preview.calls as u64, "call", "calls"),
        plural(preview.cases as u64, "case", "cases")
    );
    // The same rule the store applies, to say exactly what the kept record gains.
    let (_, gains) = merge_into(
        &preview.keep,
        &preview.duplicate,
        state.clock.now,
        &state.agent,
    );
    let mut lines = vec![
        format!("Keep:    {}", described(&preview.keep)),
        format!("Remove:  {}", described(&preview.duplicate)),
        String::new(),
        format!("Moves to the kept customer: {moves}."),
    ];
    let filled: Vec<&str> = gains
        .iter()
        .map(|c| c.field)
        .filter(|f| *f != DO_NOT_CONTACT)
        .collect();
    if !filled.is_empty() {
        lines.push(format!("The kept record gains: {}.", filled.join(", ")));
    }
    if gains.iter().any(|c| c.field == DO_NOT_CONTACT) {
        lines.push("Do not contact carries over, with its reason.".into());
    }
    lines.push("This cannot be undone.".into());
    state.overlay = Some(Overlay::Confirm(Box::new(Confirmation {
        purpose: ConfirmPurpose::Merge {
            duplicate: preview.duplicate.id,
            keep: preview.keep.id,
        },
        title: "Merge two customers?".into(),
        lines,
    })));
    Vec::new()
}

pub(super) fn merge_confirmed(state: &mut State, duplicate: Id, keep: Id) -> Vec<Effect> {
    state.info("Merging…");
    vec![change(state, CustomerChange::Merge { duplicate, keep })]
}

/// The merge is done: the kept customer selected, the queue and their context fresh.
pub(super) fn merged(
    state: &mut State,
    keep: Id,
    duplicate_name: &str,
    result: &MergeResult,
) -> Vec<Effect> {
    let kept_name = state
        .queue
        .entries
        .iter()
        .find(|e| e.customer_id == keep)
        .map(|e| sanitize_line(&e.name).into_owned())
        .unwrap_or_default();
    state.info(format!(
        "Merged {} into {kept_name}: {} and {} moved.",
        sanitize_line(duplicate_name),
        plural(result.calls as u64, "call", "calls"),
        plural(result.cases as u64, "case", "cases")
    ));
    state.queue.select_after_load = Some(keep);
    state.context = None;
    vec![Effect::LoadQueue]
}

/// What the queue (`in_queue`) or the customer pane offers for the selected customer;
/// do-not-contact is set where the customer's profile is read.
pub(super) fn accepts(state: &State, in_queue: bool) -> Vec<Command> {
    if state.queue.selected_entry().is_none() {
        return Vec::new();
    }
    let mut commands = vec![Command::EditCustomer];
    if !in_queue {
        commands.push(Command::ToggleDoNotContact);
    }
    commands.push(Command::MergeCustomer);
    commands
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
        let twin = twin_in_queue(
            &state.queue.entries,
            &edit.name,
            edit.phone.as_deref(),
            edit.email.as_deref(),
            Some(customer_id),
        );
        if let Some(twin) = twin {
            form.duplicate_of = Some((twin.customer_id, twin.name.clone()));
            return Vec::new();
        }
    }
    state.overlay = None;
    state.info(format!("Saved {}.", sanitize_line(&edit.name)));
    vec![change(state, CustomerChange::Edit { customer_id, edit })]
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
            let existing = twin_in_queue(
                &state.queue.entries,
                &customer.name,
                customer.phone.as_deref(),
                customer.email.as_deref(),
                None,
            );
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

/// A customer in the queue who looks like the same person (name plus phone or email),
/// other than `except` (the one being edited).
fn twin_in_queue<'a>(
    entries: &'a [QueueEntry],
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    except: Option<Id>,
) -> Option<&'a QueueEntry> {
    entries.iter().find(|other| {
        Some(other.customer_id) != except
            && same_person(
                name,
                phone,
                email,
                &other.name,
                other.phone.as_deref(),
                other.email.as_deref(),
            )
    })
}

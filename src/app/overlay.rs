//! Overlays drawn over the views: the welcome screen, help, the command palette, the
//! add-customer form and one-line prompts (a review reason, a filter, a closing note). An
//! open overlay receives the keys first.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::{Command, Effect, State};
use crate::domain::customer::FieldError;
use crate::domain::{Id, NewCustomer, Road};

pub enum Overlay {
    /// Shown over an empty store: load demo data, add a customer, or import.
    Welcome,
    Help {
        scroll: usize,
    },
    Palette(Palette),
    AddCustomer(Box<AddCustomerForm>),
    Prompt(Box<Prompt>),
}

/// What a one-line prompt's text is for.
#[derive(Clone, Debug, PartialEq)]
pub enum PromptPurpose {
    /// The lead's comment on a review; required as the reason when `road` differs from
    /// the agent's.
    Review {
        call_id: Id,
        road: Road,
        required: bool,
    },
    /// The Review list's filter line.
    Filter,
    /// The lead's note when closing a case by hand.
    CloseCase { case_id: Id },
}

pub struct Prompt {
    pub purpose: PromptPurpose,
    pub title: String,
    /// A line under the field saying what to type and what Enter and Esc do.
    pub hint: String,
    pub field: TextArea<'static>,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(purpose: PromptPurpose, title: String, hint: &str, text: &str) -> Prompt {
        let mut field = TextArea::new(vec![text.to_string()]);
        field.move_cursor(ratatui_textarea::CursorMove::End);
        Prompt {
            purpose,
            title,
            hint: hint.to_string(),
            field,
            error: None,
        }
    }

    pub fn text(&self) -> String {
        self.field.lines().join(" ")
    }
}

impl Overlay {
    pub fn takes_text(&self) -> bool {
        matches!(
            self,
            Overlay::Palette(_) | Overlay::AddCustomer(_) | Overlay::Prompt(_)
        )
    }

    pub(super) fn paste(&mut self, text: &str) {
        let line = text.replace('\n', " ");
        match self {
            Overlay::Palette(palette) => {
                palette.query.push_str(&line);
                palette.refilter();
            }
            Overlay::AddCustomer(form) => {
                form.fields[form.focused].insert_str(&line);
            }
            Overlay::Prompt(prompt) => {
                prompt.field.insert_str(&line);
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PaletteItem {
    pub command: Command,
    pub description: String,
    pub keys: String,
}

pub struct Palette {
    pub query: String,
    pub items: Vec<PaletteItem>,
    /// What the query matches, per item (command name and description), built once.
    search_text: Vec<String>,
    /// Indexes into `items` that match the query.
    pub visible: Vec<usize>,
    pub selected: usize,
}

impl Palette {
    pub fn new(commands: &[(Command, String, String)]) -> Palette {
        let items = commands
            .iter()
            .filter(|(command, _, _)| !matches!(command, Command::Palette | Command::Escape))
            .map(|(command, description, keys)| PaletteItem {
                command: *command,
                description: description.clone(),
                keys: keys.clone(),
            })
            .collect::<Vec<_>>();
        let search_text = items
            .iter()
            .map(|item| format!("{:?} {}", item.command, item.description))
            .collect();
        let mut palette = Palette {
            query: String::new(),
            search_text,
            visible: (0..items.len()).collect(),
            items,
            selected: 0,
        };
        palette.refilter();
        palette
    }

    pub fn refilter(&mut self) {
        self.visible =
            super::fuzzy::fuzzy_rank(&self.query, self.search_text.iter().map(String::as_str));
        self.selected = 0;
    }
}

/// Labels of the add-customer form's fields, in order.
pub const FORM_FIELDS: [&str; 5] = ["Name", "Phone", "Email", "Segment", "Status"];

pub struct AddCustomerForm {
    pub fields: Vec<TextArea<'static>>,
    pub focused: usize,
    pub errors: Vec<FieldError>,
    /// An existing customer with the same name and phone or email: shown as a warning,
    /// and Enter (with nothing changed) selects them instead of adding a copy.
    pub duplicate_of: Option<(Id, String)>,
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
        }
    }
}

impl AddCustomerForm {
    pub fn value(&self, index: usize) -> String {
        self.fields[index].lines().join(" ")
    }

    pub fn error_for(&self, label: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field.eq_ignore_ascii_case(label))
            .map(|e| e.message.as_str())
    }

    fn to_new_customer(&self) -> NewCustomer {
        NewCustomer {
            name: self.value(0),
            phone: self.value(1),
            email: self.value(2),
            segment: self.value(3),
            status: self.value(4),
        }
    }

    fn is_blank(&self) -> bool {
        (0..self.fields.len()).all(|i| self.value(i).trim().is_empty())
    }
}

pub(super) fn close(state: &mut State) -> Vec<Effect> {
    match state.overlay.take() {
        Some(Overlay::AddCustomer(form)) if !form.is_blank() => {
            state.customer_draft = Some(*form);
            state.info("Form closed; your draft is kept. Press a to finish it.");
        }
        Some(Overlay::Prompt(prompt)) => super::review::prompt_cancelled(state, &prompt),
        _ => {}
    }
    Vec::new()
}

pub(super) fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = &mut state.overlay else {
        return Vec::new();
    };
    match overlay {
        Overlay::Welcome => match key.code {
            KeyCode::Char('d') => super::on_command(state, Command::LoadDemo),
            KeyCode::Char('a') => {
                state.overlay = None;
                super::on_command(state, Command::AddCustomer)
            }
            KeyCode::Char('q') => super::on_command(state, Command::Quit),
            KeyCode::Esc => close(state),
            _ => Vec::new(),
        },
        Overlay::Help { scroll } => {
            match key.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::PageDown => *scroll += 10,
                KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                KeyCode::Home => *scroll = 0,
                KeyCode::Esc | KeyCode::Char('q' | '?') | KeyCode::F(1) | KeyCode::Enter => {
                    state.overlay = None;
                }
                _ => {}
            }
            Vec::new()
        }
        Overlay::Palette(palette) => match key.code {
            KeyCode::Esc => close(state),
            KeyCode::Enter => {
                let chosen = palette
                    .visible
                    .get(palette.selected)
                    .map(|&i| palette.items[i].command);
                state.overlay = None;
                match chosen {
                    Some(command) => super::on_command(state, command),
                    None => Vec::new(),
                }
            }
            KeyCode::Up => {
                palette.selected = palette.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Down => {
                if palette.selected + 1 < palette.visible.len() {
                    palette.selected += 1;
                }
                Vec::new()
            }
            KeyCode::Backspace => {
                palette.query.pop();
                palette.refilter();
                Vec::new()
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                palette.query.push(c);
                palette.refilter();
                Vec::new()
            }
            _ => Vec::new(),
        },
        Overlay::Prompt(prompt) => match key.code {
            KeyCode::Esc => close(state),
            KeyCode::Enter => super::review::prompt_submit(state),
            KeyCode::Char(c) if c.is_control() => Vec::new(),
            _ => {
                prompt.field.input(key);
                prompt.error = None;
                Vec::new()
            }
        },
        Overlay::AddCustomer(form) => {
            let count = form.fields.len();
            match key.code {
                KeyCode::Esc => close(state),
                KeyCode::Tab | KeyCode::Down => {
                    form.focused = (form.focused + 1) % count;
                    Vec::new()
                }
                KeyCode::BackTab | KeyCode::Up => {
                    form.focused = (form.focused + count - 1) % count;
                    Vec::new()
                }
                KeyCode::Enter => submit(state),
                KeyCode::Char(c) if c.is_control() => Vec::new(),
                _ => {
                    if form.fields[form.focused].input(key) {
                        // What the user is fixing no longer needs its old complaint.
                        let label = FORM_FIELDS[form.focused];
                        form.errors.retain(|e| !e.field.eq_ignore_ascii_case(label));
                        form.duplicate_of = None;
                    }
                    Vec::new()
                }
            }
        }
    }
}

fn submit(state: &mut State) -> Vec<Effect> {
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

//! Overlays drawn over the views: the welcome screen, help, the command palette, the
//! customer form (adding one, or editing one), one-line prompts (a review reason, a
//! filter, a closing note, why not to contact), a picker and a confirmation. An
//! open overlay receives the keys first. What an overlay produces (a command chosen in the
//! palette, a prompt's text) goes back to the root, which routes it; the overlay calls no
//! other reducer.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::choice::{Choice, ChoicePicker, ConfirmPurpose, Confirmation, PickPurpose};
pub use super::customer_form::{AddCustomerForm, FORM_FIELDS};
use super::{Command, Effect, PaletteItem, State};
use crate::domain::{Id, Road};

pub enum Overlay {
    /// Shown over an empty store: load demo data, add a customer, or import.
    Welcome,
    Help {
        scroll: usize,
    },
    Palette(Palette),
    AddCustomer(Box<AddCustomerForm>),
    Prompt(Box<Prompt>),
    /// The note-snippet picker; its choice goes into the notes at the cursor.
    Snippets(Box<super::snippets::Picker>),
    /// A customer or an agent to choose (merge into…, a case's owner).
    Picker(Box<ChoicePicker>),
    /// Yes or no before a change that cannot be undone.
    Confirm(Box<Confirmation>),
    /// Another customer's call is open: wrap it up, park it, or cancel (`one_call`,
    /// which the root hands this overlay's commands to).
    SwitchCall(Box<super::one_call::SwitchCall>),
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
    /// Why the customer is not to be contacted (required).
    DoNotContact { customer_id: Id },
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
    pub(super) fn paste(&mut self, text: &str) {
        let line = text.replace('\n', " ");
        match self {
            Overlay::Palette(palette) => {
                palette.query.push_str(&line);
                palette.refilter();
            }
            Overlay::Snippets(picker) => {
                picker.query.push_str(&line);
                picker.refilter();
            }
            Overlay::Picker(picker) => {
                picker.query.push_str(&line);
                picker.refilter();
            }
            Overlay::AddCustomer(form) => {
                let changed = form.fields[form.focused].insert_str(&line);
                if changed {
                    form.edited();
                }
            }
            Overlay::Prompt(prompt) => {
                let changed = prompt.field.insert_str(&line);
                if changed {
                    prompt.error = None;
                }
            }
            _ => {}
        }
    }
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
    /// A palette of `items`: what can be done where it was opened.
    pub fn new(items: Vec<PaletteItem>) -> Palette {
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

/// What an overlay hands back to the root.
pub(super) enum Outcome {
    /// Done here; these effects remain.
    Done(Vec<Effect>),
    /// Run this command where the overlay was opened (the palette's choice, a welcome
    /// key).
    Run(Command),
    /// A prompt's text, for the reducer its purpose names; the prompt stays open until
    /// the root closes it (or shows an error in it).
    Submitted(PromptPurpose, String),
    /// The snippet picker's choice: text for the notes at the cursor.
    Insert(String),
    /// A picker's choice, for the reducer its purpose names.
    Picked(PickPurpose, Choice),
    /// Yes to a confirmation.
    Confirmed(ConfirmPurpose),
    /// The overlay was closed without saving; a prompt says what it was for.
    Closed(Option<PromptPurpose>),
    /// Enter in the add or edit customer form (`customers::submit` checks and saves).
    SubmitCustomer,
}

/// The commands an overlay accepts (its keymap context's, and quitting).
pub(super) fn accepts(overlay: &Overlay) -> Vec<Command> {
    match overlay {
        Overlay::Welcome => vec![
            Command::LoadDemo,
            Command::AddCustomer,
            Command::Cancel,
            Command::Quit,
        ],
        Overlay::Help { .. } => vec![
            Command::Up,
            Command::Down,
            Command::PageUp,
            Command::PageDown,
            Command::First,
            Command::Cancel,
            Command::Quit,
        ],
        Overlay::Palette(_) | Overlay::Snippets(_) | Overlay::Picker(_) => vec![
            Command::Confirm,
            Command::Up,
            Command::Down,
            Command::Cancel,
            Command::Quit,
        ],
        Overlay::AddCustomer(_) => vec![
            Command::Confirm,
            Command::NextField,
            Command::PrevField,
            Command::Cancel,
            Command::Quit,
        ],
        Overlay::Prompt(_) | Overlay::Confirm(_) => {
            vec![Command::Confirm, Command::Cancel, Command::Quit]
        }
        Overlay::SwitchCall(_) => super::one_call::accepts(),
    }
}

/// Closes the overlay; a non-blank add-customer form is kept as a draft (an edit is
/// dropped: closing it means changing nothing).
pub(super) fn close(state: &mut State) -> Outcome {
    match state.overlay.take() {
        Some(Overlay::AddCustomer(form)) if form.editing.is_some() => {
            state.info("Nothing changed.");
            Outcome::Closed(None)
        }
        Some(Overlay::AddCustomer(form)) if !form.is_blank() => {
            state.customer_draft = Some(*form);
            state.info("Form closed; your draft is kept for when you add a customer again.");
            Outcome::Closed(None)
        }
        Some(Overlay::Prompt(prompt)) => Outcome::Closed(Some(prompt.purpose)),
        _ => Outcome::Closed(None),
    }
}

/// A prompt's text was refused: say why under the field.
pub(super) fn prompt_error(state: &mut State, error: String) {
    if let Some(Overlay::Prompt(prompt)) = &mut state.overlay {
        prompt.error = Some(error);
    }
}

/// A command for the open overlay.
pub(super) fn command(state: &mut State, command: Command) -> Outcome {
    let Some(overlay) = &mut state.overlay else {
        return Outcome::Done(Vec::new());
    };
    if command == Command::Cancel {
        return close(state);
    }
    match overlay {
        // The root hands these to `one_call` before they get here.
        Overlay::SwitchCall(_) => Outcome::Done(Vec::new()),
        Overlay::Welcome => match command {
            Command::AddCustomer => {
                state.overlay = None;
                Outcome::Run(command)
            }
            // The welcome screen stays until the demo data has loaded.
            Command::LoadDemo => Outcome::Run(command),
            _ => Outcome::Done(Vec::new()),
        },
        Overlay::Help { scroll } => {
            *scroll = match command {
                Command::Down => *scroll + 1,
                Command::Up => scroll.saturating_sub(1),
                Command::PageDown => *scroll + 10,
                Command::PageUp => scroll.saturating_sub(10),
                Command::First => 0,
                _ => *scroll,
            };
            Outcome::Done(Vec::new())
        }
        Overlay::Palette(palette) => match command {
            Command::Confirm => {
                let chosen = palette
                    .visible
                    .get(palette.selected)
                    .map(|&i| palette.items[i].command);
                state.overlay = None;
                match chosen {
                    Some(command) => Outcome::Run(command),
                    None => Outcome::Done(Vec::new()),
                }
            }
            Command::Up => {
                palette.selected = palette.selected.saturating_sub(1);
                Outcome::Done(Vec::new())
            }
            Command::Down => {
                if palette.selected + 1 < palette.visible.len() {
                    palette.selected += 1;
                }
                Outcome::Done(Vec::new())
            }
            _ => Outcome::Done(Vec::new()),
        },
        Overlay::Snippets(picker) => {
            match command {
                Command::Confirm => {
                    let text = picker.chosen().map(|snippet| snippet.text.clone());
                    state.overlay = None;
                    return match text {
                        Some(text) => Outcome::Insert(text),
                        None => Outcome::Done(Vec::new()),
                    };
                }
                Command::Up => picker.up(),
                Command::Down => picker.down(),
                _ => {}
            }
            Outcome::Done(Vec::new())
        }
        Overlay::Picker(picker) => {
            match command {
                Command::Confirm => {
                    let chosen = picker.chosen().cloned();
                    let purpose = picker.purpose.clone();
                    return match chosen {
                        Some(choice) => {
                            state.overlay = None;
                            Outcome::Picked(purpose, choice)
                        }
                        // Nothing matches the query: the picker stays for another try.
                        None => Outcome::Done(Vec::new()),
                    };
                }
                Command::Up => picker.up(),
                Command::Down => picker.down(),
                _ => {}
            }
            Outcome::Done(Vec::new())
        }
        Overlay::Confirm(confirmation) => match command {
            Command::Confirm => {
                let purpose = confirmation.purpose.clone();
                state.overlay = None;
                Outcome::Confirmed(purpose)
            }
            _ => Outcome::Done(Vec::new()),
        },
        Overlay::Prompt(prompt) => match command {
            Command::Confirm => {
                let text = crate::domain::text::sanitize_line(prompt.text().trim()).into_owned();
                Outcome::Submitted(prompt.purpose.clone(), text)
            }
            _ => Outcome::Done(Vec::new()),
        },
        Overlay::AddCustomer(form) => {
            let count = form.fields.len();
            match command {
                Command::NextField => form.focused = (form.focused + 1) % count,
                Command::PrevField => form.focused = (form.focused + count - 1) % count,
                Command::Confirm => return Outcome::SubmitCustomer,
                _ => {}
            }
            Outcome::Done(Vec::new())
        }
    }
}

/// A key that is no command here: text for the palette's query, a prompt or a form field.
pub(super) fn key(state: &mut State, key: KeyEvent) {
    let Some(overlay) = &mut state.overlay else {
        return;
    };
    let typed = match key.code {
        KeyCode::Char(c) => !c.is_control(),
        // Line breaks and focus keys mean nothing inside a one-line field.
        KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc => false,
        _ => true,
    };
    if !typed {
        return;
    }
    match overlay {
        Overlay::Welcome | Overlay::Help { .. } | Overlay::Confirm(_) | Overlay::SwitchCall(_) => {}
        Overlay::Picker(picker) => match key.code {
            KeyCode::Backspace => {
                picker.query.pop();
                picker.refilter();
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                picker.query.push(c);
                picker.refilter();
            }
            _ => {}
        },
        Overlay::Palette(palette) => match key.code {
            KeyCode::Backspace => {
                palette.query.pop();
                palette.refilter();
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                palette.query.push(c);
                palette.refilter();
            }
            _ => {}
        },
        Overlay::Snippets(picker) => match key.code {
            KeyCode::Backspace => {
                picker.query.pop();
                picker.refilter();
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                picker.query.push(c);
                picker.refilter();
            }
            _ => {}
        },
        Overlay::Prompt(prompt) => {
            if prompt.field.input(key) {
                prompt.error = None;
            }
        }
        Overlay::AddCustomer(form) => {
            if form.fields[form.focused].input(key) {
                form.edited();
            }
        }
    }
}

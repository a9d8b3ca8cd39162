//! Two small overlays: a fuzzy picker of named choices (the customer to merge into, the
//! agent to own a case) and a yes/no confirmation that says what is about to happen.
//! Each remembers what it was opened for and hands its answer back to the root, which
//! routes it; neither changes anything itself.

use crate::domain::Id;

/// What a picker's choice is for.
#[derive(Clone, Debug, PartialEq)]
pub enum PickPurpose {
    /// The customer `duplicate` is merged into.
    MergeInto { duplicate: Id },
    /// The new owner of the case.
    CaseOwner { case_id: Id },
}

/// One row of a picker: what it names, what the row says, and a dimmer detail.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub id: Option<Id>,
    pub label: String,
    pub detail: String,
}

pub struct ChoicePicker {
    pub purpose: PickPurpose,
    pub title: String,
    pub query: String,
    pub choices: Vec<Choice>,
    /// Per choice, lowercased: the label; and the label with the detail.
    label_text: Vec<String>,
    search_text: Vec<String>,
    /// Indexes into `choices` that match the query, best first.
    pub visible: Vec<usize>,
    pub selected: usize,
}

impl ChoicePicker {
    pub fn new(purpose: PickPurpose, title: String, choices: Vec<Choice>) -> ChoicePicker {
        let label_text = choices.iter().map(|c| c.label.to_lowercase()).collect();
        let search_text = choices
            .iter()
            .map(|c| format!("{} {}", c.label, c.detail).to_lowercase())
            .collect();
        let mut picker = ChoicePicker {
            purpose,
            title,
            query: String::new(),
            choices,
            label_text,
            search_text,
            visible: Vec::new(),
            selected: 0,
        };
        picker.refilter();
        picker
    }

    /// The queue's ranking (linear per row, as a merge picker lists every customer), and
    /// like the queue's filter: words match the label, a query with a digit, `@` or `+`
    /// the details too.
    pub fn refilter(&mut self) {
        let texts = if super::fuzzy::wants_contact(&self.query) {
            &self.search_text
        } else {
            &self.label_text
        };
        self.visible = super::fuzzy::quick_rank_among(&self.query, texts, None);
        self.selected = 0;
    }

    /// The row under the cursor, if anything matches.
    pub fn chosen(&self) -> Option<&Choice> {
        self.visible
            .get(self.selected)
            .and_then(|&i| self.choices.get(i))
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.visible.len() {
            self.selected += 1;
        }
    }
}

/// What a confirmation's yes does.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfirmPurpose {
    Merge { duplicate: Id, keep: Id },
}

/// A question before a change that cannot be undone: a title and the lines that say
/// exactly what will happen.
pub struct Confirmation {
    pub purpose: ConfirmPurpose,
    pub title: String,
    pub lines: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_filters_fuzzily_and_keeps_the_cursor_in_range() {
        let choices = ["Ann Lee", "Bo Diaz", "Ann Leigh"]
            .iter()
            .map(|name| Choice {
                id: None,
                label: (*name).into(),
                detail: String::new(),
            })
            .collect();
        let mut picker = ChoicePicker::new(
            PickPurpose::CaseOwner {
                case_id: crate::domain::new_id(),
            },
            "Owner".into(),
            choices,
        );
        assert_eq!(picker.visible.len(), 3);
        picker.query = "diaz".into();
        picker.refilter();
        assert_eq!(picker.chosen().map(|c| c.label.as_str()), Some("Bo Diaz"));
        picker.down();
        picker.down();
        assert_eq!(picker.selected, 0, "one match: the cursor stays on it");
        picker.query = "zzqq".into();
        picker.refilter();
        assert!(picker.chosen().is_none());
    }
}

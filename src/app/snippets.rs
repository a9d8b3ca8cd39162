//! Note snippets: short phrases agents type many times a day, picked by name while
//! typing notes (Ctrl-T) and inserted at the cursor. The defaults come with the program
//! (`assets/snippets.toml`); a lead's `snippets.toml` beside `config.toml` replaces them.
//! This module parses the text, keeps the picker, opens it and puts its choice in the
//! notes; reading the file is the caller's (`config::load_snippets`).

use serde::Deserialize;

use super::{Effect, Overlay, Pane, State, View};
use crate::domain::text::{sanitize_line, sanitize_multiline};

/// The snippets that come with the program.
pub const DEFAULT_SNIPPETS: &str = include_str!("../../assets/snippets.toml");

/// One phrase: the name the picker lists and matches, and the text it inserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub name: String,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    snippet: Vec<RawSnippet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSnippet {
    name: String,
    text: String,
}

/// Parses a snippets file. The error is one sentence (without the file's name) saying
/// what is wrong and where. Names and texts are cleaned of control characters.
pub fn parse(text: &str) -> Result<Vec<Snippet>, String> {
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(String::new(), |span| {
            format!(
                " (line {})",
                text[..span.start.min(text.len())].matches('\n').count() + 1
            )
        });
        e.message().replace('\n', " ") + &line
    })?;
    if file.snippet.is_empty() {
        return Err("it has no [[snippet]] entries".to_string());
    }
    let mut snippets = Vec::with_capacity(file.snippet.len());
    for (i, raw) in file.snippet.into_iter().enumerate() {
        let name = sanitize_line(raw.name.trim()).into_owned();
        let text = sanitize_multiline(raw.text.trim_end());
        if name.is_empty() || text.trim().is_empty() {
            return Err(format!("snippet {} needs both a name and a text", i + 1));
        }
        snippets.push(Snippet { name, text });
    }
    Ok(snippets)
}

/// The snippets that come with the program (none, were they ever unreadable).
pub fn defaults() -> Vec<Snippet> {
    parse(DEFAULT_SNIPPETS).unwrap_or_default()
}

/// The picker overlay: a query filtering the snippets fuzzily by name and text.
pub struct Picker {
    pub query: String,
    pub snippets: Vec<Snippet>,
    search_text: Vec<String>,
    /// Indexes into `snippets` that match the query, best first.
    pub visible: Vec<usize>,
    pub selected: usize,
}

impl Picker {
    pub fn new(snippets: Vec<Snippet>) -> Picker {
        let search_text = snippets
            .iter()
            .map(|s| format!("{} {}", s.name, s.text))
            .collect();
        let mut picker = Picker {
            query: String::new(),
            visible: Vec::new(),
            search_text,
            snippets,
            selected: 0,
        };
        picker.refilter();
        picker
    }

    pub fn refilter(&mut self) {
        self.visible =
            super::fuzzy::fuzzy_rank(&self.query, self.search_text.iter().map(String::as_str));
        self.selected = 0;
    }

    /// The snippet under the cursor, if any matches.
    pub fn chosen(&self) -> Option<&Snippet> {
        self.visible
            .get(self.selected)
            .and_then(|&i| self.snippets.get(i))
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

/// The chosen snippet goes into the notes at the cursor, as an edit (autosave follows).
pub(super) fn insert(state: &mut State, text: &str) -> Vec<Effect> {
    let now = state.clock.now;
    if state.view == View::Agent
        && state.focus == Pane::Notes
        && let Some(call) = &mut state.call
    {
        match call.notes.paste(text) {
            Ok(true) => call.edited(now),
            Ok(false) => {}
            Err(too_large) => state.warn(too_large.message()),
        }
    }
    Vec::new()
}

/// Ctrl-T while typing notes: the snippet picker.
pub(super) fn open(state: &mut State) -> Vec<Effect> {
    if state.call.is_none() || state.focus != Pane::Notes || state.view != View::Agent {
        state.info("Snippets go into the notes: start a call and type notes first.");
        return Vec::new();
    }
    if state.snippets.is_empty() {
        state.info("There are no note snippets.");
        return Vec::new();
    }
    state.overlay = Some(Overlay::Snippets(Box::new(Picker::new(
        state.snippets.clone(),
    ))));
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse() {
        let snippets = defaults();
        assert!(snippets.len() >= 10, "{snippets:?}");
        assert!(snippets.iter().any(|s| s.name == "refund 5-7"));
    }

    #[test]
    fn control_characters_are_cleaned() {
        let snippets =
            parse("[[snippet]]\nname = \"a\\u001b[2Jb\"\ntext = \"x\\u0007y\"\n").unwrap();
        assert!(!snippets[0].name.contains('\u{1b}'), "{snippets:?}");
        assert!(!snippets[0].text.contains('\u{7}'), "{snippets:?}");
    }

    #[test]
    fn mistakes_say_what_and_where() {
        let error = parse("[[snippet]]\nname = \"a\"\ntxt = \"b\"\n").unwrap_err();
        assert!(error.contains("txt") && error.contains("line 3"), "{error}");
        let error = parse("[[snippet]]\nname = \"a\"\ntext = \"  \"\n").unwrap_err();
        assert!(error.contains("snippet 1"), "{error}");
        let error = parse("").unwrap_err();
        assert!(error.contains("no [[snippet]]"), "{error}");
    }

    #[test]
    fn the_picker_filters_fuzzily() {
        let mut picker = Picker::new(defaults());
        picker.query = "rfnd".to_string();
        picker.refilter();
        assert_eq!(picker.chosen().map(|s| s.name.as_str()), Some("refund 5-7"));
        picker.query = "zzzzqq".to_string();
        picker.refilter();
        assert!(picker.chosen().is_none());
    }
}

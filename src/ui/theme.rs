//! The semantic theme: what a style means (focus, urgency, a road), not which colour it
//! is. With `NO_COLOR` set every style is built from bold, reverse and underline only,
//! and meaning is always carried by words or numbers as well.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::Road;

#[derive(Clone, Debug)]
pub struct Theme {
    pub base: Style,
    pub title: Style,
    pub border: Style,
    pub border_focused: Style,
    pub selected: Style,
    pub dim: Style,
    pub heading: Style,
    pub urgent: Style,
    pub attention: Style,
    pub info: Style,
    pub warning: Style,
    pub error: Style,
    pub key: Style,
    pub highlight: Style,
    /// The road suggestion's cue words in the notes: underlined, so it shows without
    /// colour and stays apart from a tag's bold.
    pub cue: Style,
    roads: [Style; 4],
}

impl Theme {
    /// `NO_COLOR` set (to anything) means no colour at all.
    pub fn from_env() -> Theme {
        Theme::new(std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
    }

    pub fn new(no_color: bool) -> Theme {
        if no_color {
            let bold = Style::new().add_modifier(Modifier::BOLD);
            return Theme {
                base: Style::new(),
                title: Style::new().add_modifier(Modifier::REVERSED),
                border: Style::new(),
                border_focused: bold,
                selected: Style::new().add_modifier(Modifier::REVERSED),
                dim: Style::new(),
                heading: bold,
                urgent: bold,
                attention: Style::new(),
                info: Style::new(),
                warning: bold,
                error: bold,
                key: bold,
                highlight: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
                cue: Style::new().add_modifier(Modifier::UNDERLINED),
                roads: [bold; 4],
            };
        }
        Theme {
            base: Style::new(),
            title: Style::new().fg(Color::Black).bg(Color::Cyan),
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: Style::new().bg(Color::Blue).fg(Color::White),
            dim: Style::new().fg(Color::DarkGray),
            heading: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            urgent: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            attention: Style::new().fg(Color::Yellow),
            info: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            highlight: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            cue: Style::new().add_modifier(Modifier::UNDERLINED),
            roads: [
                Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ],
        }
    }

    pub fn road(&self, road: Road) -> Style {
        self.roads[usize::from(road.number() - 1)]
    }

    pub fn border_for(&self, focused: bool) -> Style {
        if focused {
            self.border_focused
        } else {
            self.border
        }
    }
}

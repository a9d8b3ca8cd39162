//! The hint bar: what the user can do now, with the keys taken from the keymap (so a
//! user's override shows up here too).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{Command, Overlay, Pane, ReviewTab, State, View};
use crate::input::Keymap;

/// A short label for the hint bar.
fn label(command: Command) -> &'static str {
    match command {
        Command::Quit => "quit",
        Command::Help => "help",
        Command::NextPane => "next pane",
        Command::WrapUp => "wrap up",
        Command::Escape => "stop typing",
        Command::Palette => "commands",
        Command::Filter => "filter",
        Command::StartCall => "call",
        Command::AddCustomer => "add customer",
        Command::SentimentUp => "sentiment+",
        Command::SentimentDown => "sentiment-",
        Command::ToggleOutcome => "outcome",
        Command::DueLater => "due+1d",
        Command::DueEarlier => "due-1d",
        Command::CycleStatus => "status",
        Command::CycleReason => "reason",
        Command::EditNotes => "notes",
        Command::ToggleDoNotContact => "do-not-contact",
        Command::Copy => "copy",
        Command::ViewAgent => "agent view",
        Command::ViewSearch => "search",
        Command::NextUnreviewed => "next unreviewed",
        Command::Comment => "comment",
        Command::Acknowledge => "acknowledge",
        Command::CyclePeriod => "period",
        Command::CycleAgent => "agent",
        Command::CycleRoadFilter => "road filter",
        Command::ToggleUnreviewed => "unreviewed",
        Command::ToggleDisagreements => "disagreements",
        Command::ToggleCases => "calls/cases",
        Command::CloseCase => "close/reopen",
        Command::Refresh => "refresh",
        Command::Down => "scroll",
        Command::Export => "export",
        _ => "",
    }
}

pub(super) fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let pairs: Vec<(String, String)> = if let Some(overlay) = &state.overlay {
        overlay_hints(overlay)
    } else if state.view == View::Search {
        // The query line takes every other key, so the hints are spelled out.
        let pairs: &[(&str, &str)] = if state.search.detail.is_some() {
            &[
                ("↑↓", "scroll"),
                ("Esc", "back to results"),
                ("F1", "help"),
                ("F2", "agent view"),
            ]
        } else {
            &[
                ("type", "search"),
                ("↑↓", "move"),
                ("Enter", "open"),
                ("Esc", "clear / back"),
                ("F1", "help"),
                ("F2", "agent view"),
            ]
        };
        pairs
            .iter()
            .map(|(k, w)| (k.to_string(), w.to_string()))
            .collect()
    } else if state.queue.filter_editing {
        vec![
            ("type".into(), "filter".into()),
            ("Enter".into(), "keep".into()),
            ("Esc".into(), "clear".into()),
            ("↑↓".into(), "move".into()),
        ]
    } else {
        let contexts = state.key_contexts();
        let mut pairs = Vec::new();
        // "Alt-1…Alt-4/1…4": each way of setting a road, first key to last.
        let road_keys = keymap
            .keys_for(Command::Road1, &contexts)
            .iter()
            .zip(keymap.keys_for(Command::Road4, &contexts))
            .map(|(first, last)| format!("{first}…{last}"))
            .collect::<Vec<_>>()
            .join("/");
        let lead = state.role == crate::domain::call::Role::Lead;
        let reviewing = state.view == View::Review && state.review.tab == ReviewTab::Calls;
        let road_hint = (state.call.is_some() || (reviewing && lead)) && !road_keys.is_empty();
        let commands: &[Command] = match (state.view, state.focus, state.call.is_some()) {
            (View::Agent, Pane::Notes, true) => &[
                Command::WrapUp,
                Command::Escape,
                Command::NextPane,
                Command::Help,
                Command::Quit,
            ],
            (View::Agent, Pane::Road, true) => &[
                Command::WrapUp,
                Command::EditNotes,
                Command::SentimentUp,
                Command::SentimentDown,
                Command::ToggleOutcome,
                Command::DueLater,
                Command::CycleStatus,
                Command::CycleReason,
                Command::Help,
            ],
            (View::Agent, Pane::Customer, _) => &[
                Command::StartCall,
                Command::ToggleDoNotContact,
                Command::NextPane,
                Command::Palette,
                Command::Help,
                Command::Quit,
            ],
            (View::Agent, _, _) => &[
                Command::StartCall,
                Command::Filter,
                Command::AddCustomer,
                Command::NextPane,
                Command::Palette,
                Command::Help,
                Command::Quit,
            ],
            (View::Review, _, _) => match (state.review.tab, lead) {
                (ReviewTab::Calls, true) => &[
                    Command::NextUnreviewed,
                    Command::Comment,
                    Command::Filter,
                    Command::CyclePeriod,
                    Command::CycleAgent,
                    Command::CycleRoadFilter,
                    Command::ToggleUnreviewed,
                    Command::ToggleDisagreements,
                    Command::ToggleCases,
                    Command::Help,
                ],
                (ReviewTab::Calls, false) => &[
                    Command::Acknowledge,
                    Command::Filter,
                    Command::CyclePeriod,
                    Command::ToggleUnreviewed,
                    Command::ToggleCases,
                    Command::Help,
                    Command::Quit,
                ],
                (ReviewTab::Cases, _) => &[
                    Command::DueLater,
                    Command::DueEarlier,
                    Command::CloseCase,
                    Command::ToggleCases,
                    Command::Help,
                    Command::Quit,
                ],
            },
            _ => &[
                Command::CyclePeriod,
                Command::Down,
                Command::Export,
                Command::Refresh,
                Command::ViewAgent,
                Command::Help,
                Command::Quit,
            ],
        };
        if road_hint {
            pairs.push((road_keys, "road".into()));
        }
        for command in commands {
            let keys = keymap.key_label(*command, &contexts);
            if !keys.is_empty() {
                pairs.push((keys, label(*command).to_string()));
            }
        }
        pairs
    };
    let mut spans = Vec::new();
    let mut used = 0;
    for (keys, what) in pairs {
        let width = keys.chars().count() + what.chars().count() + 3;
        if used + width > usize::from(area.width) {
            break;
        }
        used += width;
        spans.push(Span::styled(format!(" {keys}"), theme.key));
        spans.push(Span::raw(format!(" {what} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn overlay_hints(overlay: &Overlay) -> Vec<(String, String)> {
    let pairs: &[(&str, &str)] = match overlay {
        Overlay::Welcome => &[("d", "demo data"), ("a", "add customer"), ("q", "quit")],
        Overlay::Help { .. } => &[("↑↓", "scroll"), ("Esc", "close")],
        Overlay::Palette(_) => &[
            ("type", "search"),
            ("↑↓", "choose"),
            ("Enter", "run"),
            ("Esc", "close"),
        ],
        Overlay::AddCustomer(_) => &[
            ("Tab/↑↓", "field"),
            ("Enter", "save"),
            ("Esc", "close, keep draft"),
        ],
        Overlay::Prompt(_) => &[("type", "text"), ("Enter", "save"), ("Esc", "cancel")],
    };
    pairs
        .iter()
        .map(|(k, w)| (k.to_string(), w.to_string()))
        .collect()
}

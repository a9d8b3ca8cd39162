//! The hint bar: what can be done now (`app::available`) with keys and labels from the
//! keymap alone, so a user's override shows up here too. Every command that changes data
//! or what may be done next stays visible, on a second line when one is not enough;
//! plain navigation gives way to "F1 more" (help lists it).

use ratatui::text::{Line, Span};

use super::Theme;
use crate::app::{Available, Command, State, available};
use crate::input::Keymap;

/// The bar never takes more lines than this.
pub(super) const MAX_LINES: usize = 2;

/// One hint: the keys and what they do.
#[derive(Clone, Debug, PartialEq)]
struct Pair {
    keys: String,
    label: String,
}

impl Pair {
    /// " keys label ", as drawn.
    fn width(&self) -> usize {
        self.keys.chars().count() + self.label.chars().count() + 3
    }
}

/// The hint bar's lines for `width` columns (one or two).
pub(super) fn lines(
    state: &State,
    theme: &Theme,
    keymap: &Keymap,
    width: u16,
) -> Vec<Line<'static>> {
    let now = available(state);
    let (essential, other, help) = pairs(&now, keymap);
    // "F1 more" stands in for whatever navigation does not fit (help lists it all).
    let more = keymap
        .keys_for(Command::Help, &now.contexts)
        .first()
        .filter(|_| now.accepts(Command::Help))
        .map(|key| Pair {
            keys: key.to_string(),
            label: "more".into(),
        });
    let mut other = other;
    other.extend(help);
    let laid = layout(&essential, &other, more.as_ref(), usize::from(width));
    laid.into_iter()
        .map(|line| {
            let spans: Vec<Span> = line
                .into_iter()
                .flat_map(|pair| {
                    [
                        Span::styled(format!(" {}", pair.keys), theme.key),
                        Span::raw(format!(" {} ", pair.label)),
                    ]
                })
                .collect();
            Line::from(spans)
        })
        .collect()
}

/// Which navigation hints to keep first when not all fit: leaving a text field, the
/// palette and the next pane before moving and switching views.
fn rank(command: Command) -> u8 {
    match command {
        // Leaving the text field, and the context panel hidden at 80×24 until its key
        // is known.
        Command::Escape | Command::ToggleContext => 0,
        Command::Copy | Command::Palette | Command::Snippets => 1,
        Command::NextPane => 2,
        Command::Up | Command::Down => 3,
        Command::ViewAgent | Command::ViewReview | Command::ViewDashboard => 4,
        Command::Quit => 6,
        _ => 5,
    }
}

/// The hints of what is available: the essential ones, plain navigation (most useful
/// first) and help, which comes last or gives way to "more".
fn pairs(now: &Available, keymap: &Keymap) -> (Vec<Pair>, Vec<Pair>, Option<Pair>) {
    let roads = [
        Command::Road1,
        Command::Road2,
        Command::Road3,
        Command::Road4,
    ];
    let road_range = road_range(now, keymap, &roads);
    let up_down = up_down(now, keymap);
    let mut essential = Vec::new();
    let mut other = Vec::new();
    let mut help = None;
    let mut roads_done = false;
    for &command in &now.commands {
        let pair = if roads.contains(&command) && road_range.is_some() {
            if roads_done {
                continue;
            }
            roads_done = true;
            road_range.clone()
        } else if command == Command::Down && up_down.is_some() {
            continue;
        } else if command == Command::Up && up_down.is_some() {
            up_down.clone()
        } else {
            let keys = keymap.key_label(command, &now.contexts);
            (!keys.is_empty()).then(|| Pair {
                keys,
                label: keymap
                    .hint(command, &now.contexts)
                    .unwrap_or_default()
                    .to_string(),
            })
        };
        let Some(pair) = pair else { continue };
        if command == Command::Help {
            help = Some(pair);
        } else if command.is_essential() {
            essential.push(pair);
        } else {
            other.push((rank(command), pair));
        }
    }
    other.sort_by_key(|(rank, _)| *rank);
    let other = other.into_iter().map(|(_, pair)| pair).collect();
    (essential, other, help)
}

/// "Alt-1…4/1…4 road": the four roads as ranges, when each is bound the same way.
fn road_range(now: &Available, keymap: &Keymap, roads: &[Command; 4]) -> Option<Pair> {
    if !roads.iter().all(|road| now.accepts(*road)) {
        return None;
    }
    let first = keymap.keys_for(roads[0], &now.contexts);
    let last = keymap.keys_for(roads[3], &now.contexts);
    let same_shape = roads
        .iter()
        .all(|road| keymap.keys_for(*road, &now.contexts).len() == first.len());
    if first.is_empty() || !same_shape {
        return None;
    }
    let keys = first
        .iter()
        .zip(&last)
        .map(|(a, b)| {
            let (a, b) = (a.to_string(), b.to_string());
            // "Alt-1…Alt-4" reads as "Alt-1…4".
            let shared = a.len() - a.chars().last().map_or(0, char::len_utf8);
            if shared > 0 && b.len() == a.len() && a[..shared] == b[..shared] {
                format!("{a}…{}", &b[shared..])
            } else {
                format!("{a}…{b}")
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    Some(Pair {
        keys,
        label: keymap
            .hint(roads[0], &now.contexts)
            .unwrap_or("road")
            .to_string(),
    })
}

/// "↑↓/kj move": up and down as one hint, when each has as many keys as the other.
fn up_down(now: &Available, keymap: &Keymap) -> Option<Pair> {
    if !(now.accepts(Command::Up) && now.accepts(Command::Down)) {
        return None;
    }
    let up = keymap.keys_for(Command::Up, &now.contexts);
    let down = keymap.keys_for(Command::Down, &now.contexts);
    if up.is_empty() || up.len() != down.len() {
        return None;
    }
    let keys = up
        .iter()
        .zip(&down)
        .map(|(u, d)| format!("{u}{d}"))
        .collect::<Vec<_>>()
        .join("/");
    // "scroll up" and "scroll down" make "scroll"; "up" and "down", "move".
    let up_hint = keymap.hint(Command::Up, &now.contexts).unwrap_or_default();
    let down_hint = keymap
        .hint(Command::Down, &now.contexts)
        .unwrap_or_default();
    let shared = up_hint.strip_suffix("up").map(str::trim);
    let label = match shared {
        Some(prefix) if down_hint.strip_suffix("down").map(str::trim) == Some(prefix) => {
            if prefix.is_empty() { "move" } else { prefix }
        }
        _ => return None,
    };
    Some(Pair {
        keys,
        label: label.to_string(),
    })
}

/// Wraps `pairs` into at most `max` lines of `width`, or None if they do not fit.
fn wrap(pairs: &[Pair], width: usize, max: usize) -> Option<Vec<Vec<Pair>>> {
    let mut lines: Vec<Vec<Pair>> = vec![Vec::new()];
    let mut used = 0;
    for pair in pairs {
        if used + pair.width() > width && used > 0 {
            lines.push(Vec::new());
            used = 0;
        }
        if pair.width() > width || lines.len() > max {
            return None;
        }
        used += pair.width();
        lines.last_mut()?.push(pair.clone());
    }
    Some(lines)
}

/// Everything on one line if it fits; otherwise the essential hints on as few lines as
/// they need, then as much navigation as fits, then "more".
fn layout(essential: &[Pair], other: &[Pair], more: Option<&Pair>, width: usize) -> Vec<Vec<Pair>> {
    let all: Vec<Pair> = essential.iter().chain(other).cloned().collect();
    for max in 1..=MAX_LINES {
        if let Some(lines) = wrap(&all, width, max) {
            return lines;
        }
        for kept in (0..other.len()).rev() {
            let mut pairs: Vec<Pair> = essential.iter().chain(&other[..kept]).cloned().collect();
            pairs.extend(more.cloned());
            if let Some(lines) = wrap(&pairs, width, max) {
                return lines;
            }
        }
    }
    // Too narrow for every essential hint: as many as fit.
    let mut lines = vec![Vec::new()];
    let mut used = 0;
    for pair in essential {
        if used + pair.width() > width {
            break;
        }
        used += pair.width();
        lines[0].push(pair.clone());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(keys: &str, label: &str) -> Pair {
        Pair {
            keys: keys.into(),
            label: label.into(),
        }
    }

    #[test]
    fn navigation_gives_way_to_more_before_a_second_line() {
        let essential = vec![pair("a", "add customer")];
        let other = vec![
            pair("Tab", "next pane"),
            pair("F1", "help"),
            pair("q", "quit"),
        ];
        let more = pair("F1", "more");
        let all: Vec<Pair> = essential.iter().chain(&other).cloned().collect();
        assert_eq!(layout(&essential, &other, Some(&more), 80), vec![all]);
        // 16 + 15 + 9 + 9 columns do not fit in 45: the last two give way to "more".
        let narrow = layout(&essential, &other, Some(&more), 45);
        assert_eq!(
            narrow,
            vec![vec![essential[0].clone(), other[0].clone(), more.clone()]]
        );
    }

    #[test]
    fn essential_hints_wrap_to_a_second_line_rather_than_vanish() {
        let essential: Vec<Pair> = (0..6).map(|i| pair(&i.to_string(), "something")).collect();
        let laid = layout(&essential, &[], None, 40);
        assert_eq!(laid.len(), 2);
        assert_eq!(laid.concat(), essential);
    }
}

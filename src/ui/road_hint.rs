//! The road suggestion's line in the road pane: `reads like 2 Care (71%) — waived,
//! apologised, follow up`, or how many confirmed calls it still needs. The road is always
//! written as its number and name; the cue words come from the notes, made safe to draw.

use ratatui::text::{Line, Span};

use super::Theme;
use super::queue::pad;
use super::safe;
use crate::app::road_hint::{HintLine, RoadHint};
use crate::domain::roads::{MIN_PER_ROAD, Suggestion};

/// The words of the line, before fitting it to the pane.
pub fn text(hint: &RoadHint) -> String {
    match hint.line() {
        HintLine::Learning => "reads like: learning the team's roads…".to_string(),
        HintLine::NothingYet => "reads like: nothing to go on yet".to_string(),
        HintLine::NeedsMore(needed) => {
            // A confirmed call is a reviewed one: the word a lead and an agent both use.
            if needed.len() == 4 && needed.iter().all(|(_, more)| *more == MIN_PER_ROAD) {
                return format!("suggestion: {MIN_PER_ROAD} reviews of each road needed");
            }
            let parts: Vec<String> = needed
                .iter()
                .enumerate()
                .map(|(i, (road, more))| {
                    if i == 0 {
                        format!("{more} more reviews of road {}", road.number())
                    } else {
                        format!("{more} of {}", road.number())
                    }
                })
                .collect();
            format!("suggestion: {}", parts.join(", "))
        }
        HintLine::Reads(suggestion) => format!("reads like {}", reads(&suggestion)),
    }
}

/// `2 Care (71%) — waived, apologised, follow up`: the road, its probability and the cue
/// words (made safe to draw).
fn reads(suggestion: &Suggestion) -> String {
    let cues: Vec<String> = suggestion
        .cues
        .iter()
        .map(|c| safe(&c.words).into_owned())
        .collect();
    let mut out = format!(
        "{} ({:.0}%)",
        suggestion.road,
        suggestion.confidence * 100.0
    );
    if !cues.is_empty() {
        out.push_str(" — ");
        out.push_str(&cues.join(", "));
    }
    out
}

/// The Review view's detail: `Notes read like 2 Care (80%) — waived, sorry`.
pub fn detail_line(suggestion: &Suggestion, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!("Notes read like {}", reads(suggestion)),
        theme.road(suggestion.road),
    ))
}

/// The line, fitted to `width` columns.
pub fn line(hint: &RoadHint, width: usize, theme: &Theme) -> Line<'static> {
    let words = pad(&text(hint), width).trim_end().to_string();
    let style = match hint.line() {
        HintLine::Reads(suggestion) => theme.road(suggestion.road),
        _ => theme.dim,
    };
    Line::from(Span::styled(words, style))
}

/// The dashboard's line: how often the suggestion recorded at wrap-up matched the lead.
pub fn agreement_text(hint: &RoadHint) -> String {
    match hint.agreement {
        None => "  Road suggestion: counting…".to_string(),
        Some((_, 0)) => "  Road suggestion: no reviewed call with a suggestion yet".to_string(),
        Some((agreed, compared)) => format!(
            "  Road suggestion: agreed with the lead on {:.0}% ({agreed} of {compared})",
            agreed as f64 * 100.0 / compared as f64
        ),
    }
}

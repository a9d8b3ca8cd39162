//! The plain keyword baseline: a fixed list of obvious words per road, the road with most
//! of its words in the note wins. It is what the learned model has to beat, and shows
//! how far obvious words get on real notes (not far: "explained the policy, nothing we
//! can do" says "explained").

use super::tokens::{stem, tokenize};
use super::{ROADS, road_index};
use crate::domain::Road;

/// The obvious words of each road, before stemming.
pub const KEYWORDS: [(Road, &[&str]); ROADS] = [
    (
        Road::Learn,
        &[
            "suggest",
            "suggestion",
            "idea",
            "feedback",
            "feature",
            "improve",
            "product",
            "bug",
        ],
    ),
    (
        Road::Care,
        &[
            "sorry",
            "apologise",
            "refund",
            "waived",
            "credit",
            "goodwill",
            "compensation",
        ],
    ),
    (
        Road::Teach,
        &[
            "explained",
            "showed",
            "walked",
            "guided",
            "taught",
            "how",
            "steps",
            "tutorial",
        ],
    ),
    (
        Road::GoAway,
        &[
            "hold",
            "transferred",
            "policy",
            "unable",
            "declined",
            "redirected",
            "referred",
        ],
    ),
];

/// The baseline's road for a note: most keywords wins, ties go to the lower road number,
/// and a note with none of them gets `fallback` (the most common road where it was
/// trained).
pub fn keyword_road(text: &str, fallback: Road) -> Road {
    let mut hits = [0u32; ROADS];
    let lists: Vec<(usize, Vec<String>)> = KEYWORDS
        .iter()
        .map(|(road, words)| (road_index(*road), words.iter().map(|w| stem(w)).collect()))
        .collect();
    for token in tokenize(text) {
        for (r, words) in &lists {
            if words.contains(&token.term) {
                hits[*r] += 1;
            }
        }
    }
    let best = (0..ROADS).max_by_key(|r| (hits[*r], std::cmp::Reverse(*r)));
    match best {
        Some(r) if hits[r] > 0 => Road::ALL[r],
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_counts_obvious_words() {
        assert_eq!(
            keyword_road("Apologised, refund issued", Road::Teach),
            Road::Care
        );
        assert_eq!(
            keyword_road("put on hold, transfered", Road::Care),
            Road::GoAway
        );
        assert_eq!(keyword_road("nothing here", Road::Teach), Road::Teach);
    }
}

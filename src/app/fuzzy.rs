//! Fuzzy ranking shared by the queue filter and the command palette.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indexes of the `texts` that match `query`, best first; ties keep their order.
/// An empty query keeps everything in order.
pub fn fuzzy_rank<'a>(query: &str, texts: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return texts.enumerate().map(|(i, _)| i).collect();
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buffer = Vec::new();
    let mut scored: Vec<(u32, usize)> = texts
        .enumerate()
        .filter_map(|(i, text)| {
            pattern
                .score(Utf32Str::new(text, &mut buffer), &mut matcher)
                .map(|score| (score, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::fuzzy_rank;

    #[test]
    fn best_match_first_and_misses_dropped() {
        let texts = ["Helen Marsh", "Ben Foulkes", "Hel Manning"];
        assert_eq!(fuzzy_rank("", texts.iter().copied()), [0, 1, 2]);
        let ranked = fuzzy_rank("helen", texts.iter().copied());
        assert_eq!(ranked.first(), Some(&0));
        assert!(!ranked.contains(&1));
    }
}

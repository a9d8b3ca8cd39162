//! Fuzzy ranking shared by the queue filter and the command palette.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Indexes of the `texts` that match `query`, best first; ties keep their order.
/// An empty query keeps everything in order.
pub fn fuzzy_rank<'a>(query: &str, texts: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let texts: Vec<&str> = texts.collect();
    fuzzy_rank_among(query, &texts, None)
}

/// The given candidates, or every index below `len`.
fn candidates_or_all(candidates: Option<&[usize]>, len: usize) -> std::borrow::Cow<'_, [usize]> {
    match candidates {
        Some(candidates) => std::borrow::Cow::Borrowed(candidates),
        None => std::borrow::Cow::Owned((0..len).collect()),
    }
}

/// Whether every match of `longer` is also a match of `shorter`, so ranking `longer`
/// need only look at what `shorter` matched (typing on in a filter).
pub fn narrows(shorter: &str, longer: &str) -> bool {
    !shorter.trim().is_empty()
        && longer.starts_with(shorter)
        && !longer.contains(['!', '^', '$', '\''])
        && wants_contact(shorter) == wants_contact(longer)
}

/// A query with a digit, `@` or `+` looks for a phone number or an email.
pub fn wants_contact(query: &str) -> bool {
    query.contains(|c: char| c.is_ascii_digit() || c == '@' || c == '+')
}

/// The queue's ranking over many rows: each word of the query must match (fuzzy,
/// greedy, so linear in the text) in the already lowercased `texts`; best total score
/// first, ties in queue order. One letter filters without ranking.
pub fn quick_rank_among<T: AsRef<str>>(
    query: &str,
    texts: &[T],
    candidates: Option<&[usize]>,
) -> Vec<usize> {
    let candidates = candidates_or_all(candidates, texts.len());
    let candidates = candidates.as_ref();
    let atoms: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if atoms.is_empty() {
        return candidates.to_vec();
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buffer = Vec::new();
    let mut needle_buffer = Vec::new();
    let mut score = |text: &str| -> Option<u32> {
        let mut total = 0u32;
        for atom in &atoms {
            let haystack = Utf32Str::new(text, &mut buffer);
            let needle = Utf32Str::new(atom, &mut needle_buffer);
            total += u32::from(matcher.fuzzy_match_greedy(haystack, needle)?);
        }
        Some(total)
    };
    if atoms.len() == 1 && atoms[0].chars().count() == 1 {
        return candidates
            .iter()
            .copied()
            .filter(|&i| score(texts[i].as_ref()).is_some())
            .collect();
    }
    let mut scored: Vec<(u32, usize)> = candidates
        .iter()
        .filter_map(|&i| score(texts[i].as_ref()).map(|s| (s, i)))
        .collect();
    scored.sort_unstable_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// As `fuzzy_rank`, looking only at `candidates` when given. A one-letter query keeps
/// the matching texts in their order: ranking by one letter says nothing, and over a
/// large queue sorting nearly every row is what would make that keystroke slow.
pub fn fuzzy_rank_among(query: &str, texts: &[&str], candidates: Option<&[usize]>) -> Vec<usize> {
    let candidates = candidates_or_all(candidates, texts.len());
    let candidates = candidates.as_ref();
    let query = query.trim();
    if query.is_empty() {
        return candidates.to_vec();
    }
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buffer = Vec::new();
    if query.chars().count() == 1 {
        return candidates
            .iter()
            .copied()
            .filter(|&i| {
                pattern
                    .score(Utf32Str::new(texts[i], &mut buffer), &mut matcher)
                    .is_some()
            })
            .collect();
    }
    let mut scored: Vec<(u32, usize)> = candidates
        .iter()
        .filter_map(|&i| {
            pattern
                .score(Utf32Str::new(texts[i], &mut buffer), &mut matcher)
                .map(|score| (score, i))
        })
        .collect();
    scored.sort_unstable_by_key(|&(score, i)| (std::cmp::Reverse(score), i));
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

    #[test]
    fn narrowing_gives_what_a_full_ranking_gives() {
        use super::{fuzzy_rank_among, narrows};
        let texts = [
            "Helen Marsh",
            "Ben Foulkes",
            "Hel Manning",
            "Anne Hell",
            "hal",
        ];
        let first = fuzzy_rank_among("h", &texts, None);
        assert_eq!(first, [0, 2, 3, 4], "one letter: matches in queue order");
        let he = fuzzy_rank_among("he", &texts, None);
        assert!(narrows("h", "he") && narrows("he", "hel"));
        assert!(!narrows("he", "!he") && !narrows("", "h") && !narrows("he", "h"));
        let full = fuzzy_rank_among("hel m", &texts, None);
        let narrowed = fuzzy_rank_among("hel m", &texts, Some(&he));
        assert_eq!(full, narrowed);
        assert!(
            !narrows("ann", "ann 0"),
            "a digit switches to phone and email"
        );
    }

    #[test]
    fn the_queue_ranking_matches_every_word() {
        use super::quick_rank_among;
        let texts = ["helen marsh", "ben foulkes", "hel manning", "anne hell"];
        let ranked = quick_rank_among("Hel M", &texts, None);
        assert_eq!(ranked.len(), 2);
        assert!(ranked.contains(&0) && ranked.contains(&2));
        assert_eq!(quick_rank_among("e", &texts, None), [0, 1, 2, 3]);
        assert!(quick_rank_among("zz", &texts, None).is_empty());
    }
}

//! Words for the full-text search: how text is cut into terms (the same rule for what is
//! indexed and what is asked), how a query is read, and where in a text it matches.
//!
//! A term is a run of letters and digits, lowercased, so `RF-20931` is the two terms
//! `rf` and `20931` next to each other. A query word made of several terms (`RF-20931`,
//! `555-0123`, `ann@example.com`) and a quoted phrase (`"refund sent"`) must match as a
//! phrase: the terms in that order, side by side. Other words must all appear, anywhere.

/// Longest term kept, in bytes; longer runs are cut (at a character boundary) the same
/// way in the text and in the query, so they still match each other.
pub const MAX_TERM_BYTES: usize = 48;

/// One term of a text: where it is (byte offsets) and its normalised form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub term: String,
}

/// Cuts `text` into terms, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for (at, ch) in text.char_indices().chain([(text.len(), ' ')]) {
        match (ch.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                out.push(Token {
                    start: from,
                    end: at,
                    term: normalise(&text[from..at]),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn normalise(word: &str) -> String {
    let mut term = String::with_capacity(word.len());
    for ch in word.chars().flat_map(char::to_lowercase) {
        if term.len() + ch.len_utf8() > MAX_TERM_BYTES {
            break;
        }
        term.push(ch);
    }
    term
}

/// Every distinct term of `text`, sorted (what the index holds for it).
pub fn distinct_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = tokens(text).into_iter().map(|t| t.term).collect();
    terms.sort();
    terms.dedup();
    terms
}

/// A query: groups of terms, each a phrase (a single term is a phrase of one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub phrases: Vec<Vec<String>>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let mut phrases = Vec::new();
        for (i, part) in text.split('"').enumerate() {
            let quoted = i % 2 == 1;
            if quoted {
                push_phrase(&mut phrases, part);
            } else {
                for word in part.split_whitespace() {
                    push_phrase(&mut phrases, word);
                }
            }
        }
        phrases.dedup();
        Query { phrases }
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every distinct term the query needs, for the index look-up.
    pub fn terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = self.phrases.iter().flatten().cloned().collect();
        terms.sort();
        terms.dedup();
        terms
    }

    /// Whether some phrase has more than one term (so the index alone cannot decide).
    pub fn needs_verifying(&self) -> bool {
        self.phrases.iter().any(|p| p.len() > 1)
    }

    /// Whether the texts, taken together, hold every phrase; with where the first
    /// phrase matches as (text index, byte start, byte end), to mark it.
    pub fn find(&self, texts: &[&str]) -> Option<(usize, usize, usize)> {
        let tokenised: Vec<Vec<Token>> = texts.iter().map(|t| tokens(t)).collect();
        let mut first = None;
        for phrase in &self.phrases {
            let found = tokenised.iter().enumerate().find_map(|(at, tokens)| {
                find_phrase(tokens, phrase).map(|(start, end)| (at, start, end))
            })?;
            first.get_or_insert(found);
        }
        first
    }
}

fn push_phrase(phrases: &mut Vec<Vec<String>>, text: &str) {
    let terms: Vec<String> = tokens(text).into_iter().map(|t| t.term).collect();
    if !terms.is_empty() {
        phrases.push(terms);
    }
}

/// Byte span of the first place the terms of `phrase` follow each other in `tokens`.
fn find_phrase(tokens: &[Token], phrase: &[String]) -> Option<(usize, usize)> {
    if phrase.is_empty() || tokens.len() < phrase.len() {
        return None;
    }
    tokens.windows(phrase.len()).find_map(|window| {
        window
            .iter()
            .zip(phrase)
            .all(|(token, term)| &token.term == term)
            .then(|| (window[0].start, window[window.len() - 1].end))
    })
}

/// The line of `text` holding byte `at`, with `start..end` made relative to it (cut at
/// the line's end when the match runs over).
pub fn line_around(text: &str, start: usize, end: usize) -> (String, usize, usize) {
    let from = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let to = text[from..].find('\n').map_or(text.len(), |i| from + i);
    let line = &text[from..to];
    let start = start - from;
    let end = end.min(to) - from;
    (line.to_string(), start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refund_reference_is_two_terms_that_match_as_a_phrase() {
        let terms: Vec<String> = tokens("Refund RF-20931 sent.")
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(terms, ["refund", "rf", "20931", "sent"]);
        let query = Query::parse("rf-20931");
        assert_eq!(query.phrases, vec![vec!["rf".to_string(), "20931".into()]]);
        assert!(query.needs_verifying());
        assert_eq!(query.find(&["Refund RF-20931 sent."]), Some((0, 7, 15)));
        // The same terms apart are not the phrase.
        assert_eq!(query.find(&["RF form, case 20931"]), None);
    }

    #[test]
    fn words_must_all_appear_and_quotes_make_a_phrase() {
        let query = Query::parse("sent refund");
        assert!(!query.needs_verifying());
        assert!(query.find(&["refund was sent"]).is_some());
        assert!(query.find(&["refund was late"]).is_none());
        let quoted = Query::parse("\"refund sent\"");
        assert!(quoted.find(&["refund was sent"]).is_none());
        assert!(quoted.find(&["the REFUND   sent"]).is_some());
        assert!(Query::parse("  -- ").is_empty());
    }

    #[test]
    fn terms_are_lowercased_and_cut_the_same_way_in_text_and_query() {
        let long = "x".repeat(200);
        let query = Query::parse(&long);
        assert_eq!(query.terms()[0].len(), MAX_TERM_BYTES);
        assert!(query.find(&[&format!("a {long}y b")]).is_some());
        assert_eq!(distinct_terms("Émile émile"), ["émile"]);
    }

    #[test]
    fn the_matching_line_is_cut_out_with_the_span() {
        let text = "first line\nrefund RF-1 sent\nlast";
        let query = Query::parse("rf-1");
        let (_, start, end) = query.find(&[text]).unwrap();
        let (line, s, e) = line_around(text, start, end);
        assert_eq!(line, "refund RF-1 sent");
        assert_eq!(&line[s..e], "RF-1");
    }
}

//! Turning call notes into the features the road models read: words in lower case with
//! punctuation stripped (a `#tag` counts as its word), the shorthand agents type spelled
//! out (`cust`, `acct`, `pw`, `cb`…), a light suffix stemmer so "apologised",
//! "apologising" and "apologize" meet, negations joined to the word they negate
//! ("can't help" → `not_help`), and pairs of neighbouring words within a clause.
//!
//! Every feature remembers where in the text its words were, so a suggestion can mark its
//! cue words in the notes.

use std::ops::Range;

/// One word of the notes after normalising, with where it sits in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub span: Range<usize>,
    /// The first word of a clause (after `.`, `;`, a line break…): no pair crosses it.
    pub clause_start: bool,
}

/// A feature's key: a 64-bit hash of its normalised words (FNV-1a). Hashing keeps
/// prediction free of string allocation; at this size collisions do not happen in practice.
pub type FeatureKey = u64;

/// One feature found in a note: its key and the span of text it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    pub key: FeatureKey,
    pub span: Range<usize>,
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash ^= 0x1f;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        for byte in part.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The key of one word (already normalised), as `features` makes it.
pub fn word_key(term: &str) -> FeatureKey {
    fnv1a(&[term])
}

/// The key of a pair of neighbouring words.
pub fn pair_key(first: &str, second: &str) -> FeatureKey {
    fnv1a(&[first, second])
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’'
}

fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | ';' | '!' | '?' | '\n' | ':' | '(' | ')' | '>' | '"' | '-' | '–' | '—' | '|'
    )
}

/// Shorthand and frequent misspellings written out, so "cust" and "customer" are one word.
fn expand(word: &str) -> &str {
    match word {
        "cust" | "custs" | "cx" | "custmer" | "customers" | "cusotmer" | "customr" => "customer",
        "acct" | "acc" | "accts" | "acount" | "accounts" => "account",
        "pw" | "pwd" | "passwd" | "pword" => "password",
        "msg" | "msgs" | "mesage" => "message",
        "cb" | "callback" | "callbacks" | "cbk" => "callback",
        "tmrw" | "tmr" | "tmrow" | "tomorow" | "2moro" => "tomorrow",
        "thru" => "through",
        "pls" | "plz" => "please",
        "w" => "with",
        "appt" | "appts" => "appointment",
        "dept" | "depts" => "department",
        "mgr" | "mgmt" => "manager",
        "info" => "information",
        "ts" | "tsd" | "troubleshot" | "troubleshooting" => "troubleshoot",
        "vm" => "voicemail",
        "wk" | "wks" => "week",
        "yr" | "yrs" => "year",
        "hr" | "hrs" => "hour",
        "min" | "mins" => "minute",
        "abt" => "about",
        "bc" | "cos" | "coz" | "cuz" => "because",
        "u" => "you",
        "ur" => "your",
        "thx" | "thnx" | "ty" => "thanks",
        "teh" => "the",
        "wiht" => "with",
        "recieved" => "received",
        "apologized" | "apologised" | "apologise" | "apologize" | "apologising" | "apologizing"
        | "apologies" | "apology" | "apologisd" | "appologised" => "apologise",
        "sorry" | "soz" => "sorry",
        "transfered" | "transferd" | "xfer" | "xferred" | "xfered" => "transferred",
        _ => word,
    }
}

/// Words that negate the next one.
fn is_negation(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "cant"
            | "cannot"
            | "dont"
            | "didnt"
            | "doesnt"
            | "wont"
            | "couldnt"
            | "wouldnt"
            | "isnt"
            | "wasnt"
            | "arent"
            | "havent"
            | "hasnt"
            | "shouldnt"
            | "unable"
    )
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// A light suffix stemmer: good enough to join the forms of a word, never so eager that
/// short words lose their meaning (a stem keeps at least three letters).
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.is_ascii() || word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_string();
    }
    let word = word.replace("iz", "is");
    if let Some(base) = word.strip_suffix("ies")
        && base.len() >= 3
    {
        return format!("{base}y");
    }
    for suffix in ["ingly", "edly", "ings", "ing", "ed", "es", "ly", "s", "e"] {
        let Some(base) = word.strip_suffix(suffix) else {
            continue;
        };
        if base.len() < 3 || (suffix == "s" && base.ends_with('s')) {
            continue;
        }
        let bytes = base.as_bytes();
        let n = bytes.len();
        // "resetting" → "resett" → "reset"; "passed" keeps its "ss".
        if matches!(suffix, "ing" | "ed" | "edly" | "ingly" | "ings")
            && n >= 4
            && bytes[n - 1] == bytes[n - 2]
            && !is_vowel(bytes[n - 1])
            && !matches!(bytes[n - 1], b'l' | b's' | b'z')
        {
            return base[..n - 1].to_string();
        }
        return base.to_string();
    }
    word
}

/// The words of `text`, normalised, with their spans. Numbers become `0` (their value says
/// nothing about the road); a negation joins the next word as `not_word`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut clause_start = true;
    let mut negate_next = false;
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if !is_word_char(c) || c == '\'' || c == '’' {
            if ends_clause(c) || c == ',' {
                clause_start = true;
                negate_next = false;
            }
            chars.next();
            continue;
        }
        let mut end = at;
        while let Some(&(i, c)) = chars.peek() {
            if !is_word_char(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let raw = &text[at..end];
        let mut word: String = raw
            .chars()
            .filter(|c| *c != '\'' && *c != '’')
            .flat_map(char::to_lowercase)
            .collect();
        // "she's", "customer's": the possessive adds nothing.
        if raw.ends_with("'s") || raw.ends_with("’s") {
            word.pop();
        }
        if word.is_empty() {
            continue;
        }
        // "w/" is "with"; a lone "w" otherwise is too rare to matter.
        let term = if word.bytes().any(|b| b.is_ascii_digit()) {
            "0".to_string()
        } else {
            stem(expand(&word))
        };
        if is_negation(&word) {
            tokens.push(Token {
                term: "not".to_string(),
                span: at..end,
                clause_start,
            });
            clause_start = false;
            negate_next = true;
            continue;
        }
        let term = if negate_next {
            negate_next = false;
            format!("not_{term}")
        } else {
            term
        };
        tokens.push(Token {
            term,
            span: at..end,
            clause_start,
        });
        clause_start = false;
    }
    tokens
}

/// The features of a note: every word, and every pair of neighbouring words in a clause.
pub fn features(text: &str) -> Vec<Feature> {
    let tokens = tokenize(text);
    let mut out = Vec::with_capacity(tokens.len() * 2);
    for (i, token) in tokens.iter().enumerate() {
        out.push(Feature {
            key: word_key(&token.term),
            span: token.span.clone(),
        });
        if i > 0 && !token.clause_start {
            let before = &tokens[i - 1];
            out.push(Feature {
                key: pair_key(&before.term, &token.term),
                span: before.span.start..token.span.end,
            });
        }
    }
    out
}

/// The distinct feature keys of a note (presence, not counts: in short notes a repeated
/// word is not stronger evidence), sorted for stable iteration.
pub fn distinct_keys(text: &str) -> Vec<FeatureKey> {
    let mut keys: Vec<FeatureKey> = features(text).into_iter().map(|f| f.key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn shorthand_tags_and_punctuation_are_normalised() {
        assert_eq!(
            terms("Cust's PW reset, cb tmrw #billing!"),
            [
                "customer", "password", "reset", "callback", "tomorrow", "bill"
            ]
        );
    }

    #[test]
    fn negations_join_the_next_word() {
        assert_eq!(
            terms("can't help, no refund"),
            ["not", "not_help", "not", "not_refund"]
        );
        // A negation does not reach past the end of its clause.
        assert_eq!(terms("not. help"), ["not", "help"]);
    }

    #[test]
    fn forms_of_a_word_share_a_stem() {
        for form in ["apologised", "apologized", "apologising", "apology"] {
            assert_eq!(terms(form), ["apologis"], "{form}");
        }
        assert_eq!(stem("walked"), "walk");
        assert_eq!(stem("walking"), "walk");
        assert_eq!(stem("resetting"), "reset");
        assert_eq!(stem("passed"), "pass");
        assert_eq!(stem("issues"), stem("issue"));
    }

    #[test]
    fn spans_point_at_the_original_text_and_pairs_stay_in_a_clause() {
        let text = "Waived fee. Follow up";
        let features = features(text);
        let spans: Vec<&str> = features.iter().map(|f| &text[f.span.clone()]).collect();
        assert_eq!(
            spans,
            ["Waived", "fee", "Waived fee", "Follow", "up", "Follow up"]
        );
    }

    #[test]
    fn any_text_tokenises_without_panicking() {
        for text in ["", "’’’", "#", "ǅ’s", "日本語のメモ", "a\u{0}b", "'s's"] {
            let _ = features(text);
        }
    }
}

//! Text rules: making customer text safe to draw, masking card numbers, and reading the
//! `#tags` and `>` stories out of notes.

use std::borrow::Cow;

/// Replaces control characters and bidirectional overrides with visible placeholders, so
/// text from customers or files can never move the cursor or restyle the terminal.
/// Tabs become one space. Use on one line at a time (newlines become a placeholder too).
pub fn sanitize_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_placeholder) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(placeholder).collect())
}

fn needs_placeholder(c: char) -> bool {
    c.is_control() || is_hidden_format(c)
}

/// Characters that change how the text around them reads without showing themselves:
/// bidirectional overrides and marks (a name that reads backwards), and zero-width ones
/// (two names that look the same and are not).
pub fn is_hidden_format(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

fn placeholder(c: char) -> char {
    match c {
        '\t' => ' ',
        // C0 controls have their own "control picture" glyphs (␀ … ␟), DEL has ␡.
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        c if needs_placeholder(c) => '\u{FFFD}',
        c => c,
    }
}

/// Cleans text typed or pasted into a multi-line field: CR, LF and CRLF line ends all
/// become `\n` (terminals send CR on paste), tabs become spaces as the editor shows them,
/// and other controls become visible placeholders.
pub fn sanitize_multiline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' => out.push('\n'),
            c => out.push(placeholder(c)),
        }
    }
    out
}

/// The first non-empty line, for one-line summaries.
pub fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
}

/// "1 call", "2 calls", "0 calls": the count and the word in the form its number needs.
/// The words may hold a verb too: `plural(n, "call matches", "calls match")`.
pub fn plural<N>(n: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// Luhn checksum over ASCII digits.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(*d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// Masks what looks like a payment card number (13–19 digits, optionally grouped by
/// single spaces or dashes, passing the Luhn check), keeping the last four digits.
/// Returns the text and how many numbers were masked.
pub fn mask_card_numbers(text: &str) -> (Cow<'_, str>, usize) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied_to = 0;
    let mut masked = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_run = bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit());
        if !starts_run {
            i += 1;
            continue;
        }
        let (end, digits) = digit_run(bytes, i);
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after_ok = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
        if before_ok && after_ok && (13..=19).contains(&digits.len()) && luhn_valid(&digits) {
            out.push_str(&text[copied_to..i]);
            let last4 = String::from_utf8_lossy(&digits[digits.len() - 4..]).into_owned();
            out.push_str(&format!("[card ****{last4}]"));
            copied_to = end;
            masked += 1;
        }
        i = end.max(i + 1);
    }
    if masked == 0 {
        return (Cow::Borrowed(text), 0);
    }
    out.push_str(&text[copied_to..]);
    (Cow::Owned(out), masked)
}

/// From `start` (a digit), the end of a run of digits joined by single spaces or dashes,
/// and the digits in it.
fn digit_run(bytes: &[u8], start: usize) -> (usize, Vec<u8>) {
    let mut digits = Vec::new();
    let mut i = start;
    let mut end = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            digits.push(b);
            i += 1;
            end = i;
        } else if (b == b' ' || b == b'-')
            && i + 1 < bytes.len()
            && bytes[i + 1].is_ascii_digit()
            && i > start
            && bytes[i - 1].is_ascii_digit()
        {
            i += 1;
        } else {
            break;
        }
        if digits.len() > 19 {
            // Too long to be a card; consume the rest of the run without masking.
            while end < bytes.len() && (bytes[end].is_ascii_digit()) {
                end += 1;
            }
            return (end, Vec::new());
        }
    }
    (end, digits)
}

/// `#tag` tokens, lowercased, in order of first appearance, without repeats.
pub fn extract_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '&');
        if chars[i] == '#' && boundary {
            let word: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-')
                .collect();
            let word = word.trim_end_matches('-').to_lowercase();
            let has_letter = word.chars().any(char::is_alphabetic);
            if has_letter && !tags.contains(&word) {
                tags.push(word.clone());
            }
            i += 1 + word.chars().count();
        } else {
            i += 1;
        }
    }
    tags
}

/// Story lines: lines starting with `>` hold the customer's own words.
pub fn extract_stories(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix('>'))
        .map(|story| story.trim().to_string())
        .filter(|story| !story.is_empty())
        .collect()
}

/// "Dana's", "Harcourt & Vale Solicitors'": the possessive of a name.
pub fn possessive(name: &str) -> String {
    if name.ends_with('s') || name.ends_with('S') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// The pattern the notes editor highlights: tags and story lines.
pub const HIGHLIGHT_PATTERN: &str = r"(^\s*>.*$)|(#[\p{L}\p{N}_-]*[\p{L}][\p{L}\p{N}_-]*)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_agrees_with_its_number() {
        assert_eq!(plural(1u64, "call", "calls"), "1 call");
        assert_eq!(plural(0usize, "call", "calls"), "0 calls");
        assert_eq!(plural(2i64, "case", "cases"), "2 cases");
        assert_eq!(plural(-1i64, "customer", "customers"), "-1 customers");
        assert_eq!(
            plural(1u32, "call matches", "calls match"),
            "1 call matches"
        );
    }

    #[test]
    fn possessives_read_as_english() {
        assert_eq!(possessive("Dana Okafor"), "Dana Okafor's");
        assert_eq!(
            possessive("Harcourt & Vale Solicitors"),
            "Harcourt & Vale Solicitors'"
        );
    }

    #[test]
    fn escape_sequences_become_visible() {
        let shown = sanitize_line("hi\x1b[2Jthere\x07\u{202E}");
        assert_eq!(shown, "hi\u{241B}[2Jthere\u{2407}\u{FFFD}");
        assert!(!shown.chars().any(char::is_control));
        assert!(matches!(sanitize_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(sanitize_multiline("a\r\nb\tc\x1b"), "a\nb c\u{241B}");
    }

    #[test]
    fn every_line_end_is_a_line_break() {
        // Terminals send CR on paste; files bring LF or CRLF; a mix stays line by line.
        assert_eq!(sanitize_multiline("one\rtwo\r\rfour"), "one\ntwo\n\nfour");
        assert_eq!(sanitize_multiline("a\r\nb\nc\rd\n\r"), "a\nb\nc\nd\n\n");
        assert!(!sanitize_multiline("x\ry\r\n").contains('\u{240D}'));
    }

    #[test]
    fn card_numbers_are_masked_and_others_kept() {
        let (text, n) = mask_card_numbers("card 4111 1111 1111 1111 exp 12/29");
        assert_eq!(text, "card [card ****1111] exp 12/29");
        assert_eq!(n, 1);
        let (text, n) = mask_card_numbers("5555-5555-5555-4444 and 378282246310005");
        assert_eq!(text, "[card ****4444] and [card ****0005]");
        assert_eq!(n, 2);
        // Fails Luhn: a plain account number stays.
        let (text, n) = mask_card_numbers("acct 4111111111111112");
        assert_eq!((text.as_ref(), n), ("acct 4111111111111112", 0));
        // Phone numbers and short numbers stay.
        let (_, n) = mask_card_numbers("+44 20 7946 0123, ref 12345");
        assert_eq!(n, 0);
    }

    #[test]
    fn tags_and_stories_are_read_from_notes() {
        let notes = "Router down #outage #Router\nsee #outage again, not a#tag or #42\n> I pay every month\n  >  still no signal ";
        assert_eq!(extract_tags(notes), ["outage", "router"]);
        assert_eq!(
            extract_stories(notes),
            ["I pay every month", "still no signal"]
        );
        assert_eq!(first_line("\n\n  first  \nsecond"), "first");
    }
}

//! Making user text safe inside CommonMark: every ASCII punctuation character is
//! backslash-escaped (so `|`, `#`, `*`, `<`, backticks and the rest are literal), line
//! breaks become spaces, control characters go; and redaction of emails, phone numbers
//! and card-like numbers.

use crate::domain::text::{is_hidden_format, mask_card_numbers};

/// Characters with a meaning anywhere in a line of CommonMark (or a GFM table).
const ALWAYS: &str = "\\`*_[]<>#|~&!";
/// Characters with a meaning at the start of a line (lists, setext underlines).
const AT_START: &str = "-+=";

/// `text` as literal inline CommonMark, on one line: safe in a table cell, a list item,
/// a quote, or at the start of a line of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut last_space = true;
    let mut leading_digits = true;
    for c in text.chars() {
        if c == '\n' || c == '\r' || c == '\t' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        if c.is_control() || (c == ' ' && out.is_empty()) {
            continue;
        }
        // As on screen: a right-to-left override or a zero-width character shows as what
        // it is (a replacement mark) instead of turning the text around or hiding.
        if is_hidden_format(c) {
            out.push('\u{FFFD}');
            last_space = false;
            leading_digits = false;
            continue;
        }
        let at_start = out.is_empty();
        // "1." or "1)" at the start would begin an ordered list.
        let ends_number = leading_digits && !at_start && (c == '.' || c == ')');
        if ALWAYS.contains(c) || (at_start && AT_START.contains(c)) || ends_number {
            out.push('\\');
        }
        leading_digits = leading_digits && c.is_ascii_digit();
        out.push(c);
        last_space = c == ' ';
    }
    out.trim_end().to_string()
}

/// Emails become `[email]`, phone numbers `[phone]`, card numbers `[card ****1234]`.
pub fn redact(text: &str) -> String {
    let (masked, _) = mask_card_numbers(text);
    let words: Vec<String> = masked
        .split(' ')
        .map(|word| {
            let core = word.trim_matches(|c: char| !c.is_alphanumeric());
            if let Some((user, host)) = core.split_once('@')
                && !user.is_empty()
                && host.contains('.')
            {
                word.replace(core, "[email]")
            } else {
                word.to_string()
            }
        })
        .collect();
    redact_phones(&words.join(" "))
}

fn is_date(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Runs of digits with `+ - ( ) .` and spaces holding 7 or more digits (not a date).
fn redact_phones(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() || chars[i] == '+' || chars[i] == '(';
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        let mut digits = 0;
        while end < chars.len() && (chars[end].is_ascii_digit() || " +-().".contains(chars[end])) {
            if chars[end].is_ascii_digit() {
                digits += 1;
            }
            end += 1;
        }
        // Do not swallow the separators after the last digit.
        while end > i && !chars[end - 1].is_ascii_digit() {
            end -= 1;
        }
        if end == i {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run: String = chars[i..end].iter().collect();
        // A date (perhaps followed by a time) is not a phone number.
        if let Some(date) = run.get(..10).filter(|d| is_date(d)) {
            out.push_str(date);
            i += 10;
            continue;
        }
        if digits >= 7 {
            out.push_str("[phone]");
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn bidirectional_overrides_and_zero_width_characters_are_shown_not_obeyed() {
        let out = super::escape("Ann\u{202E}gnp.exe Zero\u{200B}Width\u{FEFF}");
        assert!(
            !out.contains('\u{202E}') && !out.contains('\u{200B}') && !out.contains('\u{FEFF}')
        );
        assert_eq!(out.matches('\u{FFFD}').count(), 3, "{out}");
    }

    use super::*;

    #[test]
    fn hostile_text_is_literal() {
        assert_eq!(
            escape("Ann | <b>Ops</b> # *1*"),
            "Ann \\| \\<b\\>Ops\\</b\\> \\# \\*1\\*"
        );
        assert_eq!(
            escape("line one\nline `two`\r\n"),
            "line one line \\`two\\`"
        );
        assert_eq!(escape("a\u{1b}[31mb"), "a\\[31mb");
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("   2026. a year"), "2026\\. a year");
        assert_eq!(escape("don't (really), 1.5"), "don't (really), 1.5");
    }

    #[test]
    fn redaction_keeps_dates_and_short_numbers() {
        assert_eq!(
            redact("mail ann.lee@example.com or ring +44 20 7946 0000, ref 4411 on 2026-11-24"),
            "mail [email] or ring [phone], ref 4411 on 2026-11-24"
        );
        assert_eq!(
            redact("at 2026-11-24 14:05 call"),
            "at 2026-11-24 14:05 call"
        );
        assert_eq!(
            redact("card 4111 1111 1111 1111 please"),
            "card [card ****1111] please"
        );
    }
}

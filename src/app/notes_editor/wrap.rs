//! Soft wrapping of one line of notes into screen rows of a given width.
//!
//! Rules: a row breaks at spaces; a word no wider than the row never breaks (a `#tag` is
//! a word); a continuation row never starts with the spaces it broke at (they hang at the
//! end of the row before, unseen); a word wider than the row breaks between glyphs, and
//! a wide glyph is never split across rows.

use unicode_width::UnicodeWidthChar;

/// One screen row of a line: where it starts (byte and char offsets into the line).
/// It runs to the start of the next row, or to the end of the line for the last row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub byte: usize,
    pub char: usize,
}

/// Display width of one char as the terminal draws it (controls never reach the text).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The rows of `line` at `width` columns (at least one row, even for an empty line).
pub fn wrap(line: &str, width: usize) -> Vec<Row> {
    let mut rows = vec![Row { byte: 0, char: 0 }];
    wrap_from(line, width, &mut rows, |_| false);
    rows
}

/// One edit within a line: where it starts, and where it ends before and after it
/// (char and byte offsets), for [`rewrap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineEdit {
    pub start: Row,
    pub old_end: Row,
    pub new_end: Row,
}

/// The rows of `line` after `edit`, given the rows of the line before it: rows before
/// the edit are kept, the wrap restarts one row before it, and once a row starts where
/// an old row started (shifted by the edit) the old rows are reused. So typing into a
/// line of a megabyte costs about one row, not the whole line.
///
/// This holds because every row start is a clean restart point: wrapping from it knows
/// nothing of what came before.
pub fn rewrap(line: &str, width: usize, old: &[Row], edit: LineEdit) -> Vec<Row> {
    let r = old
        .partition_point(|row| row.char <= edit.start.char)
        .max(1)
        - 1;
    let restart = r.saturating_sub(1);
    let mut rows = old[..=restart.min(old.len() - 1)].to_vec();
    let dc = edit.new_end.char as isize - edit.old_end.char as isize;
    let db = edit.new_end.byte as isize - edit.old_end.byte as isize;
    let mut resume_at = None;
    wrap_from(line, width, &mut rows, |row| {
        if row.char < edit.new_end.char {
            return false;
        }
        let old_row = Row {
            byte: (row.byte as isize - db) as usize,
            char: (row.char as isize - dc) as usize,
        };
        match old.binary_search_by_key(&old_row.char, |r| r.char) {
            Ok(i) if old[i] == old_row => {
                resume_at = Some(i + 1);
                true
            }
            _ => false,
        }
    });
    if let Some(i) = resume_at {
        rows.extend(old[i..].iter().map(|row| Row {
            byte: (row.byte as isize + db) as usize,
            char: (row.char as isize + dc) as usize,
        }));
    }
    rows
}

/// Wraps `line` from the start of the last row in `rows`, pushing the rows after it.
/// `stop` is asked about each row start once it is final; true ends the wrap there.
fn wrap_from(line: &str, width: usize, rows: &mut Vec<Row>, mut stop: impl FnMut(Row) -> bool) {
    let width = width.max(1);
    let Some(&first) = rows.last() else {
        return;
    };
    let mut used = 0usize;
    // Where the word being read starts (byte, char) and its width so far, so a word that
    // does not fit can move to the next row as a whole.
    let mut word_start: Option<(usize, usize)> = None;
    let mut word_width = 0usize;
    // Set after a break at spaces: further spaces hang on the row before.
    let mut hanging = false;
    let rest = line.get(first.byte..).unwrap_or("");
    for (i, (b, c)) in rest.char_indices().enumerate() {
        let (ci, bi) = (first.char + i, first.byte + b);
        let w = char_width(c);
        if c == ' ' {
            word_start = None;
            word_width = 0;
            if hanging {
                // The row before broke here; the next row starts after these spaces.
                if let Some(last) = rows.last_mut() {
                    *last = Row {
                        byte: bi + 1,
                        char: ci + 1,
                    };
                }
                continue;
            }
            if used + w > width {
                // The space does not fit: it hangs, and the row after starts past it.
                rows.push(Row {
                    byte: bi + 1,
                    char: ci + 1,
                });
                used = 0;
                hanging = true;
            } else {
                used += w;
            }
            continue;
        }
        if hanging {
            hanging = false;
            if let Some(&last) = rows.last()
                && stop(last)
            {
                return;
            }
        }
        if word_start.is_none() {
            word_start = Some((bi, ci));
            word_width = 0;
        }
        word_width += w;
        if used + w <= width {
            used += w;
            continue;
        }
        // This glyph does not fit on the row.
        let (wb, wc) = word_start.unwrap_or((bi, ci));
        let row_start = rows.last().map_or(0, |r| r.char);
        if ci == row_start {
            // Alone on its row and still too wide: it keeps the row for itself.
            used += w;
            continue;
        }
        let next = if word_width <= width && wc > row_start {
            // The whole word moves to a new row.
            used = word_width;
            Row { byte: wb, char: wc }
        } else {
            // A word wider than the row (or a row holding only this word): break here.
            used = w;
            // What follows of this word is measured from this row on.
            word_start = Some((bi, ci));
            word_width = w;
            Row { byte: bi, char: ci }
        };
        rows.push(next);
        if stop(next) {
            return;
        }
    }
    // Spaces that overflow at the very end of the line leave an empty last row, where
    // the cursor after them is seen.
}

/// Display width of `text`.
pub fn text_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows as strings (hanging spaces included at row ends).
    fn shown(line: &str, width: usize) -> Vec<String> {
        let rows = wrap(line, width);
        rows.iter()
            .enumerate()
            .map(|(i, row)| {
                let end = rows.get(i + 1).map_or(line.len(), |next| next.byte);
                line[row.byte..end].trim_end().to_string()
            })
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_never_inside_a_tag() {
        assert_eq!(
            shown("router drops #wifi-issue again", 16),
            ["router drops", "#wifi-issue", "again"]
        );
        for width in 11..40 {
            for row in shown("router drops #wifi-issue again and #billing too", width) {
                assert!(!row.starts_with(' '), "{row:?} at {width}");
                assert!(text_width(&row) <= width, "{row:?} at {width}");
                for word in row.split(' ') {
                    if word.starts_with('#') {
                        assert!(word == "#wifi-issue" || word == "#billing", "{word}");
                    }
                }
            }
        }
    }

    #[test]
    fn continuation_rows_never_start_with_the_space_they_broke_at() {
        let rows = wrap("aaaa bbbb   cccc", 4);
        let line = "aaaa bbbb   cccc";
        for row in &rows[1..] {
            assert_ne!(&line[row.byte..row.byte + 1], " ");
        }
        assert_eq!(shown(line, 4), ["aaaa", "bbbb", "cccc"]);
    }

    #[test]
    fn leading_spaces_of_the_line_are_kept() {
        assert_eq!(shown("  > said so", 20), ["  > said so"]);
    }

    #[test]
    fn long_words_break_by_glyph() {
        assert_eq!(shown("see abcdefghij", 4), ["see", "abcd", "efgh", "ij"]);
        assert_eq!(shown("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_glyphs_are_never_split() {
        // Each of these takes two columns.
        let rows = shown("日本語のテキスト", 5);
        assert_eq!(rows, ["日本", "語の", "テキ", "スト"]);
        for row in rows {
            assert!(text_width(&row) <= 5);
        }
        // A glyph wider than the row still gets a row of its own (no endless loop).
        assert_eq!(shown("日本", 1), ["日", "本"]);
    }

    /// A tiny deterministic generator, so the test needs no crate and always repeats.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn rewrapping_after_an_edit_equals_wrapping_from_scratch() {
        let alphabet: Vec<char> = "ab #日é  xyz".chars().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..3_000 {
            let len = (next(&mut seed) % 60) as usize;
            let old: String = (0..len)
                .map(|_| alphabet[(next(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            let width = 1 + (next(&mut seed) % 12) as usize;
            let chars: Vec<(usize, char)> = old.char_indices().collect();
            let at = (next(&mut seed) % (chars.len() as u64 + 1)) as usize;
            let remove = ((next(&mut seed) % 4) as usize).min(chars.len() - at);
            let insert: String = (0..(next(&mut seed) % 4))
                .map(|_| alphabet[(next(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            let byte = |i: usize| chars.get(i).map_or(old.len(), |(b, _)| *b);
            let (start_b, end_b) = (byte(at), byte(at + remove));
            let new = format!("{}{}{}", &old[..start_b], insert, &old[end_b..]);
            let edit = LineEdit {
                start: Row {
                    byte: start_b,
                    char: at,
                },
                old_end: Row {
                    byte: end_b,
                    char: at + remove,
                },
                new_end: Row {
                    byte: start_b + insert.len(),
                    char: at + insert.chars().count(),
                },
            };
            let old_rows = wrap(&old, width);
            assert_eq!(
                rewrap(&new, width, &old_rows, edit),
                wrap(&new, width),
                "round {round}: {old:?} -> {new:?} at width {width}"
            );
        }
    }

    #[test]
    fn empty_line_is_one_row() {
        assert_eq!(wrap("", 10), [Row { byte: 0, char: 0 }]);
    }
}

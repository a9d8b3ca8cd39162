//! Terminal input bytes to key and paste events (xterm-style encodings: control bytes,
//! `ESC` + key as Alt, CSI and SS3 sequences with modifiers, bracketed paste).
//!
//! The decoder owns the byte stream, unlike crossterm's reader, so it can give up on
//! what never completes: a lone `ESC` or a cut-off sequence becomes a key (or is dropped)
//! once input goes quiet, and a bracketed paste whose end marker never comes ends once
//! input has been quiet for [`PASTE_QUIET`]: the text up to the first byte no paste
//! carries (a control byte other than tab, CR, LF) is delivered as the paste, and the
//! rest is read as keys again, so a Ctrl-Q pressed meanwhile still quits. The reader
//! ([`super::input`]) calls [`Decoder::timeout`] when nothing arrived for
//! [`Decoder::wait`].

use std::time::Duration;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// How long a cut-off escape sequence may wait for the rest of its bytes.
pub const ESCAPE_QUIET: Duration = Duration::from_millis(40);
/// How long an open bracketed paste may wait for more bytes before it is given up.
pub const PASTE_QUIET: Duration = Duration::from_millis(400);

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";
/// Longer CSI sequences are garbage, not keys.
const MAX_SEQUENCE: usize = 64;

#[derive(Default)]
pub struct Decoder {
    /// Bytes not decoded yet (an incomplete sequence or character).
    pending: Vec<u8>,
    /// The text of an open bracketed paste.
    paste: Option<Vec<u8>>,
}

/// What decoding one key at the front of the buffer gave.
enum Step {
    /// An event (or nothing, for a sequence we ignore) and the bytes it used.
    Done(Option<Event>, usize),
    /// A bracketed paste starts after these bytes.
    PasteStart(usize),
    /// More bytes are needed.
    Incomplete,
}

impl Decoder {
    /// How long to wait for more input before [`Decoder::timeout`]; `None`: nothing is
    /// waiting, block until input comes.
    pub fn wait(&self) -> Option<Duration> {
        if self.paste.is_some() {
            Some(PASTE_QUIET)
        } else if self.pending.is_empty() {
            None
        } else {
            Some(ESCAPE_QUIET)
        }
    }

    /// Decodes `bytes` (appended to what was pending) into `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Event>) {
        self.pending.extend_from_slice(bytes);
        self.decode(out, false);
    }

    /// Input went quiet: finish what is waiting.
    pub fn timeout(&mut self, out: &mut Vec<Event>) {
        if let Some(mut text) = self.paste.take() {
            // No end marker came: a broken paste. Keep the text part, re-read the rest.
            text.append(&mut self.pending);
            let cut = text
                .iter()
                .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n') || b == 0x7f)
                .unwrap_or(text.len());
            let rest = text.split_off(cut);
            if !text.is_empty() {
                out.push(Event::Paste(String::from_utf8_lossy(&text).into_owned()));
            }
            self.pending = rest;
            self.decode(out, false);
            return;
        }
        self.decode(out, true);
    }

    fn decode(&mut self, out: &mut Vec<Event>, quiet: bool) {
        let mut at = 0;
        loop {
            if let Some(text) = &mut self.paste {
                let rest = &self.pending[at..];
                match find(rest, PASTE_END) {
                    Some(end) => {
                        text.extend_from_slice(&rest[..end]);
                        let text = self.paste.take().unwrap_or_default();
                        out.push(Event::Paste(String::from_utf8_lossy(&text).into_owned()));
                        at += end + PASTE_END.len();
                        continue;
                    }
                    None => {
                        // Keep a possible start of the end marker for the next bytes.
                        let keep = (1..PASTE_END.len())
                            .rev()
                            .find(|&n| rest.len() >= n && rest.ends_with(&PASTE_END[..n]))
                            .unwrap_or(0);
                        text.extend_from_slice(&rest[..rest.len() - keep]);
                        at = self.pending.len() - keep;
                        break;
                    }
                }
            }
            if at >= self.pending.len() {
                break;
            }
            match step(&self.pending[at..], quiet) {
                Step::Done(event, used) => {
                    out.extend(event);
                    at += used.max(1);
                }
                Step::PasteStart(used) => {
                    self.paste = Some(Vec::new());
                    at += used;
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..at.min(self.pending.len()));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Event> {
    Some(Event::Key(KeyEvent::new(code, modifiers)))
}

/// Decodes the key at the front of `bytes`. `quiet`: no more bytes are coming soon, so
/// an incomplete sequence must be settled now.
fn step(bytes: &[u8], quiet: bool) -> Step {
    let Some(&first) = bytes.first() else {
        return Step::Incomplete;
    };
    if first != 0x1b {
        return match single(bytes) {
            Some((event, used)) => Step::Done(event, used),
            None if quiet => Step::Done(None, bytes.len()),
            None => Step::Incomplete,
        };
    }
    match bytes.get(1) {
        None if quiet => Step::Done(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        None => Step::Incomplete,
        Some(b'[') => csi(bytes, quiet),
        Some(b'O') => match bytes.get(2) {
            Some(&b) => Step::Done(ss3(b), 3),
            None if quiet => Step::Done(key(KeyCode::Char('O'), KeyModifiers::ALT), 2),
            None => Step::Incomplete,
        },
        Some(0x1b) => Step::Done(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        Some(_) => match single(&bytes[1..]) {
            Some((Some(Event::Key(mut k)), used)) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Done(Some(Event::Key(k)), used + 1)
            }
            Some((other, used)) => Step::Done(other, used + 1),
            None if quiet => Step::Done(None, bytes.len()),
            None => Step::Incomplete,
        },
    }
}

/// One key that is not an escape sequence: a control byte or a UTF-8 character.
/// `None` when the character is cut off.
fn single(bytes: &[u8]) -> Option<(Option<Event>, usize)> {
    let b = *bytes.first()?;
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let event = match b {
        b'\r' => key(KeyCode::Enter, none),
        b'\t' => key(KeyCode::Tab, none),
        0x7f => key(KeyCode::Backspace, none),
        0x00 => key(KeyCode::Char(' '), ctrl),
        0x01..=0x1a => key(KeyCode::Char((b - 0x01 + b'a') as char), ctrl),
        0x1b => key(KeyCode::Esc, none),
        0x1c..=0x1f => key(KeyCode::Char((b - 0x1c + b'4') as char), ctrl),
        0x20..=0x7e => {
            let c = b as char;
            let mods = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                none
            };
            key(KeyCode::Char(c), mods)
        }
        _ => {
            let len = match b {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                // A stray continuation byte or an invalid lead: skip it.
                _ => return Some((None, 1)),
            };
            if bytes.len() < len {
                // Cut off, unless what follows is not a continuation.
                return if bytes[1..].iter().all(|&c| c & 0xc0 == 0x80) {
                    None
                } else {
                    Some((None, 1))
                };
            }
            return Some(match std::str::from_utf8(&bytes[..len]) {
                Ok(text) => {
                    let c = text.chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                    let mods = if c.is_uppercase() {
                        KeyModifiers::SHIFT
                    } else {
                        none
                    };
                    (key(KeyCode::Char(c), mods), len)
                }
                Err(_) => (None, 1),
            });
        }
    };
    Some((event, 1))
}

fn ss3(b: u8) -> Option<Event> {
    let code = match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + b - b'P'),
        _ => return None,
    };
    key(code, KeyModifiers::NONE)
}

/// `ESC [` params intermediates final.
fn csi(bytes: &[u8], quiet: bool) -> Step {
    // Linux console F1–F5: ESC [ [ A..E.
    if bytes.get(2) == Some(&b'[') {
        return match bytes.get(3) {
            Some(&b @ b'A'..=b'E') => {
                Step::Done(key(KeyCode::F(1 + b - b'A'), KeyModifiers::NONE), 4)
            }
            Some(_) => Step::Done(None, 3),
            None if quiet => Step::Done(None, 3),
            None => Step::Incomplete,
        };
    }
    let mut end = 2;
    loop {
        match bytes.get(end) {
            Some(0x20..=0x3f) if end < MAX_SEQUENCE => end += 1,
            Some(0x40..=0x7e) => break,
            // Not a sequence after all (or garbage): drop the `ESC [` and read on.
            Some(_) => return Step::Done(None, end),
            None if quiet => return Step::Done(None, bytes.len()),
            None => return Step::Incomplete,
        }
    }
    let used = end + 1;
    if &bytes[..used] == PASTE_START {
        return Step::PasteStart(used);
    }
    let params: Vec<u32> = std::str::from_utf8(&bytes[2..end])
        .unwrap_or("")
        .split(';')
        .map(|p| {
            p.split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    let first = params.first().copied().unwrap_or(0);
    let mods = modifiers(params.get(1).copied().unwrap_or(1));
    let code = match bytes[end] {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => return Step::Done(key(KeyCode::BackTab, KeyModifiers::SHIFT), used),
        b'P'..=b'S' if !bytes[2..end].contains(&b'?') => KeyCode::F(1 + bytes[end] - b'P'),
        b'~' => match first {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            11..=15 => KeyCode::F((first - 10) as u8),
            17..=21 => KeyCode::F((first - 11) as u8),
            23..=26 => KeyCode::F((first - 12) as u8),
            28 | 29 => KeyCode::F((first - 13) as u8),
            31..=34 => KeyCode::F((first - 14) as u8),
            _ => return Step::Done(None, used),
        },
        b'u' => match first {
            13 => KeyCode::Enter,
            9 => KeyCode::Tab,
            27 => KeyCode::Esc,
            127 => KeyCode::Backspace,
            n => match char::from_u32(n) {
                Some(c) if !c.is_control() => KeyCode::Char(c),
                _ => return Step::Done(None, used),
            },
        },
        // Mouse, focus, reports and everything else: not keys.
        _ => return Step::Done(None, used),
    };
    Step::Done(key(code, mods), used)
}

/// The xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
fn modifiers(param: u32) -> KeyModifiers {
    let bits = param.saturating_sub(1);
    let mut mods = KeyModifiers::NONE;
    if bits & 1 != 0 {
        mods |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        mods |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        mods |= KeyModifiers::CONTROL;
    }
    mods
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]], quiet_after: bool) -> Vec<Event> {
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut out);
        }
        if quiet_after {
            decoder.timeout(&mut out);
        }
        out
    }

    fn k(code: KeyCode, mods: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, mods))
    }

    fn c(ch: char) -> Event {
        k(KeyCode::Char(ch), KeyModifiers::NONE)
    }

    #[test]
    fn plain_control_and_alt_keys() {
        let out = decode(&[b"a\x11\r\t\x7f\x1b3\x1b"], true);
        assert_eq!(
            out,
            vec![
                c('a'),
                k(KeyCode::Char('q'), KeyModifiers::CONTROL),
                k(KeyCode::Enter, KeyModifiers::NONE),
                k(KeyCode::Tab, KeyModifiers::NONE),
                k(KeyCode::Backspace, KeyModifiers::NONE),
                k(KeyCode::Char('3'), KeyModifiers::ALT),
                k(KeyCode::Esc, KeyModifiers::NONE),
            ]
        );
    }

    #[test]
    fn sequences_split_across_reads() {
        let out = decode(
            &[b"\x1b", b"[1;5", b"A\x1bO", b"P\x1b[6~\x1b[Z\xc3", b"\xa9"],
            false,
        );
        assert_eq!(
            out,
            vec![
                k(KeyCode::Up, KeyModifiers::CONTROL),
                k(KeyCode::F(1), KeyModifiers::NONE),
                k(KeyCode::PageDown, KeyModifiers::NONE),
                k(KeyCode::BackTab, KeyModifiers::SHIFT),
                c('é'),
            ]
        );
        assert_eq!(
            decode(&[b"\x1b[15~\x1b[24;2~"], false),
            vec![
                k(KeyCode::F(5), KeyModifiers::NONE),
                k(KeyCode::F(12), KeyModifiers::SHIFT),
            ]
        );
    }

    #[test]
    fn a_lone_escape_waits_only_until_input_goes_quiet() {
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        decoder.feed(b"\x1b", &mut out);
        assert!(out.is_empty());
        assert_eq!(decoder.wait(), Some(ESCAPE_QUIET));
        decoder.timeout(&mut out);
        assert_eq!(out, vec![k(KeyCode::Esc, KeyModifiers::NONE)]);
        assert_eq!(decoder.wait(), None);
    }

    #[test]
    fn a_bracketed_paste_arrives_whole_even_in_pieces() {
        let out = decode(&[b"\x1b[200~one\r\ntw", b"o\x1b[20", b"1~x"], false);
        assert_eq!(out, vec![Event::Paste("one\r\ntwo".into()), c('x')]);
    }

    #[test]
    fn an_unterminated_paste_gives_up_and_ctrl_q_still_arrives() {
        let mut decoder = Decoder::default();
        let mut out = Vec::new();
        decoder.feed(b"\x1b[200~hello", &mut out);
        decoder.feed(b"\x11", &mut out);
        assert!(out.is_empty(), "nothing before the paste gives up: {out:?}");
        assert_eq!(decoder.wait(), Some(PASTE_QUIET));
        decoder.timeout(&mut out);
        assert_eq!(
            out,
            vec![
                Event::Paste("hello".into()),
                k(KeyCode::Char('q'), KeyModifiers::CONTROL),
            ]
        );
        // Keys are read normally afterwards.
        out.clear();
        decoder.feed(b"\x1b[A", &mut out);
        assert_eq!(out, vec![k(KeyCode::Up, KeyModifiers::NONE)]);
    }

    #[test]
    fn garbage_never_blocks_what_follows() {
        let long = [b"\x1b[".as_slice(), &[b'1'; 200], b"q"].concat();
        let out = decode(&[&long, b"\xff\x80z"], true);
        assert_eq!(out.last(), Some(&c('z')));
        assert!(out.contains(&c('q')) || out.iter().filter(|e| **e == c('1')).count() > 0);
    }
}

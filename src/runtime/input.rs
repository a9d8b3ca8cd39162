//! The input threads: one blocks reading the terminal and hands on whatever bytes came,
//! the other decodes them ([`super::decode`]) and sends events to the loop.
//!
//! Why not crossterm's `event::read`: in crossterm 0.29 (unix, mio source) the reader
//! reads at most 1,024 bytes per readiness event and returns as soon as it has one
//! event; mio's readiness is edge-triggered, so the rest of a larger burst sits unread
//! until another key arrives. Its parser also waits for the end of a bracketed paste
//! forever, swallowing every later key, Ctrl-Q included. Reading the bytes ourselves
//! drains every burst and lets the decoder give up on what never completes.

use std::io::{IsTerminal, Read};
use std::sync::mpsc::{self, RecvTimeoutError};

use ratatui::crossterm::event::Event;

use super::decode::Decoder;

/// At most this many events go to the loop at once.
const BATCH: usize = 256;

/// What the input threads report.
pub enum Input {
    Events(Vec<Event>),
    /// The terminal is gone (end of input or an error).
    Closed,
}

/// Starts reading the terminal: stdin when it is one, else `/dev/tty` (as crossterm,
/// which put that terminal in raw mode).
pub fn spawn(deliver: impl Fn(Input) -> bool + Send + 'static) {
    let (bytes_tx, bytes_rx) = mpsc::channel::<Option<Vec<u8>>>();
    let reader = move || {
        let mut source: Box<dyn Read> = if std::io::stdin().is_terminal() {
            Box::new(std::io::stdin())
        } else {
            match std::fs::File::open("/dev/tty") {
                Ok(file) => Box::new(file),
                Err(e) => {
                    tracing::error!("cannot read the terminal: {e}");
                    let _ = bytes_tx.send(None);
                    return;
                }
            }
        };
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match source.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if bytes_tx.send(Some(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    tracing::info!("the terminal closed: {e}");
                    break;
                }
            }
        }
        let _ = bytes_tx.send(None);
    };
    let decoder = move || {
        let mut decoder = Decoder::default();
        loop {
            let mut events = Vec::new();
            let next = match decoder.wait() {
                None => bytes_rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(wait) => bytes_rx.recv_timeout(wait),
            };
            match next {
                Ok(Some(bytes)) => decoder.feed(&bytes, &mut events),
                Err(RecvTimeoutError::Timeout) => decoder.timeout(&mut events),
                Ok(None) | Err(RecvTimeoutError::Disconnected) => {
                    decoder.timeout(&mut events);
                    if !events.is_empty() {
                        deliver(Input::Events(events));
                    }
                    deliver(Input::Closed);
                    return;
                }
            }
            // In small batches, so that the loop can look at signals between them even
            // while a large burst of keys is being applied.
            while !events.is_empty() {
                let rest = events.split_off(events.len().min(BATCH));
                if !deliver(Input::Events(std::mem::replace(&mut events, rest))) {
                    return;
                }
            }
        }
    };
    for (name, body) in [
        ("input-read", Box::new(reader) as Box<dyn FnOnce() + Send>),
        ("input-decode", Box::new(decoder)),
    ] {
        if let Err(e) = std::thread::Builder::new().name(name.into()).spawn(body) {
            tracing::error!("could not start the input thread: {e}");
        }
    }
}

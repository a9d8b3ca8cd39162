//! The rescue file: notes the store never confirmed when the app had to leave, written
//! owner-only beside the store (or, when that fails, in the home or temporary folder),
//! and the one line on stderr that says what could not be saved and where it went (or
//! which store work never finished).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::lanes::{Finish, UnsavedNotes};

/// Writes `notes` to a new owner-only file named after the store, beside it; tries the
/// home and temporary folders next. Returns the file written.
pub fn write(
    store: &Path,
    notes: &[UnsavedNotes],
    now: jiff::Timestamp,
) -> std::io::Result<PathBuf> {
    let name = store
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "fourroads".to_string());
    let stamp = now.strftime("%Y%m%d-%H%M%S");
    let file_name = format!("{name}.rescued-notes-{stamp}.txt");
    let mut folders = Vec::new();
    if let Some(parent) = store.parent() {
        folders.push(if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        });
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        folders.push(PathBuf::from(home));
    }
    folders.push(std::env::temp_dir());
    let text = contents(notes);
    let mut last = std::io::Error::other("no folder to write the rescue file in");
    for folder in folders {
        for attempt in 0..100 {
            let path = if attempt == 0 {
                folder.join(&file_name)
            } else {
                folder.join(format!("{name}.rescued-notes-{stamp}-{attempt}.txt"))
            };
            match create_private(&path, &text) {
                Ok(()) => return Ok(path),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    let _ = std::fs::remove_file(&path);
                    last = e;
                    break;
                }
            }
        }
    }
    Err(last)
}

fn create_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

fn contents(notes: &[UnsavedNotes]) -> String {
    let mut text = String::from(
        "fourroads could not save these notes before it closed. Paste them back into the call.\n",
    );
    for note in notes {
        text.push_str(&format!("\n== notes of call {} ==\n", note.call_id));
        text.push_str(&note.text);
        if !note.text.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// The one line for stderr when quitting could not keep everything, or `None`.
pub fn report(store: &Path, finish: &Finish, now: jiff::Timestamp) -> Option<String> {
    if !finish.unsaved.is_empty() {
        let calls = finish.unsaved.len();
        let whose = if calls == 1 {
            "the notes of the open call".to_string()
        } else {
            format!("the notes of {calls} calls")
        };
        return Some(match write(store, &finish.unsaved, now) {
            Ok(path) => format!(
                "the store did not save {whose}; they are in {} (readable only by you)",
                path.display()
            ),
            Err(e) => format!(
                "the store did not save {whose}, and no rescue file could be written ({e}); they are lost"
            ),
        });
    }
    if let Some(error) = &finish.flush_error {
        return Some(format!(
            "the store could not write its last changes to disk ({error}); the notes were saved, other changes of the last moments may be lost"
        ));
    }
    if finish.flushed && !finish.stuck.is_empty() {
        return Some(format!(
            "{} never finished: the store may be damaged (or the work too large); the notes were saved",
            finish.stuck.join(" and ").to_lowercase()
        ));
    }
    if !finish.flushed {
        let pending = if finish.pending.is_empty() {
            String::new()
        } else {
            format!(" ({})", finish.pending.join(", ").to_lowercase())
        };
        return Some(format!(
            "the store did not answer in time; the notes were saved, but the last changes{pending} may not be"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finish() -> Finish {
        Finish {
            flushed: true,
            flush_error: None,
            unsaved: Vec::new(),
            pending: Vec::new(),
            stuck: Vec::new(),
        }
    }

    #[test]
    fn the_line_names_what_was_not_saved_or_never_finished() {
        let store = Path::new("/nonexistent/store");
        let now = jiff::Timestamp::UNIX_EPOCH;
        assert_eq!(report(store, &finish(), now), None);
        let stuck = Finish {
            stuck: vec!["Loading the customers"],
            ..finish()
        };
        assert_eq!(
            report(store, &stuck, now).as_deref(),
            Some(
                "loading the customers never finished: the store may be damaged (or the work too large); the notes were saved"
            )
        );
        let late = Finish {
            flushed: false,
            pending: vec!["Saving the review"],
            ..finish()
        };
        let line = report(store, &late, now).unwrap_or_default();
        assert!(line.contains("(saving the review)"), "{line}");
    }
}

//! Files that leave the store — backups, exports, the log — hold customers' details, so
//! they are created owner-only (0600, in 0700 folders), like the store itself.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the app writes its exports: an `exports` folder beside the store in use, so
/// `--store` keeps a store's exports with it (the default store's are in the data
/// directory, as before).
pub fn exports_beside(store: &Path) -> PathBuf {
    match store.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("exports"),
        _ => PathBuf::from("exports"),
    }
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes an existing file or folder owner-only (a new one already is).
pub fn restrict(path: &Path, is_dir: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if is_dir { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, is_dir);
    Ok(())
}

/// Creates `dir` and any missing parents as owner-only folders; an existing `dir` is
/// made owner-only too (folders above it that existed are left alone).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    restrict(dir, true)
}

/// Creates (or truncates) `path` as an owner-only file for writing.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let file = private_options().create(true).truncate(true).open(path)?;
    restrict(path, false)?;
    Ok(file)
}

/// Opens `path` for appending, creating it owner-only (an existing file is made
/// owner-only too).
pub fn append_private(path: &Path) -> std::io::Result<File> {
    let file = private_options().create(true).append(true).open(path)?;
    restrict(path, false)?;
    Ok(file)
}

/// Writes `bytes` to `path`, replacing it if it exists (the user named it).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = create_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Writes `bytes` to a new owner-only file `dir/STEM.EXT`, or `STEM-2.EXT`, `STEM-3.EXT`…
/// when that name is taken: an earlier file is never overwritten. Returns the path.
pub fn write_new_private(
    dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    create_private_dir(dir)?;
    for n in 1u32.. {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match private_options().create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

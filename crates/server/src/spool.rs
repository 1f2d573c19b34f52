//! Sweeping the upload spool: a mirror body is spooled to a temporary file that its request deletes when it ends,
//! but a process killed mid-upload leaves its file behind. Files untouched for longer than any upload can pause are
//! removed at start and then periodically (several processes may share the folder; their live files are younger).

use std::{
    path::Path,
    time::{Duration, SystemTime},
};

/// How often the spool is swept.
pub const SWEEP_EVERY: Duration = Duration::from_secs(300);

/// Removes the spool's temporary files last written more than `older_than` ago; returns how many it removed.
pub fn sweep(folder: &Path, older_than: Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        // Only the files `tempfile` makes (`.tmpXXXXXX`); anything else an operator put there stays.
        if !entry.file_name().to_string_lossy().starts_with(".tmp") {
            continue;
        }
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        let age = metadata
            .modified()
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .unwrap_or_default();
        if metadata.is_file() && age > older_than && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(removed, folder = %folder.display(), "removed orphaned upload spool files");
    }
    removed
}

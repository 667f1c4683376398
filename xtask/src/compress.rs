//! Precompressed copies of the built faces: next to every text or wasm file, a `.br` (brotli, quality 11) and a
//! `.gz` (gzip -9), made once at build time so the server never compresses per request.

use crate::util::Result;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::Path;

/// Extensions worth compressing.
const COMPRESSIBLE: [&str; 8] = ["wasm", "js", "css", "html", "svg", "webmanifest", "json", "txt"];

/// The brotli form of `bytes` at quality 11.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

/// The gzip form of `bytes` at level 9.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Writes `.br` and `.gz` next to every compressible file under `dir` (old copies are replaced).
pub fn precompress(dir: &Path) -> Result {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (suffix, packed) in [("br", brotli(&bytes)), ("gz", gzip(&bytes))] {
            let target = format!("{}.{suffix}", path.display());
            std::fs::write(&target, packed).map_err(|e| format!("{target}: {e}"))?;
        }
    }
    Ok(())
}

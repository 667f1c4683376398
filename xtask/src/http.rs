//! A minimal HTTP/1.1 client for the tasks (one request per connection, no TLS): enough to sign in to a local
//! backend and to see exactly what bytes it sends for a file.

use crate::util::Result;
use std::io::{Read, Write};
use std::net::TcpStream;

/// An answer: status, headers (names lower-case) and the body as sent (not decompressed).
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes as they travelled.
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn host_of(base: &str) -> Result<&str> {
    base.strip_prefix("http://").map(|h| h.trim_end_matches('/')).ok_or_else(|| format!("not an http URL: {base}"))
}

/// Sends one request to `base` (`http://host:port`).
pub fn request(base: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<Answer> {
    let host = host_of(base)?;
    let mut stream = TcpStream::connect(host).map_err(|e| format!("{host}: {e}"))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body)).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked")) {
        body = unchunk(&body);
    }
    Ok(Answer { status, headers, body })
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[(end + 4 + size).min(data.len())..];
    }
    out
}

/// A GET.
pub fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> Result<Answer> {
    request(base, "GET", path, headers, b"")
}

/// Signs a demo rep in; returns the `Cookie` header value of the session.
pub fn login(base: &str, email: &str, password: &str) -> Result<String> {
    let body = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
    let headers = [("content-type", "application/json"), ("x-trato-csrf", "1")];
    let answer = request(base, "POST", "/api/v1/auth/login", &headers, body.as_bytes())?;
    let cookie = answer.header("set-cookie").ok_or(format!("sign-in failed (HTTP {})", answer.status))?;
    Ok(cookie.split(';').next().unwrap_or_default().to_string())
}

#[cfg(test)]
mod tests {
    use super::unchunk;

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(unchunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), b"abcde");
    }
}

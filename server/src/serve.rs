//! Serving connections: the accept loop and what bounds a connection. Open connections are capped in all and per
//! IP ([`Gate`]), a connection that does not send a request's headers in time (a silent socket, headers trickled,
//! an idle keep-alive) is closed, a response the client does not read in time ends the connection, and request
//! bodies and handlers have deadlines (the layers of [`crate::web`]). WebSockets are counted by their own [`Gate`].

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// What bounds connections; every figure is in PROTOCOL.md ("Limits").
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// Open HTTP connections in all (new ones wait to be accepted).
    pub max_connections: usize,
    /// Open HTTP connections from one IP (more are closed at once).
    pub max_per_ip: usize,
    /// Open WebSockets in all.
    pub max_sockets: usize,
    /// Time to send a request's headers, counted from the connection (or the previous answer) on.
    pub header_timeout: Duration,
    /// Time a request body may pause between two pieces.
    pub body_timeout: Duration,
    /// Time a request may take in all, its body included.
    pub request_timeout: Duration,
    /// Time the server waits for a client to take a piece of an answer.
    pub write_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 1024,
            max_per_ip: 256,
            max_sockets: 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
        }
    }
}

impl ConnectionLimits {
    /// These limits, lowered so that connections and sockets together stay within the process's open-file limit
    /// (raised to its hard maximum first), keeping some files for the database and logs.
    pub fn within_file_limit(mut self) -> ConnectionLimits {
        let files = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024) as usize;
        let room = files.saturating_sub(64) / 2;
        self.max_connections = self.max_connections.min(room).max(1);
        self.max_sockets = self.max_sockets.min(room).max(1);
        self
    }
}

/// A cap on open connections, in all and per IP.
pub struct Gate {
    total: Arc<Semaphore>,
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    max_per_ip: usize,
}

/// One admitted connection; dropping it lets another in.
pub struct Pass {
    _permit: OwnedSemaphorePermit,
    ip: IpAddr,
    gate: Arc<Gate>,
}

impl Drop for Pass {
    fn drop(&mut self) {
        let mut per_ip = self.gate.per_ip.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = per_ip.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                per_ip.remove(&self.ip);
            }
        }
    }
}

impl Gate {
    /// A gate for `max` connections, at most `max_per_ip` from one IP.
    pub fn new(max: usize, max_per_ip: usize) -> Arc<Gate> {
        Arc::new(Gate { total: Arc::new(Semaphore::new(max)), per_ip: Mutex::default(), max_per_ip })
    }

    fn admit_with(self: &Arc<Self>, permit: OwnedSemaphorePermit, ip: IpAddr) -> Option<Pass> {
        let mut per_ip = self.per_ip.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = per_ip.entry(ip).or_insert(0);
        if *count >= self.max_per_ip {
            if *count == 0 {
                per_ip.remove(&ip);
            }
            return None;
        }
        *count += 1;
        Some(Pass { _permit: permit, ip, gate: self.clone() })
    }

    /// Lets a connection from `ip` in when there is room now.
    pub fn try_admit(self: &Arc<Self>, ip: IpAddr) -> Option<Pass> {
        let permit = self.total.clone().try_acquire_owned().ok()?;
        self.admit_with(permit, ip)
    }

    async fn wait_for_room(&self) -> Option<OwnedSemaphorePermit> {
        self.total.clone().acquire_owned().await.ok()
    }
}

/// Accepts connections on `listener` for ever, serving `app` on each within `limits`.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits) {
    let gate = Gate::new(limits.max_connections, limits.max_per_ip);
    loop {
        // At the cap, new connections wait in the listen backlog until one closes (at worst after the header
        // timeout), instead of failing or using more files.
        let Some(permit) = gate.wait_for_room().await else { return };
        let (stream, remote) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of files or similar: wait a little rather than spin.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Some(pass) = gate.admit_with(permit, remote.ip()) else {
            tracing::debug!(ip = %remote.ip(), "too many connections from one address");
            continue;
        };
        tokio::spawn(connection(stream, remote, app.clone(), limits.clone(), pass));
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    pass: Pass,
) {
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_write_timeout(Some(limits.write_timeout));
    let io = TokioIo::new(Box::pin(stream));
    let body_timeout = limits.body_timeout;
    let service = app.map_request(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        request.map(|body| axum::body::Body::new(TimeoutBody::new(body_timeout, body)))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(io, TowerToHyperService::new(service))
        .with_upgrades();
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended");
    }
    drop(pass);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_caps_connections_in_all_and_per_ip_and_forgets_closed_ones() {
        let gate = Gate::new(3, 2);
        let a: IpAddr = [127, 0, 0, 2].into();
        let b: IpAddr = [127, 0, 0, 3].into();
        let first = gate.try_admit(a).unwrap();
        let _second = gate.try_admit(a).unwrap();
        assert!(gate.try_admit(a).is_none(), "per IP");
        let _third = gate.try_admit(b).unwrap();
        assert!(gate.try_admit(b).is_none(), "in all");
        drop(first);
        assert!(gate.try_admit(a).is_some());
        drop(_second);
        drop(_third);
        assert!(gate.per_ip.lock().unwrap().is_empty());
    }
}

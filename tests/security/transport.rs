//! Connections: silent sockets, trickled headers, bodies that never arrive and clients that never read are cut
//! off; many silent sockets from one address do not make the server unreachable; every API error is JSON.

use super::*;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A raw connection from `127.0.0.<last>`.
async fn connect_from(server: &Server, last: u8) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, last], 0)))?;
    socket.connect(server.addr).await
}

/// Reads until the server closes the connection (or `within` passes); returns what was read and when it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .is_ok();
    (String::from_utf8_lossy(&seen).into_owned(), closed.then(|| started.elapsed()))
}

#[tokio::test]
async fn silent_sockets_trickled_headers_and_missing_bodies_are_cut_off() {
    let server = server().await;
    let silent = async {
        let mut stream = connect_from(&server, 1).await.unwrap();
        read_until_closed(&mut stream, Duration::from_secs(15)).await.1
    };
    let trickled = async {
        let mut stream = connect_from(&server, 1).await.unwrap();
        stream.write_all(b"GET /api/v1/auth/session HTTP/1.1\r\nhost: x\r\n").await.unwrap();
        let started = Instant::now();
        for i in 0..8 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            if stream.write_all(format!("x-slow-{i}: 1\r\n").as_bytes()).await.is_err() {
                break;
            }
        }
        let (_, closed) = read_until_closed(&mut stream, Duration::from_secs(4)).await;
        closed.map(|_| started.elapsed())
    };
    let missing_body = async {
        let mut stream = connect_from(&server, 1).await.unwrap();
        let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                    x-trato-csrf: 1\r\ncontent-length: 100\r\n\r\n{\"email\":";
        stream.write_all(head.as_bytes()).await.unwrap();
        read_until_closed(&mut stream, Duration::from_secs(15)).await
    };
    let (silent, trickled, (answer, body_closed)) = tokio::join!(silent, trickled, missing_body);
    let within = |closed: Option<Duration>| {
        closed.is_some_and(|at| at >= Duration::from_secs(9) && at < Duration::from_secs(13))
    };
    assert!(within(silent), "a silent socket is closed after the 10 s header timeout: {silent:?}");
    assert!(trickled.is_some_and(|at| at < Duration::from_secs(13)), "trickled headers are cut off: {trickled:?}");
    assert!(body_closed.is_some(), "a body that never arrives ends the request");
    assert!(answer.starts_with("HTTP/1.1 408"), "with a 408: {answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "in the JSON error shape: {answer}");
}

#[tokio::test]
async fn many_silent_sockets_from_one_address_do_not_shut_others_out() {
    let mut config = Config::for_tests();
    config.limits.max_connections = 64;
    config.limits.max_per_ip = 16;
    let server = start(config).await;
    let mut held = Vec::new();
    for _ in 0..100 {
        if let Ok(stream) = connect_from(&server, 9).await {
            held.push(stream);
        }
    }
    // Past 16, the attacker's connections are closed at once.
    let mut closed_at_once = 0;
    for stream in held.iter_mut().skip(16) {
        if read_until_closed(stream, Duration::from_millis(200)).await.1.is_some() {
            closed_at_once += 1;
        }
    }
    assert!(closed_at_once >= 80, "only {closed_at_once} of 84 extra connections were refused");
    // Everyone else is served at once.
    let started = Instant::now();
    let answer = server.caller(1).get("/api/v1/auth/session").await;
    assert_eq!(answer.status, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "served in {:?}", started.elapsed());
    drop(held);
}

#[tokio::test]
async fn a_client_that_never_reads_its_answers_is_dropped() {
    let mut config = Config::for_tests();
    config.limits.write_timeout = Duration::from_secs(2);
    let server = start(config).await;
    let rep = server.rep().await;
    let text = "línea de prueba\n".repeat(5 * 1024 * 1024 / 17);
    let upload = rep
        .post_bytes("/api/v1/attachments", "text/plain", text.into_bytes(), &[("x-trato-filename", "big.txt")])
        .await;
    assert_eq!(upload.status, 201, "{}", upload.body);
    let id = upload.json()["id"].as_str().unwrap().to_string();
    // Eight downloads of 5 MB asked for at once, and nothing read: more than the socket buffers hold.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(server.addr).await.unwrap();
    let request = format!("GET /api/v1/attachments/{id} HTTP/1.1\r\nhost: x\r\ncookie: {}\r\n\r\n", rep.cookies());
    for _ in 0..8 {
        stream.write_all(request.as_bytes()).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    // Now read: the server gave up on this client, so far less than 40 MB arrives before the connection ends.
    let mut total = 0usize;
    let mut buffer = vec![0u8; 1 << 16];
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => total += n,
            }
        }
    })
    .await
    .is_ok();
    assert!(ended, "the connection was closed");
    assert!(total < 30 * 1024 * 1024, "{total} bytes arrived");
}

#[tokio::test]
async fn every_api_error_has_the_json_shape() {
    let server = server().await;
    let caller = server.caller(1);
    for (path, status) in [
        ("/api/v1/widget/config", 400),
        ("/api/v1/widget/socket", 400),
        ("/api/v1/inbox/socket", 401),
        ("/api/v1/nothing", 404),
    ] {
        let answer = caller.get(path).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert!(answer.headers["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
        assert!(!answer.code().is_empty(), "{path}: {}", answer.body);
    }
    let wrong_method = caller.post("/api/v1/auth/session", &serde_json::json!({}), None).await;
    assert_eq!((wrong_method.status, wrong_method.code().as_str()), (405, "method_not_allowed"));
    let too_big = caller.post("/api/v1/auth/login", &serde_json::json!({"email": "a".repeat(2 << 20)}), None).await;
    assert_eq!((too_big.status, too_big.code().as_str()), (413, "payload_too_large"));
}

#[tokio::test]
async fn the_help_centre_s_addresses_get_its_own_page_and_every_other_portal_address_the_whole_portal_s() {
    let dir = std::env::temp_dir().join(format!("trato-sec-static-{}", trato_server::db::new_id("t")));
    let portal = dir.join("portal");
    std::fs::create_dir_all(&portal).unwrap();
    std::fs::write(portal.join("index.html"), "whole portal").unwrap();
    std::fs::write(portal.join("help.html"), "help centre").unwrap();
    std::fs::write(portal.join("help-0123456789abcdef.js"), "help code").unwrap();
    let mut config = Config::for_tests();
    config.static_dir = Some(dir.clone());
    let server = start(config).await;
    let caller = server.caller(7);
    for (path, body) in [
        ("/portal", "help centre"),
        ("/portal/", "help centre"),
        ("/portal/kb/art_1", "help centre"),
        ("/portal/kb/art%201", "help centre"),
        ("/portal/signin", "whole portal"),
        ("/portal/cases/cas_1", "whole portal"),
        ("/portal/profile", "whole portal"),
        ("/portal/help-0123456789abcdef.js", "help code"),
    ] {
        let answer = caller.get(path).await;
        assert_eq!((answer.status, answer.body.as_str()), (200, body), "{path}");
    }
    let page = caller.get("/portal/kb/art_1").await;
    assert_eq!(page.headers["cache-control"], "no-cache", "a page is checked on every visit");
    assert!(page.headers.contains_key("content-security-policy"), "the page has the same policy as the portal's");
    let _ = std::fs::remove_dir_all(&dir);
}

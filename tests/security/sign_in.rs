//! Reps' sign-in and sessions: failed sign-ins cannot fill the disk or lock a rep out, timing does not tell which
//! addresses exist, and a session's sockets close when it ends or expires.

use super::*;
use std::time::Instant;

#[tokio::test]
async fn failed_sign_ins_cannot_fill_the_disk() {
    let server = server().await;
    let attacker = server.caller(5);
    let before = server.db_bytes();
    // Ten 1 MB addresses (the attack stored each one): refused before the database is touched.
    let huge = format!("{}@x.example", "a".repeat(1_000_000));
    for _ in 0..10 {
        let answer = attacker.sign_in(&huge, "x").await;
        assert_eq!((answer.status, answer.code().as_str()), (422, "validation_failed"));
    }
    let answer = attacker.sign_in("not an address", "x").await;
    assert_eq!(answer.status, 422);
    let answer = attacker.sign_in("ana@x.example", &"p".repeat(2000)).await;
    assert_eq!(answer.status, 422, "an over-long password is refused before hashing");
    assert!(server.db_bytes() < before + 64 * 1024, "the database did not grow: {} → {}", before, server.db_bytes());
    // Well-formed failures: at most 30 per IP, then refused whatever the address, and only hashes are kept.
    let mut refused_at = None;
    for i in 0..40 {
        let answer = attacker.sign_in(&format!("nadie{i}@x.example"), "wrong").await;
        if answer.status == 429 {
            assert!(answer.headers.contains_key("retry-after"));
            refused_at = Some(i);
            break;
        }
        assert_eq!(answer.status, 401);
    }
    assert_eq!(refused_at, Some(30));
    let conn = server.sql();
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM rate_events", [], |r| r.get(0)).unwrap();
    assert!(stored <= 90, "three small rows per failure at most: {stored}");
    let leaked: i64 =
        conn.query_row("SELECT COUNT(*) FROM rate_events WHERE key LIKE '%@%'", [], |r| r.get(0)).unwrap();
    assert_eq!(leaked, 0, "addresses are stored as hashes");
}

#[tokio::test]
async fn an_attacker_cannot_lock_a_rep_out() {
    let server = server().await;
    let attacker = server.caller(2);
    for _ in 0..10 {
        assert_eq!(attacker.sign_in(REPS[0].2, "guess").await.status, 401);
    }
    assert_eq!(attacker.sign_in(REPS[0].2, "guess").await.status, 429, "the attacker's address is stopped");
    assert_eq!(attacker.sign_in(REPS[0].2, DEMO_PASSWORD).await.status, 429, "even with the right password");
    // The rep, from their own address, still signs in (slowed down a little while the address is attacked).
    let started = Instant::now();
    let rep = server.caller(1);
    let answer = rep.sign_in(REPS[0].2, DEMO_PASSWORD).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(started.elapsed() >= Duration::from_millis(900), "attempts for an attacked address are slowed down");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn sign_in_takes_as_long_for_unknown_addresses() {
    let server = server().await;
    let caller = server.caller(3);
    let mut known = vec![];
    let mut unknown = vec![];
    for i in 0..5 {
        let started = Instant::now();
        assert_eq!(caller.sign_in(REPS[1].2, "wrong-password").await.status, 401);
        known.push(started.elapsed());
        let started = Instant::now();
        assert_eq!(caller.sign_in(&format!("nadie{i}@alameda.example"), "wrong-password").await.status, 401);
        unknown.push(started.elapsed());
    }
    known.sort();
    unknown.sort();
    let (known, unknown) = (known[2].as_secs_f64(), unknown[2].as_secs_f64());
    // Before: 56 ms for a known address, 2 ms for an unknown one.
    assert!(unknown > known * 0.5 && unknown < known * 2.0, "known {known:.3} s, unknown {unknown:.3} s");
}

#[tokio::test]
async fn signing_out_closes_the_inbox_socket() {
    let server = server().await;
    let rep = server.rep().await;
    let mut inbox = socket(&server, "/api/v1/inbox/socket", Some(&rep.cookies())).await;
    assert!(!closed_within(&mut inbox, Duration::from_millis(300)).await, "open while signed in");
    // Eight sockets per session: the ninth upgrade is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        more.push(socket(&server, "/api/v1/inbox/socket", Some(&rep.cookies())).await);
    }
    let ninth = {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{}/api/v1/inbox/socket", server.addr).into_client_request().unwrap();
        request.headers_mut().insert("origin", server.base.parse().unwrap());
        request.headers_mut().insert("cookie", rep.cookies().parse().unwrap());
        tokio_tungstenite::connect_async(request).await
    };
    assert!(ninth.is_err(), "the ninth socket of one session is refused");
    drop(more);
    assert_eq!(rep.post("/api/v1/auth/logout", &serde_json::json!({}), None).await.status, 204);
    assert!(closed_within(&mut inbox, Duration::from_secs(3)).await, "closed at sign-out");
}

#[tokio::test]
async fn an_expiring_session_closes_its_socket() {
    let server = server().await;
    let rep = server.rep().await;
    // The session ends in two seconds (as if signed in 14 days ago).
    let soon = trato_server::clock::timestamp(time::OffsetDateTime::now_utc() + time::Duration::seconds(2));
    server.sql().execute("UPDATE sessions SET expires_at = ?1", [soon]).unwrap();
    let mut inbox = socket(&server, "/api/v1/inbox/socket", Some(&rep.cookies())).await;
    assert!(closed_within(&mut inbox, Duration::from_secs(6)).await, "closed when the session expired");
    assert_eq!(rep.get("/api/v1/auth/me").await.status, 401);
}

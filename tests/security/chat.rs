//! Live chat: signed identities expire and share without taking, typed-in addresses are never trusted, unsigned
//! claims cannot reach a signed user's history, visitors cannot flood, and visitor tokens and sockets are bounded.

use super::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use trato_protocol::identity_payload;

async fn make_site(rep: &Caller, enforce: bool) -> Value {
    let body = json!({"name": "Tienda", "allowed_origins": ["https://shop.example"], "enforce_identity": enforce});
    let answer = rep.post("/api/v1/sites", &body, None).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.json()
}

async fn new_visitor(caller: &Caller, site: &Value) -> String {
    let answer = caller.post("/api/v1/widget/session", &json!({"site": site["key"]}), None).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.json()["token"].as_str().unwrap().to_string()
}

fn sign(secret: &str, user: &str, email: Option<&str>, expires: i64) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(identity_payload(user, email, expires).as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn signed(site: &Value, user: &str, email: Option<&str>, expires: i64) -> Value {
    let secret = site["identity_secret"].as_str().unwrap();
    json!({"user_id": user, "email": email, "hmac": sign(secret, user, email, expires), "expires": expires})
}

async fn say(caller: &Caller, token: &str, body: &str) -> Answer {
    caller.post("/api/v1/widget/messages", &json!({"body": body}), Some(token)).await
}

async fn bodies(caller: &Caller, token: &str) -> Vec<String> {
    let view = caller.get_as("/api/v1/widget/conversation", token).await.json();
    view["messages"]
        .as_array()
        .map(|m| m.iter().map(|m| m["body"].as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

async fn visitor_socket(server: &Server, token: &str) -> Socket {
    use futures_util::SinkExt;
    let mut socket = socket(server, "/api/v1/widget/socket", None).await;
    let hello = json!({"token": token}).to_string();
    socket.send(tokio_tungstenite::tungstenite::Message::Text(hello.into())).await.unwrap();
    socket
}

#[tokio::test]
async fn a_captured_identity_expires_and_never_takes_the_conversation_away() {
    let server = server().await;
    let rep = server.rep().await;
    let site = make_site(&rep, true).await;
    let browser = server.caller(20);
    let victim = new_visitor(&browser, &site).await;
    let now = unix_now();
    // Expired, too long-lived, or over another address: refused.
    for identity in [signed(&site, "cliente-7", None, now - 5), signed(&site, "cliente-7", None, now + 2 * 3600), {
        let mut other = signed(&site, "cliente-7", Some("ana@x.example"), now + 600);
        other["email"] = json!("eva@x.example");
        other
    }] {
        assert_eq!(browser.post("/api/v1/widget/identify", &identity, Some(&victim)).await.status, 403);
    }
    let identity = signed(&site, "cliente-7", Some("ana@x.example"), now + 600);
    let answer = browser.post("/api/v1/widget/identify", &identity, Some(&victim)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["email_verified"], json!(true));
    assert_eq!(say(&browser, &victim, "Mi pedido 123").await.status, 201);
    let mut victim_socket = visitor_socket(&server, &victim).await;

    // An attacker replays the captured pair from another session before it expires.
    let attacker_browser = server.caller(21);
    let attacker = new_visitor(&attacker_browser, &site).await;
    assert_eq!(attacker_browser.post("/api/v1/widget/identify", &identity, Some(&attacker)).await.status, 200);
    // The victim keeps the conversation, and the rep's later answer still reaches them, live.
    assert_eq!(bodies(&browser, &victim).await, ["Mi pedido 123"]);
    let id = rep.get("/api/v1/inbox").await.json()[0]["id"].as_str().unwrap().to_string();
    let reply = rep.post(&format!("/api/v1/inbox/{id}/messages"), &json!({"body": "Sale hoy"}), None).await;
    assert_eq!(reply.status, 201);
    let mut live = String::new();
    for _ in 0..5 {
        live = next_text(&mut victim_socket, Duration::from_secs(3)).await.unwrap_or_default();
        if live.contains("Sale hoy") {
            break;
        }
    }
    assert!(live.contains("Sale hoy"), "the victim's socket got the answer: {live}");
    assert_eq!(bodies(&browser, &victim).await, ["Mi pedido 123", "Sale hoy"]);

    // The rep rotates the site's secret: the captured signature stops working at once.
    let rotated = rep.post(&format!("/api/v1/sites/{}/secret", site["key"].as_str().unwrap()), &json!({}), None).await;
    assert_eq!(rotated.status, 200);
    assert_ne!(rotated.json()["identity_secret"], site["identity_secret"]);
    let late = new_visitor(&attacker_browser, &site).await;
    assert_eq!(attacker_browser.post("/api/v1/widget/identify", &identity, Some(&late)).await.status, 403);
}

#[tokio::test]
async fn a_typed_in_address_is_never_taken_for_a_customer() {
    let mail_dir = std::env::temp_dir().join(format!("trato-sec-mail-{}", trato_server::db::new_id("t")));
    let mut config = Config::for_tests();
    config.mail.dir = Some(mail_dir.clone());
    let server = start(config).await;
    let rep = server.rep().await;
    let open_site = make_site(&rep, false).await;
    let customer = trato_server::demo_support::CUSTOMERS[0].2.to_uppercase();
    let browser = server.caller(22);
    let token = new_visitor(&browser, &open_site).await;
    let answer = browser.post("/api/v1/widget/prechat", &json!({"name": "Ana", "email": customer}), Some(&token)).await;
    assert_eq!(answer.status, 200);
    let visitor = answer.json();
    assert_eq!((visitor["email_verified"].clone(), visitor["contact_id"].clone()), (json!(false), Value::Null));
    assert_eq!(say(&browser, &token, "Cambiad mi dirección de envío").await.status, 201);
    let mails_before = std::fs::read_dir(&mail_dir).map(|d| d.count()).unwrap_or(0);
    let id = rep.get("/api/v1/inbox").await.json()[0]["id"].as_str().unwrap().to_string();
    let convert = rep.post(&format!("/api/v1/inbox/{id}/convert"), &json!({"to": "case"}), None).await;
    assert_eq!(convert.status, 422, "no case in a customer's portal on the visitor's word: {}", convert.body);
    assert_eq!(std::fs::read_dir(&mail_dir).map(|d| d.count()).unwrap_or(0), mails_before, "nobody was mailed");
    let contacts_before: Vec<String> = {
        let conn = server.sql();
        let mut stmt = conn.prepare("SELECT id FROM contacts").unwrap();
        let ids = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        ids
    };
    let contact = rep.post(&format!("/api/v1/inbox/{id}/convert"), &json!({"to": "contact"}), None).await.json();
    let contact_id = contact["id"].as_str().unwrap().to_string();
    assert!(!contacts_before.contains(&contact_id), "a new contact, never an existing one taken on the visitor's word");
    let inbox = rep.get(&format!("/api/v1/inbox/{id}")).await.json();
    assert_eq!(inbox["conversation"]["visitor"]["email_verified"], json!(false), "shown as unverified to reps");

    // A site that requires identity refuses the pre-chat address in place of a signature.
    let strict = make_site(&rep, true).await;
    let token = new_visitor(&browser, &strict).await;
    let prechat =
        browser.post("/api/v1/widget/prechat", &json!({"name": "Ana", "email": customer}), Some(&token)).await;
    assert_eq!(prechat.status, 403);
}

#[tokio::test]
async fn an_unsigned_identify_cannot_plant_a_conversation_in_a_signed_history() {
    let server = server().await;
    let rep = server.rep().await;
    let site = make_site(&rep, false).await;
    let attacker_browser = server.caller(23);
    let attacker = new_visitor(&attacker_browser, &site).await;
    let claim = json!({"user_id": "cliente-9", "name": "Soporte"});
    let answer = attacker_browser.post("/api/v1/widget/identify", &claim, Some(&attacker)).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["user_id"], Value::Null, "an unsigned id is not an identity");
    assert_eq!(say(&attacker_browser, &attacker, "Llama a este número: 555").await.status, 201);
    let victim_browser = server.caller(24);
    let victim = new_visitor(&victim_browser, &site).await;
    let identity = signed(&site, "cliente-9", None, unix_now() + 600);
    assert_eq!(victim_browser.post("/api/v1/widget/identify", &identity, Some(&victim)).await.status, 200);
    assert!(bodies(&victim_browser, &victim).await.is_empty(), "nothing planted");
}

#[tokio::test]
async fn visitors_cannot_flood_messages_or_typing() {
    let server = server().await;
    let rep = server.rep().await;
    let site = make_site(&rep, false).await;
    let browser = server.caller(25);
    let token = new_visitor(&browser, &site).await;
    let mut sent = 0;
    for i in 0..30 {
        let answer = say(&browser, &token, &format!("mensaje {i}")).await;
        if answer.status == 429 {
            assert!(answer.headers.contains_key("retry-after"));
            break;
        }
        sent += 1;
    }
    assert_eq!(sent, 20, "20 messages a minute per visitor");
    let mut typed = 0;
    for _ in 0..40 {
        if browser.post("/api/v1/widget/typing", &json!({"typing": true}), Some(&token)).await.status == 429 {
            break;
        }
        typed += 1;
    }
    assert_eq!(typed, 30, "30 typing notices a minute per visitor");
    // Several visitors behind one address: 60 messages a minute from it in all.
    let mut from_ip = sent;
    'visitors: for _ in 0..5 {
        let token = new_visitor(&browser, &site).await;
        for _ in 0..20 {
            if say(&browser, &token, "otra vez").await.status == 429 {
                break 'visitors;
            }
            from_ip += 1;
        }
    }
    assert_eq!(from_ip, 60);
    // Identify calls: ten per visitor in 15 minutes.
    let token = new_visitor(&server.caller(27), &site).await;
    let mut identified = 0;
    for _ in 0..12 {
        let claim = json!({"user_id": "u-1", "name": "Ana"});
        if server.caller(27).post("/api/v1/widget/identify", &claim, Some(&token)).await.status == 429 {
            break;
        }
        identified += 1;
    }
    assert_eq!(identified, 10);
}

#[tokio::test]
async fn visitor_tokens_expire_and_their_sockets_are_bounded() {
    use futures_util::SinkExt;
    let server = server().await;
    let rep = server.rep().await;
    let site = make_site(&rep, false).await;
    let browser = server.caller(26);
    let token = new_visitor(&browser, &site).await;
    // A silent visitor's token lasts a day; writing keeps it a month.
    let expires = |server: &Server| -> String {
        server.sql().query_row("SELECT MAX(expires_at) FROM visitors", [], |r| r.get(0)).unwrap()
    };
    let day = trato_server::clock::timestamp(time::OffsetDateTime::now_utc() + time::Duration::hours(25));
    assert!(expires(&server) < day);
    assert_eq!(say(&browser, &token, "Hola").await.status, 201);
    assert!(expires(&server) > day);
    // Eight sockets per visitor; the ninth is closed.
    let mut sockets = Vec::new();
    for _ in 0..8 {
        sockets.push(visitor_socket(&server, &token).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ninth = visitor_socket(&server, &token).await;
    assert!(closed_within(&mut ninth, Duration::from_secs(3)).await, "the ninth socket is refused");
    assert!(!closed_within(&mut sockets[0], Duration::from_millis(200)).await, "the others stay open");
    // A huge first frame is not read before the socket is authenticated.
    let mut flood = socket(&server, "/api/v1/widget/socket", None).await;
    let huge = "x".repeat(1 << 20);
    let _ = flood.send(tokio_tungstenite::tungstenite::Message::Text(huge.into())).await;
    assert!(closed_within(&mut flood, Duration::from_secs(3)).await, "closed, not read");
    // A socket closes when its token expires, and an expired token opens nothing.
    drop(sockets);
    let soon = trato_server::clock::timestamp(time::OffsetDateTime::now_utc() + time::Duration::seconds(2));
    server.sql().execute("UPDATE visitors SET expires_at = ?1", [soon]).unwrap();
    let mut expiring = visitor_socket(&server, &token).await;
    assert!(closed_within(&mut expiring, Duration::from_secs(5)).await, "closed at expiry");
    assert_eq!(browser.get_as("/api/v1/widget/me", &token).await.status, 401);
}

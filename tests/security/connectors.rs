//! The connector files offered to the desk: `GET /connectors` is public (the sign-in page needs it) and so holds
//! nothing secret: a file with a credential header is refused before the server starts; the pages may reach the
//! files' origins (`connect-src`) and no other; the list cannot be written to.

use super::*;

fn example() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/connectors/pocketbase.toml").to_string()
}

#[tokio::test]
async fn offered_files_are_public_hold_no_secret_and_only_their_origin_is_reachable() {
    let offered = trato_server::connectors::offered(&format!("pb={}", example())).unwrap();
    let server = start(Config { connectors: vec![offered], ..Config::for_tests() }).await;
    let stranger = server.caller(51);
    let answer = stranger.get("/api/v1/connectors").await;
    assert_eq!(answer.status, 200);
    let list = answer.json();
    assert_eq!(list[0]["name"], "pb");
    assert_eq!(list[0]["file"]["auth"]["kind"], "login");
    // The sign-in request is a template: the password is the rep's, typed at sign-in, never the file's.
    assert_eq!(list[0]["file"]["auth"]["request"]["body"]["password"], "{password}");
    assert!(!answer.body.contains(DEMO_PASSWORD));
    let page = stranger.get("/login").await;
    let csp = page.headers.get("content-security-policy").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(csp.ends_with("connect-src 'self' http://127.0.0.1:8090"), "only the file's origin is added: {csp}");
    // Nothing can be offered through the API.
    let written = stranger.post("/api/v1/connectors", &serde_json::json!({"name": "evil"}), None).await;
    assert!(matches!(written.status, 404 | 405), "{}", written.status);
}

#[test]
fn a_file_holding_a_credential_or_an_unreadable_one_is_refused_at_start() {
    let dir = std::env::temp_dir().join(format!("trato-sec-connectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let leaky = dir.join("leaky.toml");
    std::fs::write(&leaky, text.replace("format = 1", "format = 1\nheaders = { Authorization = \"Bearer abc\" }"))
        .unwrap();
    let error = trato_server::connectors::offered(&format!("pb={}", leaky.display())).unwrap_err();
    assert!(error.contains("credential"), "{error}");
    let huge = dir.join("huge.toml");
    std::fs::write(&huge, "\u{0}".repeat(1024)).unwrap();
    assert!(trato_server::connectors::offered(&format!("pb={}", huge.display())).is_err());
    let hostile = format!("<script>={}", example());
    assert!(trato_server::connectors::offered(&hostile).is_err(), "names are letters, digits, - and _");
}

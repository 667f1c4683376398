//! Support: attachments keep their sandbox, uploads and suggestion openings are bounded, text checks are as strict
//! as PROTOCOL.md says, and knowledge-base links cannot leave the site.

use super::*;
use serde_json::json;
use std::path::Path;

/// A server whose mail goes to a folder, and a signed-in portal customer on it.
async fn with_customer(email: &str) -> (Server, Caller) {
    let mail = std::env::temp_dir().join(format!("trato-sec-mail-{}", trato_server::db::new_id("t")));
    let mut config = Config::for_tests();
    config.mail.dir = Some(mail.clone());
    let server = start(config).await;
    let customer = server.caller(30);
    let asked = customer.post("/api/v1/portal/auth/link", &json!({"email": email}), None).await;
    assert_eq!(asked.status, 202);
    let token = last_token(&mail, email);
    assert_eq!(customer.post("/api/v1/portal/auth/redeem", &json!({"token": token}), None).await.status, 200);
    (server, customer)
}

fn last_token(mail: &Path, to: &str) -> String {
    let mut files: Vec<_> = std::fs::read_dir(mail).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let text = files
        .iter()
        .rev()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .find(|text| text.contains(&format!("To: {to}\r\n")))
        .expect("a mail");
    let start = text.find("#token=").unwrap() + "#token=".len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn attachments_keep_their_sandbox_and_loose_uploads_are_bounded() {
    let (server, customer) = with_customer(trato_server::demo_support::CUSTOMERS[2].2).await;
    let upload = |n: usize| {
        let customer = &customer;
        async move {
            let name = format!("nota-{n}.txt");
            customer
                .post_bytes(
                    "/api/v1/portal/attachments",
                    "text/plain",
                    b"hola".to_vec(),
                    &[("x-trato-filename", &name)],
                )
                .await
        }
    };
    let first = upload(0).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let id = first.json()["id"].as_str().unwrap().to_string();
    let download = customer.get(&format!("/api/v1/portal/attachments/{id}")).await;
    assert_eq!(download.status, 200);
    let csp = download.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("sandbox"), "the file's own policy is kept: {csp}");
    assert_eq!(download.headers["x-content-type-options"], "nosniff");
    // At most ten files waiting to be attached; more are refused until those are sent (or purged after a day).
    for n in 1..10 {
        assert_eq!(upload(n).await.status, 201);
    }
    let refused = upload(10).await;
    assert_eq!((refused.status, refused.code().as_str()), (429, "rate_limited"));
    let loose: i64 = server.sql().query_row("SELECT COUNT(*) FROM attachments", [], |r| r.get(0)).unwrap();
    assert_eq!(loose, 10);
}

#[tokio::test]
async fn a_suggestion_opened_again_and_again_counts_once() {
    let (_server, customer) = with_customer(trato_server::demo_support::CUSTOMERS[1].2).await;
    let articles = customer.get("/api/v1/portal/kb/articles").await.json();
    let article = articles[0]["id"].as_str().unwrap().to_string();
    let deflections = || async {
        let article = customer.get(&format!("/api/v1/portal/kb/articles/{article}")).await.json();
        article["deflections"].as_i64().unwrap()
    };
    let before = deflections().await;
    let path = format!("/api/v1/portal/kb/articles/{article}/opened");
    let mut answered = 0;
    for _ in 0..70 {
        let answer = customer.post(&path, &json!({"query": "factura duplicada"}), None).await;
        if answer.status == 429 {
            break;
        }
        assert_eq!(answer.status, 204);
        answered += 1;
    }
    assert_eq!(answered, 60, "60 notices per customer in 15 minutes");
    assert_eq!(deflections().await, before + 1, "counted once");
}

#[tokio::test]
async fn text_checks_are_as_strict_as_the_protocol_says() {
    let (server, customer) = with_customer(trato_server::demo_support::CUSTOMERS[0].2).await;
    // Single-line fields take no line break; texts take no carriage return, NUL or escape.
    let case = |subject: &str, description: &str| json!({"subject": subject, "description": description, "category": "other", "priority": "normal"});
    for (body, field) in [
        (case("Factura\r\nBcc: todos@x.example", "texto"), "subject"),
        (case("Factura\nduplicada", "texto"), "subject"),
        (case("Factura", "línea\r\notra"), "description"),
        (case("Factura", "nul \u{0} aquí"), "description"),
    ] {
        let answer = customer.post("/api/v1/portal/cases", &body, None).await;
        assert_eq!(answer.status, 422, "{body}");
        assert!(answer.json()["fields"][field].is_string(), "{}", answer.body);
    }
    assert_eq!(customer.post("/api/v1/portal/cases", &case("Factura", "línea\notra\ttab"), None).await.status, 201);

    let rep = server.rep().await;
    let site = rep
        .post("/api/v1/sites", &json!({"name": "Tienda", "allowed_origins": ["https://shop.example"]}), None)
        .await
        .json();
    let browser = server.caller(31);
    let token = browser.post("/api/v1/widget/session", &json!({"site": site["key"]}), None).await.json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    for name in ["Ana\u{0}", "Ana\u{1b}[2J", "Ana\nBcc: x"] {
        let identify = json!({"user_id": "u-1", "name": name});
        assert_eq!(browser.post("/api/v1/widget/identify", &identify, Some(&token)).await.status, 422, "{name:?}");
    }
    let message = browser.post("/api/v1/widget/messages", &json!({"body": "hola\r\n"}), Some(&token)).await;
    assert_eq!(message.status, 422);
    assert_eq!(browser.post("/api/v1/widget/messages", &json!({"body": "hola"}), Some(&token)).await.status, 201);
    let id = rep.get("/api/v1/inbox").await.json()[0]["id"].as_str().unwrap().to_string();
    rep.post(&format!("/api/v1/inbox/{id}"), &json!({}), None).await;
    let close = reqwest::Client::new()
        .patch(format!("{}/api/v1/inbox/{id}", server.base))
        .header("x-trato-csrf", "1")
        .header("content-type", "application/json")
        .header("cookie", rep.cookies())
        .body(json!({"status": "closed"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(close.status(), 200);
    let rating = json!({"score": 5, "comment": "genial\u{1b}]0;pwned\u{7}"});
    assert_eq!(browser.post("/api/v1/widget/rating", &rating, Some(&token)).await.status, 422);
}

#[test]
fn knowledge_base_links_cannot_leave_the_site() {
    use trato::domain::markup::{parse, Block, Inline};
    let body = "[a](/\\evil.example) [b](/\t/evil.example) [c](//evil.example) [d](/portal/ayuda)";
    let links: Vec<String> = parse(body)
        .into_iter()
        .flat_map(|block| match block {
            Block::Paragraph(inlines) | Block::Heading(inlines) => inlines,
            Block::List(items) => items.into_iter().flatten().collect(),
        })
        .filter_map(|inline| match inline {
            Inline::Link { href, .. } => Some(href),
            _ => None,
        })
        .collect();
    assert_eq!(links, ["/portal/ayuda"]);
}

#[tokio::test]
async fn an_account_s_orders_are_for_reps_only_and_one_account_at_a_time() {
    let (server, customer) = with_customer(trato_server::demo_support::CUSTOMERS[2].2).await;
    // A customer's portal session is not a rep's: the rep route refuses it, as it refuses a stranger.
    let as_customer = customer.get("/api/v1/orders?account_id=acc_0001").await;
    assert_eq!(as_customer.status, 401, "{}", as_customer.body);
    assert_eq!(server.caller(31).get("/api/v1/orders?account_id=acc_0001").await.status, 401);
    let rep = server.rep().await;
    let orders = rep.get("/api/v1/orders?account_id=acc_0001").await;
    assert_eq!(orders.status, 200, "{}", orders.body);
    let list = orders.json();
    assert!(!list.as_array().unwrap().is_empty());
    let own: i64 =
        server.sql().query_row("SELECT COUNT(*) FROM orders WHERE account_id = 'acc_0001'", [], |r| r.get(0)).unwrap();
    assert_eq!(list.as_array().unwrap().len() as i64, own, "that account's orders and no other's");
    // Without an account the rep gets a clear refusal, not every order of every customer.
    assert_eq!(rep.get("/api/v1/orders").await.status, 400);
}

#[tokio::test]
async fn a_customer_s_case_messages_and_chats_are_for_reps_only_and_one_customer_at_a_time() {
    let (server, customer) = with_customer(trato_server::demo_support::CUSTOMERS[2].2).await;
    let rep = server.rep().await;
    for path in [
        "/api/v1/case-messages?account_id=acc_0001",
        "/api/v1/case-messages?customer_email=elena@cliente-dos.example",
        "/api/v1/inbox?account_id=acc_0001",
        "/api/v1/inbox?contact_id=ct_0001",
    ] {
        // Internal notes and other customers' chats: a portal session gets what a stranger gets.
        assert_eq!(customer.get(path).await.status, 401, "{path}");
        assert_eq!(server.caller(32).get(path).await.status, 401, "{path}");
        assert_eq!(rep.get(path).await.status, 200, "{path}");
    }
    for path in [
        "/api/v1/case-messages",
        "/api/v1/case-messages?account_id=acc_0001&customer_email=elena@cliente-dos.example",
        "/api/v1/case-messages?account_id=acc_0001&account_id=acc_0002",
        "/api/v1/case-messages?status=open",
        "/api/v1/inbox?account_id=acc_0001&contact_id=ct_0001",
        "/api/v1/inbox?site=demo",
    ] {
        let refused = rep.get(path).await;
        assert_eq!((refused.status, refused.code().as_str()), (400, "bad_request"), "{path}");
    }
    // One account's messages only, and never more than the limit.
    let listed = rep.get("/api/v1/case-messages?account_id=acc_0001").await.json();
    let own: i64 = server
        .sql()
        .query_row(
            "SELECT COUNT(*) FROM case_messages m JOIN cases c ON c.id = m.case_id WHERE c.account_id = 'acc_0001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(own > 0 && own < 500, "the demo account has a few: {own}");
    assert_eq!(listed.as_array().unwrap().len() as i64, own);
    let case: String =
        server.sql().query_row("SELECT id FROM cases WHERE account_id = 'acc_0001' LIMIT 1", [], |r| r.get(0)).unwrap();
    let sql = server.sql();
    for n in 0..520 {
        sql.execute(
            "INSERT INTO case_messages (id, case_id, author, author_id, author_name, body, internal, created_at)
             VALUES (?1, ?2, 'customer', 'x', 'Nuria', 'Hola', 0, ?3)",
            rusqlite::params![format!("flood{n}"), case, format!("2099-01-01T00:{:02}:{:02}Z", n / 60, n % 60)],
        )
        .unwrap();
    }
    let listed = rep.get("/api/v1/case-messages?account_id=acc_0001").await.json();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 500, "at most 500");
    assert_eq!(listed[0]["message"]["id"], "flood519", "the newest first");
}

#[tokio::test]
async fn a_rep_opens_a_case_for_a_contact_who_becomes_its_customer_once() {
    let server = server().await;
    let rep = server.rep().await;
    let contact = rep
        .post(
            "/api/v1/contacts",
            &json!({"first_name": "Nuria", "email": "nuria@cliente.example", "account_id": "acc_0003"}),
            None,
        )
        .await
        .json();
    let case = |contact_id: &str| {
        json!({"contact_id": contact_id, "subject": "Pedido incompleto", "description": "Faltan dos cajas.",
               "category": "orders", "priority": "high", "attachment_ids": []})
    };
    let id = contact["id"].as_str().unwrap();
    assert_eq!(server.caller(42).post("/api/v1/cases", &case(id), None).await.status, 401, "strangers cannot");
    let first = rep.post("/api/v1/cases", &case(id), None).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let desk = first.json();
    assert_eq!(desk["customer"]["email"], "nuria@cliente.example");
    assert_eq!(desk["case"]["account_id"], "acc_0003");
    assert_eq!(rep.post("/api/v1/cases", &case(id), None).await.status, 201);
    let customers: i64 = server
        .sql()
        .query_row("SELECT COUNT(*) FROM customers WHERE email = 'nuria@cliente.example'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(customers, 1, "the contact became one customer, not two");
    let theirs = rep.get("/api/v1/cases?customer_email=NURIA@cliente.example").await.json();
    assert_eq!(theirs.as_array().unwrap().len(), 2);
    // Without an e-mail the contact cannot follow a case: a clear refusal on the field.
    let silent =
        rep.post("/api/v1/contacts", &json!({"first_name": "Sin correo", "account_id": "acc_0003"}), None).await.json();
    let refused = rep.post("/api/v1/cases", &case(silent["id"].as_str().unwrap()), None).await;
    assert_eq!(refused.status, 422);
    assert!(refused.json()["fields"]["contact_id"].is_string());
}

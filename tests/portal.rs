//! The customer portal and the reps' case queue, run natively through the same connector code the browser uses,
//! against a real `trato-server` (fresh SQLite file, ephemeral port, demo data, mail written to a folder).
//! Includes the HTTP-level security tests: who may see what, sign-in links, and portal sessions on rep endpoints.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use trato::client::{Client, PortalClient};
use trato::connector::portal::{PortalOp, PortalReply};
use trato::connector::support::{CaseFilter, SupportOp, SupportReply, Upload};
use trato::connector::trato::TratoConnector;
use trato::connector::{ConnectorError, HttpRequest, Method};
use trato::transport::{NativeTransport, Transport};
use trato_protocol::*;
use trato_server::demo::{DEMO_PASSWORD, REPS};

struct Server {
    base: String,
    db: PathBuf,
    mail: PathBuf,
}

async fn server() -> Server {
    let mut config = trato_server::Config::for_tests();
    let mail = std::env::temp_dir().join(format!("trato-mail-{}", trato_server::db::new_id("t")));
    config.mail.dir = Some(mail.clone());
    let db = config.db_path.clone();
    let running = trato_server::start(config).await.expect("server starts");
    Server { base: format!("http://{}", running.addr), db, mail }
}

impl Server {
    /// Every mail to `to`, oldest first.
    fn mails(&self, to: &str) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.mail)
            .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .filter_map(|f| std::fs::read_to_string(f).ok())
            .filter(|text| text.contains(&format!("To: {to}\r\n")))
            .collect()
    }

    /// The token of the newest sign-in link mailed to `to`.
    fn last_token(&self, to: &str) -> String {
        let mails = self.mails(to);
        let mail = mails.last().expect("a mail was sent");
        let start = mail.find("/portal/signin#token=").expect("the mail has a link") + "/portal/signin#token=".len();
        mail[start..].split_whitespace().next().unwrap().to_string()
    }

    fn portal(&self) -> PortalClient<NativeTransport> {
        PortalClient::new(NativeTransport::new(&self.base))
    }

    async fn customer(&self, email: &str) -> PortalClient<NativeTransport> {
        let portal = self.portal();
        let request = LinkRequest { email: email.into(), locale: None };
        assert_eq!(portal.run(PortalOp::RequestLink(request)).await.unwrap(), PortalReply::Done);
        let token = self.last_token(email);
        match portal.run(PortalOp::Redeem(token)).await.unwrap() {
            PortalReply::SignedIn(signed) => assert_eq!(signed.customer.email, email),
            other => panic!("{other:?}"),
        }
        portal
    }

    async fn rep(&self) -> Client<TratoConnector, NativeTransport> {
        let client = Client::new(TratoConnector, NativeTransport::new(&self.base));
        client.login(REPS[0].2, DEMO_PASSWORD).await.unwrap();
        client
    }

    fn sql(&self, statement: &str) {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.execute_batch(statement).unwrap();
    }
}

async fn cases(portal: &PortalClient<NativeTransport>) -> Vec<Case> {
    match portal.run(PortalOp::Cases { status: None, search: None }).await.unwrap() {
        PortalReply::Cases(cases) => cases,
        other => panic!("{other:?}"),
    }
}

async fn thread(portal: &PortalClient<NativeTransport>, op: PortalOp) -> Result<CaseThread, ConnectorError> {
    match portal.run(op).await? {
        PortalReply::Thread(thread) => Ok(*thread),
        other => panic!("{other:?}"),
    }
}

async fn upload(
    portal: &PortalClient<NativeTransport>,
    name: &str,
    kind: &str,
    bytes: &[u8],
) -> Result<Attachment, ConnectorError> {
    let op = PortalOp::Upload(Upload { name: name.into(), content_type: kind.into(), bytes: bytes.to_vec() });
    match portal.run(op).await? {
        PortalReply::Uploaded(attachment) => Ok(attachment),
        other => panic!("{other:?}"),
    }
}

fn new_case(subject: &str, attachment_ids: Vec<String>) -> NewCase {
    NewCase {
        subject: subject.into(),
        description: "El pedido llegó roto.".into(),
        category: "orders".into(),
        priority: CasePriority::High,
        attachment_ids,
    }
}

#[tokio::test]
async fn a_mailed_link_signs_in_once_and_then_expires() {
    let server = server().await;
    let portal = server.portal();
    assert_eq!(portal.run(PortalOp::Session).await.unwrap(), PortalReply::Session(None));
    let ask = |email: &str| PortalOp::RequestLink(LinkRequest { email: email.into(), locale: None });
    portal.run(ask("ANA@cliente-uno.example")).await.unwrap();
    let mails = server.mails("ana@cliente-uno.example");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("/portal/signin#token="), "the secret is in the fragment: {}", mails[0]);
    let token = server.last_token("ana@cliente-uno.example");
    let signed = match portal.run(PortalOp::Redeem(token.clone())).await.unwrap() {
        PortalReply::SignedIn(signed) => signed,
        other => panic!("{other:?}"),
    };
    assert_eq!(signed.customer.name, "Ana Torres");
    assert!(signed.customer.is_admin);
    assert!(matches!(portal.run(PortalOp::Session).await.unwrap(), PortalReply::Session(Some(c)) if c.id == "cus_ana"));

    // Used once: a second redemption, from anywhere, is refused.
    let other = server.portal();
    assert!(matches!(other.run(PortalOp::Redeem(token)).await, Err(ConnectorError::Unauthorized(_))));
    // Expired: refused.
    other.run(ask("pablo@cliente-uno.example")).await.unwrap();
    let token = server.last_token("pablo@cliente-uno.example");
    server.sql("UPDATE portal_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL");
    assert!(matches!(other.run(PortalOp::Redeem(token)).await, Err(ConnectorError::Unauthorized(_))));
    assert!(matches!(other.run(PortalOp::Redeem("made-up".into())).await, Err(ConnectorError::Unauthorized(_))));
    // An unknown address gets the same answer and no mail.
    assert_eq!(other.run(ask("nadie@ninguna.example")).await.unwrap(), PortalReply::Done);
    assert!(server.mails("nadie@ninguna.example").is_empty());
    // Signing out ends the session.
    portal.run(PortalOp::Logout).await.unwrap();
    assert_eq!(portal.run(PortalOp::Session).await.unwrap(), PortalReply::Session(None));
    assert!(matches!(portal.run(PortalOp::Orders).await, Err(ConnectorError::Unauthorized(_))));
}

#[tokio::test]
async fn link_requests_are_rate_limited_per_address_and_per_ip() {
    let server = server().await;
    let portal = server.portal();
    let ask = |email: String| PortalOp::RequestLink(LinkRequest { email, locale: Some("en".into()) });
    for _ in 0..5 {
        portal.run(ask("elena@cliente-dos.example".into())).await.unwrap();
    }
    assert_eq!(portal.run(ask("elena@cliente-dos.example".into())).await, Err(ConnectorError::RateLimited(Some(60))));
    assert_eq!(server.mails("elena@cliente-dos.example").len(), 5);
    // Other addresses still work from this IP, up to its own limit.
    let mut refused = 0;
    for i in 0..30 {
        if portal.run(ask(format!("persona{i}@ejemplo.example"))).await.is_err() {
            refused += 1;
        }
    }
    assert_eq!(refused, 6, "6 requests were made before; the IP limit of 30 per window stops the last 6");
}

#[tokio::test]
async fn customers_see_their_own_cases_and_admins_their_companys_never_another_company() {
    let server = server().await;
    let pablo = server.customer("pablo@cliente-uno.example").await;
    let ana = server.customer("ana@cliente-uno.example").await;
    let elena = server.customer("elena@cliente-dos.example").await;
    let numbers = |cases: Vec<Case>| {
        let mut n: Vec<u64> = cases.iter().map(|c| c.number).collect();
        n.sort();
        n
    };
    assert_eq!(numbers(cases(&pablo).await), vec![1003], "a customer sees their own");
    assert_eq!(numbers(cases(&ana).await), vec![1001, 1002, 1003], "the company admin sees the company's");
    assert_eq!(numbers(cases(&elena).await), vec![1004], "another company sees none of them");

    // Everything of company A answers 404 to company B, as if it did not exist.
    let file = upload(&ana, "albaran.txt", "text/plain", "Albarán 0101".as_bytes()).await.unwrap();
    let reply =
        NewMessage { body: "Adjunto el albarán.".into(), internal: false, attachment_ids: vec![file.id.clone()] };
    thread(&ana, PortalOp::Reply { id: "case_demo_1002".into(), message: reply }).await.unwrap();
    for op in [
        PortalOp::Case("case_demo_1002".into()),
        PortalOp::Reply {
            id: "case_demo_1002".into(),
            message: NewMessage { body: "hola".into(), internal: false, attachment_ids: vec![] },
        },
        PortalOp::Close("case_demo_1002".into()),
        PortalOp::Reopen("case_demo_1001".into()),
        PortalOp::Rate { id: "case_demo_1001".into(), rating: Rating { score: 1, comment: String::new() } },
    ] {
        assert!(matches!(thread(&elena, op.clone()).await, Err(ConnectorError::NotFound(_))), "{op:?}");
        assert!(matches!(thread(&pablo, op.clone()).await, Err(ConnectorError::NotFound(_))), "{op:?}");
    }
    let transport = NativeTransport::new(&server.base);
    let download = HttpRequest::new(Method::Get, format!("/api/v1/portal/attachments/{}", file.id));
    assert_eq!(transport.send(download.clone()).await.unwrap().status, 401, "signed out");
    // Elena's and Pablo's own sessions, sent by hand.
    for customer in ["elena@cliente-dos.example", "pablo@cliente-uno.example"] {
        let cookie = session_cookie(&server, customer).await;
        let response = transport.send(download.clone().header("cookie", cookie.clone())).await.unwrap();
        assert_eq!(response.status, 404, "{customer} cannot download");
        let list = HttpRequest::new(Method::Get, "/api/v1/portal/cases?q=1002").header("cookie", cookie);
        assert_eq!(transport.send(list).await.unwrap().body, "[]", "{customer} cannot find it");
    }
    // Orders follow the same rule.
    let orders = |reply| match reply {
        PortalReply::Orders(orders) => orders.into_iter().map(|o: Order| o.number).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(orders(pablo.run(PortalOp::Orders).await.unwrap()), vec!["PV-2026-0117"]);
    assert_eq!(orders(ana.run(PortalOp::Orders).await.unwrap()).len(), 3);
    assert_eq!(orders(elena.run(PortalOp::Orders).await.unwrap()), vec!["PV-2026-0120"]);
    let order = HttpRequest::new(Method::Get, "/api/v1/portal/orders/ord_demo_1");
    let cookie = session_cookie(&server, "elena@cliente-dos.example").await;
    assert_eq!(transport.send(order.header("cookie", cookie)).await.unwrap().status, 404);
}

/// Signs a customer in by hand and returns the `Cookie` header value of their portal session.
async fn session_cookie(server: &Server, email: &str) -> String {
    let transport = NativeTransport::new(&server.base);
    let ask = PortalOp::RequestLink(LinkRequest { email: email.into(), locale: None });
    transport.send(trato::connector::trato::portal::request(&ask)).await.unwrap();
    let redeem = PortalOp::Redeem(server.last_token(email));
    let response = transport.send(trato::connector::trato::portal::request(&redeem)).await.unwrap();
    let set_cookie = response.header("set-cookie").expect("a session cookie").to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("Path=/api/v1/portal"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn a_portal_session_is_refused_on_rep_endpoints() {
    let server = server().await;
    let cookie = session_cookie(&server, "ana@cliente-uno.example").await;
    let token = cookie.split_once('=').unwrap().1.to_string();
    let transport = NativeTransport::new(&server.base);
    for path in
        ["/api/v1/deals", "/api/v1/cases", "/api/v1/cases/case_demo_1001", "/api/v1/auth/me", "/api/v1/kb/articles"]
    {
        for cookie in [cookie.clone(), format!("{SESSION_COOKIE}={token}")] {
            let response = transport.send(HttpRequest::new(Method::Get, path).header("cookie", cookie)).await.unwrap();
            assert_eq!(response.status, 401, "{path}");
        }
    }
    let note = NewMessage { body: "nota".into(), internal: true, attachment_ids: vec![] };
    let post = HttpRequest::new(Method::Post, "/api/v1/cases/case_demo_1001/messages")
        .header(CSRF_HEADER, CSRF_VALUE)
        .header("cookie", format!("{SESSION_COOKIE}={token}"))
        .json(&note);
    assert_eq!(transport.send(post).await.unwrap().status, 401);
    // And a customer cannot write an internal note through the portal.
    let ana = server.customer("ana@cliente-uno.example").await;
    let op = PortalOp::Reply { id: "case_demo_1002".into(), message: note };
    assert!(matches!(thread(&ana, op).await, Err(ConnectorError::Forbidden(_))));
}

#[tokio::test]
async fn a_case_from_the_portal_to_the_desk_and_back() {
    let server = server().await;
    let elena = server.customer("elena@cliente-dos.example").await;
    let photo = upload(&elena, "../../foto rota.png", "image/png", b"\x89PNG\r\n\x1a\nfake image data").await.unwrap();
    assert_eq!(photo.name, "foto rota.png");
    // Type and size limits.
    assert!(matches!(upload(&elena, "x.html", "text/html", b"<p>").await, Err(ConnectorError::Invalid { .. })));
    assert!(matches!(upload(&elena, "x.png", "image/png", b"<script>").await, Err(ConnectorError::Invalid { .. })));
    let big = vec![b'a'; MAX_ATTACHMENT + 1];
    assert!(matches!(upload(&elena, "big.txt", "text/plain", &big).await, Err(ConnectorError::Invalid { .. })));

    let hostile = "<img src=x onerror=alert(1)> ¿Dónde está mi pedido? 🚚";
    let created = thread(&elena, PortalOp::CreateCase(new_case(hostile, vec![photo.id.clone()]))).await.unwrap();
    assert_eq!(created.case.subject, hostile, "stored and returned verbatim");
    assert_eq!(created.case.number, 1005);
    assert_eq!(created.case.status, CaseStatus::New);
    assert_eq!(created.messages[0].attachments, vec![photo.clone()]);
    let ack = server.mails("elena@cliente-dos.example");
    assert!(
        ack.last().unwrap().contains("1005") && ack.last().unwrap().contains("#token="),
        "acknowledged with a link"
    );
    // The mailed link opens this very case.
    match server.portal().run(PortalOp::Redeem(server.last_token("elena@cliente-dos.example"))).await.unwrap() {
        PortalReply::SignedIn(signed) => assert_eq!(signed.case_id.as_deref(), Some(created.case.id.as_str())),
        other => panic!("{other:?}"),
    }
    // The upload is now part of the case; it cannot be attached twice.
    let again = new_case("otra vez", vec![photo.id.clone()]);
    assert!(matches!(thread(&elena, PortalOp::CreateCase(again)).await, Err(ConnectorError::Invalid { .. })));

    // The desk: the queue, a public reply and an internal note.
    let rep = server.rep().await;
    let queue =
        match rep.support(SupportOp::Cases(CaseFilter { status: Some("new".into()), ..Default::default() })).await {
            Ok(SupportReply::Cases(cases)) => cases,
            other => panic!("{other:?}"),
        };
    assert!(queue.iter().any(|c| c.id == created.case.id));
    let id = created.case.id.clone();
    let reply = |body: &str, internal: bool| SupportOp::Reply {
        id: id.clone(),
        message: NewMessage { body: body.into(), internal, attachment_ids: vec![] },
    };
    rep.support(reply("Nota interna: revisar el transportista.", true)).await.unwrap();
    let desk = match rep.support(reply("Te enviamos otro hoy mismo.", false)).await.unwrap() {
        SupportReply::Case(desk) => desk,
        other => panic!("{other:?}"),
    };
    assert_eq!(desk.messages.len(), 3);
    assert_eq!(desk.case.status, CaseStatus::Open);
    assert_eq!(desk.case.sla_due_at, None, "answered: the SLA clock stops");
    assert_eq!(desk.customer.id, "cus_elena");
    assert_eq!(desk.account.as_ref().map(|a| a.meta.id.as_str()), Some("acc_0002"));
    assert_eq!(desk.other_cases.iter().map(|c| c.number).collect::<Vec<_>>(), vec![1004]);
    // The account's page gets every message of its cases in one answer, newest first, notes included; the
    // contact's by their address; another account's has none of them.
    let messages = |account_id: Option<&str>, customer_email: Option<&str>| {
        let op = SupportOp::CaseMessages {
            account_id: account_id.map(String::from),
            customer_email: customer_email.map(String::from),
        };
        let rep = &rep;
        async move {
            match rep.support(op).await.unwrap() {
                SupportReply::CaseMessages(list) => list,
                other => panic!("{other:?}"),
            }
        }
    };
    let of_account = messages(Some("acc_0002"), None).await;
    let ours: Vec<&str> = of_account.iter().filter(|m| m.case_id == id).map(|m| m.message.body.as_str()).collect();
    assert_eq!(
        ours,
        ["Te enviamos otro hoy mismo.", "Nota interna: revisar el transportista.", "El pedido llegó roto."]
    );
    assert!(of_account.windows(2).all(|w| w[0].message.created_at >= w[1].message.created_at), "newest first");
    assert_eq!(of_account[0].message.attachments, vec![], "the reply has no file");
    assert_eq!(
        of_account.iter().find(|m| m.message.body == "El pedido llegó roto.").unwrap().message.attachments,
        vec![photo.clone()]
    );
    let of_elena = messages(None, Some("ELENA@cliente-dos.example")).await;
    assert_eq!(of_elena.iter().filter(|m| m.case_id == id).count(), 3, "her address, in any case");
    assert!(messages(Some("acc_0001"), None).await.iter().all(|m| m.case_id != id));
    let neither = SupportOp::CaseMessages { account_id: None, customer_email: None };
    assert!(matches!(rep.support(neither).await, Err(ConnectorError::Invalid { .. })), "a customer is needed");
    let mails = server.mails("elena@cliente-dos.example");
    assert!(mails.last().unwrap().contains("Te enviamos otro hoy mismo."));
    assert!(!mails.iter().any(|m| m.contains("Nota interna")), "internal notes are never mailed");

    // The customer sees the reply, never the note.
    let seen = thread(&elena, PortalOp::Case(id.clone())).await.unwrap();
    assert_eq!(seen.messages.len(), 2);
    assert!(seen.messages.iter().all(|m| !m.internal && !m.body.contains("Nota interna")));
    // Rating needs a resolved case.
    let rating = Rating { score: 5, comment: "Rápidos y amables".into() };
    let rate = PortalOp::Rate { id: id.clone(), rating: rating.clone() };
    assert!(matches!(thread(&elena, rate.clone()).await, Err(ConnectorError::Invalid { .. })));
    let resolve = SupportOp::UpdateCase {
        id: id.clone(),
        version: Some(desk.case.version),
        patch: CasePatch { status: Some(CaseStatus::Resolved), ..Default::default() },
    };
    rep.support(resolve.clone()).await.unwrap();
    assert!(matches!(rep.support(resolve).await, Err(ConnectorError::Conflict(_))), "a stale change is refused");
    assert!(server.mails("elena@cliente-dos.example").last().unwrap().contains("1005"));
    let rated = thread(&elena, rate).await.unwrap();
    assert_eq!(rated.case.rating, Some(rating));
    let bad = PortalOp::Rate { id: id.clone(), rating: Rating { score: 9, comment: String::new() } };
    assert!(matches!(thread(&elena, bad).await, Err(ConnectorError::Invalid { .. })));
    // Close and reopen.
    assert_eq!(thread(&elena, PortalOp::Reopen(id.clone())).await.unwrap().case.status, CaseStatus::Open);
    assert_eq!(thread(&elena, PortalOp::Close(id.clone())).await.unwrap().case.status, CaseStatus::Closed);
    let closed_reply = PortalOp::Reply {
        id: id.clone(),
        message: NewMessage { body: "¿Hola?".into(), internal: false, attachment_ids: vec![] },
    };
    assert!(matches!(thread(&elena, closed_reply).await, Err(ConnectorError::Invalid { .. })));

    // Downloads: the file with its type, as an attachment, for the customer and for reps.
    let transport = NativeTransport::new(&server.base);
    let cookie = session_cookie(&server, "elena@cliente-dos.example").await;
    let get =
        HttpRequest::new(Method::Get, format!("/api/v1/portal/attachments/{}", photo.id)).header("cookie", cookie);
    let file = transport.send(get).await.unwrap();
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    assert!(file.header("content-disposition").unwrap().starts_with("attachment;"));
    assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn profile_changes_language_and_turns_mail_off() {
    let server = server().await;
    let pablo = server.customer("pablo@cliente-uno.example").await;
    let patch = ProfilePatch {
        name: Some("Pablo Sanz Gil".into()),
        phone: Some(Some("+34 600 000 000".into())),
        locale: Some("en".into()),
        notify: Some(false),
    };
    let profile = match pablo.run(PortalOp::UpdateProfile(patch)).await.unwrap() {
        PortalReply::Profile(profile) => profile,
        other => panic!("{other:?}"),
    };
    assert_eq!((profile.name.as_str(), profile.locale.as_str(), profile.notify), ("Pablo Sanz Gil", "en", false));
    let bad = ProfilePatch { locale: Some("fr".into()), name: Some(" ".into()), ..Default::default() };
    match pablo.run(PortalOp::UpdateProfile(bad)).await {
        Err(ConnectorError::Invalid { fields, .. }) => {
            assert!(fields.contains_key("locale") && fields.contains_key("name"))
        }
        other => panic!("{other:?}"),
    }
    let before = server.mails("pablo@cliente-uno.example").len();
    let rep = server.rep().await;
    let reply = SupportOp::Reply {
        id: "case_demo_1003".into(),
        message: NewMessage { body: "¿Lo habéis revisado?".into(), internal: false, attachment_ids: vec![] },
    };
    rep.support(reply).await.unwrap();
    assert_eq!(server.mails("pablo@cliente-uno.example").len(), before, "notifications are off");
    // Sign-in links still come, in the chosen language.
    server
        .portal()
        .run(PortalOp::RequestLink(LinkRequest { email: "pablo@cliente-uno.example".into(), locale: None }))
        .await
        .unwrap();
    assert!(server.mails("pablo@cliente-uno.example").last().unwrap().contains("Hello Pablo Sanz Gil"));
}

#[tokio::test]
async fn knowledge_base_search_suggestions_drafts_and_deflection() {
    let server = server().await;
    let portal = server.portal();
    let search = |q: &str| PortalOp::Articles { search: Some(q.into()), category: None, limit: Some(5) };
    let titles = |reply| match reply {
        PortalReply::Articles(list) => list.into_iter().map(|a: Article| a.title).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    // Signed out, while typing: prefix matches, accents ignored, best match first.
    assert_eq!(
        titles(portal.run(search("No puedo descargar la fact")).await.unwrap())[0],
        "Cómo descargar una factura"
    );
    assert_eq!(titles(portal.run(search("contrasena")).await.unwrap())[0], "Entrar en el portal sin contraseña");
    assert!(
        titles(portal.run(search("\" OR * NEAR(")).await.unwrap()).is_empty(),
        "FTS syntax is never passed through"
    );
    // Drafts stay with the reps.
    assert!(titles(portal.run(search("agosto")).await.unwrap()).is_empty());
    let rep = server.rep().await;
    let all = match rep.support(SupportOp::Articles(Some("agosto".into()))).await.unwrap() {
        SupportReply::Articles(list) => list,
        other => panic!("{other:?}"),
    };
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, ArticleStatus::Draft);
    let publish = SupportOp::UpdateArticle {
        id: all[0].id.clone(),
        version: Some(all[0].version),
        patch: ArticlePatch { status: Some(ArticleStatus::Published), ..Default::default() },
    };
    rep.support(publish).await.unwrap();
    assert_eq!(titles(portal.run(search("agosto")).await.unwrap()), vec!["Nuevos horarios de reparto en agosto"]);
    let new = NewArticle {
        category_id: "kbc_cuenta".into(),
        title: "Cambiar el idioma del portal".into(),
        body: "Abre **Perfil** y elige el idioma.".into(),
        format: ArticleFormat::Markup,
        status: ArticleStatus::Published,
    };
    let created = match rep.support(SupportOp::CreateArticle(new)).await.unwrap() {
        SupportReply::Article(article) => article,
        other => panic!("{other:?}"),
    };
    assert_eq!(titles(portal.run(search("idioma")).await.unwrap()), vec!["Cambiar el idioma del portal"]);
    let bad = NewArticle {
        category_id: "nope".into(),
        title: String::new(),
        body: "x".into(),
        format: ArticleFormat::Text,
        status: ArticleStatus::Draft,
    };
    assert!(matches!(rep.support(SupportOp::CreateArticle(bad)).await, Err(ConnectorError::Invalid { .. })));

    // "Was this helpful?" and deflection.
    portal.run(PortalOp::Feedback { id: created.id.clone(), helpful: true }).await.unwrap();
    let elena = server.customer("elena@cliente-dos.example").await;
    let opened = |id: &str| PortalOp::SuggestionOpened { id: id.into(), query: "idioma".into() };
    elena.run(opened(&created.id)).await.unwrap();
    let article = |reply| match reply {
        PortalReply::Article(article) => article,
        other => panic!("{other:?}"),
    };
    let seen = article(portal.run(PortalOp::Article(created.id.clone())).await.unwrap());
    assert_eq!((seen.helpful, seen.deflections), (1, 1), "opened and no case: deflected");
    // Opening one and then sending a case anyway is not a deflection.
    let pablo = server.customer("pablo@cliente-uno.example").await;
    pablo.run(opened(&created.id)).await.unwrap();
    thread(&pablo, PortalOp::CreateCase(new_case("El idioma no cambia", vec![]))).await.unwrap();
    let seen = article(portal.run(PortalOp::Article(created.id.clone())).await.unwrap());
    assert_eq!(seen.deflections, 1);
}

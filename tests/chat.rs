//! Live chat through the widget and inbox connectors, natively, against a real `trato-server`: sessions,
//! pre-chat contacts, messages both ways, isolation between visitors, signed identify, framing rules, rate limits,
//! leave-a-message leads, ratings and conversions.
#![cfg(not(target_arch = "wasm32"))]

use trato::client::{Client, WidgetClient};
use trato::connector::support::{SupportOp, SupportReply};
use trato::connector::trato::TratoConnector;
use trato::connector::widget::{WidgetOp, WidgetReply};
use trato::connector::{ConnectorError, HttpRequest, Method};
use trato::transport::{NativeTransport, Transport};
use trato_protocol::*;
use trato_server::demo::{DEMO_PASSWORD, REPS};

struct Server {
    base: String,
}

async fn server() -> Server {
    let running = trato_server::start(trato_server::Config::for_tests()).await.expect("server starts");
    Server { base: format!("http://{}", running.addr) }
}

impl Server {
    async fn rep(&self) -> Client<TratoConnector, NativeTransport> {
        let client = Client::new(TratoConnector, NativeTransport::new(&self.base));
        client.login(REPS[0].2, DEMO_PASSWORD).await.unwrap();
        client
    }

    async fn site(&self, enforce: bool) -> Site {
        let transport = NativeTransport::new(&self.base);
        // Sites are created by a signed-in rep through the raw API.
        let login = HttpRequest::new(Method::Post, "/api/v1/auth/login")
            .header(CSRF_HEADER, CSRF_VALUE)
            .json(&LoginRequest { email: REPS[0].2.into(), password: DEMO_PASSWORD.into() });
        transport.send(login).await.unwrap();
        let body = serde_json::json!({
            "name": "Ultramarinos La Esquina",
            "allowed_origins": ["https://shop.example", "http://127.0.0.1:9"],
            "enforce_identity": enforce,
            "prechat": true
        });
        let create = HttpRequest::new(Method::Post, "/api/v1/sites").header(CSRF_HEADER, CSRF_VALUE).json(&body);
        let response = transport.send(create).await.unwrap();
        assert_eq!(response.status, 201, "{}", response.body);
        serde_json::from_str(&response.body).unwrap()
    }

    async fn visitor(&self, site: &str) -> (WidgetClient<NativeTransport>, String) {
        let widget = WidgetClient::new(NativeTransport::new(&self.base));
        match widget.run(WidgetOp::NewSession(site.into()), None).await.unwrap() {
            WidgetReply::Session(session) => (widget, session.token),
            other => panic!("{other:?}"),
        }
    }
}

fn message(body: &str, client_id: &str) -> WidgetOp {
    WidgetOp::Send(NewChatMessage { body: body.into(), client_id: Some(client_id.into()) })
}

async fn conversation(widget: &WidgetClient<NativeTransport>, token: &str) -> Option<ConversationView> {
    match widget.run(WidgetOp::Conversation(None), Some(token)).await.unwrap() {
        WidgetReply::Conversation(view) => view.map(|v| *v),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_visitor_and_a_rep_chat_and_other_visitors_see_nothing() {
    let server = server().await;
    let rep = server.rep().await;
    let site = server.site(false).await;
    let (widget, token) = server.visitor(&site.key).await;
    match widget.run(WidgetOp::Config(site.key.clone()), None).await.unwrap() {
        WidgetReply::Config(config) => {
            assert!(config.prechat);
            assert!(!config.online, "no rep has the inbox open");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(widget.run(WidgetOp::Me, None).await, Err(ConnectorError::Unauthorized(_))));
    // Pre-chat details are the visitor's word: kept as unverified, linked to no CRM contact.
    let prechat = PreChat { name: "Rosa Prieto".into(), email: "rosa@visita.example".into() };
    let visitor = match widget.run(WidgetOp::PreChat(prechat), Some(&token)).await.unwrap() {
        WidgetReply::Visitor(visitor) => visitor,
        other => panic!("{other:?}"),
    };
    assert_eq!(visitor.email.as_deref(), Some("rosa@visita.example"));
    assert!(!visitor.email_verified);
    assert_eq!(visitor.contact_id, None);

    let hostile = "<script>alert(1)</script> ¿Tenéis aceite? 🫒";
    let sent = match widget.run(message(hostile, "c-1"), Some(&token)).await.unwrap() {
        WidgetReply::Message(message) => message,
        other => panic!("{other:?}"),
    };
    assert_eq!(sent.client_id.as_deref(), Some("c-1"), "the echo carries the client id");
    assert_eq!(sent.body, hostile);

    // The inbox: the conversation is waiting and unread; opening it reads it.
    let list = match rep.support(SupportOp::Inbox).await.unwrap() {
        SupportReply::Conversations(list) => list,
        other => panic!("{other:?}"),
    };
    let waiting = list.iter().find(|c| c.visitor.id == visitor.id).expect("listed");
    assert_eq!(waiting.unread, 1);
    assert!(waiting.waiting_since.is_some());
    let id = waiting.id.clone();
    rep.support(SupportOp::InboxConversation(id.clone())).await.unwrap();
    let reply = NewChatMessage { body: "Sí, de 5 litros.".into(), client_id: Some("r-1".into()) };
    rep.support(SupportOp::InboxReply { id: id.clone(), message: reply }).await.unwrap();
    let view = conversation(&widget, &token).await.expect("a conversation");
    assert_eq!(view.messages.len(), 2);
    assert!(view.messages[0].read_at.is_some(), "the rep has read the visitor's message");
    assert_eq!(view.conversation.waiting_since, None, "answered");
    // Backfill: only what came after a time.
    match widget.run(WidgetOp::Conversation(Some(view.messages[0].created_at.clone())), Some(&token)).await.unwrap() {
        WidgetReply::Conversation(Some(after)) => assert_eq!(after.messages.len(), 1),
        other => panic!("{other:?}"),
    }

    // Another visitor, even of the same site, sees none of it.
    let (other, other_token) = server.visitor(&site.key).await;
    assert_eq!(conversation(&other, &other_token).await, None);
    assert!(matches!(widget.run(WidgetOp::Me, Some("made-up")).await, Err(ConnectorError::Unauthorized(_))));

    // Rating only once ended; then conversions.
    let rate = WidgetOp::Rate(Rating { score: 4, comment: "Bien".into() });
    assert!(matches!(widget.run(rate.clone(), Some(&token)).await, Err(ConnectorError::Invalid { .. })));
    let close = ConversationPatch { status: Some(ConversationStatus::Closed), ..Default::default() };
    rep.support(SupportOp::UpdateConversation { id: id.clone(), patch: close }).await.unwrap();
    match widget.run(rate, Some(&token)).await.unwrap() {
        WidgetReply::Updated(c) => assert_eq!(c.rating.map(|r| r.score), Some(4)),
        other => panic!("{other:?}"),
    }
    let convert = |to: &str| SupportOp::ConvertConversation {
        id: id.clone(),
        to: to.into(),
        deal_name: Some("Chat with Rosa".into()),
    };
    let made = match rep.support(convert("deal")).await.unwrap() {
        SupportReply::Converted(done) => {
            let deal = rep.deal(&done.id).await.unwrap();
            assert_eq!(deal.name, "Chat with Rosa", "named in the converting rep's language");
            assert_eq!(deal.owner_id.as_deref(), Some(REPS[0].0), "the converting rep owns it");
            let contact = rep.contact(deal.contact_id.as_deref().expect("a contact")).await.unwrap();
            assert_eq!(contact.email.as_deref(), Some("rosa@visita.example"));
            done
        }
        other => panic!("{other:?}"),
    };
    // A second click makes nothing new, and the chat links to the deal.
    match rep.support(convert("deal")).await.unwrap() {
        SupportReply::Converted(again) => assert_eq!(again, made, "idempotent"),
        other => panic!("{other:?}"),
    }
    match rep.support(SupportOp::InboxConversation(id.clone())).await.unwrap() {
        SupportReply::Conversation(view) => assert_eq!(view.conversation.links, vec![made.clone()]),
        other => panic!("{other:?}"),
    }
    // The contact's page lists the chat, with the first thing the visitor said; once the contact joins an
    // account, so does the account's page; another account's does not.
    let deal = rep.deal(&made.id).await.unwrap();
    let contact_id = deal.contact_id.clone().expect("a contact");
    let chats = |account_id: Option<&str>, contact_id: Option<&str>| {
        let op = SupportOp::CustomerChats {
            account_id: account_id.map(String::from),
            contact_id: contact_id.map(String::from),
        };
        let rep = &rep;
        async move {
            match rep.support(op).await.unwrap() {
                SupportReply::Conversations(list) => list,
                other => panic!("{other:?}"),
            }
        }
    };
    let of_contact = chats(None, Some(&contact_id)).await;
    assert_eq!(of_contact.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    assert_eq!(of_contact[0].preview.as_deref(), Some(hostile), "the visitor's first message, as written");
    let accounts = rep.all_accounts(Default::default()).await.unwrap();
    let (mine, other_account) = (&accounts[0], &accounts[1]);
    assert!(chats(Some(&mine.meta.id), None).await.is_empty(), "not the account's until the contact joins it");
    let contact = rep.contact(&contact_id).await.unwrap();
    let join = ContactPatch { account_id: Some(Some(mine.meta.id.clone())), ..Default::default() };
    rep.update_contact(&contact_id, Some(contact.meta.version), join).await.unwrap();
    assert_eq!(chats(Some(&mine.meta.id), None).await.len(), 1);
    assert!(chats(Some(&other_account.meta.id), None).await.is_empty());
    assert!(chats(None, Some("ct_nobody")).await.is_empty());
    let both = SupportOp::CustomerChats { account_id: Some(mine.meta.id.clone()), contact_id: Some(contact_id) };
    assert!(matches!(rep.support(both).await, Err(ConnectorError::Invalid { .. })), "one customer at a time");

    let hostile =
        SupportOp::ConvertConversation { id: id.clone(), to: "contact".into(), deal_name: Some("a\u{0}b".into()) };
    assert!(
        matches!(rep.support(hostile).await, Err(ConnectorError::Invalid { .. })),
        "a name with a control character"
    );
    assert!(matches!(rep.support(convert("case")).await, Err(ConnectorError::Invalid { .. })), "not verified");
}

#[tokio::test]
async fn identify_needs_a_valid_signature_when_the_site_enforces_it() {
    let server = server().await;
    let site = server.site(true).await;
    let (widget, token) = server.visitor(&site.key).await;
    let expires = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + 600;
    let identify = |hmac: Option<String>| {
        WidgetOp::Identify(Identify {
            user_id: "cliente-42".into(),
            name: Some("Ana".into()),
            email: Some("ana@tienda.example".into()),
            hmac,
            expires: Some(expires),
        })
    };
    assert!(matches!(widget.run(identify(None), Some(&token)).await, Err(ConnectorError::Forbidden(_))));
    assert!(matches!(
        widget.run(identify(Some("00".repeat(32))), Some(&token)).await,
        Err(ConnectorError::Forbidden(_))
    ));
    let signature = {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(site.identity_secret.as_bytes()).unwrap();
        mac.update(identity_payload("cliente-42", Some("ana@tienda.example"), expires).as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    match widget.run(identify(Some(signature.clone())), Some(&token)).await.unwrap() {
        WidgetReply::Visitor(visitor) => assert_eq!(visitor.user_id.as_deref(), Some("cliente-42")),
        other => panic!("{other:?}"),
    }
    widget.run(message("Primera visita", "c-1"), Some(&token)).await.unwrap();
    // A new session (another device, or a frame that lost its storage) identified with the same signed user id
    // gets the earlier conversation back; an unsigned claim never would.
    let (again, new_token) = server.visitor(&site.key).await;
    assert_eq!(conversation(&again, &new_token).await, None);
    again.run(identify(Some(signature)), Some(&new_token)).await.unwrap();
    let view = conversation(&again, &new_token).await.expect("the conversation follows the signed user");
    assert_eq!(view.messages[0].body, "Primera visita");
}

#[tokio::test]
async fn the_widget_page_may_only_be_framed_by_the_sites_origins() {
    let server = server().await;
    let site = server.site(false).await;
    let transport = NativeTransport::new(&server.base);
    // The page itself is not built in native tests; the policy is on every /widget/ answer.
    let csp = |path: String| {
        let transport = transport.clone();
        async move {
            let response = transport.send(HttpRequest::new(Method::Get, path)).await.unwrap();
            response.header("content-security-policy").unwrap_or_default().to_string()
        }
    };
    let allowed = csp(format!("/widget/?site={}", site.key)).await;
    assert!(allowed.ends_with("frame-ancestors https://shop.example http://127.0.0.1:9"), "{allowed}");
    assert!(csp("/widget/?site=nope".into()).await.ends_with("frame-ancestors 'none'"));
    assert!(csp("/widget/".into()).await.ends_with("frame-ancestors 'none'"));
    // Sites only take plain origins.
    let login = HttpRequest::new(Method::Post, "/api/v1/auth/login")
        .header(CSRF_HEADER, CSRF_VALUE)
        .json(&LoginRequest { email: REPS[0].2.into(), password: DEMO_PASSWORD.into() });
    transport.send(login).await.unwrap();
    let bad = serde_json::json!({"name": "x", "allowed_origins": ["https://a.example 'unsafe-inline'"]});
    let create = HttpRequest::new(Method::Post, "/api/v1/sites").header(CSRF_HEADER, CSRF_VALUE).json(&bad);
    assert_eq!(transport.send(create).await.unwrap().status, 422);
}

#[tokio::test]
async fn new_sessions_and_conversations_are_rate_limited_and_offline_messages_become_leads() {
    let server = server().await;
    let rep = server.rep().await;
    let site = server.site(false).await;
    let widget = WidgetClient::new(NativeTransport::new(&server.base));
    let mut tokens = vec![];
    for _ in 0..20 {
        match widget.run(WidgetOp::NewSession(site.key.clone()), None).await.unwrap() {
            WidgetReply::Session(session) => tokens.push(session.token),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        widget.run(WidgetOp::NewSession(site.key.clone()), None).await,
        Err(ConnectorError::RateLimited(_))
    ));
    let offline = OfflineMessage {
        name: "Luis Gil".into(),
        email: "luis@visita.example".into(),
        body: "Llamadme mañana, por favor.".into(),
    };
    let lead = match widget.run(WidgetOp::Offline(offline), Some(&tokens[0])).await.unwrap() {
        WidgetReply::Converted(done) => done,
        other => panic!("{other:?}"),
    };
    let deal = rep.deal(&lead.id).await.unwrap();
    assert_eq!(deal.name, "Mensaje del chat: Luis Gil");
    let mut opened = 1;
    for token in &tokens[1..] {
        if widget.run(message("hola", "c"), Some(token)).await.is_err() {
            break;
        }
        opened += 1;
    }
    assert_eq!(opened, 10, "10 new conversations (a left message counts) per IP in the window");
}

//! Browser tests (wasm-bindgen-test in headless Chromium): components mounted into a real DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use std::collections::HashMap;
use trato::desk::board::BoardView;
use trato::i18n::{intl, Key, Locale};
use trato::store::BoardData;
use trato::ui::error::ErrorMessage;
use trato::ui::locale::{provide_i18n, use_i18n, LanguageSwitch};
use trato_protocol::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn meta(id: &str) -> Meta {
    Meta {
        id: id.into(),
        version: 1,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        updated_at: "2026-01-01T00:00:00.000Z".into(),
    }
}

fn deal(id: &str, name: &str, stage: &str, minor: i64, idle_since: &str) -> Deal {
    Deal {
        meta: meta(id),
        name: name.into(),
        pipeline_id: "p1".into(),
        stage_id: stage.into(),
        account_id: Some("a1".into()),
        contact_id: None,
        participant_ids: vec![],
        owner_id: Some("u1".into()),
        amount: Money { minor, currency: "EUR".into() },
        expected_close: Some("2027-03-15".into()),
        stage_entered_at: idle_since.into(),
        last_activity_at: idle_since.into(),
        position: minor as f64,
        lost_reason: None,
        closed_on: None,
        probability: None,
        next_activity: None,
    }
}

fn board_data() -> BoardData {
    let stage = |id: &str, name: &str, probability, kind| Stage {
        id: id.into(),
        name: name.into(),
        probability,
        kind,
        rotting_days: Some(5),
    };
    let pipeline = |id: &str, name: &str, stages| Pipeline { meta: meta(id), name: name.into(), stages };
    BoardData {
        pipelines: vec![
            pipeline(
                "p1",
                "Nuevo negocio",
                vec![stage("s1", "Propuesta", 50, StageKind::Open), stage("s2", "Ganado", 100, StageKind::Won)],
            ),
            pipeline("p2", "Renovaciones", vec![stage("s3", "Por renovar", 40, StageKind::Open)]),
        ],
        deals: vec![
            deal("d1", "<script>alert(1)</script> Pedido", "s1", 100_000, "2000-01-01T00:00:00.000Z"),
            deal("d2", "Café ☕", "s1", 50_050, "2999-01-01T00:00:00.000Z"),
            deal("d3", "Ganado", "s2", 7_000, "2999-01-01T00:00:00.000Z"),
        ],
        account_names: HashMap::from([("a1".to_string(), "Hotel Miramar".to_string())]),
        users: HashMap::from([(
            "u1".to_string(),
            User { id: "u1".into(), name: "Lucía Martín".into(), email: "l@x.es".into(), role: "rep".into() },
        )]),
        partial: None,
    }
}

#[wasm_bindgen_test]
async fn intl_formats_money_and_dates_per_locale() {
    let amount = Money { minor: 123_456_789, currency: "EUR".into() };
    let es = intl::money(Locale::Es, &amount);
    let en = intl::money(Locale::En, &amount);
    assert!(es.contains("1.234.567,89") && es.contains('€'), "{es}");
    assert!(en.contains("1,234,567.89") && en.contains('€'), "{en}");
    assert_eq!(intl::date(Locale::Es, "2027-03-15"), "15 mar 2027");
    assert_eq!(intl::date(Locale::En, "2027-03-15"), "15 Mar 2027");
    assert_eq!(intl::date(Locale::Es, "<no es fecha>"), "<no es fecha>");
}

#[wasm_bindgen_test]
async fn board_columns_show_counts_totals_and_cards() {
    let root = container();
    let _handle = leptos::mount::mount_to(
        root.clone(),
        || view! { <Router><BoardView board=RwSignal::new(board_data()) /></Router> },
    );
    leptos::task::tick().await;

    let columns = root.query_selector_all("section[data-stage]").unwrap();
    assert_eq!(columns.length(), 2, "the first pipeline's two stages");
    let open = root.query_selector("section[data-stage='s1']").unwrap().unwrap();
    let total = open.query_selector(".column-total").unwrap().unwrap().text_content().unwrap();
    assert_eq!(total, intl::money(Locale::Es, &Money { minor: 150_050, currency: "EUR".into() }));
    let weighted = open.query_selector(".column-weighted").unwrap().unwrap().text_content().unwrap();
    assert_eq!(weighted, intl::money(Locale::Es, &Money { minor: 75_025, currency: "EUR".into() }));
    assert!(open.query_selector(".column-count").unwrap().unwrap().text_content().unwrap().starts_with("2 tratos"));

    // Cards in position order; user text rendered as text.
    let titles: Vec<String> = (0..2)
        .map(|i| open.query_selector_all("article.card h3").unwrap().get(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(titles, ["Café ☕", "<script>alert(1)</script> Pedido"]);
    assert!(root.query_selector("article script").unwrap().is_none());
    let card = root.query_selector("article[data-deal='d1']").unwrap().unwrap();
    let text = card.text_content().unwrap();
    assert!(text.contains("Hotel Miramar") && text.contains("LM") && text.contains("15 mar 2027"), "{text}");
    assert!(card.class_list().contains("rotting"), "idle since 2000: rotting");
    assert!(!root.query_selector("article[data-deal='d2']").unwrap().unwrap().class_list().contains("rotting"));

    let summary = root.query_selector(".board-summary").unwrap().unwrap().text_content().unwrap();
    assert!(summary.starts_with("2 tratos abiertos"), "{summary}");
}

#[wasm_bindgen_test]
async fn language_switch_changes_texts_and_html_lang() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        provide_i18n(Key::DeskTitle);
        let i18n = use_i18n();
        view! {
            <LanguageSwitch />
            <h1>{move || i18n.t(Key::BoardTitle)}</h1>
        }
    });
    leptos::task::tick().await;
    let select: web_sys::HtmlSelectElement = root.query_selector("select").unwrap().unwrap().unchecked_into();
    select.set_value("en");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    leptos::task::tick().await;
    assert_eq!(root.query_selector("h1").unwrap().unwrap().text_content().unwrap(), "Sales pipeline");
    let document = web_sys::window().unwrap().document().unwrap();
    assert_eq!(document.document_element().unwrap().get_attribute("lang").unwrap(), "en");
    select.set_value("es");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    leptos::task::tick().await;
    assert_eq!(root.query_selector("h1").unwrap().unwrap().text_content().unwrap(), "Embudo de ventas");
}

#[wasm_bindgen_test]
async fn error_messages_render_as_text() {
    let root = container();
    let _handle =
        leptos::mount::mount_to(root.clone(), || view! { <ErrorMessage message="<b>fallo</b>".to_string() /> });
    leptos::task::tick().await;
    let alert = root.query_selector("[role=alert]").unwrap().unwrap();
    assert_eq!(alert.text_content().unwrap(), "<b>fallo</b>");
    assert!(alert.query_selector("b").unwrap().is_none());
}

fn key(target: &web_sys::Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn keyboard_pick_shows_where_the_card_would_land_and_escape_cancels() {
    let root = container();
    let _handle = leptos::mount::mount_to(
        root.clone(),
        || view! { <Router><BoardView board=RwSignal::new(board_data()) /></Router> },
    );
    leptos::task::tick().await;
    let card = root.query_selector("article[data-deal='d2']").unwrap().unwrap();
    key(&card, " ");
    leptos::task::tick().await;
    assert!(card.class_list().contains("picked"));
    key(&card, "ArrowRight");
    leptos::task::tick().await;
    let won = root.query_selector("section[data-stage='s2']").unwrap().unwrap();
    assert!(won.query_selector(".drop-here").unwrap().is_some(), "placeholder in the next column");
    let live = root.query_selector("[aria-live=assertive]").unwrap().unwrap().text_content().unwrap();
    assert!(live.contains("Ganado") && live.contains("posición 1 de 2"), "{live}");
    key(&card, "Escape");
    leptos::task::tick().await;
    assert!(root.query_selector(".drop-here").unwrap().is_none());
    assert!(!card.class_list().contains("picked"));
}

#[wasm_bindgen_test]
async fn search_filters_columns_and_totals_follow() {
    let root = container();
    let _handle = leptos::mount::mount_to(
        root.clone(),
        || view! { <Router><BoardView board=RwSignal::new(board_data()) /></Router> },
    );
    leptos::task::tick().await;
    let search: web_sys::HtmlInputElement =
        root.query_selector("input[type=search]").unwrap().unwrap().unchecked_into();
    search.set_value("café");
    search.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;
    let open = root.query_selector("section[data-stage='s1']").unwrap().unwrap();
    assert_eq!(open.query_selector_all("article.card").unwrap().length(), 1);
    let total = open.query_selector(".column-total").unwrap().unwrap().text_content().unwrap();
    assert_eq!(total, intl::money(Locale::Es, &Money { minor: 50_050, currency: "EUR".into() }));
    // The account name matches too.
    search.set_value("miramar");
    search.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    leptos::task::tick().await;
    assert_eq!(root.query_selector_all("article.card").unwrap().length(), 3);
}

#[wasm_bindgen_test]
fn a_case_waiting_for_the_customer_says_so_from_each_side() {
    use trato::ui::case_labels::{status_key, Reader};
    let rep = status_key(CaseStatus::Pending, Reader::Rep);
    let customer = status_key(CaseStatus::Pending, Reader::Customer);
    assert_eq!(Locale::Es.t(rep), "Esperando al cliente");
    assert_eq!(Locale::En.t(rep), "Waiting for the customer");
    assert_eq!(Locale::Es.t(customer), "Esperando tu respuesta");
    assert_eq!(status_key(CaseStatus::Open, Reader::Rep), status_key(CaseStatus::Open, Reader::Customer));
}

#[wasm_bindgen_test]
fn portal_addresses_name_their_pages_and_back() {
    use trato::portal::state::Page;
    for page in [
        Page::SignIn,
        Page::Cases,
        Page::NewCase,
        Page::Orders,
        Page::Profile,
        Page::Case { id: "case 7/ñ".into(), created: false },
        Page::Case { id: "c_1".into(), created: true },
    ] {
        let path = page.path();
        let (path, search) = match path.split_once('?') {
            Some((path, query)) => (path.to_string(), format!("?{query}")),
            None => (path, String::new()),
        };
        assert_eq!(Page::of_path(&path, &search), Some(page), "{path}{search}");
    }
    assert_eq!(Page::of_path("/portal/cases/", ""), Some(Page::Cases), "a trailing slash");
    for other in ["/portal", "/portal/", "/portal/kb/a1", "/portal/cases/a/b", "/desk/cases", "/portal/unknown"] {
        assert_eq!(Page::of_path(other, ""), None, "{other} is not a signed-in portal page");
    }
}

#[wasm_bindgen_test]
async fn a_redraw_keeps_the_focus_caret_and_lets_old_handlers_go() {
    use trato::browser::dom::{redraw, El};
    let root = container();
    let clicks = std::rc::Rc::new(std::cell::Cell::new(0));
    let draw = |value: &str| {
        let counted = clicks.clone();
        let input = El::new("input").attr("data-key", "name").on("input", move |_| counted.set(counted.get() + 1));
        trato::browser::dom::set_value(&input.0, value);
        vec![El::new("p").text("Nombre").into(), input.into()]
    };
    redraw(&root, || draw("Martín"));
    let input: web_sys::HtmlInputElement = root.query_selector("input").unwrap().unwrap().dyn_into().unwrap();
    input.focus().unwrap();
    input.set_selection_range(2, 4).unwrap();
    redraw(&root, || draw("Martín López"));
    let again: web_sys::HtmlInputElement = root.query_selector("input").unwrap().unwrap().dyn_into().unwrap();
    assert_ne!(again, input, "the field was drawn again");
    assert_eq!(
        trato::browser::dom::document().active_element().as_ref(),
        Some(again.unchecked_ref::<web_sys::Element>())
    );
    assert_eq!((again.selection_start().unwrap(), again.selection_end().unwrap()), (Some(2), Some(4)));
    // The handlers of the replaced field are let go after the running code returns; the new one works.
    trato::browser::timer::sleep(0).await;
    again.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    assert_eq!(clicks.get(), 1);
    root.remove();
}

#[wasm_bindgen_test]
fn help_centre_addresses_keep_an_encoded_slash_in_an_id() {
    use trato::help::Page;
    let page = Page::Article("faq/1 ñ".into());
    assert_eq!(Page::of_path(&page.path()), Some(page));
    assert_eq!(Page::of_path("/portal/kb/a/b"), None);
}

#[wasm_bindgen_test]
fn a_button_disabled_while_its_work_runs_gets_the_focus_back_after() {
    use trato::browser::dom::{redraw, El};
    let root = container();
    let draw = |busy: bool| {
        let button = El::new("button").attr("data-key", "send").text("Enviar");
        vec![if busy { button.attr("disabled", "") } else { button }.into()]
    };
    redraw(&root, || draw(false));
    let button: web_sys::HtmlElement = root.query_selector("button").unwrap().unwrap().dyn_into().unwrap();
    button.focus().unwrap();
    redraw(&root, || draw(true));
    redraw(&root, || draw(false));
    let focused = trato::browser::dom::document().active_element().and_then(|e| e.get_attribute("data-key"));
    assert_eq!(focused.as_deref(), Some("send"), "the focus is back on the button, not on the page");
    root.remove();
}

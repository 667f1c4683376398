//! My orders: quotes and orders with status, dates, lines and totals (read only), each opening to its lines.

use super::forms::OrderList;
use super::state::{Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::i18n::{intl, Key, Locale};
use crate::ui::drawn::{alert, empty_state, main_element, skeleton, Loaded};
use crate::ui::error::describe;
use crate::ui::order_labels::{kind_key, status_key};
use trato_protocol::Order;

/// Loads the orders into a fresh page.
pub fn load(portal: &Portal) {
    let visit = portal.visit();
    portal.update(|s| s.orders = OrderList::default());
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = portal.ask(PortalOp::orders()).await;
        portal.answer(visit, |s| {
            s.orders.found = match answer {
                Ok(list) => Loaded::Ready(list),
                Err(error) => Loaded::Failed(describe(s.locale, &error)),
            }
        });
    });
}

/// The orders page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let list = match &state.orders.found {
        Loaded::Loading => skeleton(state.locale),
        Loaded::Failed(reason) => alert(reason),
        Loaded::Ready(orders) if orders.is_empty() => empty_state(t(Key::NoOrders)),
        Loaded::Ready(orders) => orders.iter().fold(El::new("div").class("orders"), |div, order| {
            div.child(card(portal, state.locale, order, state.orders.open.contains(&order.number)))
        }),
    };
    main_element("portal-page").child(El::new("h1").text(t(Key::MyOrders))).child(list)
}

fn card(portal: &Portal, locale: Locale, order: &Order, open: bool) -> El {
    let t = |key| locale.t(key);
    let summary = El::new("summary")
        .attr("data-key", &format!("order:{}", order.number))
        .child(El::new("span").class("order-number").text(&order.number))
        .text(" · ")
        .child(El::new("span").text(t(kind_key(&order.kind))))
        .text(" · ")
        .child(El::new("span").class(&format!("badge order-{}", order.status)).text(t(status_key(&order.status))))
        .text(" · ")
        .child(El::new("span").text(&intl::date(locale, &order.ordered_on)))
        .text(" · ")
        .child(El::new("strong").text(&intl::money(locale, &order.total)));
    let expected_label = if order.kind == "quote" { Key::ValidUntil } else { Key::ExpectedDelivery };
    let expected = order
        .expected_on
        .as_ref()
        .map(|date| El::new("p").text(&format!("{}: {}", t(expected_label), intl::date(locale, date))));
    let num = |tag: &str, text: &str| El::new(tag).class("num").text(text);
    let head = [Key::LineDescription, Key::LineQuantity, Key::LineUnitPrice, Key::LineAmount]
        .into_iter()
        .enumerate()
        .fold(El::new("tr"), |tr, (i, key)| {
            let th = El::new("th").attr("scope", "col").text(t(key));
            tr.child(if i == 0 { th } else { th.class("num") })
        });
    let mut body = El::new("tbody");
    for line in &order.lines {
        body = body.child(
            El::new("tr")
                .child(El::new("td").text(&line.description))
                .child(num("td", &intl::number(locale, line.quantity as f64)))
                .child(num("td", &intl::money(locale, &line.unit_price)))
                .child(num("td", &intl::money(locale, &line.amount))),
        );
    }
    let total_row = |key, amount: &trato_protocol::Money, strong: bool| {
        let text = intl::money(locale, amount);
        let cell =
            if strong { El::new("td").class("num").child(El::new("strong").text(&text)) } else { num("td", &text) };
        El::new("tr").child(El::new("th").attr("scope", "row").attr("colspan", "3").text(t(key))).child(cell)
    };
    let foot = El::new("tfoot")
        .child(total_row(Key::Subtotal, &order.subtotal, false))
        .child(total_row(Key::Tax, &order.tax, false))
        .child(total_row(Key::Total, &order.total, true));
    let table = El::new("table")
        .class("order-lines")
        .child(El::new("caption").class("visually-hidden").text(t(Key::OrderLines)))
        .child(El::new("thead").child(head))
        .child(body)
        .child(foot);
    let mut details = El::new("details").class("order-card");
    if open {
        details = details.attr("open", "");
    }
    let (portal, number) = (portal.clone(), order.number.clone());
    details.child(summary).maybe(expected).child(table).on("toggle", move |event| {
        let open = event.target().map(|t| {
            use wasm_bindgen::JsCast;
            t.unchecked_into::<web_sys::Element>().has_attribute("open")
        });
        portal.quietly(|s| {
            if open == Some(true) {
                s.orders.open.insert(number.clone());
            } else {
                s.orders.open.remove(&number);
            }
        });
    })
}

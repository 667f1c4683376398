//! My orders: quotes and orders with status, dates, lines and totals (read only).

use super::session::ask;
use crate::connector::portal::PortalOp;
use crate::i18n::{intl, Key};
use crate::ui::error::{describe, ErrorMessage};
use crate::ui::locale::use_i18n;
use crate::ui::order_labels::{kind_key as order_kind_key, status_key};
use leptos::prelude::*;
use trato_protocol::*;

/// The list of the customer's quotes and orders, each opening to its lines.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let orders = LocalResource::new(|| ask(PortalOp::orders()));
    view! {
        <main id="main" class="portal-page">
            <h1>{move || i18n.t(Key::MyOrders)}</h1>
            <Transition fallback=|| view! { <crate::ui::status::Skeleton /> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Err(e) => view! { <ErrorMessage message=describe(i18n.0.get_untracked(), &e) /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <crate::ui::status::EmptyState message=Key::NoOrders /> }.into_any(),
                        Ok(list) => view! { <div class="orders">{list.into_iter().map(|o| view! { <OrderCard order=o /> }).collect_view()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn OrderCard(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let kind = order_kind_key(&order.kind);
    let status = status_key(&order.status);
    let ordered = order.ordered_on.clone();
    let expected = order.expected_on.clone();
    let expected_label = if order.kind == "quote" { Key::ValidUntil } else { Key::ExpectedDelivery };
    let (subtotal, tax, total) = (order.subtotal.clone(), order.tax.clone(), order.total.clone());
    let total_summary = order.total.clone();
    view! {
        <details class="order-card">
            <summary>
                <span class="order-number">{order.number.clone()}</span>
                " · "
                <span>{move || i18n.t(kind)}</span>
                " · "
                <span class=format!("badge order-{}", order.status)>{move || i18n.t(status)}</span>
                " · "
                <span>{move || intl::date(i18n.locale(), &ordered)}</span>
                " · "
                <strong>{move || intl::money(i18n.locale(), &total_summary)}</strong>
            </summary>
            {expected.map(|date| view! {
                <p>{move || i18n.t(expected_label)} ": " {move || intl::date(i18n.locale(), &date)}</p>
            })}
            <table class="order-lines">
                <caption class="visually-hidden">{move || i18n.t(Key::OrderLines)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Key::LineDescription)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::LineQuantity)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::LineUnitPrice)}</th>
                        <th scope="col" class="num">{move || i18n.t(Key::LineAmount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {order.lines.into_iter().map(|line| {
                        let (unit, amount) = (line.unit_price.clone(), line.amount.clone());
                        let quantity = line.quantity as f64;
                        view! {
                            <tr>
                                <td>{line.description.clone()}</td>
                                <td class="num">{move || intl::number(i18n.locale(), quantity)}</td>
                                <td class="num">{move || intl::money(i18n.locale(), &unit)}</td>
                                <td class="num">{move || intl::money(i18n.locale(), &amount)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="3">{move || i18n.t(Key::Subtotal)}</th><td class="num">{move || intl::money(i18n.locale(), &subtotal)}</td></tr>
                    <tr><th scope="row" colspan="3">{move || i18n.t(Key::Tax)}</th><td class="num">{move || intl::money(i18n.locale(), &tax)}</td></tr>
                    <tr><th scope="row" colspan="3">{move || i18n.t(Key::Total)}</th><td class="num"><strong>{move || intl::money(i18n.locale(), &total)}</strong></td></tr>
                </tfoot>
            </table>
        </details>
    }
}

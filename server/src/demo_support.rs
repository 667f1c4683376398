//! Spanish demo data of the support side: portal customers at the first two demo accounts (one a company admin),
//! knowledge base categories and articles, a few cases with threads, and quotes and orders.

use crate::error::Failure;
use crate::orders::{self, NewOrder, StoredLine};
use crate::{clock, kb, portal_auth};
use rusqlite::{params, Connection};
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// The demo customers: (id, name, e-mail, account, company admin).
pub const CUSTOMERS: [(&str, &str, &str, &str, bool); 3] = [
    ("cus_ana", "Ana Torres", "ana@cliente-uno.example", "acc_0001", true),
    ("cus_pablo", "Pablo Sanz", "pablo@cliente-uno.example", "acc_0001", false),
    ("cus_elena", "Elena Vidal", "elena@cliente-dos.example", "acc_0002", false),
];

const CATEGORIES: [(&str, &str); 4] = [
    ("kbc_pedidos", "Pedidos y entregas"),
    ("kbc_facturas", "Facturación y pagos"),
    ("kbc_cuenta", "Tu cuenta y el portal"),
    ("kbc_productos", "Productos"),
];

const ARTICLES: [(&str, &str, &str, bool); 9] = [
    (
        "kbc_facturas",
        "Cómo descargar una factura",
        "Todas tus facturas están en el portal, en **Mis pedidos**.\n\n## Paso a paso\n- Entra en el portal con el \
         enlace que te enviamos por correo.\n- Abre **Mis pedidos** y elige el pedido.\n- Pulsa **Descargar \
         factura**.\n\nSi la factura no aparece, puede que el pedido aún no se haya facturado: se factura el día de \
         la entrega.",
        true,
    ),
    (
        "kbc_pedidos",
        "Cambiar la dirección de entrega de un pedido",
        "Puedes cambiar la dirección de entrega hasta las 18:00 del día anterior al reparto.\n\nAbre un caso con la \
         categoría **Pedidos** indicando el número de pedido y la nueva dirección. Si el camión ya ha salido, te \
         llamaremos para acordar otra entrega.",
        true,
    ),
    (
        "kbc_pedidos",
        "Plazos de entrega por provincia",
        "## Península\n- Madrid, Barcelona, Valencia y Sevilla: 24 horas.\n- Resto de capitales: 48 horas.\n\n## \
         Baleares\n- 72 horas, salvo temporal.\n\nLos pedidos recibidos antes de las 13:00 salen el mismo día.",
        true,
    ),
    (
        "kbc_pedidos",
        "Qué hacer si un pedido llega incompleto o dañado",
        "Anótalo en el albarán del repartidor antes de firmar, haz una foto de la mercancía dañada y abre un caso \
         adjuntando la foto y el albarán. Reponemos lo que falte o esté dañado en el siguiente reparto, sin coste.",
        true,
    ),
    (
        "kbc_facturas",
        "Formas de pago aceptadas",
        "Aceptamos transferencia bancaria, domiciliación SEPA a 30 días y tarjeta en el momento de la entrega.\n\n\
         Para cambiar la forma de pago de tu empresa, abre un caso con la categoría **Facturación**.",
        true,
    ),
    (
        "kbc_cuenta",
        "Entrar en el portal sin contraseña",
        "El portal no usa contraseñas. Escribe tu correo y te enviaremos un enlace para entrar. El enlace sirve una \
         sola vez y caduca a los 15 minutos; si caduca, pide otro.\n\nSi no te llega, revisa la carpeta de correo no \
         deseado.",
        true,
    ),
    (
        "kbc_productos",
        "Conservación de productos refrigerados",
        "Guarda los productos refrigerados entre 0 y 4 °C en cuanto los recibas. La cadena de frío está garantizada \
         hasta la entrega; anota en el albarán si la mercancía llega a más temperatura.",
        true,
    ),
    (
        "kbc_pedidos",
        "Devoluciones de producto",
        "Puedes devolver producto no perecedero sin abrir en los 14 días siguientes a la entrega. Abre un caso con el \
         número de pedido; el repartidor lo recogerá en la siguiente visita y lo abonaremos en la próxima factura.",
        true,
    ),
    (
        "kbc_pedidos",
        "Nuevos horarios de reparto en agosto",
        "Borrador: en agosto el reparto empieza a las 6:00 para evitar las horas de más calor.",
        false,
    ),
];

/// A demo case: (number, customer, account, subject, category, status, priority, assignee, hours ago, thread of
/// (author, text, internal), rating).
type DemoCase<'a> =
    (i64, &'a str, &'a str, &'a str, &'a str, &'a str, &'a str, Option<&'a str>, i64, Thread<'a>, Option<u8>);
type Thread<'a> = &'a [(&'a str, &'a str, bool)];

/// Seeds the support demo data when there are no customers yet and the demo accounts exist.
pub fn seed_if_empty(conn: &Connection) -> Result<bool, Failure> {
    let customers: i64 = conn.query_row("SELECT COUNT(*) FROM customers", [], |row| row.get(0))?;
    let accounts: i64 =
        conn.query_row("SELECT COUNT(*) FROM accounts WHERE id IN ('acc_0001', 'acc_0002')", [], |row| row.get(0))?;
    if customers > 0 || accounts < 2 {
        return Ok(false);
    }
    let tx = conn.unchecked_transaction()?;
    seed(&tx)?;
    tx.commit()?;
    Ok(true)
}

fn seed(conn: &Connection) -> Result<(), Failure> {
    let now = OffsetDateTime::now_utc();
    let ago = |hours: i64| clock::timestamp(now - Duration::hours(hours));
    for (id, name, email, account, admin) in CUSTOMERS {
        portal_auth::create_customer(conn, id, name, email, account, admin)?;
    }
    for (position, (id, name)) in CATEGORIES.iter().enumerate() {
        kb::create_category(conn, id, name, position as i64)?;
    }
    for (category, title, body, published) in ARTICLES {
        kb::create_article(
            conn,
            NewArticle {
                category_id: category.into(),
                title: title.into(),
                body: body.into(),
                format: ArticleFormat::Markup,
                status: if published { ArticleStatus::Published } else { ArticleStatus::Draft },
            },
        )?;
    }
    let cases: [DemoCase<'_>; 4] = [
        (
            1001,
            "cus_ana",
            "acc_0001",
            "Falta una caja de aceite en el pedido PV-2026-0101",
            "orders",
            "resolved",
            "high",
            Some("usr_carmen"),
            120,
            &[
                ("customer", "Hoy ha llegado el pedido pero falta una caja de aceite de oliva de 5 l.", false),
                ("rep", "Lo comprobamos con el almacén.", true),
                ("rep", "Disculpa, Ana. La caja sale mañana en el primer reparto, sin coste.", false),
            ],
            Some(5),
        ),
        (
            1002,
            "cus_ana",
            "acc_0001",
            "Cambiar la forma de pago a domiciliación",
            "billing",
            "open",
            "normal",
            Some("usr_lucia"),
            30,
            &[("customer", "Queremos pasar a domiciliación SEPA a 30 días a partir del mes que viene.", false)],
            None,
        ),
        (
            1003,
            "cus_pablo",
            "acc_0001",
            "La cámara frigorífica marca 7 °C al recibir",
            "technical",
            "pending",
            "urgent",
            Some("usr_javier"),
            6,
            &[
                ("customer", "El reparto de esta mañana llegó a 7 °C según nuestro termómetro.", false),
                ("rep", "¿Podéis enviarnos una foto del albarán con la anotación?", false),
            ],
            None,
        ),
        (
            1004,
            "cus_elena",
            "acc_0002",
            "Solicitud de catálogo de vinos 2027",
            "other",
            "new",
            "low",
            None,
            2,
            &[("customer", "¿Nos podéis enviar el catálogo de vinos del año que viene?", false)],
            None,
        ),
    ];
    for (number, customer, account, subject, category, status, priority, assignee, hours, thread, rating) in cases {
        let id = format!("case_demo_{number}");
        let created = ago(hours);
        let answered = thread.iter().any(|(author, _, internal)| *author == "rep" && !internal);
        let due = (!answered).then(|| {
            let hours_allowed = CasePriority::parse(priority).map(|p| p.response_hours()).unwrap_or(24);
            clock::timestamp(now - Duration::hours(hours) + Duration::hours(hours_allowed))
        });
        conn.execute(
            "INSERT INTO cases (id, number, version, subject, category, status, priority, customer_id, account_id,
                                assignee_id, created_at, updated_at, sla_due_at, rating_score, rating_comment)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                id,
                number,
                subject,
                category,
                status,
                priority,
                customer,
                account,
                assignee,
                created,
                ago(hours / 2),
                due,
                rating,
                rating.map(|_| "Muy rápidos, gracias.")
            ],
        )?;
        for (index, (author, body, internal)) in thread.iter().enumerate() {
            let (author_id, author_name) = if *author == "rep" {
                let rep = assignee.unwrap_or("usr_lucia");
                let name = crate::demo::REPS.iter().find(|r| r.0 == rep).map(|r| r.1).unwrap_or("");
                (rep, name)
            } else {
                let name = CUSTOMERS.iter().find(|c| c.0 == customer).map(|c| c.1).unwrap_or("");
                (customer, name)
            };
            conn.execute(
                "INSERT INTO case_messages (id, case_id, author, author_id, author_name, body, internal, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    format!("msg_demo_{number}_{index}"),
                    id,
                    author,
                    author_id,
                    author_name,
                    body,
                    internal,
                    ago(hours - index as i64)
                ],
            )?;
        }
    }
    let line = |description: &str, quantity: u32, unit_minor: i64| StoredLine {
        description: description.into(),
        quantity,
        unit_minor,
    };
    let orders = [
        (
            "ord_demo_1",
            NewOrder {
                number: "PV-2026-0101",
                kind: "order",
                status: "delivered",
                account_id: "acc_0001",
                customer_id: "cus_ana",
                ordered_on: &clock::date_from_today(-6),
                expected_on: Some(&clock::date_from_today(-5)),
                currency: "EUR",
                tax_bp: 1000,
                lines: vec![line("Aceite de oliva virgen extra 5 l", 12, 3_450), line("Vinagre de Jerez 1 l", 6, 520)],
            },
        ),
        (
            "ord_demo_2",
            NewOrder {
                number: "PV-2026-0117",
                kind: "order",
                status: "confirmed",
                account_id: "acc_0001",
                customer_id: "cus_pablo",
                ordered_on: &clock::date_from_today(-1),
                expected_on: Some(&clock::date_from_today(2)),
                currency: "EUR",
                tax_bp: 1000,
                lines: vec![line("Jamón serrano reserva", 2, 8_900), line("Queso manchego curado 3 kg", 3, 4_275)],
            },
        ),
        (
            "ord_demo_3",
            NewOrder {
                number: "PR-2026-0044",
                kind: "quote",
                status: "sent",
                account_id: "acc_0001",
                customer_id: "cus_ana",
                ordered_on: &clock::date_from_today(-3),
                expected_on: Some(&clock::date_from_today(27)),
                currency: "EUR",
                tax_bp: 2100,
                lines: vec![line("Cafetera industrial, alquiler mensual", 12, 6_500)],
            },
        ),
        (
            "ord_demo_4",
            NewOrder {
                number: "PV-2026-0120",
                kind: "order",
                status: "shipped",
                account_id: "acc_0002",
                customer_id: "cus_elena",
                ordered_on: &clock::date_from_today(-2),
                expected_on: Some(&clock::date_from_today(1)),
                currency: "EUR",
                tax_bp: 2100,
                lines: vec![line("Rioja crianza, caja de 6", 10, 5_400)],
            },
        ),
    ];
    for (id, order) in &orders {
        orders::create(conn, id, order)?;
    }
    Ok(())
}

//! The Spanish demo dataset: a food and drink distributor with three reps, two pipelines, accounts, contacts,
//! deals across stages and activities. Generated deterministically from a fixed seed; dates are relative to
//! today so that close dates, overdue tasks and rotting deals look alive.

use crate::{auth, clock, db, records};
use rusqlite::Connection;
use time::{Duration, OffsetDateTime};
use trato_protocol::*;

/// How much demo data to create.
#[derive(Clone, Debug)]
pub struct DemoSize {
    /// Accounts (companies).
    pub accounts: usize,
    /// Contacts (spread over the accounts).
    pub contacts: usize,
    /// Deals across both pipelines.
    pub deals: usize,
    /// Put every deal, open, in the first pipeline (a large board for benchmarks).
    pub open_only: bool,
}

impl Default for DemoSize {
    fn default() -> Self {
        DemoSize { accounts: 200, contacts: 400, deals: 300, open_only: false }
    }
}

/// Demo company name.
pub const COMPANY: &str = "Distribuciones Alameda S.L.";
/// Password of every demo rep.
pub const DEMO_PASSWORD: &str = "trato-demo";
/// The demo reps: (id, name, e-mail, role).
pub const REPS: [(&str, &str, &str, &str); 3] = [
    ("usr_lucia", "Lucía Martín", "lucia@alameda.example", "admin"),
    ("usr_javier", "Javier Gómez", "javier@alameda.example", "rep"),
    ("usr_carmen", "Carmen Ruiz", "carmen@alameda.example", "rep"),
];

/// SplitMix64: a tiny deterministic generator, so every run builds the same dataset.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }
}

const TRADES: &[&str] = &[
    "Restaurante",
    "Hotel",
    "Cafetería",
    "Supermercados",
    "Bar",
    "Panadería",
    "Pastelería",
    "Catering",
    "Hostal",
    "Bodegas",
    "Colegio",
    "Residencia",
    "Mercado",
    "Tienda",
    "Cervecería",
    "Marisquería",
];
const NAMES: &[&str] = &[
    "El Olivo",
    "La Plaza",
    "Sol y Mar",
    "Los Arcos",
    "San Miguel",
    "La Giralda",
    "El Puerto",
    "Las Dunas",
    "Santa Clara",
    "El Molino",
    "La Alhambra",
    "Del Sur",
    "La Huerta",
    "El Faro",
    "Montesol",
    "Peñalara",
    "La Ribera",
    "El Cortijo",
    "Valdemoro",
    "Triana",
    "La Concha",
    "Miramar",
    "El Pilar",
    "Albaicín",
];
const CITIES: &[&str] = &[
    "Madrid",
    "Barcelona",
    "Valencia",
    "Sevilla",
    "Zaragoza",
    "Málaga",
    "Murcia",
    "Palma",
    "Bilbao",
    "Alicante",
    "Córdoba",
    "Valladolid",
    "Vigo",
    "Gijón",
    "Granada",
    "A Coruña",
    "Vitoria-Gasteiz",
    "Cádiz",
];
const FIRST: &[&str] = &[
    "María",
    "José",
    "Antonio",
    "Carmen",
    "Manuel",
    "Ana",
    "Francisco",
    "Laura",
    "David",
    "Isabel",
    "Juan",
    "Marta",
    "Pablo",
    "Elena",
    "Sergio",
    "Pilar",
    "Jorge",
    "Cristina",
    "Álvaro",
    "Nuria",
    "Raúl",
    "Begoña",
    "Íñigo",
    "Montserrat",
];
const LAST: &[&str] = &[
    "García",
    "Rodríguez",
    "González",
    "Fernández",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Navarro",
    "Torres",
    "Domínguez",
    "Castaño",
    "Ibáñez",
    "Núñez",
];
const TITLES: &[&str] = &["Gerente", "Jefe de compras", "Director", "Encargada", "Administración", "Chef"];
const PRODUCTS: &[&str] = &[
    "aceite de oliva",
    "bebidas",
    "café",
    "conservas",
    "lácteos",
    "congelados",
    "vinos",
    "menaje",
    "productos de limpieza",
    "embutidos",
    "frutas y verduras",
    "agua mineral",
    "cervezas",
    "panadería",
];
const DEAL_KINDS: &[&str] = &["Suministro anual de", "Pedido de", "Contrato de", "Ampliación de", "Prueba de"];
const LOST_REASONS: &[&str] = &["Precio", "Eligió a la competencia", "Sin presupuesto", "Sin respuesta"];

fn stage(id: &str, name: &str, probability: u8, kind: StageKind, rotting_days: Option<u32>) -> Stage {
    Stage { id: id.into(), name: name.into(), probability, kind, rotting_days }
}

fn meta(id: String, at: &str) -> Meta {
    Meta { id, version: 1, created_at: at.into(), updated_at: at.into() }
}

/// The two demo pipelines; `at` and `later` are their creation times (the list order).
pub fn pipelines(at: &str, later: &str) -> Vec<Pipeline> {
    use StageKind::*;
    vec![
        Pipeline {
            meta: meta("pip_nuevo".into(), at),
            name: "Nuevo negocio".into(),
            stages: vec![
                stage("stg_prospeccion", "Prospección", 10, Open, Some(14)),
                stage("stg_calificado", "Calificado", 25, Open, Some(14)),
                stage("stg_propuesta", "Propuesta enviada", 50, Open, Some(10)),
                stage("stg_negociacion", "Negociación", 75, Open, Some(7)),
                stage("stg_ganado", "Ganado", 100, Won, None),
                stage("stg_perdido", "Perdido", 0, Lost, None),
            ],
        },
        Pipeline {
            meta: meta("pip_renovaciones".into(), later),
            name: "Renovaciones".into(),
            stages: vec![
                stage("stg_por_renovar", "Por renovar", 40, Open, Some(30)),
                stage("stg_en_conversacion", "En conversación", 60, Open, Some(14)),
                stage("stg_pedido_enviado", "Pedido enviado", 85, Open, Some(7)),
                stage("stg_renovado", "Renovado", 100, Won, None),
                stage("stg_no_renovado", "No renovado", 0, Lost, None),
            ],
        },
    ]
}

/// Seeds the dataset when the database has no users yet; returns whether it did.
pub fn seed_if_empty(conn: &Connection, size: &DemoSize) -> Result<bool, String> {
    let users: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0)).map_err(|e| e.to_string())?;
    if users > 0 {
        return Ok(false);
    }
    seed(conn, size).map_err(|e| format!("{e:?}"))?;
    Ok(true)
}

fn seed(conn: &Connection, size: &DemoSize) -> Result<(), crate::error::Failure> {
    let tx = conn.unchecked_transaction()?;
    let now = OffsetDateTime::now_utc();
    let ago = |days: i64, hours: i64| clock::timestamp(now - Duration::days(days) - Duration::hours(hours));
    db::set_setting(&tx, "company", COMPANY)?;
    db::set_setting(&tx, "currency", "EUR")?;
    for (id, name, email, role) in REPS {
        auth::create_user(&tx, id, name, email, DEMO_PASSWORD, role)?;
    }
    let pipelines = pipelines(&ago(400, 1), &ago(400, 0));
    for pipeline in &pipelines {
        records::insert(&tx, pipeline)?;
    }
    let mut rng = Rng(0x5472_6174_6f21);
    let rep_ids: Vec<&str> = REPS.iter().map(|r| r.0).collect();

    let mut accounts = Vec::with_capacity(size.accounts);
    let mut used = std::collections::HashSet::new();
    for i in 0..size.accounts {
        let city = rng.pick(CITIES);
        let mut name = format!("{} {}", rng.pick(TRADES), rng.pick(NAMES));
        if !used.insert(name.clone()) {
            name = format!("{name} ({city})");
            if !used.insert(name.clone()) {
                name = format!("{name} {}", i + 1);
                used.insert(name.clone());
            }
        }
        let slug: String = name
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                'a'..='z' | '0'..='9' => Some(c),
                'á' => Some('a'),
                'é' => Some('e'),
                'í' => Some('i'),
                'ó' => Some('o'),
                'ú' => Some('u'),
                'ñ' => Some('n'),
                _ => None,
            })
            .collect();
        let created = ago(rng.range(60, 720), 0);
        let account = Account {
            meta: meta(format!("acc_{:04}", i + 1), &created),
            name,
            industry: Some("Hostelería y alimentación".into()),
            website: Some(format!("https://{slug}.example")),
            phone: Some(format!("+34 9{} {:03} {:03}", rng.range(1, 8), rng.range(100, 999), rng.range(100, 999))),
            city: Some(city.into()),
            owner_id: Some(rep_ids[i % rep_ids.len()].into()),
        };
        records::insert(&tx, &account)?;
        accounts.push(account);
    }

    let mut contacts_by_account: Vec<Vec<String>> = vec![vec![]; accounts.len()];
    for i in 0..size.contacts {
        let account_index = if accounts.is_empty() { None } else { Some(i % accounts.len()) };
        let first = rng.pick(FIRST);
        let last = format!("{} {}", rng.pick(LAST), rng.pick(LAST));
        let id = format!("con_{:04}", i + 1);
        let email_user: String = first
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'á' => 'a',
                'é' => 'e',
                'í' => 'i',
                'ó' => 'o',
                'ú' => 'u',
                'ñ' => 'n',
                c => c,
            })
            .collect();
        let contact = Contact {
            meta: meta(id.clone(), &ago(rng.range(30, 600), 0)),
            first_name: first.into(),
            last_name: last,
            email: Some(format!("{email_user}.{}@cliente.example", i + 1)),
            phone: Some(format!("+34 6{:02} {:03} {:03}", rng.range(0, 99), rng.range(100, 999), rng.range(100, 999))),
            title: Some(rng.pick(TITLES).into()),
            account_id: account_index.map(|a| accounts[a].meta.id.clone()),
            owner_id: account_index.and_then(|a| accounts[a].owner_id.clone()),
        };
        if let Some(a) = account_index {
            contacts_by_account[a].push(id);
        }
        records::insert(&tx, &contact)?;
    }

    let mut positions = std::collections::HashMap::<String, f64>::new();
    let mut activities = 0usize;
    for i in 0..size.deals {
        let pipeline = if size.open_only || i % 10 < 7 { &pipelines[0] } else { &pipelines[1] };
        // Most deals are open; about one in six is already won or lost.
        let stages = &pipeline.stages;
        let open: Vec<&Stage> = stages.iter().filter(|s| s.kind == StageKind::Open).collect();
        let stage = match if size.open_only { 2 } else { rng.below(12) } {
            0 => stages.iter().find(|s| s.kind == StageKind::Won),
            1 => stages.iter().find(|s| s.kind == StageKind::Lost),
            _ => Some(open[rng.below(open.len())]),
        }
        .unwrap_or(&stages[0]);
        let account_index = if accounts.is_empty() { None } else { Some(rng.below(accounts.len())) };
        let account = account_index.map(|a| &accounts[a]);
        let contact_id = account_index.and_then(|a| contacts_by_account[a].first().cloned());
        let product = rng.pick(PRODUCTS);
        let name = if pipeline.meta.id == "pip_renovaciones" {
            format!("Renovación {product}")
        } else {
            format!("{} {product}", rng.pick(DEAL_KINDS))
        };
        let name = match account {
            Some(account) => format!("{name} – {}", account.name),
            None => name,
        };
        let amount = rng.range(5, 1200) * 10_000 + rng.range(0, 9) * 5_000;
        let entered_days = rng.range(0, 40);
        let idle_days = rng.range(0, entered_days.max(0));
        let position = positions.entry(stage.id.clone()).or_insert(0.0);
        *position += 1024.0;
        let closed = stage.kind != StageKind::Open;
        let deal = Deal {
            meta: meta(format!("deal_{:05}", i + 1), &ago(entered_days + rng.range(0, 60), 2)),
            name,
            pipeline_id: pipeline.meta.id.clone(),
            stage_id: stage.id.clone(),
            account_id: account.map(|a| a.meta.id.clone()),
            participant_ids: account_index
                .map(|a| contacts_by_account[a].iter().skip(1).take(1).cloned().collect())
                .unwrap_or_default(),
            contact_id,
            owner_id: Some(rep_ids[rng.below(rep_ids.len())].into()),
            amount: Money { minor: amount, currency: "EUR".into() },
            expected_close: Some(clock::date_from_today(if closed { -entered_days } else { rng.range(-15, 120) })),
            stage_entered_at: ago(entered_days, rng.range(0, 8)),
            last_activity_at: ago(idle_days, 1),
            position: *position,
            lost_reason: (stage.kind == StageKind::Lost).then(|| rng.pick(LOST_REASONS).to_string()),
            closed_on: closed.then(|| clock::date_from_today(-entered_days)),
            probability: None,
            next_activity: None,
        };
        records::insert(&tx, &deal)?;
        // Activities for the first few hundred deals: a note and a planned call or task.
        if activities < 900 {
            let note = Activity {
                meta: meta(format!("act_{:05}", activities + 1), &deal.last_activity_at),
                kind: ActivityKind::Note,
                subject: "Primera reunión con el cliente".into(),
                body: Some(format!("Interesados en {product}. Piden precios por volumen.")),
                deal_id: Some(deal.meta.id.clone()),
                account_id: deal.account_id.clone(),
                contact_id: deal.contact_id.clone(),
                owner_id: deal.owner_id.clone(),
                due_on: None,
                done: true,
                from_stage_id: None,
                to_stage_id: None,
            };
            let task = Activity {
                meta: meta(format!("act_{:05}", activities + 2), &deal.last_activity_at),
                kind: if rng.below(2) == 0 { ActivityKind::Call } else { ActivityKind::Task },
                subject: if closed {
                    "Enviar encuesta de satisfacción".into()
                } else {
                    "Llamar para seguimiento".into()
                },
                body: None,
                deal_id: Some(deal.meta.id.clone()),
                account_id: deal.account_id.clone(),
                contact_id: deal.contact_id.clone(),
                owner_id: deal.owner_id.clone(),
                due_on: Some(clock::date_from_today(rng.range(-5, 14))),
                done: false,
                from_stage_id: None,
                to_stage_id: None,
            };
            records::insert(&tx, &note)?;
            records::insert(&tx, &task)?;
            activities += 2;
        }
    }
    tx.commit()?;
    Ok(())
}

//! Importing accounts, contacts and deals from a spreadsheet: which column goes to which field (guessed from the
//! header, in Spanish or English), each row checked by the same rules as the backend's and turned into a new record
//! or a change of the existing one it duplicates, and the rows refused kept with their reason (to download, fix and
//! import again).

use super::csv_read::{date, number};
use super::duplicates::{company_key, email_key, phone_key};
use super::search::fold;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use trato_protocol::validate::{account_errors, check_date, check_required, contact_errors, MAX_NAME};
use trato_protocol::*;

/// What is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// Companies.
    Accounts,
    /// People.
    Contacts,
    /// Deals.
    Deals,
}

impl ImportKind {
    /// Its code (addresses, remembered mappings, the server's path).
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Accounts => "accounts",
            ImportKind::Contacts => "contacts",
            ImportKind::Deals => "deals",
        }
    }

    /// The kind with `code`.
    pub fn from_code(code: &str) -> Option<ImportKind> {
        [ImportKind::Accounts, ImportKind::Contacts, ImportKind::Deals].into_iter().find(|k| k.code() == code)
    }

    /// The fields a column can go to.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ImportKind::Accounts => &["name", "industry", "city", "phone", "website"],
            ImportKind::Contacts => &["first_name", "last_name", "email", "phone", "title", "account"],
            ImportKind::Deals => &["name", "amount", "stage", "expected_close", "account"],
        }
    }
}

/// Header words (folded) that name each field.
const SYNONYMS: [(&str, &[&str]); 14] = [
    ("name", &["nombre", "name", "empresa", "razon social", "company", "trato", "deal", "titulo del trato"]),
    ("industry", &["sector", "industria", "industry", "actividad"]),
    ("city", &["ciudad", "poblacion", "localidad", "municipio", "city", "town"]),
    ("phone", &["telefono", "tel", "movil", "phone", "mobile", "telefono movil"]),
    ("website", &["web", "sitio web", "pagina web", "url", "website"]),
    ("first_name", &["nombre", "first name", "firstname", "nombre de pila"]),
    ("last_name", &["apellidos", "apellido", "last name", "surname", "lastname"]),
    ("email", &["correo", "correo electronico", "email", "e mail", "mail"]),
    ("title", &["cargo", "puesto", "title", "job title"]),
    ("account", &["cuenta", "empresa", "cliente", "account", "company", "razon social"]),
    ("amount", &["importe", "valor", "cantidad", "amount", "value", "importe eur"]),
    ("stage", &["etapa", "fase", "estado", "stage"]),
    (
        "expected_close",
        &["cierre", "fecha de cierre", "cierre previsto", "fecha cierre", "close date", "expected close"],
    ),
    ("owner", &["responsable", "comercial", "owner"]),
];

/// The field each column goes to, guessed from the headers (a field is taken by its first column only).
pub fn guess_mapping(kind: ImportKind, headers: &[String]) -> Vec<Option<&'static str>> {
    let fields = kind.fields();
    let mut taken: Vec<&'static str> = Vec::new();
    headers
        .iter()
        .map(|header| {
            let folded = fold(header);
            let found = SYNONYMS
                .iter()
                .filter(|(field, _)| fields.contains(field) && !taken.contains(field))
                .find(|(_, words)| words.contains(&folded.as_str()))
                .map(|(field, _)| *field);
            taken.extend(found);
            found
        })
        .collect()
}

/// What the rows are checked against: existing records (for duplicates and references) and the stages.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Accounts by their compared name.
    pub accounts_by_name: HashMap<String, String>,
    /// Accounts by their compared phone.
    pub accounts_by_phone: HashMap<String, String>,
    /// Contacts by their compared e-mail.
    pub contacts_by_email: HashMap<String, String>,
    /// Contacts by their compared phone.
    pub contacts_by_phone: HashMap<String, String>,
    /// Deals by their folded name and account.
    pub deals_by_name: HashMap<(String, Option<String>), String>,
    /// Stage ids by folded stage name (of the pipeline deals go to), and the pipeline.
    pub stages: HashMap<String, String>,
    /// The pipeline deals go to, and its first open stage.
    pub pipeline: Option<(String, String)>,
    /// The currency of amounts.
    pub currency: String,
}

impl Known {
    /// What is known of these records.
    pub fn new(
        accounts: &[Account],
        contacts: &[Contact],
        deals: &[Deal],
        pipeline: Option<&Pipeline>,
        currency: &str,
    ) -> Known {
        let mut known = Known { currency: currency.into(), ..Default::default() };
        for a in accounts {
            known.accounts_by_name.entry(company_key(&a.name)).or_insert_with(|| a.meta.id.clone());
            if let Some(phone) = a.phone.as_deref().map(phone_key).filter(|p| p.len() >= 6) {
                known.accounts_by_phone.entry(phone).or_insert_with(|| a.meta.id.clone());
            }
        }
        for c in contacts {
            if let Some(email) = c.email.as_deref().map(email_key).filter(|e| !e.is_empty()) {
                known.contacts_by_email.entry(email).or_insert_with(|| c.meta.id.clone());
            }
            if let Some(phone) = c.phone.as_deref().map(phone_key).filter(|p| p.len() >= 6) {
                known.contacts_by_phone.entry(phone).or_insert_with(|| c.meta.id.clone());
            }
        }
        for d in deals {
            known.deals_by_name.entry((fold(&d.name), d.account_id.clone())).or_insert_with(|| d.meta.id.clone());
        }
        if let Some(p) = pipeline {
            known.stages = p.stages.iter().map(|s| (fold(&s.name), s.id.clone())).collect();
            if let Some(first) = p.stages.iter().find(|s| s.kind == StageKind::Open) {
                known.pipeline = Some((p.meta.id.clone(), first.id.clone()));
            }
        }
        known
    }

    /// Remembers a record this import creates, so a later row naming it refers to it and is not a duplicate.
    pub fn learn(&mut self, kind: ImportKind, id: &str, fields: &Value) {
        let text = |name: &str| fields[name].as_str().unwrap_or_default().to_string();
        match kind {
            ImportKind::Accounts => {
                self.accounts_by_name.entry(company_key(&text("name"))).or_insert_with(|| id.into());
            }
            ImportKind::Contacts => {
                let email = email_key(&text("email"));
                if !email.is_empty() {
                    self.contacts_by_email.entry(email).or_insert_with(|| id.into());
                }
            }
            ImportKind::Deals => {
                let account = fields["account_id"].as_str().map(String::from);
                self.deals_by_name.entry((fold(&text("name")), account)).or_insert_with(|| id.into());
            }
        }
    }
}

/// What to do with a row that duplicates an existing record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDuplicate {
    /// Change the existing record with the row's values.
    Update,
    /// Leave it.
    Skip,
}

/// What one row becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Planned {
    /// A new record (the protocol's `New…` fields).
    Create(Value),
    /// A change of the existing record `id` (the protocol's `…Patch` fields).
    Update(String, Value),
    /// Nothing: it duplicates `id` and duplicates are skipped.
    Skip(String),
}

/// A refused row's reason: the field (as the column's header says it) and what is wrong.
pub type Refusal = Vec<(String, String)>;

fn cell<'a>(mapping: &[Option<&'static str>], row: &'a [String], field: &str) -> Option<&'a str> {
    let value = mapping.iter().position(|m| *m == Some(field)).and_then(|i| row.get(i))?.trim();
    // A cell this desk exported with a leading `'` (so a spreadsheet would not run it) is read without it.
    let value = match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => value,
    };
    Some(value).filter(|v| !v.is_empty())
}

fn refused(errors: FieldErrors) -> Result<(), Refusal> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into_iter().collect())
    }
}

/// Plans one row of `kind` with `mapping`; `Err` lists what is wrong with it.
pub fn plan_row(
    kind: ImportKind,
    mapping: &[Option<&'static str>],
    row: &[String],
    known: &Known,
    on_duplicate: OnDuplicate,
) -> Result<Planned, Refusal> {
    let get = |field: &str| cell(mapping, row, field).map(String::from);
    let account_ref = || -> Result<Option<String>, Refusal> {
        match get("account") {
            None => Ok(None),
            Some(name) => known
                .accounts_by_name
                .get(&company_key(&name))
                .cloned()
                .map(Some)
                .ok_or_else(|| vec![("account".to_string(), format!("no account is named {name:?}"))]),
        }
    };
    let (fields, existing): (Map<String, Value>, Option<String>) = match kind {
        ImportKind::Accounts => {
            let patch = AccountPatch {
                name: Some(get("name").unwrap_or_default()),
                industry: get("industry").map(Some),
                website: get("website").map(Some),
                phone: get("phone").map(Some),
                city: get("city").map(Some),
                owner_id: None,
            };
            refused(account_errors(&patch))?;
            let name = patch.name.clone().unwrap_or_default();
            let existing = known
                .accounts_by_name
                .get(&company_key(&name))
                .or_else(|| patch.phone.clone().flatten().and_then(|p| known.accounts_by_phone.get(&phone_key(&p))));
            (
                serde_json::to_value(&patch).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default(),
                existing.cloned(),
            )
        }
        ImportKind::Contacts => {
            let patch = ContactPatch {
                first_name: Some(get("first_name").unwrap_or_default()),
                last_name: Some(get("last_name").unwrap_or_default()),
                email: get("email").map(Some),
                phone: get("phone").map(Some),
                title: get("title").map(Some),
                account_id: account_ref()?.map(Some),
                owner_id: None,
            };
            refused(contact_errors(&patch))?;
            let existing =
                patch.email.clone().flatten().and_then(|e| known.contacts_by_email.get(&email_key(&e))).or_else(|| {
                    patch.phone.clone().flatten().and_then(|p| known.contacts_by_phone.get(&phone_key(&p)))
                });
            (
                serde_json::to_value(&patch).ok().and_then(|v| v.as_object().cloned()).unwrap_or_default(),
                existing.cloned(),
            )
        }
        ImportKind::Deals => {
            let mut errors = FieldErrors::new();
            let name = get("name").unwrap_or_default();
            check_required(&mut errors, "name", &name, MAX_NAME);
            let minor = match get("amount") {
                None => Some(0),
                Some(text) => number(&text).filter(|n| n.abs() < 1e13).map(|n| {
                    let exponent = super::money::exponent(&known.currency);
                    (n * 10f64.powi(exponent as i32)).round() as i64
                }),
            };
            if minor.is_none() {
                errors.insert("amount".into(), "must be an amount, for example 1.250,50".into());
            }
            let close = match get("expected_close") {
                None => None,
                Some(text) => {
                    let parsed = date(&text);
                    if parsed.is_none() {
                        errors.insert("expected_close".into(), "must be a date as dd/mm/yyyy".into());
                    }
                    parsed
                }
            };
            check_date(&mut errors, "expected_close", close.as_deref());
            let stage = match (get("stage"), &known.pipeline) {
                (Some(text), _) => known.stages.get(&fold(&text)).cloned().or_else(|| {
                    errors.insert("stage".into(), format!("no stage is named {text:?}"));
                    None
                }),
                (None, Some((_, first))) => Some(first.clone()),
                (None, None) => None,
            };
            let account = match account_ref() {
                Ok(account) => account,
                Err(refusal) => {
                    errors.extend(refusal);
                    None
                }
            };
            refused(errors)?;
            let Some((pipeline, _)) = &known.pipeline else {
                return Err(vec![("stage".into(), "there is no pipeline to put deals in".into())]);
            };
            let existing = known.deals_by_name.get(&(fold(&name), account.clone())).cloned();
            let amount = Money { minor: minor.unwrap_or(0), currency: known.currency.clone() };
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("amount".into(), json!(amount));
            if let Some(close) = close {
                fields.insert("expected_close".into(), json!(close));
            }
            fields.insert("stage_id".into(), json!(stage));
            if existing.is_none() {
                fields.insert("pipeline_id".into(), json!(pipeline));
            }
            if let Some(account) = account {
                fields.insert("account_id".into(), json!(account));
            }
            (fields, existing)
        }
    };
    Ok(match (existing, on_duplicate) {
        (Some(id), OnDuplicate::Skip) => Planned::Skip(id),
        (Some(id), OnDuplicate::Update) => {
            // A change sets only what the row has.
            let changes: Map<String, Value> = fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
            Planned::Update(id, Value::Object(changes))
        }
        (None, _) => Planned::Create(Value::Object(fields.into_iter().filter(|(_, v)| !v.is_null()).collect())),
    })
}

/// The refused rows as a CSV file to fix and import again: the original columns and a last one with the reasons.
pub fn refused_file(headers: &[String], refused: &[(Vec<String>, String)]) -> String {
    let mut header = headers.to_vec();
    header.push("Error".into());
    let rows: Vec<Vec<String>> = refused
        .iter()
        .map(|(row, reason)| {
            let mut line = row.clone();
            line.resize(headers.len(), String::new());
            line.push(reason.clone());
            line
        })
        .collect();
    super::csv::write(&header, &rows)
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;

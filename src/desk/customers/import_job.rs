//! Running an import: rows planned against what the cache knows, sent in batches of 500, each batch under its own
//! key so that sending it again (a lost answer, a tab closed half-way and opened again) creates nothing twice. The
//! job (file, mapping, how far it got, the rows refused) is kept in the rep's cache after every batch, so an import
//! resumes where it stopped.

use crate::desk::context::Store;
use crate::domain::csv_read;
use crate::domain::import::{plan_row, ImportKind, Known, OnDuplicate, Planned};
use crate::i18n::{Key, Locale};
use serde::{Deserialize, Serialize};
use trato_protocol::*;

/// Where the job's state is kept.
const JOB_KEY: &str = "import:job";
/// Where the job's file text is kept (written once).
const TEXT_KEY: &str = "import:text";

/// An import in progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Its id (the batches' keys start with it).
    pub id: String,
    /// `accounts`, `contacts` or `deals`.
    pub kind: String,
    /// The file's name.
    pub file_name: String,
    /// The field of each column (`""`: not imported).
    pub mapping: Vec<String>,
    /// Whether duplicates are changed (else left alone).
    pub update_duplicates: bool,
    /// Rows in the file (without the header).
    pub total: usize,
    /// Batches sent and answered.
    pub batches_done: usize,
    /// Records created.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Rows left alone (duplicates).
    pub skipped: usize,
    /// Rows refused: the row and why.
    pub refused: Vec<(Vec<String>, String)>,
}

impl Job {
    /// Rows handled so far.
    pub fn done(&self) -> usize {
        (self.batches_done * MAX_IMPORT_ROWS).min(self.total)
    }

    fn mapping(&self) -> Vec<Option<&'static str>> {
        let kind = ImportKind::from_code(&self.kind).unwrap_or(ImportKind::Accounts);
        self.mapping.iter().map(|code| kind.fields().iter().copied().find(|f| f == code)).collect()
    }
}

/// The header and rows of a file's text.
pub fn read_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = csv_read::rows(text, csv_read::separator(text));
    if rows.is_empty() {
        return (vec![], vec![]);
    }
    let header = rows.remove(0);
    (header, rows)
}

/// The import left half-way on this device, with its file's text.
pub async fn saved(store: &Store) -> Option<(Job, String)> {
    let job: Job = serde_json::from_str(&store.remembered(JOB_KEY).await.ok()??).ok()?;
    let text = store.remembered(TEXT_KEY).await.ok()??;
    (!text.is_empty()).then_some((job, text))
}

/// Forgets the import kept on this device.
pub async fn forget(store: &Store) {
    let _ = store.remember(JOB_KEY, "").await;
    let _ = store.remember(TEXT_KEY, "").await;
}

/// Keeps a new job and its file's text.
pub async fn start(store: &Store, job: &Job, text: &str) -> Result<(), crate::store::error::CacheError> {
    store.remember(TEXT_KEY, text).await?;
    store.remember(JOB_KEY, &serde_json::to_string(job).unwrap_or_default()).await
}

/// The words for a field of an import.
pub fn field_key(field: &str) -> Key {
    match field {
        "name" => Key::NameLabel,
        "industry" => Key::ColSector,
        "city" => Key::ColCity,
        "phone" => Key::PhoneLabel,
        "website" => Key::Website,
        "first_name" => Key::FirstName,
        "last_name" => Key::LastName,
        "email" => Key::Email,
        "title" => Key::ColTitle,
        "account" | "account_id" => Key::ColAccount,
        "amount" => Key::AmountLabel,
        "stage" | "stage_id" => Key::StageLabel,
        "expected_close" => Key::ExpectedClose,
        _ => Key::ImportRow,
    }
}

/// A refusal in the rep's words: "Field: what is wrong" for each field.
pub fn reason(locale: Locale, problems: &[(String, String)]) -> String {
    problems
        .iter()
        .map(|(field, message)| {
            format!("{}: {}", locale.t(field_key(field)), crate::ui::error::field_problem(locale, message))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The backend's refusal of a row in the rep's words.
fn backend_reason(locale: Locale, error: &ApiError) -> String {
    match &error.fields {
        Some(fields) if !fields.is_empty() => {
            let problems: Vec<(String, String)> = fields.iter().map(|(f, m)| (f.clone(), m.clone())).collect();
            reason(locale, &problems)
        }
        _ => crate::ui::error::field_problem(locale, &error.message),
    }
}

/// What the cache knows for planning rows, and the currency of amounts.
pub async fn known(store: &Store, currency: &str) -> Known {
    let accounts = store.accounts().await.unwrap_or_default();
    let contacts = store.contacts().await.unwrap_or_default();
    let deals = store.deals().await.unwrap_or_default();
    let pipelines = store.pipelines().await.unwrap_or_default();
    Known::new(&accounts, &contacts, &deals, pipelines.first(), currency)
}

/// How a batch ended.
pub enum Stopped {
    /// Every row is done.
    Finished,
    /// The backend could not be reached or refused the batch; the job stays to resume.
    Interrupted(crate::connector::ConnectorError),
}

/// Runs `job` over `rows` from where it stopped, telling `progress` after each batch.
pub async fn run(
    store: &Store,
    mut job: Job,
    rows: &[Vec<String>],
    mut known: Known,
    locale: Locale,
    progress: impl Fn(&Job),
) -> Stopped {
    let kind = ImportKind::from_code(&job.kind).unwrap_or(ImportKind::Accounts);
    let mapping = job.mapping();
    let duplicates = if job.update_duplicates { OnDuplicate::Update } else { OnDuplicate::Skip };
    while job.done() < job.total {
        let from = job.batches_done * MAX_IMPORT_ROWS;
        let chunk = &rows[from..(from + MAX_IMPORT_ROWS).min(rows.len())];
        let mut sent: Vec<(usize, ImportRow)> = Vec::new();
        for (n, row) in chunk.iter().enumerate() {
            match plan_row(kind, &mapping, row, &known, duplicates) {
                Ok(Planned::Create(fields)) => sent.push((n, ImportRow::Create(fields))),
                Ok(Planned::Update(id, patch)) => sent.push((n, ImportRow::Update { id, patch })),
                Ok(Planned::Skip(_)) => job.skipped += 1,
                Err(problems) => job.refused.push((row.clone(), reason(locale, &problems))),
            }
        }
        let batch = ImportBatch { rows: sent.iter().map(|(_, r)| r.clone()).collect() };
        let key = format!("{}-{}", job.id, job.batches_done);
        let answer = if batch.rows.is_empty() {
            ImportAnswer { results: vec![] }
        } else {
            match store.import_batch(kind.code(), batch, &key).await {
                Ok(answer) => answer,
                Err(error) => return Stopped::Interrupted(error),
            }
        };
        for ((n, row), result) in sent.iter().zip(answer.results) {
            match (row, result) {
                (ImportRow::Create(fields), ImportResult::Written { id, .. }) => {
                    job.created += 1;
                    known.learn(kind, &id, fields);
                }
                (ImportRow::Update { .. }, ImportResult::Written { .. }) => job.updated += 1,
                (_, ImportResult::Refused { error }) => {
                    job.refused.push((chunk[*n].clone(), backend_reason(locale, &error)))
                }
            }
        }
        job.batches_done += 1;
        // Kept after every batch: a closed tab resumes at the next one.
        let _ = store.remember(JOB_KEY, &serde_json::to_string(&job).unwrap_or_default()).await;
        progress(&job);
    }
    Stopped::Finished
}

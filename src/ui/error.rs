//! Turning connector errors and failed cache writes into clear, translated messages.

use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use leptos::prelude::*;

/// A message a person can act on, in the given locale.
pub fn describe(locale: Locale, error: &ConnectorError) -> String {
    match error {
        ConnectorError::Network(_) => locale.t(Key::NetworkError).into(),
        ConnectorError::Unauthorized(_) => locale.t(Key::WrongCredentials).into(),
        ConnectorError::RateLimited(_) => locale.t(Key::TooManyAttempts).into(),
        ConnectorError::Server { .. } => locale.t(Key::ServerError).into(),
        ConnectorError::NotFound(_) => locale.t(Key::GoneError).into(),
        ConnectorError::Conflict(_) => locale.t(Key::ConflictError).into(),
        ConnectorError::Forbidden(_) => locale.t(Key::ForbiddenError).into(),
        other => locale.tf(Key::UnexpectedError, &[("detail", other.message().unwrap_or_default())]),
    }
}

/// An alert box with an error message (rendered as text, never as HTML).
#[component]
pub fn ErrorMessage(#[prop(into)] message: Signal<String>) -> impl IntoView {
    view! { <p class="alert" role="alert">{message}</p> }
}

/// What a person is told when the device could not store a change.
pub fn cache_error(error: &crate::store::error::CacheError) -> String {
    let locale = crate::ui::locale::use_i18n_untracked();
    match error {
        crate::store::error::CacheError::Quota => locale.t(Key::StorageFull).into(),
        crate::store::error::CacheError::Failed(detail) => locale.tf(Key::CacheFailed, &[("detail", detail)]),
    }
}

/// A backend's (or the shared rules') message about one field, in the rep's words when it is one of the protocol's
/// rules; any other message is shown as the backend wrote it.
pub fn field_problem(locale: Locale, message: &str) -> String {
    if message == "must not be empty" {
        return locale.t(Key::Required).into();
    }
    if message == "must be an e-mail address" {
        return locale.t(Key::InvalidEmail).into();
    }
    if message.contains("control characters") {
        return locale.t(Key::FieldOneLine).into();
    }
    if let Some(max) = message.strip_prefix("must be at most ").and_then(|m| m.strip_suffix(" characters")) {
        return locale.tf(Key::FieldTooLong, &[("max", max)]);
    }
    let named = |prefix: &str| message.strip_prefix(prefix).map(|name| name.trim_matches('"').to_string());
    if let Some(name) = named("no account is named ") {
        return locale.tf(Key::ImportNoAccount, &[("name", &name)]);
    }
    if let Some(name) = named("no stage is named ") {
        return locale.tf(Key::ImportNoStage, &[("name", &name)]);
    }
    match message {
        "there is no pipeline to put deals in" => return locale.t(Key::ImportNoPipeline).into(),
        "must be a date as dd/mm/yyyy" => return locale.t(Key::ImportBadDate).into(),
        "must be an amount, for example 1.250,50" => return locale.t(Key::InvalidAmount).into(),
        _ => {}
    }
    message.to_string()
}

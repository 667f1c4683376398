//! Turning connector errors into clear, translated messages.

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

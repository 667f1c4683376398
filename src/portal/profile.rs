//! My profile: name, phone, preferred language and mail notifications.

use super::forms::ProfileForm;
use super::state::{Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::connector::ConnectorError;
use crate::i18n::{Key, Locale};
use crate::ui::drawn::{field, main_element, target_value};
use crate::ui::error::describe;
use trato_protocol::ProfilePatch;
use wasm_bindgen::JsCast;

/// Fills the form from the signed-in customer.
pub fn fill(portal: &Portal) {
    portal.update(|s| {
        let Some(customer) = &s.customer else { return };
        s.profile = ProfileForm {
            name: customer.name.clone(),
            phone: customer.phone.clone().unwrap_or_default(),
            locale: customer.locale.clone(),
            notify: customer.notify,
            ..ProfileForm::default()
        };
    });
}

/// Saves the profile; the language saved applies at once and is remembered on this device.
fn save(portal: &Portal) {
    if portal.with(|s| s.profile.work.busy) {
        return;
    }
    let patch = portal.with(|s| ProfilePatch {
        name: Some(s.profile.name.clone()),
        phone: Some(Some(s.profile.phone.clone()).filter(|p| !p.trim().is_empty())),
        locale: Some(s.profile.locale.clone()),
        notify: Some(s.profile.notify),
    });
    if !patch.errors().is_empty() {
        portal.update(|s| s.profile.work.failed(s.locale.t(Key::FixFields).into()));
        return;
    }
    let visit = portal.visit();
    portal.update(|s| s.profile.work.start());
    let portal = portal.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = portal.ask(PortalOp::update_profile(patch)).await;
        portal.answer(visit, |s| match answer {
            Ok(customer) => {
                if let Some(locale) = Locale::from_tag(&customer.locale) {
                    s.locale = locale;
                    crate::ui::locale::remember_locale(locale);
                }
                s.customer = Some(customer);
                s.profile.work.done(s.locale.t(Key::ProfileSaved).into());
            }
            Err(ConnectorError::Invalid { .. }) => s.profile.work.failed(s.locale.t(Key::FixFields).into()),
            Err(error) => s.profile.work.failed(describe(s.locale, &error)),
        });
    });
}

/// The profile page.
pub fn page(portal: &Portal, state: &State) -> El {
    let t = |key| state.locale.t(key);
    let form = &state.profile;
    let email = state.customer.as_ref().map(|c| c.email.as_str()).unwrap_or_default();
    let name = portal
        .text_field("input", "name", |s| &mut s.profile.name)
        .attr("type", "text")
        .attr("autocomplete", "name")
        .attr("required", "")
        .attr("maxlength", "200");
    let phone = portal
        .text_field("input", "phone", |s| &mut s.profile.phone)
        .attr("type", "tel")
        .attr("autocomplete", "tel")
        .attr("maxlength", "50");
    let picking = portal.clone();
    let mut language = El::new("select").attr("data-key", "preferred-language").on("change", move |event| {
        let value = target_value(&event);
        picking.quietly(|s| s.profile.locale = value);
    });
    for locale in Locale::ALL {
        let option = El::new("option")
            .attr("value", locale.code())
            .attr("lang", locale.code())
            .text(locale.t(Key::LanguageName));
        language = language.child(if form.locale == locale.code() { option.attr("selected", "") } else { option });
    }
    let ticking = portal.clone();
    let mut notify = El::new("input").attr("type", "checkbox").attr("data-key", "notify").on("change", move |event| {
        let on =
            event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked());
        ticking.quietly(|s| s.profile.notify = on);
    });
    if form.notify {
        notify = notify.attr("checked", "");
    }
    let saving = portal.clone();
    let profile = El::new("form")
        .class("profile-form")
        .child(El::new("p").class("muted").text(&state.locale.tf(Key::SignedInWith, &[("email", email)])))
        .child(field(t(Key::NameLabel), name))
        .child(field(t(Key::PhoneLabel), phone))
        .child(field(t(Key::PreferredLanguage), language))
        .child(El::new("label").class("check").child(notify).child(El::new("span").text(t(Key::MailNotifications))))
        .maybe(form.work.alert())
        .child(form.work.notice())
        .child(form.work.button("submit", "primary", "save-profile").text(t(Key::Save)))
        .on("submit", move |event| {
            event.prevent_default();
            save(&saving);
        });
    main_element("portal-page").child(El::new("h1").text(t(Key::Profile))).child(profile)
}

//! Attaching files to a case or reply: a file input that checks type and size first, uploads each file at once
//! and lists what is attached, with a button to take each one off again.

use crate::connector::support::Upload;
use crate::connector::ConnectorError;
use crate::i18n::{intl, Key};
use crate::ui::error::describe;
use crate::ui::locale::use_i18n;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;
use std::rc::Rc;
use trato_protocol::{Attachment, ATTACHMENT_TYPES, MAX_ATTACHMENT, MAX_ATTACHMENTS_PER_MESSAGE};
use wasm_bindgen::JsCast;

/// Sends one file to the backend (the desk's upload).
pub type Uploader = Rc<dyn Fn(Upload) -> LocalBoxFuture<'static, Result<Attachment, ConnectorError>>>;

/// The extensions the file dialog offers, matching [`ATTACHMENT_TYPES`].
const ACCEPT: &str = ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.csv,image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv";

async fn read(file: &web_sys::File) -> Result<Vec<u8>, ConnectorError> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ConnectorError::Malformed("the file could not be read".into()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A file input plus the list of attached files (`files` holds what was uploaded).
#[component]
pub fn FilePicker(
    /// Uploads a file.
    uploader: StoredValue<Uploader, LocalStorage>,
    /// The uploaded files, in order.
    files: RwSignal<Vec<Attachment>>,
    /// Id of the input, unique on the page.
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(0usize);
    let problems = RwSignal::new(Vec::<String>::new());
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(list) = input.files() else { return };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        problems.set(vec![]);
        let locale = i18n.0.get_untracked();
        for file in chosen {
            let name = file.name();
            let kind = file.type_();
            if files.with_untracked(Vec::len) + busy.get_untracked() >= MAX_ATTACHMENTS_PER_MESSAGE {
                problems.update(|p| {
                    p.push(locale.tf(Key::TooManyFiles, &[("count", &MAX_ATTACHMENTS_PER_MESSAGE.to_string())]))
                });
                break;
            }
            if !ATTACHMENT_TYPES.contains(&kind.as_str()) {
                problems.update(|p| p.push(locale.tf(Key::FileTypeRefused, &[("name", &name)])));
                continue;
            }
            if file.size() > MAX_ATTACHMENT as f64 {
                let limit = intl::file_size(locale, MAX_ATTACHMENT as u64);
                problems.update(|p| p.push(locale.tf(Key::FileTooBig, &[("name", &name), ("limit", &limit)])));
                continue;
            }
            busy.update(|n| *n += 1);
            let upload = uploader.get_value();
            leptos::task::spawn_local(async move {
                let result = match read(&file).await {
                    Ok(bytes) => upload(Upload { name: name.clone(), content_type: kind, bytes }).await,
                    Err(error) => Err(error),
                };
                match result {
                    Ok(attachment) => files.update(|f| f.push(attachment)),
                    Err(error) => {
                        let detail = describe(locale, &error);
                        problems
                            .update(|p| p.push(locale.tf(Key::UploadFailed, &[("name", &name), ("detail", &detail)])));
                    }
                }
                busy.update(|n| *n = n.saturating_sub(1));
            });
        }
    };
    view! {
        <div class="file-picker">
            <label class="file-button" for=id>{move || i18n.t(Key::AttachFiles)}</label>
            <input id=id class="file-input" type="file" multiple accept=ACCEPT on:change=on_change />
            <span class="muted hint">
                {move || {
                    let locale = i18n.locale();
                    locale.tf(Key::AttachHint, &[("limit", &intl::file_size(locale, MAX_ATTACHMENT as u64))])
                }}
            </span>
            <p class="muted" role="status">
                {move || (busy.get() > 0).then(|| i18n.t(Key::Uploading))}
            </p>
            <For each=move || problems.get() key=|p| p.clone() let:problem>
                <p class="alert" role="alert">{problem}</p>
            </For>
            <ul class="attached">
                <For each=move || files.get() key=|f| f.id.clone() let:file>
                    {
                        let id = file.id.clone();
                        let label = file.name.clone();
                        view! {
                            <li>
                                <span>{file.name.clone()}</span>
                                " "
                                <span class="muted">{move || intl::file_size(i18n.locale(), file.size)}</span>
                                <button
                                    type="button"
                                    class="link-button"
                                    aria-label=move || i18n.0.get().tf(Key::RemoveFile, &[("name", &label)])
                                    on:click=move |_| files.update(|f| f.retain(|a| a.id != id))
                                >
                                    {move || i18n.t(Key::Remove)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </div>
    }
}

/// A link that downloads an attachment (the session cookie authorizes it; no token in the address).
#[component]
pub fn AttachmentLink(attachment: Attachment, #[prop(into)] base: String) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("{base}/{}", crate::connector::trato::encode_component(&attachment.id));
    let size = attachment.size;
    view! {
        <a class="attachment" href=href download=attachment.name.clone()>
            {attachment.name.clone()}
            " "
            <span class="muted">{move || format!("({})", intl::file_size(i18n.locale(), size))}</span>
        </a>
    }
}

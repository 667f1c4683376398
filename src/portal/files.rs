//! Attaching files to a new case or a reply, drawn: a file input that checks type and size first, uploads each
//! file at once and lists what is attached, with a button to take each one off again (like the desk's
//! [`FilePicker`](crate::ui::files::FilePicker)); and a link that downloads an attachment.

use super::forms::Files;
use super::state::{Portal, State};
use crate::browser::dom::El;
use crate::connector::portal::PortalOp;
use crate::connector::support::Upload;
use crate::i18n::{intl, Key, Locale};
use crate::ui::error::describe;
use trato_protocol::{Attachment, ATTACHMENT_TYPES, MAX_ATTACHMENT, MAX_ATTACHMENTS_PER_MESSAGE};
use wasm_bindgen::JsCast;

/// Path attachments are downloaded from (the session cookie authorizes it; no token in the address).
pub const ATTACHMENTS: &str = "/api/v1/portal/attachments";

/// The extensions the file dialog offers, matching [`ATTACHMENT_TYPES`].
const ACCEPT: &str = ".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.csv,image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv";

/// Which form's files a picker holds (found in the state by `of`).
pub type Which = fn(&mut State) -> &mut Files;

/// The picker for the files `of` finds, with input id `id`.
pub fn picker(portal: &Portal, locale: Locale, files: &Files, id: &str, of: Which) -> El {
    let t = |key| locale.t(key);
    let choosing = portal.clone();
    let input = El::new("input")
        .attr("id", id)
        .attr("data-key", id)
        .class("file-input")
        .attr("type", "file")
        .attr("multiple", "")
        .attr("accept", ACCEPT)
        .on("change", move |event| {
            let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(list) = input.files() else { return };
            let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            choose(&choosing, chosen, of);
        });
    let limit = intl::file_size(locale, MAX_ATTACHMENT as u64);
    let mut attached = El::new("ul").class("attached");
    for file in &files.attached {
        let (portal, id) = (portal.clone(), file.id.clone());
        let remove = El::new("button")
            .attr("type", "button")
            .class("link-button")
            .attr("aria-label", &locale.tf(Key::RemoveFile, &[("name", &file.name)]))
            .text(t(Key::Remove))
            .on("click", move |_| portal.update(|s| of(s).attached.retain(|a| a.id != id)));
        attached = attached.child(
            El::new("li")
                .child(El::new("span").text(&file.name))
                .text(" ")
                .child(El::new("span").class("muted").text(&intl::file_size(locale, file.size)))
                .child(remove),
        );
    }
    let mut picker = El::new("div")
        .class("file-picker")
        .child(El::new("label").class("file-button").attr("for", id).text(t(Key::AttachFiles)))
        .child(input)
        .child(El::new("span").class("muted hint").text(&locale.tf(Key::AttachHint, &[("limit", &limit)])))
        .child(El::new("p").class("muted").attr("role", "status").text(if files.uploading > 0 {
            t(Key::Uploading)
        } else {
            ""
        }));
    for problem in &files.problems {
        picker = picker.child(El::new("p").class("alert").attr("role", "alert").text(problem));
    }
    picker.child(attached)
}

/// Checks the chosen files and uploads each one that may be sent.
fn choose(portal: &Portal, chosen: Vec<web_sys::File>, of: Which) {
    let locale = portal.with(|s| s.locale);
    let visit = portal.visit();
    portal.update(|s| of(s).problems.clear());
    for file in chosen {
        let (name, kind) = (file.name(), file.type_());
        let refused = portal.quietly(|s| {
            let files = of(s);
            if files.attached.len() + files.uploading >= MAX_ATTACHMENTS_PER_MESSAGE {
                Some((locale.tf(Key::TooManyFiles, &[("count", &MAX_ATTACHMENTS_PER_MESSAGE.to_string())]), true))
            } else if !ATTACHMENT_TYPES.contains(&kind.as_str()) {
                Some((locale.tf(Key::FileTypeRefused, &[("name", &name)]), false))
            } else if file.size() > MAX_ATTACHMENT as f64 {
                let limit = intl::file_size(locale, MAX_ATTACHMENT as u64);
                Some((locale.tf(Key::FileTooBig, &[("name", &name), ("limit", &limit)]), false))
            } else {
                None
            }
        });
        if let Some((problem, stop)) = refused {
            portal.update(|s| of(s).problems.push(problem));
            if stop {
                break;
            }
            continue;
        }
        portal.update(|s| of(s).uploading += 1);
        let portal = portal.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match read(&file).await {
                Ok(bytes) => {
                    portal.ask(PortalOp::upload(Upload { name: name.clone(), content_type: kind, bytes })).await
                }
                Err(error) => Err(error),
            };
            portal.answer(visit, |s| {
                let files = of(s);
                files.uploading = files.uploading.saturating_sub(1);
                match result {
                    Ok(attachment) => files.attached.push(attachment),
                    Err(error) => {
                        let detail = describe(locale, &error);
                        files.problems.push(locale.tf(Key::UploadFailed, &[("name", &name), ("detail", &detail)]));
                    }
                }
            });
        });
    }
}

async fn read(file: &web_sys::File) -> Result<Vec<u8>, crate::connector::ConnectorError> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| crate::connector::ConnectorError::Malformed("the file could not be read".into()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// A link that downloads `attachment`.
pub fn attachment_link(locale: Locale, attachment: &Attachment) -> El {
    let href = format!("{ATTACHMENTS}/{}", crate::connector::trato::encode_component(&attachment.id));
    El::new("a")
        .class("attachment")
        .attr("href", &href)
        .attr("download", &attachment.name)
        .text(&attachment.name)
        .text(" ")
        .child(El::new("span").class("muted").text(&format!("({})", intl::file_size(locale, attachment.size))))
}

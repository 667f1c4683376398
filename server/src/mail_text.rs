//! The texts of outgoing mails, in Spanish and English: the server's only user-visible strings besides the API's
//! error messages (which are for developers).

/// A mail the portal sends.
pub enum MailKind<'a> {
    /// A sign-in link the customer asked for.
    SignIn {
        /// The link.
        link: &'a str,
    },
    /// A case was opened.
    CaseReceived {
        /// Case number.
        number: u64,
        /// Case subject.
        subject: &'a str,
        /// Sign-in link straight to the case.
        link: &'a str,
    },
    /// A rep answered.
    CaseReply {
        /// Case number.
        number: u64,
        /// Case subject.
        subject: &'a str,
        /// The answer.
        body: &'a str,
        /// Sign-in link straight to the case.
        link: &'a str,
    },
    /// The case was resolved; asks for a rating.
    CaseResolved {
        /// Case number.
        number: u64,
        /// Case subject.
        subject: &'a str,
        /// Sign-in link straight to the case.
        link: &'a str,
    },
}

/// Subject and body of a mail to `name`, from `company`, in `locale` (`en`, else Spanish).
pub fn render(kind: &MailKind<'_>, locale: &str, name: &str, company: &str) -> (String, String) {
    let en = locale == "en";
    match kind {
        MailKind::SignIn { link } => {
            if en {
                (
                    format!("Your sign-in link for {company}"),
                    format!(
                        "Hello {name},\n\nOpen this link to sign in to the {company} customer portal. It works once \
                         and expires in 15 minutes.\n\n{link}\n\nIf you did not ask for it, ignore this message.\n"
                    ),
                )
            } else {
                (
                    format!("Tu enlace para entrar en {company}"),
                    format!(
                        "Hola, {name}:\n\nAbre este enlace para entrar en el portal de clientes de {company}. Sirve \
                         una sola vez y caduca en 15 minutos.\n\n{link}\n\nSi no lo has pedido tú, ignora este \
                         mensaje.\n"
                    ),
                )
            }
        }
        MailKind::CaseReceived { number, subject, link } => {
            if en {
                (
                    format!("[Case #{number}] We have received your request"),
                    format!(
                        "Hello {name},\n\nWe have received your case #{number}: \"{subject}\". We will answer as soon \
                         as we can.\n\nFollow it here (the link works once and expires in 3 days):\n{link}\n\n\
                         {company}\n"
                    ),
                )
            } else {
                (
                    format!("[Caso #{number}] Hemos recibido tu consulta"),
                    format!(
                        "Hola, {name}:\n\nHemos recibido tu caso #{number}: «{subject}». Te responderemos lo antes \
                         posible.\n\nSíguelo aquí (el enlace sirve una vez y caduca en 3 días):\n{link}\n\n{company}\n"
                    ),
                )
            }
        }
        MailKind::CaseReply { number, subject, body, link } => {
            if en {
                (
                    format!("[Case #{number}] New reply: {subject}"),
                    format!(
                        "Hello {name},\n\nWe have answered your case #{number}:\n\n{body}\n\nReply or follow it here \
                         (the link works once and expires in 3 days):\n{link}\n\n{company}\n"
                    ),
                )
            } else {
                (
                    format!("[Caso #{number}] Nueva respuesta: {subject}"),
                    format!(
                        "Hola, {name}:\n\nHemos respondido a tu caso #{number}:\n\n{body}\n\nResponde o síguelo aquí \
                         (el enlace sirve una vez y caduca en 3 días):\n{link}\n\n{company}\n"
                    ),
                )
            }
        }
        MailKind::CaseResolved { number, subject, link } => {
            if en {
                (
                    format!("[Case #{number}] Resolved: {subject}"),
                    format!(
                        "Hello {name},\n\nWe have resolved your case #{number}. How did we do? Rate it, or reopen it \
                         if something is still wrong:\n{link}\n\n{company}\n"
                    ),
                )
            } else {
                (
                    format!("[Caso #{number}] Resuelto: {subject}"),
                    format!(
                        "Hola, {name}:\n\nHemos resuelto tu caso #{number}. ¿Qué tal lo hemos hecho? Valóralo, o \
                         reábrelo si algo sigue mal:\n{link}\n\n{company}\n"
                    ),
                )
            }
        }
    }
}

//! Outgoing mail. Every mail is first written to the `mail_outbox` table (in the transaction that caused it);
//! with a mail folder configured it is also written there as an `.eml` file (what `cargo xtask dev` and the
//! end-to-end tests read); with an SMTP relay configured, a background task delivers the outbox through it.

use crate::db::Db;
use crate::{clock, db};
use rusqlite::{params, Connection};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Where mail goes besides the outbox table.
#[derive(Clone, Debug, Default)]
pub struct MailConfig {
    /// Folder that receives a copy of every mail as `<time>-<id>.eml`.
    pub dir: Option<PathBuf>,
    /// SMTP relay `host:port` (plain SMTP, for a relay on the same host or network).
    pub smtp: Option<String>,
    /// Sender address; `trato@localhost` when not set.
    pub from: Option<String>,
}

impl MailConfig {
    fn sender(&self) -> &str {
        self.from.as_deref().unwrap_or("trato@localhost")
    }
}

/// A mail in the outbox.
#[derive(Clone, Debug, PartialEq)]
pub struct Mail {
    /// Outbox id.
    pub id: String,
    /// Recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

/// Queues a mail: writes it to the outbox table and, when configured, to the mail folder.
pub fn queue(conn: &Connection, config: &MailConfig, to: &str, subject: &str, body: &str) -> rusqlite::Result<()> {
    let id = db::new_id("mail");
    let now = clock::now();
    conn.execute(
        "INSERT INTO mail_outbox (id, to_addr, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, to, subject, body, now],
    )?;
    if let Some(dir) = &config.dir {
        let mail = Mail { id: id.clone(), to: to.into(), subject: subject.into(), body: body.into() };
        let text = message_text(&mail, config.sender(), &now);
        let name = format!("{}-{id}.eml", now.replace([':', '.'], "-"));
        if let Err(error) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(dir.join(name), text)) {
            tracing::error!(dir = %dir.display(), %error, "could not write mail");
        }
    }
    Ok(())
}

/// Mails not yet delivered, oldest first.
pub fn pending(conn: &Connection) -> rusqlite::Result<Vec<Mail>> {
    let mut stmt = conn.prepare(
        "SELECT id, to_addr, subject, body FROM mail_outbox WHERE sent_at IS NULL AND attempts < 20 \
         ORDER BY created_at, id LIMIT 50",
    )?;
    let rows = stmt
        .query_map([], |row| Ok(Mail { id: row.get(0)?, to: row.get(1)?, subject: row.get(2)?, body: row.get(3)? }))?;
    rows.collect()
}

/// Every mail sent to `to`, oldest first (tests and tools).
pub fn sent_to(conn: &Connection, to: &str) -> rusqlite::Result<Vec<Mail>> {
    let mut stmt = conn.prepare(
        "SELECT id, to_addr, subject, body FROM mail_outbox WHERE to_addr = ?1 COLLATE NOCASE ORDER BY rowid",
    )?;
    let rows = stmt.query_map(params![to], |row| {
        Ok(Mail { id: row.get(0)?, to: row.get(1)?, subject: row.get(2)?, body: row.get(3)? })
    })?;
    rows.collect()
}

/// RFC 5322 text of a mail: UTF-8 headers encoded per RFC 2047, an 8-bit plain-text body, CRLF line ends.
pub fn message_text(mail: &Mail, from: &str, date: &str) -> String {
    use base64::Engine;
    let subject = format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(&mail.subject));
    let body = mail.body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "From: {from}\r\nTo: {}\r\nSubject: {subject}\r\nX-Trato-Date: {date}\r\nMessage-ID: <{}@trato>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
        mail.to, mail.id
    )
}

/// Starts delivering the outbox through the SMTP relay, when one is configured.
pub fn start_relay(database: Arc<Db>, config: Arc<MailConfig>) {
    let Some(relay) = config.smtp.clone() else { return };
    tokio::spawn(async move {
        loop {
            let batch = pending(&database.read()).unwrap_or_default();
            for mail in batch {
                let result = send_smtp(&relay, config.sender(), &mail).await;
                let conn = database.write();
                let outcome = match &result {
                    Ok(()) => conn.execute(
                        "UPDATE mail_outbox SET sent_at = ?2, attempts = attempts + 1 WHERE id = ?1",
                        params![mail.id, clock::now()],
                    ),
                    Err(error) => conn.execute(
                        "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                        params![mail.id, error],
                    ),
                };
                if let Err(error) = outcome {
                    tracing::error!(%error, "mail outbox");
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    });
}

/// Delivers one mail through a plain SMTP relay.
pub async fn send_smtp(relay: &str, from: &str, mail: &Mail) -> Result<(), String> {
    let stream = tokio::time::timeout(std::time::Duration::from_secs(10), tokio::net::TcpStream::connect(relay))
        .await
        .map_err(|_| "relay timed out".to_string())?
        .map_err(|e| e.to_string())?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut expect = async |code: &str| -> Result<(), String> {
        loop {
            let line = lines.next_line().await.map_err(|e| e.to_string())?.ok_or("relay closed")?;
            if line.len() < 4 || !line.starts_with(code) {
                return Err(format!("relay said: {line}"));
            }
            if line.as_bytes()[3] == b' ' {
                return Ok(());
            }
        }
    };
    expect("220").await?;
    let body = message_text(mail, from, &clock::now());
    // Lines starting with a dot are doubled so the body cannot end the DATA section early.
    let stuffed = body.split("\r\n").map(|l| if l.starts_with('.') { format!(".{l}") } else { l.into() });
    let data = format!("{}\r\n.\r\n", stuffed.collect::<Vec<_>>().join("\r\n"));
    for (command, code) in [
        ("EHLO trato\r\n".to_string(), "250"),
        (format!("MAIL FROM:<{from}>\r\n"), "250"),
        (format!("RCPT TO:<{}>\r\n", mail.to), "250"),
        ("DATA\r\n".to_string(), "354"),
        (data, "250"),
        ("QUIT\r\n".to_string(), "221"),
    ] {
        write.write_all(command.as_bytes()).await.map_err(|e| e.to_string())?;
        expect(code).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn a_mail_goes_through_an_smtp_relay_with_dots_stuffed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let relay = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.write_all(b"220 relay ready\r\n").await.unwrap();
            let mut seen = String::new();
            let mut buffer = [0u8; 4096];
            let mut in_data = false;
            loop {
                let n = socket.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
                let reply: &[u8] = if in_data {
                    if !seen.ends_with("\r\n.\r\n") {
                        continue;
                    }
                    in_data = false;
                    b"250 queued\r\n"
                } else if seen.ends_with("DATA\r\n") {
                    in_data = true;
                    b"354 go on\r\n"
                } else if seen.ends_with("QUIT\r\n") {
                    socket.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                } else if seen.ends_with("EHLO trato\r\n") {
                    b"250-relay\r\n250 8BITMIME\r\n"
                } else {
                    b"250 ok\r\n"
                };
                socket.write_all(reply).await.unwrap();
            }
            seen
        });
        let mail = Mail {
            id: "mail_1".into(),
            to: "ana@cliente.example".into(),
            subject: "Caso #1001 – ñandú".into(),
            body: "Hola\n.línea con punto\nFin".into(),
        };
        send_smtp(&addr, "trato@alameda.example", &mail).await.expect("delivered");
        let seen = relay.await.unwrap();
        assert!(seen.contains("MAIL FROM:<trato@alameda.example>"));
        assert!(seen.contains("RCPT TO:<ana@cliente.example>"));
        assert!(seen.contains("\r\n..línea con punto\r\n"), "dot stuffed: {seen}");
        assert!(seen.contains("Subject: =?UTF-8?B?"));
    }

    #[tokio::test]
    async fn a_relay_that_refuses_is_an_error() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.write_all(b"554 no service\r\n").await.unwrap();
        });
        let mail = Mail { id: "m".into(), to: "a@b.example".into(), subject: "s".into(), body: "b".into() };
        let error = send_smtp(&addr, "t@x.example", &mail).await.unwrap_err();
        assert!(error.contains("554"), "{error}");
    }
}

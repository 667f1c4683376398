//! Live chat wire types: sites that embed the widget, visitor sessions, conversations, messages and the realtime
//! events both the widget (`/api/v1/widget/…`) and the desk inbox (`/api/v1/inbox/…`) receive.

use crate::validate::{check_optional, check_required, check_required_text, is_email};
use crate::FieldErrors;
use serde::{Deserialize, Serialize};

/// Longest chat message, in characters.
pub const MAX_CHAT_MESSAGE: usize = 5_000;
/// Header carrying a widget visitor's token (the widget keeps it in its own origin's storage; never in a URL).
pub const VISITOR_HEADER: &str = "authorization";

/// A web site that embeds the widget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Public key named by the embed script.
    pub key: String,
    /// Display name (the company the visitor chats with).
    pub name: String,
    /// Origins allowed to frame the widget, for example `https://shop.example`.
    pub allowed_origins: Vec<String>,
    /// Opening hours; `null` for always open.
    pub business_hours: Option<BusinessHours>,
    /// Identify calls must carry a valid HMAC of the user id.
    pub enforce_identity: bool,
    /// The secret the site's server signs user ids with (HMAC-SHA256, hex). Only reps see it.
    pub identity_secret: String,
    /// Ask name and e-mail before the first message.
    pub prechat: bool,
}

/// Opening hours: the same hours on the listed weekdays, in a fixed UTC offset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// Weekdays open, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// Opening time `HH:MM`.
    pub open: String,
    /// Closing time `HH:MM`.
    pub close: String,
    /// Offset of the local time from UTC, in minutes (Madrid in winter: 60).
    pub utc_offset_minutes: i32,
}

impl BusinessHours {
    /// Whether the site is open at `weekday` (1 = Monday) and `minute_of_day` (UTC).
    pub fn is_open(&self, weekday_utc: u8, minute_of_day_utc: i32) -> bool {
        let parse = |t: &str| -> Option<i32> {
            let (h, m) = t.split_once(':')?;
            Some(h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?)
        };
        let (Some(open), Some(close)) = (parse(&self.open), parse(&self.close)) else { return false };
        let local = minute_of_day_utc + self.utc_offset_minutes;
        let (day_shift, minute) = (local.div_euclid(1440), local.rem_euclid(1440));
        let weekday = ((weekday_utc as i32 - 1 + day_shift).rem_euclid(7) + 1) as u8;
        self.days.contains(&weekday) && minute >= open && minute < close
    }
}

/// What the widget needs to know before showing anything (`GET /widget/config?site=`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidgetConfig {
    /// The company's name.
    pub name: String,
    /// Ask name and e-mail first.
    pub prechat: bool,
    /// A rep is online and the site is within its business hours; otherwise the widget offers "leave a message".
    pub online: bool,
    /// Identify needs a valid HMAC.
    pub enforce_identity: bool,
}

/// A visitor as the widget and the inbox see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Visitor {
    /// Stable identifier.
    pub id: String,
    /// Name, when given.
    pub name: Option<String>,
    /// E-mail, when given.
    pub email: Option<String>,
    /// Whether `email` came signed by the site (an identify with a valid signature); a typed-in address is not.
    #[serde(default)]
    pub email_verified: bool,
    /// The site's own user id, only when identified with a valid signature.
    pub user_id: Option<String>,
    /// The CRM contact the visitor was matched to or created as.
    pub contact_id: Option<String>,
}

/// Answer of `POST /widget/session`: the visitor's token (kept by the widget, sent as `Authorization: Bearer`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidgetSession {
    /// Secret bearer token.
    pub token: String,
    /// The visitor.
    pub visitor: Visitor,
}

/// Body of `POST /widget/session`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWidgetSession {
    /// Site key.
    pub site: String,
}

/// Body of `POST /widget/identify`: the host site says who the visitor is.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identify {
    /// The site's user id.
    pub user_id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Hex HMAC-SHA256 of [`identity_payload`] under the site's identity secret.
    #[serde(default)]
    pub hmac: Option<String>,
    /// When the signature stops being valid (Unix seconds); at most [`IDENTITY_MAX_SECONDS`] ahead.
    #[serde(default)]
    pub expires: Option<i64>,
}

impl Identify {
    /// Field errors.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "user_id", &self.user_id, 200);
        check_optional(&mut errors, "name", self.name.as_deref(), 200);
        if self.email.as_deref().is_some_and(|e| !is_email(e.trim())) {
            errors.insert("email".into(), "must be an e-mail address".into());
        }
        check_optional(&mut errors, "hmac", self.hmac.as_deref(), 128);
        errors
    }
}

/// Longest time a signed identity stays valid, in seconds: host sites sign when they render a page and sign
/// again for pages open longer.
pub const IDENTITY_MAX_SECONDS: i64 = 3600;

/// What a host site signs for `POST /widget/identify`: the user id, the e-mail (empty when none) and the expiry
/// in Unix seconds, each on its own line (none of them may contain a line break).
pub fn identity_payload(user_id: &str, email: Option<&str>, expires: i64) -> String {
    format!("{user_id}\n{}\n{expires}", email.unwrap_or(""))
}

/// Body of `POST /widget/prechat`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreChat {
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
}

impl PreChat {
    /// Field errors.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required(&mut errors, "name", &self.name, 200);
        if !is_email(self.email.trim()) {
            errors.insert("email".into(), "must be an e-mail address".into());
        }
        errors
    }
}

/// Who wrote a chat message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatAuthor {
    /// The visitor.
    Visitor,
    /// A rep.
    Rep,
}

/// One chat message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Stable identifier.
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Visitor or rep.
    pub author: ChatAuthor,
    /// The writer's name (a rep's, or the visitor's when known).
    pub author_name: String,
    /// Plain text.
    pub body: String,
    /// The sender's own id for an optimistic message, echoed back so it can be matched.
    pub client_id: Option<String>,
    /// When it was written.
    pub created_at: String,
    /// When the other side read it.
    pub read_at: Option<String>,
}

/// Body of a new chat message.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewChatMessage {
    /// The text.
    pub body: String,
    /// The sender's id for matching the echo.
    #[serde(default)]
    pub client_id: Option<String>,
}

impl NewChatMessage {
    /// Field errors.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check_required_text(&mut errors, "body", &self.body, MAX_CHAT_MESSAGE);
        check_optional(&mut errors, "client_id", self.client_id.as_deref(), 100);
        errors
    }
}

/// Open or closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Going on.
    Open,
    /// Ended; the visitor may rate it.
    Closed,
}

/// A conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Stable identifier.
    pub id: String,
    /// Site key.
    pub site: String,
    /// The visitor.
    pub visitor: Visitor,
    /// Open or closed.
    pub status: ConversationStatus,
    /// Rep taking care of it.
    pub assignee_id: Option<String>,
    /// Started.
    pub created_at: String,
    /// Last message.
    pub last_message_at: String,
    /// Visitor messages no rep has read yet.
    pub unread: u32,
    /// Since when the visitor has been waiting for an answer (the oldest unanswered visitor message).
    pub waiting_since: Option<String>,
    /// The visitor's rating once closed.
    pub rating: Option<crate::Rating>,
    /// The records made from it (at most one of each kind: converting again returns the same one).
    #[serde(default)]
    pub links: Vec<Converted>,
    /// The visitor's first message, at most its first 140 characters.
    #[serde(default)]
    pub preview: Option<String>,
}

/// A conversation with its messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationView {
    /// The conversation.
    pub conversation: Conversation,
    /// Messages, oldest first.
    pub messages: Vec<ChatMessage>,
}

/// Body of `POST …/typing`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Typing {
    /// Typing now.
    pub typing: bool,
}

/// Body of `POST /widget/offline`: leave a message when nobody is there.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfflineMessage {
    /// Name.
    pub name: String,
    /// E-mail to answer to.
    pub email: String,
    /// The message.
    pub body: String,
}

impl OfflineMessage {
    /// Field errors.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = PreChat { name: self.name.clone(), email: self.email.clone() }.errors();
        check_required_text(&mut errors, "body", &self.body, MAX_CHAT_MESSAGE);
        errors
    }
}

/// Body of a rep's `PATCH /inbox/{id}`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    /// Close (or reopen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationStatus>,
    /// Assign to a rep (`""` unassigns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
}

/// Body of `POST /inbox/{id}/convert`: turn the conversation into a CRM record.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convert {
    /// `contact`, `deal` or `case`.
    pub to: String,
    /// The new deal's name, in the converting rep's language (the visitor's name when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_name: Option<String>,
}

/// Answer of a conversion: what was created (or matched).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Converted {
    /// `contact`, `deal` or `case`.
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// A realtime event on a socket (`/widget/socket` for a visitor, `/inbox/socket` for reps), externally tagged:
/// `{"message": {"message": {...}}}` (cheaper to read in the widget than a tag field inside the object).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatEvent {
    /// A new message.
    Message {
        /// The message.
        message: ChatMessage,
    },
    /// Someone started or stopped typing.
    Typing {
        /// Conversation.
        conversation_id: String,
        /// Who types.
        author: ChatAuthor,
        /// Typing now.
        typing: bool,
    },
    /// The other side read messages up to this time.
    Read {
        /// Conversation.
        conversation_id: String,
        /// Who read.
        reader: ChatAuthor,
        /// Everything written up to this instant is read.
        up_to: String,
    },
    /// A conversation started or changed (status, assignee, rating).
    Conversation {
        /// The conversation.
        conversation: Conversation,
    },
}

/// The first message a socket client sends: its credential (never in the URL).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocketHello {
    /// The visitor's token (widget sockets); reps authenticate with their session cookie and send `null`.
    pub token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_hours_follow_the_local_offset_across_midnight() {
        let hours = BusinessHours {
            days: vec![1, 2, 3, 4, 5],
            open: "09:00".into(),
            close: "18:00".into(),
            utc_offset_minutes: 60,
        };
        assert!(hours.is_open(1, 8 * 60), "Monday 08:00 UTC is 09:00 in Madrid");
        assert!(!hours.is_open(1, 17 * 60), "18:00 local is closed");
        assert!(!hours.is_open(6, 10 * 60), "Saturday");
        let late = BusinessHours { days: vec![2], open: "00:00".into(), close: "01:00".into(), utc_offset_minutes: 60 };
        assert!(late.is_open(1, 23 * 60 + 30), "Monday 23:30 UTC is Tuesday 00:30 local");
        let broken = BusinessHours { days: vec![1], open: "nine".into(), close: "18:00".into(), utc_offset_minutes: 0 };
        assert!(!broken.is_open(1, 600));
    }
}

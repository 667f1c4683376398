//! The chat widget's operations and their answers. Only the Trato protocol serves them
//! ([`trato::widget`](super::trato::widget)); [`WidgetClient`](crate::client::WidgetClient) runs them.

use super::ask::{asks, Ask};
use trato_protocol::*;

/// Everything the widget can ask. Every operation but `Config` and `NewSession` needs the visitor's token.
#[derive(Clone, Debug)]
pub enum WidgetOp {
    /// The site's name, pre-chat and whether someone is there.
    Config(String),
    /// A new visitor session for a site.
    NewSession(String),
    /// The visitor.
    Me,
    /// Name and e-mail before the first message.
    PreChat(PreChat),
    /// The host site says who the visitor is.
    Identify(Identify),
    /// The current conversation, with the messages after a time (all when `None`).
    Conversation(Option<String>),
    /// Send a message.
    Send(NewChatMessage),
    /// Typing or not.
    Typing(bool),
    /// The rep's messages were seen.
    Read,
    /// Rate the ended conversation.
    Rate(Rating),
    /// Leave a message when nobody is there.
    Offline(OfflineMessage),
}

/// Answers to [`WidgetOp`]s.
#[derive(Clone, Debug, PartialEq)]
pub enum WidgetReply {
    /// Nothing to return.
    Done,
    /// The site's configuration.
    Config(WidgetConfig),
    /// A new session.
    Session(WidgetSession),
    /// The visitor.
    Visitor(Visitor),
    /// The current conversation, if any.
    Conversation(Option<Box<ConversationView>>),
    /// The stored message (its `client_id` matches the optimistic one).
    Message(ChatMessage),
    /// A conversation.
    Updated(Box<Conversation>),
    /// What a left message became.
    Converted(Converted),
}

asks! { WidgetOp, WidgetReply;
    /// The site's name, pre-chat and whether someone is there.
    config(site: String) -> WidgetConfig = WidgetOp::Config(site), WidgetReply::Config(config) => config;
    /// A new visitor session for a site.
    new_session(site: String) -> WidgetSession = WidgetOp::NewSession(site), WidgetReply::Session(s) => s;
    /// The visitor.
    me() -> Visitor = WidgetOp::Me, WidgetReply::Visitor(visitor) => visitor;
    /// Name and e-mail before the first message.
    prechat(body: PreChat) -> Visitor = WidgetOp::PreChat(body), WidgetReply::Visitor(visitor) => visitor;
    /// The host site says who the visitor is.
    identify(body: Identify) -> Visitor = WidgetOp::Identify(body), WidgetReply::Visitor(visitor) => visitor;
    /// The current conversation, with the messages after a time (all when `None`).
    conversation(after: Option<String>) -> Option<ConversationView> =
        WidgetOp::Conversation(after), WidgetReply::Conversation(view) => view.map(|v| *v);
    /// Sends a message.
    send(message: NewChatMessage) -> ChatMessage = WidgetOp::Send(message), WidgetReply::Message(m) => m;
    /// Typing or not.
    typing(typing: bool) -> () = WidgetOp::Typing(typing), WidgetReply::Done => ();
    /// The rep's messages were seen.
    read() -> () = WidgetOp::Read, WidgetReply::Done => ();
    /// Rates the ended conversation.
    rate(rating: Rating) -> Conversation = WidgetOp::Rate(rating), WidgetReply::Updated(c) => *c;
    /// Leaves a message when nobody is there.
    offline(message: OfflineMessage) -> Converted = WidgetOp::Offline(message), WidgetReply::Converted(c) => c;
}

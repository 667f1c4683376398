//! Sans-IO connectors: a connector turns an [`Operation`] into an [`HttpRequest`] value and an [`HttpResponse`]
//! value into a [`Reply`] or a typed [`ConnectorError`]. It never performs I/O and keeps no state: a
//! [`Transport`](crate::transport::Transport) sends the requests, the [`Client`](crate::client::Client) keeps the
//! session and carries what an operation learns from one round to the next.
//!
//! - [`operation`]: the backend-neutral operations, replies and capabilities, and the [`Connector`] interface.
//! - [`support`], [`portal`], [`widget`]: the neutral operations of the reps' support screens, the customer
//!   portal and the chat widget.
//! - [`trato`]: the Trato protocol (the reference backend); [`tryton`]: Tryton's JSON-RPC; [`rest`]: any REST
//!   backend a connector file describes.
//! - [`backend`]: the backend a rep chose, and [`AnyConnector`](backend::AnyConnector), which runs it.
//!
//! Adding a backend means adding one module that implements [`Connector`] and declares its [`Capabilities`].

pub mod ask;
pub mod backend;
pub mod error;
pub mod http;
pub mod operation;
pub mod portal;
pub mod rest;
pub mod support;
pub mod trato;
pub mod tryton;
pub mod widget;

pub use ask::Ask;
pub use error::ConnectorError;
pub use http::{HttpRequest, HttpResponse, Method};
pub use operation::{Capabilities, Connector, ListQuery, Operation, RecordOp, RecordReply, Reply, Rounds, Step};

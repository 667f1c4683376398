//! The desk's support side: the case queue, a case page (thread, public reply or internal note, assignment,
//! status and priority, the customer's account and other cases) and knowledge base editing. All of it goes
//! through the store's online support operations.

mod case;
mod common;
pub mod feed;
pub mod inbox;
mod kb;
mod queue;

pub use case::CaseDeskPage;
pub use inbox::InboxPage;
pub use kb::KnowledgeBaseEditor;
pub use queue::CaseQueuePage;

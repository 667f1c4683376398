//! Why the device's cache could not be used: typed, so the screens can say it in the rep's language and the
//! store can keep the change queued instead of losing it.

/// A failed cache read or write.
#[derive(Clone, Debug, PartialEq)]
pub enum CacheError {
    /// The device's storage is full; nothing of this write was stored.
    Quota,
    /// IndexedDB is missing or failed.
    Failed(String),
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Quota => write!(f, "storage full"),
            CacheError::Failed(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for CacheError {}

impl CacheError {
    /// The error a browser exception text stands for (a quota error is told apart).
    pub fn from_text(text: &str) -> CacheError {
        if text.contains("QuotaExceeded") {
            CacheError::Quota
        } else {
            CacheError::Failed(text.chars().take(300).collect())
        }
    }
}

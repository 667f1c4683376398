//! [`Ask`]: an operation paired with the type of its answer, and `asks!`, which writes the typed constructors of
//! an operation enum, so screens get a `Result<Answer, ConnectorError>` and never "some other reply".

use super::error::ConnectorError;

/// An operation together with the type of its answer: asking gives a `T` or an error, never "some other reply".
pub struct Ask<O, R, T> {
    /// The operation.
    pub op: O,
    pick: fn(R) -> Option<T>,
}

impl<O, R: std::fmt::Debug, T> Ask<O, R, T> {
    /// `op`, whose answer `pick` takes out of the reply (`None` when the reply is of another kind).
    pub fn new(op: O, pick: fn(R) -> Option<T>) -> Self {
        Ask { op, pick }
    }

    /// The typed answer in `reply`; a reply of another kind is a malformed answer.
    pub fn answer(&self, reply: R) -> Result<T, ConnectorError> {
        let shown = format!("{reply:?}");
        (self.pick)(reply).ok_or_else(|| {
            ConnectorError::Malformed(format!("unexpected reply {}", shown.chars().take(200).collect::<String>()))
        })
    }
}

/// Typed constructors of an operation enum: `name(args) -> Answer = operation, ReplyPattern => answer;` makes
/// `Op::name(args)`, an [`Ask`] whose answer is picked out of the matching reply.
macro_rules! asks {
    ($op:ty, $reply:ty; $( $(#[$doc:meta])* $name:ident ( $($arg:ident : $ty:ty),* ) -> $out:ty = $make:expr, $pat:pat => $value:expr; )*) => {
        impl $op {
            $(
                $(#[$doc])*
                pub fn $name($($arg: $ty),*) -> Ask<$op, $reply, $out> {
                    #[allow(unreachable_patterns)]
                    fn pick(reply: $reply) -> Option<$out> {
                        match reply {
                            $pat => Some($value),
                            _ => None,
                        }
                    }
                    Ask::new($make, pick)
                }
            )*
        }
    };
}
pub(crate) use asks;

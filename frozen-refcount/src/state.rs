//! What the operations report: [`Put`] (what a `put` did) and [`State`] (what
//! a counter word means).

/// What a [`put`](crate::FrozenRefcount::put) did.
#[must_use = "Last means the caller now owns the object and must free it"]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Put {
    /// Other references remain (or a concurrent `try_get` resurrected the
    /// object in the transient zero): the caller must not touch it again.
    Kept,
    /// That was the last reference: the count is frozen and the caller owns
    /// the object (free it, or reuse it and [`unfreeze`](crate::FrozenRefcount::unfreeze)).
    Last,
}

impl Put {
    /// `true` for [`Put::Last`].
    #[inline]
    #[must_use]
    pub fn is_last(self) -> bool {
        matches!(self, Put::Last)
    }
}

/// What a counter word means, as read by [`FrozenRefcount::state`](crate::FrozenRefcount::state).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Live with this many references.
    Live(u32),
    /// Live with a count of zero: the last `put` is between its `fetch_sub`
    /// and its CAS (never seen for `Classic`, where zero is frozen).
    Zero,
    /// Frozen: owned by whoever froze it; every `try_get` fails.
    Frozen,
    /// Live, but the count passed `MAX_COUNT` and is no longer known: gets and
    /// puts keep working and no `put` returns `Last` again (the object leaks).
    Saturated,
}

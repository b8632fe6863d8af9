//! The guide: what a dependent needs to know beyond each item's own
//! documentation. These modules hold no code.
//!
//! | module | what it answers |
//! | --- | --- |
//! | [`contract`] | the states a counter can be in, what every operation does in each, what misuse does in debug and in release builds, what holds under concurrency, and the bounds (readers in flight on a frozen word, operations in flight on a saturated one) |
//! | [`encodings`] | where each encoding keeps the count, the FROZEN state and the generation; what zeroed memory is for each; how to choose one |
//! | [`backends`] | how each atomic step is done, per target; which backend is the default where, and why; cores with no atomic read-modify-write; testing a backend of your own |
//! | [`orderings`] | every memory ordering the protocol uses, what it pairs with, and why it is enough |
//!
//! The items: [`FrozenRefcount`](crate::FrozenRefcount) (the counter),
//! [`Encoding`](crate::Encoding) and [`Scheme`](crate::Scheme) (where the
//! bits are), [`Backend`](crate::Backend) (how a step is done),
//! [`Put`](crate::Put) and [`State`](crate::State) (what the operations
//! report), and with the `model` feature `frozen_refcount::model`, the
//! sequential reference model, for testing code built on the counter.

pub mod backends;
pub mod contract;
pub mod encodings;
pub mod orderings;

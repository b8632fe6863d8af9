//! The allocator demo (`demo/page-alloc`) under test: accounting after
//! threaded runs, walkers that never hold free/tail/frozen pages, the free
//! callback's order, split under concurrent walkers, the zero-filled start,
//! and the put/put ABA on a reused page that `Tagged` closes.
//!
//! Every test name contains `alloc` (`cargo test alloc`). The threaded runs
//! are bounded by operation counts, not by time.
//!
//! One test target (`--test page_alloc`) in parts: `hooked.rs` is the test
//! backend that stops a thread between two atomic steps, `support.rs` the
//! shared runs and checks; the tests are grouped by what they check.

mod hooked;
mod support;

mod aba;
mod accounting;
mod free_and_split;
mod walkers;
mod zeroed;

//! What the repository's benchmark harnesses share (`publish = false`): the
//! thread pool that runs a measurement's threads side by side and tells a
//! clean run from one disturbed by the scheduler ([`pool`]), the
//! measurement loop of the comparisons ([`measure`]), the figures of a
//! cell's samples ([`stats`]), the pieces of the markdown report
//! ([`report`]), the SVG plots ([`plot`]), the command line ([`cli`]), the
//! remote shapes' hand-over of keys ([`ring`]) and the entry point
//! `cargo xtask callgrind` counts ([`callgrind`]).
//!
//! What is measured stays with each crate: its subjects and loops are in
//! its `benches/common/`, the rows of its comparison in its example.

pub mod callgrind;
pub mod cli;
pub mod measure;
pub mod plot;
pub mod pool;
pub mod report;
pub mod ring;
pub mod stats;

pub use cli::Options;
pub use measure::Cell;
pub use pool::{cores, spin_until, thread_counts, Job, Pool, Run};
pub use ring::Ring;

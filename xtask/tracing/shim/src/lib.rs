pub use frozen_slab::*;

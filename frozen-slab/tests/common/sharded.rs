//! What sharded-slab 0.1.7's own tests import, for running them against
//! frozen-slab with only their imports changed (the `tests/sharded_*.rs`
//! files): the loom names they use, sharded-slab's test helpers
//! (`run_model`, `run_builder`, `TinyConfig`, `test_println!`,
//! `test_dbg!`), its `alloc::Track`, and frozen-slab's public equivalents
//! of the few internals they reach for.
//!
//! Without `--cfg frozen_refcount_loom` the loom names are std's and a
//! "model" is the closure run [`RUNS`] times on real threads; with it they
//! are loom's, and a model is loom's check (bounded by
//! `LOOM_MAX_PREEMPTIONS`, and for one model by [`util::BOUNDED`]).
//!
//! Included by each of those files as `#[macro_use] #[path = ...] mod
//! sharded;` (not through `common/mod.rs`), so the other tests do not
//! compile it.
#![allow(dead_code, unused_imports, unused_macros)]

/// Real threads: std's `thread`, `Mutex`, `Condvar` and atomics under
/// loom's names, and a `model::Builder` that runs a closure `RUNS` times.
#[cfg(not(frozen_refcount_loom))]
pub mod loom {
    pub use std::thread;

    /// `loom::sync`'s names, std's types.
    pub mod sync {
        pub use std::sync::{atomic, Arc, Condvar, Mutex};
    }

    /// `loom::model`: a builder whose `check` runs the closure `RUNS`
    /// times on the calling thread (the threads it spawns are real).
    pub mod model {
        /// loom's builder, with the fields the tests and `run_builder`
        /// set: kept and unused, as real threads have no branches or
        /// permutations to count.
        #[derive(Default)]
        pub struct Builder {
            /// loom: the most branches of one execution. Unused here.
            pub max_branches: usize,
            /// loom: the most executions checked. Unused here.
            pub max_permutations: Option<usize>,
        }

        impl Builder {
            /// A builder.
            pub fn new() -> Self {
                Self::default()
            }

            /// Runs `f` `RUNS` times.
            pub fn check<F: Fn() + Sync + Send + 'static>(&self, f: F) {
                for _ in 0..super::super::RUNS {
                    f();
                }
            }
        }
    }
}

/// Under loom: the real `loom`.
#[cfg(frozen_refcount_loom)]
pub use ::loom;

/// How many times a "model" runs on real threads.
pub const RUNS: usize = if cfg!(miri) { 2 } else { 100 };

/// sharded-slab's `test_println!`: prints nothing (sharded-slab prints only
/// under `--cfg slab_print`), but its arguments are still checked.
macro_rules! test_println {
    ($($arg:tt)*) => {
        if false {
            ::std::println!($($arg)*);
        }
    };
}

/// sharded-slab's `test_dbg!`: the expression's value, printed by
/// `test_println!` (so not at all).
macro_rules! test_dbg {
    ($e:expr) => {{
        let e = $e;
        test_println!("{} = {:?}", stringify!($e), &e);
        e
    }};
}

/// sharded-slab's `tests::util`.
pub mod util {
    /// sharded-slab's `TinyConfig`: a first page of 4 slots (frozen-slab
    /// ignores the page geometry: its first page holds 32).
    pub struct TinyConfig;

    impl frozen_slab::Config for TinyConfig {
        const INITIAL_PAGE_SIZE: usize = 4;
    }

    /// The fewest branches (atomic accesses and thread switches) a loom
    /// execution may take before loom gives up on it, in place of loom's
    /// default 1000: dropping a frozen-slab reads the refcount of every
    /// slot of its allocated pages (one branch each), and each thread
    /// that inserts takes a run of 16 slots, so three of them reach the
    /// second page (32 + 64 slots). `take_local` needs more than 1000.
    pub const MIN_BRANCHES: usize = 10_000;

    /// Models too big for CI's loom budget, by name, each checked under
    /// loom for its first so many permutations only (unless
    /// `LOOM_MAX_PERMUTATIONS` says otherwise: set it high for the whole
    /// model). `take_local` (three threads, each inserting and taking two
    /// values) had not finished after 10 minutes with
    /// `LOOM_MAX_PREEMPTIONS=2`, and took 80 s with 1; it runs 100 to 170
    /// permutations a second.
    pub const BOUNDED: &[(&str, usize)] = &[("take_local", 1000)];

    /// A model with the default builder.
    pub fn run_model(name: &'static str, f: impl Fn() + Sync + Send + 'static) {
        run_builder(name, super::loom::model::Builder::new(), f)
    }

    /// `f` checked by `builder`: loom's exhaustive check, or on real
    /// threads `RUNS` runs.
    ///
    /// Under loom, with at least [`MIN_BRANCHES`] branches per execution.
    pub fn run_builder(
        name: &'static str,
        mut builder: super::loom::model::Builder,
        f: impl Fn() + Sync + Send + 'static,
    ) {
        builder.max_branches = builder.max_branches.max(MIN_BRANCHES);
        if let Some(&(_, n)) = BOUNDED.iter().find(|(model, _)| *model == name) {
            // `LOOM_MAX_PERMUTATIONS`, when set, is kept.
            builder.max_permutations = builder.max_permutations.or(Some(n));
        }
        let iters = std::sync::atomic::AtomicUsize::new(1);
        builder.check(move || {
            test_println!(
                "\n------------ running test {}; iteration {} ------------\n",
                name,
                iters.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            f()
        });
    }
}

/// sharded-slab's `sync::alloc`.
pub mod alloc {
    use std::fmt;

    /// sharded-slab's `alloc::Track`: under loom, loom's allocation
    /// tracker (a value still alive when the model ends is reported as a
    /// leak); on real threads, the value itself. With `Default` and
    /// `Clear`, as sharded-slab gives it, for a `Pool`.
    pub struct Track<T>(Inner<T>);

    #[cfg(frozen_refcount_loom)]
    type Inner<T> = ::loom::alloc::Track<T>;
    #[cfg(not(frozen_refcount_loom))]
    type Inner<T> = T;

    impl<T> Track<T> {
        /// Tracks a value.
        pub fn new(value: T) -> Self {
            #[cfg(frozen_refcount_loom)]
            let value = ::loom::alloc::Track::new(value);
            Track(value)
        }

        /// The value.
        pub fn get_ref(&self) -> &T {
            #[cfg(frozen_refcount_loom)]
            return self.0.get_ref();
            #[cfg(not(frozen_refcount_loom))]
            return &self.0;
        }

        /// The value, mutably.
        pub fn get_mut(&mut self) -> &mut T {
            #[cfg(frozen_refcount_loom)]
            return self.0.get_mut();
            #[cfg(not(frozen_refcount_loom))]
            return &mut self.0;
        }

        /// Stops tracking the value.
        pub fn into_inner(self) -> T {
            #[cfg(frozen_refcount_loom)]
            return self.0.into_inner();
            #[cfg(not(frozen_refcount_loom))]
            return self.0;
        }
    }

    impl<T: fmt::Debug> fmt::Debug for Track<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.get_ref().fmt(f)
        }
    }

    impl<T: Default> Default for Track<T> {
        fn default() -> Self {
            Self::new(T::default())
        }
    }

    impl<T: frozen_slab::Clear> frozen_slab::Clear for Track<T> {
        fn clear(&mut self) {
            self.get_mut().clear()
        }
    }
}

/// sharded-slab's `cfg`: the trait, and `CfgPrivate::debug`, which its
/// tests print.
pub mod cfg {
    pub use frozen_slab::Config;
    use std::fmt;

    /// sharded-slab's `CfgPrivate`, of which the tests use `debug`.
    pub trait CfgPrivate: Config {
        /// The configuration's constants, for printing.
        fn debug() -> DebugConfig<Self> {
            DebugConfig(std::marker::PhantomData)
        }
    }

    impl<C: Config> CfgPrivate for C {}

    /// A configuration's constants, as sharded-slab's `DebugConfig` shows
    /// them.
    pub struct DebugConfig<C>(std::marker::PhantomData<C>);

    impl<C: Config> fmt::Debug for DebugConfig<C> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct(std::any::type_name::<C>())
                .field("max_threads", &C::MAX_THREADS)
                .field("max_pages", &C::MAX_PAGES)
                .field("initial_page_size", &C::INITIAL_PAGE_SIZE)
                .field("reserved_bits", &C::RESERVED_BITS)
                .finish()
        }
    }
}

/// sharded-slab's `Pack`, of which the tests use the generation's `MASK`.
pub trait Pack {
    /// The bits of a key that the packed field takes.
    const MASK: usize;
}

/// sharded-slab's `page`: where a key's slot is, in frozen-slab's documented
/// key layout (`generation << 32 | index`) and page geometry (page `p`
/// holds `32 << p` slots, whatever the `Config` says).
pub mod page {
    /// `(offset in its page, page)` of the slot a key names. sharded-slab's
    /// `indices` takes `C` for its page geometry; frozen-slab's does not
    /// depend on it.
    #[allow(clippy::extra_unused_type_parameters)]
    pub fn indices<C: frozen_slab::Config>(key: usize) -> (usize, usize) {
        let index = key as u32 as usize + 32;
        let page = (usize::BITS - 1 - index.leading_zeros()) as usize - 5;
        (index - (32 << page), page)
    }

    /// sharded-slab's `page::slot`.
    pub mod slot {
        use std::marker::PhantomData;

        /// A key's generation field, with `C`'s reserved bits left out.
        pub struct Generation<C>(PhantomData<C>);

        impl<C: frozen_slab::Config> super::super::Pack for Generation<C> {
            /// Bits 32 and up of a key, below the `RESERVED_BITS`.
            const MASK: usize = (usize::MAX >> C::RESERVED_BITS) & !(u32::MAX as usize);
        }

        /// sharded-slab's per-slot reference count.
        pub struct RefCount<C>(PhantomData<C>);

        impl<C> RefCount<C> {
            /// frozen-slab has no reference limit: past 2^30 guards the
            /// count saturates and `get` still succeeds (the
            /// differences table in `frozen_slab::implementation`). This is
            /// where it saturates.
            pub const MAX: usize = 1 << 30;
        }
    }
}

/// sharded-slab's `tid`: frozen-slab's keys carry no thread id, so there is
/// none to override, and the action runs on the calling thread.
pub mod tid {
    /// Runs `f` on the calling thread (sharded-slab: as thread `tid`).
    pub fn with<R>(_tid: usize, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// The `memory-stats` crate's `memory_stats`, from `/proc/self/status`.
pub mod memory_stats {
    /// The process's memory, in bytes.
    #[derive(Clone, Copy, Debug)]
    pub struct MemoryStats {
        /// Resident set size (`VmRSS`).
        pub physical_mem: usize,
        /// Virtual memory size (`VmSize`).
        pub virtual_mem: usize,
    }

    /// The process's memory now, or `None` where `/proc` is not there.
    pub fn memory_stats() -> Option<MemoryStats> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<usize> {
            let line = status.lines().find(|l| l.starts_with(name))?;
            let kib: usize = line[name.len()..]
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib * 1024)
        };
        Some(MemoryStats {
            physical_mem: field("VmRSS:")?,
            virtual_mem: field("VmSize:")?,
        })
    }
}

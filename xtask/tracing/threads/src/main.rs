//! Starts N threads (default 5000) that are all alive at once, each holding
//! an entered span on `tracing_subscriber::registry()` under a no-op layer,
//! and prints one line: threads started, panics caught, spans created, the
//! first panic's message. sharded-slab's Registry panics at the 4,097th
//! live thread that creates a span ("Thread count overflowed the configured
//! max count"); frozen-slab has no thread limit.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use tracing_subscriber::layer::SubscriberExt;

/// The layer: every method is the default (does nothing).
struct Noop;
impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Noop {}

static PANICS: AtomicUsize = AtomicUsize::new(0);
static SPANS: AtomicUsize = AtomicUsize::new(0);
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() {
    let n: usize = match std::env::args().nth(1) {
        None => 5000,
        Some(a) => a.parse().expect("usage: tracing-threads [N]"),
    };
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Noop))
        .expect("the only global default");
    // Count the panics and keep the first message, instead of N lines on stderr.
    panic::set_hook(Box::new(|info| {
        if PANICS.fetch_add(1, Ordering::Relaxed) == 0 {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
            *FIRST_PANIC.lock().unwrap() = message;
        }
    }));

    // All N threads, and main, meet here: every span is entered at once.
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut handles = Vec::with_capacity(n);
    let mut started = 0;
    for i in 0..n {
        let barrier = Arc::clone(&barrier);
        let spawned = thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                // Creating the span is where a slab that has no room for
                // this thread panics.
                let span = panic::catch_unwind(|| tracing::info_span!("worker", i).entered()).ok();
                if span.is_some() {
                    SPANS.fetch_add(1, Ordering::Relaxed);
                }
                barrier.wait();
                // Exiting and closing it, caught too.
                let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(span)));
            });
        match spawned {
            Ok(h) => {
                handles.push(h);
                started += 1;
            }
            Err(e) => panic!("spawning thread {i}: {e} (started {started})"),
        }
    }
    barrier.wait();
    for h in handles {
        h.join().expect("every panic is caught in the thread");
    }
    let first = FIRST_PANIC.lock().unwrap().take();
    println!(
        "threads started {started}, panics caught {}, spans created {}{}",
        PANICS.load(Ordering::Relaxed),
        SPANS.load(Ordering::Relaxed),
        first.map(|m| format!("; first panic: {}", m.replace('\n', " "))).unwrap_or_default()
    );
}

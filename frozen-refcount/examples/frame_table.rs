//! A frame table in zero-filled memory, with no initialisation pass.
//!
//! 1 Mi frames of `ZeroLockedHigh` counters (4 MiB, 1024 pages) in an
//! anonymous `mmap`: the kernel hands out zero pages lazily, and an all-zero
//! `ZeroLockedHigh` word is a frozen counter, so the table is valid the
//! moment it is mapped and no page is written until a frame is used. The
//! example unfreezes a few frames, walks all of them the way a PFN walker
//! does, and prints how many pages of the region are resident after each
//! step (the mapping's `Rss` in `/proc/self/smaps`; reads of untouched pages
//! map the shared zero page, which is not counted).
//!
//!     cargo run --release --example frame_table
//!
//! The walk with `try_get_unless_frozen` reads every word and writes none of
//! the frozen ones; for contrast, a walk with plain `try_get` (one RMW per
//! frame, hit or miss) then dirties every page of the table.

#[cfg(target_os = "linux")]
fn main() {
    use frozen_refcount::{FrozenRefcount, Put, ZeroLockedHigh};
    type Frame = FrozenRefcount<ZeroLockedHigh>;

    const FRAMES: usize = 1 << 20;
    let bytes = FRAMES * std::mem::size_of::<Frame>();
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;

    // SAFETY: an anonymous private mapping, checked for failure; it is
    // unmapped at the end, after the last use of `table`.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(base, libc::MAP_FAILED, "mmap failed");
    // Count base pages: with transparent huge pages one touched frame could
    // fault in 2 MiB. (Advice only; an error changes nothing we rely on.)
    // SAFETY: `base..base + bytes` is our mapping.
    let _ = unsafe { libc::madvise(base, bytes, libc::MADV_NOHUGEPAGE) };
    // SAFETY: the mapping is zero-filled, aligned to a page (so to the
    // word), `bytes` long, lives until the munmap below, and every access to
    // it is through these counters' atomics.
    let table: &[Frame] = unsafe {
        let first = Frame::from_ptr(base.cast::<u32>());
        std::slice::from_raw_parts(first, FRAMES)
    };
    let resident = || resident_pages(base as usize, page);
    let total = bytes / page;
    println!("frame table: {FRAMES} frames, {total} pages of {page} bytes");
    println!("| step | resident pages |");
    println!("| --- | --: |");
    println!("| mapped, viewed as frozen counters | {} |", resident());
    assert!(table.iter().take(8).all(|f| f.is_frozen()));

    // Allocate 16 frames spread over the table: each touches its own page.
    let used: Vec<usize> = (0..16).map(|i| i * (FRAMES / 16) + 7).collect();
    for &i in &used {
        table[i].unfreeze(1);
    }
    println!("| {} frames unfrozen | {} |", used.len(), resident());

    let mut hits = 0;
    for f in table {
        if f.try_get_unless_frozen() {
            hits += 1;
            assert_eq!(f.put(), Put::Kept);
        }
    }
    assert_eq!(hits, used.len());
    let after_walk = resident();
    println!("| walk of all frames, `try_get_unless_frozen` ({hits} hits) | {after_walk} |");
    assert!(
        after_walk <= used.len() + 1,
        "the walk wrote to frozen frames"
    );

    for &i in &used {
        assert!(table[i].put().is_last());
    }
    let mut hits = 0;
    for f in table {
        if f.try_get() {
            hits += 1;
            let _ = f.put();
        }
    }
    assert_eq!(hits, 0);
    println!(
        "| for contrast: walk with plain `try_get` ({hits} hits) | {} |",
        resident()
    );

    // SAFETY: `table` is not used after this.
    unsafe { libc::munmap(base, bytes) };
}

/// The resident pages of the mapping that starts at `start`, from its `Rss`
/// line in /proc/self/smaps (kB).
#[cfg(target_os = "linux")]
fn resident_pages(start: usize, page: usize) -> usize {
    let smaps = std::fs::read_to_string("/proc/self/smaps").expect("read /proc/self/smaps");
    let header = format!("{start:x}-");
    let mut lines = smaps.lines().skip_while(|l| !l.starts_with(&header));
    lines.next().expect("the mapping is in smaps");
    let rss = lines
        .find_map(|l| l.strip_prefix("Rss:"))
        .expect("an Rss line")
        .trim()
        .trim_end_matches(" kB")
        .trim();
    rss.parse::<usize>().expect("Rss in kB") * 1024 / page
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("frame_table: Linux only (anonymous mmap and /proc/self/smaps)");
}

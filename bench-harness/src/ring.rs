//! A ring of keys handed from one thread to another: the remote shapes'
//! producer makes a key and sends it, the consumer receives it and ends it.

use crate::pool::spin_until;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{Acquire, Release};

/// Cells in a ring: how far the producer may run ahead of the consumer.
const CELLS: usize = 1024;

/// `key + 1` per cell, 0 for empty. The `i`th key sent goes through cell
/// `i % CELLS`; a run that sends as many keys as it receives leaves the
/// ring empty again.
pub struct Ring {
    cells: Box<[AtomicUsize]>,
}

impl Default for Ring {
    fn default() -> Self {
        Ring {
            cells: (0..CELLS).map(|_| AtomicUsize::new(0)).collect(),
        }
    }
}

impl Ring {
    /// Sends the `i`th key (`key < usize::MAX`), waiting for its cell to be
    /// empty.
    #[inline]
    pub fn send(&self, i: u64, key: usize) {
        let cell = &self.cells[i as usize % CELLS];
        spin_until(|| cell.load(Acquire) == 0);
        // Release: what the producer did to the key's value happens-before
        // the consumer's Acquire load.
        cell.store(key + 1, Release);
    }

    /// Receives the `i`th key, waiting for it.
    #[inline]
    pub fn recv(&self, i: u64) -> usize {
        let cell = &self.cells[i as usize % CELLS];
        let mut key = 0;
        spin_until(|| {
            key = cell.load(Acquire);
            key != 0
        });
        cell.store(0, Release);
        key - 1
    }
}

//! Ctrl-C while a query runs: SQLite's interrupt, from a handler thread.
//!
//! At the prompt rustyline reads Ctrl-C as a key (the terminal is in raw mode, no signal) and
//! clears the line. While a statement runs the terminal is in its normal mode, so Ctrl-C sends
//! SIGINT; the `ctrlc` crate turns it into a call on its own thread, which calls
//! `sqlite3_interrupt` (or PostgreSQL's cancel request) through the [`concord::store::Interrupt`]
//! of the statement's store. The
//! query then fails with `StoreError::Interrupted`, the runner prints `interrupted (N rows
//! shown)`, and the session goes on. A query whose rows are all read but still being printed
//! (a long table to a slow terminal) is stopped by [`cancelled`]: the shell's output checks it
//! before each write. (rustyline swaps in its own SIGINT handler while it reads a line and
//! puts this one back afterwards.)

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use concord::store::Interrupt as InterruptHandle;

/// The handle of the store whose statement runs now, if one does.
static RUNNING: Mutex<Option<InterruptHandle>> = Mutex::new(None);
/// Set once the handler is installed.
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Ctrl-C came while a statement ran (cleared when the next one starts).
static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT handler (once per process). Returns false when it could not be.
pub fn install() -> bool {
    if INSTALLED.load(Ordering::SeqCst) {
        return true;
    }
    let ok = ctrlc::set_handler(|| {
        let running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = running.as_ref() {
            CANCELLED.store(true, Ordering::SeqCst);
            h.interrupt();
        }
    })
    .is_ok();
    INSTALLED.store(ok, Ordering::SeqCst);
    ok
}

/// Whether Ctrl-C came since the running statements started.
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}

/// While it lives, Ctrl-C interrupts the store `handle` belongs to.
pub struct Running(());

impl Running {
    pub fn new(handle: InterruptHandle) -> Running {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        CANCELLED.store(false, Ordering::SeqCst);
        *running = Some(handle);
        Running(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

//! mecred: the operator console for the Louisiana Jump Start Micro-Enterprise
//! Credential. The binary (`src/main.rs`) is a thin shell over this library so
//! that `tests/` and `benches/` drive the same code.

/// The allocator of the binary, its tests and its benchmarks alike (so the
/// figures are the binary's): a bulk edit or a re-evaluation makes and drops
/// hundreds of thousands of small records, where glibc's malloc spent a third
/// of the time consolidating and unlinking chunks.
///
/// No single allocation may exceed [`LARGEST_ALLOCATION`]: a damaged or
/// hostile sheet can make a reader densify billions of cells (calamine
/// sizes an `.xls`/`.ods` range by its outermost cells), and mimalloc,
/// which reserves without committing, would let it fill the machine until
/// the OOM killer stepped in; refused, it fails at once, as glibc did.
#[global_allocator]
static ALLOCATOR: Capped = Capped;

/// The largest single allocation: far above any real need (the whole
/// 250,000-student state is under 1 GiB).
pub const LARGEST_ALLOCATION: usize = 8 << 30;

/// mimalloc, with [`LARGEST_ALLOCATION`] enforced.
struct Capped;

// SAFETY: every call is passed to mimalloc unchanged, except requests over
// the cap, which return null as an allocator that is out of memory does.
unsafe impl std::alloc::GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() > LARGEST_ALLOCATION {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() > LARGEST_ALLOCATION {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        if new > LARGEST_ALLOCATION {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new) }
    }
}

#[cfg(test)]
mod allocator_tests {
    #[test]
    fn an_allocation_over_the_cap_fails_at_once() {
        let mut v: Vec<u8> = Vec::new();
        assert!(v.try_reserve_exact(super::LARGEST_ALLOCATION + 1).is_err());
        assert!(v.try_reserve_exact(1 << 20).is_ok());
    }
}

pub mod cli;
pub mod domain;
pub mod generate;
pub mod import;
pub mod policy;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
pub mod tui;

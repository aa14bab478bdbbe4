// Splitting loops over the two cores: only for large element counts, where it pays.

import Dispatch

enum Parallel {
  /// Work below this many elements runs on one thread (thread start-up costs more).
  static let threshold = 1 << 16
  /// How many chunks to split into (the machines we target have 2 cores).
  static let workers: Int = {
    configureAllocator()
    return max(1, min(8, ProcessInfoCores.count))
  }()

  /// Keeps freed activation buffers inside the process, so a training or attack step in steady
  /// state reuses the previous step's memory instead of asking the OS for fresh pages (each
  /// costs a page fault and zeroing). glibc gives memory back in three ways, each disabled here:
  /// blocks over the mmap threshold are mapped and unmapped one by one (raised to 32 MiB, its
  /// maximum: a larger value is rejected, which is what the first version of this function did,
  /// leaving the 128 KiB default pinned); the heap top is trimmed (threshold 1 GiB); and a
  /// thread arena's sub-heap that becomes empty is unmapped whole — the interpreter runs on a
  /// secondary thread (LargeStack), so its tensors live in such arenas — which the top pad
  /// prevents. Measured on `aegis run` of a PreActResNet-8 training (60 steps, six runs): 4 of 6
  /// runs faulted 3,000–6,300 pages per step before, all six ≈ 80–100 after
  /// (SteadyStateMemoryTests, docs/performance.md "Memory").
  static func configureAllocator() {
    #if os(Linux)
    _ = glibcMallopt(-3, 32 << 20)  // M_MMAP_THRESHOLD (glibc's maximum)
    _ = glibcMallopt(-1, 1 << 30)   // M_TRIM_THRESHOLD
    _ = glibcMallopt(-2, 64 << 20)  // M_TOP_PAD
    #endif
  }

  /// Calls `body(range)` on disjoint ranges covering `0..<count`, in parallel when large.
  @inline(__always)
  static func forRanges(_ count: Int, grain: Int = threshold, _ body: (Range<Int>) -> Void) {
    if count < grain || workers == 1 {
      body(0..<count)
      return
    }
    let chunks = workers
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let lo = c * size
      let hi = min(count, lo + size)
      if lo < hi { body(lo..<hi) }
    }
  }

  /// Calls `body(i)` for every `i` in `0..<count`, spread over the cores.
  @inline(__always)
  static func forEach(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 || workers == 1 {
      for i in 0..<count { body(i) }
      return
    }
    DispatchQueue.concurrentPerform(iterations: count, execute: body)
  }
}

#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// glibc's `mallopt` (malloc.h is not part of the Glibc module).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

enum ProcessInfoCores {
  static let count: Int = {
    #if canImport(Glibc)
    return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
    return 2
    #endif
  }()
}

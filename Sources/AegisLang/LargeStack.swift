// Runs the interpreter on a thread with a large stack. The tree-walker recurses once per
// nesting level; the caller may be a secondary thread with a small default stack (512 KB on
// Linux), and a script must never be able to overflow it.

import Foundation

enum LargeStack {
  /// Runs `body` on a fresh thread with `Interpreter.stackSize` bytes of stack and waits for it.
  static func run<T>(_ body: @escaping () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      box.value = body()
      done.signal()
    }
    thread.stackSize = Interpreter.stackSize
    thread.start()
    done.wait()
    // The thread always sets the value before signalling; fall back to running here otherwise.
    return box.value ?? body()
  }

  private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
  }
}

// What ran a cell: the CPU (model, vector width, cores, the OpenBLAS variables the environment
// sets, the stored layout ResNets use there) and a fingerprint of the executable. A plan spans
// sessions and machines, and the numbers of a cell depend (in their last bits) on both;
// results/ID.json records them so a reader can tell which cells ran on the same machine and the
// same build.

import AegisTensor
import Foundation

public enum MachineFingerprint {
  /// "Intel(R) Xeon(R) Processor · avx512 · 2 cores · layout nChw16c · OPENBLAS_CORETYPE=Haswell".
  /// The layout is part of it because it decides which oneDNN kernels (and so which rounding)
  /// a ResNet cell ran with; it follows the CPU, or `AEGIS_LAYOUT` when that forces one.
  public static func machine() -> String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    func field(_ name: String) -> String? {
      info.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { $0.split(separator: ":", maxSplits: 1).last }
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
    let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
    let vector = flags.contains("avx512f") ? "avx512" : flags.contains("avx2") ? "avx2" : "no avx2"
    var parts = [field("model name") ?? "unknown CPU", vector, "\(ProcessInfo.processInfo.activeProcessorCount) cores",
                 "layout \(ActivationLayout.preferred.rawValue)"]
    let environment = ProcessInfo.processInfo.environment
    for name in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"] {
      if let value = environment[name] { parts.append("\(name)=\(value)") }
    }
    return parts.joined(separator: " · ")
  }

  /// "fnv1a64:0123456789abcdef (20068408 bytes)" of the running executable; nil if unreadable.
  public static func executable(path: String = "/proc/self/exe") -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    data.withUnsafeBytes { bytes in
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    }
    return "fnv1a64:" + String(format: "%016llx", hash) + " (\(data.count) bytes)"
  }
}

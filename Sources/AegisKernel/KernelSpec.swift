// `aegis kernel install [--user | --prefix P]` / `uninstall`: the kernelspec folder
// `aegis/` (kernel.json and a logo) where `jupyter kernelspec list` looks:
//   --user      $JUPYTER_DATA_DIR or ~/.local/share/jupyter/kernels/aegis (the default)
//   --prefix P  P/share/jupyter/kernels/aegis (a virtual environment or a JupyterHub image)
//   --system    /usr/local/share/jupyter/kernels/aegis

import Foundation

/// Installs and removes the Aegis kernelspec.
public enum KernelSpec {
  /// Where a kernelspec goes.
  public enum Location: Equatable {
    case user, system
    case prefix(String)
  }

  /// The `kernels/aegis` folder for `location`.
  public static func folder(_ location: Location, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
    let data: URL
    switch location {
    case .user:
      if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
        data = URL(fileURLWithPath: dir)
      } else {
        let home = environment["HOME"] ?? NSHomeDirectory()
        data = URL(fileURLWithPath: home).appendingPathComponent(".local/share/jupyter")
      }
    case .system: data = URL(fileURLWithPath: "/usr/local/share/jupyter")
    case .prefix(let p): data = URL(fileURLWithPath: p).appendingPathComponent("share/jupyter")
    }
    return data.appendingPathComponent("kernels/aegis")
  }

  /// kernel.json for the executable at `executable`.
  public static func json(executable: String) -> String {
    let spec: [String: Any] = [
      "argv": [executable, "kernel", "--connection-file", "{connection_file}"],
      "display_name": "Aegis",
      "language": "aegis",
      "interrupt_mode": "message",
      "metadata": ["debugger": false],
    ]
    let data = (try? JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Writes kernel.json and logo-svg.svg; returns the folder.
  @discardableResult
  public static func install(_ location: Location, executable: String) throws -> URL {
    let folder = folder(location)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try json(executable: executable).write(to: folder.appendingPathComponent("kernel.json"), atomically: true, encoding: .utf8)
      try logo.write(to: folder.appendingPathComponent("logo-svg.svg"), atomically: true, encoding: .utf8)
    } catch {
      throw KernelError("cannot write the kernelspec into \(folder.path): \(error.localizedDescription)")
    }
    return folder
  }

  /// Removes the kernelspec; returns the folder, or nil when none was installed there.
  @discardableResult
  public static func uninstall(_ location: Location) throws -> URL? {
    let folder = folder(location)
    guard FileManager.default.fileExists(atPath: folder.path) else { return nil }
    do { try FileManager.default.removeItem(at: folder) } catch {
      throw KernelError("cannot remove \(folder.path): \(error.localizedDescription)")
    }
    return folder
  }

  /// A shield with the letter A (JupyterLab's launcher shows logo-svg.svg).
  static let logo = """
    <svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
      <path d="M32 3 L58 12 V30 C58 46 47 56 32 61 C17 56 6 46 6 30 V12 Z" fill="#1f4e79"/>
      <path d="M32 14 L45 48 H38.5 L35.6 40 H28.4 L25.5 48 H19 Z M30.2 34.5 H33.8 L32 29 Z" fill="#ffffff"/>
    </svg>

    """
}

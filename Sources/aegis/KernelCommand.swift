// `aegis kernel --connection-file F` (what Jupyter runs), `aegis kernel install` and
// `aegis kernel uninstall`. AegisKernel does the work; this parses the arguments.

import AegisKernel
import ArgumentParser
import Foundation

/// `aegis kernel`.
struct KernelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kernel", abstract: "The Jupyter kernel: serve a connection file, or install/uninstall the kernelspec.",
    subcommands: [KernelServeCommand.self, KernelInstallCommand.self, KernelUninstallCommand.self],
    defaultSubcommand: KernelServeCommand.self)
}

/// `aegis kernel [serve] --connection-file F`.
struct KernelServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve", abstract: "Serve the Jupyter messaging protocol for a connection file (Jupyter starts this).")

  @Option(name: .customLong("connection-file"), help: "the JSON connection file Jupyter wrote")
  var connectionFile: String

  func run() throws {
    do {
      let kernel = try Kernel(connection: try ConnectionInfo.load(connectionFile), version: AegisCommand.version)
      let code = kernel.run()
      if code != 0 { throw ExitCode(code) }
    } catch let error as KernelError {
      Kernel.standardErrorLog(error.description)
      throw ExitCode(64)
    } catch let error as ZMQError {
      Kernel.standardErrorLog(error.description)
      throw ExitCode(70)
    }
  }
}

/// Where `install` and `uninstall` act.
struct KernelLocationOptions: ParsableArguments {
  @Flag(help: "the user's Jupyter data folder (~/.local/share/jupyter, the default)")
  var user = false
  @Flag(help: "/usr/local/share/jupyter (for every user, e.g. on a JupyterHub)")
  var system = false
  @Option(help: "PREFIX/share/jupyter (a virtual environment or conda prefix)")
  var prefix: String?

  var location: KernelSpec.Location {
    if let prefix { return .prefix(prefix) }
    return system ? .system : .user
  }

  func validate() throws {
    if [user, system, prefix != nil].filter({ $0 }).count > 1 {
      throw ValidationError("choose one of --user, --system and --prefix")
    }
  }
}

/// `aegis kernel install`.
struct KernelInstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install", abstract: "Write the Aegis kernelspec where `jupyter kernelspec list` finds it.")

  @OptionGroup var where_: KernelLocationOptions

  func run() throws {
    let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
    do {
      let folder = try KernelSpec.install(where_.location, executable: executable)
      print("installed the Aegis kernel in \(folder.path)")
    } catch let error as KernelError {
      throw ValidationError(error.description)
    }
  }
}

/// `aegis kernel uninstall`.
struct KernelUninstallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "uninstall", abstract: "Remove the Aegis kernelspec.")

  @OptionGroup var where_: KernelLocationOptions

  func run() throws {
    do {
      if let folder = try KernelSpec.uninstall(where_.location) {
        print("removed \(folder.path)")
      } else {
        print("no Aegis kernel installed in \(KernelSpec.folder(where_.location).path)")
      }
    } catch let error as KernelError {
      throw ValidationError(error.description)
    }
  }
}

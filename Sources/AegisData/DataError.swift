// DataError: everything that can go wrong while loading data sets or reading and writing
// checkpoint files. Each message names the file, says what was expected and how to fix it,
// so a bad path typed in the REPL prints advice instead of crashing the session.

/// A problem with a data file, a checkpoint file, or an argument given to a data API.
public enum DataError: Error, Equatable, CustomStringConvertible {
  /// A data set directory does not exist. `hint` says how to get the data.
  case missingDirectory(path: String, hint: String)
  /// A required file does not exist. `hint` says how to get it.
  case missingFile(path: String, hint: String)
  /// The file exists but could not be opened or read.
  case unreadableFile(path: String, reason: String)
  /// The file does not start with the expected magic number.
  case badMagic(path: String, found: UInt32, expected: String)
  /// The file is shorter than its header says it should be.
  case truncatedFile(path: String, expectedBytes: Int, actualBytes: Int)
  /// The file's contents do not follow its format.
  case corruptFile(path: String, problem: String)
  /// A safetensors header is not valid.
  case invalidHeader(path: String, problem: String)
  /// A safetensors tensor uses an element type Aegis cannot read.
  case unsupportedDType(path: String, tensor: String, dtype: String)
  /// Two files that belong together disagree (e.g. image and label counts).
  case inconsistentFiles(first: String, second: String, problem: String)
  /// An argument is out of range or otherwise unusable.
  case invalidArgument(String)
  /// Writing a file failed; the target path was left untouched.
  case writeFailed(path: String, reason: String)

  public var description: String {
    switch self {
    case .missingDirectory(let path, let hint):
      return "data directory '\(path)' does not exist. \(hint)"
    case .missingFile(let path, let hint):
      return "file '\(path)' does not exist. \(hint)"
    case .unreadableFile(let path, let reason):
      return "cannot read '\(path)': \(reason). Check that the file exists and that you may read it."
    case .badMagic(let path, let found, let expected):
      return "'\(path)' starts with magic number \(Self.hex(found)) but \(expected) was expected. "
        + "The file is corrupt or of another kind: download it again or pass the right file."
    case .truncatedFile(let path, let expected, let actual):
      return "'\(path)' is truncated: its header needs \(expected) bytes but the file has \(actual). "
        + "The download was probably interrupted: download the file again."
    case .corruptFile(let path, let problem):
      return "'\(path)' is corrupt: \(problem). Download or write the file again."
    case .invalidHeader(let path, let problem):
      return "'\(path)' is not a valid safetensors file: \(problem). "
        + "Write it again with SafeTensorsFile.write or a safetensors library."
    case .unsupportedDType(let path, let tensor, let dtype):
      return "'\(path)': tensor '\(tensor)' has dtype \(dtype), which Aegis cannot read. "
        + "Supported: \(SafeTensorsDType.supportedNames). Convert the tensor to F32 and save it again."
    case .inconsistentFiles(let first, let second, let problem):
      return "'\(first)' and '\(second)' do not match: \(problem). "
        + "Make sure both files come from the same data set split."
    case .invalidArgument(let message):
      return message
    case .writeFailed(let path, let reason):
      return "cannot write '\(path)': \(reason). The target was left unchanged; "
        + "check that the directory exists, is writable and has free space."
    }
  }

  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
  }
}

// The recipe of a model: enough to rebuild it from a checkpoint without any other input.

import Foundation

/// Architecture and sizes of a `Model`. Stored in checkpoint metadata as JSON.
public struct ModelConfig: Codable, Equatable, Sendable {
  /// "mlp", "cnn" or "resnet".
  public var architecture: String
  /// Input image shape [C, H, W].
  public var inputShape: [Int]
  public var numClasses: Int
  /// Base width (channels of the first stage, or hidden units of an MLP).
  public var width: Int
  /// ResNet depth (8, 14, 20, 18, 50) or MLP hidden-layer count.
  public var depth: Int
  /// Per-channel normalization applied inside the model (empty = none).
  public var mean: [Float]
  public var std: [Float]
  public var seed: UInt64

  public init(architecture: String, inputShape: [Int], numClasses: Int = 10, width: Int, depth: Int,
              mean: [Float] = [], std: [Float] = [], seed: UInt64 = 0) {
    self.architecture = architecture
    self.inputShape = inputShape
    self.numClasses = numClasses
    self.width = width
    self.depth = depth
    self.mean = mean
    self.std = std
    self.seed = seed
  }

  public func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
  }

  public static func fromJSON(_ text: String) throws -> ModelConfig {
    try JSONDecoder().decode(ModelConfig.self, from: Data(text.utf8))
  }
}

/// A model description that cannot be built, with the reason and the fix.
public struct ModelConfigError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

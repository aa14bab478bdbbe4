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
  /// How conv and linear weights start (He/Kaiming normal unless asked for PyTorch's default).
  public var initialization: WeightInitialization

  public init(architecture: String, inputShape: [Int], numClasses: Int = 10, width: Int, depth: Int,
              mean: [Float] = [], std: [Float] = [], seed: UInt64 = 0, initialization: WeightInitialization = .kaiming) {
    self.architecture = architecture
    self.inputShape = inputShape
    self.numClasses = numClasses
    self.width = width
    self.depth = depth
    self.mean = mean
    self.std = std
    self.seed = seed
    self.initialization = initialization
  }

  private enum CodingKeys: String, CodingKey {
    case architecture, inputShape, numClasses, width, depth, mean, std, seed, initialization
  }

  /// Checkpoints written before `initialization` existed were PyTorch-initialized: a recipe
  /// read from one rebuilds the same way.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    architecture = try c.decode(String.self, forKey: .architecture)
    inputShape = try c.decode([Int].self, forKey: .inputShape)
    numClasses = try c.decode(Int.self, forKey: .numClasses)
    width = try c.decode(Int.self, forKey: .width)
    depth = try c.decode(Int.self, forKey: .depth)
    mean = try c.decode([Float].self, forKey: .mean)
    std = try c.decode([Float].self, forKey: .std)
    seed = try c.decode(UInt64.self, forKey: .seed)
    initialization = try c.decodeIfPresent(WeightInitialization.self, forKey: .initialization) ?? .torch
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

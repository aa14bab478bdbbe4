// The spread of a recipe's result over seeds. Learning tests set their thresholds well below the
// worst of at least 10 seeds (the brief's rule): this measures and prints that spread.

import Foundation

/// Results of one recipe over several seeds.
public struct SeedSpread: CustomStringConvertible {
  public let name: String
  public let values: [(seed: UInt64, value: Double)]

  /// Runs `recipe` for every seed, printing each result as it comes (runs take minutes).
  @discardableResult
  public static func measure(_ name: String, seeds: Range<UInt64> = 0..<10, _ recipe: (UInt64) throws -> Double) rethrows -> SeedSpread {
    var values: [(UInt64, Double)] = []
    for seed in seeds {
      values.append((seed, try recipe(seed)))
      print(String(format: "SWEEP %@ seed %d: %.4f", name, Int(seed), values.last!.1))
      fflush(stdout)  // a sweep runs for many minutes; show each seed as it lands
    }
    let spread = SeedSpread(name: name, values: values)
    print(spread)
    return spread
  }

  public var minimum: Double { values.map(\.value).min() ?? .nan }
  public var maximum: Double { values.map(\.value).max() ?? .nan }
  public var mean: Double { values.map(\.value).reduce(0, +) / Double(max(values.count, 1)) }

  public var description: String {
    String(format: "SWEEP %@: min %.4f max %.4f mean %.4f over %d seeds", name, minimum, maximum, mean, values.count)
  }
}

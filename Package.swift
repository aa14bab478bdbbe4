// swift-tools-version:6.0
// Aegis: a scripting REPL for adversarial robustness and self-supervised pretraining.
import PackageDescription

let unsafeFast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
  name: "Aegis",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "aegis", targets: ["aegis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
  ],
  targets: [
    // C libraries from Debian's -dev packages.
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
    // Jupyter kernel (issue 13): ZeroMQ for the messaging protocol.
    .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
    // oneDNN convolutions (issue 10): the C API behind a small C cache of primitives.
    .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
    .target(name: "AegisKernels", dependencies: ["CDNNL"], cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),

    // Library modules: data flows Data -> Tensor -> NN -> Robust/SSL -> Plot; Lang binds them.
    .target(name: "AegisTensor", dependencies: ["CBLAS", "AegisKernels"], swiftSettings: unsafeFast),
    .target(name: "AegisData", dependencies: ["AegisTensor", "CZlib"], swiftSettings: unsafeFast),
    .target(name: "AegisNN", dependencies: ["AegisTensor", "AegisData"], swiftSettings: unsafeFast),
    .target(name: "AegisRobust", dependencies: ["AegisTensor", "AegisNN", "AegisData"]),
    .target(name: "AegisSSL", dependencies: ["AegisTensor", "AegisNN", "AegisData", "AegisRobust"]),
    .target(name: "AegisPlot", dependencies: []),
    // Plans on disk: cells as processes, local and Slurm runners (issue 11).
    .target(name: "AegisPlan", dependencies: ["AegisTensor", "AegisNN", "AegisData", "AegisRobust", "AegisSSL"]),
    .target(name: "AegisLang", dependencies: [
      "AegisTensor", "AegisNN", "AegisData", "AegisRobust", "AegisSSL", "AegisPlot",
      "AegisPlan",
    ]),
    .target(name: "AegisNotebook", dependencies: ["AegisLang", "AegisPlot", .product(name: "Ink", package: "Ink")]),
    // Jupyter kernel (issue 13).
    .target(name: "AegisKernel", dependencies: ["AegisLang", "AegisNotebook", "AegisPlot", "AegisTensor", "CZMQ"]),
    .executableTarget(name: "aegis", dependencies: [
      "AegisLang", "AegisNotebook", "AegisKernel", "AegisPlan", "AegisNN", "AegisData", "AegisRobust", "AegisTensor",
      "CReadline",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    // One test target per module.
    .testTarget(name: "AegisTensorTests", dependencies: ["AegisTensor"]),
    .testTarget(name: "AegisNNTests", dependencies: ["AegisNN", "AegisTensor", "AegisData"]),
    .testTarget(name: "AegisDataTests", dependencies: ["AegisData", "AegisTensor"]),
    .testTarget(name: "AegisRobustTests", dependencies: ["AegisRobust", "AegisNN", "AegisData", "AegisTensor"]),
    .testTarget(name: "AegisSSLTests", dependencies: ["AegisSSL", "AegisRobust", "AegisNN", "AegisData", "AegisTensor"]),
    .testTarget(name: "AegisPlotTests", dependencies: ["AegisPlot"]),
    .testTarget(name: "AegisLangTests", dependencies: ["AegisLang"], exclude: ["Scripts"]),
    .testTarget(name: "AegisPlanTests", dependencies: ["AegisPlan", "AegisSSL", "AegisLang"]),
    .testTarget(name: "AegisNotebookTests", dependencies: ["AegisNotebook", "AegisLang"], exclude: ["Golden"]),
    // Jupyter kernel (issue 13).
    .testTarget(name: "AegisKernelTests", dependencies: ["AegisKernel", "AegisNotebook"], exclude: ["Python"]),
  ],
  swiftLanguageModes: [.v5]
)

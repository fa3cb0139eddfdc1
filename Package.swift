// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Axone",
    products: [
        .library(name: "Axone", targets: ["Axone"]),
        .library(name: "AxoneONNX", targets: ["AxoneONNX"]),
        .library(name: "AxonePlayground", targets: ["AxonePlayground"]),
        .library(name: "AxoneDistributed", targets: ["AxoneDistributed"]),
        .executable(name: "axone", targets: ["AxoneCLI"]),
        .executable(name: "axone-playground", targets: ["AxonePlaygroundCLI"]),
        .executable(name: "AxoneBench", targets: ["AxoneBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // A command plugin only (`swift package generate-documentation`); no target depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CAxoneKernels"),
        .target(
            name: "Axone",
            dependencies: ["COpenBLAS", "CZlib", "CAxoneKernels", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // ONNX export lives in its own target so the core library does not depend on SwiftProtobuf.
        .target(
            name: "AxoneONNX",
            dependencies: ["Axone", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // Data-parallel training over Open MPI lives in its own target so the core library does not link MPI.
        .target(name: "AxoneDistributed", dependencies: ["Axone", "CMPI"]),
        .target(
            name: "AxonePlayground",
            dependencies: ["Axone", "AxoneONNX", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.copy("Resources")]
        ),
        // The tutorials that follow the notes' chapters (`axone tutorial`), checked by the tests.
        .target(name: "AxoneTutorials", dependencies: ["Axone"]),
        // The playground has its own executable, so building `axone` (the demo) never builds SwiftNIO and Hummingbird.
        .executableTarget(
            name: "AxonePlaygroundCLI",
            dependencies: ["AxonePlayground", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "AxoneCLI",
            dependencies: ["Axone", "AxoneONNX", "AxoneTutorials", "AxoneDistributed", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "AxoneBench",
            dependencies: ["Axone", "AxoneDistributed", "COpenBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The tests also call the C kernels directly, to compare the clones built for each x86-64 level.
        .testTarget(name: "AxoneTests", dependencies: ["Axone", "AxoneONNX", "AxonePlayground", "AxoneTutorials", "CAxoneKernels"]),
    ]
)

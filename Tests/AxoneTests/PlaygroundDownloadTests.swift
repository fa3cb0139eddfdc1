import Axone
import AxoneONNX
import Foundation
import Testing
@testable import AxonePlayground

/// `GET /api/sessions/{id}/download/{format}`: the trained network as Axone's model file and as
/// ONNX both predict what the page draws, and the Swift snippet rebuilds the same network.
@Suite struct PlaygroundDownloadTests {
    @Test func theModelFileAndTheONNXModelPredictWhatThePageDraws() async throws {
        let server = try await PlaygroundTestServer.start()
        let created = try await server.request("POST", "/api/sessions",
                                               body: #"{"dataset": "moons", "features": ["x1", "x2", "x1x2"], "seed": 5}"#)
        let id = try #require(created.json?["id"] as? String)
        for _ in 0..<5 { try await server.request("POST", "/api/sessions/\(id)/step") }
        let status = try await server.request("GET", "/api/sessions/\(id)/status").json ?? [:]
        let boundary = try #require(status["boundary"] as? [Int])
        let domainJSON = try #require((created.json?["data"] as? [String: Any])?["domain"] as? [String: Double])
        let domain = PlotDomain(xMin: Float(domainJSON["xMin"]!), xMax: Float(domainJSON["xMax"]!),
                                yMin: Float(domainJSON["yMin"]!), yMax: Float(domainJSON["yMax"]!))
        let grid = InputFeature.inputs(domain.grid(size: NetworkPictures.boundarySize), [.x1, .x2, .x1TimesX2])

        let file = try await server.request("GET", "/api/sessions/\(id)/download/safetensors")
        #expect(file.status == 200 && (file.headers["Content-Disposition"] as? String)?.contains("axone-playground.safetensors") == true)
        let path = temporaryPath("playground-download.safetensors")
        try file.body.write(to: URL(fileURLWithPath: path))
        let model = try ModelFile.load(from: path, as: Float.self).model
        let probabilities = try model.predict(grid).softmax().scalars
        let drawn = stride(from: 1, to: probabilities.count, by: 2).map { Int((probabilities[$0] * 255).rounded()) }
        #expect(zip(drawn, boundary).allSatisfy { abs($0 - $1) <= 1 }, "the model file predicts the boundary drawn")

        let onnx = try await server.request("GET", "/api/sessions/\(id)/download/onnx")
        #expect(onnx.status == 200)
        let imported = try ONNXImport.model(from: onnx.body)
        let difference = zip(try imported.predict(grid).scalars, try model.predict(grid).scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(difference < 1e-4, "ONNX and the model file agree (largest difference \(difference))")
        await server.stop()
    }

    @Test func theSwiftSnippetRebuildsTheSameNetwork() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"""
            {"hiddenLayers": 2, "units": 12, "activation": "leaky_relu", "dropout": 0.1, "features": ["x1", "sinx2"],
             "optimizer": "nesterov", "learningRate": 0.01, "l1": 0.001, "seed": 9, "loss": "hinge"}
            """#)
        let answer = try await server.request("GET", "/api/sessions/\(id)/download/swift")
        #expect(answer.status == 200)
        let source = String(decoding: answer.body, as: UTF8.self)
        for line in ["let model = try Sequential<Float>(inputShape: [2], seed: 9) {",
                     "    Dense(12, activation: .leakyRelu())\n    try Dropout(rate: 0.1)\n    Dense(12, activation: .leakyRelu())",
                     "    Dense(2, activation: .linear)",
                     "[p[0], sin(p[1])]",
                     "optimizer: SGD(learningRate: 0.01, momentum: 0.9, nesterov: true)",
                     "loss: .multiclassHinge(), metrics: [.accuracy]",
                     "regularization: try Regularization(l1: 0.001, l2: 0.0)"] {
            #expect(source.contains(line), "the snippet lacks \(line.debugDescription):\n\(source)")
        }
        let unknown = try await server.request("GET", "/api/sessions/\(id)/download/pickle")
        #expect(unknown.status == 400 && (unknown.json?["error"] as? String)?.contains("safetensors, onnx, swift") == true)
        await server.stop()
    }

    /// The snippet compiles: `swiftc -typecheck` against the Axone module built next to the tests
    /// (with the module maps of the C modules Axone imports), and a broken copy does not.
    @Test func theSwiftSnippetTypeChecksAgainstTheBuiltAxoneModule() async throws {
        let server = try await PlaygroundTestServer.start()
        let id = try await server.openSession(#"{"hiddenLayers": 1, "units": 3, "features": ["x1x2", "sinx1"], "l2": 0.01, "loss": "mse"}"#)
        let source = String(decoding: try await server.request("GET", "/api/sessions/\(id)/download/swift").body, as: UTF8.self)
        await server.stop()

        let build = URL(fileURLWithPath: try builtExecutable("axone")).deletingLastPathComponent()
        let root = PlaygroundBrowserTests.root, directory = temporaryPath("playground-snippet")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let kernels = "\(directory)/CAxoneKernels.modulemap"
        try "module CAxoneKernels {\n  header \"\(root.path)/Sources/CAxoneKernels/include/axone_kernels.h\"\n  export *\n}\n"
            .write(toFile: kernels, atomically: true, encoding: .utf8)
        let numerics = build.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap").path
        let maps = [numerics, kernels, "\(root.path)/Sources/COpenBLAS/module.modulemap", "\(root.path)/Sources/CZlib/module.modulemap"]
        func typecheck(_ text: String) async throws -> (status: Int32, output: String, error: String) {
            try text.write(toFile: "\(directory)/main.swift", atomically: true, encoding: .utf8)
            let arguments = ["swiftc", "-typecheck", "-I", build.appendingPathComponent("Modules").path]
                + maps.flatMap { ["-Xcc", "-fmodule-map-file=\($0)"] } + ["main.swift"]
            return await runAsync(pipedProcess("/usr/bin/env", arguments, in: directory))
        }
        let checked = try await typecheck(source)
        #expect(checked.status == 0, "the snippet does not compile:\n\(checked.error)\n\(source)")
        let broken = try await typecheck(source.replacingOccurrences(of: "Sequential<Float>", with: "Sequential<Float, Int>"))
        #expect(broken.status != 0, "a broken snippet must not type-check (the check would prove nothing)")
    }
}

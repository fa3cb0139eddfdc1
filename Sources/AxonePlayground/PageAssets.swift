import Foundation
import Hummingbird

/// The page's files, shipped as package resources (`Resources/`) and read once at start-up.
struct PageAssets: Sendable {
    /// The paths served, and the resource and content type of each.
    private static let files: [String: (resource: String, contentType: String)] = [
        "/": ("index.html", "text/html; charset=utf-8"),
        "/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
        "/playground.css": ("playground.css", "text/css; charset=utf-8"),
    ]

    static var paths: [String] { files.keys.sorted() }

    private let contents: [String: ByteBuffer]

    /// Reads every file. - Throws: when a resource is missing from the bundle.
    init() throws {
        var contents: [String: ByteBuffer] = [:]
        for (path, file) in Self.files {
            guard let url = Bundle.module.url(forResource: file.resource, withExtension: nil, subdirectory: "Resources") else {
                throw PlaygroundError.notFound("the playground resource \(file.resource) is missing from the package")
            }
            contents[path] = ByteBuffer(bytes: try Data(contentsOf: url))
        }
        self.contents = contents
    }

    /// The file served at `path` (one of ``paths``).
    func response(for path: String) -> Response {
        Response(status: .ok, headers: [.contentType: Self.files[path]?.contentType ?? "text/plain", .cacheControl: "no-cache"],
                 body: .init(byteBuffer: contents[path] ?? ByteBuffer()))
    }
}

/// Errors in a model file that is a valid safetensors file but not a valid Axone model.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file is not a readable safetensors file; `reason` says why.
    case corrupt(path: String, reason: String)
    /// The file's metadata lacks a key an Axone model needs (`axone.architecture`, …): not an Axone model file.
    case missingMetadata(path: String, key: String)
    /// A metadata value cannot be decoded (invalid architecture JSON, optimiser, epoch, …).
    case invalidMetadata(path: String, key: String, reason: String)
    /// The architecture needs a parameter or buffer the file does not hold.
    case missingTensor(path: String, name: String)
    /// A tensor's shape is not the one the architecture gives it.
    case shapeMismatch(path: String, name: String, expected: [Int], got: [Int])

    /// The message, with any non-printable character from a file escaped (`\0`, `\u{1B}`).
    public var description: String { message.escapedForTerminal }

    private var message: String {
        switch self {
        case let .corrupt(path, reason): "\(path) is not a readable model file: \(reason)"
        case let .missingMetadata(path, key): "\(path) is not an Axone model: its metadata has no '\(key)'"
        case let .invalidMetadata(path, key, reason): "\(path): metadata '\(key)' is invalid: \(reason)"
        case let .missingTensor(path, name): "\(path) lacks tensor '\(name)' required by its architecture"
        case let .shapeMismatch(path, name, expected, got):
            "\(path): tensor '\(name)' has shape \(got), the architecture needs \(expected)"
        }
    }
}

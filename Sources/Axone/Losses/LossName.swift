/// Keras-style names for losses, with their parameters: `description` writes a spelling that
/// ``Loss/init(name:)`` reads back to the same loss, e.g. `binary_crossentropy(from_logits=true)`
/// or `categorical_crossentropy(from_logits=false, label_smoothing=0.1)`. Parameters at their
/// default are left out.
extension Loss {
    /// The names accepted by ``init(name:)``.
    public static let names = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                               "sparse_categorical_crossentropy", "hinge", "categorical_hinge",
                               "weston_watkins_hinge", "perceptron"]

    /// Parses a Keras-style name, optionally followed by parameters in parentheses:
    ///
    /// - `binary_crossentropy` reads probabilities, as in Keras (`from_logits=False`) and PyTorch's
    ///   `BCELoss`; `binary_crossentropy(from_logits=true)` reads logits (PyTorch `BCEWithLogitsLoss`).
    /// - `categorical_crossentropy` reads logits, as PyTorch's `CrossEntropyLoss` (Keras' default is
    ///   probabilities: write `categorical_crossentropy(from_logits=false)` for those); it also takes
    ///   `label_smoothing`.
    /// - `hinge` and `categorical_hinge` are Keras' losses of those names; `weston_watkins_hinge`
    ///   (alias `multiclass_hinge`) is the CS231n SVM loss, with a `margin`.
    public init(name: String) throws {
        var spelling = try LossSpelling(name)
        switch spelling.name {
        case "mse", "mean_squared_error": self = .meanSquaredError
        case "mae", "mean_absolute_error": self = .meanAbsoluteError
        case "binary_crossentropy", "bce":
            self = .binaryCrossEntropy(fromLogits: try spelling.flag("from_logits", default: false))
        case "categorical_crossentropy", "sparse_categorical_crossentropy", "crossentropy", "cross_entropy":
            self = .categoricalCrossEntropy(fromLogits: try spelling.flag("from_logits", default: true),
                                            labelSmoothing: try spelling.number("label_smoothing", default: 0))
        case "hinge": self = .hinge
        case "categorical_hinge": self = .categoricalHinge
        case "weston_watkins_hinge", "multiclass_hinge": self = .multiclassHinge(margin: try spelling.number("margin", default: 1))
        case "perceptron": self = .perceptron
        default:
            guard let custom = Loss.registered(spelling.name) else {
                throw LayerError.unknownName(kind: "loss", name: name, known: Loss.names + Loss.registeredNames)
            }
            self = .custom(custom)   // a registered loss takes no parameters: checkAllUsed refuses them
        }
        try spelling.checkAllUsed()
    }

    /// The canonical name with every parameter not at its default, readable by ``init(name:)``.
    public var description: String {
        switch self {
        case .meanSquaredError: "mse"
        case .meanAbsoluteError: "mae"
        case .binaryCrossEntropy(let fromLogits):
            LossSpelling.write("binary_crossentropy", fromLogits ? ["from_logits=true"] : [])
        case let .categoricalCrossEntropy(fromLogits, smoothing):
            LossSpelling.write("categorical_crossentropy", (fromLogits ? [] : ["from_logits=false"])
                               + (smoothing == 0 ? [] : ["label_smoothing=\(smoothing)"]))
        case .hinge: "hinge"
        case .categoricalHinge: "categorical_hinge"
        case .multiclassHinge(let margin): LossSpelling.write("weston_watkins_hinge", margin == 1 ? [] : ["margin=\(margin)"])
        case .perceptron: "perceptron"
        case .custom(let loss): loss.function.name
        }
    }
}

/// A loss name split into its base name and `key=value` parameters, consumed one by one.
struct LossSpelling {
    let text: String
    let name: String
    private var parameters: [String: String]

    init(_ text: String) throws {
        self.text = text
        let lower = text.lowercased().filter { !$0.isWhitespace }
        guard let open = lower.firstIndex(of: "(") else {
            name = lower
            parameters = [:]
            return
        }
        guard lower.last == ")" else { throw LossSpelling.malformed(text, "a missing ')'") }
        name = String(lower[..<open])
        parameters = [:]
        let list = lower[lower.index(after: open)..<lower.index(before: lower.endIndex)]
        for item in list.split(separator: ",") {
            let pair = item.split(separator: "=", omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, parameters[String(pair[0])] == nil else {
                throw LossSpelling.malformed(text, "'\(item)' is not a new key=value pair")
            }
            parameters[String(pair[0])] = String(pair[1])
        }
    }

    /// `name(p1, p2, …)`, or `name` without parameters.
    static func write(_ name: String, _ parameters: [String]) -> String {
        parameters.isEmpty ? name : "\(name)(\(parameters.joined(separator: ", ")))"
    }

    /// The boolean parameter `key` (`true`/`false`), removed from those left to read.
    mutating func flag(_ key: String, default value: Bool) throws -> Bool {
        guard let raw = parameters.removeValue(forKey: key) else { return value }
        guard let flag = Bool(raw) else { throw LossSpelling.malformed(text, "\(key) must be true or false, got '\(raw)'") }
        return flag
    }

    /// The finite number parameter `key`, removed from those left to read.
    mutating func number(_ key: String, default value: Double) throws -> Double {
        guard let raw = parameters.removeValue(forKey: key) else { return value }
        guard let number = Double(raw), number.isFinite else {
            throw LossSpelling.malformed(text, "\(key) must be a number, got '\(raw)'")
        }
        return number
    }

    /// Throws when a parameter was given that the loss does not take.
    func checkAllUsed() throws {
        if let key = parameters.keys.sorted().first { throw LossSpelling.malformed(text, "\(name) takes no parameter '\(key)'") }
    }

    private static func malformed(_ text: String, _ reason: String) -> LayerError {
        .invalidArgument(layer: "loss '\(text)'", message: reason)
    }
}

@_spi(Reflection) import Swift
import Synchronization

/// What a layer's stored property can hold of what reflection looks for, judged from its declared
/// type (see ``ReflectionPlan``).
enum FieldRole: Sendable {
    /// A sub-layer (declared as `Layer` or a subclass, possibly optional).
    case layer
    /// Sub-layers (declared as an array of layers, or of values of an existential type).
    case layers
    /// A parameter (`Variable`, possibly optional).
    case parameter
    /// A buffer (`Buffer`, possibly optional).
    case buffer
    /// Anything (an existential such as `Any` or a protocol type, `AnyHashable`, a type the
    /// runtime cannot describe): every cast is tried.
    case any
}

/// A stored property's value as reflection finds it.
enum ReflectedValue<Scalar: TensorScalar> {
    case layer(Layer<Scalar>)
    case layers([Layer<Scalar>])
    case parameter(Variable<Scalar>)
    case buffer(Buffer<Scalar>)
}

/// A stored property that reflection reads (see ``ReflectionPlan``).
struct PlannedField: @unchecked Sendable {   // `Any.Type` is not `Sendable`; metadata never changes.
    /// Its index among its `Mirror` level's children.
    let index: Int
    /// Its name.
    let label: String
    /// Its byte offset in an instance.
    let offset: Int
    /// Its declared type.
    let type: Any.Type
    /// What it can hold.
    let role: FieldRole
    /// Whether it is stored as a strong reference or a value (not `weak` or `unowned`), so that it
    /// may be read straight from the instance's memory as a value of ``type``.
    let isStrong: Bool
    /// Whether it is declared as a class (a layer, `Variable` or `Buffer`) or an optional of one:
    /// stored as one pointer, null for `nil`, read by ``referencedObject(in:)`` without boxing or casting.
    let holdsReference: Bool

    /// Its value in `object` (an instance of the class that declares it, or of a subclass), read
    /// straight from memory: no lookup of its type by name, as `Mirror` makes for each child.
    func value(in object: AnyObject) -> Any {
        func load<T>(_: T.Type) -> Any {
            withExtendedLifetime(object) {
                UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()).load(fromByteOffset: offset, as: T.self)
            }
        }
        return _openExistential(type, do: load)
    }

    /// The object the field refers to in `object`, or `nil` (for a strong field that
    /// ``holdsReference``): one load, where ``value(in:)`` boxes the value and the caller casts it.
    func referencedObject(in object: AnyObject) -> AnyObject? {
        let bits = withExtendedLifetime(object) {
            UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque()).load(fromByteOffset: offset, as: UInt.self)
        }
        guard let pointer = UnsafeRawPointer(bitPattern: bits) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    }
}

/// Which stored properties of a layer class can hold a sub-layer, a list of sub-layers, a parameter
/// or a buffer, by `Mirror` level (the class first, then its superclasses), each with its
/// ``FieldRole``. Computed once per class from the properties' declared types, so that reflection
/// reads only those properties, and casts each only to what it can hold.
///
/// Reflection is slow: each `Mirror` child looks its field's type up by its mangled name, and a
/// failed cast of an array to a class bridges it to an `NSArray` first. `predict` walks the layer
/// tree several times per call, and most of a layer's properties are bookkeeping (a `Dense` has
/// two parameters among a dozen properties; a `Model` has some twenty fields and no layer in them).
/// Where every planned field is stored strongly, the fields are read straight from the instance at
/// their offsets (``readsDirectly``), without a `Mirror`.
///
/// Declared types and offsets are read with the standard library's `_forEachField` (an SPI, the one
/// way to see a property declared `Any` that holds an `Int` today and may hold a layer tomorrow),
/// and whether a field is `weak` or `unowned` with the runtime entry point `_forEachField` itself
/// calls. Where either fails, or where a level's labels do not match the fields listed, that level
/// is read whole through `Mirror`, as is every layer with a custom mirror.
struct ReflectionPlan: Sendable {
    /// For each `Mirror` level, from the class down to the deepest level with a planned field: the
    /// planned fields (`nil`: read every child through `Mirror`).
    let levels: [[PlannedField]?]
    /// Whether every level is planned and every planned field stored strongly: the fields are then
    /// read from memory (``PlannedField/value(in:)``).
    let readsDirectly: Bool

    /// The plan for `layer`'s class, made on first use from `layer`; `nil` for a layer with a
    /// custom mirror (its children need not be its stored properties).
    static func of<Scalar>(_ layer: Layer<Scalar>) -> ReflectionPlan? {
        let key = ObjectIdentifier(type(of: layer))
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = layer is CustomReflectable ? nil : ReflectionPlan(layer)
        plans.withLock { $0[key] = .some(plan) }   // `nil` stored too: assigning `nil` would remove the key
        return plan
    }

    private init<Scalar>(_ layer: Layer<Scalar>) {
        var levels: [[PlannedField]?] = []
        var mirror: Mirror? = Mirror(reflecting: layer)
        while let level = mirror {
            levels.append(Self.plannedFields(level, of: Scalar.self))
            mirror = level.superclassMirror
        }
        while let last = levels.last, last?.isEmpty == true { levels.removeLast() }
        self.levels = levels
        readsDirectly = levels.allSatisfy { $0?.allSatisfy(\.isStrong) == true }
    }

    /// The planned fields of one `Mirror` level, or `nil` when its declared types are unknown.
    private static func plannedFields<Scalar: TensorScalar>(_ level: Mirror, of _: Scalar.Type) -> [PlannedField]? {
        guard let fields = declaredFields(of: level.subjectType) else { return nil }
        let labels = level.children.map(\.label)
        // A class's mirror lists its own fields, which `_forEachField` lists after its superclasses'.
        guard fields.count >= labels.count else { return nil }
        let inherited = fields.count - labels.count, own = fields.suffix(labels.count)
        guard zip(own, labels).allSatisfy({ $0.name == $1 }) else { return nil }
        return own.enumerated().compactMap { index, field in
            role(of: field.type, kind: field.kind, scalar: Scalar.self).map {
                PlannedField(index: index, label: field.name, offset: field.offset, type: field.type, role: $0,
                             isStrong: isStrong(level.subjectType, field: inherited + index),
                             holdsReference: $0 != .layers && $0 != .any && isReference(field.type, kind: field.kind))
            }
        }
    }

    /// Every stored field of class `type` (its superclasses' first), or `nil` if the runtime cannot list them.
    private static func declaredFields(of type: Any.Type) -> [(name: String, offset: Int, type: Any.Type, kind: _MetadataKind)]? {
        var fields: [(name: String, offset: Int, type: Any.Type, kind: _MetadataKind)] = []
        // `.classType`, spelled by its value: it is a `static var`, which strict concurrency rejects.
        let complete = _forEachField(of: type, options: _EachFieldOptions(rawValue: 1 << 0)) { name, offset, type, kind in
            fields.append((String(cString: name), offset, type, kind))
            return true
        }
        return complete ? fields : nil
    }

    /// Whether field `index` of class `type` (counting its superclasses' fields first, as
    /// `_forEachField` does) is stored strongly: neither `weak` nor `unowned`.
    private static func isStrong(_ type: Any.Type, field index: Int) -> Bool {
        var field = RuntimeFieldMetadata()
        _ = recursiveChildMetadata(type, index: index, fieldMetadata: &field)
        field.freeName?(field.name)
        return field.isStrong
    }

    /// The role of a field declared of type `type` (of metadata kind `kind`), or `nil` when it can
    /// hold nothing reflection looks for.
    private static func role<Scalar: TensorScalar>(of type: Any.Type, kind: _MetadataKind, scalar: Scalar.Type) -> FieldRole? {
        switch kind {
        case .optional:
            guard let optional = type as? any OptionalField.Type else { return .any }
            return role(of: optional.wrappedType, kind: metadataKind(optional.wrappedType), scalar: scalar)
        case .class:
            if type is Layer<Scalar>.Type { return .layer }
            if type == Variable<Scalar>.self { return .parameter }
            if type == Buffer<Scalar>.self { return .buffer }
            return nil
        case .struct:
            if type == AnyHashable.self { return .any }
            guard let array = type as? any ArrayField.Type else { return nil }
            // Only a whole array of layers is discovered (as `[Layer]`), as before.
            switch role(of: array.elementType, kind: metadataKind(array.elementType), scalar: scalar) {
            case .layer?, .any?: return .layers
            default: return nil
            }
        case .enum, .tuple, .function, .metatype, .existentialMetatype:
            return nil
        default:
            // Existentials (`Any`, protocol types, `AnyObject`), and kinds this does not know.
            return .any
        }
    }

    /// Whether a field of type `type` (of metadata kind `kind`) is a class reference or an optional
    /// of one (one pointer, null for `nil`; an optional of an optional is not).
    private static func isReference(_ type: Any.Type, kind: _MetadataKind) -> Bool {
        guard kind == .optional else { return kind == .class }
        guard let optional = type as? any OptionalField.Type else { return false }
        return metadataKind(optional.wrappedType) == .class
    }

    /// The metadata kind of `type`, read as the kind of a one-field struct's field.
    private static func metadataKind(_ type: Any.Type) -> _MetadataKind {
        func kind<T>(_: T.Type) -> _MetadataKind {
            var kind = _MetadataKind.unknown
            _ = _forEachField(of: FieldBox<T>.self, options: []) { _, _, _, fieldKind in
                kind = fieldKind
                return false
            }
            return kind
        }
        return kind(type)
    }

    /// The plans made so far, by class (`nil` for a class with a custom mirror).
    private static let plans = Mutex<[ObjectIdentifier: ReflectionPlan?]>([:])
}

/// What the runtime tells of a field beside its type (the layout of the standard library's
/// `_FieldReflectionMetadata`, which `_forEachField` fills and does not pass on).
private struct RuntimeFieldMetadata {
    var name: UnsafePointer<CChar>? = nil
    var freeName: (@convention(c) (UnsafePointer<CChar>?) -> Void)? = nil
    var isStrong = false
    var isVar = false
}

/// The runtime entry point `_forEachField` calls for each field's type and metadata.
@_silgen_name("swift_reflectionMirror_recursiveChildMetadata")
private func recursiveChildMetadata(_ type: Any.Type, index: Int, fieldMetadata: UnsafeMutablePointer<RuntimeFieldMetadata>) -> Any.Type

/// A struct of one field, whose field's metadata kind `_forEachField` reports.
private struct FieldBox<T> { var value: T }

/// An optional's wrapped type, for ``ReflectionPlan``.
private protocol OptionalField { static var wrappedType: Any.Type { get } }
extension Optional: OptionalField { fileprivate static var wrappedType: Any.Type { Wrapped.self } }

/// An array's element type, for ``ReflectionPlan``.
private protocol ArrayField { static var elementType: Any.Type { get } }
extension Array: ArrayField { fileprivate static var elementType: Any.Type { Element.self } }

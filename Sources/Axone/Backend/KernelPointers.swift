extension UnsafePointer {
    /// The same address typed as `T`: hands a generic scalar's buffer to the C kernel for its
    /// type once the caller has checked that `Pointee` is `T`.
    func rebound<T>(to _: T.Type) -> UnsafePointer<T> {
        UnsafeRawPointer(self).assumingMemoryBound(to: T.self)
    }
}

extension UnsafeMutablePointer {
    /// The same address typed as `T` (see `UnsafePointer.rebound(to:)`).
    func rebound<T>(to _: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(self).assumingMemoryBound(to: T.self)
    }
}

extension TensorScalar {
    /// One optimiser step for one parameter whose gradient is the sum of two buffers (the planned
    /// pass's shards): Adam sums them inside its own pass; other rules add `other` into `gradient`
    /// first.
    static func update(_ rule: UpdateRule, parameter p: UnsafeMutableBufferPointer<Self>,
                       gradient g: UnsafeMutableBufferPointer<Self>, adding other: UnsafeBufferPointer<Self>,
                       slots: [UnsafeMutableBufferPointer<Self>]) {
        precondition(p.count == g.count && other.count == g.count && slots.allSatisfy { $0.count == p.count },
                     "update kernel: size mismatch")
        if case let .adam(c, lr, t) = rule {
            return adamKernel(c, learningRate: lr, step: t, p, UnsafeBufferPointer(g), adding: other, slots[0], slots[1])
        }
        accumulate(other, into: g)
        update(rule, parameter: p, gradient: UnsafeBufferPointer(g), slots: slots)
    }

    /// One optimiser step for one parameter: dispatches to the rule's kernel (each rule's formula
    /// lives next to its optimiser, in `Optimizers/`). Specialised for `Float` and `Double`, so that a
    /// caller in unspecialised generic code reaches the concrete loops at the cost of one type check.
    @_specialize(where Self == Float)
    @_specialize(where Self == Double)
    public static func update(_ rule: UpdateRule, parameter p: UnsafeMutableBufferPointer<Self>,
                              gradient g: UnsafeBufferPointer<Self>, slots: [UnsafeMutableBufferPointer<Self>]) {
        precondition(p.count == g.count && slots.allSatisfy { $0.count == p.count }, "update kernel: size mismatch")
        switch rule {
        case let .sgd(c, lr): sgdKernel(c, learningRate: lr, p, g, slots)
        case let .adagrad(c, lr): adagradKernel(c, learningRate: lr, p, g, slots[0])
        case let .adaDelta(c, lr): adaDeltaKernel(c, learningRate: lr, p, g, slots[0], slots[1])
        case let .rmsProp(c, lr): rmsPropKernel(c, learningRate: lr, p, g, slots[0])
        case let .adam(c, lr, t): adamKernel(c, learningRate: lr, step: t, p, g, adding: nil, slots[0], slots[1])
        case let .nadam(c, lr, t, mu, nextMu, muProduct):
            nadamKernel(c, learningRate: lr, step: t, mu: mu, nextMu: nextMu, muProduct: muProduct, p, g, slots[0], slots[1])
        case let .custom(update): update.function.update(parameter: p, gradient: g, slots: slots)
        }
    }
}

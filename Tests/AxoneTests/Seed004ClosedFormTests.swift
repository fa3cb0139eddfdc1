import Testing
@testable import Axone

/// Seed 004: the vectorised backward pass of a 2-layer network, in the standard form (SPEC §9 lists
/// the note's slips): dZ2 = A2 − Y, dW2 = (1/n)·A1ᵀ·dZ2, db2 = (1/n)·Σ dZ2, dA1 = dZ2·W2ᵀ,
/// dZ1 = dA1 ⊙ g′(Z1), dW1 = (1/n)·Xᵀ·dZ1, db1 = (1/n)·Σ dZ1.
/// Autodiff must reproduce these to 1e-10 (absolute, Double).
@Suite struct Seed004ClosedFormTests {
    let n = 8, d = 5, h = 4

    func parameters(outputs: Int) -> (w1: Variable<Double>, b1: Variable<Double>, w2: Variable<Double>, b2: Variable<Double>) {
        (Variable(randomTensor([d, h], seed: 21), requiresGradient: true),
         Variable(randomTensor([h], seed: 22), requiresGradient: true),
         Variable(randomTensor([h, outputs], seed: 23), requiresGradient: true),
         Variable(randomTensor([outputs], seed: 24), requiresGradient: true))
    }

    func closedForm(x: Tensor<Double>, y: Tensor<Double>, w1: Tensor<Double>, w2: Tensor<Double>,
                    a1: Tensor<Double>, a2: Tensor<Double>) -> [Tensor<Double>] {
        let scale = 1 / Double(n)
        let dZ2 = a2 - y
        let dW2 = Tensor.matmul(a1, dZ2, transposeA: true) * scale
        let db2 = dZ2.sum(alongAxes: [0]) * scale
        let dA1 = Tensor.matmul(dZ2, w2, transposeB: true)
        let dZ1 = dA1 * (1 - a1 * a1)                 // tanh′(Z1) = 1 − A1²
        let dW1 = Tensor.matmul(x, dZ1, transposeA: true) * scale
        let db1 = dZ1.sum(alongAxes: [0]) * scale
        return [dW1, db1, dW2, db2]
    }

    @Test func binaryCrossEntropyWithSigmoidOutput() throws {
        let x = randomTensor([n, d], seed: 20)
        let y = Tensor<Double>(shape: [n, 1], scalars: (0..<n).map { Double($0 % 2) })
        let (w1, b1, w2, b2) = parameters(outputs: 1)
        let a1 = (Variable.matmul(Variable(x), w1) + b1).tanh()
        let a2 = (Variable.matmul(a1, w2) + b2).sigmoid()
        let yv = Variable(y)
        // BCE = −(1/n) Σ [y·log a2 + (1 − y)·log(1 − a2)]
        let loss = -(yv * a2.log() + (1 - yv) * (1 - a2).log()).mean()
        try loss.backward()
        let expected = closedForm(x: x, y: y, w1: w1.value, w2: w2.value, a1: a1.value, a2: a2.value)
        for (p, e) in zip([w1, b1, w2, b2], expected) { expectClose(p.gradient!, e, relative: 0, absolute: 1e-10) }
    }

    @Test func categoricalCrossEntropyWithSoftmaxOutput() throws {
        let classes = 3
        let x = randomTensor([n, d], seed: 30)
        var y = Tensor<Double>.zeros([n, classes])
        for i in 0..<n { y[i, i % classes] = 1 }
        let (w1, b1, w2, b2) = parameters(outputs: classes)
        let a1 = (Variable.matmul(Variable(x), w1) + b1).tanh()
        let z2 = Variable.matmul(a1, w2) + b2
        // CE = −(1/n) Σᵢ Σₖ yᵢₖ·log softmax(z2)ᵢₖ
        let loss = -(Variable(y) * z2.logSoftmax()).sum(alongAxes: [1]).mean()
        try loss.backward()
        let expected = closedForm(x: x, y: y, w1: w1.value, w2: w2.value, a1: a1.value, a2: z2.value.softmax())
        for (p, e) in zip([w1, b1, w2, b2], expected) { expectClose(p.gradient!, e, relative: 0, absolute: 1e-10) }
    }
}

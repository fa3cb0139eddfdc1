import Axone

extension Tutorial {
    /// Seed 000: multi-task learning — one trunk of shared parameters with a head of task-specific
    /// parameters per task — written with the functional API (`Input`, layers called on symbolic
    /// tensors, `Model(inputs:outputs:)`, a loss and a loss weight per output), on synthetic data
    /// whose two targets depend on the same three directions of the input, against one
    /// single-task network per head.
    static let multiTask = Tutorial(name: "multi-task", title: "Multi-task learning with the functional API",
                                    source: "seed 000") { out in
        let train = SharedFactors(count: 100, seed: 1), validation = SharedFactors(count: 1000, seed: 2)
        out.say("20 standard normal features; both targets depend on the same 3 directions z = U·x:")
        out.say("  class = argmax(z₁, z₂, z₃) (3 classes), value = tanh(z₁) + tanh(z₂) − tanh(z₃) + N(0, 0.1²);")
        out.say("%d training and %d validation examples; Adam (lr 0.005), 60 epochs of batches of 20,", train.count, validation.count)
        out.say("cross-entropy for class, mean squared error for value (loss weight 0.5 beside class in the multi-task network)")
        out.say()
        let runs = try [SharedFactors.heads, ["class"], ["value"]].map { heads in
            let model = try SharedFactors.network(heads: heads)
            return (heads: heads, model: model, history: try train.fit(model, heads: heads, validation: validation))
        }
        let multi = runs[0]
        for line in multi.model.summary().split(separator: "\n") { out.say(String(line)) }
        out.say()
        out.say("history keys: " + multi.history.keys.joined(separator: ", "))
        let scores = try multi.model.evaluate([validation.x], validation.targets(multi.heads))
        out.say("evaluate on validation: loss %.4f = class_loss %.4f + 0.5 × value_loss %.4f",
                scores["loss"]!, scores["class_loss"]!, scores["value_loss"]!)
        out.say()

        out.say("network            parameters  head   val loss: best (epoch)  final   val accuracy")
        var curves: [String: [LineChart.Series]] = [:]
        for (heads, model, history) in runs {
            let network = heads.count > 1 ? "multi-task" : "single-task " + heads[0]
            for head in heads {
                // One output logs `val_loss`; several log `val_<output>_loss`.
                let key = { (metric: String) in heads.count > 1 ? "val_\(head)_\(metric)" : "val_\(metric)" }
                let losses = history[key("loss")], best = losses.indices.min { losses[$0] < losses[$1] }!
                let accuracy = head == "class" ? String(format: "%.1f %%", 100 * history[key("accuracy")].last!) : "–"
                out.say("%@ %10d  %@     %.4f (%3d)      %.4f  %@", network.padding(toLength: 18, withPad: " ", startingAt: 0),
                        model.trainableParameterCount, head.padding(toLength: 5, withPad: " ", startingAt: 0),
                        losses[best], best + 1, losses.last!, accuracy)
                curves[head, default: []].append(.init(name: network, x: history.epochs.map { Double($0 + 1) }, y: losses,
                                                       dashed: heads.count == 1))
            }
        }
        out.figure("multi-task-curves.svg", svg: SVGPlot.grid(SharedFactors.heads.map { head in
            LineChart(title: "\(head) head", xLabel: "epoch", yLabel: "validation loss", series: curves[head]!, yScale: .logarithmic)
        }, columns: 2, title: "Multi-task (solid) and single-task (dashed) validation loss"))
    }
}

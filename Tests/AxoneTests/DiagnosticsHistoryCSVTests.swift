import Testing
@testable import Axone

@Suite struct DiagnosticsHistoryCSVTests {
    @Test func csvRoundTripsAHistory() throws {
        var history = History()
        history.append(epoch: 0, logs: [("loss", 2.302585092994046), ("accuracy", 0.1), ("val_loss", 2.31), ("lr", 1e-3)])
        history.append(epoch: 1, logs: [("loss", 0.6931471805599453), ("accuracy", 1.0 / 3), ("val_loss", 1e-7), ("lr", 5e-4)])
        #expect(try History(csvString: history.csv) == history)
    }

    @Test func csvRoundTripsTheHistoryOfARealFit() throws {
        let (x, y): (Tensor<Float>, Tensor<Float>) = Synthetic2D.moons.generate(count: 40, seed: 2)
        let model = try Sequential<Float>(inputShape: [2]) { Dense(4, activation: .relu); Dense(2) }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .categoricalCrossEntropy(), metrics: [.accuracy])
        let history = try model.fit(x, y, epochs: 3, batchSize: 10, validationSplit: 0.25, verbose: .silent)
        let read = try History(csvString: history.csv)
        #expect(read == history)
        #expect(read.keys == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"])
    }

    @Test func readsKerasLogsWithSortedColumnsCRLFAndAByteOrderMark() throws {
        let text = "\u{FEFF}epoch,accuracy,loss,lr,val_accuracy,val_loss\r\n0,0.5,1.25,0.001,0.4,1.5\r\n1,0.75,0.5,0.001,0.6,NA\r\n\r\n"
        let history = try History(csvString: text)
        #expect(history.epochs == [0, 1])
        #expect(history["loss"] == [1.25, 0.5])
        #expect(history["val_loss"] == [1.5])            // NA: not logged that epoch
        #expect(history.keys == ["accuracy", "loss", "lr", "val_accuracy", "val_loss"])
    }

    @Test func malformedLogsThrowWithTheLineAndColumn() {
        #expect(throws: HistoryCSVError.empty) { try History(csvString: "\n\n") }
        #expect(throws: HistoryCSVError.missingEpochColumn(header: ["loss", "lr"])) { try History(csvString: "loss,lr\n1,2\n") }
        #expect(throws: HistoryCSVError.badColumnName("loss")) { try History(csvString: "epoch,loss,loss\n") }
        #expect(throws: HistoryCSVError.wrongFieldCount(line: 3, expected: 3, got: 2)) {
            try History(csvString: "epoch,loss,lr\n0,1.5,0.1\n1,1.2\n")
        }
        #expect(throws: HistoryCSVError.invalidNumber(line: 2, column: "loss", text: "abc")) {
            try History(csvString: "epoch,loss\n0,abc\n")
        }
        #expect(throws: HistoryCSVError.invalidNumber(line: 2, column: "epoch", text: "-1")) {
            try History(csvString: "epoch,loss\n-1,2\n")
        }
        let message = HistoryCSVError.wrongFieldCount(line: 3, expected: 3, got: 2).description
        #expect(message.contains("line 3") && message.contains("expected 3"))
    }
}

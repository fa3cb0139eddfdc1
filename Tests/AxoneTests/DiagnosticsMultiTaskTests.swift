import Foundation
import Testing
@testable import Axone

/// Seed 000's multi-task experiment on a slice of Fashion-MNIST: the group task, the three
/// networks, and what one short seed measures.
@Suite struct DiagnosticsMultiTaskTests {
    @Test func groupsAreTopsBottomsShoesAndBags() throws {
        let groups = FashionMNIST.groupOfClass.map { FashionMNIST.groupNames[$0] }
        #expect(groups == ["Tops", "Bottoms", "Tops", "Tops", "Tops", "Shoes", "Tops", "Shoes", "Bags", "Shoes"])
        // The test split has 1000 images per class: 5000 tops, 1000 bottoms, 3000 shoes, 1000 bags.
        let labels = try MultiTaskExperiment.Task.groups.labels(fromClasses: try FashionMNIST.load(split: .test).labels)
        #expect((0..<4).map { group in labels.filter { $0 == group }.count } == [5000, 1000, 3000, 1000])
        #expect(try MultiTaskExperiment.Task.classes.labels(fromClasses: [9, 0, 8]) == [9, 0, 8])
        #expect(throws: TrainingError.labelOutOfRange(label: 10, classes: 10)) { try MultiTaskExperiment.Task.groups.labels(fromClasses: [10]) }
    }

    @Test func theNetworksShareTheTrunkShapeAndItsStartingWeights() throws {
        let models = try MultiTaskExperiment.Network.all.map { try MultiTaskExperiment.model($0, seed: 7) }
        #expect(models.map(\.outputNames) == [["classes", "groups"], ["classes"], ["groups"]])
        // 784·256 + 256 + 256·128 + 128 = 233,856 in the trunk, plus 128·10 + 10 and 128·4 + 4.
        #expect(models.map(\.trainableParameterCount) == [233_856 + 1290 + 516, 233_856 + 1290, 233_856 + 516])
        let trunk = { (model: Model<Float>) in model.namedParameters().prefix(4).map(\.variable.value) }
        #expect(trunk(models[0]) == trunk(models[1]) && trunk(models[0]) == trunk(models[2]))
        #expect(trunk(models[0]) != trunk(try MultiTaskExperiment.model(.multiTask, seed: 8)))
    }

    @Test func bothHeadsLearnInEveryNetworkAndTheTableHasOneRowPerHead() throws {
        let train = try FashionMNIST.load(split: .train).subset(0..<2000)
        let test = try FashionMNIST.load(split: .test).subset(0..<1000)
        let settings = MultiTaskExperiment.Settings(epochs: 2)
        let runs = try MultiTaskExperiment.run(train: train, test: test, settings: settings, seed: 0)
        #expect(runs.map(\.network) == MultiTaskExperiment.Network.all)
        for run in runs {
            // Chance is 10 % for the classes; always answering "tops" already gives ≈ 50 % for the groups.
            if let classes = run.finalAccuracy(.classes) { #expect(classes > 0.6, "\(run)") }
            if let groups = run.finalAccuracy(.groups) { #expect(groups > 0.85, "\(run)") }
            #expect(run.testAccuracy.values.allSatisfy { $0.count == 2 }, "one test accuracy per epoch")
        }
        #expect(runs[0].description.hasPrefix("seed 0, multi-task (235,662 parameters): classes "))

        let second = try MultiTaskExperiment.run(train: train, test: test, settings: MultiTaskExperiment.Settings(epochs: 1), seed: 1)
        let lines = MultiTaskExperiment.table(runs + second).split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines[0] == "Test accuracy (%), mean ± std over 2 seeds", "\(lines)")
        #expect(lines[1].hasPrefix("head") && lines[1].contains("multi-task") && lines[1].contains("single-task"))
        #expect(lines[2].hasPrefix("classes (10)") && lines[3].hasPrefix("groups (4)"))
        // Each cell is the mean ± sample std of the two seeds' final accuracies.
        let values = [runs[0].finalAccuracy(.classes)!, second[0].finalAccuracy(.classes)!].map { $0 * 100 }
        let mean = (values[0] + values[1]) / 2, std = abs(values[0] - values[1]) / 2.squareRoot()
        #expect(lines[2].contains(String(format: "%.2f ± %.2f", mean, std)), "\(lines[2])")
        let single = [runs[1].finalAccuracy(.classes)!, second[1].finalAccuracy(.classes)!].map { $0 * 100 }
        #expect(lines[2].hasSuffix(String(format: " %+.2f", mean - (single[0] + single[1]) / 2)), "\(lines[2])")
        #expect(MultiTaskExperiment.table(runs).split(separator: "\n")[2].contains(String(format: "%.2f ", values[0])))

        let csv = MultiTaskExperiment.csv(runs).split(separator: "\n")
        #expect(csv.count == 1 + 4 * 2 && csv[0] == "seed,network,head,epoch,test_accuracy")
        #expect(csv[1] == "0,multi-task,classes,1,\(runs[0].testAccuracy[.classes]![0])")
        let charts = MultiTaskExperiment.charts(runs + second)
        #expect(charts.map { $0.series.map(\.name) } == [["multi-task", "single-task"], ["multi-task", "single-task"]])
        // Seed 1 ran one epoch: the mean curve stops there.
        #expect(charts[1].series[0].points.count == 1)
        #expect(abs(charts[1].series[0].points[0].y - (runs[0].testAccuracy[.groups]![0] + second[0].testAccuracy[.groups]![0]) * 50) < 1e-9)
    }
}

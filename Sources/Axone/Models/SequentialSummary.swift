extension Sequential {
    /// The table ``summary()`` prints: a row per layer, without the "Connected to" column of a graph.
    var chainSummary: String {
        let labels = autoNames(layers.map { ($0.name, $0.typeName) })
        let rows = layers.indices.map { index in
            SummaryRow(label: labels[index], type: layers[index].typeName,
                       outputShapes: index < outputShapes.count ? [outputShapes[index]] : nil,
                       trainable: layers[index].trainableParameterCount, nonTrainable: layers[index].nonTrainableParameterCount)
        }
        return summaryTable(name: name, rows: rows)
    }
}

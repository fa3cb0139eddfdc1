/// Zalando's Fashion-MNIST: 28×28 grayscale images of clothing in 10 classes, 60,000 for training
/// and 10,000 for testing, read from the Debian package `dataset-fashion-mnist`.
///
/// ```swift
/// let test = try FashionMNIST.load(split: .test)
/// print(test.count, FashionMNIST.classNames[test.labels[0]])   // 10000 Ankle boot
/// ```
public enum FashionMNIST {
    /// Where `apt-get install dataset-fashion-mnist` puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"

    /// The Debian package that provides the data set.
    public static let packageName = "dataset-fashion-mnist"

    /// The name of each class, indexed by label.
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// The four coarse groups of ``groupOfClass``, indexed by group.
    public static let groupNames = ["Tops", "Bottoms", "Shoes", "Bags"]

    /// The group of each class, indexed by label (seed 000's second task): tops (T-shirt/top,
    /// pullover, dress, coat, shirt) 0, bottoms (trouser) 1, shoes (sandal, sneaker, ankle boot) 2,
    /// bags 3.
    public static let groupOfClass = [0, 1, 0, 0, 0, 2, 0, 2, 3, 2]

    /// One of the two published parts of the data set.
    public enum Split: Sendable {
        /// The 60,000 training images (`train-*` files).
        case train
        /// The 10,000 test images (`t10k-*` files).
        case test

        /// The prefix of the split's file names.
        var filePrefix: String {
            switch self {
            case .train: "train"
            case .test: "t10k"
            }
        }
    }

    /// Loads one split from `directory`, which holds the four standard `*-idx?-ubyte.gz` files.
    ///
    /// - Throws: ``DataError/datasetNotInstalled(name:directory:package:)`` naming the package to
    ///   install when a file is missing, or the reader's error when a file is damaged.
    public static func load(directory: String = defaultDirectory, split: Split) throws(DataError) -> LabeledImages {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        let imagesPath = base + "\(split.filePrefix)-images-idx3-ubyte.gz"
        let labelsPath = base + "\(split.filePrefix)-labels-idx1-ubyte.gz"
        do {
            return try LabeledImages(imagesPath: imagesPath, labelsPath: labelsPath, classCount: classNames.count)
        } catch .fileNotFound {
            throw .datasetNotInstalled(name: "Fashion-MNIST", directory: directory, package: packageName)
        }
    }
}

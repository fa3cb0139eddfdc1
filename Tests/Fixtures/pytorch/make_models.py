"""Exports the PyTorch models that Axone's ONNX import is tested on (ONNXPyTorchModelTests).

Run it with a venv that has torch (CPU) and onnx; it writes, next to itself, for each model
`<name>.onnx` (torch.onnx.export, TorchScript exporter, opset 17, symbolic batch axis) and
`<name>.json` with an input batch and PyTorch's output for it (float32, flattened row-major):

    python Tests/Fixtures/pytorch/make_models.py [/usr/share/datasets/fashion-mnist]

- mlp: 784-64-32-10 ReLU, trained one epoch on Fashion-MNIST (pixels / 255) with Adam, so the
  fine-tuning test starts from features learned in PyTorch (seed 002's recipe).
- lenet: LeNet-style CNN on 1×28×28 with BatchNorm (eval mode, running statistics set).
- residual: Conv-BN-ReLU-Conv-BN + identity, ReLU, global average pool, linear.
"""
import gzip, json, os, sys

import numpy as np
import onnx
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


def fashion(directory, split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255
    with gzip.open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return images, labels


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.head = nn.Linear(784, 64), nn.Linear(64, 32), nn.Linear(32, 10)

    def forward(self, x):
        return self.head(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6)
        self.conv2, self.bn2 = nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16)
        self.fc1, self.fc2 = nn.Linear(16 * 5 * 5, 32), nn.Linear(32, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = nn.functional.avg_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.conv2, self.bn2 = nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        y = torch.relu(y + x)
        return self.fc(y.mean(dim=(2, 3)))


def randomize_batch_norm(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)


def export(name, model, example):
    model.eval()
    path = os.path.join(HERE, f"{name}.onnx")
    torch.onnx.export(model, (example,), path, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=17, dynamo=False)
    graph = onnx.load(path).graph
    with torch.no_grad():
        output = model(example)
    record = {"input": {"shape": list(example.shape), "data": example.flatten().tolist()},
              "output": {"shape": list(output.shape), "data": output.flatten().tolist()},
              # The value the last Gemm reads: where the body ends when the head is replaced.
              "body_output": [n for n in graph.node if n.op_type == "Gemm"][-1].input[0],
              "producer": f"torch {torch.__version__}"}
    with open(os.path.join(HERE, f"{name}.json"), "w") as f:
        json.dump(record, f)
    print(name, os.path.getsize(path), "bytes")


def main(directory):
    images, labels = fashion(directory, "train")
    mlp = MLP()
    optimizer = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    for start in range(0, len(x), 128):
        optimizer.zero_grad()
        nn.functional.cross_entropy(mlp(x[start:start + 128]), y[start:start + 128]).backward()
        optimizer.step()
    test_images, _ = fashion(directory, "test")
    export("mlp", mlp, torch.from_numpy(test_images[:4]))
    lenet = LeNet()
    randomize_batch_norm(lenet)
    export("lenet", lenet, torch.from_numpy(test_images[:3]).reshape(3, 1, 28, 28))
    residual = Residual()
    randomize_batch_norm(residual)
    export("residual", residual, torch.randn(3, 4, 6, 5))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")

#!/usr/bin/env python3
"""Lists which folders of Sources/Axone use types declared in which others, and checks the layering.

Folders form layers, each using only the layers before it (a type counts as used when its name
appears in code, outside comments and string literals); the folders of one group use none of one
another. File formats (IO) need only tensors; Graph holds the symbolic tensors and the graph of
layer calls that a model is made of; Compiler traces and plans a graph of primitives; Training
holds the `Model` class with its compiled executors and `fit`; Models the model classes and
builders on top of it (`Sequential`, architectures, presets); ModelFiles saves and loads them.

    python3 scripts/folder-dependencies.py           # every edge, back-edges marked
    python3 scripts/folder-dependencies.py --check   # exit 1 on an edge against the layering
"""
import collections
import os
import re
import sys

LAYERS = [["Support"], ["Backend"], ["Tensor"], ["IO"], ["Ops"], ["Autodiff"], ["Architecture"], ["Layers"], ["Graph"],
          ["Losses", "Optimizers", "Schedules", "Data"], ["Compiler"], ["Training"], ["Models"], ["ModelFiles"],
          ["Diagnostics"]]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "Axone")
DECLARATION = re.compile(r"^(?:(?:public|open|final|internal|indirect)\s+)*(?:struct|class|enum|protocol|typealias|actor)\s+([A-Z]\w*)", re.M)


def code(text):
    """The text without comments and string literals."""
    text = re.sub(r"//.*", "", text)
    return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)


def edges():
    sources, owner = collections.defaultdict(list), {}
    for folder in sorted(os.listdir(ROOT)):
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".swift"):
                text = open(os.path.join(ROOT, folder, name), encoding="utf-8").read()
                sources[folder].append(text)
                for match in DECLARATION.finditer(text):
                    owner[match.group(1)] = folder
    used = collections.defaultdict(lambda: collections.defaultdict(set))
    for folder, texts in sources.items():
        for text in texts:
            for word in set(re.findall(r"\b[A-Z]\w*\b", code(text))):
                if owner.get(word, folder) != folder:
                    used[folder][owner[word]].add(word)
    return sources.keys(), used


def main():
    folders, used = edges()
    rank = {folder: i for i, group in enumerate(LAYERS) for folder in group}
    unknown = [f for f in folders if f not in rank]
    wrong = [(a, b) for a in used for b in used[a] if a in rank and b in rank and rank[b] >= rank[a]]
    for a in sorted(used):
        for b in sorted(used[a]):
            mark = "  AGAINST THE LAYERING" if (a, b) in wrong else ""
            print(f"{a} -> {b}: {', '.join(sorted(used[a][b])[:6])}{mark}")
    if unknown:
        print(f"folders missing from LAYERS: {', '.join(unknown)}")
    if "--check" in sys.argv and (wrong or unknown):
        sys.exit(1)


if __name__ == "__main__":
    main()

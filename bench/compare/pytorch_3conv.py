"""PyTorch reference for `npm run bench -- training`'s 3conv net (not a dependency of nes).

The same net and step as bench/training.ts: conv3x3(16)-relu, maxpool 2x2, conv3x3(32)-relu,
maxpool 2x2, conv3x3(32)-relu, global average pool, dense(10); softmax cross-entropy, SGD with
momentum 0.9 and weight decay 3e-4; batch 64 of 28x28x1; one thread. Prints one JSON line.
Run: python3 bench/compare/pytorch_3conv.py   (Debian: apt-get install python3-torch)
"""
import json
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
)
optimizer = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
loss_fn = nn.CrossEntropyLoss()
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    optimizer.zero_grad()
    loss_fn(net(x), y).backward()
    optimizer.step()


for _ in range(5):
    step()
steps = 60
start = time.perf_counter()
for _ in range(steps):
    step()
seconds = time.perf_counter() - start
print(json.dumps({"bench": "training-pytorch", "net": "3conv", "threads": 1, "batch": 64,
                  "imagesPerSec": steps * 64 / seconds, "torch": torch.__version__}))

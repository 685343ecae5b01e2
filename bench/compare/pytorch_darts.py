"""PyTorch twin of `npm run bench -- training`'s DARTS net and step (a comparison tool, not a
dependency of nes).

The net is nes's reference training net, op for op as src/train/model/darts.ts and blocks.ts build
it (DARTS model.py NetworkCIFAR without auxiliary head or drop path): DARTS-V2 genotype, 5 cells,
8 channels, stem multiplier 3, reduction cells floor(n/3) and floor(2n/3), 28x28x1 inputs, 10
classes. Like nes, edges pooling the same state the same way share one pooling result (no weights,
so same values and gradients). The step is nes's trainer step: cross-entropy on the logits,
gradients, global-norm clipping at 5, SGD lr 0.025, momentum 0.9, weight decay 3e-4.

Run:   /usr/bin/python3 bench/compare/pytorch_darts.py [--batch 64] [--steps 10] [--warmup 2]
       [--threads 1] [--genotype path.json] [--channels-last]
Serve: ... --serve   reads lines "STEPS k" on stdin, runs k timed steps and prints one JSON line
       per request; EOF exits. (Used by `npm run bench -- training --compare pytorch`.)
(Debian: apt-get install python3-torch)
"""
import argparse
import json
import os
import resource
import sys
import time

# Before torch loads: its thread pools read these once.
_threads_arg = next((sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--threads"), "1")
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads_arg

import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NET_NAME = "darts-v2-5cells-8ch"
DEFAULT_GENOTYPE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "search-spaces", "genotypes", "darts-v2.json")


def bn(channels):
    return nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1, affine=True)


class ReLUConvBN(nn.Sequential):
    def __init__(self, c_in, c_out, kernel, stride, padding):
        super().__init__(nn.ReLU(), nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False), bn(c_out))


class DilConv(nn.Sequential):
    def __init__(self, c_in, c_out, kernel, stride, padding, dilation):
        super().__init__(
            nn.ReLU(),
            nn.Conv2d(c_in, c_in, kernel, stride, padding, dilation=dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
            bn(c_out),
        )


class SepConv(nn.Sequential):
    """(ReLU, depthwise, pointwise, BN) twice, the stride on the first."""

    def __init__(self, c_in, c_out, kernel, stride, padding):
        super().__init__(
            DilConv(c_in, c_in, kernel, stride, padding, 1),
            DilConv(c_in, c_out, kernel, 1, padding, 1),
        )


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out - c_out // 2, 1, stride=2, bias=False)
        self.bn = bn(c_out)

    def forward(self, x):
        x = self.relu(x)
        # Shift by one pixel, zero-padded bottom/right as nes does (same grid for odd sizes too).
        shifted = F.pad(x[:, :, 1:, 1:], (0, 1, 0, 1))
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(shifted)], dim=1))


def make_op(op, channels, stride):
    if op == "max_pool_3x3":
        return nn.MaxPool2d(3, stride=stride, padding=1)
    if op == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)
    if op == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(channels, channels)
    if op in ("sep_conv_3x3", "sep_conv_5x5"):
        k = int(op[-1])
        return SepConv(channels, channels, k, stride, (k - 1) // 2)
    if op in ("dil_conv_3x3", "dil_conv_5x5"):
        k = int(op[-1])
        return DilConv(channels, channels, k, stride, k - 1, 2)
    raise ValueError(f"unknown DARTS op {op!r}")


class Cell(nn.Module):
    def __init__(self, nodes, c_prev_prev, c_prev, channels, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = (FactorizedReduce(c_prev_prev, channels) if reduction_prev
                            else ReLUConvBN(c_prev_prev, channels, 1, 1, 0))
        self.preprocess1 = ReLUConvBN(c_prev, channels, 1, 1, 0)
        self.edges = []  # per node: [(op index, input state, share key or None)]
        self.ops = nn.ModuleList()
        for node in nodes:
            edges = []
            for edge in node:
                stride = 2 if reduction and edge["input"] < 2 else 1
                pool = edge["op"] in ("max_pool_3x3", "avg_pool_3x3")
                edges.append((len(self.ops), edge["input"], (edge["op"], edge["input"]) if pool else None))
                self.ops.append(make_op(edge["op"], channels, stride))
            self.edges.append(edges)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        pooled = {}  # pooling the same state the same way once, as nes does
        for edges in self.edges:
            terms = []
            for op_index, source, key in edges:
                if key is not None and key in pooled:
                    terms.append(pooled[key])
                    continue
                out = self.ops[op_index](states[source])
                if key is not None:
                    pooled[key] = out
                terms.append(out)
            states.append(sum(terms[1:], terms[0]))
        return torch.cat(states[2:], dim=1)


class Network(nn.Module):
    def __init__(self, genotype, cells=5, channels=8, stem_multiplier=3, in_channels=1, num_classes=10):
        super().__init__()
        stem = stem_multiplier * channels
        self.stem = nn.Sequential(nn.Conv2d(in_channels, stem, 3, padding=1, bias=False), bn(stem))
        reductions = {cells // 3, (2 * cells) // 3}
        c_prev_prev, c_prev, c = stem, stem, channels
        reduction_prev = False
        self.cells = nn.ModuleList()
        for index in range(cells):
            reduction = index in reductions
            if reduction:
                c *= 2
            nodes = genotype["reduce"] if reduction else genotype["normal"]
            self.cells.append(Cell(nodes, c_prev_prev, c_prev, c, reduction, reduction_prev))
            c_prev_prev, c_prev = c_prev, len(nodes) * c
            reduction_prev = reduction
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1)
        return self.classifier(s1.mean(dim=(2, 3)))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--genotype", default=DEFAULT_GENOTYPE)
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format, as nes; measured ~20%% faster than the default NCHW here (torch 1.13, 1 thread)")
    p.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU twin of the webgpu engine (bench/gpu/)")
    p.add_argument("--serve", action="store_true")
    return p.parse_args()


class Bench:
    def __init__(self, args):
        torch.set_num_threads(args.threads)
        torch.manual_seed(0)
        with open(args.genotype) as f:
            genotype = json.load(f)
        if genotype.get("space") != "darts":
            raise SystemExit(f"{args.genotype}: not a DARTS genotype")
        self.args = args
        self.net = Network(genotype)
        fmt = torch.channels_last if args.channels_last else torch.contiguous_format
        self.device = torch.device(args.device)
        self.net = self.net.to(self.device, memory_format=fmt)
        self.net.train()
        self.parameters = [p for p in self.net.parameters() if p.requires_grad]
        self.optimizer = torch.optim.SGD(self.parameters, lr=0.025, momentum=0.9, weight_decay=3e-4)
        # A few pre-made batches, cycled: data generation is not timed (as in bench/training.ts).
        self.batches = [(torch.randn(args.batch, 1, 28, 28).contiguous(memory_format=fmt).to(self.device),
                         torch.randint(0, 10, (args.batch,)).to(self.device)) for _ in range(4)]
        self.next = 0

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters)

    def step(self):
        x, y = self.batches[self.next % len(self.batches)]
        self.next += 1
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.net(x), y)
        loss.backward()
        # nes clips the loss gradient, then adds weight decay: torch's order too.
        nn.utils.clip_grad_norm_(self.parameters, 5.0)
        self.optimizer.step()
        # item() waits for the step: on CUDA too every timed step has finished.
        return loss.item()

    def timed(self, steps):
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        seconds = time.perf_counter() - start
        return {
            "bench": "training-pytorch", "net": NET_NAME, "batch": self.args.batch, "steps": steps,
            "seconds": seconds, "imagesPerSec": steps * self.args.batch / seconds,
            "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
            "torch": torch.__version__, "threads": torch.get_num_threads(),
            "channelsLast": self.args.channels_last, "parameters": self.parameter_count(),
            "device": torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu",
        }


def main():
    args = parse_args()
    bench = Bench(args)
    for _ in range(args.warmup):
        bench.step()
    if not args.serve:
        print(json.dumps(bench.timed(max(1, args.steps))), flush=True)
        return
    # The caller waits for this line: the net is built and warm.
    print(json.dumps({"ready": True, "net": NET_NAME, "parameters": bench.parameter_count(),
                      "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "STEPS" and words[1].isdigit() and int(words[1]) > 0:
            print(json.dumps(bench.timed(int(words[1]))), flush=True)
        elif words:
            print(json.dumps({"error": f"expected 'STEPS k', got {line.strip()!r}"}), flush=True)


if __name__ == "__main__":
    main()

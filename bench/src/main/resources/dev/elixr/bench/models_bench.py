"""PyTorch side of `elixr bench models`: median forward time (no_grad, eval) of ViT-B/16 (1x3x224x224), BERT-base
(1x128 tokens) and EfficientNet-B0 (1x3x224x224), built in plain torch.nn with the same shapes as ours (random
weights). Prints one JSON object per line: {"model": ..., "torch_ms": ...}. Usage: python3 models_bench.py WARMUP ITERS THREADS [MODELS]"""
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, ffn, pre_norm):
        super().__init__()
        self.heads, self.pre = heads, pre_norm
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.n1, self.n2 = nn.LayerNorm(d, eps=1e-12), nn.LayerNorm(d, eps=1e-12)
        self.f1, self.f2 = nn.Linear(d, ffn), nn.Linear(ffn, d)

    def attn(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        return self.out((p @ v).transpose(1, 2).reshape(b, t, d))

    def forward(self, x):
        if self.pre:
            x = x + self.attn(self.n1(x))
            return x + self.f2(F.gelu(self.f1(self.n2(x))))
        x = self.n1(x + self.attn(x))
        return self.n2(x + self.f2(F.gelu(self.f1(x))))


class ViT(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, 768, 16, 16)
        self.cls = nn.Parameter(torch.zeros(1, 1, 768))
        self.pos = nn.Parameter(torch.zeros(1, 197, 768))
        self.blocks = nn.ModuleList([Block(768, 12, 3072, True) for _ in range(12)])
        self.norm = nn.LayerNorm(768, eps=1e-12)

    def forward(self, x):
        h = self.patch(x).flatten(2).transpose(1, 2)
        h = torch.cat([self.cls.expand(x.shape[0], -1, -1), h], 1) + self.pos
        for b in self.blocks:
            h = b(h)
        return self.norm(h)


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(30522, 768), nn.Embedding(512, 768), nn.Embedding(2, 768)
        self.norm = nn.LayerNorm(768, eps=1e-12)
        self.blocks = nn.ModuleList([Block(768, 12, 3072, False) for _ in range(12)])

    def forward(self, ids):
        t = ids.shape[1]
        h = self.norm(self.word(ids) + self.pos(torch.arange(t))[None] + self.typ(torch.zeros_like(ids)))
        for b in self.blocks:
            h = b(h)
        return h


def make_divisible(v, d=8):
    n = max(d, int(v + d / 2) // d * d)
    return n + d if n < 0.9 * v else n


def cba(cin, cout, k, s=1, g=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*(layers + [nn.SiLU()] if act else layers))


class SE(nn.Module):
    def __init__(self, c, s):
        super().__init__()
        self.fc1, self.fc2 = nn.Conv2d(c, s, 1), nn.Conv2d(s, c, 1)

    def forward(self, x):
        return x * torch.sigmoid(self.fc2(F.silu(self.fc1(x.mean((2, 3), keepdim=True)))))


class MBConv(nn.Module):
    def __init__(self, e, k, s, cin, cout):
        super().__init__()
        mid = make_divisible(cin * e)
        layers = ([cba(cin, mid, 1)] if mid != cin else []) + [cba(mid, mid, k, s, mid), SE(mid, max(1, cin // 4)), cba(mid, cout, 1, act=False)]
        self.block, self.res = nn.Sequential(*layers), s == 1 and cin == cout

    def forward(self, x):
        return self.block(x) + x if self.res else self.block(x)


class EfficientNetB0(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
               (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
        layers = [cba(3, 32, 3, 2)]
        for e, k, s, i, o, n in cfg:
            layers.append(nn.Sequential(*[MBConv(e, k, s if j == 0 else 1, i if j == 0 else o, o) for j in range(n)]))
        layers.append(cba(320, 1280, 1))
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return self.features(x)


def median_ms(model, inp, warmup, iters):
    with torch.no_grad():
        for _ in range(warmup):
            model(inp)
        times = []
        for _ in range(iters):
            t0 = time.perf_counter()
            model(inp)
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    warmup, iters, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    only = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cases = [("vit-b16", ViT, lambda: torch.randn(1, 3, 224, 224)),
             ("bert-base", Bert, lambda: torch.randint(0, 30522, (1, 128))),
             ("efficientnet-b0", EfficientNetB0, lambda: torch.randn(1, 3, 224, 224))]
    for name, cls, inp in cases:
        if only and name not in only:
            continue
        ms = median_ms(cls().eval(), inp(), warmup, iters)
        print(json.dumps({"model": name, "torch_ms": round(ms, 3), "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()

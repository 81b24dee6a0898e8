"""PyTorch side of `elixr bench train`: one ELIXR-C training step of `elixr demo` written in plain torch.nn, timed.

The model is ours layer for layer (models/.../elixr/ElixrCConfig.small, ConvTower, TextTower, ClipLoss):
  image tower: 4 stages of [3x3 conv stride 2 (no bias), BatchNorm2d, ReLU], widths 16, 32, 64, 96, then the last
               feature map flattened and mapped by Linear(96*(S/16)^2, 256);
  text tower:  post-norm BERT (hidden 64, 2 layers, 2 heads, FFN 256, erf GELU, LayerNorm eps 1e-12, 128 positions,
               2 token types, no pooler, no dropout), mean-pooled over the real tokens without [CLS] and [SEP];
  projections: Linear(256, 128) and Linear(64, 128) without bias, L2-normalised;
  loss:        CLIP with logit scale exp(clamp(log s, 0, log 100)), duplicates masked out of both softmaxes (-1e9);
  optimiser:   AdamW (lr 3e-3, betas 0.9/0.98, eps 1e-6, weight decay 0.1 on tensors of rank >= 2), gradients clipped
               to a global norm of 1.
Inputs are synthetic and built by the same formulas as TrainStepComparison.java: pixels ~ N(0,1), text b has
TOKENS - (7b mod TOKENS/2) real tokens (padded to TOKENS), token t of text b is 1 + (31b + 17t) mod (VOCAB-1), and
image-report pair b is in duplicate group b mod (BATCH-4).

Usage: python3 train_bench.py BATCH SIZE TOKENS VOCAB WARMUP_STEPS THREADS
After the warm-up steps prints one JSON line: parameters, forward GFLOP per step (counted by hooks on every conv, linear
and attention product), threads, torch's version. Then, for each line {"steps": n} on stdin, runs n timed steps and
prints {"wall": [seconds...], "cpu": [process CPU seconds...]}, so that the caller can alternate its own steps with these.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_quiet import quiet

FLOPS = [0.0]  # multiply-adds x 2 of the forward pass, summed by the layers themselves


class ConvTower(nn.Module):
    def __init__(self, size, widths=(16, 32, 64, 96), features=256):
        super().__init__()
        layers, cin = [], 1
        for w in widths:
            layers += [nn.Conv2d(cin, w, 3, 2, 1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
            cin, size = w, (size + 1) // 2
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Linear(cin * size * size, features)

    def forward(self, x):
        return self.head(self.blocks(x).flatten(1))


class BertLayer(nn.Module):
    def __init__(self, d, heads, ffn):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        self.attn_out, self.attn_norm = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-12)
        self.intermediate, self.out, self.out_norm = nn.Linear(d, ffn), nn.Linear(ffn, d), nn.LayerNorm(d, eps=1e-12)

    def forward(self, x, mask):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        p = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + mask, dim=-1)
        FLOPS[0] += 2.0 * 2 * b * t * t * d
        h = self.attn_norm(x + self.attn_out((p @ v).transpose(1, 2).reshape(b, t, d)))
        return self.out_norm(h + self.out(F.gelu(self.intermediate(h))))


class TextTower(nn.Module):
    def __init__(self, vocab, d=64, layers=2, heads=2, ffn=256, positions=128):
        super().__init__()
        self.word, self.pos, self.typ = nn.Embedding(vocab, d), nn.Embedding(positions, d), nn.Embedding(2, d)
        self.norm = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(d, heads, ffn) for _ in range(layers)])

    def forward(self, ids, mask, pool):
        t = ids.shape[1]
        h = self.norm(self.word(ids) + self.typ(torch.zeros_like(ids)) + self.pos(torch.arange(t))[None])
        additive = ((1 - mask) * -1e30)[:, None, None, :]
        for layer in self.layers:
            h = layer(h, additive)
        return (h * pool[:, :, None]).sum(1) / pool.sum(1, keepdim=True)


class ElixrC(nn.Module):
    def __init__(self, size, vocab, embed=128):
        super().__init__()
        self.image_encoder, self.text_encoder = ConvTower(size), TextTower(vocab)
        self.image_projection = nn.Linear(256, embed, bias=False)
        self.text_projection = nn.Linear(64, embed, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def loss(self, pixels, ids, mask, pool, duplicates):
        u = F.normalize(self.image_projection(self.image_encoder(pixels)), dim=1)
        v = F.normalize(self.text_projection(self.text_encoder(ids, mask, pool)), dim=1)
        s = self.logit_scale.clamp(0, math.log(100)).exp()
        targets = torch.arange(u.shape[0])
        FLOPS[0] += 2.0 * 2 * u.shape[0] * u.shape[0] * u.shape[1]
        i2t = F.cross_entropy((s * u @ v.t()).masked_fill(duplicates, -1e9), targets)
        t2i = F.cross_entropy((s * v @ u.t()).masked_fill(duplicates, -1e9), targets)
        return (i2t + t2i) / 2


def count_flops(module, inp, out):
    if isinstance(module, nn.Conv2d):
        FLOPS[0] += 2.0 * out.numel() * module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
    elif isinstance(module, nn.Linear):
        FLOPS[0] += 2.0 * out.numel() * module.in_features


def inputs(batch, size, tokens, vocab):
    pixels = torch.randn(batch, 1, size, size)
    ids, mask, pool = torch.zeros(batch, tokens, dtype=torch.long), torch.zeros(batch, tokens), torch.zeros(batch, tokens)
    for b in range(batch):
        real = tokens - (7 * b) % (tokens // 2)
        for t in range(tokens):
            ids[b, t] = 1 + (31 * b + 17 * t) % (vocab - 1)
        mask[b, :real] = 1
        pool[b, 1:real - 1] = 1
    groups = [b % (batch - 4) for b in range(batch)]
    duplicates = torch.tensor([[i != j and groups[i] == groups[j] for j in range(batch)] for i in range(batch)])
    return pixels, ids, mask, pool, duplicates


def main():
    batch, size, tokens, vocab, warmup, threads = (int(a) for a in sys.argv[1:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = ElixrC(size, vocab).train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=3e-3, betas=(0.9, 0.98), eps=1e-6)
    data = inputs(batch, size, tokens, vocab)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(*data)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    hooks = [m.register_forward_hook(count_flops) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    step()
    gflop = FLOPS[0] / 1e9
    for h in hooks:
        h.remove()
    for _ in range(warmup):
        step()
    quiet()
    print(json.dumps({"parameters": sum(p.numel() for p in model.parameters()), "forward_gflop": gflop,
                      "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    # then one line {"steps": n} at a time: n timed steps, answered with their wall and process CPU seconds
    for line in sys.stdin:
        wall, cpu = [], []
        for _ in range(json.loads(line)["steps"]):
            t0, c0 = time.perf_counter(), time.process_time()
            step()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        quiet()
        print(json.dumps({"wall": wall, "cpu": cpu}), flush=True)


if __name__ == "__main__":
    main()

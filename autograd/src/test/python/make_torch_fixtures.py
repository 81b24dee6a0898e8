#!/usr/bin/python3
"""PyTorch reference values for the autograd tests (run by hand, never in CI):

    /usr/bin/python3 autograd/src/test/python/make_torch_fixtures.py

Writes to autograd/src/test/resources/fixtures/:
  mlp.safetensors    2-layer MLP (Linear, GELU, LayerNorm, Linear) + cross-entropy with label smoothing:
                     inputs, weights, logits, loss and every parameter gradient.
  block.safetensors  one pre-norm transformer block with causal multi-head attention: inputs, weights,
                     output, loss = sum(w * y), gradients of every parameter and of the input.
  cnn.safetensors    a small CNN (strided, depthwise, grouped+dilated convs, batch norm in training, SiLU, max /
                     avg / adaptive pooling, linear, cross-entropy): logits, loss, gradients, running statistics.
  cross.safetensors  a Q-Former-style step: cross-attention to image tokens of another width with a key-padding
                     mask, causal self-attention with a padding mask, LM head, smoothed cross-entropy with ignores.
  optim.safetensors  10-step trajectories of SGD (momentum, weight decay), AdamW (two parameter groups,
                     cosine schedule with warm-up, global-norm clipping) and LARS on a least-squares problem.
Weights and inputs are float32; the model references are computed in float64 from those float32 values.
Optimizer trajectories run in float32, as training does. LARS has no torch.optim class: its update is
written out below with torch tensor ops (the SimCLR form: trust ratio eta*|w|/|g + wd*w|, then momentum).
The safetensors writer is hand-made (no safetensors package): 8-byte LE header length, JSON, raw LE data.
"""
import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")


def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype in (torch.float64, torch.float32):
            data, dtype = t.to(torch.float32).numpy().astype("<f4").tobytes(), "F32"
        elif t.dtype in (torch.int64, torch.int32):
            data, dtype = t.to(torch.int64).numpy().astype("<i8").tobytes(), "I64"
        else:
            raise ValueError(t.dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"generator": "make_torch_fixtures.py", "torch": torch.__version__}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def f32(t):
    """Rounds to float32 and computes on in float64 (the reference sees exactly the values Java reads)."""
    return t.to(torch.float32).to(torch.float64)


def mlp():
    g = torch.Generator().manual_seed(1)
    n, d_in, hidden, classes = 6, 8, 16, 5
    model = torch.nn.Sequential(torch.nn.Linear(d_in, hidden), torch.nn.GELU(), torch.nn.LayerNorm(hidden, eps=1e-5),
                                torch.nn.Linear(hidden, classes)).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(f32(torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.5))
    x = f32(torch.randn(n, d_in, generator=g, dtype=torch.float64))
    targets = torch.tensor([0, 3, -100, 4, 1, 3])
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, targets, label_smoothing=0.1, ignore_index=-100)
    loss.backward()
    out = {"x": x, "targets": targets, "logits": logits, "loss": loss.reshape(())}
    for name, p in model.named_parameters():
        out[name] = p
        out["grad." + name] = p.grad
    save(os.path.join(OUT, "mlp.safetensors"), out)


class Block(torch.nn.Module):
    """Pre-norm block: x + attn(ln1(x)), then + mlp(ln2(x)); causal attention written out."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.attn = torch.nn.Module()
        for n in ("query", "key", "value", "output"):
            setattr(self.attn, n, torch.nn.Linear(dim, dim))
        self.ln2 = torch.nn.LayerNorm(dim, eps=1e-6)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(dim, 4 * dim)
        self.mlp.fc2 = torch.nn.Linear(4 * dim, dim)

    def forward(self, x):
        b, t, c = x.shape
        hd = c // self.heads
        h = self.ln1(x)
        split = lambda y: y.view(b, t, self.heads, hd).transpose(1, 2)
        q, k, v = split(self.attn.query(h)), split(self.attn.key(h)), split(self.attn.value(h))
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)
        causal = torch.ones(t, t, dtype=torch.bool).triu(1)
        p = scores.masked_fill(causal, float("-inf")).softmax(-1)
        ctx = (p @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.attn.output(ctx)
        return x + self.mlp.fc2(torch.nn.functional.gelu(self.mlp.fc1(self.ln2(x))))


def block():
    g = torch.Generator().manual_seed(2)
    b, t, dim, heads = 2, 7, 16, 4
    model = Block(dim, heads).double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            scale = 0.1 if name.endswith("bias") else 1 / math.sqrt(p.shape[-1])
            base = 1.0 if name.startswith("ln") and name.endswith("weight") else 0.0
            p.copy_(f32(base + torch.randn(p.shape, generator=g, dtype=torch.float64) * scale))
    x = f32(torch.randn(b, t, dim, generator=g, dtype=torch.float64)).requires_grad_()
    w = f32(torch.randn(b, t, dim, generator=g, dtype=torch.float64))
    y = model(x)
    loss = (y * w).sum()
    loss.backward()
    out = {"x": x, "w": w, "y": y, "loss": loss.reshape(()), "grad.x": x.grad}
    for name, p in model.named_parameters():
        out[name] = p
        out["grad." + name] = p.grad
    save(os.path.join(OUT, "block.safetensors"), out)


class SmallCnn(torch.nn.Module):
    """Conv (stride, padding) → BN (train) → SiLU → depthwise conv → max pool → grouped dilated conv → avg pool
    (padded) → adaptive avg pool 5x5 → 2x3 → linear: the conventions a CNN encoder relies on."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)
        self.dw = torch.nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.grouped = torch.nn.Conv2d(8, 6, 3, padding=2, dilation=2, groups=2)
        self.head = torch.nn.Linear(6 * 2 * 3, 4)

    def forward(self, x):
        x = torch.nn.functional.silu(self.bn(self.stem(x)))
        x = torch.nn.functional.max_pool2d(self.dw(x), 3, 2, 1)
        x = torch.nn.functional.avg_pool2d(self.grouped(x), 2, 1, 1)
        x = torch.nn.functional.adaptive_avg_pool2d(x, (2, 3))
        return self.head(x.flatten(1))


def cnn():
    g = torch.Generator().manual_seed(4)
    model = SmallCnn().double()
    with torch.no_grad():
        for name, p in model.named_parameters():
            base = 1.0 if name == "bn.weight" else 0.0
            p.copy_(f32(base + torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.3))
    model.train()
    x = f32(torch.randn(3, 3, 17, 15, generator=g, dtype=torch.float64))
    targets = torch.tensor([1, 3, 0])
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, targets)
    loss.backward()
    out = {"x": x, "targets": targets, "logits": logits, "loss": loss.reshape(())}
    for name, p in model.named_parameters():
        out[name] = p
        out["grad." + name] = p.grad
    out["after.bn.running_mean"] = model.bn.running_mean
    out["after.bn.running_var"] = model.bn.running_var
    save(os.path.join(OUT, "cnn.safetensors"), out)


def cross():
    """Q-Former-style step: queries cross-attend to image tokens of another width with a key-padding mask
    (additive, -10000 as BERT), then a causal self-attention with a padding mask, then an LM head with
    cross-entropy (label smoothing 0.1, ignore index -100)."""
    g = torch.Generator().manual_seed(5)
    b, tq, tk, dim, kv_dim, heads, vocab = 2, 5, 6, 16, 12, 4, 7
    model = torch.nn.Module()
    model.cross = torch.nn.Module()
    model.cross.query, model.cross.key = torch.nn.Linear(dim, dim), torch.nn.Linear(kv_dim, dim)
    model.cross.value, model.cross.output = torch.nn.Linear(kv_dim, dim), torch.nn.Linear(dim, dim)
    model.self_attn = torch.nn.Module()
    for n in ("query", "key", "value", "output"):
        setattr(model.self_attn, n, torch.nn.Linear(dim, dim))
    model.lm = torch.nn.Linear(dim, vocab)
    model = model.double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(f32(torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.4))
    x = f32(torch.randn(b, tq, dim, generator=g, dtype=torch.float64)).requires_grad_()
    img = f32(torch.randn(b, tk, kv_dim, generator=g, dtype=torch.float64)).requires_grad_()
    key_pad = torch.zeros(b, 1, 1, tk, dtype=torch.float64)
    key_pad[1, :, :, 4:] = -10000.0
    text_pad = torch.zeros(b, 1, 1, tq, dtype=torch.float64)
    text_pad[0, :, :, 4:] = -10000.0

    def attend(m, q_in, kv_in, mask, causal):
        hd = dim // heads
        split = lambda y: y.view(y.shape[0], y.shape[1], heads, hd).transpose(1, 2)
        q, k, v = split(m.query(q_in)), split(m.key(kv_in)), split(m.value(kv_in))
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd) + mask
        if causal:
            scores = scores.masked_fill(torch.ones(q.shape[2], k.shape[2], dtype=torch.bool).triu(1), float("-inf"))
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(q_in.shape[0], q_in.shape[1], dim)
        return m.output(ctx)

    h = x + attend(model.cross, x, img, key_pad, False)
    h = h + attend(model.self_attn, h, h, text_pad, True)
    logits = model.lm(h).reshape(b * tq, vocab)
    targets = torch.tensor([1, 4, 0, 6, -100, 2, 2, -100, 5, 3])
    loss = torch.nn.functional.cross_entropy(logits, targets, label_smoothing=0.1, ignore_index=-100)
    loss.backward()
    out = {"x": x, "img": img, "key_pad": key_pad, "text_pad": text_pad, "targets": targets, "logits": logits,
           "loss": loss.reshape(()), "grad.x": x.grad, "grad.img": img.grad}
    for name, p in model.named_parameters():
        out[name] = p
        out["grad." + name] = p.grad
    save(os.path.join(OUT, "cross.safetensors"), out)


def optim():
    g = torch.Generator().manual_seed(3)
    X = torch.randn(12, 5, generator=g)
    Y = torch.randn(12, 3, generator=g)
    W0 = torch.randn(5, 3, generator=g) * 0.5
    b0 = torch.randn(3, generator=g) * 0.5
    steps = 10
    out = {"X": X, "Y": Y, "W0": W0, "b0": b0}

    def loss_of(W, b):
        return ((X @ W + b - Y) ** 2).mean()

    def run(name, make, before_step=None):
        W = W0.clone().requires_grad_()
        b = b0.clone().requires_grad_()
        opt = make(W, b)
        Ws, bs, lrs, norms = [], [], [], []
        for step in range(steps):
            opt.zero_grad()
            loss_of(W, b).backward()
            if before_step is not None:
                lr, norm = before_step(opt, step, [W, b])
                lrs.append(lr)
                norms.append(norm)
            opt.step()
            Ws.append(W.detach().clone())
            bs.append(b.detach().clone())
        out[name + ".W"] = torch.stack(Ws)
        out[name + ".b"] = torch.stack(bs)
        if lrs:
            out[name + ".lr"] = torch.tensor(lrs, dtype=torch.float64)
            out[name + ".norm"] = torch.tensor(norms, dtype=torch.float64)

    run("sgd", lambda W, b: torch.optim.SGD([W, b], lr=0.05, momentum=0.9, weight_decay=0.01))

    base, warmup, total, min_lr = 0.05, 3, 10, 1e-3

    def cosine(step):
        if step < warmup:
            return base * step / warmup
        progress = (step - warmup) / (total - warmup)
        return min_lr + (base - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))

    def schedule_and_clip(opt, step, params):
        lr = cosine(step)
        for group in opt.param_groups:
            group["lr"] = lr
        norm = torch.nn.utils.clip_grad_norm_(params, 0.05)
        return lr, float(norm)

    run("adamw", lambda W, b: torch.optim.AdamW([{"params": [W], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}],
                                                lr=base, betas=(0.9, 0.999), eps=1e-8), schedule_and_clip)

    class Lars(torch.optim.Optimizer):
        def __init__(self, groups, lr, momentum, eta):
            super().__init__(groups, dict(lr=lr, momentum=momentum, eta=eta, weight_decay=0.0, adapt=True))

        @torch.no_grad()
        def step(self):
            for group in self.param_groups:
                for p in group["params"]:
                    d = p.grad + group["weight_decay"] * p if group["weight_decay"] != 0 else p.grad.clone()
                    if group["adapt"]:
                        wn, dn = torch.norm(p), torch.norm(d)
                        q = group["eta"] * wn / dn if wn > 0 and dn > 0 else torch.tensor(1.0)
                        d = d * q
                    state = self.state[p]
                    mu = state.get("mu")
                    mu = d.clone() if mu is None else mu * group["momentum"] + d
                    state["mu"] = mu
                    p.add_(mu, alpha=-group["lr"])

    run("lars", lambda W, b: Lars([{"params": [W], "weight_decay": 1e-3, "adapt": True},
                                   {"params": [b], "weight_decay": 0.0, "adapt": False}], lr=0.5, momentum=0.9, eta=0.02))
    save(os.path.join(OUT, "optim.safetensors"), out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    mlp()
    block()
    cnn()
    cross()
    optim()
    for f in ("mlp", "block", "cnn", "cross", "optim"):
        print(f, os.path.getsize(os.path.join(OUT, f + ".safetensors")), "bytes")

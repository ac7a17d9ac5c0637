"""Exports a noisy-image classifier's gradient x -> grad_x log p(y | x_t, t) as ONNX for ADM-G classifier guidance
(manifest `classifier`: inputs x, t, class; output gradient; README "ADM's table").

Route (verified with Debian bookworm's python3-torch 1.13.1 and python3-onnx 1.12, CPU): `torch.onnx.export`
of a module whose forward calls `torch.autograd.grad` fails ("Cannot insert a Tensor that requires grad as a
constant"), so the gradient function is traced to an aten graph with `make_fx` (the backward pass included),
the backward ops without an ONNX symbolic are decomposed (convolution_backward -> transposed convolution,
select/slice_backward -> cat of zeros, group-norm/softmax/silu backward via torch._decomp), a few aten
internals are renamed to exportable ops, and the batch size baked into shape arguments is replaced by
x.size(0) times a constant (found by tracing at two batch sizes and comparing). The FX graph is then exported
with the TorchScript exporter, batch axis dynamic. The script checks the exported graph's sizes match at the
trace batches; run the exported graph in onnxruntime against torch at other batch sizes before submitting
(the tiny fixture's test does: runner/src/evaluation/sources/classifier-gradient-export.spec.ts).

Tiny fixture (what the project's test uses):
    /usr/bin/python3 scripts/export_classifier_gradient.py --mini --out runner/src/evaluation/sources/fixtures/classifier-gradient-mini

guided-diffusion's classifier (NOT verified here: no weights or guided_diffusion package on this machine):
    PYTHONPATH=path/to/guided-diffusion /usr/bin/python3 scripts/export_classifier_gradient.py \
        --guided-diffusion 128x128_classifier.pt --image-size 128 --out classifier128
with guided_diffusion.script_util.create_classifier and the README's CLASSIFIER_FLAGS
(--classifier_attention_resolutions 32,16,8 --classifier_depth 2 --classifier_width 128
 --classifier_pool attention --classifier_resblock_updown True --classifier_use_scale_shift_norm True),
fp32 (classifier_use_fp16 False). guided-diffusion's cond_fn indexes log_probs[range(N), y]; here the
selection is a one-hot product (same value, an exportable backward). The time input is the step index.
"""
import argparse
import json
import math
import operator

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch._decomp import get_decompositions
from torch.fx.experimental.proxy_tensor import make_fx

aten = torch.ops.aten


# ---- a miniature of guided-diffusion's EncoderUNetModel (pool="attention") ----
def timestep_embedding(t, dim, max_period=10000):
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    def __init__(self, ch, emb, out, down=False):
        super().__init__()
        self.n1 = nn.GroupNorm(8, ch)
        self.c1 = nn.Conv2d(ch, out, 3, padding=1)
        self.e = nn.Linear(emb, out)
        self.n2 = nn.GroupNorm(8, out)
        self.c2 = nn.Conv2d(out, out, 3, padding=1)
        self.skip = nn.Conv2d(ch, out, 1) if ch != out else nn.Identity()
        self.down = nn.Conv2d(out, out, 3, stride=2, padding=1) if down else None

    def forward(self, x, emb):
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.e(F.silu(emb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        h = self.skip(x) + h
        return self.down(h) if self.down is not None else h


class AttentionPool2d(nn.Module):
    def __init__(self, spatial, ch, heads, out):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(ch, spatial * spatial + 1) / ch**0.5)
        self.qkv = nn.Conv1d(ch, 3 * ch, 1)
        self.c = nn.Conv1d(ch, out, 1)
        self.heads = heads

    def forward(self, x):
        b, c = x.shape[:2]
        x = x.reshape(b, c, -1)
        x = torch.cat([x.mean(dim=-1, keepdim=True), x], dim=-1) + self.pos[None]
        qkv = self.qkv(x)
        bs, w, length = qkv.shape
        ch = w // (3 * self.heads)
        q, k, v = qkv.reshape(bs * self.heads, ch * 3, length).split(ch, dim=1)
        s = 1 / math.sqrt(math.sqrt(ch))
        a = torch.softmax(torch.einsum("bct,bcs->bts", q * s, k * s), dim=-1)
        h = torch.einsum("bts,bcs->bct", a, v).reshape(bs, -1, length)
        return self.c(h)[:, :, 0]


class MiniEncoderUNet(nn.Module):
    def __init__(self, res=8, ch=16, classes=10):
        super().__init__()
        self.ch = ch
        self.temb = nn.Sequential(nn.Linear(ch, 4 * ch), nn.SiLU(), nn.Linear(4 * ch, 4 * ch))
        self.inp = nn.Conv2d(3, ch, 3, padding=1)
        self.b1 = ResBlock(ch, 4 * ch, ch, down=True)
        self.b2 = ResBlock(ch, 4 * ch, 2 * ch)
        self.norm = nn.GroupNorm(8, 2 * ch)
        self.pool = AttentionPool2d(res // 2, 2 * ch, 2, classes)

    def forward(self, x, t):
        emb = self.temb(timestep_embedding(t, self.ch))
        h = self.b2(self.b1(self.inp(x), emb), emb)
        return self.pool(F.silu(self.norm(h)))


# ---- the gradient function and its export ----
def cond_fn_indexed(model, x, t, y):
    """guided-diffusion's cond_fn without the scale: the reference the export is checked against."""
    with torch.enable_grad():
        x_in = x.detach().requires_grad_(True)
        lp = F.log_softmax(model(x_in, t), dim=-1)
        sel = lp[range(len(lp)), y.view(-1)]
        return torch.autograd.grad(sel.sum(), x_in)[0]


def gradient_fn(model):
    def f(x, t, y):
        with torch.enable_grad():
            x_in = x.detach().requires_grad_(True)
            lp = F.log_softmax(model(x_in, t), dim=-1)
            onehot = (y.view(-1, 1) == torch.arange(lp.shape[1])).to(lp.dtype)
            return torch.autograd.grad((lp * onehot).sum(), x_in)[0]

    return f


def _conv_backward(grad_out, inp, weight, bias_sizes, stride, padding, dilation, transposed, output_padding, groups, mask):
    assert not transposed and not mask[1] and not mask[2], "only grad_input: freeze the parameters"
    op = []
    for i in range(len(stride)):
        k = weight.shape[2 + i]
        full = (grad_out.shape[2 + i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (k - 1) + 1
        op.append(inp.shape[2 + i] - full)
    return aten.convolution(grad_out, weight, None, stride, padding, dilation, True, op, groups), None, None


def _zeros_like_part(g, sizes, dim, n):
    return g.new_zeros(list(sizes[:dim]) + [n] + list(sizes[dim + 1 :]))


def _select_backward(g, sizes, dim, index):
    index %= sizes[dim]
    return torch.cat([_zeros_like_part(g, sizes, dim, index), g.unsqueeze(dim), _zeros_like_part(g, sizes, dim, sizes[dim] - index - 1)], dim)


def _slice_backward(g, sizes, dim, start, end, step):
    assert step == 1
    n = sizes[dim]
    start = max(0, min(start, n))
    end = max(start, min(end, n))
    parts = ([_zeros_like_part(g, sizes, dim, start)] if start > 0 else []) + [g]
    parts += [_zeros_like_part(g, sizes, dim, n - end)] if end < n else []
    return torch.cat(parts, dim) if len(parts) > 1 else g


def trace(f, x, t, y):
    decomp = get_decompositions(
        [aten.native_group_norm_backward, aten.native_group_norm, aten._log_softmax_backward_data, aten._softmax_backward_data, aten.silu_backward]
    )
    decomp[aten.convolution_backward.default] = _conv_backward
    decomp[aten.select_backward.default] = _select_backward
    decomp[aten.slice_backward.default] = _slice_backward
    return make_fx(f, decomposition_table=decomp)(x, t, y)


SIZED = {aten.view.default: "reshape", aten._reshape_alias.default: "reshape", aten._unsafe_view.default: "reshape",
         aten.expand.default: "expand", aten.new_zeros.default: "new_zeros"}


def dynamic_batch_graph(f, sample, b1=7, b2=11):
    """Traces at batches b1 and b2; shape arguments that differ are k * batch and become x.size(0) * k."""
    gm = trace(f, *sample(b1))
    other = [n for n in trace(f, *sample(b2)).graph.nodes]
    nodes = list(gm.graph.nodes)
    assert len(nodes) == len(other), "the two traces differ in structure"
    g = gm.graph
    x_node = next(n for n in nodes if n.op == "placeholder")
    with g.inserting_after(x_node):
        bsz = g.call_method("size", (x_node, 0))
    scaled = {1: bsz}
    for n, o in zip(nodes, other):
        if n.op != "call_function":
            continue
        if n.target == aten._softmax.default:
            n.target, n.args = aten.softmax.int, n.args[:2]
        elif n.target == aten._log_softmax.default:
            n.target, n.args = aten.log_softmax.int, n.args[:2]
        elif n.target == aten._to_copy.default:
            n.target, n.args, n.kwargs = aten.to.dtype, (n.args[0], n.kwargs["dtype"]), {}
        elif n.target == aten.lift_fresh_copy.default:
            n.target = aten.clone.default
        elif n.target == aten.var.correction:
            assert n.kwargs.get("correction") == 0, n.kwargs
            n.target, n.kwargs = torch.var, {"unbiased": False, "keepdim": n.kwargs.get("keepdim", False)}
        elif n.target in SIZED:
            sizes, osizes = list(n.args[1]), list(o.args[1])
            new = []
            for v, w in zip(sizes, osizes):
                if v == w:
                    new.append(v)
                    continue
                k = v // b1
                assert v == k * b1 and w == k * b2, f"{n.target}: size {v} vs {w} is not a multiple of the batch"
                if k not in scaled:
                    with g.inserting_after(bsz):
                        scaled[k] = g.call_function(operator.mul, (bsz, k))
                new.append(scaled[k])
            # Tensor methods, not aten overloads: the TorchScript tracer keeps x.size(0) symbolic through them.
            n.op, n.target, n.args = "call_method", SIZED[n.target], (n.args[0], *new)
        else:
            for a, b in zip(n.args, o.args):
                ints = isinstance(a, (list, tuple)) and all(isinstance(v, int) for v in a)
                if ints and list(a) != list(b):
                    raise RuntimeError(f"batch-dependent argument of {n.target} not handled: {a} vs {b}")
    g.lint()
    gm.recompile()
    return gm


def export(model, sample, out, opset=17):
    model = model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    gm = dynamic_batch_graph(gradient_fn(model), sample)
    for b in (1, 2, 5):
        x, t, y = sample(b)
        err = (gm(x, t, y) - cond_fn_indexed(model, x, t, y)).abs().max().item()
        assert err < 1e-5, f"the rewritten graph differs from autograd by {err} at batch {b}"
    dyn = {"x": {0: "n"}, "t": {0: "n"}, "y": {0: "n"}, "grad": {0: "n"}}
    torch.onnx.export(gm, sample(3), out, input_names=["x", "t", "y"], output_names=["grad"], dynamic_axes=dyn, opset_version=opset)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mini", action="store_true", help="the tiny test fixture (seeded, random weights)")
    p.add_argument("--guided-diffusion", metavar="CKPT", help="a guided-diffusion classifier checkpoint")
    p.add_argument("--image-size", type=int, default=128)
    p.add_argument("--out", required=True, help="path without extension: writes OUT.onnx (and OUT.json with --mini)")
    a = p.parse_args()
    if a.mini:
        torch.manual_seed(0)
        model, res, classes, tmax = MiniEncoderUNet(res=8, ch=16, classes=10), 8, 10, 1000
    else:
        from guided_diffusion.script_util import classifier_defaults, create_classifier

        args = classifier_defaults()
        args.update(image_size=a.image_size, classifier_use_fp16=False, classifier_attention_resolutions="32,16,8",
                    classifier_depth=2, classifier_width=128, classifier_pool="attention",
                    classifier_resblock_updown=True, classifier_use_scale_shift_norm=True)
        model = create_classifier(**args)
        model.load_state_dict(torch.load(a.guided_diffusion, map_location="cpu"))
        res, classes, tmax = a.image_size, 1000, 1000

    def sample(b, seed=None):
        g = torch.Generator().manual_seed(b if seed is None else seed)
        return (torch.randn(b, 3, res, res, generator=g), torch.randint(0, tmax, (b,), generator=g).float(),
                torch.randint(0, classes, (b,), generator=g))

    export(model, sample, a.out + ".onnx")
    if a.mini:
        cases = []
        for b, seed in ((1, 101), (2, 102), (5, 105)):
            x, t, y = sample(b, seed)
            cases.append({"batch": b, "x": x.flatten().tolist(), "t": t.tolist(), "y": y.tolist(),
                          "grad": cond_fn_indexed(model, x, t, y).flatten().tolist()})
        with open(a.out + ".json", "w") as f:
            json.dump({"torch": torch.__version__, "shape": [3, res, res], "classes": classes, "cases": cases}, f)
            f.write("\n")


if __name__ == "__main__":
    main()

"""Exports the LPIPS network for `genbench image-metrics --lpips <manifest>` from the `lpips` pip package.

    pip install lpips torch torchvision onnx
    python scripts/export_lpips.py --net alex --out-dir models/lpips   # or --net vgg

`lpips.LPIPS(net=...)` downloads torchvision's ImageNet AlexNet/VGG16 weights from download.pytorch.org on
first use; the lin weights ship inside the package (lpips/weights/v0.1/<net>.pth). Writes three files:
- lpips_<net>.onnx: input `images` float32 [N, 3, H, W] in [-1, 1], lpips' ScalingLayer then the backbone,
  outputs `feat0` ... `feat4` (the five relu feature maps LPIPS compares);
- lpips_<net>_lin.npz: `lin0` ... `lin4`, each float32 [C] (the 1x1 conv weights of lins[k]);
- lpips_<net>.json: the manifest naming both.
Check afterwards on a few image pairs that `genbench image-metrics --lpips` agrees with
`lpips.LPIPS(net=...)(x0, x1)` on the same pairs (x = uint8 / 127.5 - 1).
"""
import argparse
import json
import os

import numpy as np
import torch
import lpips


class Features(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return tuple(self.model.net(self.model.scaling_layer(x)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", choices=["alex", "vgg"], default="alex")
    p.add_argument("--out-dir", default=".")
    a = p.parse_args()
    model = lpips.LPIPS(net=a.net, version="0.1").eval()
    os.makedirs(a.out_dir, exist_ok=True)
    names = [f"feat{i}" for i in range(len(model.lins))]
    onnx_file = f"lpips_{a.net}.onnx"
    lin_file = f"lpips_{a.net}_lin.npz"
    dyn = {"images": {0: "n", 2: "h", 3: "w"}, **{n: {0: "n", 2: f"h{i}", 3: f"w{i}"} for i, n in enumerate(names)}}
    torch.onnx.export(
        Features(model), torch.zeros(1, 3, 64, 64), os.path.join(a.out_dir, onnx_file),
        input_names=["images"], output_names=names, dynamic_axes=dyn, opset_version=17,
    )
    lins = {f"lin{i}": lin.model[-1].weight.detach().numpy().reshape(-1).astype(np.float32) for i, lin in enumerate(model.lins)}
    np.savez(os.path.join(a.out_dir, lin_file), **lins)
    manifest = {
        "name": f"lpips-{a.net}-v0.1",
        "kind": "lpips",
        "network": {"file": onnx_file, "input": "images", "layers": names},
        "lin": {"file": lin_file},
        "source": f"lpips {lpips.__version__ if hasattr(lpips, '__version__') else ''} net={a.net} v0.1, exported by scripts/export_lpips.py",
    }
    with open(os.path.join(a.out_dir, f"lpips_{a.net}.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()

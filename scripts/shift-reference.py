#!/usr/bin/python3
"""Measures the reference CIFAR-10-C generator on fixed images: test/fixtures/shift-reference.json.

Dev tool, not run by the tests (they read the JSON it writes). It runs the corruption functions of
Hendrycks & Dietterich's make_cifar_c.py from a checkout of github hendrycks/robustness, unchanged:
the file is read, cut before its CIFAR-10 loop and executed with stand-ins for torch/torchvision
(imported there but unused by the corruptions). Frost reads frost1.png… beside the file.

Needs Debian's python3-numpy, python3-scipy, python3-skimage, python3-pil, python3-opencv and
python3-wand (ImageMagick, for motion_blur and snow):

  /usr/bin/python3 scripts/shift-reference.py ROBUSTNESS/ImageNet-C/create_c/make_cifar_c.py

It also writes each kind's per-severity parameter list `c` as the file states it. For each kind
and severity it writes the mean absolute change of np.uint8(corruption(image))
against the image (grey levels, over pixels, channels and images), averaged over `repeats` seeded
draws for the random kinds, and `repeatStd`, the spread of one draw's image mean across draws.
"""
import argparse
import ast
import base64
import json
import os
import subprocess
import sys
import types
import warnings

import numpy as np
import PIL
import scipy
import skimage
from PIL import Image

CUT = '# /////////////// End Distortions ///////////////'
KINDS = [
    'gaussian_noise', 'shot_noise', 'impulse_noise', 'defocus_blur', 'glass_blur', 'motion_blur',
    'zoom_blur', 'snow', 'frost', 'fog', 'brightness', 'contrast', 'elastic_transform', 'pixelate',
    'jpeg_compression', 'speckle_noise', 'gaussian_blur', 'spatter', 'saturate',
]
# Kinds whose output does not depend on np.random.
DETERMINISTIC = {'defocus_blur', 'zoom_blur', 'gaussian_blur', 'brightness', 'contrast', 'saturate', 'pixelate', 'jpeg_compression'}
SIZE = 32


def load_reference(path):
    for name in ['torch', 'torch.utils', 'torch.utils.data', 'torchvision', 'torchvision.datasets', 'torchvision.transforms']:
        sys.modules.setdefault(name, types.ModuleType(name))
    source = open(path, encoding='utf-8').read()
    if CUT not in source:
        sys.exit(f'{path}: no "{CUT}" line; is this make_cifar_c.py?')
    namespace = {'__name__': 'make_cifar_c'}
    exec(compile(source.split(CUT)[0], path, 'exec'), namespace)
    return namespace


def reference_parameters(path):
    """Each corruption's per-severity list `c = [...][severity - 1]`, evaluated (np.arange made a list)."""
    tree = ast.parse(open(path, encoding='utf-8').read())
    parameters = {}
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef) or function.name not in KINDS:
            continue
        scope = {'np': np}
        for statement in function.body:
            if not isinstance(statement, ast.Assign) or not isinstance(statement.targets[0], ast.Name):
                continue
            name = statement.targets[0].id
            if name == 'c':
                levels = eval(compile(ast.Expression(statement.value.value), path, 'eval'), scope)
                as_list = lambda v: [round(float(x), 6) for x in v] if isinstance(v, (tuple, list, np.ndarray)) else [round(float(v), 6)]
                parameters[function.name] = [as_list(level) for level in levels]
                break
            scope[name] = eval(compile(ast.Expression(statement.value), path, 'eval'), scope)
    return parameters


def fixed_images(count):
    """Photo-like 32×32 RGB images: smooth colour fields, soft blobs, a few hard edges, fine texture."""
    rng = np.random.RandomState(20240514)
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    images = []
    for _ in range(count):
        image = np.empty((SIZE, SIZE, 3))
        base = rng.uniform(0.15, 0.6, size=3)
        slope = rng.uniform(-0.3, 0.3, size=(2, 3))
        for c in range(3):
            image[..., c] = base[c] + slope[0, c] * (y / SIZE - 0.5) + slope[1, c] * (x / SIZE - 0.5)
        for _ in range(rng.randint(3, 7)):
            cy, cx, r = rng.uniform(0, SIZE), rng.uniform(0, SIZE), rng.uniform(2.5, 9)
            colour = rng.uniform(-0.45, 0.45, size=3)
            soft = rng.rand() < 0.5
            inside = np.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r)) if soft else (((y - cy) ** 2 + (x - cx) ** 2) <= r * r).astype(np.float64)
            image += inside[..., None] * colour
        image += rng.normal(scale=rng.uniform(0.01, 0.06), size=image.shape)
        images.append(np.clip(np.round(image * 255), 0, 255).astype(np.uint8))
    return np.stack(images)


def seed_random_noise(seed):
    """impulse_noise draws through skimage's random_noise, whose own generator np.random.seed does not reach."""
    import skimage.util
    original = getattr(skimage.util.random_noise, 'original', skimage.util.random_noise)
    seeded = lambda *args, **kwargs: original(*args, **{**kwargs, 'seed': seed})
    seeded.original = original
    skimage.util.random_noise = seeded


def mean_abs_change(reference, kind, severity, image, seed):
    np.random.seed(seed)
    seed_random_noise(seed)
    out = np.uint8(reference[kind](Image.fromarray(image), severity))
    return float(np.mean(np.abs(out.astype(np.float64) - image.astype(np.float64))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('make_cifar_c', help='path to make_cifar_c.py in a checkout of hendrycks/robustness')
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'shift-reference.json'))
    parser.add_argument('--images', type=int, default=12)
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--commit', help='commit of the robustness checkout (default: git rev-parse HEAD beside the file)')
    args = parser.parse_args()
    script = os.path.abspath(args.make_cifar_c)
    out_path = os.path.abspath(args.out)
    images = fixed_images(args.images)
    warnings.simplefilter('ignore')
    os.chdir(os.path.dirname(script))  # frost() opens ./frost*.png
    reference = load_reference(script)
    commit = args.commit
    if commit is None:
        try:
            commit = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = 'unknown'
    kinds = {}
    for kind in KINDS:
        repeats = 1 if kind in DETERMINISTIC else args.repeats
        means, spreads = [], []
        for severity in range(1, 6):
            per_repeat = [
                np.mean([mean_abs_change(reference, kind, severity, image, 1000 * r + i) for i, image in enumerate(images)])
                for r in range(repeats)
            ]
            means.append(round(float(np.mean(per_repeat)), 4))
            spreads.append(round(float(np.std(per_repeat)), 4))
        kinds[kind] = {'mean': means, 'repeatStd': spreads}
        print(f'{kind:18s} {" ".join(f"{m:7.3f}" for m in means)}', flush=True)
    fixture = {
        'description': 'Mean absolute change (grey levels) of the reference CIFAR-10-C generator per kind and severity 1-5 on the images below; written by scripts/shift-reference.py',
        'reference': f'hendrycks/robustness ImageNet-C/create_c/make_cifar_c.py at {commit}',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__, 'skimage': skimage.__version__, 'pillow': PIL.__version__},
        'parameters': reference_parameters(script),
        'repeats': args.repeats,
        'images': {'count': len(images), 'height': SIZE, 'width': SIZE, 'channels': 3, 'base64': base64.b64encode(images.tobytes()).decode('ascii')},
        'kinds': kinds,
    }
    with open(out_path, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')
    print(f'wrote {out_path}')


if __name__ == '__main__':
    main()

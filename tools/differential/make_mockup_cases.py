"""Writes random mockup cases in the mockup-reference layout, rendered by mockup_reference.py.

    python3 make_mockup_cases.py OUT_DIR SEED COUNT

Bases, designs, clips and maps are small and random; quads are convex (a box
turned, each corner moved less than a quarter of the shorter side), sometimes
partly off the base; every fit, blend mode and displacement source occurs.
"""
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image

import mockup_reference

BLEND_MODES = ['normal', 'multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge', 'color-burn',
               'hard-light', 'soft-light', 'difference', 'exclusion']

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for folder in ('cases', 'inputs', 'expected'):
    os.makedirs(f'{out}/{folder}', exist_ok=True)
rng = np.random.default_rng(seed)
random.seed(seed)


def save(array, name):
    Image.fromarray(array).save(f'{out}/inputs/{name}')
    return f'inputs/{name}'


def smooth(h, w, channels):
    """A few random gradients and blobs: what photos and maps look like at this size."""
    ys, xs = np.mgrid[0:h, 0:w] / max(h, w)
    image = np.zeros((h, w, channels))
    for c in range(channels):
        a, b, phase = rng.uniform(-6, 6, 3)
        image[..., c] = 128 + 100 * np.sin(a * xs + b * ys + phase)
    return np.clip(image + rng.normal(0, 6, image.shape), 0, 255).astype(np.uint8)


def convex(quad):
    signs = set()
    for i in range(4):
        (x0, y0), (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]
        cross = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1)
        if abs(cross) < 1e-6:
            return False
        signs.add(cross > 0)
    return len(signs) == 1


def random_quad(bw, bh):
    while True:
        w, h = random.uniform(4, bw * 1.2), random.uniform(4, bh * 1.2)
        cx, cy = random.uniform(-0.1, 1.1) * bw, random.uniform(-0.1, 1.1) * bh
        t = math.radians(random.choice([0, 0, random.uniform(0, 360)]))
        jitter = min(w, h) / 4
        corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
        quad = [[round(cx + x * math.cos(t) + y * math.sin(t) + random.uniform(-jitter, jitter), 3),
                 round(cy - x * math.sin(t) + y * math.cos(t) + random.uniform(-jitter, jitter), 3)] for x, y in corners]
        if random.random() < 0.2:
            quad.reverse()
        if convex(quad):
            return quad


for k in range(count):
    bw, bh = random.randint(8, 90), random.randint(8, 90)
    base = smooth(bh, bw, 4 if random.random() < 0.2 else 3)
    if base.shape[-1] == 4:
        base[..., 3] = np.where(rng.random((bh, bw)) < 0.2, 0, base[..., 3])
    request = {'base_image': save(base, f'{k}-base.png'), 'layers': [], 'image_format': 'png'}
    for i in range(random.randint(1, 3)):
        dw, dh = random.randint(1, 140), random.randint(1, 140)
        design = rng.integers(0, 256, (dh, dw, 4)).astype(np.uint8) if random.random() < 0.3 else smooth(dh, dw, 4)
        if random.random() < 0.4:
            design[..., 3] = 255
        layer = {'image': save(design, f'{k}-design-{i}.png'), 'quad': random_quad(bw, bh),
                 'fit': random.choice(['contain', 'cover', 'stretch']), 'blend_mode': random.choice(BLEND_MODES)}
        if random.random() < 0.3:
            layer['opacity'] = round(random.random(), 3)
        if random.random() < 0.3:
            layer['clip'] = save(smooth(bh, bw, 4), f'{k}-clip-{i}.png')
        if random.random() < 0.3:
            source = 'base' if random.random() < 0.5 else save(smooth(bh, bw, 3), f'{k}-map-{i}.png')
            layer['displacement'] = {'map': source, 'strength': round(random.uniform(-8, 8), 2) if random.random() < 0.5 else [round(random.uniform(-8, 8), 2), round(random.uniform(-8, 8), 2)]}
            if random.random() < 0.5:
                layer['displacement']['blur'] = round(random.uniform(0, 3), 2)
        request['layers'].append(layer)
    with open(f'{out}/cases/random-{k}.json', 'w') as f:
        json.dump({'request': request, 'note': f'random case {k} of seed {seed}'}, f, indent=1)
    mockup_reference.render_case(out, f'random-{k}')
print(f'{count} cases in {out}')

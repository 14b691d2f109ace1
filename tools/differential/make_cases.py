"""Writes random cases in the golden layout, rendered by reference.py.

    python3 make_cases.py OUT_DIR SEED COUNT
    npx tsx tools/differential/verify.ts OUT_DIR     # holds the library to them, exactly
"""
import json
import os
import random
import sys

import numpy as np
from PIL import Image

import reference

out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for folder in ('cases', 'inputs', 'expected'):
    os.makedirs(f'{out}/{folder}', exist_ok=True)
rng = np.random.default_rng(seed)
random.seed(seed)


def save(array, name, mode=None):
    Image.fromarray(array, mode).save(f'{out}/inputs/{name}')
    return f'inputs/{name}'


def flat_shapes(overlay):
    """Paints the overlay as logos look: one colour, then rectangles of others, some overlapping."""
    oh, ow = overlay.shape[:2]
    colours = rng.integers(0, 256, (random.randint(2, 8), 4)).astype(np.uint8)
    if random.random() < 0.5:
        colours[:, 3] = 255
    overlay[:] = colours[0]
    for colour in colours[1:]:
        x, y = random.randrange(ow), random.randrange(oh)
        overlay[y:y + random.randint(1, oh), x:x + random.randint(1, ow)] = colour


written = 0
for k in range(count):
    bw, bh, ow, oh = random.randint(5, 120), random.randint(5, 120), random.randint(1, 90), random.randint(1, 90)
    overlay = rng.integers(0, 256, (oh, ow, 4)).astype(np.uint8)
    if random.random() < 0.5:
        flat_shapes(overlay)
    elif random.random() < 0.5:
        overlay[..., 3] = np.where(rng.random((oh, ow)) < 0.3, 255, overlay[..., 3])
    if random.random() < 0.2:
        overlay[..., 3] = 255
    params = {
        'resize_method': random.choice(['nearest-exact', 'bilinear', 'area']),
        'overlay_resize': random.choice(['Resize by rescale_factor', 'None', 'Fit', 'Resize to width & heigth']),
        'rescale_factor': round(random.uniform(0.05, 4), 3),
        'width': random.randint(1, 150), 'height': random.randint(1, 150),
        'x_offset': random.randint(-50, 100), 'y_offset': random.randint(-50, 100),
        'rotation': random.choice([0, 0, random.randint(0, 360), 90, 180, 270, 45]),
        'opacity': random.choice([1, 1, round(random.random(), 3)]),
    }
    w, h = reference.target_size(params, ow, oh, bw, bh)
    if w < 1 or h < 1:
        continue
    case = {'base': save(rng.integers(0, 256, (bh, bw, 3)).astype(np.uint8), f'base{k}.png'),
            'overlay': save(overlay, f'overlay{k}.png', 'RGBA'), 'params': params}
    if random.random() < 0.4:
        mask = rng.integers(0, 256, (random.randint(1, 80), random.randint(1, 80), 4)).astype(np.uint8)
        case['mask'] = save(mask, f'mask{k}.png', 'RGBA')
    json.dump(case, open(f'{out}/cases/case{k}.json', 'w'), indent=1)
    reference.render_case(out, f'case{k}').save(f'{out}/expected/case{k}.png')
    written += 1
print(f'wrote {written} cases to {out}')

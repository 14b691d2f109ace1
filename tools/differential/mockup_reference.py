"""MOCKUP.md in float64 numpy, every base pixel computed: the engine's differential reference.

    python3 mockup_reference.py ROOT NAME...     # renders ROOT/cases/NAME.json to ROOT/expected/NAME.png

The pre-reduction (step 3) is SPEC's area resampler, taken from reference.py (PyTorch).
"""
import json
import math
import sys

import numpy as np
from PIL import Image

import reference


def load_rgba(path):
    return np.asarray(reference.load(path).convert('RGBA'), dtype=np.uint8)


def luma(rgb):
    """Pillow's convert('L'): (R·19595 + G·38470 + B·7471 + 0x8000) >> 16."""
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.float64)


def clip_luma(path):
    """A clip's luma, any alpha first flattened onto black."""
    rgba = load_rgba(path).astype(np.float64)
    a = rgba[..., 3:4] / 255
    return luma(np.floor(rgba[..., :3] * a + 0.5).astype(np.uint8))


def gaussian(plane, blur):
    if blur <= 0:
        return plane
    radius = math.ceil(3 * blur)
    offsets = np.arange(-radius, radius + 1)
    weights = np.exp(-(offsets ** 2) / (2 * blur * blur))
    weights /= weights.sum()
    h, w = plane.shape
    horizontal = sum(wt * plane[:, np.clip(np.arange(w) + o, 0, w - 1)] for o, wt in zip(offsets, weights))
    both = sum(wt * horizontal[np.clip(np.arange(h) + o, 0, h - 1), :] for o, wt in zip(offsets, weights))
    return np.floor(both + 0.5)


def box_quad(box):
    x, y, w, h = box['x'], box['y'], box['width'], box['height']
    t = math.radians(box.get('rotation', 0))
    cx, cy = x + w / 2, y + h / 2
    # Counter-clockwise on screen, where y grows downwards.
    cos, sin = math.cos(t), math.sin(t)
    return [[cx + (px - cx) * cos + (py - cy) * sin, cy - (px - cx) * sin + (py - cy) * cos] for px, py in ((x, y), (x + w, y), (x + w, y + h), (x, y + h))]


def homography(aw, ah, quad):
    """The 3x3 matrix taking (0,0), (aw,0), (aw,ah), (0,ah) to the quad's corners."""
    src = [(0, 0), (aw, 0), (aw, ah), (0, ah)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, quad):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return np.append(h, 1).reshape(3, 3)


def round_half_even(x):
    return int(round(x))


def fit(design, aw, ah, mode):
    """The design's pixels (cropped for cover) and the rectangle they fill in area units."""
    H, W = design.shape[:2]
    if mode == 'stretch':
        return design, (0.0, 0.0, aw, ah)
    if mode == 'contain':
        s = min(aw / W, ah / H)
        return design, ((aw - W * s) / 2, (ah - H * s) / 2, W * s, H * s)
    # At least one pixel: MOCKUP.md is silent where the ratio rounds to none, and the engine keeps one.
    cw = max(1, round_half_even(H * aw / ah))
    if cw < W:
        x0 = (W - cw) // 2
        return design[:, x0:x0 + cw], (0.0, 0.0, aw, ah)
    ch = max(1, round_half_even(W * ah / aw))
    y0 = (H - ch) // 2
    return design[y0:y0 + ch, :], (0.0, 0.0, aw, ah)


def blend(mode, cb, cs):
    if mode == 'normal':
        return cs
    if mode == 'multiply':
        return cb * cs
    if mode == 'screen':
        return cb + cs - cb * cs
    if mode == 'overlay':
        return blend('hard-light', cs, cb)
    if mode == 'darken':
        return np.minimum(cb, cs)
    if mode == 'lighten':
        return np.maximum(cb, cs)
    if mode == 'color-dodge':
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.where(cb == 0, 0.0, np.where(cs >= 1, 1.0, np.minimum(1.0, cb / np.where(cs >= 1, 1.0, 1 - cs))))
    if mode == 'color-burn':
        with np.errstate(divide='ignore', invalid='ignore'):
            return np.where(cb >= 1, 1.0, np.where(cs <= 0, 0.0, 1 - np.minimum(1.0, (1 - cb) / np.where(cs <= 0, 1.0, cs))))
    if mode == 'hard-light':
        return np.where(cs <= 0.5, cb * 2 * cs, blend('screen', cb, 2 * cs - 1))
    if mode == 'soft-light':
        d = np.where(cb <= 0.25, ((16 * cb - 12) * cb + 4) * cb, np.sqrt(cb))
        return np.where(cs <= 0.5, cb - (1 - 2 * cs) * cb * (1 - cb), cb + (2 * cs - 1) * (d - cb))
    if mode == 'difference':
        return np.abs(cb - cs)
    if mode == 'exclusion':
        return cb + cs - 2 * cb * cs
    raise ValueError(mode)


def paint(out, base_luma, root, layer):
    """One layer over `out` (H×W×C uint8), in place."""
    bh, bw, channels = out.shape
    quad = layer['quad'] if 'quad' in layer else box_quad(layer['box'])
    q = [np.array(p, dtype=np.float64) for p in quad]
    aw = max(np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3]))
    ah = max(np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1]))
    design, (rx, ry, rw, rh) = fit(load_rgba(f"{root}/{layer['image']}"), aw, ah, layer.get('fit', 'contain'))
    H, W = design.shape[:2]
    if W > 2 * rw or H > 2 * rh:
        design = reference.resample(design, min(W, math.ceil(2 * rw)), min(H, math.ceil(2 * rh)), 'area')
        H, W = design.shape[:2]
    d = design.astype(np.float64) / 255
    premultiplied = np.concatenate([d[..., :3] * d[..., 3:4], d[..., 3:4]], -1)

    ys, xs = np.mgrid[0:bh, 0:bw].astype(np.float64)
    px, py = xs + 0.5, ys + 0.5
    displacement = layer.get('displacement')
    if displacement:
        source = displacement['map']
        plane = base_luma if source == 'base' else luma(load_rgba(f'{root}/{source}'))
        blur = displacement.get('blur', 2 if source == 'base' else 0)
        strength = displacement['strength']
        sx, sy = (strength, strength) if isinstance(strength, (int, float)) else strength
        shift = (gaussian(plane, blur) - 128) / 128
        px, py = px + sx * shift, py + sy * shift
    inverse = np.linalg.inv(homography(aw, ah, quad))
    den = inverse[2, 0] * px + inverse[2, 1] * py + inverse[2, 2]
    ax = (inverse[0, 0] * px + inverse[0, 1] * py + inverse[0, 2]) / den
    ay = (inverse[1, 0] * px + inverse[1, 1] * py + inverse[1, 2]) / den
    u = (ax - rx) / rw * W - 0.5
    v = (ay - ry) / rh * H - 0.5
    x0, y0 = np.floor(u), np.floor(v)
    fx, fy = u - x0, v - y0
    sample = np.zeros((bh, bw, 4))
    for dx, dy, weight in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        tx, ty = x0 + dx, y0 + dy
        inside = (tx >= 0) & (tx < W) & (ty >= 0) & (ty < H)
        taps = premultiplied[np.clip(ty, 0, H - 1).astype(np.int64), np.clip(tx, 0, W - 1).astype(np.int64)]
        sample += np.where(inside[..., None], taps, 0) * weight[..., None]

    coverage = layer.get('opacity', 1) * np.ones((bh, bw))
    if 'clip' in layer:
        coverage = coverage * clip_luma(f"{root}/{layer['clip']}") / 255
    sample *= coverage[..., None]
    a_s = sample[..., 3]
    painted = a_s > 0
    cs = np.where(painted[..., None], sample[..., :3] / np.where(painted, a_s, 1)[..., None], 0)
    o = out.astype(np.float64) / 255
    cb = o[..., :3]
    a_b = o[..., 3] if channels == 4 else np.ones((bh, bw))
    mode = layer.get('blend_mode', 'normal')
    cs2 = (1 - a_b)[..., None] * cs + a_b[..., None] * blend(mode, cb, cs)
    co = a_s[..., None] * cs2 + a_b[..., None] * cb * (1 - a_s)[..., None]
    a_o = a_s + a_b * (1 - a_s)
    colour = np.where((a_o > 0)[..., None], co / np.where(a_o > 0, a_o, 1)[..., None], cb)
    result = np.concatenate([colour, a_o[..., None]], -1) if channels == 4 else colour
    new = np.clip(np.floor(result * 255 + 0.5), 0, 255).astype(np.uint8)
    out[painted] = new[painted]


def render(root, request):
    base = reference.load(f"{root}/{request['base_image']}")
    keep_alpha = 'A' in base.mode or 'transparency' in base.info
    out = np.array(base.convert('RGBA' if keep_alpha else 'RGB'), dtype=np.uint8)
    base_luma = luma(out)
    for layer in request['layers']:
        paint(out, base_luma, root, layer)
    return Image.fromarray(out)


def render_case(root, name):
    with open(f'{root}/cases/{name}.json') as f:
        request = json.load(f)['request']
    render(root, request).save(f'{root}/expected/{name}.png')


if __name__ == '__main__':
    root = sys.argv[1]
    for case in sys.argv[2:]:
        render_case(root, case)

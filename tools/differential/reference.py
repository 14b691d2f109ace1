"""The superimpose reference in PyTorch 1.13 + Pillow 9.4, for differential checks.

Not used by the test suite. Install with: apt-get install -y python3-torch python3-pil
    python3 reference.py DIR [NAME ...]            compare DIR/expected/NAME.png with this reference
    python3 reference.py --render DIR NAME [...]   write DIR/expected/NAME.png for new cases
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

QUARTER_TURNS = {90: Image.ROTATE_90, 180: Image.ROTATE_180, 270: Image.ROTATE_270}


def load(path):
    return ImageOps.exif_transpose(Image.open(path))


def target_size(p, ow, oh, bw, bh):
    mode = p.get('overlay_resize', 'Resize by rescale_factor')
    if mode == 'None':
        return ow, oh
    if mode == 'Resize by rescale_factor':
        f = p.get('rescale_factor', 1)
        return int(ow * f), int(oh * f)
    if mode == 'Fit':
        r = min(bh / oh, bw / ow)
        return round(ow * r), round(oh * r)
    return p.get('width', 1024), p.get('height', 1024)


def resample(rgba, w, h, method):
    """Premultiplied float32, channels-last NCHW view (as ComfyUI's movedim makes it)."""
    t = torch.from_numpy(rgba.astype(np.float32) / 255.0)
    a = t[..., 3:4]
    pm = torch.cat([t[..., :3] * a, a], -1).unsqueeze(0).permute(0, 3, 1, 2)
    kwargs = {'align_corners': False} if method == 'bilinear' else {}
    out = F.interpolate(pm, size=(h, w), mode=method, **kwargs)[0].permute(1, 2, 0)
    A = out[..., 3:4]
    C = torch.where(A > 0, out[..., :3] / torch.where(A > 0, A, torch.ones_like(A)), torch.zeros_like(out[..., :3]))
    return np.clip(255 * torch.cat([C, A], -1).numpy(), 0, 255).astype(np.uint8)


def render(base_path, overlay_path, mask_path, p):
    base = load(base_path)
    keep_alpha = 'A' in base.mode or 'transparency' in base.info
    base = base.convert('RGBA')
    overlay = load(overlay_path).convert('RGBA')
    w, h = target_size(p, overlay.width, overlay.height, base.width, base.height)
    rgba = np.asarray(overlay)
    if (w, h) != overlay.size:
        rgba = resample(rgba, w, h, p.get('resize_method', 'nearest-exact'))
    rgba = rgba.copy()
    opacity = p.get('opacity', 1)
    if mask_path:
        m = load(mask_path)
        if 'A' in m.mode or 'transparency' in m.info:
            m = Image.alpha_composite(Image.new('RGBA', m.size, (0, 0, 0, 255)), m.convert('RGBA'))
        mask = np.asarray(m.convert('L').resize((w, h), Image.BICUBIC)).astype(np.float64)
    else:
        mask = np.full((h, w), 255.0)
    if mask_path or opacity != 1:
        rgba[..., 3] = np.floor(rgba[..., 3].astype(np.float64) * mask / 255 * opacity + 1e-9).astype(np.uint8)
    im = Image.fromarray(rgba, 'RGBA')
    angle = p.get('rotation', 0) % 360
    if angle in QUARTER_TURNS:
        im = im.convert('RGBa').transpose(QUARTER_TURNS[angle]).convert('RGBA')
    elif angle:
        # center= skips Pillow's transpose fast path: the general bicubic path, as the reference renders show.
        im = im.rotate(angle, resample=Image.BICUBIC, expand=True, center=(im.width / 2.0, im.height / 2.0))
    x, y = p.get('x_offset', 0), p.get('y_offset', 0)
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(im.width, base.width - x), min(im.height, base.height - y)
    if right > left and bottom > top:
        base.alpha_composite(im.crop((left, top, right, bottom)), (x + left, y + top))
    return base if keep_alpha else base.convert('RGB')


def render_case(root, name):
    case = json.load(open(f'{root}/cases/{name}.json'))
    mask = case.get('mask')
    return render(f"{root}/{case['base']}", f"{root}/{case['overlay']}", mask and f'{root}/{mask}', case['params'])


def render_new(root, names):
    """Writes the expectations of the named cases; an existing expectation is never replaced."""
    for name in names:
        path = f'{root}/expected/{name}.png'
        if os.path.exists(path):
            sys.exit(f'{path} exists: remove it first to render it again')
        render_case(root, name).save(path)
        print(f'wrote {path}')


if __name__ == '__main__':
    if sys.argv[1] == '--render':
        render_new(sys.argv[2], sys.argv[3:])
        sys.exit()
    root = sys.argv[1]
    names = sys.argv[2:] or sorted(f[:-5] for f in os.listdir(f'{root}/cases') if f.endswith('.json'))
    exact = 0
    for name in names:
        out = render_case(root, name)
        expected = np.asarray(Image.open(f'{root}/expected/{name}.png').convert(out.mode)).astype(int)
        got = np.asarray(out).astype(int)
        if got.shape != expected.shape:
            print(f'{name}: size {got.shape} where {expected.shape} was expected')
            continue
        d = np.abs(got - expected)
        exact += int(d.max() == 0)
        if d.max():
            print(f'{name}: max {d.max()} mean {d.mean():.5f}')
    print(f'{exact}/{len(names)} exact')

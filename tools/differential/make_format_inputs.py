"""Writes the format cases of golden/: CMYK JPEG (Photoshop-style, Pillow, ImageMagick,
no Adobe marker), CMYK TIFF (8- and 16-bit), palette PNG with tRNS, LA PNG, 16-bit RGBA PNG,
interlaced PNG, GIF, TIFF and grey JPEG, as base, overlay and mask.

    python3 make_format_inputs.py GOLDEN_DIR            # inputs/fmt-* and cases/format-*
    python3 reference.py --render GOLDEN_DIR format-... # their expectations

Needs Pillow 9.4, numpy and ImageMagick 6 (`convert`); with those the files come out byte for byte
the same on every run. Pixels come from GOLDEN_DIR/inputs/flowers.jpeg and from ramps, so the
CMYK inks and the alpha cover their whole range.
"""
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
from PIL import Image

root = sys.argv[1]
inputs = f'{root}/inputs'
rng = np.random.default_rng(20240607)
photo = Image.open(f'{inputs}/flowers.jpeg').convert('RGB')


def crop(box, size):
    """An RGB array from a region of the photo, resized with Pillow's default filter."""
    return np.asarray(photo.crop(box).resize(size, Image.BICUBIC)).astype(np.int32)


def ramp(w, h, horizontal=True):
    v = np.linspace(0, 255, w if horizontal else h)
    return np.broadcast_to(v[None, :] if horizontal else v[:, None], (h, w)).astype(np.int32)


def to_cmyk(rgb, k_extra):
    """Inks with under-colour removal plus a black ramp, so K spans 0–255 and C, M, Y vary beneath it."""
    cmy = 255 - rgb
    k = np.clip(cmy.min(-1) // 2 + k_extra, 0, 255)
    cmy = np.clip(cmy - cmy.min(-1, keepdims=True) // 2, 0, 255)
    return np.dstack([cmy, k]).astype(np.uint8)


def alpha_ramp(w, h):
    """Alpha from 0 to 255 across, with a fully transparent and a fully opaque band."""
    a = ramp(w, h).copy()
    a[:h // 6] = 0
    a[-h // 6:] = 255
    return a


def magick(*args):
    subprocess.run(['convert', *args], check=True)


def jpeg_segments(data):
    """(marker, segment bytes) up to the scan, then ('scan', rest)."""
    at, out = 2, []
    while data[at + 1] != 0xDA:
        n = struct.unpack('>H', data[at + 2:at + 4])[0]
        out.append((data[at + 1], data[at:at + 2 + n]))
        at += 2 + n
    out.append(('scan', data[at:]))
    return out


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack('>H', len(payload) + 2) + payload


def s15(v):
    return struct.pack('>i', round(v * 65536))


def cmyk_icc_profile():
    """A small ICC v2 output profile (CMYK -> Lab, one 2-point lut8), as Photoshop embeds one.
    Its inks are deliberately not the naive formula, so applying it would show."""
    def text_desc(s):
        b = s.encode() + b'\0'
        return b'desc' + b'\0' * 4 + struct.pack('>I', len(b)) + b + b'\0' * 8 + b'\0' * 3 + b'\0' * 67

    ident = s15(1) + s15(0) + s15(0) + s15(0) + s15(1) + s15(0) + s15(0) + s15(0) + s15(1)
    clut = bytearray()
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    light = (1 - 0.7 * c) * (1 - 0.8 * m) * (1 - 0.1 * y) * (1 - 0.9 * k)
                    clut += bytes([round(255 * light), 128 - 40 * c + 60 * m, 128 - 10 * m + 70 * y])
    linear = bytes(range(256))
    a2b0 = b'mft1' + b'\0' * 4 + bytes([4, 3, 2, 0]) + ident + linear * 4 + bytes(clut) + linear * 3
    tags = [(b'desc', text_desc('Format test CMYK')), (b'cprt', b'text' + b'\0' * 4 + b'No copyright\0'),
            (b'wtpt', b'XYZ ' + b'\0' * 4 + s15(0.9642) + s15(1.0) + s15(0.8249)), (b'A2B0', a2b0)]
    offset, table, body = 128 + 4 + 12 * len(tags), b'', b''
    for sig, data in tags:
        data += b'\0' * (-len(data) % 4)
        table += sig + struct.pack('>II', offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack('>I', size) + b'\0' * 4 + struct.pack('>I', 0x02100000) + b'prtrCMYKLab '
              + struct.pack('>6H', 2024, 6, 7, 0, 0, 0) + b'acsp' + b'\0' * 28
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b'\0' * 48)
    return header + struct.pack('>I', len(tags)) + table + body


def photoshop_style(ycck_jpeg, icc):
    """Photoshop's layout: no JFIF, Exif (orientation 6), Photoshop IRB (APP13), ICC (APP2),
    then the Adobe APP14 marker (transform 2: YCCK) and the frame."""
    exif = Image.Exif()
    exif[0x0112] = 6
    resolution = b'8BIM' + struct.pack('>H', 0x03ED) + b'\0\0' + struct.pack('>I', 16) + struct.pack('>IHHIHH', 72 << 16, 1, 1, 72 << 16, 1, 1)
    head = (segment(0xE1, exif.tobytes()) + segment(0xED, b'Photoshop 3.0\0' + resolution)
            + segment(0xE2, b'ICC_PROFILE\0\x01\x01' + icc))
    body = b''.join(s for m, s in jpeg_segments(ycck_jpeg) if m not in (0xE0, 0xE1, 0xE2, 0xED))
    return b'\xFF\xD8' + head + body


def without_adobe(jpeg):
    return b'\xFF\xD8' + b''.join(s for m, s in jpeg_segments(jpeg) if m != 0xEE)


def png16(rgba16):
    """A 16-bit RGBA PNG, unfiltered (Pillow writes no 16-bit RGBA)."""
    h, w, _ = rgba16.shape
    rows = b''.join(b'\0' + rgba16[y].astype('>u2').tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b'')


def write(name, data):
    with open(f'{inputs}/{name}', 'wb') as f:
        f.write(data)
    return f'inputs/{name}'


def saved(image, name, **options):
    image.save(f'{inputs}/{name}', **options)
    return f'inputs/{name}'


tmp = tempfile.mkdtemp()

# CMYK JPEG. Pillow writes inverted inks with an Adobe marker, transform 0 (no colour transform);
# ImageMagick writes inverted YCCK (transform 2), as Photoshop does; the Photoshop-style file
# subsamples Y and K 2x2 as Photoshop's lower qualities do, and carries a CMYK profile and Exif.
cmyk_a = to_cmyk(crop((200, 100, 1000, 700), (200, 150)), ramp(200, 150, False) - 60)
cmyk_b = to_cmyk(crop((900, 300, 1500, 750), (160, 120)), ramp(160, 120) - 40)
cmyk_c = to_cmyk(crop((1300, 500, 1900, 1000), (144, 120)), (ramp(144, 120) + ramp(144, 120, False)) // 2 - 30)
Image.fromarray(cmyk_a, 'CMYK').save(f'{tmp}/a.tif')
Image.fromarray(cmyk_c, 'CMYK').save(f'{tmp}/c.tif')
magick(f'{tmp}/a.tif', '-strip', '-quality', '80', '-sampling-factor', '2x2,1x1,1x1,2x2', f'{tmp}/a.jpg')
write('fmt-cmyk-photoshop.jpg', photoshop_style(open(f'{tmp}/a.jpg', 'rb').read(), cmyk_icc_profile()))
saved(Image.fromarray(cmyk_b, 'CMYK'), 'fmt-cmyk-pillow.jpg', quality=90)
magick(f'{tmp}/c.tif', '-strip', '-quality', '92', f'{inputs}/fmt-cmyk-imagemagick.jpg')
buffer = io.BytesIO()
Image.fromarray(cmyk_c[::-1], 'CMYK').save(buffer, 'JPEG', quality=85)
write('fmt-cmyk-no-adobe.jpg', without_adobe(buffer.getvalue()))

# CMYK TIFF: 8-bit from Pillow (LZW), 16-bit from ImageMagick (Pillow reads its high bytes).
saved(Image.fromarray(cmyk_b[:, ::-1], 'CMYK'), 'fmt-cmyk.tif', compression='tiff_lzw')
Image.fromarray(cmyk_c, 'CMYK').save(f'{tmp}/c16.tif')
magick(f'{tmp}/c16.tif', '-strip', '-depth', '16', '-evaluate', 'add', '97', '-compress', 'zip', f'{inputs}/fmt-cmyk-16.tif')

# Palette PNG with tRNS: 48 colours, some partly transparent, one fully.
rgb = crop((0, 0, 800, 600), (160, 120)).astype(np.uint8)
palette_image = Image.fromarray(rgb).quantize(48, dither=Image.Dither.NONE)
trns = bytes([0, 255, 128, 64, 200, 30, 255, 255, 10, 90] + [255] * 38)
saved(palette_image, 'fmt-palette-trns.png', transparency=trns)

# LA PNG: grey with an alpha ramp.
grey = np.asarray(Image.fromarray(crop((600, 200, 1400, 800), (128, 96)).astype(np.uint8)).convert('L'))
saved(Image.fromarray(np.dstack([grey, alpha_ramp(128, 96).astype(np.uint8)]), 'LA'), 'fmt-la.png')

# 16-bit RGBA PNG whose low bytes differ from the high ones, so truncation and rounding to 8 bits differ.
rgb16 = crop((300, 0, 1100, 600), (96, 72)) * 257 + rng.integers(0, 257, (72, 96, 3))
alpha16 = alpha_ramp(96, 72) * 257 + rng.integers(0, 257, (72, 96))
write('fmt-rgba16.png', png16(np.clip(np.dstack([rgb16, alpha16]), 0, 65535).astype(np.uint16)))

# Interlaced (Adam7) RGBA PNG, from ImageMagick.
rgba = np.dstack([crop((1000, 0, 1800, 600), (120, 90)), alpha_ramp(120, 90)[:, ::-1]]).astype(np.uint8)
Image.fromarray(rgba, 'RGBA').save(f'{tmp}/i.png')
magick(f'{tmp}/i.png', '-strip', '-interlace', 'PNG', f'PNG32:{inputs}/fmt-interlaced.png')

# GIF: two frames with a transparent index (only the first is read); and an opaque one-frame GIF.
frames = [Image.fromarray(crop(box, (112, 84)).astype(np.uint8)).quantize(63, dither=Image.Dither.NONE) for box in ((0, 400, 800, 1000), (1100, 400, 1900, 1000))]
for frame in frames:
    frame.paste(63, (20, 20, 60, 50))
frames[0].save(f'{inputs}/fmt-transparent.gif', save_all=True, append_images=frames[1:], transparency=63, duration=100, loop=0, disposal=2)
saved(Image.fromarray(crop((400, 300, 1200, 900), (128, 96)).astype(np.uint8)).quantize(200), 'fmt-opaque.gif')

# TIFF: RGB with LZW from Pillow, RGBA with Deflate from ImageMagick.
saved(Image.fromarray(crop((100, 300, 1100, 1050), (192, 144)).astype(np.uint8)), 'fmt-rgb.tif', compression='tiff_lzw')
Image.fromarray(np.dstack([crop((700, 50, 1500, 650), (100, 75)), alpha_ramp(100, 75)]).astype(np.uint8), 'RGBA').save(f'{tmp}/t.png')
magick(f'{tmp}/t.png', '-strip', '-compress', 'zip', f'{inputs}/fmt-rgba.tif')

# Grey JPEG.
grey_base = Image.fromarray(crop((500, 100, 1700, 1000), (200, 150)).astype(np.uint8)).convert('L')
saved(grey_base, 'fmt-grey.jpg', quality=88)

CASES = {
    'format-cmyk-photoshop-base': ('fmt-cmyk-photoshop.jpg', 'with-alpha.png', None,
                                   {'rescale_factor': 0.5, 'resize_method': 'bilinear', 'x_offset': 20, 'y_offset': 40}),
    'format-cmyk-pillow-overlay': ('fmt-rgb.tif', 'fmt-cmyk-pillow.jpg', None,
                                   {'rescale_factor': 0.8, 'resize_method': 'area', 'rotation': 30, 'x_offset': 10, 'y_offset': -10}),
    'format-cmyk-imagemagick-overlay': ('fmt-grey.jpg', 'fmt-cmyk-imagemagick.jpg', 'mask-radial-256x192.png',
                                        {'rescale_factor': 1.3, 'resize_method': 'nearest-exact', 'x_offset': 5, 'y_offset': 5}),
    'format-cmyk-no-adobe-mask': ('fmt-rgb.tif', 'fmt-interlaced.png', 'fmt-cmyk-no-adobe.jpg',
                                  {'overlay_resize': 'Resize to width & heigth', 'width': 150, 'height': 110, 'resize_method': 'bilinear', 'x_offset': 30, 'y_offset': 20}),
    'format-cmyk-imagemagick-mask': ('fmt-cmyk-pillow.jpg', 'fmt-rgba.tif', 'fmt-cmyk-imagemagick.jpg',
                                     {'overlay_resize': 'None', 'opacity': 0.8, 'x_offset': 40, 'y_offset': 30}),
    'format-cmyk-tiff-overlay': ('fmt-grey.jpg', 'fmt-cmyk.tif', None,
                                 {'overlay_resize': 'Fit', 'resize_method': 'area', 'rotation': 90}),
    'format-cmyk16-tiff-base': ('fmt-cmyk-16.tif', 'fmt-la.png', None,
                                {'rescale_factor': 0.7, 'resize_method': 'bilinear', 'x_offset': 12, 'y_offset': 8}),
    'format-palette-trns-overlay': ('fmt-cmyk-imagemagick.jpg', 'fmt-palette-trns.png', None,
                                    {'rescale_factor': 0.9, 'resize_method': 'bilinear', 'x_offset': -8, 'y_offset': 6}),
    'format-palette-trns-base': ('fmt-palette-trns.png', 'fmt-transparent.gif', None,
                                 {'overlay_resize': 'None', 'x_offset': 30, 'y_offset': 10}),
    'format-palette-trns-mask': ('fmt-grey.jpg', 'fmt-rgba16.png', 'fmt-palette-trns.png',
                                 {'rescale_factor': 1.5, 'resize_method': 'area', 'x_offset': 10, 'y_offset': 10}),
    'format-la-base': ('fmt-la.png', 'fmt-cmyk-pillow.jpg', None,
                       {'rescale_factor': 0.5, 'resize_method': 'area', 'rotation': 200, 'x_offset': 20, 'y_offset': 10}),
    'format-la-mask': ('fmt-rgb.tif', 'fmt-palette-trns.png', 'fmt-la.png',
                       {'overlay_resize': 'None', 'x_offset': 16, 'y_offset': 12}),
    'format-rgba16-overlay': ('fmt-rgb.tif', 'fmt-rgba16.png', None,
                              {'rescale_factor': 1.7, 'resize_method': 'bilinear', 'x_offset': 20, 'y_offset': 15}),
    'format-rgba16-base': ('fmt-rgba16.png', 'fmt-grey.jpg', None,
                           {'rescale_factor': 0.25, 'resize_method': 'nearest-exact', 'x_offset': 30, 'y_offset': 20}),
    'format-interlaced-overlay': ('fmt-cmyk-photoshop.jpg', 'fmt-interlaced.png', None,
                                  {'rescale_factor': 0.9, 'resize_method': 'area', 'rotation': 45, 'x_offset': -20, 'y_offset': 0}),
    'format-gif-overlay': ('fmt-grey.jpg', 'fmt-transparent.gif', 'fmt-opaque.gif',
                           {'rescale_factor': 1.4, 'resize_method': 'bilinear', 'x_offset': 25, 'y_offset': 15}),
    'format-gif-base': ('fmt-opaque.gif', 'fmt-la.png', None,
                        {'rescale_factor': 0.6, 'resize_method': 'nearest-exact', 'x_offset': 10, 'y_offset': 10}),
    'format-tiff-base': ('fmt-rgba.tif', 'fmt-cmyk-no-adobe.jpg', None,
                         {'rescale_factor': 0.4, 'resize_method': 'bilinear', 'x_offset': 5, 'y_offset': 5}),
    'format-grey-jpeg-mask': ('fmt-cmyk-pillow.jpg', 'fmt-rgb.tif', 'fmt-grey.jpg',
                              {'overlay_resize': 'Fit', 'resize_method': 'bilinear', 'opacity': 0.6}),
}

os.makedirs(f'{root}/cases', exist_ok=True)
for name, (base, overlay, mask, params) in CASES.items():
    case = {'base': f'inputs/{base}', 'overlay': f'inputs/{overlay}'}
    if mask:
        case['mask'] = f'inputs/{mask}'
    case['params'] = params
    with open(f'{root}/cases/{name}.json', 'w') as f:
        json.dump(case, f, indent=1)
        f.write('\n')
print(f'wrote {len(CASES)} cases to {root}/cases')

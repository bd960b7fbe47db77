"""Writes the image fixtures of @ganforge/data's image-file tests and their expected values.

Run with Debian's Pillow (apt-get install python3-pil python3-numpy):
    /usr/bin/python3 packages/data/src/test-fixtures/make-image-fixtures.py
The expected values come from Pillow, independently of sharp (which the code under test uses):
- exif-orientation-<k>.jpg (k = 1..8): one 16x8 picture stored as a JPEG whose EXIF orientation tag is k;
  expected: Pillow's decode turned upright by ImageOps.exif_transpose (what a photo viewer shows).
- logo-alpha.png: 12x10 RGBA with a soft-edged opaque blob on a transparent background; expected: Pillow's
  RGBA decode, and the alpha channel enlarged x4 with Pillow's bicubic (Keys a = -0.5) in float ('F' mode),
  which equals MATLAB's imresize bicubic away from the border (Pillow clips the kernel at the border,
  MATLAB mirrors), so tests compare the interior: output pixels at least `interiorBorder` from the edge.
- grey-alpha.png: 3x2 grey + alpha ('LA'); expected: Pillow's convert('RGBA').
"""
import json
import os

import numpy as np
from PIL import Image, ImageOps

here = os.path.dirname(os.path.abspath(__file__))
expected = {}

# A 16x8 picture with a different colour ramp in each quadrant, so every flip and rotation differs.
height, width = 8, 16
y, x = np.mgrid[0:height, 0:width]
stored = np.zeros((height, width, 3), np.uint8)
stored[..., 0] = np.where(x < width // 2, 40, 220)
stored[..., 1] = np.where(y < height // 2, 30, 200)
stored[..., 2] = (x * 12 + y * 8).astype(np.uint8)
orientations = {}
for orientation in range(1, 9):
    name = f'exif-orientation-{orientation}.jpg'
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    Image.fromarray(stored, 'RGB').save(os.path.join(here, name), quality=95, subsampling=0, exif=exif.tobytes())
    with Image.open(os.path.join(here, name)) as image:
        assert image.getexif()[0x0112] == orientation
        upright = ImageOps.exif_transpose(image).convert('RGB')
    orientations[name] = {
        'width': upright.width,
        'height': upright.height,
        'rgb': np.asarray(upright).reshape(-1).tolist(),
    }
expected['exifOrientation'] = orientations

# A logo: an opaque blob with soft edges on a transparent background; the colour under transparent
# pixels is black, as many exporters write it.
height, width = 10, 12
y, x = np.mgrid[0:height, 0:width]
distance = np.hypot((x - 5.5) / 4.0, (y - 4.5) / 3.5)
alpha = np.clip((1.3 - distance) * 255 / 0.6, 0, 255).round().astype(np.uint8)
rgba = np.zeros((height, width, 4), np.uint8)
rgba[..., 0] = 200
rgba[..., 1] = (x * 20).astype(np.uint8)
rgba[..., 2] = (y * 25).astype(np.uint8)
rgba[..., :3] = np.where(alpha[..., None] > 0, rgba[..., :3], 0)
rgba[..., 3] = alpha
Image.fromarray(rgba, 'RGBA').save(os.path.join(here, 'logo-alpha.png'))
with Image.open(os.path.join(here, 'logo-alpha.png')) as image:
    decoded = np.asarray(image.convert('RGBA'))
    alpha_float = Image.fromarray(decoded[..., 3].astype(np.float32), 'F')
    enlarged = np.asarray(alpha_float.resize((width * 4, height * 4), Image.Resampling.BICUBIC), np.float64)
expected['logoAlpha'] = {
    'width': width,
    'height': height,
    'rgba': decoded.reshape(-1).tolist(),
    'alphaX4': [round(float(v), 4) for v in enlarged.reshape(-1)],
    'interiorBorder': 8,
}

grey_alpha = np.array([[[0, 255], [128, 10], [255, 0]], [[64, 200], [32, 255], [250, 128]]], np.uint8)
Image.fromarray(grey_alpha, 'LA').save(os.path.join(here, 'grey-alpha.png'))
with Image.open(os.path.join(here, 'grey-alpha.png')) as image:
    assert image.mode == 'LA'
    expected['greyAlpha'] = {
        'width': image.width,
        'height': image.height,
        'rgba': np.asarray(image.convert('RGBA')).reshape(-1).tolist(),
    }

with open(os.path.join(here, 'image-fixtures.expected.json'), 'w') as file:
    json.dump(expected, file, separators=(',', ':'))
    file.write('\n')

"""Writes bicubic-torch.json: a reference for bicubicResize's interior pixels, computed once with
PyTorch 1.13 (Debian python3-torch), torch.nn.functional.interpolate(mode='bicubic',
antialias=True, align_corners=False). That path is PIL's resampling: Keys cubic a = -0.5, kernel
stretched by the downscale factor, the same sample positions as MATLAB's imresize. It differs from
MATLAB only at borders (PIL truncates and renormalises the kernel, MATLAB mirrors), so the test
compares the pixels whose taps all fall inside the image.

Run: /usr/bin/python3 packages/srgan/test-fixtures/make-bicubic-fixture.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(7)
image = rng.integers(0, 256, size=(32, 32, 3)).astype(np.float64)
x = torch.from_numpy(image).permute(2, 0, 1).unsqueeze(0)
down = F.interpolate(x, size=(8, 8), mode='bicubic', antialias=True, align_corners=False)
small = rng.integers(0, 256, size=(8, 8, 3)).astype(np.float64)
y = torch.from_numpy(small).permute(2, 0, 1).unsqueeze(0)
up = F.interpolate(y, size=(32, 32), mode='bicubic', antialias=True, align_corners=False)
fixture = {
    'how': 'torch 1.13 F.interpolate(bicubic, antialias=True, align_corners=False), float64; see make-bicubic-fixture.py',
    'image': image.astype(int).tolist(),
    'down': down[0].permute(1, 2, 0).numpy().round(6).tolist(),
    'small': small.astype(int).tolist(),
    'up': up[0].permute(1, 2, 0).numpy().round(6).tolist(),
}
with open(os.path.join(os.path.dirname(__file__), 'bicubic-torch.json'), 'w') as f:
    json.dump(fixture, f, separators=(',', ':'))

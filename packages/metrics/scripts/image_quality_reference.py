"""Reference PSNR/SSIM values for packages/metrics/src/image-quality.test.ts, from scikit-image.

Run once with Debian's python3-skimage (0.19.3) and numpy, and copy the printed numbers into the test:
    apt-get install python3-skimage
    /usr/bin/python3 packages/metrics/scripts/image_quality_reference.py

The images are integer formulas, so the test rebuilds exactly the same pixels without a fixture file.
"""
import numpy as np
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

COUNT, HEIGHT, WIDTH = 2, 24, 20


def image_a(n, i, j, c):
    return (9 * i + 5 * j + 20 * c + 30 * n + (i * j) // 7) % 256


def image_b(n, i, j, c):
    return np.clip(image_a(n, i, j, c) + 2 * ((i * 13 + j * 7 + c * 3 + n * 5) % 41) - 40, 0, 255)


n, i, j, c = np.meshgrid(np.arange(COUNT), np.arange(HEIGHT), np.arange(WIDTH), np.arange(3), indexing="ij")
A = image_a(n, i, j, c).astype(np.float64)
B = image_b(n, i, j, c).astype(np.float64)
CROP = 4


def crop(img):
    return img[CROP:-CROP, CROP:-CROP, ...]


def y_studio(img):
    # skimage's rgb2ycbcr: Y = 16 + 65.481 R + 128.553 G + 24.966 B for RGB in [0, 1] (MATLAB's rgb2ycbcr).
    return rgb2ycbcr(img / 255.0)[..., 0]


def y_full(img):
    # ITU-R BT.601 full-range luma (the JPEG definition), by its formula.
    return 0.299 * img[..., 0] + 0.587 * img[..., 1] + 0.114 * img[..., 2]


def ssim(x, y, channel_axis=None):
    # Wang et al. 2004: Gaussian window sigma 1.5 (11x11 with skimage's truncate 3.5), population covariance.
    return structural_similarity(
        x, y, data_range=255, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, channel_axis=channel_axis
    )


for name, convert, axis in [("y", y_studio, None), ("y-full-range", y_full, None), ("rgb", lambda x: x, 2)]:
    psnrs = [peak_signal_noise_ratio(crop(convert(A[k])), crop(convert(B[k])), data_range=255) for k in range(COUNT)]
    ssims = [ssim(crop(convert(A[k])), crop(convert(B[k])), axis) for k in range(COUNT)]
    print(f"{name}: psnr {[float(f'{v:.10f}') for v in psnrs]} ssim {[float(f'{v:.10f}') for v in ssims]}")

# Greyscale: the first channel of A and B as 1-channel images, no crop.
grey_psnr = [peak_signal_noise_ratio(A[k, ..., 0], B[k, ..., 0], data_range=255) for k in range(COUNT)]
grey_ssim = [ssim(A[k, ..., 0], B[k, ..., 0]) for k in range(COUNT)]
print(f"grey: psnr {[float(f'{v:.10f}') for v in grey_psnr]} ssim {[float(f'{v:.10f}') for v in grey_ssim]}")

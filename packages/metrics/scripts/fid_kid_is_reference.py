"""Reference FID, KID and Inception Score values for packages/metrics/src/distribution-metrics.test.ts.

FID: pytorch-fid's calculate_frechet_distance (scipy.linalg.sqrtm of sigma1 @ sigma2, numpy.cov).
KID: the unbiased MMD^2 of Bińkowski et al. 2018 with the kernel (x.y / d + 1)^3, on the full sets.
IS: scipy.stats.entropy(p(y|x), p(y)) averaged per split, exponentiated (Salimans et al. 2016).
Run once:
    apt-get install python3-scipy
    /usr/bin/python3 packages/metrics/scripts/fid_kid_is_reference.py
The features are integer formulas, so the test rebuilds them without a fixture file.
"""
import numpy as np
from scipy import linalg
from scipy.stats import entropy


def features_a(count, dimension):
    i, j = np.meshgrid(np.arange(count), np.arange(dimension), indexing="ij")
    return ((i * 13 + j * 7 + (i * j) % 5) % 17) / 4.0 - 2.0


def features_b(count, dimension):
    i, j = np.meshgrid(np.arange(count), np.arange(dimension), indexing="ij")
    return ((i * 11 + j * 5 + (i + j) % 3) % 19) / 5.0 - 1.5


def pytorch_fid(x, y, eps=1e-6):
    mu1, mu2 = x.mean(0), y.mean(0)
    sigma1, sigma2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


def kid_full_sets(x, y):
    d = x.shape[1]
    m = x.shape[0]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    return (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()


def probabilities(count, classes):
    i, c = np.meshgrid(np.arange(count), np.arange(classes), indexing="ij")
    logits = ((i * 7 + c * 3 + (i * c) % 4) % 11) / 3.0
    e = np.exp(logits)
    return e / e.sum(1, keepdims=True)


def inception_score(p, splits):
    scores = []
    n = p.shape[0]
    for k in range(splits):
        part = p[k * n // splits : (k + 1) * n // splits]
        py = part.mean(0)
        scores.append(np.exp(np.mean([entropy(row, py) for row in part])))
    return np.mean(scores), np.std(scores), scores


print(f"fid full rank (40x6 vs 30x6): {pytorch_fid(features_a(40, 6), features_b(30, 6)):.10f}")
print(f"fid rank deficient (5x8 vs 7x8): {pytorch_fid(features_a(5, 8), features_b(7, 8)):.10f}")
print(f"kid full sets (25x6 vs 25x6): {kid_full_sets(features_a(25, 6), features_b(25, 6)):.10f}")
mean, std, scores = inception_score(probabilities(40, 5), 4)
print(f"inception score (40x5, 4 splits): mean {mean:.10f} std {std:.10f} scores {[float(f'{s:.10f}') for s in scores]}")

"""Reference Parzen-window log-likelihoods for packages/metrics/src/parzen-log-likelihood.test.ts.

Computed with scipy only (multivariate_normal.logpdf with covariance sigma^2 I around each sample, then
scipy.special.logsumexp minus log M), independently of the code under test. Run once:
    apt-get install python3-scipy
    /usr/bin/python3 packages/metrics/scripts/parzen_reference.py
The points are integer formulas, so the test rebuilds them without a fixture file.
"""
import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

DIMENSION = 12


def points(count, seed):
    i, j = np.meshgrid(np.arange(count), np.arange(DIMENSION), indexing="ij")
    return ((i * 31 + j * 17 + seed * 7 + (i * j * seed) % 13) % 97) / 96.0


samples = points(50, 1)
validation = points(20, 2)
test = points(30, 3)


def log_likelihoods(x, sigma):
    per_sample = np.stack(
        [multivariate_normal(mean=mu, cov=sigma**2 * np.eye(DIMENSION)).logpdf(x) for mu in samples], axis=1
    )
    return logsumexp(per_sample, axis=1) - np.log(len(samples))


sigmas = [0.01, 0.02, 0.05, 0.1, 0.2]
for sigma in sigmas:
    print(f"validation mean at sigma {sigma}: {log_likelihoods(validation, sigma).mean():.10f}")
best = max(sigmas, key=lambda s: log_likelihoods(validation, s).mean())
ll = log_likelihoods(test, best)
print(f"chosen sigma {best}; test mean {ll.mean():.10f}, stdErr {ll.std() / np.sqrt(len(ll)):.10f}")

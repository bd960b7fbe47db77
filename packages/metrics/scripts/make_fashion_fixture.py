"""Writes the first 200 images and labels of the official Fashion-MNIST test set (Xiao et al. 2017, MIT
licence) as small gzipped IDX files, so the classifier tests run where the data set is not installed.

    apt-get install dataset-fashion-mnist
    /usr/bin/python3 packages/metrics/scripts/make_fashion_fixture.py
"""
import gzip
import os
import struct

SOURCE = "/usr/share/datasets/fashion-mnist"
TARGET = os.path.join(os.path.dirname(__file__), "..", "test-fixtures")
COUNT = 200

images = gzip.open(os.path.join(SOURCE, "t10k-images-idx3-ubyte.gz")).read()
labels = gzip.open(os.path.join(SOURCE, "t10k-labels-idx1-ubyte.gz")).read()
assert struct.unpack(">IIII", images[:16]) == (2051, 10000, 28, 28)
assert struct.unpack(">II", labels[:8]) == (2049, 10000)
for name, data in [
    ("fashion-mnist-t10k-200-images-idx3-ubyte.gz", struct.pack(">IIII", 2051, COUNT, 28, 28) + images[16 : 16 + COUNT * 784]),
    ("fashion-mnist-t10k-200-labels-idx1-ubyte.gz", struct.pack(">II", 2049, COUNT) + labels[8 : 8 + COUNT]),
]:
    with gzip.GzipFile(os.path.join(TARGET, name), "wb", mtime=0) as out:
        out.write(data)
    print(name, os.path.getsize(os.path.join(TARGET, name)), "bytes")

#!/usr/bin/python3
"""Reference values for penalty-gradients.test.ts: the gradient of the R1 and WGAN-GP penalties with
respect to every trainable weight of small discriminators, one per activation and layer, computed by
nested central finite differences in float64 over a forward pass written here in numpy (independent of
tfjs). Run with Debian's python3-numpy:  /usr/bin/python3 generate-penalty-gradients.py

The penalties (real = fake = x, so WGAN-GP's interpolate is x whatever its random mix):
  g_i  = d sum_j D(x)_j / d x_i                       (inner central difference, step 1e-5)
  R1   = gamma / 2 * mean_i ||g_i||^2, gamma = 2       (Mescheder et al. 2018, eq. 9)
  GP   = lambda * mean_i (sqrt(||g_i||^2 + 1e-12) - 1)^2, lambda = 1   (Gulrajani et al. 2017, eq. 3)
  dPenalty/dw by an outer central difference (step 1e-4) over each weight.
Each outer difference is also taken with half the step; the script refuses to write a case where the two
disagree by more than 2e-5 of the largest gradient (a kink crossed, or a badly scaled case).
"""
import json
import math
import os

import numpy as np

SELU_SCALE = 1.0507009873554804934193349852946  # tfjs-core selu_util.ts
SELU_SCALE_ALPHA = 1.7580993408473768599402175208123
erf = np.vectorize(math.erf)


def softplus(z):
    return np.logaddexp(0.0, z)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


ACTIVATIONS = {
    'linear': lambda z: z,
    'relu': lambda z: np.maximum(z, 0.0),
    'relu6': lambda z: np.minimum(np.maximum(z, 0.0), 6.0),
    'elu': lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    'selu': lambda z: np.where(z > 0, SELU_SCALE * z, SELU_SCALE_ALPHA * np.expm1(np.minimum(z, 0.0))),
    'sigmoid': sigmoid,
    'hardSigmoid': lambda z: np.clip(0.2 * z + 0.5, 0.0, 1.0),
    'softplus': softplus,
    'softsign': lambda z: z / (1.0 + np.abs(z)),
    'tanh': np.tanh,
    'softmax': softmax,
    'logSoftmax': lambda z: z - z.max(axis=-1, keepdims=True) - np.log(np.exp(z - z.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True)),
    'gelu': lambda z: z * 0.5 * (1.0 + erf(z / math.sqrt(2.0))),
    'gelu_new': lambda z: 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * z**3))),
    'mish': lambda z: z * np.tanh(softplus(z)),
    'swish': lambda z: z * sigmoid(z),
}
# Where each activation has a kink: inputs there are avoided (finite differences across a kink are wrong).
KINKS = {'relu': [0.0], 'relu6': [0.0, 6.0], 'elu': [0.0], 'selu': [0.0], 'hardSigmoid': [-2.5, 2.5]}


def same_padding(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return out, total // 2, total - total // 2


def conv2d(x, kernel, stride, padding):
    """x [..., H, W, Cin], kernel [kh, kw, Cin, Cout], TF 'same'/'valid' padding."""
    kh, kw = kernel.shape[:2]
    h, w = x.shape[-3:-1]
    if padding == 'same':
        oh, pt, pb = same_padding(h, kh, stride)
        ow, pl, pr = same_padding(w, kw, stride)
    else:
        oh, ow, pt, pb, pl, pr = (h - kh) // stride + 1, (w - kw) // stride + 1, 0, 0, 0, 0
    pad = [(0, 0)] * (x.ndim - 3) + [(pt, pb), (pl, pr), (0, 0)]
    xp = np.pad(x, pad)
    out = np.zeros(x.shape[:-3] + (oh, ow, kernel.shape[3]))
    for a in range(kh):
        for b in range(kw):
            patch = xp[..., a : a + stride * (oh - 1) + 1 : stride, b : b + stride * (ow - 1) + 1 : stride, :]
            out += patch @ kernel[a, b]
    return out


def conv2d_transpose(x, kernel, stride, padding):
    """x [..., H, W, Cin], kernel [kh, kw, Cout, Cin] (tfjs-layers' layout): the adjoint of conv2d."""
    kh, kw = kernel.shape[:2]
    h, w = x.shape[-3:-1]
    if padding == 'same':
        oh, ow = h * stride, w * stride
        pt, pl = max(kh - stride, 0) // 2, max(kw - stride, 0) // 2
    else:
        oh, ow = h * stride + max(kh - stride, 0), w * stride + max(kw - stride, 0)
        pt = pl = 0
    big = np.zeros(x.shape[:-3] + (oh + kh + stride, ow + kw + stride, kernel.shape[2]))
    for a in range(kh):
        for b in range(kw):
            contribution = x @ kernel[a, b].T  # [..., H, W, Cout]
            big[..., a : a + stride * h : stride, b : b + stride * w : stride, :] += contribution
    return big[..., pt : pt + oh, pl : pl + ow, :]


def depthwise_as_full(kernel):
    """[kh, kw, Cin, mult] depthwise kernel as a block-diagonal conv2d kernel [kh, kw, Cin, Cin * mult]:
    output channel c * mult + m reads input channel c only (tfjs/TF channel order)."""
    kh, kw, cin, mult = kernel.shape
    full = np.zeros((kh, kw, cin, cin * mult))
    for c in range(cin):
        full[:, :, c, c * mult : (c + 1) * mult] = kernel[:, :, c, :]
    return full


def batch_axes(x):
    """Axes of one (sample group): every axis but the leading finite-difference group axis."""
    return tuple(range(1, x.ndim))


def forward(spec, params, x):
    """x: [G, B, ...] (G independent copies of a batch, for the finite differences); returns [G, B, ...]."""
    outputs = [x]
    p = iter(params)
    for layer in spec['layers']:
        t = layer['type']
        h = outputs[-1]
        if t == 'flatten':
            h = h.reshape(h.shape[:2] + (-1,))
        elif t == 'reshape':
            h = h.reshape(h.shape[:2] + tuple(layer['targetShape']))
        elif t == 'dense':
            h = h @ next(p)
            if layer.get('useBias', True):
                h = h + next(p)
            h = ACTIVATIONS[layer.get('activation', 'linear')](h)
        elif t in ('conv2d', 'conv2dTranspose'):
            op = conv2d if t == 'conv2d' else conv2d_transpose
            h = op(h, next(p), layer.get('strides', 1), layer.get('padding', 'valid'))
            if layer.get('useBias', True):
                h = h + next(p)
            h = ACTIVATIONS[layer.get('activation', 'linear')](h)
        elif t in ('depthwiseConv2d', 'separableConv2d'):
            h = conv2d(h, depthwise_as_full(next(p)), layer.get('strides', 1), layer.get('padding', 'valid'))
            if t == 'separableConv2d':
                h = conv2d(h, next(p), 1, 'valid')
            if layer.get('useBias', True):
                h = h + next(p)
            h = ACTIVATIONS[layer.get('activation', 'linear')](h)
        elif t == 'activation':
            h = ACTIVATIONS[layer['activation']](h)
        elif t == 'reLU':
            h = np.maximum(h, 0.0)
            if 'maxValue' in layer:
                h = np.minimum(h, layer['maxValue'])
        elif t == 'leakyReLU':
            h = np.where(h > 0, h, layer['alpha'] * h)
        elif t == 'prelu':
            alpha = next(p)
            h = np.where(h > 0, h, alpha * h)
        elif t == 'elu':
            h = ACTIVATIONS['elu'](h)
        elif t == 'thresholdedReLU':
            h = np.where(h > layer['theta'], h, 0.0)
        elif t == 'softmax':
            h = softmax(h)
        elif t == 'batchNormalization':
            gamma, beta = next(p), next(p)
            axes = tuple(range(1, h.ndim - 1))  # batch and spatial axes of each group
            mean = h.mean(axis=axes, keepdims=True)
            var = ((h - mean) ** 2).mean(axis=axes, keepdims=True)
            h = (h - mean) / np.sqrt(var + 1e-3) * gamma + beta
        elif t == 'layerNormalization':
            gamma, beta = next(p), next(p)
            mean = h.mean(axis=-1, keepdims=True)
            var = ((h - mean) ** 2).mean(axis=-1, keepdims=True)
            h = (h - mean) / np.sqrt(var + 1e-3) * gamma + beta
        elif t == 'averagePooling2d':
            s = layer['poolSize']
            H, W = h.shape[-3] // s, h.shape[-2] // s
            h = h[..., : H * s, : W * s, :].reshape(h.shape[:-3] + (H, s, W, s, h.shape[-1])).mean(axis=(-4, -2))
        elif t == 'globalAveragePooling2d':
            h = h.mean(axis=(-3, -2))
        elif t == 'upSampling2d':
            s = layer['size']
            h = np.repeat(np.repeat(h, s, axis=-3), s, axis=-2)
        elif t == 'zeroPadding2d':
            q = layer['padding']
            h = np.pad(h, [(0, 0)] * (h.ndim - 3) + [(q, q), (q, q), (0, 0)])
        elif t == 'repeatVector':
            h = np.repeat(h[..., None, :], layer['n'], axis=-2)
        elif t == 'concatenate':
            h = np.concatenate([h, outputs[layer['with']]], axis=-1)
        elif t == 'add':
            h = h + outputs[layer['with']]
        elif t == 'dropout':  # the keep mask tfjs's Dropout draws with this seed and shape, given as data
            h = h * np.asarray(layer['mask'], dtype=np.float64).reshape(h.shape[1:]) / (1 - layer['rate'])
        elif t == 'pixelShuffle':
            r = layer['scale']
            G, B, H, W, C = h.shape
            c = C // (r * r)
            # channel (dy * r + dx) * c + k  ->  pixel (H * r + dy, W * r + dx), channel k
            h = h.reshape(G, B, H, W, r, r, c).transpose(0, 1, 2, 4, 3, 5, 6).reshape(G, B, H * r, W * r, c)
        else:
            raise ValueError(t)
        outputs.append(h)
    return outputs[-1]


def kink_distance(spec, params, x):
    """The smallest distance of any input of a kinked function from its kink (finite differences across
    a kink are wrong, so cases are drawn until this is comfortably large)."""
    distance = np.inf
    for i, layer in enumerate(spec['layers']):
        t = layer['type']
        if layer.get('activation') in KINKS:
            before = {'layers': spec['layers'][:i] + [dict(layer, activation='linear')]}
            kinks = KINKS[layer['activation']]
        elif t in ('reLU', 'leakyReLU', 'prelu', 'elu', 'thresholdedReLU'):
            before = {'layers': spec['layers'][:i]}
            kinks = [layer.get('theta', 0.0)] + ([layer['maxValue']] if 'maxValue' in layer else [])
        else:
            continue
        z = forward(before, params[: count_params(before)], x[None])
        distance = min(distance, min(np.abs(z - k).min() for k in kinks))
    return distance


def count_params(spec):
    n = 0
    for layer in spec['layers']:
        t = layer['type']
        if t in ('dense', 'conv2d', 'conv2dTranspose', 'depthwiseConv2d'):
            n += 2 if layer.get('useBias', True) else 1
        elif t == 'separableConv2d':
            n += 3 if layer.get('useBias', True) else 2
        elif t == 'prelu':
            n += 1
        elif t in ('batchNormalization', 'layerNormalization'):
            n += 2
    return n


def input_gradient(spec, params, x, step=1e-5):
    flat = x.reshape(-1)
    n = flat.size
    perturbed = np.repeat(flat[None], 2 * n, axis=0)
    idx = np.arange(n)
    perturbed[idx, idx] += step
    perturbed[n + idx, idx] -= step
    out = forward(spec, params, perturbed.reshape((2 * n,) + x.shape))
    totals = out.reshape(2 * n, -1).sum(axis=1)
    return ((totals[:n] - totals[n:]) / (2 * step)).reshape(x.shape)


def penalties(spec, params, x):
    g = input_gradient(spec, params, x)
    sq = (g.reshape(x.shape[0], -1) ** 2).sum(axis=1)
    r1 = 2 / 2 * sq.mean()
    gp = 1 * ((np.sqrt(sq + 1e-12) - 1) ** 2).mean()
    return np.array([r1, gp])


def penalty_gradients(spec, params, x, trainable, step):
    grads = []
    for k in trainable:
        w = params[k]
        g = np.zeros(w.shape + (2,))
        for i in np.ndindex(w.shape):
            keep = w[i]
            w[i] = keep + step
            hi = penalties(spec, params, x)
            w[i] = keep - step
            lo = penalties(spec, params, x)
            w[i] = keep
            g[i] = (hi - lo) / (2 * step)
        grads.append(g)
    return grads


def make_params(spec, in_shape, rng):
    """Weights in tfjs's layouts, rounded to float32 so tfjs holds exactly the same values."""
    params = []
    shape = in_shape
    f32 = lambda a: np.asarray(a, dtype=np.float32).astype(np.float64)
    for index, layer in enumerate(spec['layers']):
        t = layer['type']
        scale = layer.get('scale_init', 0.7)
        if t == 'dense':
            fan_in = shape[-1]
            params.append(f32(rng.normal(0, scale / math.sqrt(fan_in) * 2, (fan_in, layer['units']))))
            if layer.get('useBias', True):
                params.append(f32(rng.normal(0, 0.5, (layer['units'],))))
        elif t in ('conv2d', 'conv2dTranspose'):
            k = layer['kernelSize']
            cin = shape[-1]
            ks = (k, k, cin, layer['filters']) if t == 'conv2d' else (k, k, layer['filters'], cin)
            params.append(f32(rng.normal(0, scale / math.sqrt(k * k * cin) * 2, ks)))
            if layer.get('useBias', True):
                params.append(f32(rng.normal(0, 0.5, (layer['filters'],))))
        elif t in ('depthwiseConv2d', 'separableConv2d'):
            k, cin, mult = layer['kernelSize'], shape[-1], layer.get('depthMultiplier', 1)
            params.append(f32(rng.normal(0, scale / math.sqrt(k * k) * 2, (k, k, cin, mult))))
            out_channels = cin * mult
            if t == 'separableConv2d':
                params.append(f32(rng.normal(0, scale / math.sqrt(cin * mult) * 2, (1, 1, cin * mult, layer['filters']))))
                out_channels = layer['filters']
            if layer.get('useBias', True):
                params.append(f32(rng.normal(0, 0.5, (out_channels,))))
        elif t == 'prelu':  # sharedAxes (1-based over the sample's axes, as tfjs) get size 1
            alpha_shape = tuple(1 if axis + 1 in layer.get('sharedAxes', []) else n for axis, n in enumerate(shape))
            params.append(f32(rng.uniform(0.1, 0.4, alpha_shape)))
        elif t in ('batchNormalization', 'layerNormalization'):
            params.append(f32(rng.normal(1, 0.2, (shape[-1],))))
            params.append(f32(rng.normal(0, 0.3, (shape[-1],))))
        shape = forward({'layers': spec['layers'][: index + 1]}, params, np.zeros((1, spec['batch']) + tuple(in_shape))).shape[2:]
    return params




def trainable_indices(spec):
    """Index in params of every trainable weight (all params here are trainable)."""
    return list(range(count_params(spec)))


def case(name, input_shape, layers, batch=2):
    return {'name': name, 'inputShape': list(input_shape), 'batch': batch, 'layers': layers}


def cases():
    dense_head = [{'type': 'flatten'}, {'type': 'dense', 'units': 1}]
    out = [
        # The critic: flatten -> dense(6) -> sigmoid -> dense(1).
        case(
            'issue 11: flatten > dense(6) > sigmoid > dense(1)',
            [2, 2, 1],
            [{'type': 'flatten'}, {'type': 'dense', 'units': 6}, {'type': 'activation', 'activation': 'sigmoid'}, {'type': 'dense', 'units': 1}],
            batch=3,
        ),
        case(
            'activation layer tanh',
            [4],
            [{'type': 'dense', 'units': 5}, {'type': 'activation', 'activation': 'tanh'}, {'type': 'dense', 'units': 1}],
            batch=3,
        ),
    ]
    for activation in ACTIVATIONS:
        out.append(
            case(
                f'dense activation {activation}',
                [4],
                [{'type': 'dense', 'units': 5, 'activation': activation}, {'type': 'dense', 'units': 1}],
                batch=3,
            )
        )
    hidden = [{'type': 'dense', 'units': 5}]
    for layer in [
        {'type': 'reLU'},
        {'type': 'reLU', 'maxValue': 0.8},
        {'type': 'leakyReLU', 'alpha': 0.2},
        {'type': 'prelu'},
        {'type': 'elu'},
        {'type': 'thresholdedReLU', 'theta': 0.3},
        {'type': 'softmax'},
        {'type': 'layerNormalization'},
    ]:
        name = layer['type'] + (f" maxValue {layer['maxValue']}" if 'maxValue' in layer else '')
        out.append(case(f'{name} layer', [4], hidden + [layer, {'type': 'dense', 'units': 1}], batch=3))
    # A linear head right after batch statistics would make sum_i D(x_i) constant (zero penalty gradient).
    out.append(case('batchNormalization layer', [4], hidden + [{'type': 'batchNormalization'}, {'type': 'activation', 'activation': 'tanh'}, {'type': 'dense', 'units': 1}], batch=3))
    conv = lambda **kw: dict({'type': 'conv2d', 'kernelSize': 3, 'filters': 3, 'padding': 'same'}, **kw)
    leaky = {'type': 'leakyReLU', 'alpha': 0.2}
    out += [
        case('conv2d 3x3 same + bias, leakyReLU', [4, 4, 2], [conv(), leaky] + dense_head),
        case('conv2d 4x4 stride 2 same, no bias (DCGAN)', [4, 4, 2], [conv(kernelSize=4, strides=2, useBias=False), leaky] + dense_head),
        case('conv2d 2x2 valid, fused relu', [4, 4, 2], [conv(kernelSize=2, padding='valid', activation='relu')] + dense_head),
        case('conv2d 1x1 with tanh', [3, 3, 2], [conv(kernelSize=1, activation='tanh')] + dense_head),
        case('conv2d > batchNormalization > leakyReLU (DCGAN D block)', [4, 4, 2], [conv(strides=2), {'type': 'batchNormalization'}, leaky] + dense_head),
        case('conv2d > layerNormalization', [4, 4, 2], [conv(), {'type': 'layerNormalization'}, leaky] + dense_head),
        case('conv2dTranspose 3x3 stride 2 same + bias', [2, 2, 2], [{'type': 'conv2dTranspose', 'kernelSize': 3, 'filters': 2, 'strides': 2, 'padding': 'same'}, leaky] + dense_head),
        case('conv2dTranspose 2x2 valid, sigmoid', [2, 2, 2], [{'type': 'conv2dTranspose', 'kernelSize': 2, 'filters': 2, 'padding': 'valid', 'activation': 'sigmoid'}] + dense_head),
        case('averagePooling2d', [4, 4, 2], [conv(), {'type': 'averagePooling2d', 'poolSize': 2}, leaky] + dense_head),
        case('globalAveragePooling2d', [4, 4, 2], [conv(activation='tanh'), {'type': 'globalAveragePooling2d'}, {'type': 'dense', 'units': 1}]),
        case('upSampling2d', [2, 2, 2], [{'type': 'upSampling2d', 'size': 2}, conv(activation='tanh')] + dense_head),
        case('zeroPadding2d', [3, 3, 1], [{'type': 'zeroPadding2d', 'padding': 1}, conv(padding='valid', activation='sigmoid')] + dense_head),
        case('pixelShuffle (GANForge)', [2, 2, 4], [conv(filters=8, activation='tanh'), {'type': 'pixelShuffle', 'scale': 2}] + [conv(filters=2), leaky] + dense_head),
        case('reshape, repeatVector', [4], [{'type': 'dense', 'units': 3, 'activation': 'tanh'}, {'type': 'repeatVector', 'n': 2}, {'type': 'reshape', 'targetShape': [6]}, {'type': 'dense', 'units': 1}], batch=3),
        case('concatenate with the input (conditional D)', [4], [{'type': 'dense', 'units': 3, 'activation': 'sigmoid'}, {'type': 'concatenate', 'with': 0}, {'type': 'dense', 'units': 1}], batch=3),
        case('add (residual)', [3, 3, 2], [conv(filters=2, activation='tanh'), {'type': 'add', 'with': 0}, conv(filters=2), leaky] + dense_head),
        case(
            'depthwiseConv2d 3x3 stride 2 same, multiplier 2, tanh',
            [4, 4, 2],
            [{'type': 'depthwiseConv2d', 'kernelSize': 3, 'depthMultiplier': 2, 'strides': 2, 'padding': 'same', 'activation': 'tanh'}] + dense_head,
        ),
        case(
            'separableConv2d 3x3 same + bias, leakyReLU',
            [4, 4, 2],
            [{'type': 'separableConv2d', 'kernelSize': 3, 'filters': 3, 'padding': 'same'}, leaky] + dense_head,
        ),
        case('prelu with sharedAxes [1, 2] (SRResNet)', [4, 4, 2], [conv(), {'type': 'prelu', 'sharedAxes': [1, 2]}] + dense_head),
        # The mask is what tf.layers.dropout({ rate: 0.4, seed: 7 }) keeps of a [3, 5] input in tfjs 4.22
        # (seeded tf.randomUniform, the same on every backend); if tfjs drew another, the case would fail.
        case(
            'dropout (seeded)',
            [4],
            [
                {'type': 'dense', 'units': 5},
                {'type': 'dropout', 'rate': 0.4, 'seed': 7, 'mask': [0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0]},
                {'type': 'activation', 'activation': 'tanh'},
                {'type': 'dense', 'units': 1},
            ],
            batch=3,
        ),
    ]
    return out


def main():
    result = []
    for seed, spec in enumerate(cases()):
        rng = np.random.default_rng(1000 + seed)
        for attempt in range(200):
            x = np.asarray(rng.normal(0, 1, [spec['batch']] + spec['inputShape']), dtype=np.float32).astype(np.float64)
            params = make_params(spec, spec['inputShape'], rng)
            if kink_distance(spec, params, x) > 2e-2:
                break
        else:
            raise RuntimeError(f"{spec['name']}: no draw keeps away from the kinks")
        grads = penalty_gradients(spec, params, x, trainable_indices(spec), 1e-4)
        check = penalty_gradients(spec, params, x, trainable_indices(spec), 5e-5)
        scale = max(np.abs(g).max() for g in grads)
        worst = max(np.abs(g - c).max() for g, c in zip(grads, check))
        if worst > 2e-5 * max(scale, 1.0):
            raise RuntimeError(f"{spec['name']}: finite differences disagree by {worst:g} (scale {scale:g})")
        values = penalties(spec, params, x)
        result.append(
            {
                **spec,
                'x': x.reshape(-1).tolist(),
                'weights': [{'shape': list(w.shape), 'values': w.reshape(-1).tolist()} for w in params],
                'r1': {'value': float(values[0]), 'gradients': [g[..., 0].reshape(-1).tolist() for g in grads]},
                'gp': {'value': float(values[1]), 'gradients': [g[..., 1].reshape(-1).tolist() for g in grads]},
                'finiteDifferenceAgreement': float(worst),
            }
        )
        print(f"{spec['name']}: R1 {values[0]:.6g}, GP {values[1]:.6g}, |grad| max {scale:.3g}, step check {worst:.1e}")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'penalty-gradients.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'generate-penalty-gradients.py', 'cases': result}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()

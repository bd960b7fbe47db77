"""PyTorch peer of `pnpm bench`: the same models as scripts/bench-models.ts, same step (one D update
on real + detached fake, one G update, non-saturating BCE, Adam 2e-4 / 0.5), timed the same way (ms
per step after warm-up; `pnpm bench` takes the median and spread). Prints one JSON line: the timed
steps, torch's version, threads, device, BLAS_INFO and the BLAS/LAPACK libraries this process loaded.

    /usr/bin/python3 scripts/bench_pytorch.py --model dcgan28 --batch 64 --steps 10 --warmup 3 --threads 2 [--device cuda]
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def dcgan(size, channels, latent, filters):
    start, stages = {28: (7, 2), 32: (4, 3), 64: (4, 4)}[size]
    widest = filters * 2 ** (stages - 1)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(latent, start * start * widest, bias=False)
            self.project_bn = nn.BatchNorm1d(start * start * widest)
            layers = []
            for stage in range(stages - 1):
                width_in = filters * 2 ** (stages - 1 - stage)
                layers += [nn.ConvTranspose2d(width_in, width_in // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width_in // 2), nn.ReLU(True)]
            layers += [nn.ConvTranspose2d(filters, channels, 4, 2, 1), nn.Tanh()]
            self.net = nn.Sequential(*layers)

        def forward(self, z):
            x = torch.relu(self.project_bn(self.project(z)))
            return self.net(x.view(-1, widest, start, start))

    layers, width_in = [], channels
    for stage in range(stages):
        width = filters * 2 ** stage
        layers.append(nn.Conv2d(width_in, width, 4, 2, 1, bias=stage == 0))
        if stage > 0:
            layers.append(nn.BatchNorm2d(width))
        layers.append(nn.LeakyReLU(0.2))
        width_in = width
    layers += [nn.Flatten(), nn.Linear(start * start * widest, 1)]
    return Generator(), nn.Sequential(*layers)


class ResidualBlock(nn.Module):
    def __init__(self, filters):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(filters, filters, 3, 1, 1), nn.BatchNorm2d(filters), nn.PReLU(filters),
                                  nn.Conv2d(filters, filters, 3, 1, 1), nn.BatchNorm2d(filters))

    def forward(self, x):
        return x + self.body(x)


class Srresnet(nn.Module):
    """SRGAN's generator (Ledig et al. 2016, fig. 4), as @ganforge/srgan's srresnet()."""

    def __init__(self, blocks=16, filters=64, scale=4):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(3, filters, 9, 1, 4), nn.PReLU(filters))
        self.blocks = nn.Sequential(*[ResidualBlock(filters) for _ in range(blocks)])
        self.join = nn.Sequential(nn.Conv2d(filters, filters, 3, 1, 1), nn.BatchNorm2d(filters))
        up = []
        for _ in range(scale.bit_length() - 1):
            up += [nn.Conv2d(filters, 4 * filters, 3, 1, 1), nn.PixelShuffle(2), nn.PReLU(filters)]
        self.up = nn.Sequential(*up)
        self.tail = nn.Conv2d(filters, 3, 9, 1, 4)

    def forward(self, x):
        head = self.head(x)
        return self.tail(self.up(head + self.join(self.blocks(head))))


def srgan_discriminator(size=96, filters=64):
    layers, width_in = [], 3
    for index in range(8):
        width = filters * 2 ** (index // 2)
        layers.append(nn.Conv2d(width_in, width, 3, 1 if index % 2 == 0 else 2, 1))
        if index > 0:
            layers.append(nn.BatchNorm2d(width))
        layers.append(nn.LeakyReLU(0.2))
        width_in = width
    side = size // 16
    layers += [nn.Flatten(), nn.Linear(width_in * side * side, 1024), nn.LeakyReLU(0.2), nn.Linear(1024, 1)]
    return nn.Sequential(*layers)


MODELS = {
    # `ganforge demo` (packages/cli/src/demo-run.ts): half the paper's widths, latent 64.
    'dcgan28-demo': dict(size=28, channels=1, latent=64, filters=32),
    'dcgan28': dict(size=28, channels=1, latent=100, filters=64),
    'dcgan64': dict(size=64, channels=3, latent=100, filters=64),
    # SRGAN: x4 from 24x24 to 96x96, G loss = pixel MSE + 1e-3 adversarial.
    'srresnet16': dict(size=96, channels=3, latent=None, filters=64),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', required=True, choices=sorted(MODELS))
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--threads', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    spec = MODELS[args.model]
    device = torch.device(args.device)
    if spec['latent'] is None:
        generator, discriminator = Srresnet().to(device), srgan_discriminator().to(device)
    else:
        generator, discriminator = (m.to(device) for m in dcgan(**spec))
    opt_g = torch.optim.Adam(generator.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    size, channels, batch = spec['size'], spec['channels'], args.batch
    data = torch.rand(4 * batch, channels, size, size, device=device) * 2 - 1
    low_res = torch.rand(4 * batch, channels, size // 4, size // 4, device=device) * 2 - 1
    mse = nn.MSELoss()
    ones = torch.ones(batch, 1, device=device)
    zeros = torch.zeros(batch, 1, device=device)
    times = []
    for step in range(args.warmup + args.steps):
        started = time.perf_counter()
        rows = slice((step % 4) * batch, (step % 4 + 1) * batch)
        real = data[rows]
        generator_input = low_res[rows] if spec['latent'] is None else torch.randn(batch, spec['latent'], device=device)
        fake = generator(generator_input)
        opt_d.zero_grad(set_to_none=True)
        loss_d = bce(discriminator(real), ones) + bce(discriminator(fake.detach()), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(discriminator(fake), ones)
        if spec['latent'] is None:
            loss_g = mse(fake, real) + 1e-3 * loss_g
        loss_g.backward()
        opt_g.step()
        _ = (loss_d.item(), loss_g.item())  # synchronises, as the tfjs loops read their losses
        if step >= args.warmup:
            times.append((time.perf_counter() - started) * 1000)
    config = torch.__config__.show()
    blas = next((line.split('BLAS_INFO=')[1].split(',')[0].strip() for line in config.splitlines() if 'BLAS_INFO=' in line), 'unknown')
    print(json.dumps({
        'times': times,
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'device': torch.cuda.get_device_name(0) if device.type == 'cuda' else 'cpu',
        'blas': blas,
        'blasLibrary': ', '.join(loaded_blas_libraries()) or 'none found',
    }))


def loaded_blas_libraries():
    """The BLAS/LAPACK shared libraries really mapped into this process (not what was meant to be)."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if '/' in line}
    except OSError:
        return []
    return sorted(path for path in paths if any(name in path.rsplit('/', 1)[-1] for name in ('blas', 'lapack', 'mkl')))


if __name__ == '__main__':
    main()

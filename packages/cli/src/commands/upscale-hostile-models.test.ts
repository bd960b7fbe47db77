import { execFile, execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { saveUpscalingModel, srresnet } from '@ganforge/srgan';
import { fileSystemHandler } from '@ganforge/srgan/node';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';

const packageRoot = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

// Informational stderr lines (as in test-support/run-ganforge.ts): the backend report and progress bars.
const informational = [/^\[ganforge\] (backend|resume):/, /^[a-z-]+ \|/];

/** Runs the real `ganforge` entry point (tsx maps workspace packages to sources), without blocking the others. */
async function ganforge(environment: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/bin.ts', ...args], {
      cwd: packageRoot,
      env: { ...process.env, GANFORGE_BACKEND: '', ...environment },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface Folders {
  readonly root: string;
  readonly model: string;
  readonly sibling: string;
}

let template: {
  json: { weightsManifest: { paths: string[]; weights: unknown[] }[] } & Record<string, unknown>;
  weights: Buffer;
};

beforeAll(async () => {
  // A real x2 upscaling model (SRResNet without residual blocks), so a folder that borrows its
  // weights from a sibling would upscale and exit 0 if the borrowing were allowed.
  const folder = mkdtempSync(join(tmpdir(), 'ganforge-template-'));
  const generator = srresnet({ blocks: 0, filters: 2, scale: 2, seed: 3 });
  await saveUpscalingModel(generator, fileSystemHandler(folder), { scale: 2, padding: 2 });
  generator.dispose();
  template = {
    json: JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')),
    weights: readFileSync(join(folder, 'weights.bin')),
  };
});

/** root/in.png, root/model/ and root/sibling/ (both a valid model). */
function folders(): Folders {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ganforge-hostile-cli-')));
  const png = new PNG({ width: 4, height: 4 });
  png.data.fill(128);
  writeFileSync(join(root, 'in.png'), PNG.sync.write(png));
  for (const name of ['model', 'sibling']) {
    mkdirSync(join(root, name));
    writeFileSync(join(root, name, 'model.json'), JSON.stringify(template.json));
    writeFileSync(join(root, name, 'weights.bin'), template.weights);
  }
  return { root, model: join(root, 'model'), sibling: join(root, 'sibling') };
}

function editModelJson(model: string, edit: (json: typeof template.json) => unknown): void {
  writeFileSync(join(model, 'model.json'), JSON.stringify(edit(structuredClone(template.json))));
}

const withPaths = (paths: string[]) => (json: typeof template.json) => ({
  ...json,
  weightsManifest: [{ ...json.weightsManifest[0]!, paths }],
});

const cases: {
  name: string;
  arrange: (folders: Folders) => void;
  code: string;
  environment?: Record<string, string>;
}[] = [
  {
    name: "'../sibling/weights.bin' (valid weights next door)",
    arrange: ({ model }) => {
      rmSync(join(model, 'weights.bin'));
      editModelJson(model, withPaths(['../sibling/weights.bin']));
    },
    code: 'UNSAFE_PATH',
  },
  {
    name: '/etc/passwd as a shard',
    arrange: ({ model }) => editModelJson(model, withPaths(['/etc/passwd'])),
    code: 'UNSAFE_PATH',
  },
  {
    name: 'a shard that is a symbolic link to the sibling',
    arrange: ({ model, sibling }) => {
      rmSync(join(model, 'weights.bin'));
      symlinkSync(join(sibling, 'weights.bin'), join(model, 'weights.bin'));
    },
    code: 'UNSAFE_PATH',
  },
  {
    name: 'model.json a FIFO',
    arrange: ({ model }) => {
      rmSync(join(model, 'model.json'));
      execFileSync('mkfifo', [join(model, 'model.json')]);
    },
    code: 'UNSAFE_PATH',
  },
  {
    name: 'a shard a FIFO',
    arrange: ({ model }) => {
      rmSync(join(model, 'weights.bin'));
      execFileSync('mkfifo', [join(model, 'weights.bin')]);
    },
    code: 'UNSAFE_PATH',
  },
  {
    name: 'a huge sparse shard (100 GiB)',
    arrange: ({ model }) => truncateSync(join(model, 'weights.bin'), 100 * 1024 ** 3),
    code: 'INVALID_FILE',
  },
  {
    name: 'a shard 4 bytes short of the manifest',
    arrange: ({ model }) => truncateSync(join(model, 'weights.bin'), template.weights.length - 4),
    code: 'INVALID_FILE',
  },
  { name: 'model.json JSON null', arrange: ({ model }) => editModelJson(model, () => null), code: 'INVALID_FILE' },
  {
    name: 'weightsManifest not an array',
    arrange: ({ model }) => editModelJson(model, (json) => ({ ...json, weightsManifest: { paths: [] } })),
    code: 'INVALID_FILE',
  },
  {
    name: 'a negative shape',
    arrange: ({ model }) =>
      editModelJson(model, (json) => {
        json.weightsManifest[0]!.weights[0] = { name: 'x', shape: [-1, 4], dtype: 'float32' };
        return json;
      }),
    code: 'INVALID_FILE',
  },
  {
    name: 'an unknown dtype',
    arrange: ({ model }) =>
      editModelJson(model, (json) => {
        json.weightsManifest[0]!.weights[0] = { name: 'x', shape: [1], dtype: 'float64' };
        return json;
      }),
    code: 'INVALID_FILE',
  },
  {
    name: 'a topology whose first convolution asks for 1e6 filters (weights for 2)',
    arrange: ({ model }) =>
      editModelJson(model, (json) => {
        const text = JSON.stringify(json);
        // SRResNet's convolutions have 2 filters here (filters: 2 above); the first becomes 1e6.
        return JSON.parse(text.replace('"filters":2', '"filters":1000000'));
      }),
    code: 'INVALID_FILE',
  },
  {
    name: 'weights over GANFORGE_MAX_WEIGHT_BYTES=16',
    arrange: () => {},
    code: 'SIZE_LIMIT',
    environment: { GANFORGE_MAX_WEIGHT_BYTES: '16' },
  },
];

describe('ganforge upscale --model <hostile folder>', () => {
  for (const { name, arrange, code, environment } of cases) {
    it.concurrent(
      `${name}: one line with ${code}, exit status not 0, no stack trace`,
      async () => {
        const { root, model } = folders();
        arrange({ root, model, sibling: join(root, 'sibling') });
        const result = await ganforge(
          environment ?? {},
          'upscale',
          join(root, 'in.png'),
          join(root, 'out.png'),
          '--model',
          model,
        );
        const errors = result.stderr
          .split('\n')
          .filter((line) => line.trim() !== '' && !informational.some((pattern) => pattern.test(line)));
        expect(result.code).not.toBe(0);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatch(new RegExp(`^ganforge: .*\\[${code}\\]$`));
        expect(result.stderr).not.toMatch(/\n\s+at /);
      },
      // Each case starts a Node process that imports tfjs: seconds alone, a minute on a busy 2-core machine.
      300_000,
    );
  }
});

import type { StoredRun } from '../models/run-library.js';
import type { ModelSource } from './upscale-worker-api.js';

/** A file's name inside its run folder: `model/model.json` for a folder pick, else its own name. */
function folderPath(file: File): string {
  const parts = (file.webkitRelativePath || file.name).split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : file.name;
}

/**
 * A tfjs model the person picked: `model.json` and its weight files, the `model/` folder of a
 * `ganforge train srresnet|srgan` run (as files, or the run folder; `.gfckpt` files go through the
 * Models panel's `importRunFiles` instead). Throws a message that names the files and says what to pick.
 */
export async function layersSourceFromFiles(files: readonly File[]): Promise<{
  readonly source: ModelSource;
  /** The model's files as the library stores them (names as in the run folder: `model/model.json`, ...). */
  readonly runFiles: Record<string, Uint8Array>;
  readonly name: string;
  /** Steps trained, from the run folder's run.json when it was picked with the model. */
  readonly step: number | undefined;
}> {
  const folder = (files[0]?.webkitRelativePath || '').split('/')[0];
  const json = files.filter((file) => file.name.endsWith('.json') && folderPath(file) !== 'run.json');
  if (json.length !== 1) {
    throw new Error(
      `${files.map((file) => file.name).join(', ') || 'no files'}: expected the model.json and weights.bin of a ` +
        `\`ganforge train srresnet\` run's model/ folder (or a run's latest.gfckpt), received ${json.length} .json files.`,
    );
  }
  const modelFiles = files.filter((file) => file === json[0] || file.name.endsWith('.bin'));
  const runFiles: Record<string, Uint8Array> = {};
  for (const file of modelFiles) runFiles[`model/${file.name}`] = new Uint8Array(await file.arrayBuffer());
  const runJson = files.find((file) => folderPath(file) === 'run.json');
  const steps = runJson ? (await readRunJson(runJson))?.summary?.steps : undefined;
  return {
    source: { kind: 'layers-files', files: modelFiles },
    runFiles,
    name: folder || json[0]!.name,
    step: typeof steps === 'number' && Number.isSafeInteger(steps) && steps >= 0 ? steps : undefined,
  };
}

/** A run folder's run.json (`ganforge train` writes its options and summary there); undefined when unreadable. */
async function readRunJson(file: File): Promise<{ summary?: { steps?: unknown } } | undefined> {
  try {
    return JSON.parse(await file.text()) as { summary?: { steps?: unknown } };
  } catch {
    return undefined; // Not needed to load the model: the step is only shown.
  }
}

/** A library run's model, as the worker loads it. */
export function modelSourceFromRun(run: StoredRun): ModelSource {
  const checkpoint = run.files['latest.gfckpt'];
  if (checkpoint) return { kind: 'checkpoint', fileName: `${run.name}/latest.gfckpt`, bytes: checkpoint };
  const modelFiles = Object.entries(run.files)
    .filter(([path]) => path.startsWith('model/'))
    .map(([path, bytes]) => new File([bytes as Uint8Array<ArrayBuffer>], path.slice('model/'.length)));
  if (modelFiles.some((file) => file.name === 'model.json')) return { kind: 'layers-files', files: modelFiles };
  throw new Error(
    `The run ${run.name} has ${run.fileNames.join(', ')}: expected latest.gfckpt or model/model.json with its weights.`,
  );
}

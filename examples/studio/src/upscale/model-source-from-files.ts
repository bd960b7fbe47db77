import type { StoredRun } from '../models/run-library.js';
import type { ModelSource } from './upscale-worker-api.js';

/** A file's name inside its run folder: `model/model.json` for a folder pick, else its own name. */
function folderPath(file: File): string {
  const parts = (file.webkitRelativePath || file.name).split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : file.name;
}

/**
 * What the person picked, as the worker loads it: a `.gfckpt` (the `latest.gfckpt` of a
 * `ganforge train srgan` run) or a tfjs model (`model.json` + weight files, the `model/` folder of
 * a `train srresnet|srgan` run, picked as files or as the run folder). Throws a message that names
 * the files and says what to pick.
 */
export async function modelSourceFromFiles(files: readonly File[]): Promise<{
  readonly source: ModelSource;
  /** The run's files as the library stores them (names as in the run folder). */
  readonly runFiles: Record<string, Uint8Array>;
  readonly name: string;
}> {
  const names = files.map((file) => file.name).join(', ') || 'no files';
  const folder = files[0]?.webkitRelativePath.split('/')[0];
  const checkpoints = files.filter((file) => file.name.endsWith('.gfckpt'));
  const json = files.filter((file) => file.name.endsWith('.json') && folderPath(file) !== 'run.json');
  if (checkpoints.length > 0) {
    const checkpoint = checkpoints.find((file) => file.name === 'latest.gfckpt') ?? checkpoints[0]!;
    if (checkpoints.length > 1 && checkpoint.name !== 'latest.gfckpt') {
      throw new Error(`${names}: expected one .gfckpt (a run's latest.gfckpt), received ${checkpoints.length}.`);
    }
    const bytes = new Uint8Array(await checkpoint.arrayBuffer());
    return {
      source: { kind: 'checkpoint', fileName: checkpoint.name, bytes },
      runFiles: { 'latest.gfckpt': bytes },
      name: folder && folder !== checkpoint.name ? folder : checkpoint.name,
    };
  }
  if (json.length === 1) {
    const modelFiles = files.filter((file) => file === json[0] || file.name.endsWith('.bin'));
    const runFiles: Record<string, Uint8Array> = {};
    for (const file of modelFiles) runFiles[`model/${file.name}`] = new Uint8Array(await file.arrayBuffer());
    return { source: { kind: 'layers-files', files: modelFiles }, runFiles, name: folder || json[0]!.name };
  }
  throw new Error(
    `${names}: expected the latest.gfckpt of a \`ganforge train srgan\` run, or the model.json and weights.bin of a ` +
      `\`ganforge train srresnet\` run's model/ folder, received ${json.length > 1 ? `${json.length} .json files` : 'neither'}.`,
  );
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

/**
 * What a README example must show when it runs, read from its text and its output. Kept apart from
 * the runner so that each rule has its own unit test.
 */

/** The library's training loops; each one runs under GANFORGE_MAX_STEPS and prints its cap line. */
const trainingCallPattern = /(\.fit|\bfitLevel|\btrainSrresnet|\btrainJointEmbedding|\btrainAttributeClassifier)\s*\(/g;

export interface TrainingCall {
  /** The loop's name as written, e.g. '.fit' or 'trainSrresnet'. */
  readonly name: string;
  /** The text between the call's parentheses. */
  readonly argumentsText: string;
}

/** The training-loop calls of an example, with their argument text (parentheses matched, strings skipped). */
export function trainingCalls(code: string): TrainingCall[] {
  const calls: TrainingCall[] = [];
  for (const match of code.matchAll(trainingCallPattern)) {
    const open = match.index + match[0].length - 1;
    calls.push({ name: match[1]!, argumentsText: code.slice(open + 1, matchingParenthesis(code, open)) });
  }
  return calls;
}

function matchingParenthesis(code: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = open; index < code.length; index++) {
    const char = code[index]!;
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return code.length;
}

/**
 * Training calls that show no progress. With GANFORGE_MAX_STEPS the loops stop before any sensible
 * logging interval comes round, so progress is checked in the text: each call passes `onStep`.
 */
export function callsWithoutProgress(code: string): TrainingCall[] {
  return trainingCalls(code).filter((call) => !/\bonStep\b/.test(call.argumentsText));
}

/** Image and JSON file names that the example writes as string literals (e.g. 'samples.png'). */
export function namedOutputFiles(code: string): string[] {
  const names = [...code.matchAll(/(['"`])([\w./-]+\.(?:png|jpe?g|webp|json))\1/gi)].map((match) => match[2]!);
  return [...new Set(names)];
}

export interface CapLine {
  readonly loop: string;
  readonly backend: string;
}

/** The lines capTrainingSteps printed: which loop ran on which tfjs backend. */
export function capLines(output: string): CapLine[] {
  return [...output.matchAll(/\[ganforge\] GANFORGE_MAX_STEPS=\d+: (\S+) .*\(backend: ([^)]+)\)/g)].map((match) => ({
    loop: match[1]!,
    backend: match[2]!,
  }));
}

/** The first bytes of each image format, to check that a written file is what its extension says. */
export function formatOfBytes(bytes: Uint8Array): 'png' | 'jpeg' | 'webp' | 'json' | 'unknown' {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 1) === '{' || ascii(0, 1) === '[') return 'json';
  return 'unknown';
}

/** The format a file name's extension promises. */
export function formatOfName(name: string): 'png' | 'jpeg' | 'webp' | 'json' | 'unknown' {
  const extension = name.toLowerCase().split('.').pop();
  if (extension === 'png' || extension === 'webp' || extension === 'json') return extension;
  if (extension === 'jpg' || extension === 'jpeg') return 'jpeg';
  return 'unknown';
}

import type { RunFileEntry } from './import-run.js';

/** The files of an entry, with their paths; a folder is walked (every `readEntries` batch). */
async function entriesOf(entry: FileSystemEntry, path: string): Promise<RunFileEntry[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path }];
  }
  if (!entry.isDirectory) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries hands out a folder's entries in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((child) => entriesOf(child, `${path}/${child.name}`)));
  return nested.flat();
}

/**
 * What was dropped on the page: loose files by name, a folder's files as `folder/name` (so a dropped
 * run folder imports like one picked with the folder picker). Read at once: a DataTransfer's items
 * are gone after the drop event.
 */
export async function droppedFiles(transfer: DataTransfer): Promise<RunFileEntry[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const files = await Promise.all(
    entries.map(({ entry, file }) => {
      if (entry) return entriesOf(entry, entry.name);
      return file ? [{ file, path: file.name }] : [];
    }),
  );
  return files.flat();
}

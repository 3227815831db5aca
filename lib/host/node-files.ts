/**
 * Files on the Node side, read and written so that bad input or a bad disk cannot cost memory, time or
 * the user's files:
 *   - readFileBounded: the size is checked (fstat) before anything is read, and no more than the limit is
 *     ever read (a file that grows meanwhile is refused too);
 *   - checkOutputFile: before long work starts, the output's folder must exist and be writable (a probe
 *     file is created and removed there), the path may not be a folder or one of the command's inputs;
 *   - writeFileAtomic: the text goes to a temporary file in the same folder, is flushed, then renamed over
 *     the target, so the target is either the old file or the whole new one — never truncated (full disk).
 * Every failure is a FileProblem whose message names the file and what is wrong (no stack traces).
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatBytes } from '../data/bounded';

/** A problem with a file the user named: the CLI reports the message and exits 2. */
export class FileProblem extends Error {
  override name = 'FileProblem';
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT': return 'no such file or folder';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ENOSPC': return 'the disk is full';
    case 'EDQUOT': return 'the disk quota is exceeded';
    case 'EROFS': return 'the file system is read-only';
    case 'EFBIG': return 'the file is larger than the system allows';
    default: return e?.message ?? String(error);
  }
}

/** The bytes of `path`, refused unread when larger than `maxBytes`. `what` names the file in messages ("model file"). */
export async function readFileBounded(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    throw new FileProblem(`cannot read ${what} "${path}": ${reason(error)}`);
  }
  try {
    let info: Stats;
    try {
      info = await handle.stat();
    } catch (error) {
      throw new FileProblem(`cannot read ${what} "${path}": ${reason(error)}`);
    }
    if (info.isDirectory()) throw new FileProblem(`cannot read ${what} "${path}": it is a folder, not a file`);
    if (!info.isFile()) throw new FileProblem(`cannot read ${what} "${path}": not a regular file`);
    if (info.size > maxBytes) throw new FileProblem(`${what} "${path}" is ${formatBytes(info.size)}, larger than any ${what} can be (at most ${formatBytes(maxBytes)}); not read`);
    // One byte more than fstat said: a file that grows while it is read is noticed, and never read past the limit.
    const buffer = new Uint8Array(info.size + 1);
    let length = 0;
    try {
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
    } catch (error) {
      throw new FileProblem(`cannot read ${what} "${path}": ${reason(error)}`);
    }
    if (length > info.size) throw new FileProblem(`${what} "${path}" changed while it was read; try again`);
    return buffer.subarray(0, length);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The same file for two paths: equal real paths, or (for a file not yet there) equal real folders and names. */
async function canonical(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    try {
      return join(await realpath(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if ((await canonical(a)) === (await canonical(b))) return true;
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino; // hard links
  } catch {
    return false;
  }
}

function temporaryName(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Refuse an output file that could not be written, or that is one of `inputs` ({ path, what }), before any
 * long work starts. `option` names it in messages ("--report").
 */
export async function checkOutputFile(path: string, option: string, inputs: readonly { path: string; what: string }[] = []): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(path, input.path)) {
      throw new FileProblem(`${option} "${path}" is the ${input.what} ("${input.path}"): it would be overwritten; choose another file for ${option}`);
    }
  }
  let existing: Stats | null = null;
  try {
    existing = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new FileProblem(`${option} "${path}" cannot be written: ${reason(error)}`);
  }
  if (existing?.isDirectory()) throw new FileProblem(`${option} "${path}" is a folder; give a file name`);
  if (existing && !existing.isFile()) throw new FileProblem(`${option} "${path}" is not a regular file; give a file name`);
  // The real test: create (and remove) a file next to it, as writeFileAtomic will.
  const probe = temporaryName(path);
  try {
    const handle = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await handle.close();
  } catch (error) {
    throw new FileProblem(`${option} "${path}" cannot be written: ${reason(error)} (in folder "${dirname(resolve(path))}")`);
  }
  await unlink(probe).catch(() => undefined);
}

/** Write `text` to `path` whole or not at all (temporary file in the same folder, flushed, renamed). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  // Through a symbolic link: replace the file it points to, not the link.
  const target = await canonical(path);
  const temporary = temporaryName(target);
  let handle;
  try {
    handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (error) {
    throw new FileProblem(`cannot write "${path}": ${reason(error)}`);
  }
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new FileProblem(`cannot write "${path}": ${reason(error)}; the file there (if any) was not changed`);
  }
}

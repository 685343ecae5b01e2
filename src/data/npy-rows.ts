/**
 * Row access to a large .npy file without reading it whole: the header is parsed, the file size
 * checked against it, and rows are read where they lie. A CIFAR-10-C kind file is 150 MB, of which
 * a run needs a few rows per image.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataFormatError } from './errors.js';
import { formatShape, parseNpyHeader, type NpyHeader } from './npy.js';

/** Header bytes read before parsing; headers longer than this are read in full on a second try. */
const HEADER_PROBE_BYTES = 4096;

export interface NpyRows extends NpyHeader {
  path: string;
  /** Bytes of one row (the product of every dimension but the first, times the element size). */
  rowBytes: number;
  /** Copies row `row` into `into` at byte `offset`. */
  readRow(row: number, into: Uint8Array, offset: number): void;
  close(): void;
}

export function openNpyRows(path: string): NpyRows {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new DataFormatError(path, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const fileBytes = fstatSync(fd).size;
    const header = readHeader(fd, path, fileBytes);
    const actualBytes = fileBytes - header.dataStart;
    if (actualBytes !== header.dataBytes) {
      const problem = actualBytes < header.dataBytes ? 'truncated data' : 'trailing bytes after data';
      throw new DataFormatError(path, `${problem}: expected ${header.dataBytes} bytes for ${header.dtype} ${formatShape(header.shape)}, got ${actualBytes}`);
    }
    const rows = header.shape[0] ?? 1;
    const rowBytes = rows === 0 ? 0 : header.dataBytes / rows;
    return {
      ...header,
      path,
      rowBytes,
      readRow(row, into, offset) {
        if (!Number.isInteger(row) || row < 0 || row >= rows) throw new RangeError(`${path}: row ${row} outside [0, ${rows})`);
        const read = readSync(fd, into, offset, rowBytes, header.dataStart + row * rowBytes);
        if (read !== rowBytes) throw new DataFormatError(path, `short read at row ${row}: ${read} of ${rowBytes} bytes`);
      },
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function readHeader(fd: number, path: string, fileBytes: number): NpyHeader {
  const probe = new Uint8Array(Math.min(HEADER_PROBE_BYTES, fileBytes));
  readSync(fd, probe, 0, probe.length, 0);
  try {
    return parseNpyHeader(probe, path);
  } catch (error) {
    // A header longer than the probe: read as much as the length field announces.
    if (probe.length < fileBytes && error instanceof DataFormatError && /truncated header/.test(error.message)) {
      const full = new Uint8Array(fileBytes < 1 << 20 ? fileBytes : 1 << 20);
      readSync(fd, full, 0, full.length, 0);
      return parseNpyHeader(full, path);
    }
    throw error;
  }
}

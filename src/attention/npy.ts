/**
 * Minimal .npy (format v1.0) writer and reader for float32, little-endian, C order — what numpy's
 * `np.load` reads directly. Pure (no Node or DOM APIs), so the CLI and the browser exporters share it.
 * Layout: magic "\x93NUMPY", version 1.0, uint16 LE header length, ASCII dict header padded with
 * spaces to a multiple of 64 bytes ending in "\n", then the raw data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Encodes a float32 array of the given shape as a .npy file. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(
      `npy: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`,
    );
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic(6) + version(2) + length(2) + header + '\n' must be a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (isLittleEndian()) {
    out.set(body, 10 + header.length);
  } else {
    const view = new DataView(out.buffer, 10 + header.length);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return out;
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/** Decodes a float32 little-endian C-order .npy (v1.0 or v2.0); throws on anything else. */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b))
    throw new Error('npy: missing \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  let header = '';
  for (let i = 0; i < headerLen; i++) header += String.fromCharCode(bytes[start + i] ?? 0);
  if (!/'descr':\s*'<f4'/.test(header))
    throw new Error(`npy: only float32 little-endian is supported (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header))
    throw new Error('npy: Fortran order is not supported');
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) throw new Error('npy: header has no shape');
  const shape = (shapeMatch[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (bytes.length - offset < count * 4)
    throw new Error(`npy: expected ${count * 4} data bytes, found ${bytes.length - offset}`);
  const data = new Float32Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
  return { shape, data };
}

/** Memory a GenerationRecord holds in typed arrays (the part that grows with steps and layers). */
import type { GenerationRecord } from '../../core/record.ts';

export interface RecordBytes {
  total: number;
  attention: number;
  images: number;
}

export function recordBytes(record: GenerationRecord): RecordBytes {
  let attention = 0;
  let images = record.final?.byteLength ?? 0;
  for (const step of record.steps) {
    images += step.xt.byteLength + step.x0.byteLength;
    for (const a of step.attention) attention += a.byteLength;
  }
  return { total: attention + images, attention, images };
}

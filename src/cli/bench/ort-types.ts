/**
 * onnxruntime-web and onnxruntime-node share onnxruntime-common's API, so the step benches take
 * either module through this one type and run the same code on both.
 */
import type * as OrtWeb from 'onnxruntime-web';

export type Ort = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor'>;
export type Session = OrtWeb.InferenceSession;
export type Feeds = Record<string, OrtWeb.Tensor>;

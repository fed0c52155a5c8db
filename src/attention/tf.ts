/**
 * The one place that sets up @tensorflow/tfjs for attention/: the CPU backend everywhere. The maps
 * are small (a few hundred KB), so readback-free CPU math beats a WebGL round trip per hover, and
 * the backend is set synchronously so queries can be synchronous too.
 */
import * as tf from '@tensorflow/tfjs';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
// In Node tfjs prints a "install tfjs-node" banner on first use; PROD silences backend_util.warn.
if (isNode) tf.env().set('PROD', true);

/** Resolves once the CPU backend is active (it is synchronously, for the CPU backend). */
export const tfReady: Promise<boolean> = tf.setBackend('cpu');

export function ensureCpuBackend(): typeof tf {
  if (tf.engine().backendName !== 'cpu') void tf.setBackend('cpu');
  return tf;
}

export { tf };

/**
 * WebGL2 availability, checked on a throwaway canvas: calling getContext on the real canvas first
 * would fix its context attributes before three.js asks for its own.
 */
export type WebGl2Support = { ok: true } | { ok: false; reason: string };

export function detectWebGl2(doc: Document = document): WebGl2Support {
  try {
    const canvas = doc.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (!gl) {
      return {
        ok: false,
        reason:
          'This browser did not give the page a WebGL2 context (it may be disabled, blocklisted for this GPU, or unsupported).',
      };
    }
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `WebGL2 failed to start: ${e instanceof Error ? e.message : e}` };
  }
}

/**
 * Lets queued events (a worker's `cancel` message, a UI repaint) run between denoising steps. ORT's
 * WASM `run` computes synchronously under its promise, so only a macrotask boundary gives them a turn.
 * MessageChannel avoids setTimeout's 4 ms clamp; Node uses setImmediate (a port would keep it alive).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

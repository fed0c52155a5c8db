/**
 * Typed Svelte context: `const [getX, setX] = createContext<X>('X')`. The getter throws with a
 * readable message when a component is used outside the provider, instead of returning undefined.
 */
import { getContext, hasContext, setContext } from 'svelte';

export function createContext<T>(name: string): [get: () => T, set: (value: T) => T] {
  const key = Symbol(name);
  return [
    () => {
      if (!hasContext(key)) {
        throw new Error(`${name} context is missing: render this component inside <App>`);
      }
      return getContext<T>(key);
    },
    (value: T) => setContext(key, value),
  ];
}

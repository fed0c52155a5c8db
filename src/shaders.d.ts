// Shader sources are imported as plain strings with Vite's `?raw` suffix.
declare module '*.glsl?raw' {
  const source: string;
  export default source;
}

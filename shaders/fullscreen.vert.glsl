// fullscreen.vert.glsl — a clip-space quad covering the whole canvas.
//
// The overlay is computed per output pixel from gl_FragCoord in the fragment shaders, so this stage
// only places the two triangles of a PlaneGeometry(2, 2) over the viewport; no varyings, no camera.
// (three.js declares `position` for ShaderMaterial.)

void main() {
  gl_Position = vec4(position.xy, 0.0, 1.0);
}

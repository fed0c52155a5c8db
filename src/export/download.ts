/**
 * Hands a finished export to the browser as a download. Called only with complete bytes, so a
 * cancelled or failed export never produces a file.
 */
export function downloadBytes(bytes: Uint8Array, fileName: string, mime: string): void {
  // Copy into a fresh ArrayBuffer-backed view: Blob wants ArrayBuffer, not a SharedArrayBuffer view.
  const blob = new Blob([new Uint8Array(bytes)], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

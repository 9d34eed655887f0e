/** Saving files from the window through the browser's download (the only way a page can write a file). */
function saveBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(fileName: string, text: string): void {
  saveBlob(fileName, new Blob([text], { type: 'application/octet-stream' }));
}

/** Base64 data (e.g. a zip from main). */
export function downloadBytes(fileName: string, base64: string, type: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  saveBlob(fileName, new Blob([bytes], { type }));
}

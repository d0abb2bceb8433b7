/** Saves text as a file through the browser's (or Electron's) download, without leaving the app. */
export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  // Detached on purpose: the click never reaches the document's link guard.
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

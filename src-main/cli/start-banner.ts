/** What `voluntree serve` prints once it is up: the mode in a sentence, the URL, the data folder. */
export function startBanner(o: { demo: boolean; url: string; token: string; dataDir: string }): string {
  const mode = o.demo ? 'in demo mode (no Facebook Page connected: a built-in simulator plays Facebook)' : 'and connected to your Facebook Page';
  return `\nVoluntree is running ${mode}.\n` + `  Open:  ${o.url}/#token=${o.token}\n` + `  Data:  ${o.dataDir}\n` + `Press Ctrl-C to stop.\n`;
}

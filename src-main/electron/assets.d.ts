// electron-vite copies a file imported with `?asset` next to the main bundle and gives its path.
declare module '*.png?asset' {
  const file: string;
  export default file;
}

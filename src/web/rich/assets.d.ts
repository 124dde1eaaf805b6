/** Vite's `?url` imports: the file is emitted with the build (content-hashed under /assets/) and its address returned. */
declare module '*?url' {
  const url: string;
  export default url;
}

/** The part of electron-builder's BeforePackContext the hook reads. */
export interface BeforePackContext {
  packager: { projectDir: string };
  /** 'linux' | 'darwin' | 'win32' | 'mas' */
  electronPlatformName: string;
  /** electron-builder's Arch enum: 0 ia32, 1 x64, 2 armv7l, 3 arm64, 4 universal. */
  arch: number;
}
/** Makes sure resources/redis holds a redis-server for the target, or throws why it cannot. */
export default function beforePack(context: BeforePackContext): Promise<void>;

import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let wasmPathsSet = false;

/** The folder holding the wasm binaries shipped inside @tensorflow/tfjs-backend-wasm. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function tryNative(): Promise<boolean> {
  // tfjs-node is optional (its install downloads libtensorflow, impossible offline); the name
  // is a variable so bundlers and the type checker leave the missing package alone.
  const name = '@tensorflow/tfjs-node';
  try {
    await import(/* @vite-ignore */ name);
    return await tf.setBackend('tensorflow');
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    if (!wasmPathsSet) {
      // A plain file path (with trailing separator): Node reads the binaries from disk.
      setWasmPaths(`${wasmDistDir()}${path.sep}`);
      wasmPathsSet = true;
    }
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Selects the fastest TensorFlow.js backend available: the native one where
 * `@tensorflow/tfjs-node` is installed, else WebAssembly, else plain JavaScript (cpu).
 * `prefer` forces one (tests compare backends; training uses cpu for bit-exact results).
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendName> {
  const order: BackendName[] = prefer ? [prefer] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    const ok = name === 'tensorflow' ? await tryNative() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      return name;
    }
  }
  throw new Error(`TensorFlow.js backend ${prefer ?? 'any'} is not available`);
}

export { tf };

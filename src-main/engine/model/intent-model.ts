import { INTENTS, type Intent } from '../streams/entries';
import { artifactVersion, type ModelArtifact, type ReportSummary } from './artifact';
import { tf } from './backend';
import { densify, featurize, type FeatureConfig } from './features';

/** One answer of the model. `scores` are the probabilities in INTENTS order. */
export interface Prediction {
  intent: Intent;
  confidence: number;
  scores: number[];
}

/**
 * The network: features → 64 (ReLU) → 4 (softmax). Small enough to run a few hundred comments
 * in well under a millisecond each; the hashed features carry the vocabulary.
 */
export function buildNetwork(dims: number, seed: number, hidden = 64, l2 = 1e-4): tf.Sequential {
  const model = tf.sequential({ name: 'intent_mlp' });
  model.add(
    tf.layers.dense({
      inputShape: [dims],
      units: hidden,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      kernelRegularizer: tf.regularizers.l2({ l2 }),
      name: 'hidden',
    }),
  );
  model.add(
    tf.layers.dense({
      units: INTENTS.length,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      name: 'intent',
    }),
  );
  return model;
}

/** Serialises a trained network with its feature config into an artifact (version included). */
export async function toArtifact(model: tf.LayersModel, features: FeatureConfig, summary: ReportSummary | null): Promise<ModelArtifact> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  const a = saved as tf.io.ModelArtifacts | null;
  if (!a || !a.weightData || !a.weightSpecs || !a.modelTopology) throw new Error('model could not be serialised');
  const data = a.weightData;
  const weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data).slice();
  const body = { topology: a.modelTopology as object, weightSpecs: a.weightSpecs as ModelArtifact['weightSpecs'], weights, features };
  return { version: artifactVersion(body), summary, ...body };
}

/** A loaded model ready to classify batches. Dispose it when replaced. */
export class IntentModel {
  private readonly weights: tf.Tensor[];
  private readonly kernel: Float32Array;
  private readonly bias: Float32Array;
  private readonly hiddenUnits: number;
  /** Scratch for one comment's used buckets (kernel row offsets, scaled values), grown as needed. */
  private offsets = new Int32Array(256);
  private values = new Float64Array(256);

  private constructor(
    readonly artifact: ModelArtifact,
    private readonly net: tf.LayersModel,
  ) {
    this.weights = net.getWeights();
    if (this.weights.length !== 4) throw new Error(`model ${artifact.version} is not a features → hidden → intent network`);
    this.kernel = this.weights[0]!.dataSync() as Float32Array;
    this.bias = this.weights[1]!.dataSync() as Float32Array;
    this.hiddenUnits = this.weights[1]!.shape[0]!;
  }

  static async load(artifact: ModelArtifact): Promise<IntentModel> {
    const w = artifact.weights;
    const weightData = w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer;
    const net = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: artifact.topology, weightSpecs: artifact.weightSpecs, weightData }),
    );
    return new IntentModel(artifact, net);
  }

  get version(): string {
    return this.artifact.version;
  }

  get features(): FeatureConfig {
    return this.artifact.features;
  }

  featurize(text: string): number[] {
    return featurize(text, this.artifact.features);
  }

  /**
   * Classifies a batch of sparse feature rows with ONE model run. The hidden layer is the dense
   * layer's arithmetic done only for the buckets a comment uses (about a hundred of 4,096):
   * each used bucket's kernel row, scaled by its value, is summed into the hidden units. That is
   * exactly `x · W + b` for a sparse x, at a few percent of the cost; the output layer and the
   * softmax run in TensorFlow.js for the whole batch. `predictDense` runs the layers model
   * itself, and tests check both agree on every backend.
   */
  predictSparse(rows: readonly (readonly number[])[]): Prediction[] {
    if (rows.length === 0) return [];
    const units = this.hiddenUnits;
    const dims = this.artifact.features.dims;
    const kernel = this.kernel;
    const bias = this.bias;
    const hidden = new Float32Array(rows.length * units);
    const blocked = units - (units % 4);
    for (let r = 0; r < rows.length; r += 1) {
      const pairs = rows[r]!;
      if (this.offsets.length < pairs.length >> 1) {
        this.offsets = new Int32Array(pairs.length);
        this.values = new Float64Array(pairs.length);
      }
      const offsets = this.offsets;
      const values = this.values;
      let sq = 0;
      for (let i = 1; i < pairs.length; i += 2) sq += pairs[i]! * pairs[i]!;
      const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
      let used = 0;
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        const index = pairs[i]!;
        if (index < 0 || index >= dims) continue;
        offsets[used] = index * units;
        values[used] = pairs[i + 1]! * scale;
        used += 1;
      }
      // Four hidden units at a time, summed over the comment's buckets in four locals: the
      // accumulators stay in registers instead of a memory round trip per multiply-add, and
      // each unit still adds its terms in bucket order, in float64, as before.
      const o = r * units;
      let d = 0;
      for (; d < blocked; d += 4) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let i = 0; i < used; i += 1) {
          const k = offsets[i]! + d;
          const v = values[i]!;
          a0 += v * kernel[k]!;
          a1 += v * kernel[k + 1]!;
          a2 += v * kernel[k + 2]!;
          a3 += v * kernel[k + 3]!;
        }
        hidden[o + d] = relu(a0 + bias[d]!);
        hidden[o + d + 1] = relu(a1 + bias[d + 1]!);
        hidden[o + d + 2] = relu(a2 + bias[d + 2]!);
        hidden[o + d + 3] = relu(a3 + bias[d + 3]!);
      }
      for (; d < units; d += 1) {
        let a = 0;
        for (let i = 0; i < used; i += 1) a += values[i]! * kernel[offsets[i]! + d]!;
        hidden[o + d] = relu(a + bias[d]!);
      }
    }
    const [, , outKernel, outBias] = this.weights;
    const probs = tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.tensor2d(hidden, [rows.length, units]), outKernel!), outBias!)) as tf.Tensor2D);
    const flat = probs.dataSync();
    probs.dispose();
    return toPredictions(flat, rows.length);
  }

  /** The same model run on dense input (the layers model itself); tests compare the two. */
  predictDense(rows: readonly (readonly number[])[]): Prediction[] {
    if (rows.length === 0) return [];
    const dims = this.artifact.features.dims;
    const probs = tf.tidy(() => this.net.predict(tf.tensor2d(densify(rows, dims), [rows.length, dims])) as tf.Tensor2D);
    const flat = probs.dataSync();
    probs.dispose();
    return toPredictions(flat, rows.length);
  }

  classify(texts: readonly string[]): Prediction[] {
    return this.predictSparse(texts.map((t) => this.featurize(t)));
  }

  dispose(): void {
    this.net.dispose();
  }
}

function relu(x: number): number {
  return x > 0 ? x : 0;
}

function toPredictions(flat: Float32Array | Int32Array | Uint8Array, count: number): Prediction[] {
  const k = INTENTS.length;
  const out: Prediction[] = [];
  for (let r = 0; r < count; r += 1) {
    const scores = Array.from(flat.subarray(r * k, r * k + k));
    let best = 0;
    for (let j = 1; j < k; j += 1) if (scores[j]! > scores[best]!) best = j;
    out.push({ intent: INTENTS[best]!, confidence: scores[best]!, scores });
  }
  return out;
}


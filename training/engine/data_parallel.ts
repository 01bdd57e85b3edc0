/**
 * Data-parallel training on two cores: the main thread and one worker each run forward and
 * backward on half of every batch on their own single-threaded wasm backend; the main thread
 * averages the gradients (weighted by shard size) and applies the optimizer. Batch-norm statistics
 * are per shard (as in multi-device training without synchronised batch-norm); seeded,
 * deterministic training stays on one thread with `model.trainOnBatch`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { shardGradients } from "./shard_step.ts";
import { frozenWeights, trainedWeights } from "./freeze.ts";
import type {
  ShardReply,
  TensorData,
  WorkerReply,
  WorkerRequest,
} from "./data_parallel_protocol.ts";

function slice(t: tf.Tensor, begin: number, size: number): TensorData {
  return tf.tidy(() => {
    const part = t.slice(begin, size);
    return { values: part.dataSync() as Float32Array, shape: part.shape };
  });
}

/** Two-core data-parallel replacement for `model.trainOnBatch` (categorical cross-entropy). */
export class DataParallelTrainer {
  #model: tf.LayersModel;
  #optimizer: tf.Optimizer;
  #worker: Worker;
  #frozen: number;
  #waiting?: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };

  private constructor(
    model: tf.LayersModel,
    optimizer: tf.Optimizer,
    worker: Worker,
    frozenLayers: number,
  ) {
    this.#model = model;
    this.#frozen = frozenLayers;
    this.#optimizer = optimizer;
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (event.data.type === "error") waiting?.reject(new Error(event.data.message));
      else waiting?.resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#waiting?.reject(new Error(`data-parallel worker failed: ${event.message}`));
      this.#waiting = undefined;
    };
  }

  /**
   * Starts the worker with a replica of `model` (standard layers only). `optimizer` defaults to
   * the one `model.compile` set; the first `frozenLayers` layers do not train (`freeze.ts`). The
   * wasm backend with fer-edge's kernels must be active.
   */
  static async create(
    model: tf.LayersModel,
    optimizer: tf.Optimizer | undefined = model.optimizer,
    frozenLayers = 0,
  ): Promise<DataParallelTrainer> {
    if (optimizer === undefined) throw new Error("DataParallelTrainer needs a compiled model");
    const worker = new Worker(new URL("./data_parallel_worker.ts", import.meta.url).href, {
      type: "module",
    });
    const trainer = new DataParallelTrainer(model, optimizer, worker, frozenLayers);
    const topology = model.toJSON(null, false);
    const frozenValues = frozenWeights(model, frozenLayers).map((w) =>
      (w.read().dataSync() as Float32Array).slice()
    );
    const ready = await trainer.#request(
      { type: "init", topology, frozenLayers, frozenValues },
      frozenValues.map((a) => a.buffer as ArrayBuffer),
    );
    if (ready.type !== "ready") throw new Error("data-parallel worker did not start");
    return trainer;
  }

  #request(message: WorkerRequest, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    if (this.#waiting) throw new Error("DataParallelTrainer: one step at a time");
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.postMessage(message, transfer);
    });
  }

  /** One training step on `inputs`/`targets`; returns `[loss, accuracy]` over the whole batch. */
  async trainOnBatch(
    inputs: tf.Tensor | tf.Tensor[],
    targets: tf.Tensor,
  ): Promise<[number, number]> {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const n = targets.shape[0];
    const mainCount = Math.ceil(n / 2);
    const workerCount = n - mainCount;
    let workerReply: Promise<WorkerReply> | undefined;
    if (workerCount > 0) {
      const weights = trainedWeights(this.#model, this.#frozen).map((w) =>
        w.read().dataSync() as Float32Array
      );
      const shardInputs = xs.map((x) => slice(x, mainCount, workerCount));
      const shardTargets = slice(targets, mainCount, workerCount);
      const buffers = [...weights, ...shardInputs.map((s) => s.values), shardTargets.values]
        .map((a) => a.buffer as ArrayBuffer);
      workerReply = this.#request(
        { type: "step", weights, inputs: shardInputs, targets: shardTargets },
        buffers,
      );
    }
    const mainXs = xs.map((x) => x.slice(0, mainCount));
    const mainYs = targets.slice(0, mainCount);
    const mine = shardGradients(this.#model, mainXs, mainYs, this.#frozen);
    tf.dispose([...mainXs, mainYs]);
    let loss = mine.loss.dataSync()[0];
    let accuracy = mine.accuracy.dataSync()[0];
    let grads = mine.grads;
    if (workerReply) {
      const reply = await workerReply as ShardReply;
      const a = mainCount / n;
      const b = workerCount / n;
      grads = tf.tidy(() =>
        mine.grads.map((g, i) => g.mul(a).add(tf.tensor(reply.grads[i], g.shape).mul(b)))
      );
      tf.dispose(mine.grads);
      loss = loss * a + reply.loss * b;
      accuracy = accuracy * a + reply.accuracy * b;
    }
    const named: tf.NamedTensorMap = {};
    trainedWeights(this.#model, this.#frozen).forEach((w, i) => {
      named[(w as unknown as { val: tf.Variable }).val.name] = grads[i];
    });
    this.#optimizer.applyGradients(named);
    tf.dispose([...grads, mine.loss, mine.accuracy]);
    return [loss, accuracy];
  }

  /** Stops the worker. */
  dispose(): void {
    this.#worker.terminate();
  }
}

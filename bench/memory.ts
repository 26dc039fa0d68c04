import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Peak memory of this process while `fn` runs, minus the baseline just before it (after a full GC).
 * The service runs in the bench process, so this is the handler's footprint for the request (plus the
 * bench client's few compressed bytes). Sampled every `intervalMs`: a peak between samples may be missed.
 */
export interface MemoryPeak {
  baselineRssMb: number;
  baselineHeapUsedMb: number;
  peakRssDeltaMb: number;
  peakHeapUsedDeltaMb: number;
  /** Buffers outside the V8 heap (gzip output, the response Buffer). */
  peakExternalDeltaMb: number;
  samples: number;
}

const MB = 1024 * 1024;

function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

export async function measurePeakMemory<T>(
  fn: () => Promise<T>,
  intervalMs = 20,
): Promise<{ result: T; memory: MemoryPeak }> {
  collectGarbage();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let peakExternal = base.external;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
  };
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await fn();
    sample();
    return {
      result,
      memory: {
        baselineRssMb: base.rss / MB,
        baselineHeapUsedMb: base.heapUsed / MB,
        peakRssDeltaMb: (peakRss - base.rss) / MB,
        peakHeapUsedDeltaMb: (peakHeap - base.heapUsed) / MB,
        peakExternalDeltaMb: (peakExternal - base.external) / MB,
        samples,
      },
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * One-off piscina task of `nes worker`: rebuilds a run's data sets from its DatasetReference
 * (loading the data set and corrupting the shifted splits takes seconds of CPU, which must not
 * block the main thread's lock renewals). The buffers are SharedArrayBuffers: returning them shares them.
 */
import { loadConfiguredDataset } from '../../data/configured-dataset.js';
import type { WorkerDataSets } from '../types.js';
import { buildWorkerDataSets } from '../worker-data.js';
import { dataFingerprint, type DatasetReference } from './protocol.js';

export default function buildData({ reference, dataDir, testDataDir }: { reference: DatasetReference; dataDir?: string; testDataDir?: string }): {
  data: WorkerDataSets;
  fingerprint: string;
} {
  const config = reference.dataset.name !== 'npy' && dataDir !== undefined ? { ...reference.dataset, dataDir } : reference.dataset;
  const shift = reference.shift.testDataDir !== undefined && testDataDir !== undefined ? { ...reference.shift, testDataDir } : reference.shift;
  const dataset = loadConfiguredDataset(config, reference.seed, { shared: true });
  const data = buildWorkerDataSets(dataset, { seed: reference.seed, shift });
  return { data, fingerprint: dataFingerprint(data) };
}

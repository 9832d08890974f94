/**
 * The paper entry point: the broker of a paper deployment. It imports the paper fill model and
 * nothing that can open a network connection; workers/brokers/separation.test.ts walks this
 * file's imports to keep it that way.
 */
import { PaperBroker } from '@/engine/broker/paper/paper-broker';
import type { FillModelSettings } from '@/engine/broker/paper/fill-model';
import type { PaperDeployment } from './deployment-kind';

export function paperBrokerFor(
  _deployment: PaperDeployment,
  settings: FillModelSettings,
): PaperBroker {
  return new PaperBroker(settings);
}

/**
 * A deployment's broker kind, fixed when it is created and carried in the type: a
 * `PaperDeployment` can only be made from a row whose kind is 'paper', a `LiveDeployment` only
 * from a row whose kind is 'live' and that names a broker account. The paper and live factories
 * take only their own kind, so no flag, typo or mix-up turns a paper deployment into a live one
 * (another platform sent real orders from its sandbox mode).
 */
declare const paperKind: unique symbol;
declare const liveKind: unique symbol;

export type DeploymentRow = {
  id: string;
  ownerId: string;
  /** Persisted at creation; never switched in place. */
  mode: string;
  brokerAccountId?: string | null;
};

export type PaperDeployment = Readonly<{ kind: 'paper'; deploymentId: string; ownerId: string }> & {
  readonly [paperKind]: true;
};

export type LiveDeployment = Readonly<{
  kind: 'live';
  deploymentId: string;
  ownerId: string;
  brokerAccountId: string;
}> & { readonly [liveKind]: true };

export class DeploymentKindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentKindError';
  }
}

export function asPaperDeployment(row: DeploymentRow): PaperDeployment {
  if (row.mode !== 'paper')
    throw new DeploymentKindError(`deployment ${row.id} is ${row.mode}, not paper`);
  return Object.freeze({
    kind: 'paper',
    deploymentId: row.id,
    ownerId: row.ownerId,
  }) as PaperDeployment;
}

export function asLiveDeployment(row: DeploymentRow): LiveDeployment {
  if (row.mode !== 'live')
    throw new DeploymentKindError(
      `deployment ${row.id} is ${JSON.stringify(row.mode)}: only a deployment created live may reach a broker`,
    );
  if (!row.brokerAccountId)
    throw new DeploymentKindError(`live deployment ${row.id} names no broker account`);
  return Object.freeze({
    kind: 'live',
    deploymentId: row.id,
    ownerId: row.ownerId,
    brokerAccountId: row.brokerAccountId,
  }) as LiveDeployment;
}

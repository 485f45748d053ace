// chaostoolkit-kubernetes probes that a Faultline kubernetes probe (one field of each object,
// against a constant) can stand for. They return true or false (or raise, which fails the probe
// the same way); `holds` is the Faultline expectation for true.
import type { ExpectSpec } from '../../experiment/schema.ts';
import { type MappedActivity, unmapped } from '../mapped-activity.ts';
import type { PythonCall } from './catalogue-entry.ts';

function check(
  kubernetes: Record<string, unknown>,
  holds: ExpectSpec,
  fails: ExpectSpec | undefined,
  comments: string[] = [],
): MappedActivity {
  return {
    as: 'probe',
    body: { kubernetes },
    value: { kind: 'check', holds, ...(fails ? { fails } : {}) },
    comments,
  };
}

// With raise_on_...: false the function returns false instead of failing: only then can a
// tolerance of false hold.
function canReturnFalse(call: PythonCall, flag: string): boolean {
  return call.fields.flag(flag, true, 'it decides whether the probe can return false') === false;
}

function deployment(call: PythonCall, field: string): Record<string, unknown> | undefined {
  const name = call.fields.text('name');
  if (!name) return undefined;
  if (call.fields.has('label_selector')) {
    call.context.reporter.warn(
      call.fields.at('label_selector'),
      'label_selector is not checked: Faultline reads the Deployment by its name',
    );
  }
  return { kind: 'Deployment', namespace: call.fields.text('ns') ?? 'default', name, field };
}

const noName = (call: PythonCall) =>
  unmapped('the probe needs the name of the Deployment', call.providerPath);

// available == desired: Faultline reads status.unavailableReplicas (desired minus available, at least 0).
export function mapDeploymentHealthy(flag: string | undefined) {
  return (call: PythonCall): MappedActivity => {
    const kubernetes = deployment(call, 'status.unavailableReplicas');
    if (!kubernetes) return noName(call);
    const comments = [
      'Chaos Toolkit compares available with desired replicas; Faultline reads status.unavailableReplicas (their difference, at least 0)',
    ];
    return check(
      kubernetes,
      { atMost: 0 },
      flag && canReturnFalse(call, flag) ? { atLeast: 1 } : undefined,
      comments,
    );
  };
}

export function mapDeploymentPartiallyAvailable(call: PythonCall): MappedActivity {
  const kubernetes = deployment(call, 'status.availableReplicas');
  if (!kubernetes) return noName(call);
  const fails = canReturnFalse(call, 'raise_on_not_partially_available') ? { below: 1 } : undefined;
  return check(kubernetes, { atLeast: 1 }, fails);
}

// The *_fully_available probes wait up to `timeout` seconds for the state; Faultline reads it once.
export function mapDeploymentFullyAvailable(ready: boolean, flag: string | undefined) {
  return (call: PythonCall): MappedActivity => {
    const kubernetes = deployment(call, 'status.unavailableReplicas');
    if (!kubernetes) return noName(call);
    const seconds = call.fields.seconds('timeout') ?? '30s';
    const comments = [
      `Chaos Toolkit waits up to ${seconds} for every replica to be ${ready ? '' : 'no longer '}ready; Faultline reads status.unavailableReplicas when it samples`,
    ];
    const fails = flag && canReturnFalse(call, flag) ? (ready ? { atLeast: 1 } : { atMost: 0 }) : undefined;
    return check(kubernetes, ready ? { atMost: 0 } : { atLeast: 1 }, fails, comments);
  };
}

export function mapPodsInPhase(call: PythonCall): MappedActivity {
  const { fields } = call;
  const kubernetes: Record<string, unknown> = { kind: 'Pod', namespace: fields.text('ns') ?? 'default' };
  const selector = fields.text('label_selector');
  if (selector) kubernetes.selector = selector;
  kubernetes.field = 'status.phase';
  return check(kubernetes, { equals: fields.text('phase') ?? 'Running' }, undefined);
}

export function mapPodsInConditions(call: PythonCall): MappedActivity {
  const { fields } = call;
  const conditions = fields.value('conditions');
  const condition =
    Array.isArray(conditions) && conditions.length === 1
      ? (conditions[0] as Record<string, unknown>)
      : undefined;
  if (!condition || typeof condition.type !== 'string' || typeof condition.status !== 'string') {
    return unmapped(
      'Faultline imports pods_in_conditions with exactly one {type, status} condition (a probe reads one field)',
      fields.at('conditions'),
    );
  }
  const kubernetes: Record<string, unknown> = { kind: 'Pod', namespace: fields.text('ns') ?? 'default' };
  const selector = fields.text('label_selector');
  if (selector) kubernetes.selector = selector;
  kubernetes.field = `status.conditions[type=${condition.type}].status`;
  return check(kubernetes, { equals: condition.status }, undefined);
}

function nodeCondition(call: PythonCall, type: string, status: string): MappedActivity {
  const kubernetes: Record<string, unknown> = { kind: 'Node' };
  const selector = call.fields.text('label_selector');
  if (selector) kubernetes.selector = selector;
  kubernetes.field = `status.conditions[type=${type}].status`;
  return check(kubernetes, { equals: status }, undefined, [
    'Chaos Toolkit passes when no node matches; Faultline fails',
  ]);
}

export function mapAllNodesReady(call: PythonCall): MappedActivity {
  return nodeCondition(call, 'Ready', 'True');
}

export function mapVerifyNodesCondition(call: PythonCall): MappedActivity {
  const type = call.fields.has('condition_type')
    ? call.fields.known('condition_type', 'it names the field')
    : 'PIDPressure';
  const status = call.fields.text('condition_value') ?? 'False';
  if (typeof type !== 'string') return unmapped('', call.fields.at('condition_type'));
  return nodeCondition(call, type, status);
}

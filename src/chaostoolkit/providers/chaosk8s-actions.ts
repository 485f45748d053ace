// chaostoolkit-kubernetes actions that Faultline has a fault for: terminating pods (podKill),
// draining and cordoning nodes (nodeDrain, nodeCordon; uncordon is their revert), scaling a
// workload (scale) and restarting a Deployment's rollout (rolloutRestart).
import { describeValue } from '../../experiment/describe-schema.ts';
import { type MappedActivity, unmapped } from '../mapped-activity.ts';
import type { PythonCall } from './catalogue-entry.ts';

// chaosk8s.pod.actions.terminate_pods (and delete_pods, which calls it with qty 1).
export function mapTerminatePods({ fields }: PythonCall): MappedActivity {
  if (fields.has('name_pattern')) {
    return unmapped(
      'Faultline selects pods by labels, not by a name pattern (name_pattern)',
      fields.at('name_pattern'),
    );
  }
  const selector = fields.text('label_selector');
  if (!selector) {
    return unmapped(
      'without label_selector Chaos Toolkit picks among every pod of the namespace; Faultline needs a label selector',
      fields.path,
    );
  }
  const mode = fields.has('mode')
    ? fields.known('mode', 'it says whether qty is a count or a percentage')
    : 'fixed';
  const order = fields.has('order') ? fields.known('order', 'it says which pods are picked') : 'alphabetic';
  if (mode !== undefined && mode !== 'fixed' && mode !== 'percentage') {
    return unmapped(
      `mode ${describeValue(mode)} is neither "fixed" nor "percentage" (Chaos Toolkit fails here too)`,
      fields.at('mode'),
    );
  }
  if (order !== undefined && order !== 'alphabetic' && order !== 'oldest') {
    return unmapped(
      `order ${describeValue(order)} is neither "alphabetic" nor "oldest" (Chaos Toolkit fails here too)`,
      fields.at('order'),
    );
  }
  const all = fields.flag('all', false, 'it says whether every matching pod is killed');
  const random = fields.flag('rand', false, 'it says how pods are picked');
  if (mode === undefined || order === undefined || all === undefined || random === undefined)
    return unmapped('', fields.path);
  if (fields.has('qty') && fields.known('qty', 'a quantity of 0 kills nothing') === 0 && !all) {
    return unmapped('qty 0 kills no pod', fields.at('qty'));
  }
  const podKill: Record<string, unknown> = { namespace: fields.text('ns') ?? 'default', selector };
  if (all) podKill.percent = 100;
  else if (mode === 'percentage') podKill.percent = fields.value('qty') ?? 1;
  else podKill.count = fields.value('qty') ?? 1;
  const grace = fields.has('grace_period')
    ? fields.known('grace_period', "a negative one means the pod's own")
    : -1;
  if (typeof grace === 'number' && grace >= 0) podKill.gracePeriod = fields.seconds('grace_period');
  const comments: string[] = [];
  if (!all && !random) {
    const how =
      order === 'oldest'
        ? 'the oldest matching pods (order: oldest, '
        : 'the first matching pods in alphabetical order (';
    comments.push(
      `Chaos Toolkit kills ${how}rand: false); Faultline picks them at random, seeded (--seed replays a run)`,
    );
  }
  return { as: 'fault', body: { podKill }, lasting: false, undoKeys: [], comments };
}

// The nodes a node action names: by label selector, by name (the kubernetes.io/hostname label,
// which the kubelet sets to the node's name), or both. Faultline's node faults select by labels.
function nodeSelection({
  fields,
}: PythonCall): { selector: string; key: string; comments: string[] } | undefined {
  const labels = fields.text('label_selector');
  const name = fields.text('name');
  if (!labels && !name) return undefined;
  const byName = name ? `kubernetes.io/hostname=${name}` : undefined;
  const comments = byName
    ? [
        `Chaos Toolkit selects the node by its name ${name}; Faultline by its kubernetes.io/hostname label, which the kubelet sets to the node's name`,
      ]
    : [];
  return {
    selector: [labels, byName].filter(Boolean).join(','),
    key: `nodes:${JSON.stringify([fields.raw.name ?? null, fields.raw.label_selector ?? null])}`,
    comments,
  };
}

export function mapDrainNodes(call: PythonCall): MappedActivity {
  const { fields, context } = call;
  const podLabels = fields.has('pod_label_selector');
  const podNamespace = fields.has('pod_namespace');
  if (podLabels && podNamespace) {
    return unmapped(
      'Faultline cannot select nodes by the pods they run (pod_label_selector)',
      fields.at('pod_label_selector'),
    );
  }
  if (podLabels || podNamespace) {
    const given = podLabels ? 'pod_label_selector' : 'pod_namespace';
    context.reporter.warn(
      fields.at(given),
      `${given} is ignored: Chaos Toolkit uses it only with ${podLabels ? 'pod_namespace' : 'pod_label_selector'}`,
    );
  }
  const selection = nodeSelection(call);
  if (!selection)
    return unmapped(
      'without name or label_selector Chaos Toolkit drains every node of the cluster',
      fields.path,
    );
  const nodeDrain: Record<string, unknown> = { selector: selection.selector };
  if (fields.has('count')) nodeDrain.count = fields.value('count');
  else nodeDrain.percent = 100;
  nodeDrain.timeout = fields.seconds('timeout') ?? '2m';
  const emptyDir = fields.flag('delete_pods_with_local_storage', false, 'it decides which pods are evicted');
  if (emptyDir) nodeDrain.deleteEmptyDirData = true;
  return {
    as: 'fault',
    body: { nodeDrain },
    lasting: true,
    undoKeys: [selection.key],
    comments: selection.comments,
  };
}

export function mapCordonNode(call: PythonCall): MappedActivity {
  const selection = nodeSelection(call);
  if (!selection)
    return unmapped(
      'without name or label_selector Chaos Toolkit cordons every node of the cluster',
      call.fields.path,
    );
  return {
    as: 'fault',
    body: { nodeCordon: { selector: selection.selector, percent: 100 } },
    lasting: true,
    undoKeys: [selection.key],
    comments: selection.comments,
  };
}

export function mapUncordonNode(call: PythonCall): MappedActivity {
  const selection = nodeSelection(call);
  if (!selection)
    return unmapped(
      'without name or label_selector Chaos Toolkit uncordons every node of the cluster',
      call.fields.path,
    );
  const byLabels = call.fields.has('label_selector');
  const comment = `Chaos Toolkit's uncordon_node uncordons every node matching ${selection.selector}; Faultline uncordons only the nodes it cordoned`;
  return { as: 'undo', undoes: [selection.key], ...(byLabels ? { comment } : {}) };
}

export function mapScale(kind: 'Deployment' | 'StatefulSet') {
  return ({ fields }: PythonCall): MappedActivity => {
    const namespace = fields.text('ns') ?? 'default';
    const name = fields.text('name');
    if (!name) return unmapped('scaling needs the name of the workload', fields.path);
    return {
      as: 'fault',
      body: { scale: { namespace, kind, name, replicas: fields.value('replicas') } },
      lasting: true,
      undoKeys: [`scale:${kind}:${namespace}/${name}`],
      comments: [],
    };
  };
}

export function mapRolloutDeployment({ fields }: PythonCall): MappedActivity {
  const name = fields.text('name');
  if (!name)
    return unmapped(
      'rollout_deployment needs the name of the Deployment (Chaos Toolkit fails without it)',
      fields.path,
    );
  return {
    as: 'fault',
    body: {
      rolloutRestart: { namespace: fields.text('ns') ?? 'default', kind: 'Deployment', name, wait: false },
    },
    lasting: false,
    undoKeys: [],
    comments: ['Chaos Toolkit does not wait for the rollout (wait: false keeps that)'],
  };
}

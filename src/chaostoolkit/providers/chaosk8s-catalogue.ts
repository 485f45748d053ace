// Every public function of chaostoolkit-kubernetes 0.39 (module chaosk8s), including the old
// module names chaosk8s.actions and chaosk8s.probes, which map like the functions they call now.
import { unmapped } from '../mapped-activity.ts';
import { type CatalogueEntry, mapsTo, type PythonCall } from './catalogue-entry.ts';
import {
  mapCordonNode,
  mapDrainNodes,
  mapRolloutDeployment,
  mapScale,
  mapTerminatePods,
  mapUncordonNode,
} from './chaosk8s-actions.ts';
import {
  mapAllNodesReady,
  mapDeploymentFullyAvailable,
  mapDeploymentHealthy,
  mapDeploymentPartiallyAvailable,
  mapPodsInConditions,
  mapPodsInPhase,
  mapVerifyNodesCondition,
} from './chaosk8s-probes.ts';

const pods = ['label_selector', 'name_pattern', 'all', 'rand', 'mode', 'qty', 'grace_period', 'ns', 'order'];
const nodes = ['name', 'label_selector'];
const drain = [
  ...nodes,
  'delete_pods_with_local_storage',
  'timeout',
  'count',
  'pod_label_selector',
  'pod_namespace',
];
const scale = ['name!', 'replicas!', 'ns'];
const deployment = ['name!', 'ns', 'label_selector'];

// The deprecated chaosk8s.probes.microservice_available_and_healthy returns None in 0.39.
function mapMicroserviceHealthy(call: PythonCall) {
  call.context.reporter.warn(
    call.providerPath,
    'in chaostoolkit-kubernetes 0.39 this deprecated function returns None, so a tolerance of true never holds there; the import maps it like deployment_available_and_healthy, as earlier versions meant',
  );
  return mapDeploymentHealthy(undefined)(call);
}

export const chaosk8sCatalogue: CatalogueEntry[] = [
  mapsTo('chaosk8s.pod.actions', 'terminate_pods', 'action', pods, 'podKill', mapTerminatePods),
  mapsTo(
    'chaosk8s.pod.actions',
    'delete_pods',
    'action',
    ['name', 'ns', 'label_selector'],
    'podKill (one pod)',
    (call) =>
      call.fields.has('name')
        ? unmapped(
            'Faultline selects pods by labels, not by a name pattern (delete_pods matches name as one)',
            call.fields.at('name'),
          )
        : mapTerminatePods(call),
  ),
  mapsTo(
    'chaosk8s.pod.probes',
    'pods_in_phase',
    'probe',
    ['label_selector!', 'phase', 'ns', 'raise_on_invalid_phase'],
    'kubernetes probe: status.phase of each pod',
    mapPodsInPhase,
  ),
  mapsTo(
    'chaosk8s.pod.probes',
    'pods_in_conditions',
    'probe',
    ['label_selector!', 'conditions!', 'ns', 'raise_on_invalid_conditions'],
    'kubernetes probe: one condition of each pod',
    mapPodsInConditions,
  ),
  mapsTo('chaosk8s.node.actions', 'drain_nodes', 'action', drain, 'nodeDrain', mapDrainNodes),
  mapsTo('chaosk8s.node.actions', 'cordon_node', 'action', nodes, 'nodeCordon', mapCordonNode),
  mapsTo(
    'chaosk8s.node.actions',
    'uncordon_node',
    'action',
    nodes,
    "the revert of a nodeDrain or nodeCordon (Faultline's own)",
    mapUncordonNode,
  ),
  mapsTo(
    'chaosk8s.node.probes',
    'all_nodes_must_be_ready_to_schedule',
    'probe',
    ['label_selector'],
    'kubernetes probe: the Ready condition of each node',
    mapAllNodesReady,
  ),
  mapsTo(
    'chaosk8s.node.probes',
    'verify_nodes_condition',
    'probe',
    ['condition_type', 'condition_value', 'label_selector'],
    'kubernetes probe: one condition of each node',
    mapVerifyNodesCondition,
  ),
  mapsTo(
    'chaosk8s.deployment.actions',
    'scale_deployment',
    'action',
    scale,
    'scale (kind: Deployment)',
    mapScale('Deployment'),
  ),
  mapsTo(
    'chaosk8s.deployment.actions',
    'rollout_deployment',
    'action',
    ['name', 'ns'],
    'rolloutRestart (kind: Deployment, wait: false)',
    mapRolloutDeployment,
  ),
  mapsTo(
    'chaosk8s.deployment.probes',
    'deployment_available_and_healthy',
    'probe',
    [...deployment, 'raise_on_unavailable'],
    'kubernetes probe: status.unavailableReplicas at most 0',
    mapDeploymentHealthy('raise_on_unavailable'),
  ),
  mapsTo(
    'chaosk8s.deployment.probes',
    'deployment_partially_available',
    'probe',
    [...deployment, 'raise_on_not_partially_available'],
    'kubernetes probe: status.availableReplicas at least 1',
    mapDeploymentPartiallyAvailable,
  ),
  mapsTo(
    'chaosk8s.deployment.probes',
    'deployment_fully_available',
    'probe',
    [...deployment, 'timeout', 'raise_on_not_fully_available'],
    'kubernetes probe: status.unavailableReplicas at most 0 (read once, not awaited)',
    mapDeploymentFullyAvailable(true, 'raise_on_not_fully_available'),
  ),
  mapsTo(
    'chaosk8s.deployment.probes',
    'deployment_not_fully_available',
    'probe',
    [...deployment, 'timeout', 'raise_on_fully_available'],
    'kubernetes probe: status.unavailableReplicas at least 1 (read once, not awaited)',
    mapDeploymentFullyAvailable(false, 'raise_on_fully_available'),
  ),
  mapsTo(
    'chaosk8s.statefulset.actions',
    'scale_statefulset',
    'action',
    scale,
    'scale (kind: StatefulSet)',
    mapScale('StatefulSet'),
  ),
  mapsTo(
    'chaosk8s.actions',
    'scale_microservice',
    'action',
    scale,
    'scale (kind: Deployment), as scale_deployment',
    mapScale('Deployment'),
  ),
  mapsTo(
    'chaosk8s.probes',
    'microservice_available_and_healthy',
    'probe',
    deployment,
    'as deployment_available_and_healthy',
    mapMicroserviceHealthy,
  ),
  mapsTo(
    'chaosk8s.probes',
    'deployment_is_fully_available',
    'probe',
    [...deployment, 'timeout'],
    'as deployment_fully_available',
    mapDeploymentFullyAvailable(true, undefined),
  ),
  mapsTo(
    'chaosk8s.probes',
    'deployment_is_not_fully_available',
    'probe',
    [...deployment, 'timeout'],
    'as deployment_not_fully_available',
    mapDeploymentFullyAvailable(false, undefined),
  ),
];

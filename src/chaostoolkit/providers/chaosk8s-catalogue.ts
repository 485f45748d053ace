// Every public function of chaostoolkit-kubernetes 0.39 (module chaosk8s), including the old
// module names chaosk8s.actions and chaosk8s.probes, which map like the functions they call now.
import { unmapped } from '../mapped-activity.ts';
import { type CatalogueEntry, doNotMap, mapsTo, type PythonCall } from './catalogue-entry.ts';
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

const objects = 'creates, changes or deletes Kubernetes objects; Faultline has no fault that does';
const data = 'returns data that no Faultline expectation can judge';
const chaosMesh =
  'creates a Chaos Mesh experiment (Chaos Mesh must run in the cluster); Faultline injects network faults through Toxiproxy';
const policy = 'a NetworkPolicy; Faultline has no such fault (partition a Toxiproxy proxy instead)';
const twoFields =
  'compares two fields of the object; a Faultline kubernetes probe compares one field with a value';

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
  ...doNotMap('chaosk8s.pod.actions', 'action', 'runs a command in pods; Faultline has no such fault', [
    'exec_in_pods',
  ]),
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
  ...doNotMap('chaosk8s.pod.probes', 'probe', 'a Faultline kubernetes probe cannot say "not equal"', [
    'pods_not_in_phase',
    'pod_is_not_available',
  ]),
  ...doNotMap(
    'chaosk8s.pod.probes',
    'probe',
    'counts pods; a Faultline kubernetes probe judges a field of each object and does not count',
    ['count_pods', 'count_min_pods'],
  ),
  ...doNotMap('chaosk8s.pod.probes', 'probe', 'reads pod logs; Faultline has no log probe', [
    'read_pod_logs',
    'should_be_found_in_logs',
  ]),
  ...doNotMap(
    'chaosk8s.pod.probes',
    'probe',
    'judges the phase of every pod of a namespace against two values',
    ['all_pods_healthy'],
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
  ...doNotMap('chaosk8s.node.actions', 'action', 'deletes or creates nodes; Faultline has no such fault', [
    'delete_nodes',
    'create_node',
  ]),
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
  ...doNotMap('chaosk8s.node.probes', 'probe', data, ['get_nodes', 'get_all_node_status_conditions']),
  ...doNotMap(
    'chaosk8s.node.probes',
    'probe',
    'checks twelve node conditions, each only where present; a Faultline probe reads one field',
    ['nodes_must_be_healthy'],
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
  ...doNotMap('chaosk8s.deployment.actions', 'action', objects, ['create_deployment', 'delete_deployment']),
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
  ...doNotMap('chaosk8s.statefulset.actions', 'action', objects, [
    'create_statefulset',
    'remove_statefulset',
  ]),
  ...doNotMap('chaosk8s.statefulset.probes', 'probe', twoFields, [
    'statefulset_fully_available',
    'statefulset_not_fully_available',
  ]),
  ...doNotMap('chaosk8s.daemonset.actions', 'action', objects, [
    'create_daemon_set',
    'delete_daemon_set',
    'update_daemon_set',
  ]),
  ...doNotMap('chaosk8s.daemonset.probes', 'probe', twoFields, [
    'daemon_set_available_and_healthy',
    'daemon_set_not_fully_available',
    'daemon_set_fully_available',
    'daemon_set_partially_available',
  ]),
  ...doNotMap('chaosk8s.replicaset.actions', 'action', objects, ['delete_replica_set']),
  ...doNotMap('chaosk8s.namespace.actions', 'action', objects, ['create_namespace', 'delete_namespace']),
  ...doNotMap(
    'chaosk8s.namespace.probes',
    'probe',
    'judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['namespace_exists'],
  ),
  ...doNotMap('chaosk8s.secret.actions', 'action', objects, ['create_secret', 'delete_secret']),
  ...doNotMap(
    'chaosk8s.secret.probes',
    'probe',
    'judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['secret_exists'],
  ),
  ...doNotMap('chaosk8s.service.actions', 'action', objects, ['create_service_endpoint', 'delete_service']),
  ...doNotMap(
    'chaosk8s.service.probes',
    'probe',
    'judges whether a Service has endpoints; a Faultline probe reads one field of one kind',
    ['service_is_initialized'],
  ),
  ...doNotMap('chaosk8s.networking.actions', 'action', objects, [
    'create_ingress',
    'delete_ingress',
    'update_ingress',
    'create_network_policy',
    'remove_network_policy',
  ]),
  ...doNotMap('chaosk8s.networking.actions', 'action', policy, [
    'deny_all_ingress',
    'remove_deny_all_ingress',
    'deny_all_egress',
    'remove_deny_all_egress',
    'allow_dns_access',
    'remove_allow_dns_access',
  ]),
  ...doNotMap(
    'chaosk8s.networking.probes',
    'probe',
    'judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['ingress_exists'],
  ),
  ...doNotMap('chaosk8s.event.probes', 'probe', data, ['get_events']),
  ...doNotMap('chaosk8s.crd.actions', 'action', objects, [
    'create_custom_object',
    'delete_custom_object',
    'create_cluster_custom_object',
    'delete_cluster_custom_object',
    'patch_custom_object',
    'replace_custom_object',
    'patch_cluster_custom_object',
    'replace_cluster_custom_object',
    'apply_from_json',
    'apply_from_yaml',
  ]),
  ...doNotMap('chaosk8s.crd.probes', 'probe', data, [
    'get_custom_object',
    'get_cluster_custom_object',
    'list_custom_objects',
    'list_cluster_custom_objects',
  ]),
  ...doNotMap('chaosk8s.chaosmesh.network.actions', 'action', chaosMesh, [
    'add_latency',
    'set_loss',
    'duplicate_packets',
    'corrupt_packets',
    'reorder_packets',
    'set_bandwidth',
    'delete_network_fault',
  ]),
  ...doNotMap('chaosk8s.chaosmesh.network.probes', 'probe', data, [
    'get_network_fault',
    'get_network_faults',
  ]),
  ...doNotMap('chaosk8s.chaosmesh.stress.actions', 'action', chaosMesh, [
    'stress_memory',
    'stress_cpu',
    'delete_stressor',
  ]),
  ...doNotMap('chaosk8s.chaosmesh.stress.probes', 'probe', data, ['get_stressor', 'get_stressors']),
  // The old module names.
  mapsTo(
    'chaosk8s.actions',
    'scale_microservice',
    'action',
    scale,
    'scale (kind: Deployment), as scale_deployment',
    mapScale('Deployment'),
  ),
  ...doNotMap(
    'chaosk8s.actions',
    'action',
    'deletes the Deployment, its ReplicaSet and its pods; Faultline has no fault that deletes workloads',
    ['kill_microservice'],
  ),
  ...doNotMap('chaosk8s.actions', 'action', objects, ['start_microservice', 'remove_service_endpoint']),
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
  ...doNotMap('chaosk8s.probes', 'probe', 'judges the phase of every pod of a namespace against two values', [
    'all_microservices_healthy',
  ]),
  ...doNotMap('chaosk8s.probes', 'probe', 'a Faultline kubernetes probe cannot say "not equal"', [
    'microservice_is_not_available',
  ]),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'judges whether a Service has endpoints; a Faultline probe reads one field of one kind',
    ['service_endpoint_is_initialized'],
  ),
  ...doNotMap('chaosk8s.probes', 'probe', 'reads pod logs; Faultline has no log probe', [
    'read_microservices_logs',
  ]),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['secret_exists'],
  ),
];

// The functions of chaostoolkit-kubernetes 0.39 that do not map, each with the reason the import
// gives (chaosk8s-catalogue.ts has the ones that do).
import { type CatalogueEntry, doNotMap, helper } from './catalogue-entry.ts';

const objects = 'it creates, changes or deletes Kubernetes objects, and Faultline has no fault that does';
const data = 'it returns data that no Faultline expectation can judge';
const chaosMesh =
  'it creates or deletes a Chaos Mesh experiment (Chaos Mesh must run in the cluster); Faultline injects network faults through Toxiproxy';
const policy =
  'it adds or removes a NetworkPolicy, and Faultline has no such fault (partition a Toxiproxy proxy instead)';
const twoFields =
  'it compares two fields of the object; a Faultline kubernetes probe compares one field with a value';

export const chaosk8sUnmapped: CatalogueEntry[] = [
  ...doNotMap('chaosk8s.chaosmesh.network.actions', 'action', helper, ['add_common_spec']),
  ...doNotMap('chaosk8s.chaosmesh.stress.actions', 'action', helper, ['add_common_spec']),
  ...doNotMap('chaosk8s.crd.actions', 'action', helper, ['get_plural', 'load_body']),
  ...doNotMap(
    'chaosk8s.pod.actions',
    'action',
    'it runs a command in pods, and Faultline has no such fault',
    ['exec_in_pods'],
  ),
  ...doNotMap(
    'chaosk8s.pod.probes',
    'probe',
    'it checks that a field is not a value, which a Faultline kubernetes probe cannot say',
    ['pods_not_in_phase', 'pod_is_not_available'],
  ),
  ...doNotMap(
    'chaosk8s.pod.probes',
    'probe',
    'it counts pods; a Faultline kubernetes probe judges a field of each object and does not count',
    ['count_pods', 'count_min_pods'],
  ),
  ...doNotMap('chaosk8s.pod.probes', 'probe', 'it reads pod logs, and Faultline has no log probe', [
    'read_pod_logs',
    'should_be_found_in_logs',
  ]),
  ...doNotMap(
    'chaosk8s.pod.probes',
    'probe',
    'it judges the phase of every pod of a namespace against two values; a Faultline probe compares with one',
    ['all_pods_healthy'],
  ),
  ...doNotMap(
    'chaosk8s.node.actions',
    'action',
    'it deletes or creates nodes, and Faultline has no such fault',
    ['delete_nodes', 'create_node'],
  ),
  ...doNotMap('chaosk8s.node.probes', 'probe', data, ['get_nodes', 'get_all_node_status_conditions']),
  ...doNotMap(
    'chaosk8s.node.probes',
    'probe',
    'it checks twelve node conditions, each only where present; a Faultline probe reads one field, which must be there',
    ['nodes_must_be_healthy'],
  ),
  ...doNotMap('chaosk8s.deployment.actions', 'action', objects, ['create_deployment', 'delete_deployment']),
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
    'it judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['namespace_exists'],
  ),
  ...doNotMap('chaosk8s.secret.actions', 'action', objects, ['create_secret', 'delete_secret']),
  ...doNotMap(
    'chaosk8s.secret.probes',
    'probe',
    'it judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['secret_exists'],
  ),
  ...doNotMap('chaosk8s.service.actions', 'action', objects, ['create_service_endpoint', 'delete_service']),
  ...doNotMap(
    'chaosk8s.service.probes',
    'probe',
    'it judges whether a Service has endpoints, across two kinds of object; a Faultline probe reads one field of one kind',
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
    'it judges whether an object exists; a Faultline probe reads a field of an object that exists',
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
  ...doNotMap(
    'chaosk8s.actions',
    'action',
    'it deletes the Deployment, its ReplicaSet and its pods, and Faultline has no fault that deletes workloads',
    ['kill_microservice'],
  ),
  ...doNotMap('chaosk8s.actions', 'action', objects, ['start_microservice', 'remove_service_endpoint']),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'it judges the phase of every pod of a namespace against two values; a Faultline probe compares with one',
    ['all_microservices_healthy'],
  ),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'it checks that a field is not a value, which a Faultline kubernetes probe cannot say',
    ['microservice_is_not_available'],
  ),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'it judges whether a Service has endpoints, across two kinds of object; a Faultline probe reads one field of one kind',
    ['service_endpoint_is_initialized'],
  ),
  ...doNotMap('chaosk8s.probes', 'probe', 'it reads pod logs, and Faultline has no log probe', [
    'read_microservices_logs',
  ]),
  ...doNotMap(
    'chaosk8s.probes',
    'probe',
    'it judges whether an object exists; a Faultline probe reads a field of an object that exists',
    ['secret_exists'],
  ),
];

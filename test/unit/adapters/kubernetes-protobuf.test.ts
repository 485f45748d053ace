import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import test from 'ava';
import { decodeMetadataList, decodeStatusMessage } from '../../../src/adapters/kubernetes-protobuf.ts';

// Messages written the way the API server writes them (field numbers of k8s.io/apimachinery's
// generated.proto), with fields Faultline does not read in between, to be skipped.
const message = (write: (writer: BinaryWriter) => void) => {
  const writer = new BinaryWriter();
  write(writer);
  return writer.finish();
};
const bytesField = (writer: BinaryWriter, field: number, value: Uint8Array) =>
  writer.tag(field, WireType.LengthDelimited).bytes(value);
const stringField = (writer: BinaryWriter, field: number, value: string) =>
  writer.tag(field, WireType.LengthDelimited).string(value);

type Meta = {
  name: string;
  namespace: string;
  uid: string;
  labels?: Record<string, string>;
  deleting?: boolean;
  owners?: { kind: string; name: string; controller?: boolean }[];
};

const objectMeta = (meta: Meta) =>
  message((w) => {
    stringField(w, 1, meta.name);
    stringField(w, 2, 'generate-'); // generateName: skipped
    stringField(w, 3, meta.namespace);
    stringField(w, 5, meta.uid);
    stringField(w, 6, '12345'); // resourceVersion: skipped
    w.tag(7, WireType.Varint).int64(3); // generation: skipped
    if (meta.deleting)
      bytesField(
        w,
        9,
        message((t) => t.tag(1, WireType.Varint).int64(1_700_000_000)),
      );
    for (const [key, value] of Object.entries(meta.labels ?? {}))
      bytesField(
        w,
        11,
        message((entry) => stringField(stringField(entry, 1, key), 2, value)),
      );
    for (const owner of meta.owners ?? [])
      bytesField(
        w,
        13,
        message((o) => {
          stringField(o, 1, owner.kind);
          stringField(o, 3, owner.name);
          stringField(o, 4, 'owner-uid');
          stringField(o, 5, 'apps/v1');
          if (owner.controller !== undefined) o.tag(6, WireType.Varint).bool(owner.controller);
        }),
      );
    bytesField(
      w,
      17,
      message((f) => stringField(f, 1, 'kube-controller-manager')),
    ); // managedFields
  });

const envelope = (raw: Uint8Array) => {
  const body = message((w) => {
    bytesField(
      w,
      1,
      message((t) => stringField(stringField(t, 1, 'meta.k8s.io/v1'), 2, 'Kind')),
    );
    bytesField(w, 2, raw);
    stringField(w, 4, 'application/vnd.kubernetes.protobuf');
  });
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...body]);
};

const list = (items: Meta[], continueToken?: string) =>
  envelope(
    message((w) => {
      bytesField(
        w,
        1,
        message((m) => {
          stringField(m, 2, '999');
          if (continueToken) stringField(m, 3, continueToken);
        }),
      );
      for (const item of items)
        bytesField(
          w,
          2,
          message((i) => bytesField(i, 1, objectMeta(item))),
        );
    }),
  );

test('a metadata list: names, uids, labels, owners and the deletion mark; everything else skipped', (t) => {
  const page = decodeMetadataList(
    list(
      [
        {
          name: 'checkout-1',
          namespace: 'shop',
          uid: 'u1',
          labels: { app: 'checkout', 'pod-template-hash': 'abc' },
          owners: [{ kind: 'ReplicaSet', name: 'checkout-abc', controller: true }],
        },
        { name: 'going', namespace: 'shop', uid: 'u2', deleting: true },
      ],
      'next-page',
    ),
  );
  t.is(page.metadata?._continue, 'next-page');
  t.deepEqual(page.items, [
    {
      name: 'checkout-1',
      namespace: 'shop',
      uid: 'u1',
      labels: { app: 'checkout', 'pod-template-hash': 'abc' },
      isTerminating: false,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-abc', controller: true },
      ],
    },
    { name: 'going', namespace: 'shop', uid: 'u2', labels: {}, isTerminating: true, ownerReferences: [] },
  ]);
});

test('the last page has no continue token; an empty list has no items', (t) => {
  t.deepEqual(decodeMetadataList(list([])), { items: [] });
});

test('an answer that is not a Kubernetes protobuf message is refused, not read as an empty list', (t) => {
  t.throws(() => decodeMetadataList(new TextEncoder().encode('{"kind":"PodList"}')), {
    message: /not a Kubernetes protobuf message/,
  });
  t.throws(() => decodeMetadataList(new Uint8Array([0x6b, 0x38, 0x73, 0x00])), {
    message: /holds no object/,
  });
});

test("a failure's Status gives its message; a body that is not one gives undefined", (t) => {
  const status = envelope(
    message((w) => {
      stringField(w, 2, 'Failure');
      stringField(w, 3, 'pods is forbidden: User "x" cannot list resource "pods"');
      stringField(w, 4, 'Forbidden');
      w.tag(6, WireType.Varint).int32(403);
    }),
  );
  t.is(decodeStatusMessage(status), 'pods is forbidden: User "x" cannot list resource "pods"');
  t.is(decodeStatusMessage(new TextEncoder().encode('plain text')), undefined);
});

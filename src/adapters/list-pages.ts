// One list, every page: the client's JSON lists and the metadata-only protobuf lists alike. Each
// page is turned into Faultline's small types as it arrives, so a page's heavy form can be
// collected before the next: 10 000 pods are never all held as the client's models at once.

/** A page as the client types it (`_continue` is its name for ListMeta's `continue`). */
export type ListPage<T> = { items: T[]; metadata?: { _continue?: string } };

export async function listAllPages<T, R>(
  list: (token: string | undefined) => Promise<ListPage<T>>,
  map: (item: T) => R,
): Promise<R[]> {
  const items: R[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    for (const item of page.items) items.push(map(item));
    token = page.metadata?._continue || undefined;
  } while (token);
  return items;
}

import { DataTableBody, type DataTableBodyProps, DataTableRow, type DataTableRowProps, type RaRecord, useRecordContext } from 'react-admin';

/**
 * A DataTable body whose rows carry `data-testid` and the record id (plus any `data-*` attributes `extra`
 * derives from the record), for the browser tests. Call at module level: the returned component must keep
 * its identity across renders.
 */
export function bodyWithRowTestId<R extends RaRecord = RaRecord>(testId: string, extra?: (record: R) => Record<`data-${string}`, unknown>) {
  const Row = (props: DataTableRowProps) => {
    const record = useRecordContext<R>();
    return <DataTableRow {...props} {...{ 'data-testid': testId, 'data-id': record?.id, ...(record && extra ? extra(record) : {}) }} />;
  };
  const Body = (props: DataTableBodyProps) => <DataTableBody {...props} row={Row} />;
  return Body;
}

import { DataTableBody, type DataTableBodyProps, DataTableRow, type DataTableRowProps, useRecordContext } from 'react-admin';

/**
 * A DataTable body whose rows carry `data-testid` (and the record id), for the browser tests.
 * Call at module level: the returned component must keep its identity across renders.
 */
export function bodyWithRowTestId(testId: string) {
  const Row = (props: DataTableRowProps) => {
    const record = useRecordContext();
    return <DataTableRow {...props} {...{ 'data-testid': testId, 'data-id': record?.id }} />;
  };
  const Body = (props: DataTableBodyProps) => <DataTableBody {...props} row={Row} />;
  return Body;
}

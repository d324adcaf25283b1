import { useState } from 'react';
import {
  Pagination,
  SecondaryButton,
  SelectInput,
  Spacings,
  Text,
  TextInput,
} from '@commercetools-frontend/ui-kit';
import { downloadText, queryString } from '../format';
import { useOpsClient, useOpsData } from '../ops-data';
import { TEAMS, type ExceptionPage } from '../ops-types';
import { ExceptionCard } from './exception-card';
import { Empty, LoadError, Loading } from './state-views';

/** One clearable filter: every value as its own label; cleared = no filter. */
function FilterSelect(props: {
  label: string;
  placeholder: string;
  width: number;
  value: string;
  values: readonly string[];
  onChange: (event: { target: { value?: unknown } }) => void;
}) {
  return (
    <div style={{ width: props.width }}>
      <SelectInput
        name={props.label.toLowerCase()}
        aria-label={props.label}
        placeholder={props.placeholder}
        isClearable
        value={props.value}
        onChange={props.onChange}
        options={props.values.map((value) => ({ value, label: value }))}
      />
    </div>
  );
}

/**
 * The exceptions list: filters by team, kind and state, search by order number or SKU, paging, CSV download
 * (the API's own CSV for the same filters), resolve and resend on each.
 */
export function ExceptionsBrowser(props: { canManage: boolean; kinds: string[] }) {
  const client = useOpsClient();
  const [team, setTeam] = useState('');
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('open');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const filters = { team, kind, status, q: search };
  const list = useOpsData<ExceptionPage>(
    `/ops/exceptions${queryString({ ...filters, limit: perPage, offset: (page - 1) * perPage })}`,
  );
  const change = (set: (v: string) => void) => (event: { target: { value?: unknown } }) => {
    set(String(event.target.value ?? ''));
    setPage(1);
  };
  return (
    <Spacings.Stack scale="m">
      <Spacings.Inline scale="s" alignItems="flex-end">
        <FilterSelect
          label="Team"
          placeholder="Every team"
          width={170}
          value={team}
          onChange={change(setTeam)}
          values={TEAMS}
        />
        <FilterSelect
          label="Kind"
          placeholder="Every kind"
          width={240}
          value={kind}
          onChange={change(setKind)}
          values={props.kinds}
        />
        <FilterSelect
          label="State"
          placeholder="Open and resolved"
          width={140}
          value={status}
          onChange={change(setStatus)}
          values={['open', 'resolved']}
        />
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(typed.trim());
            setPage(1);
          }}
        >
          <Spacings.Inline scale="xs">
            <div style={{ width: 240 }}>
              <TextInput
                name="search"
                aria-label="Order number or SKU"
                placeholder="Order number or SKU"
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
              />
            </div>
            <SecondaryButton type="submit" label="Search" />
          </Spacings.Inline>
        </form>
        <SecondaryButton
          label="Download CSV"
          onClick={() => {
            void client
              .text(`/ops/exceptions.csv${queryString(filters)}`)
              .then((csv) => downloadText(csv, 'clarus-exceptions.csv'));
          }}
        />
      </Spacings.Inline>
      {list.state === 'loading' && <Loading what="exceptions" />}
      {list.state === 'error' && <LoadError what="exceptions" error={list.error} retry={list.reload} />}
      {list.state === 'ok' && (
        <Spacings.Stack scale="s">
          <Text.Detail tone="secondary">{`${list.data.total} exception${list.data.total === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}`}</Text.Detail>
          {list.data.exceptions.length === 0 ? (
            <Empty
              text={
                search || team || kind
                  ? 'No exception matches these filters.'
                  : 'No exceptions. Nobody has a move to make.'
              }
            />
          ) : (
            list.data.exceptions.map((e) => (
              <ExceptionCard
                key={e.key}
                exception={e}
                canManage={props.canManage}
                onChanged={list.reload}
                showResend
              />
            ))
          )}
          <Pagination
            totalItems={list.data.total}
            page={page}
            perPage={perPage}
            perPageRange="s"
            onPageChange={setPage}
            onPerPageChange={(n: number) => {
              setPerPage(n);
              setPage(1);
            }}
          />
        </Spacings.Stack>
      )}
    </Spacings.Stack>
  );
}

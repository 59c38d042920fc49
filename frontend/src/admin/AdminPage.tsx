import { useEnumLabel } from "../i18n/enumLabel";
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { csrfToken } from "../api/client";
import { useGql, useGqlMutation } from "../api/hooks";
import { useSession } from "../app/session";
import { FormError } from "../components/FormError";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/States";
import { TableScroll } from "../components/TableScroll";
import { useFormat } from "../format";
import {
  ApiTokenCreateDocument,
  ApiTokenRevokeDocument,
  ApiTokensDocument,
  MembersDocument,
  MembershipCreateDocument,
  MembershipDeleteDocument,
  MembershipUpdateDocument,
  type Role,
  type Scope,
} from "../gql/graphql";

const ROLES: Role[] = ["OWNER", "OPERATOR", "VIEWER"];
const SCOPES: Scope[] = ["READ", "WRITE", "INGEST"];

function TenantSwitch() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const { me } = useSession();
  return (
    <section className="panel">
      <h2 id="switch-title">{t("admin.switchTenant")}</h2>
      <dl className="facts">
        <dt>{t("admin.tenant")}</dt>
        <dd>{me.tenant?.name}</dd>
        <dt>{t("admin.kind")}</dt>
        <dd>{me.tenant ? label("tenantKinds", me.tenant.kind) : "—"}</dd>
        <dt>{t("admin.defaultZone")}</dt>
        <dd>{me.tenant?.defaultBiddingZone}</dd>
      </dl>
      {me.tenantsAvailable.length > 1 && (
        <form method="post" action="/tenant/" data-testid="tenant-switch">
          <p>{t("admin.switchIntro")}</p>
          <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken()} />
          <input type="hidden" name="next" value="/settings" />
          <div className="inline-form">
            {me.tenantsAvailable.map((tenant) => (
              <button
                key={tenant.slug}
                type="submit"
                name="tenant"
                value={tenant.slug}
                className={tenant.slug === me.tenant?.slug ? "" : "secondary"}
                aria-current={tenant.slug === me.tenant?.slug ? "true" : undefined}
              >
                {tenant.name}
                {tenant.slug === me.tenant?.slug ? ` (${t("admin.current")})` : ""}
              </button>
            ))}
          </div>
        </form>
      )}
    </section>
  );
}

function RoleSelect({ id, email, role }: { id: string; email: string; role: Role }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const update = useGqlMutation(MembershipUpdateDocument);
  return (
    <>
      <select
        aria-label={t("admin.changeRoleOf", { email })}
        value={role}
        disabled={update.isPending}
        onChange={(event) => update.mutate({ input: { id, role: event.target.value as Role } })}
      >
        {ROLES.map((value) => (
          <option key={value} value={value}>
            {label("roles", value)}
          </option>
        ))}
      </select>
      <FormError error={update.error} />
    </>
  );
}

function Members() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const session = useSession();
  const canManage = session.can("MANAGE");
  const members = useGql(MembersDocument, {});
  const create = useGqlMutation(MembershipCreateDocument);
  const remove = useGqlMutation(MembershipDeleteDocument);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const emailId = useId();
  const roleId = useId();
  const onAdd = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ input: { email, role } }, { onSuccess: () => setEmail("") });
  };
  return (
    <section className="panel">
      <h2 id="members-title">{t("admin.members")}</h2>
      <QueryView query={members}>
        {(data) => (
          <TableScroll label={t("admin.members")}>
            <table data-testid="members">
              <thead>
                <tr>
                  <th scope="col">{t("admin.email")}</th>
                  <th scope="col">{t("admin.role")}</th>
                  <th scope="col">{t("admin.since")}</th>
                  {canManage && <th scope="col">{t("jobs.actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {data.memberships.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>{node.email}</td>
                    <td>
                      {canManage && node.email !== session.me.email ? (
                        <RoleSelect id={node.id} email={node.email} role={node.role} />
                      ) : (
                        label("roles", node.role)
                      )}
                    </td>
                    <td>{format.dateTime(node.createdAt)}</td>
                    {canManage && (
                      <td>
                        {node.email !== session.me.email && (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => {
                              if (window.confirm(t("admin.removeConfirm", { email: node.email })))
                                remove.mutate({ id: node.id });
                            }}
                          >
                            {t("admin.remove")}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </QueryView>
      <FormError error={remove.error} />
      {canManage ? (
        <form className="inline-form" onSubmit={onAdd} aria-label={t("admin.addMember")}>
          <div className="field">
            <label htmlFor={emailId}>{t("admin.email")}</label>
            <input
              id={emailId}
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={roleId}>{t("admin.role")}</label>
            <select
              id={roleId}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
            >
              {ROLES.map((value) => (
                <option key={value} value={value}>
                  {label("roles", value)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={create.isPending}>
            {t("admin.add")}
          </button>
          <FormError error={create.error} />
        </form>
      ) : (
        <p className="note">{t("admin.manageOnly")}</p>
      )}
    </section>
  );
}

function SecretOnce({
  name,
  secret,
  onDismiss,
}: {
  name: string;
  secret: string;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="note" role="status" data-testid="token-secret-panel">
      <h3>{t("admin.secretTitle")}</h3>
      <p>{t("admin.secretText", { name })}</p>
      <div className="secret">
        <code data-testid="token-secret">{secret}</code>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {t("admin.copy")}
        </button>
        {copied && <span>{t("admin.copied")}</span>}
      </div>
      <p>
        <button type="button" onClick={onDismiss}>
          {t("admin.dismissSecret")}
        </button>
      </p>
    </div>
  );
}

function Tokens() {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const format = useFormat();
  const tokens = useGql(ApiTokensDocument, {});
  const create = useGqlMutation(ApiTokenCreateDocument);
  const revoke = useGqlMutation(ApiTokenRevokeDocument);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["READ"]);
  const [days, setDays] = useState("90");
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const nameId = useId();
  const daysId = useId();
  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { input: { name, scopes, expiresInDays: days ? Number(days) : null } },
      {
        onSuccess: (data) => {
          setShown({ name: data.apiTokenCreate.apiToken.name, secret: data.apiTokenCreate.secret });
          setName("");
        },
      },
    );
  };
  return (
    <section className="panel">
      <h2 id="tokens-title">{t("admin.tokens")}</h2>
      <p>{t("admin.tokensIntro")}</p>
      {shown && <SecretOnce {...shown} onDismiss={() => setShown(null)} />}
      <QueryView query={tokens} isEmpty={(data) => data.apiTokens.edges.length === 0}>
        {(data) => (
          <TableScroll label={t("admin.tokens")}>
            <table data-testid="tokens">
              <thead>
                <tr>
                  <th scope="col">{t("admin.tokenName")}</th>
                  <th scope="col">{t("admin.scopes")}</th>
                  <th scope="col">{t("admin.expires")}</th>
                  <th scope="col">{t("admin.lastUsed")}</th>
                  <th scope="col">{t("jobs.status")}</th>
                  <th scope="col">{t("jobs.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {data.apiTokens.edges.map(({ node }) => (
                  <tr key={node.id}>
                    <td>
                      {node.name}{" "}
                      <code>
                        {node.displayPrefix}…{node.lastFour}
                      </code>
                    </td>
                    <td>
                      {node.scopes.map((scope) => label("admin.scopeNames", scope)).join(", ")}
                    </td>
                    <td>{format.dateTime(node.expiresAt)}</td>
                    <td>{node.lastUsedAt ? format.dateTime(node.lastUsedAt) : t("admin.never")}</td>
                    <td>
                      <span className={`badge ${node.isActive ? "ok" : "bad"}`}>
                        {node.isActive ? t("admin.active") : t("admin.revoked")}
                      </span>
                    </td>
                    <td>
                      {node.isActive && (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => revoke.mutate({ id: node.id })}
                          aria-label={`${t("admin.revoke")}: ${node.name}`}
                        >
                          {t("admin.revoke")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </QueryView>
      <FormError error={revoke.error} />
      <h3>{t("admin.createToken")}</h3>
      <form className="stack" onSubmit={onCreate}>
        <div className="field">
          <label htmlFor={nameId}>{t("admin.tokenName")}</label>
          <input
            id={nameId}
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <fieldset className="field">
          <legend>{t("admin.scopes")}</legend>
          <div className="checks">
            {SCOPES.map((scope) => (
              <label key={scope}>
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(event) =>
                    setScopes((current) =>
                      event.target.checked
                        ? [...current, scope]
                        : current.filter((value) => value !== scope),
                    )
                  }
                />
                {label("admin.scopeNames", scope)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={daysId}>{t("admin.expiresInDays")}</label>
          <input
            id={daysId}
            type="number"
            min={1}
            max={366}
            value={days}
            onChange={(event) => setDays(event.target.value)}
          />
        </div>
        <div>
          <button type="submit" disabled={create.isPending}>
            {t("admin.createToken")}
          </button>
        </div>
        <FormError error={create.error} />
      </form>
    </section>
  );
}

export default function AdminPage() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <PageHeader title={t("admin.title")} />
      <TenantSwitch />
      <Members />
      {session.can("MANAGE") ? (
        <Tokens />
      ) : (
        <section className="panel">
          <h2 id="tokens-title">{t("admin.tokens")}</h2>
          <p className="note">{t("admin.manageOnly")}</p>
        </section>
      )}
    </>
  );
}

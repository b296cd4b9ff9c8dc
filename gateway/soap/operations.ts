/**
 * The WebService's operations as the published catalogue has them: the six fixed ones of 附件3
 * and one per published generic lookup. They are held as an immutable snapshot — the
 * operations, their WSDL, and node-soap's parser built for exactly that WSDL — and replaced
 * whole when the catalogue changes, without a restart:
 *
 * - a request takes the snapshot of the moment and keeps it to its end, so a rebuild never
 *   changes what an in-flight request sees (the swap is one assignment);
 * - what the catalogue offers is read as a fingerprint (method, resource row, last change),
 *   one small query; the declarations are parsed, the WSDL written and node-soap rebuilt only
 *   when it differs, by one rebuild that concurrent callers share;
 * - other replicas see a change on their next WSDL request, or within FRESH_MS on calls.
 */
import * as soap from 'soap';
import type { Db } from '../../core/db';
import type { Logger } from '../../core/logger';
import { errorFields } from '../../core/logger';
import { registrationOf } from '../../catalog/access';
import { interfacesFingerprint, publishedInterfaceVersions } from '../../catalog/resources';
import { dataServiceWsdl, SOAP_PATH, soapOperations, SoapOperations } from '../../schemas/wsdl';
import { isDeclaredLookup } from '../../catalog/lookup-declarations';

type XmlObject = Record<string, unknown>;
export interface XmlParser {
  xmlToObject(xml: string): XmlObject;
}

export interface SoapSnapshot {
  /** the catalogue fingerprint it was built from */
  fingerprint: string;
  operations: SoapOperations;
  wsdl: string;
  /** node-soap's parser of this WSDL (a request is parsed with it once, ./service) */
  parser: XmlParser;
}

/** How long a snapshot is trusted for calls before the catalogue is asked again. */
export const FRESH_MS = 1000;

/** The declared operations (name, parameters) of the published catalogue. */
async function declaredOperations(db: Db, versions: Array<{ method: string; id: number; updated_at: number }>): Promise<Array<[string, string[]]>> {
  const out: Array<[string, string[]]> = [];
  for (const v of versions) {
    const spec = (await registrationOf(db, v.id, v.updated_at))?.interfaces?.find((i) => i.method === v.method);
    if (spec && isDeclaredLookup(spec)) out.push([spec.method, spec.query!.params.map((p) => p.name)]);
  }
  return out;
}

/** node-soap's parser for the WSDL of these operations; resolves once the WSDL is read. */
export function buildSnapshot(fingerprint: string, operations: SoapOperations, address: string): Promise<SoapSnapshot> {
  const wsdl = dataServiceWsdl(address, operations);
  return new Promise((resolve, reject) => {
    void soap.createServerless({
      path: SOAP_PATH,
      services: {},
      xml: wsdl,
      callback: (err: unknown, server: { wsdl: XmlParser }) => (err ? reject(err) : resolve({ fingerprint, operations, wsdl, parser: server.wsdl })),
    });
  });
}

export class SoapCatalogue {
  private snapshot: SoapSnapshot | null = null;
  private checkedAt = 0;
  private checking: Promise<SoapSnapshot> | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly address: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The snapshot in use, without asking the catalogue (null before the first is built). */
  current(): SoapSnapshot | null {
    return this.snapshot;
  }

  /**
   * A snapshot checked against the catalogue no earlier than maxAgeMs before this call (0: a
   * check that started after it — one already running from before does not do). Concurrent
   * callers share one check. If the catalogue cannot be read or node-soap refuses the WSDL, the
   * snapshot in use stays (and the failure is logged).
   */
  async fresh(maxAgeMs = FRESH_MS): Promise<SoapSnapshot | null> {
    const since = this.now() - maxAgeMs;
    try {
      for (;;) {
        if (this.snapshot && this.checkedAt >= since) return this.snapshot;
        if (!this.checking) {
          const startedAt = this.now();
          this.checking = this.check(startedAt).finally(() => {
            this.checking = null;
          });
        }
        await this.checking;
      }
    } catch (err) {
      this.log.error(errorFields(err), 'soap operations could not be rebuilt: the previous ones stay');
      return this.snapshot;
    }
  }

  /** Reads the fingerprint (started at startedAt) and rebuilds if it changed; checkedAt is when the read started. */
  private async check(startedAt: number): Promise<SoapSnapshot> {
    const versions = await publishedInterfaceVersions(this.db);
    const fingerprint = interfacesFingerprint(versions);
    let next = this.snapshot;
    if (!next || next.fingerprint !== fingerprint) {
      next = await buildSnapshot(fingerprint, soapOperations(await declaredOperations(this.db, versions)), this.address);
      this.snapshot = next;
    }
    this.checkedAt = startedAt;
    return next;
  }
}

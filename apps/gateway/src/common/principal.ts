import type { AgencyRole } from '@lienthong/registry';

/** Who is calling, as established by the access guard from a verified access token. */
export interface Principal {
  /** Decision 20/2020 agency code; recorded as `ce_source`. */
  agencyId: string;
  /** Roles as the registry holds them now (not as the token said when issued). */
  roles: readonly AgencyRole[];
  /** The agency key that authenticated the client when the token was issued. */
  clientKeyId?: string;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}

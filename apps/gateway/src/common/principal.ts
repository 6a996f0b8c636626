/** Who is calling, as established by the access guard. */
export interface Principal {
  /** Decision 20/2020 agency code; recorded as `ce_source`. */
  agencyId: string;
  /** False until token authentication exists (trust issue): the anonymous principal. */
  authenticated: boolean;
}

export interface RequestWithPrincipal {
  principal?: Principal;
}
